"""Build a SQLite database from the data package: one table per resource.

Column types come from the Table Schemas: integer -> INTEGER, number -> REAL, every other type -> TEXT
(dates stay ISO 8601 text). An empty CSV cell becomes NULL; required and key columns are NOT NULL.
Each table declares its PRIMARY KEY and FOREIGN KEYs as the schema does; tables are created parents
first, and a foreign key of a table to itself is DEFERRABLE INITIALLY DEFERRED, so a row may point
to a row further down. Rows are loaded in CSV order with `PRAGMA foreign_keys=ON`, then
`PRAGMA foreign_key_check` must find nothing.

REAL keeps the CSV's text of a number only while that text is canonical (`6`, `6.4`, `0.25`, not
`6.0` or `1e6`); tests/test_release.py reads every cell back and fails if a text would change.

The same package always gives the same file (no timestamps; built in a temporary file, then moved).

Usage: python scripts/build_sqlite.py [OUT]     (default: dist/ifimes-2020-karabakh.sqlite)
"""
import csv
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from package import as_list, load_package  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "dist" / "ifimes-2020-karabakh.sqlite"
SQL_TYPES = {"integer": ("INTEGER", int), "number": ("REAL", float)}



def quote(name):
    return '"' + name.replace('"', '""') + '"'


def names(fields):
    return ", ".join(quote(f) for f in as_list(fields))



def creation_order(resources):
    """Resources with every referenced resource before its referrer (self-references ignored);
    otherwise datapackage.json order."""
    by_name = {r["name"]: r for r in resources}
    done, order = set(), []

    def visit(r, path):
        if r["name"] in done:
            return
        if r["name"] in path:
            sys.exit(f"foreign keys form a cycle: {' -> '.join(path + [r['name']])}")
        for fk in r["schema"].get("foreignKeys", []):
            parent = fk["reference"].get("resource") or r["name"]
            if parent != r["name"]:
                visit(by_name[parent], path + [r["name"]])
        done.add(r["name"])
        order.append(r)

    for r in resources:
        visit(r, [])
    return order


def create_table_sql(r):
    schema, lines = r["schema"], []
    key = as_list(schema.get("primaryKey"))
    for f in schema["fields"]:
        c = f.get("constraints", {})
        lines.append(f"{quote(f['name'])} {SQL_TYPES.get(f.get('type'), ('TEXT',))[0]}"
                     + (" NOT NULL" if c.get("required") or f["name"] in key else "")
                     + (" UNIQUE" if c.get("unique") else ""))
    if schema.get("primaryKey"):
        lines.append(f"PRIMARY KEY ({names(schema['primaryKey'])})")
    for fk in schema.get("foreignKeys", []):
        ref = fk["reference"]
        parent = ref.get("resource") or r["name"]
        deferred = " DEFERRABLE INITIALLY DEFERRED" if parent == r["name"] else ""
        lines.append(f"FOREIGN KEY ({names(fk['fields'])}) REFERENCES {quote(parent)} ({names(ref['fields'])}){deferred}")
    return f"CREATE TABLE {quote(r['name'])} (\n  " + ",\n  ".join(lines) + "\n)"


def typed_rows(root, r):
    """The CSV's rows as tuples: '' -> None, integer and number cells converted."""
    fields = r["schema"]["fields"]
    convert = [SQL_TYPES.get(f.get("type"), (None, str))[1] for f in fields]
    with open(root / r["path"], encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if header != [f["name"] for f in fields]:
            sys.exit(f"{r['path']}: header differs from its schema")
        for n, row in enumerate(reader, start=2):
            if len(row) != len(fields):
                sys.exit(f"{r['path']}:{n}: {len(row)} cells, expected {len(fields)}")
            yield tuple(None if cell == "" else conv(cell) for conv, cell in zip(convert, row))


def build(out=DEFAULT_OUT, root=ROOT):
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)  # explicit transactions below
    try:
        con.execute("PRAGMA foreign_keys=ON")
        con.execute("BEGIN")
        for r in creation_order(load_package(root)["resources"]):
            con.execute(create_table_sql(r))
            marks = ", ".join("?" * len(r["schema"]["fields"]))
            try:
                con.executemany(f"INSERT INTO {quote(r['name'])} VALUES ({marks})", typed_rows(root, r))
            except sqlite3.IntegrityError as e:
                sys.exit(f"{r['path']}: {e} (scripts/validate.py names the rows)")
        try:
            con.execute("COMMIT")
        except sqlite3.IntegrityError as e:
            sys.exit(f"{e} (scripts/validate.py names the rows)")
        problems = con.execute("PRAGMA foreign_key_check").fetchall()
        if problems:
            sys.exit("foreign key violations (table, rowid, parent, fk index): " + repr(problems))
        con.close()
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, out)
    return out


if __name__ == "__main__":
    path = build(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_OUT)
    print(f"wrote {path}")
