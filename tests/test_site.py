"""The static website (ifimes_karabakh/site.py).

In-process, no browser: two builds are byte-identical, take under 10 s and stay under 5 MB; every
table, and every row of a table other tables point to, has its page; a row page shows every value of
its row; the landing page says what the dataset is and how to cite it, with a schema.org JSON-LD
block; no paragraph of the article is reproduced; new tables and columns need no change to the code;
a folder the command did not build is never replaced; the command line writes the site and a
reproducible zip of it.

In headless Chromium (Debian's /usr/bin/chromium, or $CHROMIUM, driven by Playwright; the browser is
launched once for the module): the whole site is crawled from index.html, and every page loads with
no console error and no failed request and every internal link and #fragment resolves; search
narrows a table, a filter, sorting and ?column=value work; the keyboard reaches the content first; a
permalink opens the right row, and contradiction pairs link both ways; without JavaScript every row
shows; served over HTTP it loads cleanly; axe-core finds no serious or critical violation;
screenshots go to site-screenshots/ (or $SITE_SCREENSHOTS). These tests never skip: without
Chromium or Playwright they fail with one line saying what to install."""
import csv
import html
import http.server
import json
import os
import re
import threading
import zipfile
from functools import partial
from pathlib import Path
from urllib.parse import quote, unquote, urldefrag

import pytest

from conftest import copy_package, read, require_article, write
from ifimes_karabakh import REPO
from ifimes_karabakh import __main__ as cli
from ifimes_karabakh import site
from ifimes_karabakh.descriptor import as_list, load_package

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
SHOTS = Path(os.environ.get("SITE_SCREENSHOTS", REPO / "site-screenshots"))
SERIOUS = ("serious", "critical")
BATCH = 40          # pages loaded at once by the crawl


def csv_rows(root, name):
    pkg = load_package(root)
    with open(root / pkg.resource(name).path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def files(folder: Path) -> dict:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def text_of(page_html: str) -> str:
    """What a reader sees: tags removed, entities decoded, whitespace folded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The site of this repository, built once for the module (its build time is checked)."""
    return site.build(REPO, tmp_path_factory.mktemp("site") / "site")


@pytest.fixture(scope="module")
def claim_id():
    """The claim the tests look at: one with a contradiction partner and a verdict other than
    confirmed where there is one (it shows the most), else the first."""
    rows = csv_rows(REPO, "claims")
    best = [r for r in rows if r.get("contradicts_claim_id") and r.get("verdict") != "confirmed"]
    return (best or rows)[0]["claim_id"]


# ------------------------------------------------------------------ in-process
def test_two_builds_are_byte_identical_fast_and_small(built, tmp_path):
    again = site.build(REPO, tmp_path / "again")
    assert files(built.out) == files(again.out)
    assert built.seconds < 10 and again.seconds < 10
    total = sum(len(b) for b in files(built.out).values())
    assert total == built.bytes < site.MAX_BYTES, f"the site is {total:,} bytes"
    assert built.pages == len(list(built.out.rglob("*.html")))


def paged():
    """The tables whose rows have pages: a single-column key that other tables point to."""
    pkg = load_package(REPO)
    pointed = {fk["reference"].get("resource") for r in pkg.resources for fk in r.schema.get("foreignKeys", [])
               if fk["reference"].get("resource") not in (None, "", r.name)}
    return [r for r in pkg.resources if len(as_list(r.schema.get("primaryKey"))) == 1 and r.name in pointed]


def test_every_table_and_every_entity_row_has_a_page_and_the_downloads_are_the_files(built):
    pkg = load_package(REPO)
    out = built.out
    for r in pkg.resources:
        assert (out / "tables" / f"{r.name}.html").is_file()
        assert (out / "download" / r.path).read_bytes() == (REPO / r.path).read_bytes()
    for r in paged():
        pk = as_list(r.schema.get("primaryKey"))[0]
        pages = {p.name for p in (out / "rows" / r.name).glob("*.html")}
        assert pages == {f"{site.file_name(row[pk])}.html" for row in csv_rows(REPO, r.name)}
    assert [r.name for r in load_package(out / "download").resources] == [r.name for r in pkg.resources]  # a package
    assert {r.name for r in paged()} >= {"agreements", "parties", "territories", "events", "claims", "sources"}
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
    for suffix in (".zip", ".sqlite"):
        assert f"{pkg.name}-{pkg.version}{suffix}" in text
    assert "SHA256SUMS" in text and "./dp release" in text
    for r in pkg.resources:
        assert f'href="download/{r.path}"' in page
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    ld = json.loads(block)
    assert ld["@type"] == "Dataset" and ld["version"] == pkg.version and ld["name"] == pkg.descriptor["title"]
    assert len(ld["distribution"]) == len(pkg.resources) and ld["license"].startswith("https://")


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


def test_new_tables_and_columns_need_no_change_to_the_code(tmp_path):
    """A new entity table (places), a new table that points to it and to parties (sightings: a
    quote, an enum, coordinates) and a new enum column on claims are shown with no code change."""
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

    out = site.build(pkg, tmp_path / "site").out
    table = (out / "tables" / "sightings.html").read_text(encoding="utf-8")
    assert 'id="s-1"' in table and 'id="S_2/Ä"' in table and "hostile words" in table and 'data-col="3"' in table
    assert not (out / "rows" / "sightings").exists()            # nothing points to a sighting: no pages
    place = (out / "rows" / "places" / "shusha-town.html").read_text(encoding="utf-8")
    assert "39.76" in place and "sightings, by <code>place_id</code> (2)" in place
    assert "A quote that stands out" in place and 'href="../../tables/sightings.html#s-1"' in place
    assert 'href="../../tables/sightings.html#S_2/%C3%84"' in place
    back = (out / "rows" / "parties" / f"{site.file_name(party)}.html").read_text(encoding="utf-8")
    assert "sightings, by <code>party_id</code> (2)" in back and 'href="../places/shusha-town.html"' in back
    claims_table = (out / "tables" / "claims.html").read_text(encoding="utf-8")
    assert ">confidence</label>" in claims_table and "very sure" in claims_table
    assert site.file_name("S 2/Ä") != site.file_name("s 2/ä") and "/" not in site.file_name("S 2/Ä")


def test_a_folder_the_command_did_not_build_is_never_replaced(tmp_path, built):
    foreign = tmp_path / "mine"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(site.SiteError, match="not a site built by this command"):
        site.build(REPO, foreign)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "keep me"
    again = tmp_path / "again"
    site.build(REPO, again)
    (again / "stale.html").write_text("old", encoding="utf-8")
    site.build(REPO, again)  # a site built before is replaced whole: nothing stale stays
    assert not (again / "stale.html").exists()


def test_the_command_line_builds_the_site_and_its_zip(tmp_path, capsys):
    out, zpath = tmp_path / "s", tmp_path / "site.zip"
    assert cli.main(["site", "--out", str(out), "--zip", str(zpath)]) == 0
    assert re.match(r".*: \d+ pages, [\d.]+ [kM]B, built in [\d.]+ s$", capsys.readouterr().out.strip())
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


def test_every_page_loads_cleanly_and_every_internal_link_resolves(built, browser, tmp_path):
    """Crawl from index.html: every page is reached, loads with no console error and no failed
    request, and every internal link (with its #fragment) points to a file and an id that exist.
    Pages load BATCH at a time as hidden frames of one page outside the site: each a full document
    that fetches its style sheet, script and images and runs its script (checked: every one is
    requested), at a third of the time of one navigation each."""
    base = built.out.as_uri() + "/"
    w = Watch(browser)
    todo, seen, ids, links, needed = ["index.html"], set(), {}, {}, set()
    harness = tmp_path / "crawl.html"
    while todo:
        batch = []
        while todo and len(batch) < BATCH:
            rel = todo.pop(0)
            if rel not in seen:
                seen.add(rel)
                batch.append(rel)
        if not batch:
            break
        frames = "".join(f'<iframe title="{i}" hidden src="{html.escape(base + quote(rel))}"></iframe>' for i, rel in enumerate(batch))
        harness.write_text(f'<!DOCTYPE html><html lang="en"><title>crawl</title>{frames}</html>', encoding="utf-8")
        page = w.goto(harness.as_uri())
        loaded = {}
        for frame in page.frames[1:]:
            rel = unquote(frame.url[len(base):]) if frame.url.startswith(base) else frame.url
            loaded[rel] = frame.evaluate("""() => [document.readyState, document.title,
                document.querySelectorAll('main').length * 10 + document.querySelectorAll('h1').length,
                Array.from(document.querySelectorAll('[id]'), e => e.id),
                Array.from(document.querySelectorAll('a[href], link[href], img[src], script[src]'), e => e.href || e.src),
                Array.from(document.querySelectorAll('link[rel=stylesheet], img[src], script[src]'), e => e.href || e.src)]""")
        assert sorted(loaded) == sorted(batch)
        for rel in batch:
            state, title, landmarks, ids[rel], links[rel], subresources = loaded[rel]
            needed.update(subresources)
            assert state == "complete" and title and landmarks == 11, f"{rel}: not loaded, or not one <main> and one <h1>"
            for url in links[rel]:
                if url.startswith(base):
                    target = unquote(urldefrag(url)[0][len(base):].split("?")[0])
                    if target.endswith(".html") and target not in seen and target not in todo:
                        todo.append(target)
    problems = list(w.problems)
    for rel, urls in links.items():
        for url in urls:
            if url.startswith(("https://", "http://", "data:")):
                continue
            if not url.startswith(base):
                problems.append(f"{rel}: link leaves the site: {url}")
                continue
            path, fragment = urldefrag(url)
            target = unquote(path[len(base):].split("?")[0])
            if not (built.out / target).is_file():
                problems.append(f"{rel}: broken link {target}")
            elif fragment and target.endswith(".html") and unquote(fragment) not in set(ids.get(target, ())):
                problems.append(f"{rel}: no id {unquote(fragment)!r} in {target}")
    every = {p.relative_to(built.out).as_posix() for p in built.out.rglob("*.html")}
    problems += [f"style sheet, image or script never requested: {u}" for u in sorted(needed - w.requested)]
    assert not problems, problems[:20]
    assert seen == every, f"pages no link reaches: {sorted(every - seen)[:10]}"


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
    assert all(word in t.lower() for t in shown.all_inner_texts())
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


def test_axe_finds_no_serious_or_critical_violation(served, browser, claim_id):
    """Over HTTP: axe-core fetches the style sheets, which a file:// page does not allow."""
    from axe_playwright_python.sync_playwright import Axe
    axe = Axe()
    party = csv_rows(REPO, "parties")[0]["party_id"]
    pages = ["index.html", "tables/claims.html", f"rows/claims/{site.file_name(claim_id)}.html", "verdicts.html",
             f"rows/parties/{site.file_name(party)}.html"]
    w = Watch(browser)
    found = []
    for rel in pages:
        res = axe.run(w.goto(served + rel))
        for v in res.response["violations"]:
            if v["impact"] in SERIOUS:
                found.append(f"{rel}: {v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}")
    assert not found, found
    assert not w.problems


def test_screenshots_at_desktop_and_phone_width(built, browser, claim_id):
    """Written to site-screenshots/: the landing page's first screen and the whole claim page, at
    1280 and 390 pixels wide; neither page scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for label, width, height in (("desktop", 1280, 900), ("phone", 390, 844)):
        w = Watch(browser, viewport={"width": width, "height": height})
        for name, rel, full in (("landing", "index.html", False), ("claim", f"rows/claims/{site.file_name(claim_id)}.html", True)):
            page = w.goto(built.out.as_uri() + "/" + rel)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, f"{rel} scrolls sideways at {width}px"
            path = SHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=full)
            assert path.stat().st_size > 5000
        w.page.close()
        assert not w.problems
