"""The validator end to end, in-process, on damaged copies of the package: each case asserts the
kind of problem and the exact file, line and column, and that nothing else goes wrong."""
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest

from conftest import copy_package, found, line_of, read, require_article, set_cell, write
from ifimes_karabakh import REPO
from ifimes_karabakh.__main__ import main
from ifimes_karabakh.csvread import read_table
from ifimes_karabakh.descriptor import load
from ifimes_karabakh.validate import report


def only(problems, *expected):
    """The problems are exactly the expected ones (file, row, column, kind)."""
    assert problems == set(expected), sorted(problems, key=str)


def data(table):
    return f"data/{table}.csv"


def raw(pkg, table):
    return (pkg / "data" / f"{table}.csv").read_bytes()


def put(pkg, table, content: bytes):
    (pkg / "data" / f"{table}.csv").write_bytes(content)


# ------------------------------------------------------------------ the real package
def test_the_package_is_valid():
    require_article()
    problems, res = found(REPO)
    assert problems == set() and res.article_checked
    assert res.notes == []
    assert res.generated == "generated files up to date"  # a checkout: CITATION.cff, the codebook ... as generated
    out = io.StringIO()
    report(res, out)
    tables = len(load(REPO, []).resources)  # every table but the change record has rules
    assert out.getvalue().splitlines()[-1].startswith(
        f"0 problem(s) found (clean CSV + Table Schema + rules + quotes against the article text, on {tables - 1} tables; "
        "clean CSV + Table Schema on data/changes.csv; ")
    assert out.getvalue().splitlines()[-1].endswith("; generated files up to date).")
    assert len(res.rows) == len(json.loads((REPO / "datapackage.json").read_text())["resources"])


def test_missing_article_is_reported_as_skipped_outside_ci_and_as_an_error_in_ci(tmp_path, monkeypatch):
    monkeypatch.setenv("IFIMES_SOURCE_TEXT", str(tmp_path / "absent.txt"))
    monkeypatch.delenv("CI", raising=False)
    problems, res = found(REPO)
    assert problems == set() and any(n.startswith("SKIPPED: quote") and "absent.txt" in n for n in res.notes)
    monkeypatch.setenv("CI", "true")
    problems, _ = found(REPO)
    assert {p[3] for p in problems} == {"article"}


def test_article_that_is_not_utf8_is_a_located_data_error(tmp_path, monkeypatch):
    bad = tmp_path / "article.txt"
    bad.write_bytes(b"Title\nline two \xff\n")
    monkeypatch.setenv("IFIMES_SOURCE_TEXT", str(bad))
    problems, _ = found(REPO)
    assert (str(bad), 2, None, "article") in problems


def test_kept_text_checks_quotes_and_its_checksum(pkg):
    row = line_of(pkg, "statement_points", "point_id", lambda v: v == "pt2-agdam")
    set_cell(pkg, "statement_points", row, "quote", "The Aghdam district is returned to the Republic of Armenia before 20 November 2020.")
    problems, _ = found(pkg)
    only(problems, (data("statement_points"), row, "quote", "quote"))
    kept = pkg / "texts" / "az-mfa-trilateral-statement-2020.txt"
    kept.write_text(kept.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    line = line_of(pkg, "sources", "source_id", lambda v: v == "az-mfa-trilateral-statement-2020")
    assert (data("sources"), line, "sha256", "text") in found(pkg)[0]
    (pkg / "texts" / "az-mfa-trilateral-statement-2020.txt").unlink()
    assert (data("sources"), line, "text_file", "article") in found(pkg)[0]


def test_article_dated_to_the_month_only(pkg):
    """An EDTF date of the article, legal in the schema, sets the latest date the article can report."""
    set_cell(pkg, "sources", 2, "date", "2020-12")
    set_cell(pkg, "sources", 2, "date_precision", "month")
    set_cell(pkg, "sources", 2, "date_start", "2020-12-01")
    set_cell(pkg, "sources", 2, "date_end", "2020-12-31")
    _, res = found(pkg)
    assert res.exit_code == 0, res.problems


def test_self_reference_written_as_an_empty_resource_is_checked(pkg):
    p = pkg / "schemas" / "territories.schema.json"
    s = json.loads(p.read_text())
    next(fk for fk in s["foreignKeys"] if fk["fields"] == "parent_territory_id")["reference"]["resource"] = ""
    p.write_text(json.dumps(s))
    set_cell(pkg, "territories", 3, "parent_territory_id", "nowhere")
    assert (data("territories"), 3, "parent_territory_id", "foreign-key") in found(pkg)[0]


def test_a_reference_is_not_hidden_by_a_damaged_row_that_only_contains_it(pkg):
    rows = read(pkg, "parties")
    line = next(i for i, r in enumerate(rows[1:], start=2) if r[0] == "turkish-forces")
    rows[line - 1].append("surplus")
    write(pkg, "parties", rows)
    ep = line_of(pkg, "event_parties", "party_id", lambda v: v != "")
    set_cell(pkg, "event_parties", ep, "party_id", "turk")  # a part of the damaged row's key, not a key
    problems, _ = found(pkg)
    only(problems, (data("parties"), line, None, "structure"), (data("event_parties"), ep, "party_id", "foreign-key"))


def test_article_whose_sha256_changed(pkg, tmp_path, monkeypatch, article):
    """The first problem names the text and both hashes; the quote checks that would all fail are
    not run, and one note says why: no cascade of quote failures."""
    changed = tmp_path / "changed.txt"
    changed.write_text(article.text.replace("six-week war", "six-week conflict"), encoding="utf-8")
    monkeypatch.setenv("IFIMES_SOURCE_TEXT", str(changed))
    problems, res = found(pkg)
    only(problems, (str(changed), None, None, "sha256"), (data("sources"), 2, "sha256", "article"))
    out = io.StringIO()
    report(res, out)
    first = next(line for line in out.getvalue().splitlines() if not line.startswith("=="))
    assert first.startswith(f"{changed}:") and article.sha256 in first and hashlib.sha256(changed.read_bytes()).hexdigest() in first
    assert sum("NOT CHECKED: quotes, locators and footnotes" in n for n in res.notes) == 1
    assert not any("no article text" in n for n in res.notes)
    assert "quotes not checked against the article text" in out.getvalue().splitlines()[-1]


def test_kept_text_whose_sha256_changed_is_named_first_and_its_quotes_are_not_checked_one_by_one(pkg):
    kept = pkg / "texts" / "az-mfa-trilateral-statement-2020.txt"
    kept.write_text(kept.read_text(encoding="utf-8").replace("ceasefire", "truce"), encoding="utf-8")
    line = line_of(pkg, "sources", "source_id", lambda v: v == "az-mfa-trilateral-statement-2020")
    problems, res = found(pkg)
    only(problems, ("texts/az-mfa-trilateral-statement-2020.txt", None, None, "sha256"), (data("sources"), line, "sha256", "text"))
    out = io.StringIO()
    report(res, out)
    assert out.getvalue().splitlines()[1].startswith("texts/az-mfa-trilateral-statement-2020.txt: the kept text is not the one")
    assert sum("NOT CHECKED: quotes from 'az-mfa-trilateral-statement-2020'" in n for n in res.notes) == 1


# ------------------------------------------------------------------ rules follow the conventions, on every table
def add_copy_of_figures(pkg):
    """A new resource figures_copy: a copy of figures, with its own data file and the same schema."""
    shutil.copy(pkg / "data" / "figures.csv", pkg / "data" / "figures_copy.csv")
    def add(dp):
        r = dict(next(r for r in dp["resources"] if r["name"] == "figures"))
        dp["resources"].append({**r, "name": "figures_copy", "path": "data/figures_copy.csv", "title": "A copy of figures"})
    edit_descriptor(pkg, add)


def test_a_new_table_gets_the_provenance_rules_from_its_columns(pkg):
    require_article()
    add_copy_of_figures(pkg)
    set_cell(pkg, "figures_copy", 3, "locator", "p999")
    set_cell(pkg, "figures_copy", 3, "quote", "an invented sentence about the ceasefire lines")
    set_cell(pkg, "figures_copy", 4, "quote", "another invented sentence about the ceasefire")
    set_cell(pkg, "figures_copy", 5, "value_as_stated", "twelve thousand")
    problems, res = found(pkg)
    only(problems, (data("figures_copy"), 3, "locator", "locator"), (data("figures_copy"), 4, "quote", "quote"),
         *[(data("figures_copy"), line, "value_as_stated", "as-stated") for line in (3, 4, 5)])  # no longer in its row's quote
    assert res.exit_code == 1
    assert "quotes against the article text" in res.ran["data/figures_copy.csv"]


def test_the_closing_line_says_what_ran_on_each_table(pkg, tmp_path, monkeypatch):
    content = raw(pkg, "memberships").split(b"\n")
    content[5] = b'a,"b"c,' + content[5]
    put(pkg, "memberships", b"\n".join(content))
    monkeypatch.setenv("IFIMES_SOURCE_TEXT", str(tmp_path / "absent.txt"))
    monkeypatch.delenv("CI", raising=False)
    _, res = found(pkg)
    out = io.StringIO()
    report(res, out)
    last = out.getvalue().splitlines()[-1]
    others = len(load(pkg, []).resources) - 2  # all but memberships (reading stopped) and the change record (no rules)
    assert f"clean CSV + Table Schema + rules, on {others} tables" in last and "clean CSV up to where reading stopped on data/memberships.csv" in last
    assert "quotes against the article text" not in last.replace("quotes not checked against the article text", "")
    assert "generated files not checked" in last


def test_a_schema_column_named_like_a_convention_that_no_rule_covers(pkg):
    p = pkg / "schemas" / "figures.schema.json"
    s = json.loads(p.read_text())
    s["fields"].append({"name": "period_end", "type": "date"})
    p.write_text(json.dumps(s))
    write(pkg, "figures", [r + (["period_end"] if i == 0 else [""]) for i, r in enumerate(read(pkg, "figures"))])
    assert ("schemas/figures.schema.json", None, "period_end", "convention") in found(pkg)[0]


# ------------------------------------------------------------------ generated files: stale is a problem
@pytest.fixture
def checkout(tmp_path):
    """The package copy with the files generated from it, as a checkout of the repository has them
    (with the resources' hashes: nothing is stale before a test changes something)."""
    pkg = copy_package(tmp_path / "checkout", hashes=True)
    for rel in ["README.md", "CONTRIBUTING.md", "CITATION.cff", ".zenodo.json", "CHANGELOG.md", "docs", "vendor"]:
        (shutil.copytree if (REPO / rel).is_dir() else shutil.copy2)(REPO / rel, pkg / rel)
    return pkg


def test_a_stale_citation_version_is_reported_with_the_fact_that_differs(checkout):
    cff = checkout / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    version = json.loads((checkout / "datapackage.json").read_text())["version"]
    cff.write_text(text.replace(f"version: {version}", "version: 0.0.1"), encoding="utf-8")
    line = text[:text.index(f"version: {version}")].count("\n") + 1
    problems, res = found(checkout)
    only(problems, ("CITATION.cff", line, None, "stale"))
    message = next(p.message for p in res.problems if p.file == "CITATION.cff")
    assert "version: 0.0.1" in message and f"version: {version}" in message and "./dp docs" in message


def test_a_stale_schema_and_descriptor_boilerplate_are_reported(checkout):
    p = checkout / "schemas" / "events.schema.json"
    s = json.loads(p.read_text())
    next(f for f in s["fields"] if f["name"] == "quote")["description"] = "A quote."
    p.write_text(json.dumps(s, indent=2) + "\n")
    problems, res = found(checkout)
    stale = {p.file: p for p in res.problems if p.kind == "stale"}
    assert set(stale) == {"schemas/events.schema.json", "docs/codebook.md"} and {p[3] for p in problems} == {"stale"}
    assert "A quote." in stale["schemas/events.schema.json"].message and "./dp schemas" in stale["schemas/events.schema.json"].message
    assert "A quote." in stale["docs/codebook.md"].message and "./dp docs" in stale["docs/codebook.md"].message


# ------------------------------------------------------------------ structure: never a crash, never a shifted row
@pytest.mark.parametrize("table,column", [("sources", "source_id"), ("sources", "kind"), ("sources", "date"),
                                          ("parties", "party_id"), ("parties", "kind")])
def test_renamed_key_column_is_reported_once_and_skips_only_what_needs_it(pkg, table, column):
    rows = read(pkg, table)
    rows[0][rows[0].index(column)] = column + "_x"
    write(pkg, table, rows)
    problems, res = found(pkg)
    only(problems, (data(table), 1, column, "header"), (data(table), 1, column + "_x", "header"))
    assert any(n.startswith("SKIPPED") and column in n for n in res.notes)


def test_missing_column(pkg):
    write(pkg, "figures", [r[:-1] for r in read(pkg, "figures")])
    problems, _ = found(pkg)
    only(problems, (data("figures"), 1, "note", "header"))


def test_reordered_columns(pkg):
    write(pkg, "figures", [[r[1], r[0]] + r[2:] for r in read(pkg, "figures")])
    problems, _ = found(pkg)
    only(problems, (data("figures"), 1, None, "header"))


@pytest.mark.parametrize("line", [2, 5])
def test_surplus_cell_keeps_the_row_and_every_later_line(pkg, line):
    """A surplus cell (on the first data row too) is one problem; the row's key still counts for
    other tables, and a later finding in the same table names its true line."""
    rows = read(pkg, "parties")
    rows[line - 1].append("surplus")
    later = line + 3
    rows[later - 1][rows[0].index("name")] = ""
    write(pkg, "parties", rows)
    problems, _ = found(pkg)
    only(problems, (data("parties"), line, None, "structure"), (data("parties"), later, "name", "required"))


def test_missing_cell(pkg):
    rows = read(pkg, "memberships")
    rows[3] = rows[3][:-2]
    write(pkg, "memberships", rows)
    problems, _ = found(pkg)
    only(problems, (data("memberships"), 4, None, "structure"))


def test_quoted_newline_names_the_row_and_keeps_later_lines(pkg):
    set_cell(pkg, "parties", 4, "note", "two\nlines")
    set_cell(pkg, "parties", 9, "name", "")  # one physical line further down now: line 10
    problems, _ = found(pkg)
    only(problems, (data("parties"), 4, "note", "control"), (data("parties"), 10, "name", "required"))


def test_nul_byte(pkg):
    row = line_of(pkg, "parties", "party_id", lambda v: v == "turkey")
    set_cell(pkg, "parties", row, "note", "a\x00b")
    problems, _ = found(pkg)
    only(problems, (data("parties"), row, "note", "control"))


def test_bytes_that_are_not_utf8(pkg):
    content = raw(pkg, "territories")
    at = content.index("Kəlbəcər".encode())
    put(pkg, "territories", content[:at] + b"K\xe9lbajar" + content[at + len("Kəlbəcər".encode()):])
    problems, _ = found(pkg)
    row = content[:at].count(b"\n") + 1
    assert (data("territories"), row, "name_az", "encoding") in problems
    assert {p[0] for p in problems} == {data("territories")}


def test_blank_line(pkg):
    content = raw(pkg, "memberships").split(b"\n")
    put(pkg, "memberships", b"\n".join(content[:3] + [b""] + content[3:]))
    problems, _ = found(pkg)
    only(problems, (data("memberships"), 4, None, "structure"))


def test_quoting_that_csv_cannot_parse_stops_the_table_and_its_references(pkg):
    content = raw(pkg, "memberships").split(b"\n")
    content[5] = b'a,"b"c,' + content[5]
    put(pkg, "memberships", b"\n".join(content))
    problems, res = found(pkg)
    only(problems, (data("memberships"), 6, None, "structure"))
    assert any("NOT CHECKED" in n and "memberships" in n for n in res.notes)


# ------------------------------------------------------------------ bytes and characters
def reader_problems(tmp_path, note):
    """The clean-CSV findings of the reader alone on a three-line table whose last note is `note`."""
    import csv as csv_module
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv_module.writer(fh, lineterminator="\n").writerows([["id", "note"], ["a", "fine"], ["b", note]])
    return {(p.row, p.column, p.kind) for p in read_table(path, "t.csv", ["id", "note"]).problems}


def test_bom(pkg):
    put(pkg, "events", b"\xef\xbb\xbf" + raw(pkg, "events"))
    only(found(pkg)[0], (data("events"), 1, None, "encoding"))


def test_crlf_is_reported_once(pkg):
    put(pkg, "events", raw(pkg, "events").replace(b"\n", b"\r\n"))
    only(found(pkg)[0], (data("events"), 1, None, "line-end"))


def test_lone_cr(pkg):
    content = raw(pkg, "events").split(b"\n")
    content[4] = content[4].replace(b",", b"\r", 1)
    put(pkg, "events", b"\n".join(content))
    problems, _ = found(pkg)
    only(problems, (data("events"), 5, None, "line-end"), (data("events"), 5, None, "structure"))


def test_no_final_line_end(pkg):
    put(pkg, "events", raw(pkg, "events").rstrip(b"\n"))
    problems, _ = found(pkg)
    assert {(p[1], p[3]) for p in problems} == {(len(read(pkg, "events")), "line-end")}


def test_invisible_character_end_to_end(pkg):
    set_cell(pkg, "parties", 4, "note", "a\u202eb")
    only(found(pkg)[0], (data("parties"), 4, "note", "control"))


INVISIBLE = ["\u202e", "\u200b", "\u2066", "\x07", "\t", "\u2028", "\u2029", "\ufeff", "\x1b", "\x85",
             "\u2060", "\u2061", "\u2062", "\u2063", "\u2064",        # word joiner and the invisible operators
             "\u061c", "\u00ad", "\U000e0041", "\U000e007f", "\U000e0001",  # Arabic letter mark, soft hyphen, tag characters
             "\ufe0f", "\ufe00", "\U000e0100", "\u180b",                 # variation selectors
             "\u3164", "\u115f", "\u1160", "\uffa0",                     # Hangul fillers
             "\ue000", "\U000f0000", "\U0010fffd",                        # private use
             "\ufdd0", "\ufffe", "\U0001ffff", "\u0378"]                  # noncharacters, unassigned


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_invisible_and_control_characters(tmp_path, char):
    assert reader_problems(tmp_path, f"a{char}b") == {(3, "note", "control")}


def test_raw_rows_gives_the_cells_as_written(tmp_path):
    """What hostile.py and the tests damage a copy from: every cell as the bytes spell it, a quoted
    line break (CRLF or CR alone) kept as written, UTF-8 whatever the machine's locale."""
    from ifimes_karabakh.csvread import raw_rows
    path = tmp_path / "t.csv"
    path.write_bytes('id,note\r\na,"one\r\ntwo"\r\nb,"x\ry"\r\nc,Kəlbəcər “é”\r\n'.encode("utf-8"))
    assert raw_rows(path) == [["id", "note"], ["a", "one\r\ntwo"], ["b", "x\ry"], ["c", "Kəlbəcər “é”"]]
    path.write_bytes(b"id,note\ra,b\r")  # CR alone ends a row too
    assert raw_rows(path) == [["id", "note"], ["a", "b"]]


def test_a_lone_surrogate_is_invisible_too():
    from ifimes_karabakh.csvread import invisible
    assert invisible("a\ud800b") == "\ud800" and invisible("\udfff") == "\udfff"
    assert invisible("𝐀 𓀀 😀 𠀀") is None and invisible("a\U000e0041") == "\U000e0041"  # letters above U+FFFF pass; tags do not
    # the first character above U+FFFF (LINEAR B SYLLABLE B008 A) is a letter, and the last below it a noncharacter
    assert invisible("\U00010000") is None and invisible("\uffff") == "\uffff" and invisible("\U0001000b") is None


@pytest.mark.parametrize("text", ["Ստեփանակերտ (Stepanakert)", "Şuşa, Kəlbəcər, Ağdam, İrəvan", "Степанакерт, Нагорный Карабах",
                                  "“the war” – ended … 9 November 2020 № 5 ‘a’ «b»", "Géorgie, Türkiye, Œ", "a\u00a0b", "日本語"])
def test_real_text_is_not_invisible(tmp_path, text):
    assert reader_problems(tmp_path, text) == set()


def test_the_invisible_table_is_what_this_pythons_unicode_gives():
    """invisible_table.py is generated (python -m ifimes_karabakh.invisible); it must not go stale."""
    from ifimes_karabakh import invisible, invisible_table
    assert invisible_table.INVISIBLE_RANGES == invisible.compute()


def test_a_header_cell_is_checked_as_text(tmp_path):
    import csv as csv_module
    path = tmp_path / "t.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv_module.writer(fh, lineterminator="\n").writerows([["id", "no\nte", "x\u200by"], ["a", "fine", ""]])
    problems = {(p.row, p.column, p.kind) for p in read_table(path, "t.csv", ["id", "no\nte", "x\u200by"]).problems}
    assert problems == {(1, "no\nte", "control"), (1, "x\u200by", "control")}


def test_blank_line_says_so(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(b"id,note\na,fine\n\nb,also\n")
    (p,) = read_table(path, "t.csv", ["id", "note"]).problems
    assert (p.row, p.column, p.kind) == (3, None, "structure") and p.message.startswith("blank line")


@pytest.mark.parametrize("value", [" Armenia", "Armenia ", "Armenia\u00a0"])
def test_leading_or_trailing_space(tmp_path, value):
    assert reader_problems(tmp_path, value) == {(3, "note", "whitespace")}


def test_text_not_nfc(pkg):
    import unicodedata
    row = line_of(pkg, "territories", "name_az", lambda v: "ü" in v)
    value = read(pkg, "territories")[row - 1][read(pkg, "territories")[0].index("name_az")]
    set_cell(pkg, "territories", row, "name_az", unicodedata.normalize("NFD", value))
    problems, _ = found(pkg)
    assert (data("territories"), row, "name_az", "unicode") in problems


def test_formula_like_cell_end_to_end(pkg):
    set_cell(pkg, "parties", 6, "note", "=HYPERLINK(\"http://x\")")
    only(found(pkg)[0], (data("parties"), 6, "note", "formula"))


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\")", "+cmd", "-2+3", "@SUM(A1)", "-x"])
def test_formula_like_cell(tmp_path, value):
    assert reader_problems(tmp_path, value) == {(3, "note", "formula")}


def test_negative_number_is_not_a_formula(pkg):
    set_cell(pkg, "figures", 2, "value", "-6")
    only(found(pkg)[0], (data("figures"), 2, "value", "range"))


# ------------------------------------------------------------------ Table Schema
def test_duplicate_primary_key(pkg):
    rows = read(pkg, "parties")
    rows.append(list(rows[3]))
    rows[-1][rows[0].index("name")] = "Another"
    write(pkg, "parties", rows)
    only(found(pkg)[0], (data("parties"), len(rows), "party_id", "primary-key"))


def test_duplicate_composite_key(pkg):
    rows = read(pkg, "agreement_parties")
    rows.append(rows[1])
    write(pkg, "agreement_parties", rows)
    only(found(pkg)[0], (data("agreement_parties"), len(rows), "agreement_id", "primary-key"))


def test_reference_to_a_row_that_does_not_exist(pkg):
    row = line_of(pkg, "claims", "territory_id", lambda v: v != "")
    set_cell(pkg, "claims", row, "territory_id", "atlantis")
    only(found(pkg)[0], (data("claims"), row, "territory_id", "foreign-key"))


@pytest.mark.parametrize("table,column,value,kind", [
    ("parties", "kind", "starship", "enum"),
    ("parties", "party_id", "Not An ID", "pattern"),
    ("parties", "name", "", "required"),
    ("events", "date", "9 Nov 2020", "pattern"),
    ("resolutions", "adoption_date", "1993-02-30", "type"),
    ("sources", "footnote_number", "99999999999999999999", "type"),
    ("figures", "value", "1e400", "type"),
])
def test_values_that_break_the_schema(pkg, table, column, value, kind):
    row = line_of(pkg, table, column, lambda v: v != "")
    set_cell(pkg, table, row, column, value)
    assert (data(table), row, column, kind) in found(pkg)[0]


def test_catastrophic_pattern_runs_in_linear_time(pkg):
    """A schema pattern like ^(a+)+$ against a long value runs through RE2: no backtracking."""
    p = pkg / "schemas" / "figures.schema.json"
    s = json.loads(p.read_text())
    next(f for f in s["fields"] if f["name"] == "note")["constraints"] = {"pattern": "^(a+)+$"}
    p.write_text(json.dumps(s))
    row = line_of(pkg, "figures", "note", lambda v: v == "")
    set_cell(pkg, "figures", row, "note", "a" * 35 + "!")
    problems, _ = found(pkg)
    assert (data("figures"), row, "note", "pattern") in problems


# ------------------------------------------------------------------ rules, end to end
def test_parent_cycle_without_a_country_is_reported_not_looped(pkg):
    row = line_of(pkg, "territories", "territory_id", lambda v: v == "nagorno-karabakh")
    set_cell(pkg, "territories", row, "parent_territory_id", "stepanakert")
    problems, _ = found(pkg)
    assert (data("territories"), row, "parent_territory_id", "cycle") in problems
    assert {p[3] for p in problems} == {"cycle"}


@pytest.mark.parametrize("quote", ["………", "R … a", "… war …"])
def test_quote_without_real_text(pkg, quote):
    set_cell(pkg, "figures", 2, "quote", quote)
    assert (data("figures"), 2, "quote", "quote") in found(pkg)[0]


def test_quote_no_longer_verbatim(pkg, article):
    old = set_cell(pkg, "figures", 2, "quote", "")
    set_cell(pkg, "figures", 2, "quote", old.replace("war", "conflict"))
    only(found(pkg)[0], (data("figures"), 2, "quote", "quote"))


def test_renamed_enum_value_fails_loudly(pkg):
    """Renaming a value that a rule relies on is a problem of the schema, not a silent change of rule."""
    p = pkg / "schemas" / "claims.schema.json"
    s = json.loads(p.read_text())
    f = next(f for f in s["fields"] if f["name"] == "verdict")
    f["constraints"]["enum"] = [v.replace("unverifiable", "open") for v in f["constraints"]["enum"]]
    f["categories"] = [{**c, "value": c["value"].replace("unverifiable", "open")} for c in f["categories"]]
    p.write_text(json.dumps(s))
    problems, _ = found(pkg)
    assert ("schemas/claims.schema.json", None, "verdict", "vocabulary") in problems


# ------------------------------------------------------------------ the descriptor
def edit_descriptor(pkg, change):
    p = pkg / "datapackage.json"
    dp = json.loads(p.read_text())
    change(dp)
    p.write_text(json.dumps(dp))


@pytest.mark.parametrize("path", ["../escaped.csv", "/etc/passwd", "data/../../x.csv", "https://example.org/x.csv", "file:///etc/passwd"])
def test_resource_path_outside_the_package_is_refused_unread(pkg, path):
    edit_descriptor(pkg, lambda dp: dp["resources"][0].update(path=path))
    problems, _ = found(pkg)
    assert ("datapackage.json", None, "resources[0].path", "path") in problems
    assert not any(p[0] == path for p in problems)


def test_symlink_out_of_the_package_is_refused(pkg, tmp_path):
    outside = tmp_path / "outside.csv"
    shutil.copy(pkg / "data" / "figures.csv", outside)
    (pkg / "data" / "figures.csv").unlink()
    (pkg / "data" / "figures.csv").symlink_to(outside)
    problems, _ = found(pkg)
    index = [r["name"] for r in json.loads((pkg / "datapackage.json").read_text())["resources"]].index("figures")
    assert ("datapackage.json", None, f"resources[{index}].path", "path") in problems


def test_schema_path_outside_the_package_is_refused(pkg):
    edit_descriptor(pkg, lambda dp: dp["resources"][1].update(schema="../parties.schema.json"))
    assert ("datapackage.json", None, "resources[1].schema", "path") in found(pkg)[0]


@pytest.mark.parametrize("change,column", [
    (lambda dp: dp.update(resources={"a": 1}), "resources"),
    (lambda dp: dp.update(resources=[]), "resources"),
    (lambda dp: dp["resources"].__setitem__(0, "sources"), "resources[0]"),
    (lambda dp: dp["resources"][0].update(schema=42), "resources[0].schema"),
    (lambda dp: dp["resources"][0].update(schema={"fields": [{"name": 7}]}), "resources[0].schema.fields[0]"),
    (lambda dp: dp["resources"][0].update(schema={"fields": [{"name": "a", "type": "geojson"}]}), "resources[0].schema.fields[0].type"),
    (lambda dp: dp["resources"][0].update(schema={"fields": [{"name": "a", "constraints": {"pattern": "(?=x)"}}]}), "resources[0].schema.fields[0].constraints.pattern"),
    (lambda dp: dp.update(name="../../../escaped"), "name"),
    (lambda dp: dp.update(version="1.0/../x"), "version"),
    (lambda dp: dp["resources"][1].update(schema={"fields": [{"name": "a"}], "foreignKeys": [{"fields": [], "reference": {"resource": "sources", "fields": []}}]}), "resources[1].schema.foreignKeys[0]"),
    (lambda dp: dp["resources"][1].update(schema={"fields": [{"name": "a"}], "foreignKeys": [{"fields": ["a"], "reference": {"resource": "sources", "fields": [{"x": 1}]}}]}), "resources[1].schema.foreignKeys[0]"),
    (lambda dp: dp["resources"][1].update(path="data"), "resources[1].path"),
])
def test_descriptor_of_the_wrong_shape_is_a_located_data_error(pkg, change, column):
    edit_descriptor(pkg, change)
    out = []
    load(pkg, out)
    assert any(p.file == "datapackage.json" and p.column == column and p.kind in ("descriptor", "json", "path") for p in out), out
    _, res = found(pkg)  # and the whole validator: a located problem, exit 1, never a crash
    assert res.exit_code == 1


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"version": ' + "9" * 100_000 + "}", '{"name": "x",'])
def test_unreadable_json(pkg, text):
    (pkg / "datapackage.json").write_text(text)
    problems, _ = found(pkg)
    assert {(p[0], p[3]) for p in problems} == {("datapackage.json", "json")}


def test_huge_descriptor_is_refused_unread(pkg):
    with open(pkg / "datapackage.json", "r+b") as fh:
        fh.truncate(200 * 2**20)  # 200 MB, sparse: refused by its size before a byte is read
    problems, _ = found(pkg)
    only(problems, ("datapackage.json", None, None, "json"))


def test_csv_not_listed(pkg):
    shutil.copy(pkg / "data" / "figures.csv", pkg / "data" / "figures_old.csv")
    only(found(pkg)[0], ("data/figures_old.csv", None, None, "files"))


def test_csv_not_listed_in_any_case_or_subfolder(pkg):
    (pkg / "data" / "old").mkdir()
    shutil.copy(pkg / "data" / "figures.csv", pkg / "data" / "old" / "figures.csv")
    shutil.copy(pkg / "data" / "figures.csv", pkg / "data" / "FIGURES.CSV")
    shutil.copy(pkg / "data" / "figures.csv", pkg / "data" / "old" / "Figures.Csv")
    (pkg / "data" / "notes.txt").write_text("not a table")
    only(found(pkg)[0], ("data/old/figures.csv", None, None, "files"), ("data/FIGURES.CSV", None, None, "files"),
         ("data/old/Figures.Csv", None, None, "files"))


def test_listed_file_missing(pkg):
    (pkg / "data" / "provisions.csv").unlink()
    problems, res = found(pkg)
    assert (data("provisions"), None, None, "missing") in problems


# ------------------------------------------------------------------ hostile sizes: bounded, one clear line
def test_fifty_megabyte_cell(pkg):
    rows = read(pkg, "memberships")
    rows[2][rows[0].index("note")] = "x" * 50_000_000
    write(pkg, "memberships", rows)
    problems, _ = found(pkg)
    only(problems, (data("memberships"), 3, None, "limit"))


def test_hundred_thousand_cells_in_a_row(pkg):
    rows = read(pkg, "memberships")
    rows[2] += ["x"] * 100_000
    write(pkg, "memberships", rows)
    only(found(pkg)[0], (data("memberships"), 3, None, "structure"))


def test_hundred_thousand_column_header(pkg):
    rows = read(pkg, "memberships")
    rows[0] += [f"c{i}" for i in range(100_000)]
    write(pkg, "memberships", rows)
    only(found(pkg)[0], (data("memberships"), 1, None, "limit"))


def test_hundreds_of_extra_columns_are_summed_up(pkg):
    rows = read(pkg, "memberships")
    write(pkg, "memberships", [r + [f"c{i}" if n == 0 else "" for i in range(900)] for n, r in enumerate(rows)])
    problems, _ = found(pkg)
    assert len(problems) == 11 and all(p[1] == 1 and p[3] == "header" for p in problems)


def test_ten_thousand_extra_columns_are_refused(pkg):
    rows = read(pkg, "memberships")
    write(pkg, "memberships", [r + [f"c{i}" if n == 0 else "" for i in range(10_000)] for n, r in enumerate(rows)])
    only(found(pkg)[0], (data("memberships"), 1, None, "limit"))


def test_cell_over_the_limit_is_refused_with_its_place(pkg):
    rows = read(pkg, "memberships")
    rows[2][rows[0].index("note")] = "x" * 200_000  # longer than a cell may be, shorter than a line may be
    write(pkg, "memberships", rows)
    only(found(pkg)[0], (data("memberships"), 3, "note", "limit"))


# ------------------------------------------------------------------ the report and the exit codes
def test_names_from_the_package_are_escaped_in_the_report(pkg):
    rows = read(pkg, "figures")
    rows[0].append("\x1b[31mred\nPASS  data/x.csv 0 problem(s)")
    for r in rows[1:]:
        r.append("")
    write(pkg, "figures", rows)
    _, res = found(pkg)
    out = io.StringIO()
    report(res, out)
    text = out.getvalue()
    assert "\x1b" not in text and not re.search(r"^PASS  data/x\.csv", text, re.M)
    assert "\\x1b[31mred\\nPASS" in text


def test_exit_codes_in_process(pkg, monkeypatch):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        assert main(["validate", str(REPO)]) == 0
        set_cell(pkg, "parties", 2, "kind", "starship")
        assert main(["validate", str(pkg)]) == 1
        monkeypatch.setattr("ifimes_karabakh.validate.read_table", lambda *a: 1 / 0)
        assert main(["validate", str(pkg)]) == 2
    assert "data/parties.csv:2:kind" in out.getvalue()
    assert "internal error" in err.getvalue() and "Traceback" not in err.getvalue()


def test_validation_starts_no_other_process(monkeypatch):
    """One process: there is no worker that could die or hang."""
    def refuse(*a, **k):
        raise AssertionError("validation started a process")
    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "fork", refuse)
    found(REPO)


def test_command_line_exit_code_and_no_traceback(pkg):
    """The one subprocess case: python -m ifimes_karabakh validate, as CI and users run it."""
    set_cell(pkg, "parties", 2, "kind", "starship")
    p = subprocess.run([sys.executable, "-m", "ifimes_karabakh", "validate", str(pkg)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert p.returncode == 1 and "data/parties.csv:2:kind" in p.stdout
    assert p.stderr == ""


def test_the_closing_line_does_not_claim_quote_checks_a_table_skipped(pkg):
    require_article()
    rows = read(pkg, "figures")
    rows[0][rows[0].index("quote")] = "quotation"
    write(pkg, "figures", rows)
    _, res = found(pkg)
    assert res.ran["data/figures.csv"][-1].startswith("quotes against the article text (") and "skipped" in res.ran["data/figures.csv"][-1]
    out = io.StringIO()
    report(res, out)
    assert "on data/figures.csv" in out.getvalue().splitlines()[-1]
