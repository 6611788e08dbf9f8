"""How quotes are compared with the article: folding, locators, gaps, enough real text."""
from ifimes_karabakh.article import Article, fold, locators, quote_identifies


def test_fold_quotes_and_spaces():
    assert fold("“a”\u00a0 ‘b’\n c") == "\"a\" 'b' c"


def test_locators_number_lines_and_footnotes():
    assert locators("Title\n\nBody [1] here\n\n\n[1] Note one\n") == {"p1": "Title", "p2": "Body [1] here", "fn1": "Note one"}


def test_gap_quotes_must_be_in_order():
    a = Article("Title\nalpha beta gamma delta\n", "0" * 64)
    assert a.contains("p2", "alpha … delta")
    assert not a.contains("p2", "delta … alpha")
    assert not a.contains("p1", "alpha")
    assert not a.contains("p9", "alpha")
    assert a.anywhere("gamma delta") and not a.anywhere("epsilon")


def test_a_quote_must_identify_its_place():
    assert quote_identifies("the six-week war")
    assert not quote_identifies("………")
    assert not quote_identifies("R … a")
    assert not quote_identifies("war")  # too little in all
    assert not quote_identifies("the six-week war … ab")  # a part too short


def test_read_refuses_text_that_is_not_utf8(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"Title\n\xff\n")
    out = []
    assert Article.read(p, out) is None and out[0].row == 2 and out[0].kind == "article"
