"""The Parquet files of the release (parquet.py), read back by pandas and DuckDB: the same rows as
the CSVs, the types the Table Schemas declare, byte-identical twice."""
import csv
import datetime as dt

import duckdb
import pandas as pd
import pytest

from ifimes_karabakh import REPO, parquet
from ifimes_karabakh.dataset import Dataset


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    ds = Dataset.load(REPO)
    folder = tmp_path_factory.mktemp("parquet")
    return ds, folder, parquet.write(ds, folder)


def csv_rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_table_has_its_file_with_the_csv_s_rows(built):
    ds, folder, files = built
    assert sorted(files) == sorted(f"parquet/{r.name}.parquet" for r in ds.package.resources)
    for r in ds.package.resources:
        rows = csv_rows(REPO / r.path)
        back = pd.read_parquet(folder / f"{r.name}.parquet")
        assert len(back) == len(rows) and list(back.columns) == list(rows[0]), r.name
        assert duckdb.execute(f"SELECT count(*) FROM '{folder / (r.name + '.parquet')}'").fetchone()[0] == len(rows)


def test_types_come_from_the_table_schema(built):
    _, folder, _ = built
    con = duckdb.connect()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{folder / 'parties.parquet'}')").fetchall())
    assert types["cow_code"] == "BIGINT" and types["party_id"] == "VARCHAR"
    assert con.execute(f"SELECT cow_code, gw_code FROM '{folder / 'parties.parquet'}' WHERE party_id = 'azerbaijan'").fetchone() == (373, 373)
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM '{folder / 'resolutions.parquet'}')").fetchall())
    assert types["adoption_date"] == "DATE"
    back = pd.read_parquet(folder / "territories.parquet")
    assert str(back["latitude"].dtype) == "float64"
    events = pd.read_parquet(folder / "events.parquet")
    assert isinstance(events.loc[events["date_start"].notna(), "date_start"].iloc[0], dt.date)


def test_an_empty_cell_is_null_as_in_sqlite(built):
    _, folder, _ = built
    con = duckdb.connect()
    nulls = con.execute(f"SELECT count(*) FROM '{folder / 'parties.parquet'}' WHERE cow_code IS NULL").fetchone()[0]
    empty = sum(1 for r in csv_rows(REPO / "data/parties.csv") if r["cow_code"] == "")
    assert nulls == empty > 0


def test_a_column_carries_its_description(built):
    ds, folder, _ = built
    import pyarrow.parquet as pq
    schema = pq.read_schema(folder / "claims.parquet")
    want = next(f["description"] for f in ds.package.resource("claims").schema["fields"] if f["name"] == "verdict")
    assert schema.field("verdict").metadata[b"description"].decode() == want
    assert schema.metadata[b"version"].decode() == ds.version


def test_two_builds_are_byte_identical(built, tmp_path):
    ds, _, files = built
    assert parquet.write(ds, tmp_path) == files


def test_a_cell_its_type_cannot_hold_is_located(built):
    ds, _, _ = built
    r = ds.package.resource("figures")
    frame = ds.tables["figures"].copy()
    line = frame.index[0]
    frame.loc[line, "value"] = "six"
    broken = Dataset(ds.package, {**ds.tables, "figures": frame})
    with pytest.raises(parquet.ReleaseError, match=rf"data/figures\.csv:{line}:value: not a number \(found 'six'\)"):
        parquet.arrow_table(broken, r)
