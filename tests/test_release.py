"""Release checks: citation metadata, one version everywhere, the codebook, and the SQLite build."""
import csv
import datetime
import json
import re
import shutil
import sqlite3
import subprocess
import sys

import pytest
import yaml

from conftest import ROOT, copy_package

import build_sqlite
import package
import check_cff

# semver.org's regular expression for a version (no leading "v").
SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$")


def datapackage():
    return package.load_package(ROOT)


def citation():
    return yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def changelog_top_release():
    """(version, date) of the first `## [X.Y.Z] - YYYY-MM-DD` heading; `## [Unreleased]` is skipped."""
    for line in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## [") and not line.lower().startswith("## [unreleased]"):
            m = re.fullmatch(r"## \[([^\]]+)\] - (\d{4}-\d{2}-\d{2})", line.strip())
            assert m, f"CHANGELOG.md: release heading not of the form `## [X.Y.Z] - YYYY-MM-DD`: {line!r}"
            return m.group(1), m.group(2)
    pytest.fail("CHANGELOG.md has no `## [X.Y.Z] - YYYY-MM-DD` entry")


# --- citation and version --------------------------------------------------------------------

def test_vendored_cff_schema_is_1_2_0():
    schema = json.loads(check_cff.SCHEMA.read_text(encoding="utf-8"))
    assert "/1.2.0/" in schema["$id"]
    assert schema["$schema"].startswith("http://json-schema.org/draft-07/")


def test_citation_cff_is_valid_cff_1_2_0_and_a_dataset():
    assert check_cff.errors() == []
    assert citation()["type"] == "dataset"


def test_check_cff_reports_an_invalid_file(tmp_path):
    bad = tmp_path / "CITATION.cff"
    bad.write_text((ROOT / "CITATION.cff").read_text(encoding="utf-8").replace("type: dataset", "type: data"),
                   encoding="utf-8")
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "check_cff.py"), str(bad)],
                       capture_output=True, text=True)
    assert p.returncode == 1 and "type: 'data' is not one of" in p.stdout


def test_one_version_and_release_date_everywhere():
    dp, cff = datapackage(), citation()
    version, date = changelog_top_release()
    assert SEMVER.match(version), f"CHANGELOG.md version {version!r} is not SemVer"
    assert str(dp["version"]) == version, f"datapackage.json version {dp['version']} != CHANGELOG.md {version}"
    assert str(cff["version"]) == version, f"CITATION.cff version {cff['version']} != CHANGELOG.md {version}"
    datetime.date.fromisoformat(date)
    assert str(cff["date-released"]) == date, f"CITATION.cff date-released {cff['date-released']} != CHANGELOG.md {date}"
    created = datetime.datetime.fromisoformat(dp["created"].replace("Z", "+00:00"))
    assert created.date().isoformat() == date, f"datapackage.json created {dp['created']} != CHANGELOG.md {date}"


# --- codebook ---------------------------------------------------------------------------------

def run_codebook_check(root):
    return subprocess.run([sys.executable, str(root / "scripts" / "make_codebook.py"), "--check"],
                          capture_output=True, text=True)


def test_codebook_is_current():
    p = run_codebook_check(ROOT)
    assert p.returncode == 0, p.stdout + p.stderr


def test_codebook_check_notices_a_changed_schema(tmp_path):
    pkg = copy_package(tmp_path / "pkg")
    shutil.copytree(ROOT / "docs", pkg / "docs")
    (pkg / "scripts").mkdir()
    for script in ("make_codebook.py", "package.py"):
        shutil.copy2(ROOT / "scripts" / script, pkg / "scripts")
    assert run_codebook_check(pkg).returncode == 0
    schema_path = pkg / json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))["resources"][0]["schema"]
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    schema["fields"][0]["description"] += " Changed."
    schema_path.write_text(json.dumps(schema, indent=2), encoding="utf-8")
    p = run_codebook_check(pkg)
    assert p.returncode == 1 and "stale" in p.stderr


# --- SQLite -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def db_path(tmp_path_factory):
    return build_sqlite.build(tmp_path_factory.mktemp("sqlite") / "package.sqlite")


@pytest.fixture
def con(db_path):
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("PRAGMA foreign_keys=ON")
    yield con
    con.close()


def as_csv_text(value):
    """A value read from SQLite, written as the CSV writes it: NULL -> '', 6.0 -> '6', 6.4 -> '6.4'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def test_sqlite_build_is_deterministic(tmp_path):
    first, second = (build_sqlite.build(tmp_path / name) for name in ("a.sqlite", "b.sqlite"))
    assert first.read_bytes() == second.read_bytes()


def test_sqlite_has_every_table_with_declared_types_and_no_fk_violation(con):
    assert con.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    tables = {n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    resources = datapackage()["resources"]
    assert tables == {r["name"] for r in resources}
    for r in resources:
        declared = [(c[1], c[2]) for c in con.execute(f'PRAGMA table_info("{r["name"]}")')]
        expected = [(f["name"], {"integer": "INTEGER", "number": "REAL"}.get(f.get("type"), "TEXT"))
                    for f in r["schema"]["fields"]]
        assert declared == expected, r["name"]
        fks = {(row[3], row[2], row[4]) for row in con.execute(f'PRAGMA foreign_key_list("{r["name"]}")')}
        for fk in r["schema"].get("foreignKeys", []):
            ref = fk["reference"]
            for own, theirs in zip(package.as_list(fk["fields"]), package.as_list(ref["fields"])):
                assert (own, ref.get("resource") or r["name"], theirs) in fks, f"{r['name']}.{own}: FOREIGN KEY missing"


@pytest.mark.parametrize("resource", [r["name"] for r in package.load_package(ROOT)["resources"]])
def test_sqlite_rows_equal_csv_rows(con, resource):
    """Every cell read back from SQLite, written as CSV text, equals the CSV's cell, in primary-key order."""
    r = next(x for x in datapackage()["resources"] if x["name"] == resource)
    fields = r["schema"]["fields"]
    key = package.as_list(r["schema"].get("primaryKey"))
    with open(ROOT / r["path"], encoding="utf-8", newline="") as fh:
        csv_rows = list(csv.reader(fh))[1:]
    if key:
        index = {f["name"]: i for i, f in enumerate(fields)}
        types = {f["name"]: f.get("type", "string") for f in fields}

        def sort_key(row):  # SQLite's order: NULL first, numbers by value, text by code point
            return [(0,) if row[index[k]] == "" else
                    (1, int(row[index[k]]) if types[k] == "integer" else
                     float(row[index[k]]) if types[k] == "number" else row[index[k]]) for k in key]
        csv_rows.sort(key=sort_key)
        order = build_sqlite.names(key)
    else:
        order = "rowid"
    db_rows = [[as_csv_text(v) for v in row]
               for row in con.execute(f'SELECT * FROM "{resource}" ORDER BY {order}')]
    assert len(db_rows) == len(csv_rows)
    for n, (db_row, csv_row) in enumerate(zip(db_rows, csv_rows)):
        diff = {f["name"]: (c, d) for f, c, d in zip(fields, csv_row, db_row) if c != d}
        assert not diff, f"{r['path']}, row {n + 1} in key order: (csv, sqlite) differ: {diff}"


def foreign_keys(to_self):
    """(resource, foreign key): the first single-field foreign key to another table, or to the table itself."""
    for r in datapackage()["resources"]:
        for fk in r["schema"].get("foreignKeys", []):
            parent = fk["reference"].get("resource") or r["name"]
            if len(package.as_list(fk["fields"])) == 1 and (parent == r["name"]) == to_self:
                return r, fk
    pytest.skip("no such foreign key in the package")


@pytest.mark.parametrize("to_self", [False, True], ids=["to-other-table", "to-same-table"])
def test_sqlite_refuses_a_foreign_key_violation(con, to_self):
    r, fk = foreign_keys(to_self)
    names = [f["name"] for f in r["schema"]["fields"]]
    row = dict(zip(names, con.execute(f'SELECT * FROM "{r["name"]}" LIMIT 1').fetchone()))
    for k in package.as_list(r["schema"].get("primaryKey")):  # a new key, so only the FK can fail
        row[k] = row[k] + 10**9 if isinstance(row[k], int) else f"{row[k]}-new-test-row"
    row[package.as_list(fk["fields"])[0]] = "no-such-id"
    marks = ", ".join("?" * len(names))
    with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"):
        con.execute(f'INSERT INTO "{r["name"]}" VALUES ({marks})', list(row.values()))
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
