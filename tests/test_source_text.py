"""The folding and locator rules that every quote check relies on."""
from source_text import Article, fold, locators


def test_fold_quotes_and_spaces():
    assert fold("“a”\u00a0 ‘b’\n c") == "\"a\" 'b' c"


def test_locators_number_lines_and_footnotes():
    loc = locators("Title\n\nBody [1] here\n\n\n[1] Note one\n")
    assert loc == {"p1": "Title", "p2": "Body [1] here", "fn1": "Note one"}


def test_gap_quotes_must_be_in_order(tmp_path):
    p = tmp_path / "t.txt"
    p.write_text("Title\nalpha beta gamma delta\n", encoding="utf-8")
    a = Article(p)
    assert a.contains("p2", "alpha … delta")
    assert not a.contains("p2", "delta … alpha")
    assert not a.contains("p1", "alpha")
    assert not a.contains("p9", "alpha")
