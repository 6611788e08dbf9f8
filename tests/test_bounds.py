"""Every input is bounded: problems are capped per file and kind and the rest counted exactly, a
table with too many damaged rows stops being kept, each kept text is read and folded once, and
integers of any length are compared with int64 as text.

The big inputs are built once per module, scaled down from the hostile cases of
`./dp benchmark --hostile` (which measures time and memory on the full sizes): what is asserted
here holds at any size (what is kept is bounded, what is counted is exact)."""
import io
import json
import re

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from ifimes_karabakh import article, dataset
from ifimes_karabakh.csvread import MAX_DAMAGED, read_table
from ifimes_karabakh.descriptor import Package
from ifimes_karabakh.report import MAX_PER_KIND, Problem, Problems
from ifimes_karabakh.tableschema import TYPES
from ifimes_karabakh.values import int64
from ifimes_karabakh.validate import failures, report, validate
from test_descriptor import tiny

NOTE_SCHEMA = {"fields": [{"name": "id", "constraints": {"required": True}}, {"name": "note"}], "primaryKey": "id"}


def screen(res):
    out = io.StringIO()
    report(res, out)
    return out.getvalue()


def more_line(text, file, kind):
    """N of the report's line 'file: and N more of this kind (kind) …', or None."""
    m = re.search(rf"^{re.escape(file)}: and ([\d,]+) more of this kind \({re.escape(kind)}\)", text, re.M)
    return int(m.group(1).replace(",", "")) if m else None


def kinds(res):
    return {(p.file, p.kind) for p in res.problems}


# ------------------------------------------------------------------ Problems: the cap itself
def test_problems_keeps_the_first_of_each_file_and_kind_and_counts_the_rest():
    out = Problems()
    for i in range(MAX_PER_KIND + 5):
        out.append(Problem("f", i + 2, None, "a", "m"))
    for i in range(3):
        out.append(Problem("f", i + 2, None, "b", "m"))
        out.append(Problem("g", i + 2, None, "a", "m"))
    assert len(out) == MAX_PER_KIND + 6 and [p.row for p in out if p.file == "f" and p.kind == "a"] == list(range(2, MAX_PER_KIND + 2))
    assert out.more == {("f", "a"): 5} and out.total == MAX_PER_KIND + 11
    assert out.in_file("f") == MAX_PER_KIND + 8 and out.in_file("g") == 3
    assert out.full("f", "a") and not out.full("f", "b")
    other = Problems()
    other.append(Problem("g", 9, None, "a", "m"))
    other.count("g", "a", 7)
    out += other
    assert out.more == {("f", "a"): 5, ("g", "a"): 7} and out.total == MAX_PER_KIND + 19
    plain = []
    plain += out  # a plain list takes the kept ones
    assert len(plain) == len(out)


@pytest.mark.parametrize("n", [MAX_PER_KIND, MAX_PER_KIND + 1])
def test_report_lists_the_cap_and_counts_the_rest_exactly(tmp_path, n):
    rows = "id,note\n" + "".join(f"r{i},=x\n" for i in range(n))
    res = validate(tiny(tmp_path, schema=NOTE_SCHEMA, rows=rows))
    text = screen(res)
    assert len(res.problems) == MAX_PER_KIND and res.problems.total == n and res.exit_code == 1
    assert more_line(text, "data/t.csv", "formula") == (None if n == MAX_PER_KIND else 1)
    assert f"\n{n} problem(s) found" in text and f"data/t.csv: {n} problem(s)" in text


# ------------------------------------------------------------------ big inputs, built once
NUL_LINES, BLANK_LINES, FORMULA_ROWS, FAILING_ROWS = 50_000, 100_000, 30_000, 30_000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """name -> a one-table package holding one hostile input (scaled down)."""
    root = tmp_path_factory.mktemp("big")
    pkgs = {}
    pkgs["nul"] = tiny(root / "nul", schema=NOTE_SCHEMA, rows="id,note\na,x\n" + "\x00\n" * NUL_LINES)
    pkgs["blank"] = tiny(root / "blank", schema=NOTE_SCHEMA, rows="id,note\na,x\n" + "\n" * BLANK_LINES)
    pkgs["formula"] = tiny(root / "formula", schema=NOTE_SCHEMA, rows="id,note\n" + "".join(f"r{i},=x{i}\n" for i in range(FORMULA_ROWS)))
    # every row fails a field check (pattern) and a frame check (the primary key: one id, repeated)
    failing = {"fields": [{"name": "id"}, {"name": "note", "constraints": {"pattern": "[a-z]+"}}], "primaryKey": "id"}
    pkgs["failing"] = tiny(root / "failing", schema=failing, rows="id,note\n" + "same,1\n" * FAILING_ROWS)
    return pkgs


def test_nul_lines_are_counted_not_kept(big):
    """4 MB of NUL lines took 6.2 GB: every line a damaged row, kept, and reported on by every check."""
    res = validate(big["nul"])
    assert res.problems.total == 2 * NUL_LINES + 1  # too few cells and a NUL on each line, and the limit once
    assert res.problems.more == {("data/t.csv", "structure"): NUL_LINES - MAX_PER_KIND, ("data/t.csv", "control"): NUL_LINES - MAX_PER_KIND}
    assert kinds(res) == {("data/t.csv", "structure"), ("data/t.csv", "control"), ("data/t.csv", "limit")}
    assert res.rows == {"data/t.csv": None}
    assert any(n.startswith(f"NOT CHECKED: data/t.csv has more than {MAX_DAMAGED:,} damaged rows") for n in res.notes)
    text = screen(res)
    assert more_line(text, "data/t.csv", "structure") == NUL_LINES - MAX_PER_KIND and len(text) < 60_000


def test_damaged_rows_are_kept_only_up_to_the_limit(big):
    t = read_table(big["nul"] / "data" / "t.csv", "data/t.csv", ["id", "note"])
    assert len(t.damaged) == MAX_DAMAGED + 1 and t.frame is None and not t.complete
    assert len(t.problems) <= 3 * MAX_PER_KIND


@pytest.mark.parametrize("n,complete", [(MAX_DAMAGED, True), (MAX_DAMAGED + 1, False)])
def test_damaged_row_limit_boundary(tmp_path, n, complete):
    rows = "id,note\n" + "".join(f"r{i},x,surplus\n" for i in range(n)) + "last,x\n"
    res = validate(tiny(tmp_path, schema=NOTE_SCHEMA, rows=rows))
    assert res.problems.total == n + (0 if complete else 1)
    assert res.rows == {"data/t.csv": n + 1 if complete else None}
    assert (("data/t.csv", "limit") in kinds(res)) is not complete


def test_blank_lines_are_counted_not_kept(big):
    """5 MB of blank lines took 1.5 GB, 85 s and 314 MB of report."""
    res = validate(big["blank"])
    assert res.problems.total == BLANK_LINES and len(res.problems) == MAX_PER_KIND
    assert res.rows == {"data/t.csv": 1}
    text = screen(res)
    assert more_line(text, "data/t.csv", "structure") == BLANK_LINES - MAX_PER_KIND
    assert len(text) < 30_000 and text.rstrip().splitlines()[-1].startswith(f"{BLANK_LINES} problem(s) found (clean CSV + Table Schema")


def test_formula_cells_are_counted_not_kept(big):
    """12 MB of formula-like cells took 3.6 GB."""
    res = validate(big["formula"])
    assert res.problems.total == FORMULA_ROWS and res.problems.more == {("data/t.csv", "formula"): FORMULA_ROWS - MAX_PER_KIND}
    assert res.rows == {"data/t.csv": FORMULA_ROWS}


def test_schema_failures_on_every_row_are_counted_not_collected(big):
    """Pandera's lazy report holds a row per column of every failing row; the checks are run one
    by one and their failures counted: exact, and only the first kept."""
    res = validate(big["failing"])
    assert res.problems.more == {("data/t.csv", "pattern"): FAILING_ROWS - MAX_PER_KIND, ("data/t.csv", "primary-key"): FAILING_ROWS - 1 - MAX_PER_KIND}
    assert [p.row for p in res.problems if p.kind == "primary-key"] == list(range(3, 3 + MAX_PER_KIND))
    assert res.problems.total == 2 * FAILING_ROWS - 1


def test_failures_leave_out_damaged_rows_and_count_exactly():
    frame = pd.DataFrame({"v": ["a", "1", "2", "b", "3"]}, index=pd.Index([2, 3, 4, 5, 6], name="line"))
    schema = pa.DataFrameSchema({"v": pa.Column(None, checks=[pa.Check(lambda s: s.str.isalpha(), name="alpha", error="e")])})
    found = list(failures(schema, frame, {4: "2"}, lambda check, col: col))
    assert [(c.name, col, list(lines)) for c, col, lines in found] == [("alpha", "v", [3, 6])]


@pytest.mark.parametrize("result", [lambda s: s.iloc[:-1] != "", lambda s: (_ for _ in ()).throw(ValueError("boom"))])
def test_a_check_that_breaks_is_a_fault_of_the_validator(result):
    frame = pd.DataFrame({"v": ["a", "b"]}, index=[2, 3])
    schema = pa.DataFrameSchema({"v": pa.Column(None, checks=[pa.Check(result, name="broken")])})
    with pytest.raises(RuntimeError, match="check broken on v"):
        list(failures(schema, frame, {}, lambda check, col: col))


def test_references_to_damaged_rows_are_noted_only_up_to_the_cap(tmp_path):
    """A reference that may point to a damaged row is not reported but noted; past the cap, counted.
    The damaged row keeps its first cell, k0, as its key: k1 to k106 may be keys it hid."""
    n = MAX_PER_KIND + 7
    tiny(tmp_path, schema={"fields": [{"name": "id"}], "primaryKey": "id"}, rows="id\nok\n" + ",".join(f"k{i}" for i in range(n)) + "\n")
    (tmp_path / "data" / "c.csv").write_text("cid,ref\n" + "".join(f"c{i},k{i}\n" for i in range(n)), encoding="utf-8")
    dp = json.loads((tmp_path / "datapackage.json").read_text())
    dp["resources"].append({"name": "c", "path": "data/c.csv", "schema": {"fields": [{"name": "cid"}, {"name": "ref"}], "primaryKey": "cid",
                                                                        "foreignKeys": [{"fields": "ref", "reference": {"resource": "t", "fields": "id"}}]}})
    (tmp_path / "datapackage.json").write_text(json.dumps(dp))
    res = validate(tmp_path)
    assert kinds(res) == {("data/t.csv", "structure")}
    noted = [x for x in res.notes if x.startswith("NOT REPORTED: data/c.csv:")]
    assert len(noted) == MAX_PER_KIND + 1 and noted[-1] == "NOT REPORTED: data/c.csv: and 6 more references that may point to a damaged row"


# ------------------------------------------------------------------ kept texts: each read and folded once
def sources_frame(n, spell):
    return pd.DataFrame({"source_id": [f"s{i}" for i in range(n)], "text_file": [spell(i) for i in range(n)]},
                        index=pd.RangeIndex(2, 2 + n))


def test_a_kept_text_is_read_and_folded_once_however_its_path_is_spelt(tmp_path, monkeypatch):
    """1,500 rows naming one text of 1 MB took 16.4 GB: the text was read and folded per row."""
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "big.txt").write_text(("The Aghdam district is returned. " * 30 + "\n") * 1000, encoding="utf-8")
    reads, folds = [], []
    real_read, real_fold = article.Article.read.__func__, article.fold
    monkeypatch.setattr(article.Article, "read", classmethod(lambda cls, *a, **k: reads.append(a[0]) or real_read(cls, *a, **k)))
    monkeypatch.setattr(article, "fold", lambda s: folds.append(len(s)) or real_fold(s))
    spellings = [lambda i: "texts/big.txt", lambda i: "./" * i + "texts/big.txt", lambda i: "texts/" + "./" * i + "big.txt"]
    out = []
    texts = dataset.kept_texts(Package(tmp_path, {}), sources_frame(1500, lambda i: spellings[i % 3](i)), out)
    assert out == [] and len(texts) == 1500 and len({id(t) for t in texts.values()}) == 1 and len(reads) == 1
    folds.clear()
    assert all(t.in_whole("The Aghdam district is returned.") for t in texts.values())
    assert len([n for n in folds if n > 100_000]) == 1  # the whole text folded once, for every row


@pytest.mark.parametrize("limit,refused", [(4000, False), (3999, True)])
def test_kept_texts_together_are_bounded(tmp_path, monkeypatch, limit, refused):
    (tmp_path / "texts").mkdir()
    for name in ("a", "b"):
        (tmp_path / "texts" / f"{name}.txt").write_text("x" * 2000, encoding="utf-8")
    monkeypatch.setattr(dataset, "MAX_KEPT_BYTES", limit)
    out = []
    texts = dataset.kept_texts(Package(tmp_path, {}), sources_frame(3, lambda i: ["texts/a.txt", "texts/b.txt", "texts/b.txt"][i]), out)
    assert sorted(texts) == (["s0"] if refused else ["s0", "s1", "s2"])
    assert [(p.file, p.row, p.column, p.kind) for p in out] == ([("data/sources.csv", 3, "text_file", "limit"), ("data/sources.csv", 4, "text_file", "limit")] if refused else [])


# ------------------------------------------------------------------ integers: the exact int64 check at its boundaries
INTEGERS = [
    ("999999999999999999", True), ("-999999999999999999", True),          # 18 digits: always fit
    ("1000000000000000000", True), ("9223372036854775807", True),          # 19 digits: 2**63 - 1 fits
    ("9223372036854775808", False), ("9999999999999999999", False),        # 19 digits: 2**63 and above do not
    ("-9223372036854775808", True), ("-9223372036854775809", False),       # -2**63 fits, one below does not
    ("10000000000000000000", False), ("+9223372036854775807", True),       # 20 characters
    ("00000000000000000000001", True), ("-00000000000000000009223372036854775808", True),  # leading zeros
    ("9" * 5000, False), ("-" + "9" * 5000, False), ("0" * 5000, True),   # past Python's int-string limit
    ("12a", False), ("", True),
]


@pytest.mark.parametrize("value,ok", INTEGERS)
def test_integer_type_at_the_64_bit_edges(value, ok):
    check = TYPES["integer"][0]
    assert bool(check(pd.Series([value, "1"]))[0]) is ok
    if value and value.lstrip("+-").isdigit():
        assert (int64(value) is not None) is ok


def test_integers_by_the_sides_of_the_limit_agree_with_python():
    """values.int64 against int() on every length and edge Python can still convert."""
    values = [str(v) for e in (2**63, -2**63) for v in (e - 1, e, e + 1)]
    values += ["9" * k for k in range(1, 25)] + ["-" + "9" * k for k in range(1, 25)]
    assert [int64(v) is not None for v in values] == [-2**63 <= int(v) <= 2**63 - 1 for v in values]


def test_five_thousand_digit_integer_cell_is_a_located_type_problem(tmp_path):
    schema = {"fields": [{"name": "id"}, {"name": "n", "type": "integer", "constraints": {"minimum": 0}}], "primaryKey": "id"}
    res = validate(tiny(tmp_path, schema=schema, rows="id,n\na,1\nb," + "9" * 5000 + "\n"))
    assert [(p.row, p.column, p.kind) for p in res.problems] == [(3, "n", "type")]


# ------------------------------------------------------------------ what bounds a table whatever its bytes
def test_lines_are_bounded(tmp_path, monkeypatch):
    from ifimes_karabakh import csvread
    monkeypatch.setattr(csvread, "MAX_LINES", 5)
    tiny(tmp_path, schema=NOTE_SCHEMA, rows="id,note\na,x\nb,x\nc,x\nd,x\n")  # 5 lines: read
    assert validate(tmp_path).exit_code == 0
    tiny(tmp_path, schema=NOTE_SCHEMA, rows="id,note\na,x\nb,x\nc,x\nd,x\n\n")  # a sixth, blank
    res = validate(tmp_path)
    assert [(p.row, p.kind) for p in res.problems] == [(6, "limit")] and res.rows == {"data/t.csv": None}


def test_cells_are_bounded(tmp_path, monkeypatch):
    from ifimes_karabakh import csvread
    monkeypatch.setattr(csvread, "MAX_CELLS", 8)
    assert validate(tiny(tmp_path, schema=NOTE_SCHEMA, rows="id,note\na,x\nb,x\nc,x\nd,x\n")).exit_code == 0  # 4 rows × 2
    res = validate(tiny(tmp_path, schema=NOTE_SCHEMA, rows="id,note\na,x\nb,x\nc,x\nd,x\ne,x\n"))
    assert [(p.row, p.kind) for p in res.problems] == [(6, "limit")]


@pytest.mark.parametrize("rows,ok", [(65_535, True), (65_536, False)])
def test_distinct_values_are_bounded(tmp_path, monkeypatch, rows, ok):
    """Counted every 65,536 rows: a table of all-distinct values stops before its memory grows past the limit."""
    from ifimes_karabakh import csvread
    monkeypatch.setattr(csvread, "MAX_DISTINCT", 100_000)
    t = tiny(tmp_path, schema=NOTE_SCHEMA, rows="id,note\n" + "".join(f"r{i},n{i}\n" for i in range(rows)))
    table = read_table(t / "data" / "t.csv", "data/t.csv", ["id", "note"])
    assert table.complete is ok and [(p.row, p.kind) for p in table.problems] == ([] if ok else [(65_537, "limit")])
