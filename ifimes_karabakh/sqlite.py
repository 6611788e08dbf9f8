"""A SQLite database built from the data package: one table per resource.

Column types come from the Table Schemas: integer -> INTEGER, number -> REAL, every other type -> TEXT
(dates stay ISO 8601 text). An empty CSV cell becomes NULL; required and key columns are NOT NULL.
Each table declares its PRIMARY KEY and FOREIGN KEYs as the schema does; tables are created parents
first where the keys allow it, and every foreign key is DEFERRABLE INITIALLY DEFERRED, so a row may
point to a row loaded later (tables refer to each other in a cycle: sources name the party they
speak for, and parties cite their sources). Rows are loaded in CSV order with `PRAGMA foreign_keys=ON`, then
`PRAGMA foreign_key_check` must find nothing.

REAL keeps the CSV's text of a number only while that text is canonical (`6`, `6.4`, `0.25`, not
`6.0` or `1e6`); tests/test_sqlite.py reads every cell back and fails if a text would change.

The same package always gives the same file (no timestamps; built in a temporary file, then moved).
Anything that stops the build (a cell that is not a number, an integer outside 64 bits, a broken
key) raises ReleaseError with a located message, `file:line:column: ...`; the validator
(`python -m ifimes_karabakh validate`) names every problem at once.
"""
import csv
import math
import os
import re
import sqlite3
from pathlib import Path

from .descriptor import Package, as_list
from .report import name, show

INT64 = (-2**63, 2**63 - 1)             # what SQLite's INTEGER holds
INTEGER = re.compile(r"[+-]?[0-9]+")   # Table Schema integers
NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
SQL_TYPES = {"integer": "INTEGER", "number": "REAL"}
HINT = "python -m ifimes_karabakh validate names every problem"


class ReleaseError(Exception):
    """A release file cannot be built, or may not be; str() says where and why."""


def quote(identifier):
    return '"' + identifier.replace('"', '""') + '"'


def names(fields):
    return ", ".join(quote(f) for f in as_list(fields))


def creation_order(resources):
    """Resources with every referenced resource before its referrer where a cycle does not prevent
    it (the deferred foreign keys make any order loadable); otherwise datapackage.json order."""
    by_name = {r.name: r for r in resources}
    done, order = set(), []

    def visit(r, path):
        if r.name in done:
            return
        if r.name in path:
            return  # a cycle: the deferred keys are checked at COMMIT
        for fk in r.schema.get("foreignKeys", []):
            parent = fk["reference"].get("resource") or r.name
            if parent != r.name:
                if parent not in by_name:
                    raise ReleaseError(f"{name(r.schema_file)}: foreign key points to no resource (found {show(parent)})")
                visit(by_name[parent], path + [r.name])
        done.add(r.name)
        order.append(r)

    for r in resources:
        visit(r, [])
    return order


def create_table_sql(r):
    schema, lines = r.schema, []
    key = as_list(schema.get("primaryKey"))
    for f in schema["fields"]:
        c = f.get("constraints", {})
        lines.append(f"{quote(f['name'])} {SQL_TYPES.get(f.get('type'), 'TEXT')}"
                     + (" NOT NULL" if c.get("required") or f["name"] in key else "")
                     + (" UNIQUE" if c.get("unique") else ""))
    if key:
        lines.append(f"PRIMARY KEY ({names(key)})")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        parent = ref.get("resource") or r.name
        lines.append(f"FOREIGN KEY ({names(fk['fields'])}) REFERENCES {quote(parent)} ({names(ref['fields'])}) DEFERRABLE INITIALLY DEFERRED")
    return f"CREATE TABLE {quote(r.name)} (\n  " + ",\n  ".join(lines) + "\n)"


def to_integer(cell):
    if not INTEGER.fullmatch(cell):
        raise ValueError("not an integer", "digits with an optional sign")
    digits = cell.lstrip("+-").lstrip("0") or "0"
    value = None
    if len(digits) <= 19:  # int() never sees a long text
        value = -int(digits) if cell.startswith("-") else int(digits)
    if value is None or not INT64[0] <= value <= INT64[1]:
        raise ValueError("integer does not fit 64 bits", f"{INT64[0]} to {INT64[1]}")
    return value


def to_real(cell):
    if not NUMBER.fullmatch(cell):
        raise ValueError("not a decimal number", "digits, '.', an exponent")
    value = float(cell)
    if not math.isfinite(value):
        raise ValueError("number too large for a REAL", "a finite number")
    return value


CONVERT = {"integer": to_integer, "number": to_real}


def typed_rows(root, r):
    """(line, row) for each CSV row, the row a tuple: '' -> None, integer and number cells
    converted; ReleaseError on a row the database cannot hold as the schema says."""
    fields = r.schema["fields"]
    convert = [CONVERT.get(f.get("type"), str) for f in fields]
    where = name(r.path)
    n = 1
    try:
        with open(Path(root) / r.path, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh, strict=True)
            header = next(reader, None)
            if header != r.fields:
                raise ReleaseError(f"{where}:1: header differs from its schema {name(r.schema_file)} (found {show(header, 200)}; expected {show(r.fields, 200)})")
            for row in reader:
                n = reader.line_num
                if len(row) != len(fields):
                    raise ReleaseError(f"{where}:{n}: {len(row)} cells (expected {len(fields)}, as the header)")
                cells = []
                for f, conv, cell in zip(fields, convert, row):
                    try:
                        cells.append(None if cell == "" else conv(cell))
                    except ValueError as e:
                        what, expected = e.args
                        raise ReleaseError(f"{where}:{n}:{name(f['name'])}: {what} (found {show(cell)}; expected {expected}); {HINT}") from None
                yield n, tuple(cells)
    except FileNotFoundError:
        raise ReleaseError(f"{where}: data file listed in datapackage.json is missing") from None
    except UnicodeDecodeError:
        raise ReleaseError(f"{where}: bytes that are not UTF-8 after line {n}; {HINT}") from None
    except csv.Error as e:
        raise ReleaseError(f"{where}:{n + 1}: CSV cannot be parsed ({e}); {HINT}") from None
    except OSError as e:
        raise ReleaseError(f"{where}: cannot be read ({e.strerror})") from None


def build(pkg: Package, out_path) -> Path:
    """Write the package's database to out_path (replaced only when the build succeeded); return
    the path. ReleaseError when the data cannot be loaded as the schemas declare."""
    out = Path(out_path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)  # explicit transactions below
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("BEGIN")
        order = creation_order(pkg.resources)
        for r in order:  # every table first: a row may refer to a table created after its own
            con.execute(create_table_sql(r))
        for r in order:
            insert = f"INSERT INTO {quote(r.name)} VALUES ({', '.join('?' * len(r.schema['fields']))})"
            for line, row in typed_rows(pkg.root, r):
                try:
                    con.execute(insert, row)
                except sqlite3.IntegrityError as e:
                    raise ReleaseError(f"{name(r.path)}:{line}: the database refuses the row ({e}); {HINT}") from None
        try:
            con.execute("COMMIT")
        except sqlite3.IntegrityError as e:  # a deferred foreign key
            found = con.execute("PRAGMA foreign_key_check").fetchall()
            raise ReleaseError(f"the database refuses the rows ({e}; table, rowid, parent, foreign key index: {show(found, 300)}); {HINT}") from None
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            raise ReleaseError("foreign key violations (table, rowid, parent, foreign key index): " + show(problems, 300) + f"; {HINT}")
        con.close()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return out
