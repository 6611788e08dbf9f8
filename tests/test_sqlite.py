"""The SQLite database (ifimes_karabakh.sqlite), built in-process from a temporary git clone of the
repository (the committed package): every table with its declared types and keys, every cell read
back as the CSV holds it, and a clear ReleaseError, never a traceback from SQLite or Python, when
the data cannot be loaded as the schemas declare."""
import csv
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from ifimes_karabakh import sqlite
from ifimes_karabakh.dataset import Dataset
from ifimes_karabakh.descriptor import Package, Resource, as_list
from ifimes_karabakh.sqlite import ReleaseError

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def pkg(tmp_path_factory):
    """The committed package, in a clone, so uncommitted edits in the working tree do not matter."""
    dest = tmp_path_factory.mktemp("clone") / "repo"
    subprocess.run(["git", "clone", "-q", str(REPO), str(dest)], check=True, capture_output=True)
    return Dataset.load(dest)


@pytest.fixture(scope="module")
def db_path(pkg, tmp_path_factory):
    return sqlite.build(pkg, tmp_path_factory.mktemp("sqlite") / "package.sqlite")


@pytest.fixture
def con(db_path):
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    yield con
    con.close()


def csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def as_csv_text(value):
    """A value read from SQLite, written as the CSV writes it: NULL -> '', 6.0 -> '6', 6.4 -> '6.4'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


# Declared types of some real columns, written out: integer -> INTEGER, number -> REAL, date and string -> TEXT.
LITERAL_TYPES = {("figures", "value"): "REAL", ("territories", "latitude"): "REAL", ("sources", "footnote_number"): "INTEGER",
                 ("agreements", "pax_id"): "INTEGER", ("statement_points", "point"): "INTEGER", ("events", "date_start"): "TEXT",
                 ("claims", "claim_id"): "TEXT", ("claims", "verdict"): "TEXT"}


def literal_dataset(root, rows):
    """A Dataset of one table `t` built by hand: every type, a required, a unique, a key and a
    foreign key to itself; rows are (id, n, x, day, flag, code, parent)."""
    schema = {"fields": [{"name": "id", "type": "string"}, {"name": "n", "type": "integer", "constraints": {"required": True}},
                         {"name": "x", "type": "number"}, {"name": "day", "type": "date"}, {"name": "flag", "type": "boolean"},
                         {"name": "code", "type": "string", "constraints": {"unique": True}}, {"name": "parent", "type": "string"}],
              "primaryKey": ["id"], "foreignKeys": [{"fields": "parent", "reference": {"resource": "", "fields": "id"}}]}
    r = Resource("t", "data/t.csv", schema, "schemas/t.schema.json")
    frame = pd.DataFrame(rows, columns=r.fields, dtype=object, index=pd.Index(range(2, len(rows) + 2), name="line"))
    return Dataset(Package(Path(root), {"name": "x", "version": "1.0.0"}, [r]), {"t": frame})


def test_create_table_sql_written_out():
    r = literal_dataset(".", []).resource("t")
    assert sqlite.create_table_sql(r) == (
        'CREATE TABLE "t" (\n'
        '  "id" TEXT NOT NULL,\n'
        '  "n" INTEGER NOT NULL,\n'
        '  "x" REAL,\n'
        '  "day" TEXT,\n'
        '  "flag" TEXT,\n'
        '  "code" TEXT UNIQUE,\n'
        '  "parent" TEXT,\n'
        '  PRIMARY KEY ("id"),\n'
        '  FOREIGN KEY ("parent") REFERENCES "t" ("id") DEFERRABLE INITIALLY DEFERRED\n'
        ')')


def test_a_unique_field_is_unique_in_the_database(tmp_path):
    ok = literal_dataset(tmp_path, [("a", "1", "0.5", "2020-11-10", "true", "A", ""), ("b", "-2", "", "", "", "", "a"),
                                    ("c", "3", "", "", "", "", "a")])  # two empty codes are two NULLs: no clash
    con = sqlite3.connect(sqlite.build(ok, tmp_path / "ok.sqlite"))
    assert con.execute('SELECT id, n, x, code, parent FROM "t" ORDER BY rowid').fetchall() == [
        ("a", 1, 0.5, "A", None), ("b", -2, None, None, "a"), ("c", 3, None, None, "a")]
    assert [i[2] for i in con.execute('PRAGMA index_list("t")')] == [1, 1]  # the key's and code's unique indexes
    con.close()
    clash = literal_dataset(tmp_path, [("a", "1", "", "", "", "A", ""), ("b", "2", "", "", "", "A", "")])
    with pytest.raises(ReleaseError, match=r"^data/t\.csv:3: the database refuses the row \(UNIQUE constraint failed: t\.code\)"):
        sqlite.build(clash, tmp_path / "clash.sqlite")
    assert not (tmp_path / "clash.sqlite").exists()


def test_build_is_deterministic(pkg, db_path, tmp_path):
    assert sqlite.build(pkg, tmp_path / "again.sqlite").read_bytes() == db_path.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["again.sqlite"]  # no temporary file left


def test_every_table_with_declared_types_and_keys(pkg, con):
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == {r.name for r in pkg.resources}
    types = {(t, c[1]): c[2] for t in tables for c in con.execute(f'PRAGMA table_info("{t}")')}
    assert {k: types[k] for k in LITERAL_TYPES} == LITERAL_TYPES
    for r in pkg.resources:
        key = as_list(r.schema.get("primaryKey"))
        info = con.execute(f'PRAGMA table_info("{r.name}")').fetchall()  # cid, name, type, notnull, default, pk
        assert [c[1] for c in info] == r.fields, r.name
        assert {c[2] for c in info} <= {"TEXT", "INTEGER", "REAL"}, r.name
        assert [c[1] for c in sorted((c for c in info if c[5]), key=lambda c: c[5])] == key, f"{r.name}: PRIMARY KEY"
        for c, f in zip(info, r.schema["fields"]):
            assert bool(c[3]) == bool(f.get("constraints", {}).get("required") or f["name"] in key), f"{r.name}.{f['name']}: NOT NULL"
        declared = {}
        for row in con.execute(f'PRAGMA foreign_key_list("{r.name}")'):  # id, seq, table, from, to, ...
            declared.setdefault(row[0], []).append((row[3], row[2], row[4]))
        expected = [[(own, fk["reference"].get("resource") or r.name, theirs)
                     for own, theirs in zip(as_list(fk["fields"]), as_list(fk["reference"]["fields"]))]
                    for fk in r.schema.get("foreignKeys", [])]
        assert sorted(declared.values()) == sorted(expected), f"{r.name}: FOREIGN KEYs"


def test_every_cell_reads_back_as_the_csv_holds_it(pkg, con):
    """Every cell read back from SQLite, written as CSV text, equals the CSV's cell, row for row
    (rows in CSV order: the build inserts them in that order)."""
    for r in pkg.resources:
        rows = csv_rows(pkg.root / r.path)
        assert rows[0] == r.fields
        db_rows = [[as_csv_text(v) for v in row] for row in con.execute(f'SELECT * FROM "{r.name}" ORDER BY rowid')]
        assert len(db_rows) == len(rows) - 1, r.name
        for line, (csv_row, db_row) in enumerate(zip(rows[1:], db_rows), start=2):
            diff = {f: (c, d) for f, c, d in zip(r.fields, csv_row, db_row) if c != d}
            assert not diff, f"{r.path}:{line}: (csv, sqlite) differ: {diff}"


# --- refusals: a located ReleaseError, no file left ------------------------------------------

def damaged_copy(pkg, dest: Path, resource, field, value):
    """A copy of the package whose first row with `field` set has it replaced by value; the line."""
    dest.mkdir()
    for part in ("datapackage.json", "data", "schemas", "texts"):
        (shutil.copytree if (pkg.root / part).is_dir() else shutil.copy2)(pkg.root / part, dest / part)
    r = next(x for x in pkg.resources if x.name == resource)
    rows = csv_rows(dest / r.path)
    i = r.fields.index(field)
    n = next(n for n, row in enumerate(rows) if n and row[i])
    rows[n][i] = value
    with open(dest / r.path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return Dataset.load(dest), f"{r.path}:{n + 1}:{field}"


def first_field(pkg, wanted):
    """(resource, field) of the first field of that type, or of the first single-field foreign key."""
    for r in pkg.resources:
        for f in r.schema["fields"]:
            if wanted in ("integer", "number") and f.get("type") == wanted:
                return r.name, f["name"]
        for fk in r.schema.get("foreignKeys", []):
            if wanted == "foreign-key" and len(as_list(fk["fields"])) == 1:
                return r.name, as_list(fk["fields"])[0]
    pytest.skip(f"no {wanted} field in the package")


@pytest.mark.parametrize("kind, value, message", [
    ("integer", str(2**63), "does not fit 64 bits"),
    ("integer", str(-2**63 - 1), "does not fit 64 bits"),
    ("integer", "9" * 5000, "does not fit 64 bits"),
    ("integer", "12a", "not an integer"),
    ("number", "1e999", "finite"),
    ("number", "six", "not a decimal number"),
], ids=["above-int64", "below-int64", "5000-digits", "not-integer", "infinite-number", "not-number"])
def test_a_cell_sqlite_cannot_hold_gives_a_located_release_error(pkg, tmp_path, kind, value, message):
    resource, field = first_field(pkg, kind)
    bad, where = damaged_copy(pkg, tmp_path / "pkg", resource, field, value)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ReleaseError, match=message) as e:  # never OverflowError or ValueError
        sqlite.build(bad, out / "package.sqlite")
    assert str(e.value).startswith(where + ":"), str(e.value)
    assert list(out.iterdir()) == []


def test_a_broken_foreign_key_gives_a_release_error(pkg, tmp_path):
    resource, field = first_field(pkg, "foreign-key")
    bad, _ = damaged_copy(pkg, tmp_path / "pkg", resource, field, "no-such-id")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ReleaseError, match="FOREIGN KEY"):
        sqlite.build(bad, out / "package.sqlite")
    assert list(out.iterdir()) == []
