"""Pandera schemas built from the Table Schemas: one function, `pandera_schema`, for the package's
own validation and for anyone who validates a table in their own pandas pipeline:

    import pandas as pd
    from ifimes_karabakh.tableschema import pandera_schema
    events = pd.read_csv("data/events.csv", dtype=str, keep_default_na=False)
    pandera_schema("events").validate(events, lazy=True)

Tables are checked as text, as the CSV holds them ("" is a missing value): types, every
constraint, the primary key and, given the other tables, the foreign keys. Patterns run through
RE2, whose time grows linearly with the text, so no pattern can hang the validator."""
import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import REPO
from .descriptor import as_list, load_package
from .patterns import compile_pattern
from .patterns import fullmatch as _fullmatch
from .report import name as _name
from .report import show as _show
from .values import INT64, INTEGER_PATTERN, finite_number, int64


def _present(s):
    return s != ""


_INTEGER = compile_pattern(INTEGER_PATTERN)
_DATE = compile_pattern(r"\d{4}-\d{2}-\d{2}")


def _integer(s):
    ok = _fullmatch(s, _INTEGER)
    long = ok & (s.str.len() > 18)  # a text of 18 characters or fewer always fits: check the others exactly
    if long.any():
        ok[long] = [int64(v) is not None for v in s[long]]
    return ok | ~_present(s)


def _number(s):
    seen = {}  # each distinct text read once
    ok = [seen[v] if v in seen else seen.setdefault(v, finite_number(v) is not None) for v in s.tolist()]
    return pd.Series(ok, index=s.index, dtype=bool) | ~_present(s)


def _date(s):
    return (_fullmatch(s, _DATE) & pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()) | ~_present(s)


TYPES = {
    "integer": (_integer, f"not an integer that fits 64 bits (expected {INT64[0]} to {INT64[1]})"),
    "number": (_number, "not a finite decimal number (expected digits, '.', an exponent)"),
    "date": (_date, "not a real calendar date (expected YYYY-MM-DD)"),
    "boolean": (lambda s: s.isin(["true", "false"]) | ~_present(s), "not a boolean (expected true or false)"),
}


def _numeric(s):
    return pd.to_numeric(s.where(_present(s)), errors="coerce")


def field_checks(field: dict, key: bool = False) -> list:
    """Pandera checks for one Table Schema field, on text; each check's name is the kind of problem
    and its error says what was expected. `key`: the field is part of the primary key, and so
    required whether or not it says so (frictionless checks that too)."""
    c, t = field.get("constraints", {}), field.get("type", "string")
    checks = []
    if c.get("required"):
        checks.append(pa.Check(_present, name="required", error="required value is missing"))
    elif key:
        checks.append(pa.Check(_present, name="primary-key", error="value of the primary key is missing (expected a value: the key identifies the row)"))
    if t in TYPES:
        fn, expected = TYPES[t]
        checks.append(pa.Check(fn, name="type", error=f"value of the wrong type: {expected}"))
    if "enum" in c:
        allowed = c["enum"]
        checks.append(pa.Check(lambda s, a=frozenset(allowed): s.isin(a) | ~_present(s), name="enum",
                               error=f"value not in the vocabulary (expected one of {', '.join(map(_name, allowed))})"))
    if "pattern" in c:
        rx = compile_pattern(c["pattern"])
        checks.append(pa.Check(lambda s, rx=rx: _fullmatch(s, rx) | ~_present(s), name="pattern",
                               error=f"value does not match the pattern (expected {_show(c['pattern'], 120)})"))
    if "minLength" in c or "maxLength" in c:
        lo, hi = c.get("minLength", 0), c.get("maxLength", float("inf"))
        checks.append(pa.Check(lambda s, lo=lo, hi=hi: s.str.len().between(lo, hi) | ~_present(s), name="length",
                               error=f"value of the wrong length (expected {lo} to {hi} characters)"))
    if t in ("integer", "number") and ("minimum" in c or "maximum" in c):
        lo, hi = c.get("minimum", -np.inf), c.get("maximum", np.inf)
        checks.append(pa.Check(lambda s, lo=lo, hi=hi: ~(_numeric(s) < lo) & ~(_numeric(s) > hi), name="range",
                               error=f"value out of range (expected {lo} to {hi})"))
    if c.get("unique"):
        checks.append(pa.Check(lambda s: ~(s.duplicated() & _present(s)), name="unique",
                               error="value appears in an earlier row (expected a unique value)"))
    return checks


def frame_checks(schema: dict, tables: dict | None = None, own: str = "") -> list:
    """Checks of whole rows: the primary key, and the foreign keys into `tables` (name -> text
    DataFrame) when they are given. Each check carries the field it is reported on in its title."""
    checks = []
    pk = as_list(schema.get("primaryKey"))
    if pk:
        checks.append(pa.Check(lambda df, pk=pk: ~df.duplicated(pk, keep="first"), name="primary-key", title=pk[0],
                               error=f"duplicate primary key (expected a value of {', '.join(map(_name, pk))} that no earlier row has)"))
    for fk in schema.get("foreignKeys", []) if tables is not None else []:
        own_fields, ref = as_list(fk["fields"]), fk["reference"]
        target = tables.get(ref.get("resource") or own)
        if target is None:
            continue
        their = as_list(ref["fields"])
        # the keys as a set of texts (of tuples for a composite key), looked up value by value: the
        # tables are text, and a set lookup is several times faster than pandas' isin here
        keys = set(zip(*(target[c].tolist() for c in their)))

        def exists(df, own_fields=own_fields, keys=keys):
            values = zip(*(df[c].tolist() for c in own_fields))
            return pd.Series([v in keys or all(part == "" for part in v) for v in values], index=df.index, dtype=bool)
        checks.append(pa.Check(exists, name="foreign-key", title=own_fields[0], description=ref.get("resource") or own,
                               error=f"reference to a row that does not exist (expected a value of {_name(ref.get('resource') or own)}.{', '.join(map(_name, their))})"))
    return checks


def pandera_schema(table, tables: dict | None = None, columns=None, name: str = "") -> pa.DataFrameSchema:
    """The Pandera schema of one table, read as text. `table` is a resource name of this
    repository's package, or a Table Schema (dict). With `tables` (name -> DataFrame) the foreign
    keys are checked too; with `columns`, only those columns (and the key checks they allow);
    `name` is the table's own name, which a foreign key to the table itself may leave empty."""
    if isinstance(table, str):
        resource = load_package(REPO).resource(table)
        table, name = resource.schema, resource.name
    fields = [f for f in table["fields"] if columns is None or f["name"] in columns]
    present = {f["name"] for f in fields}
    frame = [c for c in frame_checks(table, tables, name) if _reads(c, table) <= present]
    key = set(as_list(table.get("primaryKey")))
    return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, nullable=False)
                               for f in fields}, checks=frame, strict=False, name=name or None)


def _reads(check, schema):
    """The fields of the table a frame check reads."""
    if check.name == "primary-key":
        return set(as_list(schema.get("primaryKey")))
    return next(set(as_list(fk["fields"])) for fk in schema["foreignKeys"] if as_list(fk["fields"])[0] == check.title)
