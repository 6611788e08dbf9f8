"""The package as a user meets it: the standard tool accepts it, every table has its schema, the
shared fields are what fields.py defines, and the article has the shape the locators assume."""
import copy
import csv
import json
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

from conftest import copy_package
from ifimes_karabakh import REPO, fields
from ifimes_karabakh.descriptor import load_package


def test_frictionless_alone_says_valid():
    """`frictionless validate datapackage.json`, as a user runs it (one subprocess)."""
    exe = Path(sys.executable).parent / "frictionless"
    p = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


def test_every_resource_has_its_schema_header_and_descriptions():
    pkg = load_package(REPO)
    assert {p.name for p in (REPO / "schemas").glob("*.schema.json")} == {Path(r.schema_file).name for r in pkg.resources}
    for r in pkg.resources:
        assert r.schema["primaryKey"], r.name
        assert all(f.get("description") for f in r.schema["fields"]), r.name
        with open(REPO / r.path, encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == r.fields


ID = "^[a-z0-9]+(-[a-z0-9]+)*$"
# Shared fields as every schema must hold them, written out (not taken from fields.py).
SOURCE_ID = {"name": "source_id", "type": "string",
             "description": "Source of this row: a `source_id` of sources.csv (`ifimes-2020` is the article).",
             "constraints": {"required": True, "pattern": ID}}
DATE_PRECISION = {"name": "date_precision", "type": "string", "description": "Precision of `date`; empty when `date` is empty.",
                  "constraints": {"enum": ["day", "month", "year"]},
                  "categories": [{"value": "day", "label": "known to the day (YYYY-MM-DD)"},
                                 {"value": "month", "label": "known to the month (YYYY-MM)"},
                                 {"value": "year", "label": "known to the year (YYYY)"}]}
DATE_START = {"name": "date_start", "type": "date",
              "description": "The earliest day `date` allows (derived from it by `./dp dates`; empty when `date` is empty): "
                             "for analysis tools that need a day."}


def schema_field(root, table, name):
    s = json.loads((root / "schemas" / f"{table}.schema.json").read_text(encoding="utf-8"))
    return next(f for f in s["fields"] if f["name"] == name)


def test_schemas_hold_the_shared_fields_as_written_here():
    assert fields.write(REPO, check=True) == []  # ./dp schemas --check: nothing stale
    for table in ("events", "claims", "territory_control", "mentions"):
        assert schema_field(REPO, table, "source_id") == SOURCE_ID, table
    assert schema_field(REPO, "events", "date_precision") == DATE_PRECISION
    assert schema_field(REPO, "events", "date_start") == DATE_START
    assert schema_field(REPO, "claims", "claim_id")["constraints"]["pattern"] == ID


def test_schemas_check_names_a_hand_edited_shared_field_and_schemas_restores_it(tmp_path, monkeypatch, capsys):
    from ifimes_karabakh import __main__ as cli
    pkg = copy_package(tmp_path / "pkg", hashes=True)  # as the repository has it: no other file stale
    p = pkg / "schemas" / "events.schema.json"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace('"Source of this row: a `source_id`', '"Edited: a `source_id`', 1), encoding="utf-8")
    monkeypatch.setattr(cli, "REPO", pkg)
    assert cli.main(["schemas", "--check"]) == 1
    assert capsys.readouterr().err == "schemas/events.schema.json: stale: run python -m ifimes_karabakh schemas\n"
    assert cli.main(["schemas"]) == 0
    assert capsys.readouterr().out == "schemas/events.schema.json: rewritten\n"
    assert schema_field(pkg, "events", "source_id") == SOURCE_ID and p.read_text(encoding="utf-8") == text
    assert cli.main(["schemas", "--check"]) == 0


def test_a_changed_shared_definition_reaches_every_table(monkeypatch):
    monkeypatch.setitem(fields.PROVENANCE, "quote", {**fields.PROVENANCE["quote"], "description": "Changed."})
    changed = [r.name for r in load_package(REPO).resources
               if fields.render(r.name, r.schema) != r.schema]
    assert sorted(set(r.name for r in load_package(REPO).resources) - set(changed)) == ["changes", "sources"]  # sources' quote is its own; the change record has none
    schema = copy.deepcopy(load_package(REPO).resource("claims").schema)
    next(f for f in schema["fields"] if f["name"] == "verdict")["categories"].append({"value": "open", "label": "x"})
    rendered = fields.render("claims", schema)
    assert next(f for f in rendered["fields"] if f["name"] == "verdict")["constraints"]["enum"][-1] == "open"


def test_every_key_field_carries_the_id_pattern():
    for r in load_package(REPO).resources:
        for name in fields.key_fields(r.schema):
            f = r.field(name)
            if "categories" not in f and f.get("type", "string") == "string":  # an integer key (changes.change_number) is a number
                assert f["constraints"]["pattern"] == fields.ID_PATTERN, f"{r.name}.{name}"


def test_cited_code_list_is_the_installed_pycountry():
    with open(REPO / "data" / "sources.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["kind"] == "code_list")
    assert f"pycountry {version('pycountry')}:" in row["title"]
    assert row["url"].rstrip("/").endswith(version("pycountry"))


def test_article_has_51_lines_and_5_footnotes(article):
    assert max(int(k[1:]) for k in article.raw if k.startswith("p")) == 51
    assert sorted(k for k in article.raw if k.startswith("fn")) == [f"fn{i}" for i in range(1, 6)]


def test_descriptor_names_resources_as_the_files_are_named():
    dp = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    for r in dp["resources"]:
        if "schema" not in r:  # a resource that is not a table: named for its file, with its format's extension
            assert r["path"] == f"data/{r['name']}.{r['format']}"
            continue
        assert r["path"] == f"data/{r['name']}.csv" and r["schema"] == f"schemas/{r['name']}.schema.json"


def test_pandera_schema_as_a_pandas_user_calls_it():
    """The README's example: one table, read as text, checked in the user's own pipeline."""
    import pandas as pd
    import pytest
    from pandera.errors import SchemaErrors
    from ifimes_karabakh.tableschema import pandera_schema

    events = pd.read_csv(REPO / "data" / "events.csv", dtype=str, keep_default_na=False)
    pandera_schema("events").validate(events, lazy=True)
    events.loc[3, "date_precision"] = "century"
    events.loc[5, "event_id"] = events.loc[4, "event_id"]
    with pytest.raises(SchemaErrors) as e:
        pandera_schema("events").validate(events, lazy=True)
    cases = e.value.failure_cases
    assert set(zip(cases["column"].fillna(""), cases["index"])) >= {("date_precision", 3)}
    assert 5 in set(cases.loc[cases["check"].str.contains("primary", na=False), "index"])


def test_the_descriptor_names_the_article_as_its_sources_row_does(pkg, monkeypatch, capsys):
    """datapackage.json's first `sources` entry is generated from the article's row of sources.csv,
    and `./dp schemas --check` fails when the row changes without it."""
    from ifimes_karabakh import __main__ as cli
    dp = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert dp["sources"][0] == {
        "title": "International Institute for Middle East and Balkan Studies (IFIMES): 2020 Azerbaijan-Armenia conflict: "
                 "Return of Russia to Caucasus - end of war between Armenia and Azerbaijan (2020-12-03)",
        "path": "https://www.ifimes.org/en/researches/2020-azerbaijan-armenia-conflict-return-of-russia-to-caucasus-end-of-war-between-armenia-and-azerbaijan/4701"}
    p = pkg / "data" / "sources.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("https://www.ifimes.org/en/researches/", "https://www.ifimes.org/researches/", 1), encoding="utf-8")
    monkeypatch.setattr(cli, "REPO", pkg)
    assert cli.main(["schemas", "--check"]) == 1
    assert capsys.readouterr().err == "datapackage.json: stale: run python -m ifimes_karabakh schemas\n"
    assert cli.main(["schemas"]) == 0
    first, *others = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))["sources"]
    assert first["path"].startswith("https://www.ifimes.org/researches/") and others == dp["sources"][1:]
