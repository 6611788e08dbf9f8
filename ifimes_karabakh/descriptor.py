"""The one reader of datapackage.json and the Table Schemas it names.

It reads with limits (size, nesting), checks the shape of what it reads, and refuses any path that
leaves the package folder or points to the network, so that no tool of this package reads a file
it was not meant to. Problems come back as located messages, never as exceptions."""
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .bounded import TooLarge, read_bounded
from .patterns import compile_pattern
from .report import Problem, show

MAX_JSON_BYTES = 10 * 2**20     # a descriptor or schema larger than this is refused unread
NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")  # package and resource names: safe in paths and SQL
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


def read_json(path: Path, rel: str, out: list):
    """The JSON at path, or None with a located problem in out (missing, too large, not UTF-8,
    not JSON, nested too deeply, a number too long)."""
    try:
        data = read_bounded(path, MAX_JSON_BYTES)
    except TooLarge as e:
        out.append(Problem(rel, None, None, "json", f"file too large (found {e.found}; expected at most {MAX_JSON_BYTES:,})"))
        return None
    except FileNotFoundError:
        out.append(Problem(rel, None, None, "missing", "file is missing"))
        return None
    except OSError as e:
        out.append(Problem(rel, None, None, "json", f"file cannot be read ({e.strerror})"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        out.append(Problem(rel, data[:e.start].count(b"\n") + 1, None, "json", "bytes that are not UTF-8 (expected UTF-8 JSON)"))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        out.append(Problem(rel, e.lineno, None, "json", f"invalid JSON ({e.msg} at column {e.colno})"))
    except RecursionError:
        out.append(Problem(rel, None, None, "json", "invalid JSON (nested too deeply to read)"))
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        out.append(Problem(rel, None, None, "json", f"invalid JSON ({str(e).split(';')[0]})"))
    return None


def inside(root: Path, rel, where: str, column: str, out: list):
    """root/rel when rel is a relative path that stays inside root (symlinks resolved); else None."""
    if not isinstance(rel, str) or not rel:
        out.append(Problem(where, None, column, "descriptor", f"expected a relative path (found {show(rel)})"))
        return None
    if REMOTE.match(rel):
        out.append(Problem(where, None, column, "path", f"remote path refused: validation never reads from the network (found {show(rel)}; expected a path inside the package folder)"))
        return None
    parts = PurePosixPath(rel).parts
    if rel.startswith(("/", "\\")) or ".." in parts or "\\" in rel or "\x00" in rel:
        out.append(Problem(where, None, column, "path", f"path outside the package folder refused (found {show(rel)}; expected a relative path without '..')"))
        return None
    full = root / rel
    if not full.resolve().is_relative_to(root.resolve()):
        out.append(Problem(where, None, column, "path", f"path leads outside the package folder through a link, refused (found {show(rel)})"))
        return None
    if full.exists() and not full.is_file():
        out.append(Problem(where, None, column, "path", f"path is not a file (found {show(rel)})"))
        return None
    return full


def check_schema(schema, where: str, out: list, prefix: str = "") -> bool:
    """The parts of a Table Schema the tools rely on have the right shape; problems go to out
    (located in `where`, with `prefix` before the path inside the schema when it is inline)."""
    n = len(out)

    def bad(column, what, found):
        column = ".".join(filter(None, [prefix, column])) or None
        out.append(Problem(where, None, column, "descriptor", f"{what} (found {show(found)})"))

    if not isinstance(schema, dict):
        bad(None, "a Table Schema must be a JSON object", type(schema).__name__)
        return False
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        bad("fields", "expected a non-empty list of fields", type(fields).__name__)
        return False
    names = []
    for i, f in enumerate(fields):
        at = f"fields[{i}]"
        if not isinstance(f, dict) or not isinstance(f.get("name"), str) or not f.get("name"):
            bad(at, "a field must be an object with a non-empty string name", f)
            continue
        names.append(f["name"])
        if f.get("type", "string") not in FIELD_TYPES:
            bad(f"{at}.type", f"type not checked by this validator (expected one of {', '.join(sorted(FIELD_TYPES))})", f.get("type"))
        c = f.get("constraints", {})
        if not isinstance(c, dict):
            bad(f"{at}.constraints", "expected an object", c)
            continue
        for key, want in CONSTRAINTS.items():
            if key in c and (not isinstance(c[key], want) or isinstance(c[key], bool) and want is not bool):
                bad(f"{at}.constraints.{key}", "constraint of the wrong type", c[key])
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
    if len(set(names)) != len(names):
        bad("fields", "field names must be unique", sorted({x for x in names if names.count(x) > 1}))
    for key in as_list(schema.get("primaryKey")) if isinstance(schema.get("primaryKey", []), (str, list)) else [None]:
        if key not in names:
            bad("primaryKey", "primary key names no field", key)
    fks = schema.get("foreignKeys", [])
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
            if k not in names:
                bad(at, "foreign key names no field", k)
    return len(out) == n


def check_resource_file(r: dict, where: str, at: str, out: list):
    """What a resource declares about its file (Data Package v2 `$schema`, `type`, `format`,
    `mediatype`, `encoding`, `dialect`) is what this validator reads; a resource that declares
    another dialect or encoding is reported, since other readers would read it otherwise."""
    if "$schema" in r and not isinstance(r["$schema"], str):
        out.append(Problem(where, None, f"{at}.$schema", "descriptor", f"expected a profile URL (found {show(r['$schema'])})"))
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
    """The package at root with every resource whose path and schema are sound (None when the
    descriptor itself is unusable); every problem found goes to out."""
    root = Path(root)
    dp = read_json(root / "datapackage.json", "datapackage.json", out)
    if dp is None:
        return None
    where = "datapackage.json"
    if not isinstance(dp, dict):
        out.append(Problem(where, None, None, "descriptor", f"expected a JSON object (found {type(dp).__name__})"))
        return None
    if not isinstance(dp.get("name"), str) or not NAME.match(dp["name"]) or ".." in dp["name"]:
        out.append(Problem(where, None, "name", "descriptor", f"package name must be lowercase letters, digits, '.', '_' or '-' (found {show(dp.get('name'))})"))
    if not isinstance(dp.get("version"), str) or not SEMVER.match(dp["version"]):
        out.append(Problem(where, None, "version", "descriptor", f"version must be SemVer X.Y.Z (found {show(dp.get('version'))})"))
    resources = dp.get("resources")
    if not isinstance(resources, list) or not resources:
        out.append(Problem(where, None, "resources", "descriptor", f"expected a non-empty list of resources (found {show(type(resources).__name__)})"))
        return None
    pkg = Package(root, dp)
    seen = set()
    for i, r in enumerate(resources):
        at = f"resources[{i}]"
        if not isinstance(r, dict) or not isinstance(r.get("name"), str) or not NAME.match(r["name"]):
            out.append(Problem(where, None, at, "descriptor", f"a resource must be an object with a lowercase name (found {show(r if not isinstance(r, dict) else r.get('name'))})"))
            continue
        if r["name"] in seen:
            out.append(Problem(where, None, f"{at}.name", "descriptor", f"resource name used twice (found {show(r['name'])})"))
            continue
        seen.add(r["name"])
        if "schema" not in r and r.get("format") in FILE_FORMATS:
            if check_file_resource(r, where, at, out) and (path := inside(root, r.get("path"), where, f"{at}.path", out)):
                pkg.files.append(File(r["name"], r["path"], r["format"], str(r.get("title", ""))))
            continue
        check_resource_file(r, where, at, out)
        path = inside(root, r.get("path"), where, f"{at}.path", out)
        sref = r.get("schema")
        if isinstance(sref, str):
            spath = inside(root, sref, where, f"{at}.schema", out)
            schema = read_json(spath, sref, out) if spath else None
            schema_file = sref
        else:
            schema, schema_file = sref, where
        if path is None or schema is None or not check_schema(schema, schema_file, out, "" if isinstance(sref, str) else f"{at}.schema"):
            continue
        pkg.resources.append(Resource(r["name"], r["path"], schema, schema_file, str(r.get("title", ""))))
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
                        out.append(Problem(r.schema_file, None, f"foreignKeys[{i}]", "descriptor", f"foreign key points to no field of {target} (found {show(k)})"))
    return pkg


def load_package(root: Path) -> Package:
    """For the tools that build from a valid package (docs, release, SQLite): the package, or
    DescriptorError naming every problem."""
    out = []
    pkg = load(Path(root), out)
    if pkg is None or out:
        raise DescriptorError("\n".join(str(p) for p in out) or "datapackage.json cannot be read")
    return pkg
