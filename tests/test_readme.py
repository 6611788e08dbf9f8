"""The README, run as a researcher would run it: every code block against the real package.

- Python blocks: executed in-process, in order, in one namespace, in the repository root (as a
  reader pastes them into one session); the value of a block's last expression is kept.
- SQL blocks: in SQLite, on the database sqlite.py builds (once per module, into a tmp dir), and
  in DuckDB, on the connection the README's DuckDB snippet opens over the CSVs: the same rows.
- The R block: with Rscript (Debian's r-base-core, r-cran-readr, r-cran-jsonlite; .ci/run installs
  them). A missing Rscript fails with one line: it never skips.
- Shell blocks: every command is known; the safe ones run (`./dp validate`, `frictionless
  validate`); `./dp test` is this suite.
- The BibTeX block: parsed, and its fields are what datapackage.json says.
- A block that cannot run says "untested" in the sentence before it; the test names each one.

Expected values are written literally from the data, or counted from the CSVs with the csv module,
never taken from the code under test. Then: the README's length, and the escaping of every value
that ./dp docs writes into Markdown (mdtext, docs.py)."""
import ast
import contextlib
import csv
import datetime
import html.parser
import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import copy_package
from ifimes_karabakh import REPO
from ifimes_karabakh.dataset import Dataset
from ifimes_karabakh.docs import DocsError, generated, write
from ifimes_karabakh.mdtext import code, prose, text
from ifimes_karabakh.sqlite import build

README = REPO / "README.md"
MAX_PROSE_WORDS = 2500
LANGUAGES = {"sh", "python", "sql", "r", "bibtex"}  # a block in any other language fails: give it a runner
RSCRIPT = shutil.which("Rscript") or "/usr/bin/Rscript"


# ------------------------------------------------------------------ the README's blocks
@dataclass
class Block:
    lang: str
    code: str
    line: int       # the README line of the opening fence
    before: str     # the paragraph just before the block

    @property
    def untested(self):
        return "untested" in self.before.lower()

    def __str__(self):
        return f"README.md:{self.line} ({self.lang}: {self.code.splitlines()[0][:50]})"


def blocks(readme_text=None):
    tokens = MarkdownIt("commonmark").parse(readme_text if readme_text is not None else README.read_text(encoding="utf-8"))
    out, before = [], ""
    for t in tokens:
        if t.type == "inline":
            before = t.content
        elif t.type == "fence":
            out.append(Block((t.info.split() or [""])[0], t.content, t.map[0] + 1, before))
    return out


def of(lang):
    return [b for b in blocks() if b.lang == lang and not b.untested]


def block_with(snippet, lang="python"):
    found = [b for b in blocks() if b.lang == lang and snippet in b.code]
    assert len(found) == 1, f"expected one {lang} block of the README holding {snippet!r}, found {len(found)}"
    return found[0]


def csv_dicts(name):
    with open(REPO / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def csv_counts():
    dp = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: len(csv_dicts(r["name"])) for r in dp["resources"] if r.get("type") == "table"}


def test_every_block_is_run_or_marked_untested():
    found = blocks()
    assert found, "the README has no code blocks"
    for b in found:
        assert b.lang in LANGUAGES, f"{b}: no test runs blocks in {b.lang!r}; add a runner or mark it untested"
    assert [b.code.splitlines()[0] for b in found if b.untested] == ["library(frictionless)"], \
        "the only block the tests cannot run is the R frictionless one (CRAN is not reachable)"
    assert {b.lang for b in found if not b.untested} == LANGUAGES


# ------------------------------------------------------------------ Python, in-process
def run_python(block, ns):
    """exec the block in ns; the value of its last line when that is an expression."""
    tree = ast.parse(block.code, filename=f"README.md:{block.line}")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, f"README.md:{block.line}", "exec"), ns)
    return eval(compile(ast.Expression(last.value), f"README.md:{block.line}", "eval"), ns) if last else None


@pytest.fixture(scope="module")
def session():
    """(namespace, {block line: value}) after every Python block ran, in the repository root."""
    ns, values = {"__name__": "readme"}, {}
    with contextlib.chdir(REPO):
        for b in of("python"):
            values[b.line] = run_python(b, ns)
    return ns, values


def value_of(session, snippet):
    return session[1][block_with(snippet).line]


def test_one_table_loads_as_text_with_empty_cells_missing(session):
    ns, _ = session
    claims, rows = ns["claims"], csv_dicts("claims")
    assert list(claims.columns) == list(rows[0]) and len(claims) == len(rows)
    unga = claims.set_index("claim_id").loc["unga-number"]
    assert unga["kind"] == "fact" and unga["verdict"] == "corrected"
    forecast = claims[claims["kind"] == "forecast"].iloc[0]
    assert isinstance(forecast["outcome"], str) and forecast["verdict"] != forecast["verdict"]  # empty: NaN


def test_read_table_gives_the_declared_types_and_the_2020_events(session):
    ns, _ = session
    with contextlib.chdir(REPO):
        territories, parties = ns["read_table"]("territories"), ns["read_table"]("parties")
    assert str(territories["geonames_id"].dtype) == "Int64" and territories["latitude"].dtype == "float64"
    assert str(parties.set_index("party_id").loc["armenia", "cow_code"]) == "371"
    events_2020 = value_of(session, "def read_table")
    assert str(events_2020["date_start"].dtype).startswith("datetime64")
    expected = [r["event_id"] for r in csv_dicts("events") if r["date_start"].startswith("2020")]
    assert events_2020["event_id"].tolist() == expected
    assert {"war-outbreak-2020", "shusha-taken"} <= set(expected)


@pytest.fixture(scope="module")
def frictionless_frame():
    """The README's frictionless route, for any table (the descriptor read once)."""
    from frictionless import Package
    with contextlib.chdir(REPO):
        package = Package("datapackage.json")

    def frame(name):
        with contextlib.chdir(REPO):
            return package.get_resource(name).to_pandas().reset_index()
    return frame


def test_the_pandas_and_frictionless_routes_give_the_same_frame_for_every_table(session, frictionless_frame):
    import pandas as pd
    ns, _ = session
    for name in csv_counts():
        with contextlib.chdir(REPO):
            ours = ns["read_table"](name)
        theirs = frictionless_frame(name)
        assert list(theirs.columns) == list(ours.columns), name
        # as the README says, the width of a type may differ (int64/Int64, dates in s or us; a column
        # with no value is `object` of None in frictionless): compare the values, missing as missing
        ours, theirs = (f.astype(object).where(f.notna(), None) for f in (ours, theirs))
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False, obj=name)


def test_the_actor_count_is_82_whichever_route_read_the_parties(session, frictionless_frame):
    """83 parties, of which armed-forces-of-armenia is armenian-military (canonical_party_id)."""
    import pandas as pd
    ns, values = session
    count = block_with('parties["canonical_party_id"].fillna')
    assert values[count.line] == 82  # on the frame the frictionless block left
    with contextlib.chdir(REPO):
        routes = {"read_table": ns["read_table"]("parties"), "frictionless": frictionless_frame("parties"),
                  "text": pd.read_csv("data/parties.csv", dtype=str, keep_default_na=False, na_values=[""])}
    for route, frame in routes.items():
        assert run_python(count, {**ns, "parties": frame}) == 82, route
    assert len(routes["text"]) == 83


def test_list_cells_split_into_lists_and_an_empty_cell_into_none(session):
    ns, _ = session
    names = ns["agreements"].set_index("agreement_id")["other_names"]
    assert names["collective-security-treaty-1992"] == []
    assert names["bishkek-protocol-1994"] == ["The Protocol"]
    assert names["trilateral-statement-2020"] == ["Russia-brokered peace agreement", "The Moscow peace agreement",
                                                  "the Agreement", "the cease fire agreement", "the last ceasefire"]
    urls = ns["sources"].set_index("source_id")["footnote_url_list"]
    assert urls["ifimes-2020-fn5"] == ["https://www.railway.am/"]
    assert urls["ifimes-2020"] == []
    assert ns["as_list"]("") == [] and ns["as_list"](float("nan")) == []


def test_the_join_helper_treats_every_key_type_alike(session):
    import pandas as pd
    ns, values = session
    join, parties, agreements = ns["join"], ns["parties"], ns["agreements"]
    assert values[block_with("def join(").line]["agreement_id"].tolist() == ["trilateral-statement-2020"]
    for ccode in (["371", "373"], [371, 373], [371.0, 373.0], pd.array([371, 373], dtype="Int64")):
        cow = pd.DataFrame({"ccode": ccode, "your_value": [1.5, 2.5]})
        got = join(parties, "cow_code", cow, "ccode", how="inner")
        assert got["party_id"].tolist() == ["azerbaijan", "armenia"], ccode  # in our order
        assert got["your_value"].tolist() == [2.5, 1.5]
    with contextlib.chdir(REPO):
        typed = ns["read_table"]("parties")
    assert join(typed, "gw_code", pd.DataFrame({"gw": ["365"]}), "gw", how="inner")["party_id"].tolist() == ["russia"]
    for agt in (["2324", "310"], [2324, 310]):
        got = join(agreements, "pax_id", pd.DataFrame({"AgtId": agt}), "AgtId", how="inner")
        assert got["agreement_id"].tolist() == ["trilateral-statement-2020", "bishkek-protocol-1994"], agt
    left = join(agreements, "pax_id", pd.DataFrame({"AgtId": ["2324"]}), "AgtId")
    assert len(left) == len(agreements)  # how="left" keeps every agreement


# ------------------------------------------------------------------ DuckDB and SQLite
@pytest.fixture(scope="module")
def sqlite_db(tmp_path_factory):
    path = build(Dataset.load(REPO), tmp_path_factory.mktemp("sqlite") / "readme.sqlite")
    con = sqlite3.connect(path)
    yield con
    con.close()


def plain(value):
    """A DuckDB value as SQLite holds it: a DATE as its ISO text (SQLite keeps dates as TEXT)."""
    return value.isoformat() if isinstance(value, datetime.date) else value


def test_the_duckdb_snippet_counts_the_verdicts(session):
    got = value_of(session, "import duckdb").fetchall()
    expected = Counter(r["verdict"] for r in csv_dicts("claims") if r["kind"] == "fact")
    assert got == sorted(expected.items())
    assert dict(got)["confirmed"] > 0 and "" not in dict(got)


def test_duckdb_reads_every_table_as_the_sqlite_database_holds_it(session, sqlite_db):
    con = session[0]["con"]
    for name, n in csv_counts().items():
        duck = [tuple(plain(v) for v in r) for r in con.sql(f'SELECT * FROM "{name}"').fetchall()]
        lite = sqlite_db.execute(f'SELECT * FROM "{name}" ORDER BY rowid').fetchall()
        assert len(duck) == len(lite) == n, name
        assert duck == lite, name
    types = dict(con.sql("DESCRIBE territories").fetchall()[i][:2] for i in range(len(con.sql("DESCRIBE territories").fetchall())))
    assert (types["geonames_id"], types["latitude"]) == ("BIGINT", "DOUBLE")
    assert dict(r[:2] for r in con.sql("DESCRIBE events").fetchall())["date_start"] == "DATE"


@pytest.mark.parametrize("index", range(len(of("sql"))))
def test_each_sql_block_gives_the_same_rows_in_sqlite_and_duckdb(session, sqlite_db, index):
    block = of("sql")[index]
    lite = sqlite_db.execute(block.code).fetchall()
    duck = [tuple(plain(v) for v in r) for r in session[0]["con"].execute(block.code).fetchall()]
    assert lite, f"{block}: no rows"
    assert duck == lite, block


def test_the_verdict_sources_query_joins_each_source_to_its_own_authority(sqlite_db):
    rows = sqlite_db.execute(block_with("JOIN claim_sources", "sql").code).fetchall()
    assert [r for r in rows if r[0] == "unga-number"] == [
        ("unga-number", "corrected", "confirming", "wikipedia-unga-62-243", "reference_work"),
        ("unga-number", "corrected", "main", "un-press-ga10693", "official_record")]
    facts = {r["claim_id"] for r in csv_dicts("claims") if r["kind"] == "fact"}
    assert len(rows) == sum(1 for r in csv_dicts("claim_sources") if r["claim_id"] in facts)
    assert Counter(r[4] for r in rows)["article"] < len(rows) / 4  # USING (source_id) gave 'article' on every row


def test_the_control_query_names_who_held_each_district_on_1_november_2020(sqlite_db):
    rows = sqlite_db.execute(block_with("1 November 2020", "sql").code).fetchall()
    assert {t: who for t, who, _ in rows} == {
        "agdam": "armenian-forces", "kalbajar": "armenian-forces", "lachin": "armenian-forces", "fuzuli": "azerbaijan",
        "jabrayil": "azerbaijan", "qubadli": "azerbaijan", "zangilan": "azerbaijan"}
    assert ("fuzuli", "azerbaijan", "2020-10-17") in rows


# ------------------------------------------------------------------ R, with Rscript
R_FACTS = """
cat("\\nREADME-FACTS ", toJSON(list(
  rows = lapply(tables, nrow),
  problems = lapply(tables, function(t) nrow(problems(t))),
  latitude = class(tables$territories$latitude),
  geonames_id = class(tables$territories$geonames_id),
  cow_code = class(tables$parties$cow_code),
  date_start = class(tables$events$date_start),
  armenia = tables$parties$cow_code[tables$parties$party_id == "armenia"],
  pashinyan_cow_code_is_na = is.na(tables$parties$cow_code[tables$parties$party_id == "nikol-pashinyan"]),
  outbreak = format(tables$events$date_start[tables$events$event_id == "war-outbreak-2020"])
), auto_unbox = TRUE), "\\n", sep = "")
"""


def test_the_r_snippet_reads_every_table_with_the_schema_types(tmp_path):
    if not Path(RSCRIPT).is_file():
        pytest.fail(f"Rscript not found (looked on PATH and at {RSCRIPT}): apt-get install r-base-core r-cran-readr "
                    "r-cran-jsonlite (.ci/run does) to run the README's R snippet", pytrace=False)
    (block,) = of("r")
    script = tmp_path / "readme.R"
    script.write_text(block.code + R_FACTS, encoding="utf-8")
    p = subprocess.run([RSCRIPT, "--vanilla", str(script)], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, f"{block}: Rscript failed: {p.stderr.strip().splitlines()[-3:]}"
    facts = json.loads(p.stdout.rsplit("README-FACTS ", 1)[1])
    assert facts["rows"] == csv_counts()
    assert (facts["rows"]["resolutions"], facts["rows"]["statement_points"]) == (5, 14)
    assert set(facts["problems"].values()) == {0}
    assert (facts["latitude"], facts["geonames_id"], facts["cow_code"], facts["date_start"]) == ("numeric", "integer", "integer", "Date")
    assert facts["armenia"] == 371 and facts["pashinyan_cow_code_is_na"] is True
    assert facts["outbreak"] == "2020-09-27"


# ------------------------------------------------------------------ shell
def dp_validate():
    p = subprocess.run([str(REPO / "dp"), "validate"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and "\n0 problem(s) found" in "\n" + p.stdout, p.stdout[-2000:] + p.stderr[-2000:]


def frictionless_validate():
    exe = Path(sys.executable).parent / "frictionless"
    p = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0 and "INVALID" not in p.stdout, p.stdout[-2000:] + p.stderr[-2000:]


def dp_test():
    """This suite: running it here would run it again. What is checked is that `./dp test` is the
    command that runs pytest (and .ci/run runs it: test_docs.py)."""
    assert re.search(r"^\s*exec \.venv/bin/python -m pytest", (REPO / "dp").read_text(encoding="utf-8"), re.M)


SHELL = {"./dp validate": dp_validate, "./dp test": dp_test, "frictionless validate datapackage.json": frictionless_validate}


def test_every_shell_command_is_known_and_the_safe_ones_run():
    ran = []
    for b in of("sh"):
        for k, line in enumerate(b.code.splitlines(), start=b.line + 1):
            command = line.split(" #")[0].strip()
            if not command or command.startswith("#"):
                continue
            assert command in SHELL, f"README.md:{k}: shell command {command!r} is not known to the tests: run it in SHELL or mark the block untested"
            SHELL[command]()
            ran.append(command)
    assert ran == ["./dp validate", "./dp test", "frictionless validate datapackage.json"]


# ------------------------------------------------------------------ BibTeX
def test_the_bibtex_entry_parses_and_says_what_datapackage_says():
    (block,) = of("bibtex")
    entry = block.code.strip()
    depth = 0
    for ch in entry:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0, entry
    assert depth == 0
    m = re.fullmatch(r"@misc\{([A-Za-z0-9_]+),\n(.*)\n\}", entry, re.S)
    assert m, entry
    fields = dict(re.fullmatch(r"\s*(\w+)\s*=\s*\{(.*)\},?", line).groups() for line in m.group(2).split("\n"))
    dp = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert fields["version"] == dp["version"] and fields["year"] == dp["created"][:4]
    assert fields["title"] == "{" + dp["title"] + "}" and fields["author"] == "{ifimes-karabakh dataset maintainers}"
    assert m.group(1) == "ifimes_2020_karabakh_" + dp["version"].replace(".", "_")


# ------------------------------------------------------------------ the README's shape
def prose_words(readme_text: str) -> int:
    """Words outside fenced code blocks, tables and block markers: tokens with a letter or digit."""
    s = re.sub(r"^```.*?^```[ \t]*$", "", readme_text, flags=re.S | re.M)
    lines = [ln for ln in s.split("\n") if not ln.lstrip().startswith("|") and not re.fullmatch(r"\s*<!--.*-->\s*", ln)]
    return sum(1 for w in " ".join(lines).split() if re.search(r"\w", w))


def test_prose_words_counts_what_it_says():
    assert prose_words("one two\n\n```python\nx = 1 + 2\n```\n| a | b |\n<!-- x:start -->\nthree — 4.") == 4


def test_the_readme_keeps_to_2500_words_of_prose():
    assert prose_words(README.read_text(encoding="utf-8")) <= MAX_PROSE_WORDS


def test_the_first_screen_says_what_where_and_how_to_load_one_table():
    readme = README.read_text(encoding="utf-8")
    first = readme[:readme.index("\n## ")]
    assert first.count("\n") < 45, "the opening runs past a screen"
    assert blocks(first)[0].lang == "sh" and "./dp validate" in blocks(first)[0].code and "./dp test" in blocks(first)[0].code
    at = [first.index(s) for s in ("./dp validate", "**What it is.**", "**Where to get it.**", "**Load one table**", "pd.read_csv(")]
    assert at == sorted(at)


def test_the_test_time_is_stated_alike_in_readme_and_contributing():
    """Measured for 0.7.0 on the idle 2-core machine: 82.6 s in pytest, about 85 s for ./dp test warm;
    both files give the same figure."""
    first = blocks()[0].code
    assert "about 85 s warm" in next(ln for ln in first.splitlines() if ln.startswith("./dp test"))
    assert "runs the suite in about 85 s" in (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "about a minute" not in README.read_text(encoding="utf-8") + (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")


# ------------------------------------------------------------------ values escaped for Markdown and HTML
PAYLOADS = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "[click](javascript:alert(1))",
            "](javascript:alert(2))", "![x](x.png)", "*em* _em_ **strong** __strong__", "~~struck~~",
            "`code` ``more``", "<!-- tables:end -->", "<http://example.org/auto>", "&lt;script&gt; &amp; &#60;b&#62;",
            "| pipe | cell |", "back\\slash\\", "a\\|b", "# heading", "- item", "1. item", "===", "---",
            "<div onclick=alert(3)>x</div>", "line\nbreak <b>bold</b>"]


class Elements(html.parser.HTMLParser):
    """The elements (tag and attributes) of an HTML text, and its text."""

    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.tags, self.text = Counter(), []
        self.feed(source)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[(tag, tuple(sorted(attrs)))] += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def handle_comment(self, data):
        self.tags[("<!--", ())] += 1


RENDERERS = {"commonmark": MarkdownIt("commonmark", {"html": True}),
             "commonmark+tables": MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])}


def shown(markdown, renderer="commonmark"):
    e = Elements(RENDERERS[renderer].render(markdown))
    return e.tags, " ".join("".join(e.text).split())


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_value_renders_as_its_text_and_makes_no_element(payload):
    want = " ".join(payload.split())
    for renderer in RENDERERS:
        assert shown(text(payload), renderer) == (Counter({("p", ()): 1}), want), renderer
        assert shown("words " + code(payload), renderer) == (Counter({("p", ()): 1, ("code", ()): 1}), "words " + want), renderer
    table = f"| a | b |\n|---|---|\n| {text(payload)} | {code(payload, table=True)} |\n"
    tags, shown_text = shown(table, "commonmark+tables")
    assert tags == Counter({("table", ()): 1, ("thead", ()): 1, ("tbody", ()): 1, ("tr", ()): 2, ("th", ()): 2, ("td", ()): 2, ("code", ()): 1})
    assert shown_text == f"a b {want} {want}"


@pytest.mark.parametrize("value,markdown", [
    ("value_verified", "value_verified"), ("_a_", "\\_a\\_"), ("a_", "a\\_"), ("*_as_stated", "\\*\\_as_stated"),
    ("1. x", "1\\. x"), ("1.5 km", "1.5 km"), ("0.6.0", "0.6.0"), ("- x", "\\- x"), ("-x", "-x"), ("---", "\\---"),
    ("x - y", "x - y"), ("a<b & c>d", "a&lt;b &amp; c&gt;d"), ("a\nb  c", "a b c"), ("+", "\\+"), ("=", "\\="),
])
def test_text_escapes_at_the_boundaries(value, markdown):
    assert text(value) == markdown


@pytest.mark.parametrize("value,table,markdown", [
    ("a", False, "`a`"), ("a`b", False, "``a`b``"), ("`a", False, "`` `a ``"), ("a``b", False, "```a``b```"),
    ("a|b", False, "`a|b`"), ("a|b", True, "`a\\|b`"), ("a\\|b", True, "<code>a\\\\\\|b</code>"),
    ("<!-- x:end -->", False, "<code>&lt;!-- x:end --&gt;</code>"), ("a-->", True, "<code>a--&gt;</code>"),
])
def test_code_spans_at_the_boundaries(value, table, markdown):
    assert code(value, table) == markdown


def test_prose_keeps_its_code_spans_and_escapes_the_rest():
    assert prose("see `a|b` and *x*", table=True) == "see `a\\|b` and \\*x\\*"
    assert prose("` … ` may skip") == "` … ` may skip"
    assert prose("- `x`") == "\\- `x`"
    assert prose("`<!-- x:end -->` and <!-- y:end -->") == "<code>&lt;!-- x:end --&gt;</code> and &lt;!-- y:end --&gt;"


def hostile_copy(root, value, bibtex_value):
    """A copy of the package and its documents with value in every place ./dp docs copies into
    Markdown; bibtex_value where the README's BibTeX block carries it too (a marker is refused there)."""
    dest = copy_package(root)
    for f in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        shutil.copy(REPO / f, dest / f)
    shutil.copytree(REPO / "docs", dest / "docs")
    p = dest / "datapackage.json"
    dp = json.loads(p.read_text(encoding="utf-8"))
    dp["title"] += " " + bibtex_value
    dp["contributors"][0]["title"] += " " + bibtex_value
    dp["description"] += " " + value
    dp["resources"][1]["title"] = value
    p.write_text(json.dumps(dp), encoding="utf-8")
    s_path = dest / "schemas" / "claims.schema.json"
    schema = json.loads(s_path.read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in schema["fields"]}
    fields["claim_id"]["description"] = value
    fields["verdict"]["categories"][1]["label"] += " " + value
    fields["outcome"]["categories"][0]["value"] = fields["outcome"]["constraints"]["enum"][0] = value  # shown as code
    s_path.write_text(json.dumps(schema), encoding="utf-8")
    with open(dest / "data" / "claims.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    for r in rows[1:]:
        if r[head.index("verdict")] == "unverifiable":
            r[head.index("note")] = value  # a note in the README's trust block
    rows[1][head.index("claim_summary")] = value  # the codebook's example cell
    with open(dest / "data" / "claims.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    return dest


MARKDOWN_FILES = ("README.md", "docs/codebook.md", "docs/archive-README.md")


def test_no_value_in_readme_codebook_or_archive_readme_makes_an_element(tmp_path):
    """The same places hold plain words in one copy and every payload in the other: the rendered
    files have the same elements, and each payload shows as its text."""
    # prose keeps its `code spans` (the schemas write them on purpose): the code payload is text()'s and code()'s case
    payload = " ".join(" ".join(p.split()) for p in PAYLOADS if "`" not in p)
    bibtex_payload = " ".join(p for p in payload.split(" ") if "<!--" not in p and "-->" not in p)
    plain_files = generated(Dataset.load(hostile_copy(tmp_path / "plain", "plain words", "plain words")))
    hostile_files = generated(Dataset.load(hostile_copy(tmp_path / "hostile", payload, bibtex_payload)))
    for rel in MARKDOWN_FILES:
        for renderer in RENDERERS:
            plain_tags, _ = shown(plain_files[rel], renderer)
            tags, shown_text = shown(hostile_files[rel], renderer)
            assert tags == plain_tags, (rel, renderer, tags - plain_tags, plain_tags - tags)
            assert payload in shown_text, (rel, renderer)


def docs_repo(tmp_path):
    """A copy of the package with the files ./dp docs writes into: (folder, its datapackage.json, the descriptor)."""
    root = copy_package(tmp_path / "repo")
    for f in ("README.md", "CONTRIBUTING.md", "CHANGELOG.md"):
        shutil.copy(REPO / f, root / f)
    shutil.copytree(REPO / "docs", root / "docs")
    p = root / "datapackage.json"
    return root, p, json.loads(p.read_text(encoding="utf-8"))


def test_a_title_holding_a_block_marker_is_written_as_text_and_later_runs_still_work(tmp_path):
    root, p, dp = docs_repo(tmp_path)
    dp["resources"][0]["title"] = "Sources <!-- tables:end --> and <!-- cite:start -->"
    p.write_text(json.dumps(dp), encoding="utf-8")
    write(Dataset.load(root), check=False)
    assert write(Dataset.load(root), check=False) == ([], [])  # the next run reads its own output
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.count("<!-- tables:end -->") == 1 and "Sources &lt;!-- tables:end --&gt; and" in readme
    tables = [r for r in dp["resources"] if r.get("type") == "table"]
    assert len(re.findall(r"^\| `data/", readme.split("<!-- tables:start -->")[1].split("<!-- tables:end -->")[0], re.M)) == len(tables)


def test_a_generated_block_that_would_hold_a_marker_is_refused():
    """The net behind the escaping: whatever a block generator returns is never written with a marker in it."""
    from ifimes_karabakh.docs import fill_blocks
    with pytest.raises(DocsError, match=r"^README\.md: block 'a', generated line 2: .*<!-- b:end -->"):
        fill_blocks("<!-- a:start -->\n<!-- a:end -->", {"a": lambda: "fine\nnot <!-- b:end --> fine"})


def test_a_package_title_holding_a_block_marker_is_refused_with_its_place(tmp_path):
    """The README's BibTeX block cannot escape a marker: ./dp docs refuses, naming the field, and writes nothing."""
    root, p, dp = docs_repo(tmp_path)
    dp["title"] = "A title <!-- cite:end -->"
    p.write_text(json.dumps(dp), encoding="utf-8")
    with pytest.raises(DocsError, match=r"^datapackage\.json: title: holds `<!--`"):
        write(Dataset.load(root), check=False)
    assert (root / "README.md").read_bytes() == README.read_bytes()


if __name__ == "__main__":
    print(f"README.md: {prose_words(README.read_text(encoding='utf-8'))} words of prose (at most {MAX_PROSE_WORDS})")
