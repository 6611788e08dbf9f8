"""One loaded dataset, one reader, one way to read a number, one vocabulary:

- no module but csvread.py and dataset.py reads a CSV (in the source, and while every output is
  built from a loaded Dataset);
- values.py reads integers and numbers, exactly at the 64-bit bounds, and the validator and the
  SQLite build use it;
- bounded.py reads every size-limited file: a FIFO or device is refused at once, a file over the
  limit with its size;
- vocabulary.py declares every enum value the code names; the validator reports a renamed value or
  a category without its colour, and the authority ranking is the schema's order."""
import ast
import builtins
import io
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from conftest import copy_package
from ifimes_karabakh import REPO, bounded, values, vocabulary
from ifimes_karabakh.article import Article
from ifimes_karabakh.csvread import read_table
from ifimes_karabakh.dataset import Dataset, DatasetError
from ifimes_karabakh.descriptor import load, read_json
from ifimes_karabakh.tableschema import pandera_schema

PACKAGE = REPO / "ifimes_karabakh"
READERS = {"csvread.py", "dataset.py"}  # the only modules that may read a CSV
# Modules that still read CSVs themselves, each with who removes that: the test fails as soon as
# one no longer does, so that the entry goes too.
NOT_YET = {}
CSV_FUNCTIONS = {"reader", "DictReader", "read_csv"}


def csv_reads(tree) -> list:
    """(line, what) of every call in the module that reads a CSV: csv.reader, csv.DictReader,
    pandas' read_csv, or open() / Path.open() of a name ending .csv in a reading mode."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        called = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        if called in CSV_FUNCTIONS:
            found.append((node.lineno, called))
        elif called in ("open", "read_text", "read_bytes"):
            texts = [c.value for a in [*node.args, getattr(f, "value", None)] if a is not None
                     for c in ast.walk(a) if isinstance(c, ast.Constant) and isinstance(c.value, str)]
            mode = next((c for c in texts if set(c) <= set("rwabxt+") and c), "r")
            if any(".csv" in t for t in texts) and not set(mode) & set("wax"):
                found.append((node.lineno, f"{called} of a .csv"))
    return found


def test_no_module_but_the_reader_reads_a_csv():
    offenders = {}
    for path in sorted(PACKAGE.glob("*.py")):
        if path.name in READERS:
            continue
        found = csv_reads(ast.parse(path.read_text(encoding="utf-8")))
        if found and path.name not in NOT_YET:
            offenders[path.name] = found
        if path.name in NOT_YET:
            assert found, f"{path.name} reads no CSV any more: remove it from NOT_YET"
    assert offenders == {}, "read the tables through dataset.Dataset instead"


def test_the_article_id_is_typed_once():
    """"ifimes-2020" stands in article.py (ARTICLE_ID) and in no other module's code."""
    typed = {}
    for path in sorted(PACKAGE.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        hits = sum(1 for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
                   and "ifimes-2020" in n.value.replace("ifimes-2020-karabakh", ""))
        if hits:
            typed[path.name] = hits
    assert typed == {"article.py": 1, **NOT_YET_ID}


NOT_YET_ID = {}  # modules that still type the article's ID (none: site.py imports article.ARTICLE_ID)


@pytest.mark.parametrize("source, found", [
    ("import csv\nrows = list(csv.reader(fh))", [(2, "reader")]),
    ("from csv import DictReader\nrows = DictReader(fh)", [(2, "DictReader")]),
    ("import pandas as pd\ndf = pd.read_csv(p)", [(2, "read_csv")]),
    ("fh = open(root / 'data' / f'{t}.csv', encoding='utf-8')", [(1, "open of a .csv")]),
    ("text = (root / 'data' / 'x.csv').read_text()", [(1, "read_text of a .csv")]),
    ("fh = open(root / 'x.csv', 'w')", []),      # writing a CSV is no reading
    ("fh = open(root / 'x.json')", []),
], ids=["csv.reader", "DictReader", "read_csv", "open", "read_text", "open-to-write", "json"])
def test_the_scan_finds_every_way_of_reading_a_csv(source, found):
    assert csv_reads(ast.parse(source)) == found


@pytest.fixture(scope="module")
def ds():
    return Dataset.load(REPO)


def test_every_output_is_built_from_the_dataset_without_reading_a_csv(ds, tmp_path, monkeypatch):
    """With the Dataset loaded, building every output opens no CSV for reading, whichever way."""
    from ifimes_karabakh import benchmark, derive, docs, release, sqlite, trust
    from ifimes_karabakh.figures import render
    opened = []

    def watch(real, mode_at):
        def wrapper(file, *args, **kwargs):
            mode = args[mode_at] if len(args) > mode_at else kwargs.get("mode", kwargs.get("flags", "r"))
            reading = (mode & (os.O_WRONLY | os.O_RDWR)) == 0 if isinstance(mode, int) else not set(str(mode)) & set("wax")
            if str(file).endswith(".csv") and reading:
                opened.append(str(file))
            return real(file, *args, **kwargs)
        return wrapper
    monkeypatch.setattr(builtins, "open", watch(builtins.open, 0))
    monkeypatch.setattr(io, "open", watch(io.open, 0))
    monkeypatch.setattr(os, "open", watch(os.open, 0))
    docs.generated(ds)
    trust.block(ds)
    render(ds)
    assert derive.write(ds.root, check=True, ds=ds) == []
    sqlite.build(ds, tmp_path / "db.sqlite")
    benchmark.scaled_copy(ds, tmp_path, 2)
    assert release.stale_generated(ds) == []
    assert opened == []
    open(REPO / "data" / "events.csv", encoding="utf-8").close()  # the watch itself sees a read
    assert opened == [str(REPO / "data" / "events.csv")]


def test_a_package_that_cannot_be_read_cleanly_is_refused_with_located_lines(pkg):
    p = pkg / "data" / "events.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("\n", "\r\n", 2), encoding="utf-8")
    with pytest.raises(DatasetError) as e:
        Dataset.load(pkg)
    assert str(e.value) == "data/events.csv:1: CRLF line end (expected LF only; the first is reported)"


def test_the_rows_are_the_cells_as_text_with_their_lines(ds):
    claims = ds.frame("claims")
    assert claims.index[0] == 2 and list(claims.columns) == ds.resource("claims").fields
    first = ds.rows("sources")[0]
    assert first["source_id"] == "ifimes-2020" and first["footnote_number"] == "" and first == ds.article_row()


# ------------------------------------------------------------------ values: integers, numbers, 64 bits
@pytest.mark.parametrize("text, value", [
    ("9223372036854775807", 2**63 - 1), ("-9223372036854775808", -2**63), ("+0009223372036854775807", 2**63 - 1),
    ("0" * 40 + "12", 12), ("-0", 0), ("7", 7),
    ("9223372036854775808", None), ("-9223372036854775809", None), ("9999999999999999999", None),
    ("9" * 5000, None), ("1.0", None), ("1e3", None), ("", None), ("+", None), ("١٢", None), (" 7", None),
])
def test_int64_is_exact_at_every_length(text, value):
    assert values.int64(text) == value


@pytest.mark.parametrize("text, value", [
    ("6.4", 6.4), (".5", 0.5), ("5.", 5.0), ("-.5e-3", -0.0005), ("+1E2", 100.0), ("1e308", 1e308),
    ("1e309", None), ("-1e400", None), ("inf", None), ("nan", None), ("1e", None), (".", None), ("0x10", None),
    ("1,5", None), ("٣", None), ("", None),
])
def test_finite_number(text, value):
    assert values.finite_number(text) == value


@pytest.mark.parametrize("cell, message", [
    ("12a", "not an integer"), ("9223372036854775808", "integer does not fit 64 bits"), ("9" * 5000, "integer does not fit 64 bits"),
])
def test_to_integer_says_what_is_wrong(cell, message):
    with pytest.raises(ValueError) as e:
        values.to_integer(cell)
    assert e.value.args[0] == message
    assert values.to_integer("-9223372036854775808") == -2**63 and values.to_real("0.25") == 0.25


def test_the_validator_checks_integers_exactly_at_the_64_bit_bounds():
    schema = {"fields": [{"name": "n", "type": "integer"}, {"name": "x", "type": "number"}]}
    cells = ["9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
             "+0009223372036854775807", "9" * 5000, "12", ""]
    numbers = ["1e308", "1e309", "6.4", "six", ".5", "-1e400", "1", ""]
    frame = pd.DataFrame({"n": cells, "x": numbers}, dtype=object)
    from pandera.errors import SchemaErrors
    with pytest.raises(SchemaErrors) as e:
        pandera_schema(schema).validate(frame, lazy=True)
    failed = e.value.failure_cases
    assert sorted(failed.loc[failed["column"] == "n", "index"]) == [1, 3, 5]
    assert sorted(failed.loc[failed["column"] == "x", "index"]) == [1, 3, 5]


# ------------------------------------------------------------------ bounded: every size-limited read
@pytest.mark.parametrize("read", ["table", "json", "article"])
def test_a_fifo_is_refused_at_once_and_a_large_file_with_its_size(tmp_path, read):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    big = tmp_path / "big"
    with open(big, "wb") as fh:
        fh.truncate(300 * 2**20)  # sparse: larger than every limit, nothing written
    out = []
    if read == "table":
        problems = read_table(fifo, "data/x.csv", ["a"]).problems + read_table(big, "data/y.csv", ["a"]).problems
        messages = [str(p) for p in problems]
        assert messages == ["data/x.csv: data file cannot be read (not a regular file)",
                            "data/y.csv: file too large (found 314,572,800 bytes; expected at most 268,435,456)"]
    elif read == "json":
        assert read_json(fifo, "x.json", out) is None and read_json(big, "y.json", out) is None
        assert [str(p) for p in out] == ["x.json: file cannot be read (not a regular file)",
                                         "y.json: file too large (found 314,572,800 bytes; expected at most 10,485,760)"]
    else:
        assert Article.read(fifo, out, "a.txt") is None and Article.read(big, out, "b.txt") is None
        assert [str(p) for p in out] == ["a.txt: source text cannot be read (not a regular file)",
                                         "b.txt: source text too large (found 314,572,800 bytes; expected at most 1,048,576 bytes)"]


def test_read_bounded_stops_at_the_limit(tmp_path):
    p = tmp_path / "f"
    p.write_bytes(b"x" * 10)
    assert bounded.read_bounded(p, 10) == b"x" * 10
    with pytest.raises(bounded.TooLarge) as e:
        bounded.read_bounded(p, 9)
    assert e.value.found == "10 bytes"
    with pytest.raises(OSError, match="not a regular file"):
        bounded.read_bounded("/dev/zero", 10)  # a device that reports size 0 and never ends
    with pytest.raises(bounded.TooLarge) as e:  # a regular file that says it is empty and is not (or grew since)
        bounded.read_bounded("/proc/self/maps", 10)
    assert e.value.found == "more than 10 bytes"


# ------------------------------------------------------------------ vocabulary
def test_the_values_the_outputs_name_are_declared():
    for declared in [("claim_sources", "role", "contrary"), ("claims", "kind", "fact"), ("claims", "kind", "forecast"),
                     ("claims", "verdict", "unverifiable"), ("claims", "verdict", "confirmed"), ("territories", "kind", "country"),
                     ("sources", "authority", "article"), ("events", "date_basis", "as_stated")]:
        assert declared in vocabulary.DECLARED, declared
    assert vocabulary.problems(load(REPO, [])) == []


def edit_schema(pkg, table, fn):
    p = pkg / "schemas" / f"{table}.schema.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    fn(s)
    p.write_text(json.dumps(s, indent=2), encoding="utf-8")


def field(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


def test_a_renamed_value_and_a_category_without_colour_are_reported(pkg):
    def rename_contrary(s):
        f = field(s, "role")
        f["constraints"]["enum"] = ["main", "confirming", "against"]
        f["categories"][2]["value"] = "against"

    def new_verdict(s):
        f = field(s, "verdict")
        f["constraints"]["enum"].append("retracted")
        f["categories"].append({"value": "retracted", "label": "withdrawn by its source"})
    edit_schema(pkg, "claim_sources", rename_contrary)
    edit_schema(pkg, "claims", new_verdict)
    found = [str(p) for p in vocabulary.problems(load(pkg, []))]
    assert found == [
        "schemas/claim_sources.schema.json::role: the code relies on the value 'contrary', which the schema no longer lists "
        "(rename the value in ifimes_karabakh/vocabulary.py, or in rules.py where a rule declares it, too)",
        "schemas/claims.schema.json::verdict: the value 'retracted' has no colour (expected an entry in ifimes_karabakh/vocabulary.py)"]


def test_the_authority_ranking_is_the_schema_order(tmp_path):
    from ifimes_karabakh import trust
    ds = Dataset.load(REPO)
    assert trust.strength(ds) == ["official_record", "intergovernmental_record", "peace_agreement_database", "scholarly_work",
                                  "reference_work", "independent_media", "state_funded_independent_media", "state_affiliated_media",
                                  "partisan_or_advocacy", "mirror_or_copy"]
    pkg = copy_package(tmp_path / "pkg")
    edit_schema(pkg, "sources", lambda s: (field(s, "authority")["categories"].reverse(), field(s, "authority")["constraints"]["enum"].reverse()))
    swapped = Dataset.load(pkg)
    assert trust.strength(swapped)[:2] == ["mirror_or_copy", "partisan_or_advocacy"]
    header = next(line for line in trust.block(swapped).splitlines() if line.startswith("| verdict |"))
    assert header.startswith("| verdict | `mirror_or_copy` | `partisan_or_advocacy` |")


def test_a_5000_digit_integer_is_a_located_problem_not_a_crash(pkg):
    """int() refuses more than 4,300 digits: the validator must never hand it such a text."""
    from conftest import found, set_cell
    set_cell(pkg, "sources", 3, "footnote_number", "9" * 5000)
    problems, _ = found(pkg)
    assert ("data/sources.csv", 3, "footnote_number", "type") in problems
