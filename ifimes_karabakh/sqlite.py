"""A SQLite database built from the loaded dataset (dataset.py): one table per resource, its cells
as the checked reader read them, converted as values.py reads integers and numbers.

Column types come from the Table Schemas: integer -> INTEGER, number -> REAL, every other type -> TEXT
(dates stay ISO 8601 text). An empty CSV cell becomes NULL; required and key columns are NOT NULL, unique ones UNIQUE.
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
import os
import sqlite3
from pathlib import Path

from .descriptor import as_list
from .report import name, show
from .values import to_integer, to_real

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


CONVERT = {"integer": to_integer, "number": to_real}


def typed_rows(ds, r):
    """(line, row) for each row of the table as the Dataset read it, the row a tuple: '' -> None,
    integer and number cells converted; ReleaseError on a row the database cannot hold as the
    schema says."""
    fields = r.schema["fields"]
    convert = [CONVERT.get(f.get("type"), str) for f in fields]
    where = name(r.path)
    frame = ds.frame(r.name)
    if list(frame.columns) != r.fields:  # Dataset.load refuses such a table; a Dataset built by hand may not
        raise ReleaseError(f"{where}:1: columns differ from its schema {name(r.schema_file)} (found {show(list(frame.columns), 200)}; expected {show(r.fields, 200)})")
    for line, row in zip(frame.index.tolist(), frame.itertuples(index=False, name=None)):
        cells = []
        for f, conv, cell in zip(fields, convert, row):
            try:
                cells.append(None if cell == "" else conv(cell))
            except ValueError as e:
                what, expected = e.args
                raise ReleaseError(f"{where}:{line}:{name(f['name'])}: {what} (found {show(cell)}; expected {expected}); {HINT}") from None
        yield line, tuple(cells)


def build(ds, out_path) -> Path:
    """Write the database of the Dataset ds (dataset.py) to out_path (replaced only when the build
    succeeded); return the path. ReleaseError when the data cannot be loaded as the schemas declare."""
    out = Path(out_path)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)  # explicit transactions below
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("BEGIN")
        order = creation_order(ds.package.resources)
        for r in order:  # every table first: a row may refer to a table created after its own
            con.execute(create_table_sql(r))
        for r in order:
            insert = f"INSERT INTO {quote(r.name)} VALUES ({', '.join('?' * len(r.schema['fields']))})"
            for line, row in typed_rows(ds, r):
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
