"""The static website (ifimes_karabakh/site.py, templates/, site_assets/).

In-process, no browser (the site of this repository is built once for the module): two builds are
byte-identical, take under 2 s, stay under 20 MB with every page under 300 kB; every table, and
every row of a table other tables point to, has its page; a row page shows every value of its row;
the landing page says what the dataset is and how to cite it, with docs.jsonld()'s JSON-LD and a
link to each release file; no paragraph of the article is reproduced; new tables and columns need
no change to the code; `<script>&"'` in a cell of every table shows as text on every page type, and
without autoescape the same check fails; a table page shows its key, label, verdict, values and
dates first and the rest behind the column chooser, with filters on enum and foreign-key columns
and on the authority of a cited source; the codebook is a page, its raw HTML shown as text; a
territory with control periods has its timeline; a party's control periods carry their dates; a
folder the command did not build is never replaced; the command line writes the site and a
reproducible zip of it.

In headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM, driven by Playwright; the browser is
launched once for the module): the whole site is crawled from index.html over HTTP, every page is
fetched and parsed by the browser, and every internal link and #fragment resolves; every page with
script, and the first of each folder and of each set of style sheets, images and scripts, loads as
a full document with no console error and no failed request; search
narrows a table, filters (enum, foreign key) and sorting work, and the column chooser shows and
hides columns; the keyboard reaches the content first; a permalink opens the right row, and
contradiction pairs link both ways; without JavaScript every row and column shows; served over HTTP
it loads cleanly; axe-core finds no violation at all; screenshots at 1280 and 390 px of the landing
page, a table, a claim, a party and a territory with its timeline go to site-screenshots/ (or
$SITE_SCREENSHOTS). These tests never skip: without Chromium or Playwright they fail with one line
saying what to install."""
import csv
import hashlib
import html
import http.server
import json
import os
import re
import shutil
import threading
import zipfile
from functools import partial
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag

import pytest

from conftest import copy_package, read, require_article, write
from ifimes_karabakh import REPO
from ifimes_karabakh import __main__ as cli
from ifimes_karabakh import site
from ifimes_karabakh.article import ARTICLE_ID
from ifimes_karabakh.dataset import Dataset
from ifimes_karabakh.descriptor import as_list, load_package
from ifimes_karabakh.release import release_name

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(os.environ.get("SITE_SCREENSHOTS", REPO / "site-screenshots"))
BATCH = 40          # pages loaded at once by the crawl
EVIL = "<script>&\"'"
TERRITORY = "kalbajar"   # a territory with periods of both views (its timeline is looked at)


def csv_rows(root, name):
    pkg = load_package(root)
    with open(root / pkg.resource(name).path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def text_of(page_html: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


class Page(HTMLParser):
    """A page parsed as a browser would tokenise it: its elements, its text (outside <script> and
    <style>), its scripts."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.scripts, self._in = [], [], [], None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script":
                self.scripts.append([dict(attrs), ""])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1][1] += data
        elif self._in is None:
            self.text.append(data)

    @property
    def words(self):
        return " ".join("".join(self.text).split())


def pages_of(files: dict) -> dict:
    """The HTML pages of a rendered site (site.render), as text."""
    return {rel: data.decode("utf-8") for rel, data in files.items() if rel.endswith(".html")}


def injected(pages: dict) -> list:
    """What a hostile cell did to the rendered site: a <script> that is neither site.js nor the
    JSON-LD block, a JSON-LD block that is not JSON, an attribute name no template writes."""
    problems = []
    allowed = {w for p in site.TEMPLATES.glob("*.html") for w in re.findall(r"[a-z][a-z0-9-]*", p.read_text(encoding="utf-8"))}
    for rel, text in sorted(pages.items()):
        page = Page(text)
        for attrs, body in page.scripts:
            if attrs.get("type") == "application/ld+json":
                try:
                    json.loads(body)
                except ValueError:
                    problems.append(f"{rel}: JSON-LD is not JSON")
            elif not attrs.get("src", "").endswith("assets/site.js") or body.strip():
                problems.append(f"{rel}: injected script {attrs}")
        for tag, attrs in page.tags:
            if any(str(attrs.get(a, "")).strip().lower().startswith(("javascript:", "vbscript:")) for a in ("href", "src")):
                problems.append(f"{rel}: <{tag}> with a script address: {attrs}")
            odd = [a for a in attrs if a not in allowed and not re.fullmatch(r"data-a\d+", a)]
            if odd:
                problems.append(f"{rel}: <{tag}> with attributes no template writes: {odd}")
    return problems


@pytest.fixture(scope="module")
def dataset():
    return Dataset.load(REPO)


@pytest.fixture(scope="module")
def built(dataset, tmp_path_factory):
    """The site of this repository, built once for the module (its build time is checked)."""
    return site.build(dataset, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def claim_id():
    """The claim the tests look at: one with a contradiction partner and a verdict other than
    the first where there is one (it shows the most), else the first."""
    rows = csv_rows(REPO, "claims")
    first = load_package(REPO).resource("claims").field("verdict")["categories"][0]["value"]
    best = [r for r in rows if r.get("contradicts_claim_id") and r.get("verdict") != first]
    return (best or rows)[0]["claim_id"]


# ------------------------------------------------------------------ in-process
def test_two_builds_are_byte_identical_fast_and_small(built, tmp_path):
    again = site.build(Dataset.load(REPO), tmp_path / "again")   # a dataset loaded anew: nothing carried over
    assert files(built.out) == files(again.out)
    assert built.seconds < 10 and again.seconds < 10   # a guard only: the build time is measured by `./dp site`, which prints it
    every = files(built.out)
    total = sum(len(b) for b in every.values())
    assert total == built.bytes < site.MAX_BYTES == 20_000_000, f"the site is {total:,} bytes"
    big = {rel: len(b) for rel, b in every.items() if rel.endswith(".html") and len(b) >= site.MAX_PAGE_BYTES}
    assert site.MAX_PAGE_BYTES == 300_000 and not big, big
    assert built.pages == len(list(built.out.rglob("*.html")))
    assert built.largest == max(((rel, len(b)) for rel, b in every.items() if rel.endswith(".html")), key=lambda kv: (kv[1], kv[0]))


def paged():
    """The tables whose rows have pages: a single-column key, and other tables point to them or
    they have at most 100 rows."""
    pkg = load_package(REPO)
    pointed = {fk["reference"].get("resource") for r in pkg.resources for fk in r.schema.get("foreignKeys", [])
               if fk["reference"].get("resource") not in (None, "", r.name)}
    return [r for r in pkg.resources if len(as_list(r.schema.get("primaryKey"))) == 1
            and (r.name in pointed or len(csv_rows(REPO, r.name)) <= 100)]


def test_every_table_and_every_entity_row_has_a_page_and_the_downloads_are_the_files(built):
    pkg = load_package(REPO)
    out = built.out
    for r in pkg.resources:
        assert (out / "tables" / f"{r.name}.html").is_file()
        assert (out / "download" / r.path).read_bytes() == (REPO / r.path).read_bytes()
    for f in pkg.files:   # the resources that are not tables (GeoJSON)
        assert (out / "download" / f.path).read_bytes() == (REPO / f.path).read_bytes()
        assert f'href="download/{f.path}"' in (out / "index.html").read_text(encoding="utf-8")
    for r in paged():
        pk = as_list(r.schema.get("primaryKey"))[0]
        pages = {p.name for p in (out / "rows" / r.name).glob("*.html")}
        gone = {c["row_id"] for c in csv_rows(REPO, "changes") if c["table"] == r.name and c["kind"] == "removed" and c["row_id"]}
        assert pages == {f"{site.file_name(key)}.html" for key in {row[pk] for row in csv_rows(REPO, r.name)} | gone}
    assert [r.name for r in load_package(out / "download").resources] == [r.name for r in pkg.resources]  # a package
    assert {r.name for r in paged()} >= {"agreements", "parties", "territories", "events", "claims", "sources", "statement_points"}
    assert "mentions" not in {r.name for r in paged()} and site.SMALL_TABLE == 100   # 404 rows, nothing points to one
    assert {p.name for p in (out / "rows").iterdir()} == {r.name for r in paged()}
    for svg in (REPO / "docs" / "figures").glob("*.svg"):
        assert (out / "figures" / svg.name).read_bytes() == svg.read_bytes()
        assert f'src="figures/{svg.name}"' in (out / "index.html").read_text(encoding="utf-8")


def test_a_row_page_shows_every_value_of_its_row(built):
    missing = []
    for r in paged():
        pk = as_list(r.schema.get("primaryKey"))
        for row in csv_rows(REPO, r.name):
            page = text_of((built.out / "rows" / r.name / f"{site.file_name(row[pk[0]])}.html").read_text(encoding="utf-8"))
            for col, value in row.items():
                if value and " ".join(value.split()) not in page:
                    missing.append(f"{r.name}/{row[pk[0]]}: {col}")
    assert not missing, missing[:20]


def test_the_landing_page_says_what_the_dataset_is_and_how_to_cite_it(built):
    pkg = load_package(REPO)
    page = (built.out / "index.html").read_text(encoding="utf-8")
    text = text_of(page)
    assert "not reviewed or endorsed" in text and "independently of IFIMES" in text
    assert f"Version {pkg.version}" in text and "@misc{" in text and "cff-version" in text
    assert f"{pkg.name}-{pkg.version}.zip" in text and f"{pkg.name}-{pkg.version.replace('.', '_')}.sqlite" in text
    assert "SHA256SUMS" in text and "./dp release" in text
    for r in pkg.resources:
        assert f'href="download/{r.path}"' in page
    assert 'href="codebook.html"' in page
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert len(blocks) == 1   # one generator: the site's JSON-LD is docs/dataset.jsonld's
    assert json.loads(blocks[0]) == json.loads((REPO / "docs" / "dataset.jsonld").read_text(encoding="utf-8"))


def test_the_release_files_are_linked_with_their_checksums(dataset, tmp_path):
    """Release files found in --release are copied to release/ and linked; a file of another
    version is not; a format the site lists but the folder lacks is named, unlinked."""
    stem = release_name(dataset.descriptor)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / f"{stem}.zip").write_bytes(b"zip bytes")
    (dist / "ifimes-2020-karabakh-0.0.1.sqlite").write_bytes(b"old")
    (dist / "SHA256SUMS").write_text("x  y\n", encoding="utf-8")
    files = site.render(dataset, dist)
    page = files["index.html"].decode("utf-8")
    assert f'<a href="release/{stem}.zip" download>{stem}.zip</a>' in page
    assert files[f"release/{stem}.zip"] == b"zip bytes" and files["release/SHA256SUMS"] == b"x  y\n"
    assert hashlib.sha256(b"zip bytes").hexdigest() in page
    db = stem.replace(".", "_")
    assert f"<code>{db}.sqlite</code> (not part of this build of the site)" in page
    assert not any(rel.endswith("0.0.1.sqlite") for rel in files)
    assert 'href="release/SHA256SUMS"' in page
    assert [s for s, _ in site.RELEASE_FORMATS] == ["{stem}.zip", "{db}.sqlite", "{db}-datasette-metadata.json", "{stem}-{table}.parquet"]
    assert 'href="release/SHA256SUMS"' not in landing(dataset, tmp_path / "none")   # no release file: no checksums either


def landing(ds, release_dir) -> str:
    """The landing page alone, for a release folder (what render() writes as index.html)."""
    s = site.Site(ds)
    s.releases, s.sums = s.release_files(release_dir)
    return s.index([], s.releases, s.sums)


def test_a_release_format_per_table_is_one_line(dataset, tmp_path, monkeypatch):
    """A Parquet file per table (issue 18) added as one entry: linked beside its table's CSV and on
    its table page when the release holds it; named once, as a pattern, when it does not."""
    monkeypatch.setattr(site, "RELEASE_FORMATS", site.RELEASE_FORMATS[:1] + (("{stem}-{table}.parquet", "the table as Parquet"),))
    stem = release_name(dataset.descriptor)
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / f"{stem}-claims.parquet").write_bytes(b"PAR1")
    s = site.Site(dataset)
    s.releases, s.sums = s.release_files(dist)
    index, table = s.index([], s.releases, s.sums), s.table_page(s.tables["claims"])
    assert [r["name"] for r in s.releases if r["data"] == b"PAR1"] == [f"{stem}-claims.parquet"]   # what render() copies
    n = len(csv_rows(REPO, "claims"))
    assert f'data/claims.csv</a> ({n:,} rows), <a href="release/{stem}-claims.parquet" download>' in index
    assert f'<a href="../release/{stem}-claims.parquet" download>{stem}-claims.parquet</a>' in table
    assert f"<code>{stem}-&lt;table&gt;.parquet</code>, for each table" in index
    assert "parquet" not in s.table_page(s.tables["events"])
    bare = landing(dataset, tmp_path / "none")
    assert f"<code>{stem}-&lt;table&gt;.parquet</code>, for each table: the table as Parquet (not part of this build of the site)" in bare


def test_the_articles_text_is_never_reproduced(built):
    """Only quotes and locators: no long paragraph of the article is on any page, unless a table
    itself holds it as a value (sources.footnote_text holds the footnotes)."""
    text = require_article().read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in text.splitlines() if len(" ".join(p.split())) > 420]
    assert paragraphs
    cells = "\n".join(" ".join(v.split()) for r in load_package(REPO).resources for row in csv_rows(REPO, r.name) for v in row.values())
    pages = [text_of(p.read_text(encoding="utf-8")) for p in built.out.rglob("*.html")]
    for para in paragraphs:
        for half in (para[: len(para) // 2], para[len(para) // 2:]):
            assert half in cells or not any(half in page for page in pages), half[:60]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A copy of the package with `<script>&"'` (and the table's name) in one cell of every table:
    the label column of its first row (the article's row of sources), else its note; and a codebook
    whose prose holds raw HTML. Returns (package folder, {table: (row key, the cell's text)})."""
    pkg = copy_package(tmp_path_factory.mktemp("hostile") / "pkg")
    (pkg / "docs").mkdir()
    (pkg / "docs" / "codebook.md").write_text(f"# Codebook\n\nRaw HTML stays text: {EVIL} <b>bold</b> <img src=x onerror=alert(1)> "
                                               "[a link](javascript:alert(1))\n",
                                               encoding="utf-8")
    where = {}
    for r in load_package(pkg).resources:
        rows = read(pkg, r.name)
        head = rows[0]
        # the change record's page shows its counts by version and table: the cell goes into `table`
        col = next((f for f in site.LABEL_FIELDS if f in head), "note" if "note" in head else "table" if r.name == "changes" else head[-1])
        line = next((i for i, row in enumerate(rows[1:], start=1) if row[0] == ARTICLE_ID), 1)
        value = f"{EVIL} in {r.name}"
        rows[line][head.index(col)] = value
        write(pkg, r.name, rows)
        pk = as_list(r.schema.get("primaryKey"))
        where[r.name] = (rows[line][head.index(pk[0])] if len(pk) == 1 else None, value)
    return pkg, where


def test_a_hostile_cell_in_every_table_shows_as_text_on_every_page_type(hostile):
    pkg, where = hostile
    pages = pages_of(site.render(Dataset.load(pkg)))
    assert not injected(pages)

    def words(rel):
        return Page(pages[rel]).words

    tables = {r.name: r for r in load_package(pkg).resources}
    for name, (key, value) in where.items():
        assert value in words(f"tables/{name}.html"), name
        if any(rel.startswith(f"rows/{name}/") for rel in pages):
            assert value in words(f"rows/{name}/{site.file_name(key)}.html"), name
    assert where["sources"][1] in words("index.html")                 # the article's title
    assert where["claims"][1] in words("verdicts.html")
    assert EVIL in words("codebook.html") and "<b>bold</b>" in words("codebook.html")
    referrer = next(r["party_id"] for r in csv_rows(pkg, "mentions") if r["party_id"] == where["parties"][0])
    assert where["parties"][1] in words(f"rows/parties/{site.file_name(referrer)}.html")
    timeline = pages[f"rows/territories/{TERRITORY}.html"]   # a controller's name in it
    controllers = {r["controller_party_id"] for r in csv_rows(pkg, "territory_control") if r["territory_id"] == TERRITORY}
    assert where["parties"][0] in controllers and "tl-bar" in timeline and where["parties"][1] in Page(timeline).words
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', pages["index.html"], re.S).group(1)
    assert "<" not in ld and json.loads(ld)["isBasedOn"][0]["name"] == where["sources"][1]
    assert set(where) == set(tables)


def test_without_autoescape_the_hostile_cell_check_fails(hostile, monkeypatch):
    """Breaking the site on purpose: with autoescape off, the check above finds the injected script."""
    monkeypatch.setattr(site, "AUTOESCAPE", False)
    found = injected(pages_of(site.render(Dataset.load(hostile[0]))))
    assert any("injected script" in p for p in found), found[:5]
    assert any(p.startswith("tables/") for p in found) and any(p.startswith("rows/") for p in found)


def test_a_table_page_shows_the_columns_that_matter_first(built):
    """By column conventions: key, label, verdict, stated and verified values, dates; then enums
    and foreign keys to other tables up to DEFAULT_COLUMNS; the rest hidden until chosen."""
    def hidden(name):
        page = (built.out / "tables" / f"{name}.html").read_text(encoding="utf-8")
        heads = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page.split('<table class="data"')[1])
        gone = [heads[int(i)] for i in re.search(r'data-hidden="([^"]*)"', page).group(1).split()]
        return [h for h in heads if h not in gone], heads

    shown, heads = hidden("claims")
    assert shown == ["claim_id", "kind", "topic", "claim_summary", "value_as_stated", "verdict", "value_verified"]
    assert len(heads) == len(load_package(REPO).resource("claims").fields)
    shown, _ = hidden("territory_control")
    assert shown[:1] == ["control_id"] and {"start", "end", "view", "status", "territory_id", "controller_party_id"} <= set(shown)
    assert "quote" not in shown and "start_start" not in shown and len(shown) == 7
    shown, _ = hidden("events")
    assert {"event_id", "description", "date"} <= set(shown) and "note" not in shown
    shown, _ = hidden("figures")
    assert {"value_as_stated", "value"} <= set(shown)                       # a figure's own words and its value
    shown, _ = hidden("claim_sources")
    assert shown == ["claim_id", "source_id", "role", "quote"]              # no label, no pages: the quote says it
    shown, _ = hidden("agreements")
    assert {"kind", "kind_per_article"} <= set(shown) and "date_precision" not in shown   # what the article calls it beside what it is
    page = (built.out / "tables" / "claims.html").read_text(encoding="utf-8")
    assert "<noscript><style>" in page   # without JavaScript every column shows


def test_filters_on_foreign_keys_and_on_the_authority_of_the_cited_source(built):
    page = (built.out / "tables" / "territory_control.html").read_text(encoding="utf-8")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', page.split('<table class="data"')[1])
    for col in ("territory_id", "controller_party_id", "view"):
        assert f'<label for="__f{heads.index(col)}">{col}</label>' in page
    assert re.search(r'<option value="kalbajar">Kalbajar \(kalbajar\) \(\d+\)</option>', page)
    claims = (built.out / "tables" / "claims.html").read_text(encoding="utf-8")
    assert "authority of verdict_source_id" in claims and 'data-attr="a0"' in claims
    rows = csv_rows(REPO, "claims")
    authority = {r["source_id"]: r["authority"] for r in csv_rows(REPO, "sources")}
    first = rows[0]
    assert f'<tr id="{first["claim_id"]}" data-a0="{authority.get(first["verdict_source_id"], "")}">' in claims
    assert not re.search(r'<label for="__f\d+">contradicts_claim_id</label>', claims)   # a self-reference: no filter


def test_the_codebook_is_a_page(built):
    page = (built.out / "codebook.html").read_text(encoding="utf-8")
    assert page.count("<h1") == 1 and '<h2 id="claims">claims</h2>' in page
    assert "<table>" in page and 'role="region"' in page
    assert 'href="../codebook.html#claims"' in (built.out / "tables" / "claims.html").read_text(encoding="utf-8")


def test_a_territory_with_control_periods_has_its_timeline(built):
    """One lane per view, in the schema's order; a bar per dated period, placed by its day columns."""
    page = (built.out / "rows" / "territories" / f"{TERRITORY}.html").read_text(encoding="utf-8")
    rows = [r for r in csv_rows(REPO, "territory_control") if r["territory_id"] == TERRITORY]
    views = [c["value"] for c in load_package(REPO).resource("territory_control").field("view")["categories"]]
    lanes = re.findall(r'<span class="tl-lane-name">([^<]+)</span>', page)
    assert lanes == [v for v in views if any(r["view"] == v for r in rows)]
    dated = [r for r in rows if r["start_start"] or r["end_end"]]
    assert page.count('class="tl-bar') == len(dated) >= 2
    recorded = [r for r in dated if r["end_end"]][0]   # a closed period: its bar ends where its day says
    assert f'{recorded["start"]} – {recorded["end"]}' in text_of(page)
    first = min(r["start_start"] for r in dated if r["start_start"])[:4]
    assert f'>{first}</span>' in page   # the axis starts at the first year
    assert "no date recorded" in text_of(page) or all(r["start_start"] or r["end_end"] for r in rows)
    none = next(r["territory_id"] for r in csv_rows(REPO, "territories") if r["territory_id"] not in {x["territory_id"] for x in csv_rows(REPO, "territory_control")})
    assert "tl-bar" not in (built.out / "rows" / "territories" / f"{site.file_name(none)}.html").read_text(encoding="utf-8")


def test_a_period_with_no_recorded_end_runs_to_the_articles_date(built):
    """The chart reaches at least the article's date: a period known only as "since 1993" is drawn
    to 2020, not to the end of 1993."""
    rows = csv_rows(REPO, "territory_control")
    article_day = next(r for r in csv_rows(REPO, "sources") if r["source_id"] == ARTICLE_ID)["date_end"]
    party = next(r["controller_party_id"] for r in rows if r["start_start"] and not r["end_end"]
                 and all(not x["end_end"] for x in rows if x["controller_party_id"] == r["controller_party_id"]))
    page = (built.out / "rows" / "parties" / f"{site.file_name(party)}.html").read_text(encoding="utf-8")
    section = page.split('<section class="timeline">')[1].split("</section>")[0]
    widths = [float(w) for w in re.findall(r'class="tl-bar[^"]*" style="left: [\d.]+%; width: ([\d.]+)%', section)]
    assert widths and all(w > 50 for w in widths), widths
    assert f"the article's date ({article_day})" in text_of(section)


def test_a_partys_control_periods_carry_their_dates(built):
    r = next(r for r in csv_rows(REPO, "territory_control") if r["start"] and r["end"])
    page = (built.out / "rows" / "parties" / f"{site.file_name(r['controller_party_id'])}.html").read_text(encoding="utf-8")
    assert re.search(rf'{re.escape(r["control_id"])}</a></th>.*?<td>{re.escape(r["start"])}</td><td>{re.escape(r["end"])}</td>', page)


def test_new_tables_and_columns_need_no_change_to_the_code(tmp_path, monkeypatch):
    """A new entity table (places), a new table that points to it and to parties (sightings: a
    quote, an enum, coordinates) and a new enum column on claims are shown with no code change.
    Sightings has 2 rows: with SMALL_TABLE 1 nothing gives them pages, with 2 they have them."""
    monkeypatch.setattr(site, "SMALL_TABLE", 1)
    pkg = copy_package(tmp_path / "pkg")
    party = read(pkg, "parties")[1][0]

    def add(name, fields, pk, fks, rows):
        dp = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
        dp["resources"].append({"name": name, "path": f"data/{name}.csv", "title": f"The {name}", "schema": f"schemas/{name}.schema.json"})
        (pkg / "datapackage.json").write_text(json.dumps(dp), encoding="utf-8")
        schema = {"fields": fields, "primaryKey": pk,
                  "foreignKeys": [{"fields": f, "reference": {"resource": r, "fields": k}} for f, r, k in fks]}
        (pkg / "schemas" / f"{name}.schema.json").write_text(json.dumps(schema), encoding="utf-8")
        write(pkg, name, [[f["name"] for f in fields], *rows])

    add("places", [{"name": "place_id"}, {"name": "name"}, {"name": "lat", "type": "number"}, {"name": "lon", "type": "number"}],
        ["place_id"], [], [["shusha-town", "Shusha", "39.76", "46.75"]])
    add("sightings", [{"name": "sighting_id", "description": "ID"}, {"name": "party_id"}, {"name": "place_id"},
                      {"name": "tone", "description": "Tone", "constraints": {"enum": ["neutral", "hostile"]},
                       "categories": [{"value": "neutral", "label": "plain"}, {"value": "hostile", "label": "hostile words"}]},
                      {"name": "source_id"}, {"name": "locator"}, {"name": "quote"}],
        ["sighting_id"], [("party_id", "parties", "party_id"), ("place_id", "places", "place_id"), ("source_id", "sources", "source_id")],
        [["s-1", party, "shusha-town", "hostile", "ifimes-2020", "p7", "A quote that stands out"],
         ["S 2/Ä", party, "shusha-town", "neutral", "ifimes-2020", "p8", "Another quote here"]])
    claims = read(pkg, "claims")
    write(pkg, "claims", [claims[0] + ["confidence"]] + [row + ["high"] for row in claims[1:]])
    cs = json.loads((pkg / "schemas" / "claims.schema.json").read_text(encoding="utf-8"))
    cs["fields"].append({"name": "confidence", "description": "How sure", "categories": [{"value": "high", "label": "very sure"}]})
    (pkg / "schemas" / "claims.schema.json").write_text(json.dumps(cs), encoding="utf-8")

    pages = pages_of(site.render(Dataset.load(pkg)))
    table = pages["tables/sightings.html"]
    assert 'id="s-1"' in table and 'id="S_2/Ä"' in table and "hostile words" in table and 'data-col="3"' in table
    assert not any(rel.startswith("rows/sightings/") for rel in pages)   # nothing points to a sighting: no pages
    place = pages["rows/places/shusha-town.html"]
    assert "39.76" in place and "sightings, by <code>place_id</code> (2)" in place
    assert "A quote that stands out" in place and 'href="../../tables/sightings.html#s-1"' in place
    assert 'href="../../tables/sightings.html#S_2/%C3%84"' in place
    back = pages[f"rows/parties/{site.file_name(party)}.html"]
    assert "sightings, by <code>party_id</code> (2)" in back and 'href="../places/shusha-town.html"' in back
    claims_table = pages["tables/claims.html"]
    assert ">confidence</label>" in claims_table and "very sure" in claims_table
    assert site.file_name("S 2/Ä") != site.file_name("s 2/ä") and "/" not in site.file_name("S 2/Ä")
    monkeypatch.setattr(site, "SMALL_TABLE", 2)
    s = site.Site(Dataset.load(pkg))
    assert s.tables["sightings"].paged and s.tables["places"].paged
    assert s.href(s.tables["sightings"], s.tables["sightings"].rows[0], "") == "rows/sightings/s-1.html"


def test_a_folder_the_command_did_not_build_is_never_replaced(tmp_path, built, dataset):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(site.SiteError, match="not a site built by this command"):
        site.build(dataset, foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    again = tmp_path / "again"
    shutil.copytree(built.out, again)
    (again / "stale.html").write_text("old", encoding="utf-8")
    site.build(dataset, again)  # a site built before is replaced whole: nothing stale stays
    assert not (again / "stale.html").exists() and (again / "index.html").is_file()


def test_the_command_line_builds_the_site_and_its_zip(tmp_path, capsys):
    out, zpath = tmp_path / "s", tmp_path / "site.zip"
    assert cli.main(["site", "--out", str(out), "--zip", str(zpath), "--release", str(tmp_path / "none")]) == 0
    assert re.match(r".*: \d+ pages, [\d.]+ [kM]B, built in [\d.]+ s; largest page \S+ \([\d.]+ [kM]B\)$", capsys.readouterr().out.strip())
    with zipfile.ZipFile(zpath) as zf:
        names = zf.namelist()
    pkg = load_package(REPO)
    assert f"{pkg.name}-{pkg.version}-site/index.html" in names
    site.write_zip(out, tmp_path / "again.zip", f"{pkg.name}-{pkg.version}-site")
    assert (tmp_path / "again.zip").read_bytes() == zpath.read_bytes()


# ------------------------------------------------------------------ in the browser
@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM; "
                    "the browser tests never skip", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright is not installed: .venv/bin/pip install -r requirements-site.txt; the browser tests never skip",
                    pytrace=False)
    pw = sync_playwright().start()
    try:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
    except Exception as e:
        pw.stop()
        pytest.fail(f"Chromium at {CHROMIUM} does not start under Playwright: {str(e).splitlines()[0]}", pytrace=False)
    yield b
    b.close()
    pw.stop()


class Watch:
    """A page that records console errors, script errors and failed requests."""

    def __init__(self, browser, **kw):
        self.page = browser.new_page(**kw)
        self.where, self.problems, self.requested = "", [], set()
        self.page.on("request", lambda r: self.requested.add(r.url))
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"{self.where}: console error: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"{self.where}: script error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"{self.where}: request failed: {r.url} ({r.failure})"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{self.where}: {r.status} for {r.url}"))

    def goto(self, url):
        self.where = url
        self.page.goto(url, wait_until="load")
        return self.page


# Read by the crawl in one page of the site: each URL fetched and parsed by the browser's own HTML
# parser (DOMParser: no script runs, nothing else is fetched). Links are resolved against the page's
# own URL (or its <base>), as the page itself would resolve them.
PARSE_PAGES = """async (urls) => Promise.all(urls.map(async (url) => {
    const response = await fetch(url);
    const doc = new DOMParser().parseFromString(await response.text(), 'text/html');
    const baseElement = doc.querySelector('base[href]');
    const base = baseElement ? new URL(baseElement.getAttribute('href'), url).href : url;
    const urls = (selector, attribute) => Array.from(doc.querySelectorAll(selector), e => new URL(e.getAttribute(attribute), base).href);
    const scripted = doc.querySelector('script:not([type="application/ld+json"])') !== null
        || Array.from(doc.querySelectorAll('*')).some(e => Array.from(e.attributes).some(a => a.name.toLowerCase().startsWith('on')));
    return [url, response.status, response.headers.get('content-type') || '', doc.title,
            doc.querySelectorAll('main').length * 10 + doc.querySelectorAll('h1').length,
            Array.from(doc.querySelectorAll('[id]'), e => e.id),
            [...urls('a[href], link[href]', 'href'), ...urls('img[src], script[src]', 'src')],
            [...urls('link[rel=stylesheet]', 'href'), ...urls('img[src], script[src]', 'src')],
            scripted];
}))"""

# Read in each loaded frame: the live document after its script ran.
READ_FRAME = """() => [document.readyState, document.title,
    document.querySelectorAll('main').length * 10 + document.querySelectorAll('h1').length,
    Array.from(document.querySelectorAll('[id]'), e => e.id),
    Array.from(document.querySelectorAll('a[href], link[href], img[src], script[src]'), e => e.href || e.src),
    Array.from(document.querySelectorAll('link[rel=stylesheet], img[src], script[src]'), e => e.href || e.src)]"""


def to_load(parsed: dict) -> list:
    """The pages the crawl loads as full documents: every page that can run script (a <script> or
    an on* attribute), the first page of each folder, and the first page of each set of style
    sheets, images and scripts, so that every one of those is fetched by a real load. The others
    are static HTML of the same templates, whose every part the parse and the link check cover."""
    chosen, folders, sets = [], set(), set()
    for rel, page in sorted(parsed.items()):
        folder, subresources = rel.rpartition("/")[0], frozenset(page["subresources"])
        if page["scripted"] or folder not in folders or subresources not in sets:
            chosen.append(rel)
        folders.add(folder)
        sets.add(subresources)
    return chosen


def test_the_crawl_loads_every_page_with_script_and_the_first_of_each_folder_and_set_of_subresources():
    page = lambda css, scripted=False: {"subresources": [css], "scripted": scripted}
    parsed = {"index.html": page("a.css", True), "rows/x/1.html": page("a.css"), "rows/x/2.html": page("a.css"),
              "rows/x/3.html": page("b.css"), "rows/x/4.html": page("b.css"), "rows/x/5.html": page("a.css", True),
              "rows/y/1.html": page("a.css"), "rows/y/2.html": page("a.css")}
    assert to_load(parsed) == ["index.html", "rows/x/1.html", "rows/x/3.html", "rows/x/5.html", "rows/y/1.html"]


def test_every_page_loads_cleanly_and_every_internal_link_resolves(served, built, browser, tmp_path):
    """Crawl from index.html over HTTP: every page is reached; every page is fetched (status 200,
    text/html) and parsed by the browser, with a title, one <main> and one <h1>; every internal
    link (with its #fragment) points to a file and an id that exist. The pages that to_load()
    picks (every page with script, and the first of each folder and of each set of style sheets,
    images and scripts) also load BATCH at a time as hidden frames: each a full document that
    fetches its style sheet, script and images and runs its script, with no console error and no
    failed request; every style sheet, image and script any page names is requested so. A frame
    costs Chromium about 13 ms whatever the page; parsing costs a fraction of that."""
    w = Watch(browser)
    w.goto(served + "index.html")
    parsed, todo = {}, ["index.html"]
    while todo:  # breadth first, one batch of fetches per level
        for url, status, kind, title, landmarks, ids, links, subresources, scripted in w.page.evaluate(PARSE_PAGES, [served + quote(rel) for rel in todo]):
            rel = unquote(url[len(served):])
            assert status == 200 and kind.startswith("text/html"), f"{rel}: {status} {kind}"
            assert title and landmarks == 11, f"{rel}: no title, or not one <main> and one <h1>"
            parsed[rel] = {"ids": ids, "links": links, "subresources": subresources, "scripted": scripted}
        todo = sorted({target for page in parsed.values() for url in page["links"] if url.startswith(served)
                       for target in [unquote(urldefrag(url)[0][len(served):].split("?")[0])]
                       if target.endswith(".html") and target not in parsed})
    ids, links = {rel: p["ids"] for rel, p in parsed.items()}, {rel: p["links"] for rel, p in parsed.items()}
    load = to_load(parsed)
    harness, needed = tmp_path / "crawl.html", set()
    for start in range(0, len(load), BATCH):
        batch = load[start:start + BATCH]
        frames = "".join(f'<iframe title="{i}" hidden src="{html.escape(served + quote(rel))}"></iframe>' for i, rel in enumerate(batch))
        harness.write_text(f'<!DOCTYPE html><html lang="en"><title>crawl</title>{frames}</html>', encoding="utf-8")
        page = w.goto(harness.as_uri())
        loaded = {unquote(f.url[len(served):]) if f.url.startswith(served) else f.url: f.evaluate(READ_FRAME) for f in page.frames[1:]}
        assert sorted(loaded) == sorted(batch)
        for rel in batch:
            state, title, landmarks, ids[rel], links[rel], subresources = loaded[rel]  # the live document, after its script
            needed.update(subresources)
            assert state == "complete" and title and landmarks == 11, f"{rel}: not loaded, or not one <main> and one <h1>"
    needed |= {u for p in parsed.values() for u in p["subresources"]}
    problems = list(w.problems)
    for rel, urls in links.items():
        for url in urls:
            if url.startswith(("https://", "http://", "data:")) and not url.startswith(served):
                continue
            if not url.startswith(served):
                problems.append(f"{rel}: link leaves the site: {url}")
                continue
            path, fragment = urldefrag(url)
            target = unquote(path[len(served):].split("?")[0])
            if not (built.out / target).is_file():
                problems.append(f"{rel}: broken link {target}")
            elif fragment and target.endswith(".html") and unquote(fragment) not in set(ids.get(target, ())):
                problems.append(f"{rel}: no id {unquote(fragment)!r} in {target}")
    every = {p.relative_to(built.out).as_posix() for p in built.out.rglob("*.html")}
    problems += [f"style sheet, image or script never requested: {u}" for u in sorted(needed - w.requested)]
    assert not problems, problems[:20]
    assert set(parsed) == every, f"pages no link reaches: {sorted(every - set(parsed))[:10]}"


def test_search_narrows_a_table_a_filter_and_sorting_work(built, browser):
    claims = csv_rows(REPO, "claims")
    w = Watch(browser)
    page = w.goto(built.out.as_uri() + "/tables/claims.html")
    rows = page.locator("table.data tbody tr")
    shown = page.locator("table.data tbody tr:not([hidden])")
    status = page.get_by_role("status")
    assert rows.count() == shown.count() == len(claims)
    word = "moscow"
    page.get_by_label("Search").fill(word)
    n = shown.count()
    assert 0 < n < len(claims)
    assert all(word in t.lower() for t in shown.all_text_contents())   # in any column, shown or not
    assert status.inner_text() == f"{n} of {len(claims)} rows shown"
    page.get_by_role("button", name="Clear").click()
    assert shown.count() == len(claims)
    verdict = next(r["verdict"] for r in claims if r["verdict"] != claims[0]["verdict"])
    page.get_by_label("verdict", exact=True).select_option(verdict)
    assert shown.count() == sum(r["verdict"] == verdict for r in claims)
    assert all(verdict in t for t in shown.locator("td .badge").all_inner_texts())
    page.get_by_role("button", name="Clear").click()
    page = w.goto(built.out.as_uri() + f"/tables/claims.html?verdict={verdict}")  # a row page's "see them in the table"
    assert shown.count() == sum(r["verdict"] == verdict for r in claims)
    assert f"(verdict = {verdict})" in status.inner_text()
    page.get_by_role("button", name="Clear").click()
    head = page.locator("table.data thead th").first
    head.get_by_role("button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    ids = sorted(r["claim_id"] for r in claims)
    assert rows.first.get_attribute("id") == ids[0]
    head.get_by_role("button").click()
    assert head.get_attribute("aria-sort") == "descending" and rows.first.get_attribute("id") == ids[-1]
    assert not w.problems


def test_the_column_chooser_and_a_foreign_key_filter_work(built, browser):
    rows = csv_rows(REPO, "territory_control")
    w = Watch(browser, viewport={"width": 1280, "height": 900})
    page = w.goto(built.out.as_uri() + "/tables/territory_control.html")
    heads = page.locator("table.data thead th")
    visible = page.locator("table.data thead th:visible")
    n = heads.count()
    assert visible.count() == 7 < n
    assert not page.locator("table.data tbody tr").first.locator("td", has_text=rows[0]["quote"][:20]).is_visible()
    page.get_by_text("Columns:").click()
    page.get_by_label("show column quote", exact=True).check()
    assert visible.count() == 8
    assert page.locator("table.data tbody tr").first.locator("td", has_text=rows[0]["quote"][:20]).is_visible()
    page.get_by_role("button", name="All").click()
    assert visible.count() == n
    page.get_by_role("button", name="As at first").click()
    assert visible.count() == 7
    shown = page.locator("table.data tbody tr:not([hidden])")
    page.get_by_label("territory_id", exact=True).select_option(TERRITORY)
    assert shown.count() == sum(r["territory_id"] == TERRITORY for r in rows)
    controller = rows[0]["controller_party_id"]
    page.get_by_label("controller_party_id", exact=True).select_option(controller)
    assert shown.count() == sum(r["territory_id"] == TERRITORY and r["controller_party_id"] == controller for r in rows) > 0
    claims = csv_rows(REPO, "claims")
    authority = {r["source_id"]: r["authority"] for r in csv_rows(REPO, "sources")}
    page = w.goto(built.out.as_uri() + "/tables/claims.html")
    box = page.locator("table.data thead th").nth(load_package(REPO).resource("claims").fields.index("verdict")).bounding_box()
    assert box["x"] + box["width"] <= 1280, "the verdict column is off-screen at 1280 px"
    value = authority[next(r["verdict_source_id"] for r in claims if r["verdict_source_id"])]
    page.get_by_label("authority of verdict_source_id", exact=True).select_option(value)
    assert shown.count() == sum(authority.get(r["verdict_source_id"]) == value for r in claims) > 0
    assert not w.problems


def test_the_keyboard_reaches_the_content_first(built, browser):
    w = Watch(browser)
    page = w.goto(built.out.as_uri() + "/tables/claims.html")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") in ("A", "SUMMARY", "INPUT")


def test_a_permalink_opens_the_right_row(built, browser, claim_id):
    base = built.out.as_uri() + "/"
    w = Watch(browser)
    last = csv_rows(REPO, "claims")[-1]["claim_id"]          # far below the fold
    page = w.goto(f"{base}tables/claims.html#{last}")
    target = page.evaluate("""() => { const e = document.querySelector(':target'); const r = e.getBoundingClientRect();
                                      return [e.tagName, e.id, r.top >= 0 && r.top < innerHeight]; }""")
    assert target == ["TR", last, True]
    # a row with no page of its own: its key, values joined by '/'
    first = csv_rows(REPO, "agreement_parties")[0]
    key = "/".join(first[k] for k in ("agreement_id", "party_id", "role"))
    page = w.goto(f"{base}tables/agreement_parties.html#{key}")
    assert page.evaluate("document.querySelector(':target').id") == key
    # the row's own page, and back to the table
    page = w.goto(f"{base}rows/claims/{site.file_name(claim_id)}.html")
    assert claim_id in page.locator("main .meta").first.inner_text()
    page.get_by_role("link", name="In the table").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/tables/claims.html#{claim_id}")
    assert page.evaluate("document.querySelector(':target').id") == claim_id
    # a contradiction pair is linked both ways
    row = next(r for r in csv_rows(REPO, "claims") if r["claim_id"] == claim_id)
    other = row["contradicts_claim_id"]
    if other:
        page = w.goto(f"{base}rows/claims/{site.file_name(claim_id)}.html")
        assert page.locator(f'section a[href="../claims/{site.file_name(other)}.html"]').count() >= 1
        page = w.goto(f"{base}rows/claims/{site.file_name(other)}.html")
        assert page.locator(f'section a[href="../claims/{site.file_name(claim_id)}.html"]').count() >= 1
    assert not w.problems


def test_without_javascript_every_row_shows(built, browser):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    for name in ("claims", "agreement_parties"):
        page.goto(built.out.as_uri() + f"/tables/{name}.html")
        assert page.locator("table.data tbody tr:visible").count() == len(csv_rows(REPO, name))
        assert page.locator(".controls:visible").count() == 0   # no control that cannot work
        assert page.locator("table.data thead th:visible").count() == len(load_package(REPO).resource(name).fields)
    ctx.close()


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(built):
    """The site served by a static web server on 127.0.0.1 (a port the system picks)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(built.out)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def test_the_site_served_over_http_loads_cleanly(served, browser):
    w = Watch(browser)
    for rel in ("index.html", "tables/claims.html", "verdicts.html"):
        assert w.goto(served + rel).locator("h1").count() == 1
    assert not w.problems


# Every page type at 1280 px, and the phone's cards at 390, in two halves of about the same time
# (axe on the codebook alone takes about 3 s), so that the two workers share them
AXE_PAGES = {"codebook and the entity pages": [("codebook.html", 1280), ("index.html", 1280), ("claim", 1280), ("territory", 1280), ("territory", 390)],
             "tables and lists": [("tables/claims.html", 1280), ("tables/claims.html", 390), ("verdicts.html", 1280), ("party", 1280),
                                  ("tables/territory_control.html", 1280)]}


@pytest.mark.parametrize("half", list(AXE_PAGES))
def test_axe_finds_no_violation(served, browser, claim_id, half):
    """Over HTTP: axe-core fetches the style sheets, which a file:// page does not allow. Every
    page type, and a territory with its timeline; no violation of any impact."""
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    party = csv_rows(REPO, "parties")[0]["party_id"]
    named = {"claim": f"rows/claims/{site.file_name(claim_id)}.html", "party": f"rows/parties/{site.file_name(party)}.html",
             "territory": f"rows/territories/{TERRITORY}.html"}
    w, found = Watch(browser), []
    for page, width in AXE_PAGES[half]:
        rel = named.get(page, page)
        w.page.set_viewport_size({"width": width, "height": 844})
        res = axe.run(w.goto(served + rel))
        found += [f"{rel} at {width}px: {v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
                  for v in res.response["violations"]]
    w.page.close()
    assert not found, found
    assert not w.problems


def test_the_axe_halves_cover_every_page_type_once_at_each_width():
    pages = [p for half in AXE_PAGES.values() for p in half]
    assert len(pages) == len(set(pages)) == 10
    assert {p for p, width in pages if width == 1280} == {"index.html", "tables/claims.html", "tables/territory_control.html", "claim",
                                                           "verdicts.html", "codebook.html", "party", "territory"}
    assert {p for p, width in pages if width == 390} == {"tables/claims.html", "territory"}


def test_screenshots_at_desktop_and_phone_width(built, browser, claim_id):
    """Written to site-screenshots/ (or $SITE_SCREENSHOTS): the first screen of the landing page, a
    table, a claim, a party and a territory with its timeline, at 1280 and 390 pixels wide; no page
    scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    party = next(r["controller_party_id"] for r in csv_rows(REPO, "territory_control") if r["territory_id"] == TERRITORY)
    shots = (("landing", "index.html"), ("table", "tables/claims.html"), ("claim", f"rows/claims/{site.file_name(claim_id)}.html"),
             ("party", f"rows/parties/{site.file_name(party)}.html"), ("territory", f"rows/territories/{TERRITORY}.html"))
    for label, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
        w = Watch(browser, viewport={"width": width, "height": height})
        for name, rel in shots:
            page = w.goto(built.out.as_uri() + "/" + rel)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{rel} scrolls sideways at {width}px"
            if name == "territory":
                page.locator(".timeline").first.scroll_into_view_if_needed()
                assert page.locator(".tl-bar").first.bounding_box()["width"] > 0
            path = SHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(path))
            assert path.stat().st_size > 5000
        w.page.close()
        assert not w.problems


# ------------------------------------------------------------------ what became of a row (issue 19)
def test_a_row_page_says_what_changed_in_which_version(built):
    page = (built.out / "rows" / "claims" / "armenians-in-france.html").read_text(encoding="utf-8")
    history = text_of(page.split('id="__history"', 1)[1].split("</section>", 1)[0])
    assert "In 0.5.0 or earlier" in history
    assert "verdict changed in 0.6.0 from imprecise to disputed" in " ".join(history.split())
    assert 'href="../../changelog.html#0-6-0---2026-11-30"' in page
    unchanged = (built.out / "rows" / "territories" / "armenia.html").read_text(encoding="utf-8")
    assert "No value changed since." in unchanged


def test_a_removed_row_keeps_a_page_that_says_when_and_links_why(built):
    page = (built.out / "rows" / "provisions" / "return-of-districts.html").read_text(encoding="utf-8")
    assert "This row of provisions.csv was removed in version 0.6.0. Why: see the CHANGELOG entry of 0.6.0" in text_of(page)
    assert 'href="../../changelog.html#0-6-0---2026-11-30"' in page
    changelog = (built.out / "changelog.html").read_text(encoding="utf-8")
    assert 'id="0-6-0---2026-11-30"' in changelog and changelog.count('id="added"') == 1  # repeated headings get their own ids


def test_the_change_record_is_counted_on_its_table_page_and_listed_on_the_rows(built):
    page = text_of((built.out / "tables" / "changes.html").read_text(encoding="utf-8"))
    removed = sum(1 for c in csv_rows(REPO, "changes") if c["version"] == "0.6.0" and c["table"] == "provisions" and c["kind"] == "removed" and c["row_id"])
    assert removed == 1 and "0.6.0 provisions 0 1 0 0" in page  # added, removed, changed, renamed rows of provisions in 0.6.0


def test_a_renamed_row_keeps_its_history_under_the_new_key_and_a_page_under_the_old(dataset):
    s = site.Site(dataset)
    s.tables["changes"].rows = [
        {"version": "9.0.0", "table": "claims", "key": "claim_id", "row_id": "new-id", "kind": "renamed", "field": "", "old_value": "old-id", "new_value": "new-id"},
        {"version": "9.1.0", "table": "claims", "key": "claim_id", "row_id": "new-id", "kind": "changed", "field": "verdict", "old_value": "a", "new_value": "b"},
        {"version": "9.1.0", "table": "claims", "key": "claim_id", "row_id": "gone-id", "kind": "removed", "field": "", "old_value": "", "new_value": ""},
        {"version": "9.1.0", "table": "claims", "key": "claim_id", "row_id": "", "kind": "added", "field": "x", "old_value": "", "new_value": ""}]
    history, gone = s.row_history()
    assert [(c["kind"], c["version"]) for c in history[("claims", "new-id")]] == [("renamed", "9.0.0"), ("changed", "9.1.0")]
    assert {k: c["kind"] for k, c in gone.items()} == {("claims", "old-id"): "renamed", ("claims", "gone-id"): "removed"}
    assert ("claims", "") not in history  # a column's change belongs to no row
