"""The one reader of datapackage.json and the Table Schemas it names.

It reads with limits (size, nesting, number of resources and fields), checks the shape of what it
reads, and refuses any path that leaves the package folder, points to the network or names
something other than a regular file (a FIFO, a device, a folder, a symlink loop), so that no tool
of this package reads a file it was not meant to, or waits on one forever. JSON that Python's
reader accepts but JSON does not (NaN, Infinity), or that readers would take differently
(a key twice in one object, a number beyond the float range, a lone surrogate), is refused where it
stands. So is anything in a descriptor or schema that would change what frictionless or another
reader checks and that this validator does not check (inline data, compression, a field format,
true values, ...): never ignored. Problems come back as located messages, never as exceptions."""
import json
import json.decoder
import json.scanner
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .bounded import TooLarge, read_bounded
from .patterns import compile_pattern
from .report import Problem, name, show

MAX_JSON_BYTES = 10 * 2**20     # a descriptor or schema larger than this is refused unread
MAX_RESOURCES = 100             # resources in one package (24 now): more are refused, none read
MAX_FIELDS = 1_000              # fields in one Table Schema (csvread.MAX_COLUMNS for a header)
MAX_FOREIGN_KEYS = 100          # foreign keys in one Table Schema: each costs a pass over a table
MAX_NAME_CHARS = 64             # package and resource names become file names and SQL identifiers
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")  # package and resource names: safe in paths and SQL
RESERVED = re.compile(r"^sqlite_")  # SQLite keeps these table names for itself (release builds SQLite)
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$")
FIELD_TYPES = {"string", "integer", "number", "date", "boolean"}  # the types the validator checks
CONSTRAINTS = {"required": bool, "unique": bool, "enum": list, "pattern": str, "minLength": int,
               "maxLength": int, "minimum": (int, float), "maximum": (int, float)}
REMOTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
# How every table is written and how csvread reads it, in the Table Dialect's own terms (Data
# Package v2). fields.py writes it into every resource, so that other readers need not guess.
READ_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True, "lineTerminator": "\n"}
# dialect keys that do not change how a file is read, and the values of others that match csvread
DIALECT_NEUTRAL = {"$schema", "csvddfVersion", "caseSensitiveHeader", "headerJoin"}
DIALECT_SAME = {"skipInitialSpace": False, "headerRows": [1], "commentRows": []}
# what a resource may declare about its file: only what csvread reads
RESOURCE_FILE = {"type": ("table",), "format": ("csv",), "mediatype": ("text/csv",), "encoding": ("utf-8", "utf8")}
# resource properties that make frictionless (or another reader) read or check something else than
# the CSV file at `path`: refused, since this validator would not read or check it
RESOURCE_REFUSED = {"data": "inline data beside the file", "compression": "a compressed file",
                    "innerpath": "a file inside an archive", "extrapaths": "more files joined to the first",
                    "scheme": "another way to reach the file",
                    "bytes": "the file's size", "stats": "the file's checksum, size or row count"}
# the one checksum this validator checks (as `./dp schemas` writes it): `hash`, "sha256:<hex>"
HASH = re.compile(r"^sha256:[0-9a-f]{64}$")
# field and schema properties with which frictionless would read or check the values otherwise than
# this validator does: only their default value (or their absence) is accepted
FIELD_DEFAULTS = {"format": "default", "bareNumber": True, "decimalChar": ".", "groupChar": "", "missingValues": [""]}
FIELD_REFUSED = {"trueValues", "falseValues"}   # booleans are true or false here, nothing else
SCHEMA_DEFAULTS = {"missingValues": [""], "fieldsMatch": "exact"}
SCHEMA_REFUSED = {"uniqueKeys"}                 # not checked by this validator
TEXT_KEYS = ("title", "description")            # copied into the docs and the site: text or absent
# Resources without a Table Schema: the formats this validator reads (geojson.py), each with its media type.
# Such a resource declares no `type` (Data Package v2 defines only "table") and no dialect.
FILE_FORMATS = {"geojson": "application/geo+json"}


class DescriptorError(Exception):
    """datapackage.json cannot be used; str() lists the problems, one per line."""


@dataclass
class Resource:
    name: str
    path: str                # relative to the package folder, checked to stay inside it
    schema: dict             # the Table Schema, loaded
    schema_file: str         # where the schema came from (a path, or datapackage.json when inline)
    title: str = ""
    hash: str = ""           # "sha256:<hex>" of the file, when datapackage.json gives it

    @property
    def fields(self):
        return [f["name"] for f in self.schema["fields"]]

    def field(self, name):
        return next(f for f in self.schema["fields"] if f["name"] == name)


@dataclass
class File:
    """A resource that is not a table (a GeoJSON file): checked by geojson.py, shipped with the tables."""
    name: str
    path: str                # relative to the package folder, checked to stay inside it
    format: str              # a key of FILE_FORMATS
    title: str = ""
    hash: str = ""           # "sha256:<hex>" of the file, when datapackage.json gives it


@dataclass
class Package:
    root: Path
    descriptor: dict
    resources: list = field(default_factory=list)   # the tables (Resource)
    files: list = field(default_factory=list)       # the resources that are not tables (File)

    @property
    def name(self):
        return self.descriptor["name"]

    @property
    def version(self):
        return self.descriptor["version"]

    def resource(self, name):
        return next(r for r in self.resources if r.name == name)


def as_list(value):
    """A Table Schema key given as one name or a list of names, as a list."""
    return [value] if isinstance(value, str) else list(value or [])


class _Refused(ValueError):
    """JSON that json.loads would read but that is refused; pos: where it starts in the text."""

    def __init__(self, message):
        super().__init__(message)
        self.pos = None


def _constant(token):
    raise _Refused(f"{token} is not a JSON number (expected a finite number, or a string)")


def _float(text):
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"number beyond the range of a 64-bit float (found {show(text, 40)})")
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}")


def _surrogate(value):
    return _Refused(f"lone surrogate in a string (found {show(value)}; expected text that UTF-8 can hold)")


def _pairs(pairs):
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen = set()
        dup = next(k for k, _ in pairs if k in seen or seen.add(k))
        raise _Refused(f"key {show(dup)} given twice in one object (expected each key once: readers keep one of them without a word)")
    for k in obj:
        if _SURROGATE.search(k):
            e = _surrogate(k)
            e.in_key = True
            raise e
    return obj


def _strings(value):
    """Every string of a parsed JSON value, keys included (no recursion: nesting is bounded by the reader)."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            yield from v
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)


def _locate(text):
    """The first refused construct of the text (_Refused with its pos), found by reading it again
    with the pure-Python scanner, which lets the start of every value be known (the C scanner,
    used first because it is fast, cannot say where a hook refused)."""
    def tracked(scan):
        def scan_at(s, idx):
            try:
                return scan(s, idx)
            except _Refused as e:
                e.pos = idx if e.pos is None else e.pos
                raise
        return scan_at

    def parse_object(s_and_end, strict, scan_once, *rest):
        try:
            return json.decoder.JSONObject(s_and_end, strict, tracked(scan_once), *rest)
        except _Refused as e:  # a repeated key: located at its object; a surrogate in a key: at its escape
            if e.pos is None:
                m = _LONE_ESCAPE.search(s_and_end[0], s_and_end[1]) if getattr(e, "in_key", False) else None
                e.pos = m.start() if m else s_and_end[1] - 1
            raise

    def parse_string(s, end, strict):
        value, stop = json.decoder.scanstring(s, end, strict)
        if _SURROGATE.search(value):
            e = _surrogate(value)
            e.pos = end - 1
            raise e
        return value, stop

    dec = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float)
    dec.parse_object, dec.parse_string = parse_object, parse_string
    dec.parse_array = lambda s_and_end, scan_once: json.decoder.JSONArray(s_and_end, tracked(scan_once))
    dec.scan_once = json.scanner.py_make_scanner(dec)
    try:
        dec.decode(text)
    except _Refused as e:
        return e
    except (ValueError, RecursionError):
        pass
    return None


def loads(text: str):
    """json.loads, refusing what is not plain JSON or what readers would take differently
    (_Refused, with pos where it is known): NaN and Infinity, a number beyond the float range, a
    key twice in one object, a lone surrogate."""
    try:
        value = json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_float)
        if _SURROGATE_ESCAPE.search(text) and any(_SURROGATE.search(v) for v in _strings(value)):
            raise _surrogate("")
    except _Refused as e:
        raise _locate(text) or e from None
    return value


def read_json(path: Path, rel: str, out: list):
    """The JSON at path, or None with a located problem in out (see load_json; JSON `null` is None
    too: a caller that must tell the two apart uses load_json)."""
    return load_json(path, rel, out)[1]


def load_json(path: Path, rel: str, out: list):
    """(True, the JSON at path), or (False, None) with a located problem in out (missing, not a
    regular file, too large, not UTF-8, not JSON, not plain JSON, nested too deeply, a number too
    long). JSON `null` is (True, None): the caller says what it expected instead."""
    try:
        data = read_bounded(path, MAX_JSON_BYTES)  # a regular file only: a FIFO or a device is refused at once
    except TooLarge as e:
        out.append(Problem(rel, None, None, "json", f"file too large (found {e.found}; expected at most {MAX_JSON_BYTES:,})"))
        return False, None
    except FileNotFoundError:
        out.append(Problem(rel, None, None, "missing", "file is missing"))
        return False, None
    except OSError as e:
        out.append(Problem(rel, None, None, "json", f"file cannot be read ({e.strerror})"))
        return False, None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        out.append(Problem(rel, data[:e.start].count(b"\n") + 1, None, "json", "bytes that are not UTF-8 (expected UTF-8 JSON)"))
        return False, None
    try:
        return True, loads(text)
    except json.JSONDecodeError as e:
        out.append(Problem(rel, e.lineno, None, "json", f"invalid JSON ({e.msg} at column {e.colno})"))
    except _Refused as e:
        pos = e.pos or 0
        line, col = text.count("\n", 0, pos) + 1, pos - text.rfind("\n", 0, pos)
        out.append(Problem(rel, line, None, "json", f"not plain JSON at column {col}: {e}"))
    except RecursionError:
        out.append(Problem(rel, None, None, "json", "invalid JSON (nested too deeply to read)"))
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        out.append(Problem(rel, None, None, "json", f"invalid JSON ({str(e).split(';')[0]})"))
    return False, None


def real(path: Path) -> Path:
    """path with its symlinks resolved; a symlink loop, which cannot be, is left as it is (absolute)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError up to Python 3.12, OSError since
        return path.absolute()


def inside(root: Path, rel, where: str, column: str, out: list):
    """root/rel when rel is a relative path that stays inside root (symlinks resolved); else None."""
    if not isinstance(rel, str) or not rel:
        out.append(Problem(where, None, column, "descriptor", f"expected a relative path (found {show(rel)})"))
        return None
    if REMOTE.match(rel):
        out.append(Problem(where, None, column, "path", f"remote path refused: validation never reads from the network (found {show(rel)}; expected a path inside the package folder)"))
        return None
    parts = PurePosixPath(rel).parts
    if rel.startswith("/") or ".." in parts or "\\" in rel or "\x00" in rel:  # a backslash anywhere, first or not, is refused
        out.append(Problem(where, None, column, "path", f"path outside the package folder refused (found {show(rel)}; expected a relative path without '..')"))
        return None
    full = root / rel
    try:
        real, home = full.resolve(), root.resolve()
    except (OSError, RuntimeError) as e:  # a symlink loop (RuntimeError up to Python 3.12, OSError since)
        out.append(Problem(where, None, column, "path", f"path cannot be followed: {show(str(e).split(':')[0], 40)} (found {show(rel)})"))
        return None
    if not real.is_relative_to(home):
        out.append(Problem(where, None, column, "path", f"path leads outside the package folder through a link, refused (found {show(rel)})"))
        return None
    if full.exists() and not full.is_file():
        out.append(Problem(where, None, column, "path", f"path is not a regular file (a folder, FIFO or device; found {show(rel)})"))
        return None
    return full


def check_schema(schema, where: str, out: list, prefix: str = "") -> bool:
    """The Table Schema has the shape the tools rely on, and says nothing that this validator would
    not check; problems go to out (located in `where`, with `prefix` before the path inside the
    schema when it is inline)."""
    n = len(out)

    def bad(column, what, found):
        column = ".".join(filter(None, [prefix, column])) or None
        out.append(Problem(where, None, column, "descriptor", f"{what} (found {show(found)})"))

    if not isinstance(schema, dict):
        bad(None, "a Table Schema must be a JSON object (every table of this package needs one)", "null" if schema is None else type(schema).__name__)
        return False
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        bad("fields", "expected a non-empty list of fields", type(fields).__name__)
        return False
    if len(fields) > MAX_FIELDS:
        bad("fields", f"too many fields (expected at most {MAX_FIELDS:,})", f"{len(fields):,}")
        return False
    for key in TEXT_KEYS:
        if key in schema and not isinstance(schema[key], str):
            bad(key, "expected text", schema[key])
    for key, default in SCHEMA_DEFAULTS.items():
        if key in schema and schema[key] != default:
            bad(key, f"not read by this validator (expected {default!r}, or nothing)", schema[key])
    for key in sorted(SCHEMA_REFUSED & set(schema)):
        bad(key, "not checked by this validator (expected it absent)", schema[key])
    names = []
    for i, f in enumerate(fields):
        at = f"fields[{i}]"
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f.get("name"):
            bad(at, "a field must be an object with a non-empty string name", f)
            continue
        names.append(f["name"])
        t = f.get("type", "string")
        if not isinstance(t, str) or t not in FIELD_TYPES:
            bad(f"{at}.type", f"type not checked by this validator (expected one of {', '.join(sorted(FIELD_TYPES))})", t)
        for key in TEXT_KEYS:
            if key in f and not isinstance(f[key], str):
                bad(f"{at}.{key}", "expected text", f[key])
        for key, default in FIELD_DEFAULTS.items():
            if key in f and f[key] != default:
                bad(f"{at}.{key}", f"not read by this validator (expected {default!r}, or nothing)", f[key])
        for key in sorted(FIELD_REFUSED & set(f)):
            bad(f"{at}.{key}", "not read by this validator (expected it absent: a boolean is true or false)", f[key])
        c = f.get("constraints", {})
        if not isinstance(c, dict):
            bad(f"{at}.constraints", "expected an object", c)
            continue
        for key in sorted(set(c) - set(CONSTRAINTS)):
            bad(f"{at}.constraints.{key}", f"constraint not checked by this validator (expected only {', '.join(CONSTRAINTS)})", key)
        for key, want in CONSTRAINTS.items():
            if key in c and (not isinstance(c[key], want) or isinstance(c[key], bool) and want is not bool):
                bad(f"{at}.constraints.{key}", "constraint of the wrong type", c[key])
            elif key in ("minimum", "maximum") and key in c and not _finite(c[key]):
                bad(f"{at}.constraints.{key}", "bound beyond the range of a 64-bit float (expected a finite number)", c[key])
            elif key in ("minLength", "maxLength") and key in c and not 0 <= c[key] <= 2**63 - 1:
                bad(f"{at}.constraints.{key}", "length out of range (expected 0 to 2**63 - 1)", c[key])
        if isinstance(c.get("pattern"), str):
            try:
                compile_pattern(c["pattern"])
            except Exception:  # re2.error: a pattern RE2 cannot run (look-arounds, back-references)
                bad(f"{at}.constraints.pattern", "pattern this validator cannot run (expected a regular expression in RE2 syntax)", c["pattern"])
        if isinstance(c.get("enum"), list) and not all(isinstance(v, str) for v in c["enum"]):
            bad(f"{at}.constraints.enum", "enum values must be strings", c["enum"])
        cats = f.get("categories")
        if cats is not None:
            values = [x.get("value") if isinstance(x, dict) else x for x in cats] if isinstance(cats, list) else None
            if values is None or not all(isinstance(v, str) for v in values):
                bad(f"{at}.categories", "expected a list of {value, label} objects with string values", cats)
            elif "enum" in c and values != c["enum"]:
                bad(f"{at}.categories", "categories and constraints.enum list different values (expected the same values in the same order)", values)
            elif any(isinstance(x, dict) and "label" in x and not isinstance(x["label"], str) for x in cats):
                bad(f"{at}.categories", "a category's label must be text", cats)
    counts = Counter(names)
    if len(counts) != len(names):
        bad("fields", "field names must be unique", sorted(x for x, k in counts.items() if k > 1))
    folded = Counter(x.casefold() for x in counts)
    if len(folded) != len(counts):  # SQLite, spreadsheets and case-insensitive file systems read them as one
        bad("fields", "field names that differ only in case (expected names that differ in more than case)",
            sorted(x for x in counts if folded[x.casefold()] > 1))
    pk = schema.get("primaryKey")
    if pk is None or pk == []:
        bad("primaryKey", "a Table Schema needs a primary key (expected the fields that identify a row: every table of this package has one)", pk)
    elif not isinstance(pk, (str, list)):
        bad("primaryKey", "primary key names no field", pk)
    else:
        for key in as_list(pk):
            if not isinstance(key, str) or key not in counts:
                bad("primaryKey", "primary key names no field", key)
    fks = schema.get("foreignKeys", [])
    if isinstance(fks, list) and len(fks) > MAX_FOREIGN_KEYS:
        bad("foreignKeys", f"too many foreign keys (expected at most {MAX_FOREIGN_KEYS})", len(fks))
        return False
    for i, fk in enumerate(fks if isinstance(fks, list) else [None]):
        at = f"foreignKeys[{i}]"
        ref = fk.get("reference") if isinstance(fk, dict) else None
        if not isinstance(ref, dict) or not isinstance(ref.get("resource", ""), str):
            bad(at, "expected {fields, reference: {resource, fields}}", fk)
            continue
        own, theirs = fk.get("fields"), ref.get("fields")
        names_ok = all(isinstance(x, (str, list)) and as_list(x) and all(isinstance(k, str) and k for k in as_list(x)) for x in (own, theirs))
        if not names_ok or len(as_list(own)) != len(as_list(theirs)):
            bad(at, "fields and reference.fields must name the same number of fields, by name", fk)
            continue
        for k in as_list(own):
            if k not in counts:
                bad(at, "foreign key names no field", k)
    return len(out) == n


def _finite(bound) -> bool:
    """A constraint bound that compares with a float: finite, and an integer within the float range."""
    try:
        return math.isfinite(float(bound))
    except OverflowError:
        return False


def check_resource_file(r: dict, where: str, at: str, out: list):
    """What a resource declares about its file (Data Package v2 `$schema`, `type`, `format`,
    `mediatype`, `encoding`, `dialect`) is what this validator reads; a resource that declares
    another dialect or encoding is reported, since other readers would read it otherwise."""
    if "$schema" in r and not isinstance(r["$schema"], str):
        out.append(Problem(where, None, f"{at}.$schema", "descriptor", f"expected a profile URL (found {show(r['$schema'])})"))
    check_refused(r, where, at, out)
    for key, allowed in RESOURCE_FILE.items():
        if key in r and (not isinstance(r[key], str) or r[key].lower() not in allowed):
            out.append(Problem(where, None, f"{at}.{key}", "descriptor", f"not what this validator reads (found {show(r[key])}; expected {allowed[0]!r})"))
    dialect = r.get("dialect")
    if dialect is None:
        return
    if not isinstance(dialect, dict):  # a path to a dialect file is not read
        out.append(Problem(where, None, f"{at}.dialect", "descriptor", f"expected the dialect inline, as an object (found {show(dialect)})"))
        return
    for key, value in dialect.items():
        want = READ_DIALECT.get(key, DIALECT_SAME.get(key))
        if key in DIALECT_NEUTRAL or (want is not None and value == want and type(value) is type(want)):
            continue
        expected = f"expected {want!r}" if want is not None else "expected only " + ", ".join(READ_DIALECT)
        out.append(Problem(where, None, f"{at}.dialect.{key}", "descriptor", f"dialect not read by this validator (found {show(value)}; {expected})"))


def check_refused(r: dict, where: str, at: str, out: list) -> bool:
    """A resource says nothing beside its path that would make another reader read or check
    something else (RESOURCE_REFUSED), and its title and description are text. False when not."""
    n = len(out)
    for key, what in RESOURCE_REFUSED.items():
        if key in r and not (key == "scheme" and r[key] == "file"):
            out.append(Problem(where, None, f"{at}.{key}", "descriptor", f"{what} is not read or checked by this validator, refused (found {show(r[key])}; expected only `path` to the file)"))
    if "hash" in r and not (isinstance(r["hash"], str) and HASH.match(r["hash"])):
        out.append(Problem(where, None, f"{at}.hash", "descriptor", f"a checksum this validator does not check (found {show(r['hash'])}; "
                                                                   "expected 'sha256:' and 64 lowercase hex digits, as ./dp schemas writes it)"))
    for key in TEXT_KEYS:
        if key in r and not isinstance(r[key], str):
            out.append(Problem(where, None, f"{at}.{key}", "descriptor", f"expected text (found {show(r[key])})"))
    return len(out) == n


def check_file_resource(r: dict, where: str, at: str, out: list) -> bool:
    """A resource without a schema, in one of FILE_FORMATS: its media type is the format's, its
    encoding UTF-8, and it declares no `type` or `dialect` (they describe tables). False when not."""
    n = len(out)
    want = FILE_FORMATS[r["format"]]
    if r.get("mediatype", want) != want:
        out.append(Problem(where, None, f"{at}.mediatype", "descriptor", f"not the media type of {r['format']} (found {show(r['mediatype'])}; expected {want!r})"))
    if not isinstance(r.get("encoding", "utf-8"), str) or r.get("encoding", "utf-8").lower() not in RESOURCE_FILE["encoding"]:
        out.append(Problem(where, None, f"{at}.encoding", "descriptor", f"not what this validator reads (found {show(r['encoding'])}; expected 'utf-8')"))
    for key in ("type", "dialect"):
        if key in r:
            out.append(Problem(where, None, f"{at}.{key}", "descriptor", f"a {r['format']} resource is not a table (found {show(r[key])}; expected no {key})"))
    return len(out) == n


def load(root: Path, out: list) -> Package | None:
    """The package at root (its folder, or its descriptor file) with every resource whose path and
    schema are sound (None when the descriptor itself is unusable); every problem found goes to out."""
    root = Path(root)
    if root.is_dir():
        where = "datapackage.json"
    elif root.exists() or root.suffix == ".json":  # the descriptor itself: datapackage.json or another name
        root, where = root.parent, root.name
    else:
        out.append(Problem(str(root), None, None, "missing", "package folder not found (expected a folder holding datapackage.json, or the path of that file)"))
        return None
    path = inside(root, where, where, None, out)
    if path is None:
        return None
    ok, dp = load_json(path, where, out)
    if not ok:
        return None
    if not isinstance(dp, dict):
        out.append(Problem(where, None, None, "descriptor", f"expected a JSON object (found {'null' if dp is None else type(dp).__name__})"))
        return None
    if not _good_name(dp.get("name")):
        out.append(Problem(where, None, "name", "descriptor", f"package name must be lowercase letters, digits, '.', '_' or '-', at most {MAX_NAME_CHARS} (found {show(dp.get('name'))})"))
    if not isinstance(dp.get("version"), str) or not SEMVER.match(dp["version"]):
        out.append(Problem(where, None, "version", "descriptor", f"version must be SemVer X.Y.Z (found {show(dp.get('version'))})"))
    for key in TEXT_KEYS:
        if key in dp and not isinstance(dp[key], str):
            out.append(Problem(where, None, key, "descriptor", f"expected text (found {show(dp[key])})"))
    resources = dp.get("resources")
    if not isinstance(resources, list) or not resources:
        out.append(Problem(where, None, "resources", "descriptor", f"expected a non-empty list of resources (found {show(type(resources).__name__)})"))
        return None
    if len(resources) > MAX_RESOURCES:
        out.append(Problem(where, None, "resources", "limit", f"too many resources (found {len(resources):,}; expected at most {MAX_RESOURCES}); none is read"))
        return None
    pkg = Package(root, dp)
    seen = set()
    for i, r in enumerate(resources):
        at = f"resources[{i}]"
        if not isinstance(r, dict) or not _good_name(r.get("name")):
            out.append(Problem(where, None, at, "descriptor", f"a resource must be an object with a name of lowercase letters, digits, '.', '_' or '-', "
                                                              f"at most {MAX_NAME_CHARS}, not starting with sqlite_ (found {show(r if not isinstance(r, dict) else r.get('name'))})"))
            continue
        if r["name"] in seen:
            out.append(Problem(where, None, f"{at}.name", "descriptor", f"resource name used twice (found {show(r['name'])})"))
            continue
        seen.add(r["name"])
        if "schema" not in r and r.get("format") in FILE_FORMATS:
            if check_file_resource(r, where, at, out) & check_refused(r, where, at, out) and (path := inside(root, r.get("path"), where, f"{at}.path", out)):
                pkg.files.append(File(r["name"], r["path"], r["format"], str(r.get("title", "")), str(r.get("hash", ""))))
            continue
        check_resource_file(r, where, at, out)
        path = inside(root, r.get("path"), where, f"{at}.path", out)
        if "schema" not in r:
            out.append(Problem(where, None, f"{at}.schema", "descriptor", "resource without a Table Schema (expected a path to one, or one inline: every table of this package needs one)"))
            continue
        sref = r["schema"]
        if isinstance(sref, str):
            spath = inside(root, sref, where, f"{at}.schema", out)
            ok, schema = load_json(spath, sref, out) if spath else (False, None)
            schema_file = sref
        else:
            ok, schema, schema_file = True, sref, where
        if not ok or not check_schema(schema, schema_file, out, "" if isinstance(sref, str) else f"{at}.schema") or path is None:
            continue
        pkg.resources.append(Resource(r["name"], r["path"], schema, schema_file, str(r.get("title", "")), str(r.get("hash", ""))))
    loaded = {r.name for r in pkg.resources}
    for r in pkg.resources:
        for i, fk in enumerate(r.schema.get("foreignKeys", [])):
            target = fk["reference"].get("resource") or r.name
            if target not in seen:
                out.append(Problem(r.schema_file, None, f"foreignKeys[{i}]", "descriptor", f"foreign key points to no resource (found {show(target)})"))
            elif target in loaded:
                theirs = pkg.resource(target).fields
                for k in as_list(fk["reference"]["fields"]):
                    if k not in theirs:
                        out.append(Problem(r.schema_file, None, f"foreignKeys[{i}]", "descriptor", f"foreign key points to no field of {name(target)} (found {show(k)})"))
    return pkg


def _good_name(value) -> bool:
    """A package or resource name: safe as a file name and an SQL identifier, not one SQLite reserves."""
    return isinstance(value, str) and len(value) <= MAX_NAME_CHARS and bool(NAME.match(value)) and ".." not in value and not RESERVED.match(value)


def load_package(root: Path) -> Package:
    """For the tools that build from a valid package (docs, release, SQLite): the package, or
    DescriptorError naming every problem."""
    out = []
    pkg = load(Path(root), out)
    if pkg is None or out:
        raise DescriptorError("\n".join(str(p) for p in out) or "datapackage.json cannot be read")
    return pkg
