"""The fields every table shares, defined once; `python -m ifimes_karabakh schemas` writes them
into schemas/*.schema.json, and `--check` fails when a schema differs from this definition.

Defined here, and nowhere else:
- the ID pattern, on every field that is a primary or foreign key;
- provenance: source_id, locator, quote (every table but sources, whose own id is its key) and note;
- the date group of every field P that has a P_precision sibling: P (its EDTF pattern; its
  description from the field's `title`), P_precision, and where present P_as_stated, P_basis,
  P_source_id;
- every enum: constraints.enum is written from the field's `categories` (value and meaning);
- the Data Package v2 boilerplate (profiles in PROFILES, the resource defaults in RESOURCE_DEFAULTS):
  `$schema` of the package, of every resource and of every Table Schema; and in every resource of
  datapackage.json its `type`, `format`, `mediatype`, `encoding` and CSV `dialect`. The v1 keys
  they replace are dropped (`profile`) or upgraded (a contributor's `role` becomes `roles`).
  A new resource needs only name, path, schema and title: `schemas` writes the rest.
- the package's first `sources` entry: the article, from its row of sources.csv (`article_source`;
  its publisher, title and date as `title`, its url as `path`). Further entries are hand-written.
Everything else in a schema or the descriptor is written by hand.

frictionless 5.21 does not check `categories` (not even under v2), so constraints.enum stays: it is
what the standard tool checks."""
import hashlib
import json
import re
from pathlib import Path

from .article import ARTICLE_ID
from .descriptor import FILE_FORMATS, READ_DIALECT, as_list

ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"
EDTF_PATTERN = ("^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?"
                "(/[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?)?$")

PROVENANCE = {
    "source_id": {"type": "string",
                  "description": f"Source of this row: a `source_id` of sources.csv (`{ARTICLE_ID}` is the article).",
                  "constraints": {"required": True, "pattern": ID_PATTERN}},
    "locator": {"type": "string",
                "description": "Where in the source: `pN` = the N-th non-empty line of the article's text (title = p1), "
                               "`fnN` = its footnote N; `ptN` = numbered point N of another document; `rowN` = record N of a data file (its N-th line "
                               "for a text file, its N-th row for a table, counting from 1 without the header); `whole` = the whole document.",
                "constraints": {"required": True, "pattern": "^(p[1-9][0-9]*|fn[1-9][0-9]*|pt[1-9][0-9]*|row[1-9][0-9]*|whole)$"}},
    "quote": {"type": "string",
              "description": "Short verbatim quote from the source at the locator that shows this row's values; ` … ` may skip text "
                             "(whitespace and typographic quotes are folded when it is checked).",
              "constraints": {"required": True, "minLength": 3, "maxLength": 400}},
}
NOTE = {"type": "string", "description": "Maintainers' remark: anything a user should know about this row. Not from the source."}

PRECISION = [{"value": "day", "label": "known to the day (YYYY-MM-DD)"},
             {"value": "month", "label": "known to the month (YYYY-MM)"},
             {"value": "year", "label": "known to the year (YYYY)"}]
BASIS = [{"value": "as_stated", "label": "as the row's source states it (its wording is in the *_as_stated column)"},
         {"value": "inferred", "label": "derived from another statement of the same source; the note says how"},
         {"value": "corrected", "label": "the source states something else; *_source_id shows the right value"},
         {"value": "refined", "label": "the source is less precise; *_source_id gives the precise value"},
         {"value": "added", "label": "the source gives no value; *_source_id gives it"}]


def date_group(p: str, title: str) -> dict:
    """The generated fields of the date group P, keyed by name (P's own entry: its description and pattern)."""
    return {
        p: {"description": f"{title}: EDTF level 0, `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an interval `start/end` of the same "
                           "precision. Empty where not known.",
            "constraints": {"pattern": EDTF_PATTERN}},
        f"{p}_as_stated": {"type": "string",
                           "description": f"{title}, exactly as the row's source words it (verbatim; must occur in `quote`); "
                                          "empty where the source gives none."},
        f"{p}_precision": {"type": "string", "description": f"Precision of `{p}`; empty when `{p}` is empty.",
                           "categories": PRECISION},
        f"{p}_basis": {"type": "string", "description": f"Where `{p}` comes from; empty when `{p}` is empty.",
                       "categories": BASIS},
        f"{p}_source_id": {"type": "string",
                           "description": f"Source of `{p}` when `{p}_basis` is corrected, refined or added: a `source_id` of "
                                          "sources.csv other than the article; empty otherwise.",
                           "constraints": {"pattern": ID_PATTERN}},
        f"{p}_start": {"type": "date", "description": f"The earliest day `{p}` allows (derived from it by `./dp dates`; "
                                                     f"empty when `{p}` is empty): for analysis tools that need a day."},
        f"{p}_end": {"type": "date", "description": f"The latest day `{p}` allows (derived from it by `./dp dates`; "
                                                   f"empty when `{p}` is empty)."},
    }


DERIVED = ("_start", "_end")  # the day columns every date group has, written right after the date itself


def key_fields(schema: dict) -> set:
    keys = set(as_list(schema.get("primaryKey")))
    for fk in schema.get("foreignKeys", []):
        keys.update(as_list(fk["fields"]))
    return keys


def render(table: str, schema: dict) -> dict:
    """The schema with every shared field as defined here (a new dict; the input is not changed)."""
    schema = json.loads(json.dumps(schema))
    names = {f["name"] for f in schema["fields"]}
    groups = {}
    for f in schema["fields"]:
        p = f["name"].removesuffix("_precision")
        if f["name"].endswith("_precision") and p in names:
            title = next(g.get("title", p) for g in schema["fields"] if g["name"] == p)
            groups.update(date_group(p, title))
    keys = key_fields(schema)
    fields, out = [], []
    for f in schema["fields"]:  # a date group gets its derived day columns right after the date, once
        fields.append(f)
        if f"{f['name']}_precision" in names:
            fields += [{"name": f["name"] + s} for s in DERIVED if f["name"] + s not in names]
    for f in fields:
        n = f["name"]
        if n in PROVENANCE and table != "sources":
            f = {"name": n, **PROVENANCE[n]}
        elif n == "note":
            f = {"name": n, **NOTE}
        elif n in groups:
            generated = groups[n]
            kept = f.get("constraints", {})  # a hand-set constraint (required) stays beside the generated ones
            f = {"name": n, **{k: v for k, v in f.items() if k not in generated and k != "name"}, **generated}
            if "constraints" in generated:
                f["constraints"] = {**kept, **generated["constraints"]}
        if n in keys and f.get("type", "string") == "string" and "categories" not in f:  # ids, not vocabularies
            f.setdefault("constraints", {})["pattern"] = ID_PATTERN
        if "categories" in f:
            f.setdefault("constraints", {})["enum"] = [c["value"] for c in f["categories"]]
        out.append(_ordered(f))
    schema["fields"] = out
    return {"$schema": PROFILES["tableschema"], **{k: v for k, v in schema.items() if k != "$schema"}}


_ORDER = ["name", "title", "type", "format", "description", "constraints", "categories"]


def _ordered(f: dict) -> dict:
    """A field's keys in one fixed order, so generated files do not churn."""
    c = f.get("constraints")
    if c:
        f["constraints"] = {k: c[k] for k in ["required", "unique", "pattern", "enum", "minLength", "maxLength", "minimum", "maximum"] if k in c} | {
            k: v for k, v in c.items() if k not in ("required", "unique", "pattern", "enum", "minLength", "maxLength", "minimum", "maximum")}
    return {k: f[k] for k in _ORDER if k in f} | {k: v for k, v in f.items() if k not in _ORDER}


def dumps(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ the descriptor's boilerplate
PROFILES = {name: f"https://datapackage.org/profiles/2.0/{name}.json" for name in ("datapackage", "dataresource", "tableschema")}
RESOURCE_DEFAULTS = {"$schema": PROFILES["dataresource"], "type": "table", "format": "csv", "mediatype": "text/csv",
                     "encoding": "utf-8", "dialect": READ_DIALECT}
_BOILERPLATE = re.compile(r"^resources\[\d+\]\.(\$schema|type|format|mediatype|encoding|dialect)(\.|$)")
_RESOURCE_ORDER = ["$schema", "name", "type", "path", "title", "description", "format", "mediatype", "encoding", "hash", "dialect", "schema"]
HASH = "sha256"  # the algorithm of every resource's `hash`, as Data Package writes it: "sha256:<hex>"


def file_hash(path: Path) -> str:
    return f"{HASH}:{hashlib.sha256(path.read_bytes()).hexdigest()}"


def render_resource(resource: dict) -> dict:
    """The resource with the defaults written in (they win over what it says) and its keys in one
    fixed order; an inline schema is rendered too. A resource without a schema in one of the file
    formats (GeoJSON) gets FILE_DEFAULTS instead. A new dict; the input is not changed."""
    r = {k: v for k, v in json.loads(json.dumps(resource)).items() if k != "profile"}
    if "schema" not in r and r.get("format") in FILE_FORMATS:
        r.update({"$schema": PROFILES["dataresource"], "mediatype": FILE_FORMATS[r["format"]], "encoding": "utf-8"})
        return {k: r[k] for k in _RESOURCE_ORDER if k in r} | {k: v for k, v in r.items() if k not in _RESOURCE_ORDER}
    r.update(json.loads(json.dumps(RESOURCE_DEFAULTS)))
    if isinstance(r.get("schema"), dict) and isinstance(r["schema"].get("fields"), list):
        r["schema"] = render(r.get("name", ""), r["schema"])
    return {k: r[k] for k in _RESOURCE_ORDER if k in r} | {k: v for k, v in r.items() if k not in _RESOURCE_ORDER}


def _hashed(resource: dict, root, known: dict) -> dict:
    """The resource with the hash of its file, when the package folder is given and the path is a
    regular file inside it (anything else is the validator's to report); `known` holds the hashes
    of the tables a Dataset has already read (name -> hex), so that no CSV is read twice."""
    if resource.get("name") in known:
        return {**resource, "hash": f"{HASH}:{known[resource['name']]}"}
    path = Path(root) / resource["path"] if root is not None and isinstance(resource.get("path"), str) else None
    if path is None or path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(Path(root).resolve()):
        return resource
    return {**resource, "hash": file_hash(path)}


def article_source(row: dict) -> dict:
    """The descriptor's `sources` entry of the article, from its row of sources.csv."""
    return {"title": f"{row['publisher']}: {row['title']} ({row['date']})", "path": row["url"]}


def render_package(descriptor: dict, article: dict | None = None, root=None, hashes: dict | None = None) -> dict:
    """datapackage.json as it must be: `$schema` first, no v1 `profile`, contributors with `roles`,
    every resource through render_resource, with article (article_source) as the first of its
    `sources` and, given the package folder, every resource with the `hash` of its file's bytes (so
    that stock `frictionless validate` checks every file). A new dict; the input is not changed."""
    dp = {k: v for k, v in json.loads(json.dumps(descriptor)).items() if k not in ("$schema", "profile")}
    if article is not None:
        dp["sources"] = [article] + list(dp.get("sources", [])[1:])
    for c in dp.get("contributors", []):
        if isinstance(c, dict) and "role" in c and "roles" not in c:
            role = c.pop("role")
            c["roles"] = role if isinstance(role, list) else [role]
    if isinstance(dp.get("resources"), list):
        dp["resources"] = [render_resource(_hashed(r, root, hashes or {})) if isinstance(r, dict) else r for r in dp["resources"]]
    return {"$schema": PROFILES["datapackage"], **dp}


def write(root, check: bool, ds=None) -> list:
    """Render every Table Schema file and datapackage.json; the stale ones (relative paths) are
    rewritten unless check. DescriptorError when the package cannot be read, except for the
    boilerplate this writes (a wrong dialect, encoding, ...), which it repairs. ds: the package
    at root already loaded (dataset.Dataset), whose sources table is then not read again."""
    from .descriptor import DescriptorError, load
    root, out = Path(root), []
    pkg = load(root, out)
    out = [p for p in out if not (p.file == "datapackage.json" and _BOILERPLATE.match(str(p.column)))]
    if pkg is None or out:
        raise DescriptorError("\n".join(str(p) for p in out) or "datapackage.json cannot be read")
    stale = []
    for r in pkg.resources:
        if r.schema_file == "datapackage.json":  # an inline schema is rendered with the descriptor
            continue
        path = root / r.schema_file
        text = dumps(render(r.name, r.schema))
        if path.read_text(encoding="utf-8") != text:
            stale.append(r.schema_file)
            if not check:
                path.write_text(text, encoding="utf-8")
    path = root / "datapackage.json"
    old = path.read_text(encoding="utf-8")
    text = dumps(render_package(json.loads(old), article_source(ds.article_row() if ds is not None else _article_row(pkg)), root, ds.hashes if ds is not None else None))
    if old != text:
        stale.append("datapackage.json")
        if not check:
            path.write_text(text, encoding="utf-8")
    return stale


def _article_row(pkg) -> dict:
    """The article's row of sources.csv, read through the checked reader; DescriptorError when the
    table cannot be read or has no such row."""
    from .article import ARTICLE_ID
    from .csvread import read_table
    from .descriptor import DescriptorError
    r = pkg.resource("sources")
    t = read_table(pkg.root / r.path, r.path, r.fields)
    rows = t.frame[t.frame["source_id"] == ARTICLE_ID] if t.frame is not None and "source_id" in t.frame else []
    if len(rows) != 1 or not {"publisher", "title", "date", "url"} <= set(rows.columns):
        raise DescriptorError("\n".join(str(p) for p in t.problems) or f"{r.path}: no row {ARTICLE_ID!r} with publisher, title, date and url")
    return rows.iloc[0].to_dict()
