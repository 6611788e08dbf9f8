"""Each test damages a copy of the package in one way, runs the validate command as a user would,
and expects a non-zero exit and a message naming the file, the row and the column."""
import csv
import io
import json
import re
import shutil
import unicodedata

import pytest

from conftest import ROOT, require_source_text, run_validate

DP = json.loads((ROOT / "datapackage.json").read_text())
SCHEMAS = {r["name"]: json.loads((ROOT / r["schema"]).read_text()) for r in DP["resources"]}


# ------------------------------------------------------------------ editing helpers
def read(pkg, table):
    with open(pkg / "data" / f"{table}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write(pkg, table, rows):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    (pkg / "data" / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def set_cell(pkg, table, row, column, value):
    """Set a cell; row is the CSV line number (header = 1). Returns the old value."""
    rows = read(pkg, table)
    j = rows[0].index(column)
    old, rows[row - 1][j] = rows[row - 1][j], value
    write(pkg, table, rows)
    return old


def first_row(pkg, table, column, pred=lambda v: v != ""):
    rows = read(pkg, table)
    j = rows[0].index(column)
    return next(i for i, r in enumerate(rows[1:], start=2) if pred(r[j]))


def expect(pkg, *needles, env=None):
    code, out = run_validate(pkg, env)
    assert code == 1, out
    for n in needles:
        assert n in out if isinstance(n, str) else n.search(out), f"{n!r} not in output:\n{out}"
    assert "Traceback" not in out
    return out


# ------------------------------------------------------------------ keys and references
def test_duplicate_id(pkg):
    rows = read(pkg, "parties")
    rows[2][0] = rows[1][0]
    write(pkg, "parties", rows)
    expect(pkg, "data/parties.csv:3:party_id", "duplicate primary key")


def test_duplicate_composite_key(pkg):
    rows = read(pkg, "agreement_parties")
    rows.append(rows[1])
    write(pkg, "agreement_parties", rows)
    expect(pkg, f"data/agreement_parties.csv:{len(rows)}:agreement_id", "duplicate primary key")


FOREIGN_KEYS = [(name, fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0])
                for name, s in SCHEMAS.items() for fk in s.get("foreignKeys", [])]


@pytest.mark.parametrize("table,column", FOREIGN_KEYS, ids=[f"{t}.{c}" for t, c in FOREIGN_KEYS])
def test_dangling_reference_in_every_foreign_key(pkg, table, column):
    try:
        row = first_row(pkg, table, column)
    except StopIteration:
        row = 2  # the column is empty everywhere: fill one cell with an unknown id
    set_cell(pkg, table, row, column, "no-such-row")
    expect(pkg, f"data/{table}.csv:{row}:{column}", "does not exist")


# ------------------------------------------------------------------ vocabularies, types, dates
def test_unknown_enum_value(pkg):
    set_cell(pkg, "parties", 2, "kind", "starship")
    expect(pkg, "data/parties.csv:2:kind", "starship")


def test_malformed_date(pkg):
    row = first_row(pkg, "events", "date")
    set_cell(pkg, "events", row, "date", "9 Nov 2020")
    expect(pkg, f"data/events.csv:{row}:date")


def test_impossible_date(pkg):
    row = first_row(pkg, "events", "date_precision", lambda v: v == "day")
    set_cell(pkg, "events", row, "date", "2020-02-30")
    expect(pkg, f"data/events.csv:{row}:date", "impossible or malformed date")


def test_impossible_typed_date(pkg):
    set_cell(pkg, "resolutions", 2, "adoption_date", "1993-02-30")
    expect(pkg, "data/resolutions.csv:2:adoption_date")


def test_precision_contradicts_date(pkg):
    row = first_row(pkg, "events", "date_precision", lambda v: v == "day")
    set_cell(pkg, "events", row, "date_precision", "year")
    expect(pkg, f"data/events.csv:{row}:date_precision", "precision contradicts")


def test_end_before_start(pkg):
    row = first_row(pkg, "territory_control", "end")
    set_cell(pkg, "territory_control", row, "end", "1990")
    set_cell(pkg, "territory_control", row, "end_precision", "year")
    expect(pkg, f"data/territory_control.csv:{row}:end", "ends before it starts")


def test_event_after_the_article(pkg):
    row = first_row(pkg, "events", "date_precision", lambda v: v == "day")
    set_cell(pkg, "events", row, "date", "2021-05-01")
    expect(pkg, f"data/events.csv:{row}:date", "outside what the article can report")


def test_basis_without_source(pkg):
    row = first_row(pkg, "events", "date_basis", lambda v: v == "as_stated")
    set_cell(pkg, "events", row, "date_basis", "corrected")
    expect(pkg, f"data/events.csv:{row}:date_source_id", "other than the article")


def test_empty_required_field(pkg):
    set_cell(pkg, "parties", 5, "name", "")
    expect(pkg, "data/parties.csv:5:name")


def test_bad_pattern(pkg):
    set_cell(pkg, "parties", 3, "party_id", "Not An ID")
    expect(pkg, "data/parties.csv:3:party_id")


# ------------------------------------------------------------------ ISO codes
def test_iso3_that_does_not_exist(pkg):
    set_cell(pkg, "parties", 2, "iso3", "XYZ")
    expect(pkg, "data/parties.csv:2:iso3", "no such ISO 3166")


def test_iso3_that_names_another_place(pkg):
    assert set_cell(pkg, "parties", 2, "iso3", "ARM") == "AZE"
    expect(pkg, "data/parties.csv:2:iso3_name", "names another place")


def test_iso3166_2_that_does_not_exist(pkg):
    row = first_row(pkg, "territories", "iso3166_code", lambda v: v.startswith("AZ-"))
    set_cell(pkg, "territories", row, "iso3166_code", "AZ-ZZZ")
    expect(pkg, f"data/territories.csv:{row}:iso3166_code", "no such ISO 3166")


def test_iso3166_2_of_another_place(pkg):
    row = first_row(pkg, "territories", "iso3166_code", lambda v: v == "AZ-KAL")
    set_cell(pkg, "territories", row, "iso3166_code", "AZ-LAC")
    expect(pkg, f"data/territories.csv:{row}:iso3166_name")


def test_iso3166_2_of_another_country(pkg):
    row = first_row(pkg, "territories", "iso3166_code", lambda v: v == "AZ-KAL")
    set_cell(pkg, "territories", row, "iso3166_code", "AM-ER")
    set_cell(pkg, "territories", row, "iso3166_name", "Erevan")
    expect(pkg, f"data/territories.csv:{row}:iso3166_code", "another country")


# ------------------------------------------------------------------ semantic and cross-table rules
def test_person_without_affiliation(pkg):
    row = first_row(pkg, "parties", "kind", lambda v: v == "person")
    set_cell(pkg, "parties", row, "affiliation_party_id", "")
    expect(pkg, f"data/parties.csv:{row}:affiliation_party_id")


def test_territory_parent_cycle(pkg):
    rows = read(pkg, "territories")
    ids = [r[0] for r in rows]
    j = rows[0].index("parent_territory_id")
    rows[ids.index("azerbaijan")][j] = "nagorno-karabakh"
    write(pkg, "territories", rows)
    expect(pkg, f"data/territories.csv:{ids.index('azerbaijan') + 1}:parent_territory_id", "loops")


def test_representative_is_not_a_person(pkg):
    row = first_row(pkg, "agreement_parties", "representative_party_id")
    set_cell(pkg, "agreement_parties", row, "representative_party_id", "armenia")
    expect(pkg, f"data/agreement_parties.csv:{row}:representative_party_id", "person or office")


def test_external_fact_cited_to_the_article(pkg):
    set_cell(pkg, "parties", 2, "iso3_source_id", "ifimes-2020")
    expect(pkg, "data/parties.csv:2:iso3_source_id", "other than the article")


def test_name_as_stated_not_in_quote(pkg):
    set_cell(pkg, "parties", 2, "name_as_stated", "Azerbaidjan")
    expect(pkg, "data/parties.csv:2:name_as_stated", "does not occur in the row's quote")


def test_locator_that_does_not_exist(pkg):
    set_cell(pkg, "events", 2, "locator", "p99")
    expect(pkg, "data/events.csv:2:locator")


def test_quote_no_longer_verbatim(pkg):
    require_source_text()
    old = read(pkg, "figures")[1][read(pkg, "figures")[0].index("quote")]
    set_cell(pkg, "figures", 2, "quote", old.replace("war", "conflict"))
    expect(pkg, "data/figures.csv:2:quote", "not found verbatim")


def test_footnote_text_altered(pkg):
    require_source_text()
    row = first_row(pkg, "sources", "kind", lambda v: v == "footnote")
    old = read(pkg, "sources")[row - 1][read(pkg, "sources")[0].index("footnote_text")]
    set_cell(pkg, "sources", row, "footnote_text", old.replace("2018", "2017"))
    expect(pkg, f"data/sources.csv:{row}:footnote_text")


def test_source_text_whose_sha256_changed(pkg, tmp_path):
    text = require_source_text().read_text(encoding="utf-8")
    changed = tmp_path / "changed.txt"
    changed.write_text(text.replace("six-week war", "six-week  war"), encoding="utf-8")
    expect(pkg, "data/sources.csv:2:sha256", env={"IFIMES_SOURCE_TEXT": str(changed)})


# ------------------------------------------------------------------ columns and cells
def test_extra_column(pkg):
    rows = [r + ["x"] for r in read(pkg, "figures")]
    rows[0][-1] = "extra"
    write(pkg, "figures", rows)
    expect(pkg, "data/figures.csv:1:extra", "not in the schema")


def test_missing_column(pkg):
    rows = [r[:-1] for r in read(pkg, "figures")]
    write(pkg, "figures", rows)
    expect(pkg, "data/figures.csv:1:note", "missing")


def test_renamed_column(pkg):
    rows = read(pkg, "figures")
    rows[0][rows[0].index("unit")] = "units"
    write(pkg, "figures", rows)
    expect(pkg, "data/figures.csv:1:unit", "data/figures.csv:1:units")


def test_reordered_columns(pkg):
    rows = [[r[1], r[0]] + r[2:] for r in read(pkg, "figures")]
    write(pkg, "figures", rows)
    expect(pkg, "data/figures.csv:1", "out of order")


def test_row_with_too_many_cells(pkg):
    rows = read(pkg, "memberships")
    rows[3].append("surplus")
    write(pkg, "memberships", rows)
    expect(pkg, "data/memberships.csv:4", "too many cells")


def test_row_with_too_few_cells(pkg):
    rows = read(pkg, "memberships")
    rows[3] = rows[3][:-2]
    write(pkg, "memberships", rows)
    expect(pkg, "data/memberships.csv:4", "too few cells")


# ------------------------------------------------------------------ clean-CSV hygiene (raw bytes)
def raw(pkg, table):
    return (pkg / "data" / f"{table}.csv").read_bytes()


def put(pkg, table, data):
    (pkg / "data" / f"{table}.csv").write_bytes(data)


def test_utf8_bom(pkg):
    put(pkg, "events", b"\xef\xbb\xbf" + raw(pkg, "events"))
    expect(pkg, "data/events.csv:1", "byte order mark")


def test_crlf_line_ends(pkg):
    put(pkg, "events", raw(pkg, "events").replace(b"\n", b"\r\n"))
    expect(pkg, "data/events.csv:1", "CRLF")


def test_non_utf8_bytes(pkg):
    data = raw(pkg, "territories")
    put(pkg, "territories", data.replace("Kəlbəcər".encode(), "Kəlbəcər".encode()[:-1] + b"\xe9", 1))
    row = data[: data.index("Kəlbəcər".encode())].count(b"\n") + 1
    expect(pkg, f"data/territories.csv:{row}", "not UTF-8")


def test_nfd_text(pkg):
    row = first_row(pkg, "territories", "name_az", lambda v: "ü" in v)
    rows = read(pkg, "territories")
    nfc = rows[row - 1][rows[0].index("name_az")]
    set_cell(pkg, "territories", row, "name_az", unicodedata.normalize("NFD", nfc))
    expect(pkg, f"data/territories.csv:{row}:name_az", "NFC")


@pytest.mark.parametrize("value", [" Armenia", "Armenia "])
def test_leading_or_trailing_space(pkg, value):
    set_cell(pkg, "parties", 3, "name", value)
    expect(pkg, "data/parties.csv:3:name", "whitespace")


@pytest.mark.parametrize("char", ["\x07", "\t", "\u2028"])
def test_control_characters(pkg, char):
    set_cell(pkg, "parties", 4, "note", f"a{char}b")
    expect(pkg, "data/parties.csv:4:note", "control character")


def test_line_break_inside_a_cell(pkg):
    set_cell(pkg, "parties", 4, "note", "two\nlines")
    expect(pkg, "data/parties.csv:4:note", "control character")


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)"])
def test_formula_like_cell(pkg, value):
    set_cell(pkg, "parties", 6, "note", value)
    expect(pkg, "data/parties.csv:6:note", "formula")


def test_negative_number_is_not_a_formula(pkg):
    """A plain number is fine even with a sign; the figure then fails only its own range rule."""
    set_cell(pkg, "figures", 2, "value", "-6")
    out = expect(pkg, "data/figures.csv:2:value", "out of range")
    assert "formula" not in out


# ------------------------------------------------------------------ files and descriptors
def test_empty_file(pkg):
    put(pkg, "provisions", b"")
    expect(pkg, "data/provisions.csv", "empty")


def test_listed_file_missing(pkg):
    (pkg / "data" / "provisions.csv").unlink()
    expect(pkg, "data/provisions.csv", "missing")


def test_csv_not_listed(pkg):
    shutil.copy(pkg / "data" / "figures.csv", pkg / "data" / "figures_old.csv")
    expect(pkg, "data/figures_old.csv", "not listed in datapackage.json")


def test_invalid_json_descriptor(pkg):
    p = pkg / "datapackage.json"
    p.write_text(p.read_text()[:-3], encoding="utf-8")
    expect(pkg, re.compile(r"^datapackage\.json(:\d+)?: invalid JSON", re.M))


def test_schema_primary_key_names_no_field(pkg):
    p = pkg / "schemas" / "figures.schema.json"
    s = json.loads(p.read_text())
    s["primaryKey"] = ["figure_key"]
    p.write_text(json.dumps(s), encoding="utf-8")
    expect(pkg, "schemas/figures.schema.json::primaryKey", "names no field")


def test_report_lists_every_problem_in_one_run(pkg):
    row = first_row(pkg, "parties", "kind", lambda v: v == "think_tank")
    set_cell(pkg, "parties", row, "kind", "starship")
    set_cell(pkg, "events", 3, "locator", "p99")
    set_cell(pkg, "figures", 4, "note", "=1+1")
    out = expect(pkg, f"data/parties.csv:{row}:kind", "data/events.csv:3:locator", "data/figures.csv:4:note")
    assert re.search(r"^3 problem\(s\) found", out, re.M), out


# ------------------------------------------------------------------ claims and verdicts
def test_corrected_verdict_without_verified_value(pkg):
    row = first_row(pkg, "claims", "verdict", lambda v: v == "corrected")
    set_cell(pkg, "claims", row, "value_verified", "")
    expect(pkg, f"data/claims.csv:{row}:value_verified", "needs value_verified")


def test_confirmed_verdict_sourced_to_the_article(pkg):
    row = first_row(pkg, "claims", "verdict", lambda v: v == "confirmed")
    set_cell(pkg, "claims", row, "verdict_source_id", "ifimes-2020")
    expect(pkg, f"data/claims.csv:{row}:verdict_source_id", "other than the article")


def test_contradiction_that_does_not_point_back(pkg):
    row = first_row(pkg, "claims", "contradicts_claim_id")
    rows = read(pkg, "claims")
    other = rows[row - 1][rows[0].index("contradicts_claim_id")]
    orow = next(i for i, r in enumerate(rows[1:], start=2) if r[0] == other)
    set_cell(pkg, "claims", orow, "contradicts_claim_id", "")
    expect(pkg, f"data/claims.csv:{row}:contradicts_claim_id", "points back")


def test_statement_point_with_wrong_locator(pkg):
    set_cell(pkg, "statement_points", 2, "locator", "pt7")
    expect(pkg, "data/statement_points.csv:2:locator", "ptN for the row's point")


def test_crosswalk_without_outside_source(pkg):
    row = first_row(pkg, "agreements", "pax_id")
    set_cell(pkg, "agreements", row, "pax_source_id", "")
    expect(pkg, f"data/agreements.csv:{row}:pax_source_id")


# ------------------------------------------------------------------ one version everywhere
@pytest.fixture
def pkg_with_release_files(pkg):
    for f in ("CITATION.cff", "CHANGELOG.md"):
        shutil.copy(ROOT / f, pkg / f)
    return pkg


def test_version_that_disagrees_in_citation(pkg_with_release_files):
    p = pkg_with_release_files / "CITATION.cff"
    p.write_text(re.sub(r"^version: .*$", "version: 9.9.9", p.read_text(encoding="utf-8"), flags=re.M), encoding="utf-8")
    expect(pkg_with_release_files, "CITATION.cff::version", "9.9.9")


def test_version_that_disagrees_in_datapackage(pkg_with_release_files):
    p = pkg_with_release_files / "datapackage.json"
    dp = json.loads(p.read_text(encoding="utf-8"))
    dp["version"] = "9.9.9"
    p.write_text(json.dumps(dp, indent=2), encoding="utf-8")
    expect(pkg_with_release_files, "CITATION.cff::version", re.compile(r"CHANGELOG\.md:\d+: top release differs"))


def test_categories_that_disagree_with_the_enum(pkg):
    p = pkg / "schemas" / "figures.schema.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    field = next(f for f in s["fields"] if f["name"] == "qualifier")
    field["categories"] = field["categories"][:-1]
    p.write_text(json.dumps(s), encoding="utf-8")
    expect(pkg, "schemas/figures.schema.json::qualifier", "categories and constraints.enum")


def test_outside_source_read_without_access_date(pkg):
    row = first_row(pkg, "sources", "source_id", lambda v: v == "az-mfa-trilateral-statement-2020")
    set_cell(pkg, "sources", row, "access_date", "")
    expect(pkg, f"data/sources.csv:{row}:access_date", "date they read it")


def test_description_as_stated_not_verbatim(pkg):
    row = first_row(pkg, "provisions", "provision_id", lambda v: v == "return-of-districts")
    set_cell(pkg, "provisions", row, "description_as_stated", "Azerbaijan has returned its occupied areas")
    expect(pkg, f"data/provisions.csv:{row}:description_as_stated", "not found verbatim")


def test_demands_at_the_wrong_line(pkg):
    set_cell(pkg, "resolutions", 2, "demands_locator", "p9")
    expect(pkg, "data/resolutions.csv:2:demands_as_stated", "not found verbatim")
