"""Every quote stands verbatim in the article at its locator; the article's SHA-256 is the recorded one.
Checked here directly, independently of scripts/validate.py."""
import csv
import hashlib
import json

import pytest

from conftest import ROOT, require_source_text
from source_text import ARTICLE_ID, Article

DP = json.loads((ROOT / "datapackage.json").read_text())


def rows(name):
    path = next(r["path"] for r in DP["resources"] if r["name"] == name)
    with open(ROOT / path, encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


@pytest.fixture(scope="module")
def article():
    return Article(require_source_text())


def test_sha256_of_source_text_is_recorded(article):
    recorded = next(r["sha256"] for r in rows("sources") if r["source_id"] == ARTICLE_ID)
    assert hashlib.sha256(article.path.read_bytes()).hexdigest() == recorded


def test_article_has_51_lines_and_5_footnotes(article):
    assert max(int(k[1:]) for k in article.raw if k.startswith("p")) == 51
    assert sorted(k for k in article.raw if k.startswith("fn")) == [f"fn{i}" for i in range(1, 6)]


@pytest.mark.parametrize("table", [r["name"] for r in DP["resources"]])
def test_every_quote_is_verbatim(article, table):
    kinds = {r["source_id"]: r["kind"] for r in rows("sources")}
    src_col = "cited_in_source_id" if table == "sources" else "source_id"
    checked, missing = 0, []
    for i, r in enumerate(rows(table), start=2):
        if kinds.get(r[src_col]) in ("article", "footnote"):
            checked += 1
            if not article.contains(r["locator"], r["quote"]):
                missing.append(f"{table}.csv:{i}:quote {r['quote']!r}")
    assert not missing
    if table not in ("sources", "statement_points"):  # these two cite outside documents too
        assert checked > 0


def test_footnote_rows_match_the_article(article):
    fns = [r for r in rows("sources") if r["kind"] == "footnote"]
    assert [int(r["footnote_number"]) for r in fns] == [1, 2, 3, 4, 5]
    for r in fns:
        assert " ".join(r["footnote_text"].split()) == " ".join(article.raw[f"fn{r['footnote_number']}"].split())
