"""Outside readers and the release: the archive rebuilds byte for byte, its checksums verify, it
validates with frictionless after unpacking, and pandas (via frictionless), DuckDB and SQLite read
the data with the declared types and keys. The figures are current."""
import csv
import hashlib
import json
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from conftest import ROOT

import build_release
import load_pandas

DP = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
FRICTIONLESS = str(Path(sys.executable).parent / "frictionless")


def csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    return build_release.build(tmp_path_factory.mktemp("dist"))


def test_two_builds_are_byte_identical(release, tmp_path):
    again = build_release.build(tmp_path)
    for a, b in zip(release, again):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name


def test_checksums_verify(release):
    archive, db, sums = release
    lines = sums.read_text(encoding="utf-8").splitlines()
    assert [line.split("  ")[1] for line in lines] == [archive.name, db.name]
    for line in lines:
        digest, name = line.split("  ")
        assert hashlib.sha256((sums.parent / name).read_bytes()).hexdigest() == digest
    p = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=sums.parent, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_archive_holds_the_package_and_its_documents(release):
    archive = release[0]
    top = archive.name.removesuffix(".zip")
    with zipfile.ZipFile(archive) as zf:
        names = zf.namelist()
        assert names == sorted(names)
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in zf.infolist())
    have = {n.removeprefix(top + "/") for n in names}
    for f in ["README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", "LICENSE-DATA.md", "datapackage.json",
              "docs/codebook.md", "docs/figures/timeline.svg", "docs/figures/tables.svg"]:
        assert f in have, f
    for r in DP["resources"]:
        assert r["path"] in have and r["schema"] in have
    assert top == f"{DP['name']}-{DP['version']}"


def test_unpacked_archive_validates(release, tmp_path):
    with zipfile.ZipFile(release[0]) as zf:
        zf.extractall(tmp_path)
    folder = tmp_path / release[0].name.removesuffix(".zip")
    p = subprocess.run([FRICTIONLESS, "validate", "datapackage.json"], cwd=folder, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(folder)], capture_output=True, text=True)
    assert p.returncode == 0, p.stdout


def test_pandas_via_frictionless_gets_declared_types():
    tables = load_pandas.load_all()
    for r in DP["resources"]:
        schema = json.loads((ROOT / r["schema"]).read_text(encoding="utf-8"))
        df = tables[r["name"]]
        assert list(df.columns) == [f["name"] for f in schema["fields"]]
        assert len(df) == len(csv_rows(ROOT / r["path"])) - 1
        for f in schema["fields"]:
            col = df[f["name"]]
            enum = f.get("constraints", {}).get("enum")
            if enum:
                assert isinstance(col.dtype, pd.CategoricalDtype) and list(col.cat.categories) == enum, f["name"]
            elif f["type"] == "date":
                assert pd.api.types.is_datetime64_any_dtype(col), f["name"]
            elif f["type"] in ("integer", "number"):
                assert pd.api.types.is_numeric_dtype(col), f["name"]
    assert tables["resolutions"].loc[0, "adoption_date"] == pd.Timestamp("1993-04-30")


def test_duckdb_reads_every_csv():
    con = duckdb.connect()
    for r in DP["resources"]:
        rows = csv_rows(ROOT / r["path"])
        rel = con.sql(f"SELECT * FROM read_csv('{ROOT / r['path']}', header=true, all_varchar=true, quote='\"', escape='\"')")
        assert rel.columns == rows[0]
        got = [tuple("" if v is None else v for v in row) for row in rel.fetchall()]
        assert got == [tuple(row) for row in rows[1:]], r["name"]
    n = con.sql(f"""SELECT count(*) FROM read_csv('{ROOT / 'data/agreement_parties.csv'}', header=true, all_varchar=true) ap
                    JOIN read_csv('{ROOT / 'data/agreements.csv'}', header=true, all_varchar=true) a USING (agreement_id)""").fetchall()[0][0]
    assert n == len(csv_rows(ROOT / "data/agreement_parties.csv")) - 1


def test_released_sqlite_keeps_keys_and_rows(release):
    con = sqlite3.connect(release[1])
    con.execute("PRAGMA foreign_keys=ON")
    assert con.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    for r in DP["resources"]:
        assert con.execute(f'SELECT count(*) FROM "{r["name"]}"').fetchone()[0] == len(csv_rows(ROOT / r["path"])) - 1
    con.close()


def test_figures_are_current():
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_figures.py"), "--check"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_readme_cites_the_current_version():
    import re
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How to cite", 1)[1].split("\n## ", 1)[0]
    assert set(re.findall(r"\d+\.\d+\.\d+", section)) == {DP["version"]}
    assert f"_{DP['version'].replace('.', '_')}," in section  # the BibTeX key
