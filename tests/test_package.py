"""The package as a user meets it: every table has its schema, the shared fields are what fields.py
defines, and the article has the shape the locators assume. That the standard tool accepts it
(`frictionless validate datapackage.json`, as a user runs it) is the README's own command, run by
test_readme.py::test_every_shell_command_is_known_and_the_safe_ones_run."""
import copy
import csv
import json
from importlib.metadata import version
from pathlib import Path

from conftest import copy_package
from ifimes_karabakh import REPO, fields
from ifimes_karabakh.descriptor import load_package


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


# ------------------------------------------------------------------ tableschema.py: every check at its boundaries
def schema_failures(schema, columns, tables=None, name=""):
    """{(column, row index, message)} that pandera_schema(schema) reports on the literal columns;
    a check of whole rows (keys) is reported as column "row"."""
    import pandas as pd
    from pandera.errors import SchemaErrors
    from ifimes_karabakh.tableschema import pandera_schema
    frame = pd.DataFrame(columns, dtype=object)
    try:
        pandera_schema(schema, tables, name=name).validate(frame, lazy=True)
    except SchemaErrors as e:
        cases = e.value.failure_cases if hasattr(e, "value") else e.failure_cases
        return {(c if ctx == "Column" else "row", i, m)
                for ctx, c, i, m in zip(cases["schema_context"], cases["column"], cases["index"], cases["check"])}
    return set()


INT_TYPE = "value of the wrong type: not an integer that fits 64 bits (expected -9223372036854775808 to 9223372036854775807)"


def test_types_on_text_at_their_boundaries():
    schema = {"fields": [{"name": "i", "type": "integer"}, {"name": "x", "type": "number"},
                         {"name": "d", "type": "date"}, {"name": "b", "type": "boolean"}, {"name": "s"}]}
    cols = {
        # 19 characters: checked exactly (one above the 18 that always fit); "" is a missing value
        "i": ["9223372036854775807", "9223372036854775808", "-922337203685477580", "999999999999999999", "1.0", " 1", "", "+7"],
        "x": ["1e308", "1e309", ".5", "5.", "1,5", "nan", "", "inf"],
        "d": ["2020-02-29", "2021-02-29", "2020-13-01", "2020-1-01", "20-02-2020", "", "2020-12-31", "2020-02-29 "],
        "b": ["true", "false", "True", "1", "", "no", "true", "FALSE"],
        "s": ["", "=x", " ", "any", "1", "", "x", "y"],
    }
    assert schema_failures(schema, cols) == {
        ("i", 1, INT_TYPE), ("i", 4, INT_TYPE), ("i", 5, INT_TYPE),
        ("x", 1, "value of the wrong type: not a finite decimal number (expected digits, '.', an exponent)"),
        ("x", 4, "value of the wrong type: not a finite decimal number (expected digits, '.', an exponent)"),
        ("x", 5, "value of the wrong type: not a finite decimal number (expected digits, '.', an exponent)"),
        ("x", 7, "value of the wrong type: not a finite decimal number (expected digits, '.', an exponent)"),
        ("d", 1, "value of the wrong type: not a real calendar date (expected YYYY-MM-DD)"),
        ("d", 2, "value of the wrong type: not a real calendar date (expected YYYY-MM-DD)"),
        ("d", 3, "value of the wrong type: not a real calendar date (expected YYYY-MM-DD)"),
        ("d", 4, "value of the wrong type: not a real calendar date (expected YYYY-MM-DD)"),
        ("d", 7, "value of the wrong type: not a real calendar date (expected YYYY-MM-DD)"),
        ("b", 2, "value of the wrong type: not a boolean (expected true or false)"),
        ("b", 3, "value of the wrong type: not a boolean (expected true or false)"),
        ("b", 5, "value of the wrong type: not a boolean (expected true or false)"),
        ("b", 7, "value of the wrong type: not a boolean (expected true or false)"),
    }


def test_a_long_integer_text_is_checked_exactly_even_when_it_repeats():
    schema = {"fields": [{"name": "i", "type": "integer"}]}
    cells = ["-9223372036854775808", "-9223372036854775809", "00000000000000000000000001", "-9223372036854775809", "12"]
    assert schema_failures(schema, {"i": cells}) == {("i", 1, INT_TYPE), ("i", 3, INT_TYPE)}


def test_constraints_at_their_boundaries():
    schema = {"fields": [
        {"name": "id", "constraints": {"required": True}},
        {"name": "e", "constraints": {"enum": ["a", "b c"]}},
        {"name": "p", "constraints": {"pattern": "[a-z]{2}"}},
        {"name": "l", "constraints": {"minLength": 2, "maxLength": 3}},
        {"name": "lmin", "constraints": {"minLength": 2}},
        {"name": "lmax", "constraints": {"maxLength": 2}},
        {"name": "n", "type": "integer", "constraints": {"minimum": -1, "maximum": 1}},
        {"name": "nmin", "type": "number", "constraints": {"minimum": 0.5}},
        {"name": "nmax", "type": "number", "constraints": {"maximum": 0.5}},
        {"name": "srange", "constraints": {"minimum": 5}},  # a bound of a string field: no range check here
        {"name": "u", "constraints": {"unique": True}},
        {"name": "r0", "constraints": {"required": False}},
    ]}
    cols = {
        "id": ["r1", "", "r3", "r4", "r5"],
        "e": ["a", "b c", "", "A", "b"],
        "p": ["ab", "abc", "", "a", "AB"],
        "l": ["ab", "abc", "", "a", "abcd"],
        "lmin": ["ab", "a", "", "abcdefghij", "x"],
        "lmax": ["ab", "abc", "", "a", "abcd"],
        "n": ["-1", "1", "", "-2", "2"],
        "nmin": ["0.5", "0.49", "", "x", "1e3"],
        "nmax": ["0.5", "0.51", "", "-1e3", "x"],
        "srange": ["1", "2", "", "3", "4"],
        "u": ["a", "b", "", "", "a"],
        "r0": ["", "", "", "", ""],
    }
    nan = "value of the wrong type: not a finite decimal number (expected digits, '.', an exponent)"
    assert schema_failures(schema, cols) == {
        ("id", 1, "required value is missing"),
        ("e", 3, "value not in the vocabulary (expected one of a, 'b c')"),
        ("e", 4, "value not in the vocabulary (expected one of a, 'b c')"),
        ("p", 1, "value does not match the pattern (expected '[a-z]{2}')"),
        ("p", 3, "value does not match the pattern (expected '[a-z]{2}')"),
        ("p", 4, "value does not match the pattern (expected '[a-z]{2}')"),
        ("l", 3, "value of the wrong length (expected 2 to 3 characters)"),
        ("l", 4, "value of the wrong length (expected 2 to 3 characters)"),
        ("lmin", 1, "value of the wrong length (expected 2 to inf characters)"),
        ("lmin", 4, "value of the wrong length (expected 2 to inf characters)"),
        ("lmax", 1, "value of the wrong length (expected 0 to 2 characters)"),
        ("lmax", 4, "value of the wrong length (expected 0 to 2 characters)"),
        ("n", 3, "value out of range (expected -1 to 1)"),
        ("n", 4, "value out of range (expected -1 to 1)"),
        ("nmin", 1, "value out of range (expected 0.5 to inf)"),
        ("nmin", 3, nan),
        ("nmax", 1, "value out of range (expected -inf to 0.5)"),
        ("nmax", 4, nan),
        ("u", 4, "value appears in an earlier row (expected a unique value)"),
    }


def test_an_empty_key_value_is_missing_whether_or_not_the_field_says_required():
    schema = {"fields": [{"name": "a"}, {"name": "b"}, {"name": "c"}], "primaryKey": ["a", "b"]}
    missing = "value of the primary key is missing (expected a value: the key identifies the row)"
    dup = "duplicate primary key (expected a value of a, b that no earlier row has)"
    cols = {"a": ["x", "x", "", "y", "x"], "b": ["1", "2", "1", "", "1"], "c": ["", "", "", "", ""]}
    assert schema_failures(schema, cols) == {("a", 2, missing), ("b", 3, missing), ("row", 4, dup)}
    # a required key field says required, once
    schema["fields"][0]["constraints"] = {"required": True}
    assert ("a", 2, "required value is missing") in schema_failures(schema, cols)
    assert ("a", 2, missing) not in schema_failures(schema, cols)


def test_foreign_keys_single_composite_and_to_the_table_itself():
    import pandas as pd
    people = pd.DataFrame({"pid": ["p1", "p2"], "k1": ["a", "b"], "k2": ["1", "2"]}, dtype=object)
    schema = {"fields": [{"name": "id"}, {"name": "pid"}, {"name": "k1"}, {"name": "k2"}, {"name": "parent"}],
              "primaryKey": "id",
              "foreignKeys": [{"fields": "pid", "reference": {"resource": "people", "fields": "pid"}},
                              {"fields": ["k1", "k2"], "reference": {"resource": "people", "fields": ["k1", "k2"]}},
                              {"fields": "parent", "reference": {"resource": "", "fields": "id"}},
                              {"fields": "pid", "reference": {"resource": "absent", "fields": "pid"}}]}
    cols = {"id": ["e1", "e2", "e3", "e4"], "pid": ["p1", "p3", "", "p2"], "k1": ["a", "a", "", "b"],
            "k2": ["1", "2", "", "2"], "parent": ["", "e1", "e9", "e4"]}
    own = pd.DataFrame(cols, dtype=object)
    got = schema_failures(schema, cols, {"people": people, "events": own}, name="events")
    assert got == {
        ("row", 1, "reference to a row that does not exist (expected a value of people.pid)"),
        ("row", 1, "reference to a row that does not exist (expected a value of people.k1, k2)"),
        ("row", 2, "reference to a row that does not exist (expected a value of events.id)"),
    }
    # without the other tables only the key of the table itself is checked
    assert schema_failures(schema, cols) == set()


def test_columns_leaves_out_the_checks_of_the_other_columns():
    import pandas as pd
    from ifimes_karabakh.tableschema import pandera_schema
    schema = {"fields": [{"name": "id"}, {"name": "n", "type": "integer"}, {"name": "ref"}], "primaryKey": "id",
              "foreignKeys": [{"fields": "ref", "reference": {"resource": "", "fields": "id"}}]}
    tables = {"t": pd.DataFrame({"id": ["a"], "n": ["x"], "ref": ["zz"]}, dtype=object)}
    only_id = pandera_schema(schema, tables, columns=["id"], name="t")
    assert list(only_id.columns) == ["id"] and [c.name for c in only_id.checks] == ["primary-key"]
    only_ref = pandera_schema(schema, tables, columns=["ref"], name="t")
    assert [c.name for c in only_ref.checks] == ["foreign-key"] and only_ref.name == "t"
    assert pandera_schema(schema).name is None and len(pandera_schema(schema).checks) == 1


def test_a_resource_name_gives_the_package_schema_and_its_name():
    from ifimes_karabakh.tableschema import pandera_schema
    schema = pandera_schema("events")
    assert schema.name == "events" and list(schema.columns) == load_package(REPO).resource("events").fields


def test_a_frame_not_read_as_text_fails_and_extra_columns_are_left_alone():
    """pandas' default reading turns "" into NaN: not the text this schema checks, so refused, not
    passed; a column the schema does not name is another check's business (the header's)."""
    import math
    schema = {"fields": [{"name": "id"}, {"name": "x"}], "primaryKey": "id"}
    got = schema_failures(schema, {"id": ["a", "b"], "x": ["1", math.nan]})
    assert {(c, i) for c, i, _ in got} == {("x", 1)}
    assert schema_failures(schema, {"id": ["a", "b"], "x": ["1", ""], "extra": ["", "="]}) == set()
    assert schema_failures(schema, {"id": ["a", "b"]}) == {("row", None, "column_in_dataframe")}  # column x missing


def test_a_date_is_read_as_yyyy_mm_dd_whatever_the_first_cell_looks_like():
    """A reader that guesses the format from the first cell would take 31/12/2020 as the format and
    then refuse every real date after it."""
    schema = {"fields": [{"name": "d", "type": "date"}]}
    wrong = "value of the wrong type: not a real calendar date (expected YYYY-MM-DD)"
    assert schema_failures(schema, {"d": ["31/12/2020", "2020-02-29", "2020-12-31"]}) == {("d", 0, wrong)}


def test_field_checks_of_a_plain_field_have_no_key_check():
    from ifimes_karabakh.tableschema import field_checks
    assert [c.name for c in field_checks({"name": "a"})] == []
    assert [c.name for c in field_checks({"name": "a"}, key=True)] == ["primary-key"]
    assert [c.name for c in field_checks({"name": "a", "type": "integer", "constraints": {"required": True, "minimum": 0}})] == ["required", "type", "range"]
    every = {"name": "a", "type": "number", "constraints": {"required": True, "enum": ["1"], "pattern": "1", "minLength": 1,
                                                            "maxLength": 1, "minimum": 0, "maximum": 1, "unique": True}}
    assert [c.name for c in field_checks(every)] == ["required", "type", "enum", "pattern", "length", "range", "unique"]


def test_a_long_pattern_is_cut_to_120_characters_in_the_message():
    pattern = "a" * 121
    got = schema_failures({"fields": [{"name": "p", "constraints": {"pattern": pattern}}]}, {"p": ["b"]})
    assert got == {("p", 0, f"value does not match the pattern (expected '{'a' * 120}…')")}


def test_a_foreign_key_into_a_table_not_given_leaves_the_next_one_checked():
    import pandas as pd
    schema = {"fields": [{"name": "id"}, {"name": "pid"}], "primaryKey": "id",
              "foreignKeys": [{"fields": "pid", "reference": {"resource": "absent", "fields": "pid"}},
                              {"fields": "pid", "reference": {"resource": "people", "fields": "pid"}}]}
    people = pd.DataFrame({"pid": ["p1"]}, dtype=object)
    got = schema_failures(schema, {"id": ["e1", "e2"], "pid": ["p1", "p9"]}, {"people": people})
    assert got == {("row", 1, "reference to a row that does not exist (expected a value of people.pid)")}


def test_the_primary_key_check_is_reported_on_the_keys_first_field():
    from ifimes_karabakh.tableschema import frame_checks
    (check,) = frame_checks({"fields": [{"name": "id"}, {"name": "x"}], "primaryKey": ["id", "x"]})
    assert (check.name, check.title, check.error) == ("primary-key", "id", "duplicate primary key (expected a value of id, x that no earlier row has)")
