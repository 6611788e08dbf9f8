"""Every rule of rules.py on a few literal rows: which rows pass, which fail.

Rules of one family (the same test applied to other columns) share a case written in terms of the
rule's own columns; every other rule has its own case. A rule without a case fails the last test.
The rules are those of this package: the conventions derived from each schema, and the
table-specific ones."""
import hashlib
import importlib.util
import os
import sys

import pandas as pd
import pytest

from ifimes_karabakh import REPO, rules
from ifimes_karabakh.article import Article
from ifimes_karabakh.descriptor import Resource, load_package

TEXT = "A title\nIn Moscow, on 9 November 2020, the war ended in Kalbajar[1] today.\nA second line.\n\n[1] The footnote text.\n"
ARTICLE = Article(TEXT, hashlib.sha256(TEXT.encode()).hexdigest())
SOURCES = pd.DataFrame([
    {"source_id": "ifimes-2020", "kind": "article", "date": "2020-12-03"},
    {"source_id": "ifimes-2020-fn1", "kind": "footnote", "date": "2020-12-03"},
    {"source_id": "un-doc", "kind": "un_document", "date": "1993"},
])
PARTIES = pd.DataFrame([{"party_id": "armenia", "kind": "state"}, {"party_id": "nikol-pashinyan", "kind": "person"}])


# the ranking of sources.authority, strongest first, as its schema's categories give it
AUTHORITY_RANKING = ["article", "official_record", "intergovernmental_record", "peace_agreement_database", "scholarly_work", "reference_work",
                     "independent_media", "state_funded_independent_media", "state_affiliated_media", "partisan_or_advocacy", "mirror_or_copy"]


def ctx(**tables):
    return rules.Context({"sources": SOURCES, "parties": PARTIES, **tables}, ARTICLE, categories={"sources.authority": AUTHORITY_RANKING})


def run(rule, rows, context=None):
    """The rule's verdict on each row; columns the rows do not give are empty."""
    cols = sorted(rule.columns | {c for r in rows for c in r})
    df = pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], index=range(2, 2 + len(rows)))
    out = rule.test(df, context or ctx())
    assert list(out.index) == list(df.index), "a rule must answer for every row, on the row's own index"
    return [bool(v) for v in out]


PACKAGE = load_package(REPO)
ALL = [r for rs in rules.for_package(PACKAGE.resources).values() for r in rs]  # at import: the ids to parametrise over


def executed_again():
    """rules.py executed again, as a module object of its own under its own name. Its
    table-specific rules are registered when it is imported, before any test runs; the tests must
    run the rules as the code makes them now. Under `./dp mutate` that is the mutant's code: mutmut
    tests each mutant in a process that imported every module before the mutant was chosen."""
    spec = importlib.util.spec_from_file_location(rules.__name__, rules.__file__)
    module = importlib.util.module_from_spec(spec)
    kept = sys.modules[rules.__name__]
    sys.modules[rules.__name__] = module  # what the module's own classes look themselves up by while it runs
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules[rules.__name__] = kept
    return module


_NOW = {}  # MUTANT_UNDER_TEST (empty outside ./dp mutate) -> {rule id: rule} as rules.py makes them then


def now() -> dict:
    """Every rule of the package by id, from rules.py executed again (once per process and mutant;
    for each test in mutmut's run that records which tests reach which function)."""
    key = os.environ.get("MUTANT_UNDER_TEST", "")
    if key not in _NOW or key == "stats":  # mutmut's "stats" run records which test runs which code: every test, its own execution
        _NOW[key] = {r.id: r for rs in executed_again().for_package(PACKAGE.resources).values() for r in rs}
    return _NOW[key]


def of(name):
    return [r for r in ALL if r.name == name]


TESTED = set()  # rule ids with a case: families below add theirs at import, single rules by the ids one("...") names


@pytest.fixture
def rule(request):
    """The rule a case is parametrised with (by id), as rules.py makes it when the test runs."""
    return now()[request.param]


def case(rule_list):
    """Mark rules as having a case, and parametrise a test over them (by id; the `rule` fixture
    gives the rule itself)."""
    TESTED.update(r.id for r in rule_list)
    ids = [r.id for r in rule_list]
    return pytest.mark.parametrize("rule", ids, ids=ids, indirect=True)


# ------------------------------------------------------------------ families
@case(of("as_stated_in_quote"))
def test_as_stated_in_quote(rule):
    q = rule.uses[0]
    rows = [{rule.column: "9 November", q: "on 9 November 2020"}, {rule.column: "10 November", q: "on 9 November 2020"},
            {rule.column: "", q: "anything"}, {rule.column: "“war”", q: 'the "war" ended'}]
    assert run(rule, rows) == [True, False, True, True]


@case(of("quote_identifies_place"))
def test_quote_identifies_place(rule):
    q = rule.column
    rows = [{q: "the war ended today"}, {q: "………"}, {q: "R … a"}, {q: "the war ended … today"},
            {q: "ab … the war ended"}, {q: ""}, {q: "the … the … the … the"}, {q: "with … with … with"},
            {q: "Kalbajar … 1994"}, {q: "the war ended … with the"}, {q: "Շուշի … Ստեփանակերտ"}, {q: "abcd … efg"},
            {q: "the war … ended today"}]  # "the war": no word of four letters; it could stand almost anywhere
    assert run(rule, rows) == [True, False, False, True, False, True, False, False, True, False, True, False, False]


@case(of("locator_exists"))
def test_locator_exists(rule):
    src = rule.uses[0]
    rows = [{src: "ifimes-2020", "locator": "p2"}, {src: "ifimes-2020", "locator": "p9"}, {src: "ifimes-2020-fn1", "locator": "fn1"},
            {src: "un-doc", "locator": "pt3"}, {src: "un-doc", "locator": "p2"}, {src: "un-doc", "locator": "row4834"}]
    assert run(rule, rows) == [True, False, True, True, False, True]


@case(of("quote_verbatim"))
def test_quote_verbatim(rule):
    src, loc = rule.uses
    q = rule.column
    rows = [{src: "ifimes-2020", loc: "p2", q: "the war ended in Kalbajar"},
            {src: "ifimes-2020", loc: "p2", q: "the conflict ended"},
            {src: "ifimes-2020", loc: "p2", q: "In Moscow … the war ended"},
            {src: "ifimes-2020", loc: "p2", q: "the war ended … In Moscow"},
            {src: "ifimes-2020", loc: "p3", q: "the war ended in Kalbajar"},
            {src: "un-doc", loc: "pt1", q: "not in the article at all"}]
    assert run(rule, rows) == [True, False, True, False, False, True]


KEPT = Article("Press release 10 November 2020\n\n1. A complete ceasefire is announced\nin the conflict zone.", "ab" * 32)


@case(of("quote_in_kept_text"))
def test_quote_in_kept_text(rule):
    src, quote = rule.uses[0], rule.column
    context = rules.Context({"sources": SOURCES, "parties": PARTIES}, ARTICLE, {"un-doc": KEPT})
    rows = [{src: "un-doc", quote: "A complete ceasefire is announced in the conflict zone"},
            {src: "un-doc", quote: "A complete ceasefire … conflict zone"}, {src: "un-doc", quote: "A partial ceasefire"},
            {src: "other-doc", quote: "anything at all here"}, {src: "un-doc", quote: ""}]
    assert run(rule, rows, context) == [True, True, False, True, True]


STATED_ANYWHERE = {"agreements.other_names_as_stated", "agreement_parties.representative_office_as_stated"}


def test_the_stated_rules_say_where_the_words_must_stand():
    assert {r.id.split(":")[0] for r in now().values() if r.name == "stated_verbatim" and "anywhere in the article" in r.message} == STATED_ANYWHERE
    assert now()["agreements.description_as_stated:stated_verbatim(source_id,locator,quote)"].message == \
        "description_as_stated not found verbatim in the article at locator (a row citing another source: in its quote)"
    assert now()["agreements.other_names_as_stated:stated_verbatim(source_id,locator,quote)"].message == \
        "other_names_as_stated not found verbatim anywhere in the article (a row citing another source: in its quote)"


@case(of("stated_verbatim"))
def test_stated_verbatim(rule):
    loc, quote = rule.uses[1], rule.uses[2]
    anywhere = rule.id.split(":")[0] in STATED_ANYWHERE  # words the article may hold anywhere, not only at the row's locator
    sep = " | " if rule.column == "other_names_as_stated" else None
    rows = [{rule.column: "the war ended", "source_id": "ifimes-2020", loc: "p2"},
            {rule.column: "peace reigned", "source_id": "ifimes-2020", loc: "p2"},
            {rule.column: "A second line", "source_id": "ifimes-2020", loc: "p2"},
            {rule.column: "peace reigned", "source_id": "un-doc", loc: "pt1", quote: "and peace reigned then"},
            {rule.column: "peace reigned", "source_id": "un-doc", loc: "pt1", quote: "war went on"},
            {rule.column: "", "source_id": "ifimes-2020", loc: "p2"}]
    assert run(rule, rows) == [True, False, anywhere, True, False, True]
    if sep:
        assert run(rule, [{rule.column: "the war ended | A second line", "source_id": "ifimes-2020", loc: "p2"},
                          {rule.column: "the war ended | peace", "source_id": "ifimes-2020", loc: "p2"}]) == [True, False]


@case(of("external_source"))
def test_external_source(rule):
    if rule.uses:  # the source goes with a value: given with it, empty without it
        when = rule.uses[0]
        rows = [{when: "x", rule.column: "un-doc"}, {when: "x", rule.column: "ifimes-2020"}, {when: "x", rule.column: ""},
                {when: "", rule.column: ""}, {when: "", rule.column: "un-doc"}, {when: "x", rule.column: "no-such-source"}]
        assert run(rule, rows) == [True, False, False, True, False, False]
    else:  # the row's own source (required), or a source of values no single column holds (where given)
        optional = "where it is given" in rule.message
        assert run(rule, [{rule.column: "un-doc"}, {rule.column: "ifimes-2020-fn1"}, {rule.column: ""}, {rule.column: "no-such-source"}]) == [True, False, optional, False]


@case(of("date_real"))
def test_date_real(rule):
    p = rule.column
    rows = [{p: "2020-11-09"}, {p: "2020-02-30"}, {p: "9 Nov 2020"}, {p: "1993/1994"}, {p: "1994/1993"}, {p: "1993/1994-05"}, {p: ""}]
    assert run(rule, rows) == [True, False, False, True, False, False, True]


@case(of("date_coverage"))
def test_date_coverage(rule):
    """From 1900-01-01 on; in a row citing the article (where the table has a row source), up to the
    article's date, 2020-12-03; a row citing another source may give a later date."""
    p = rule.column
    src = rule.uses[0] if rule.uses else None
    rows = [{p: "1899"}, {p: "1899-12-31"}, {p: "1900-01-01"}, {p: "1900"}, {p: "1993"}, {p: "2020-12-03"}, {p: "2020-12-04"}, {p: "2021-05"},
            {p: "1899/1900"}, {p: ""}]
    for r in rows:
        if src:
            r[src] = "ifimes-2020"
    upper = src is not None
    assert run(rule, rows) == [False, False, True, True, True, True, not upper, not upper, False, True]
    if src:
        assert run(rule, [{p: "2021-05", src: "un-doc"}, {p: "2020-12", src: "ifimes-2020-fn1"}, {p: "1899", src: "un-doc"}]) == [True, False, False]


@case(of("date_precision"))
def test_date_precision(rule):
    p = rule.uses[0]
    rows = [{p: "2020-11-09", rule.column: "day"}, {p: "2020-11", rule.column: "day"}, {p: "1993", rule.column: "year"},
            {p: "", rule.column: "year"}, {p: "", rule.column: ""}]
    assert run(rule, rows) == [True, False, True, False, True]


@case(of("date_basis"))
def test_date_basis(rule):
    p, das = rule.uses
    rows = [{p: "1993", rule.column: "as_stated", das: "in 1993"}, {p: "1993", rule.column: "as_stated", das: ""},
            {p: "1993", rule.column: "corrected"}, {p: "1993", rule.column: ""}, {p: "", rule.column: "added"}, {p: "", rule.column: ""}]
    assert run(rule, rows) == [True, False, True, False, False, True]


@case(of("date_source"))
def test_date_source(rule):
    basis = rule.uses[0]
    rows = [{basis: "corrected", rule.column: "un-doc"}, {basis: "added", rule.column: "ifimes-2020"}, {basis: "refined", rule.column: ""},
            {basis: "as_stated", rule.column: ""}, {basis: "inferred", rule.column: "un-doc"}]
    assert run(rule, rows) == [True, False, False, True, False]


@case(of("derived_day"))
def test_derived_day(rule):
    p = rule.uses[0]
    first = rule.column.endswith("_start")
    rows = [{p: "1993", rule.column: "1993-01-01" if first else "1993-12-31"}, {p: "1993", rule.column: "1993-06-01"},
            {p: "2020-02", rule.column: "2020-02-01" if first else "2020-02-29"}, {p: "", rule.column: ""}, {p: "", rule.column: "1993-01-01"},
            {p: "1995-05-01/1995-05-03", rule.column: "1995-05-01" if first else "1995-05-03"}]
    assert run(rule, rows) == [True, False, True, True, False, True]


@case(of("iso_exists"))
def test_iso_exists(rule):
    codes = {"iso3": ["ARM", "SUN", "XYZ"], "iso3166_code": ["AM", "AZ-KAL", "AZ-ZZZ"]}[rule.column]
    assert run(rule, [{rule.column: c} for c in codes] + [{rule.column: ""}]) == [True, True, False, True]


@case(of("iso_name"))
def test_iso_name(rule):
    code = rule.uses[0]
    good = {"iso3": ("AZE", "Azerbaijan"), "iso3166_code": ("AZ-KAL", "Kəlbəcər")}[code]
    rows = [{code: good[0], rule.column: good[1]}, {code: good[0], rule.column: "Armenia"}, {code: "", rule.column: ""}]
    assert run(rule, rows) == [True, False, True]


# ------------------------------------------------------------------ required when ...
REQUIRED = {  # rule id -> rows (with the column filled or not) and the verdicts
    "sources.url:required_when(kind)": ([{"kind": "un_document", "url": ""}, {"kind": "un_document", "url": "https://x"}, {"kind": "article", "url": ""}], [False, True, True]),
    "sources.access_date:required_when(kind,cited_in_source_id)": (
        [{"kind": "un_document", "access_date": ""}, {"kind": "un_document", "cited_in_source_id": "ifimes-2020"}, {"kind": "footnote"}], [False, True, True]),
    "sources.sha256:required_when(kind)": ([{"kind": "article"}, {"kind": "article", "sha256": "ab"}, {"kind": "footnote"}], [False, True, True]),
    "sources.quote:required_when(cited_in_source_id)": ([{"cited_in_source_id": "ifimes-2020"}, {"cited_in_source_id": "ifimes-2020", "quote": "q"}, {}], [False, True, True]),
    "parties.affiliation_party_id:required_when(kind)": ([{"kind": "person"}, {"kind": "organ", "affiliation_party_id": "armenia"}, {"kind": "state"},
                                                          {"kind": "office"}, {"kind": "organ"}, {"kind": "former_state"}], [False, True, True, False, False, True]),
    "sources.text_licence:required_when(text_file)": ([{"text_file": "texts/a.txt"}, {"text_file": "texts/a.txt", "text_licence": "law"}, {}], [False, True, True]),
    "claims.verdict:required_when(kind)": ([{"kind": "fact"}, {"kind": "fact", "verdict": "confirmed"}, {"kind": "forecast"}], [False, True, True]),
    "claims.note:required_when(verdict)": ([{"verdict": "unverifiable"}, {"verdict": "unverifiable", "note": "why"}, {"verdict": "confirmed"}], [False, True, True]),
}
for col in ("outcome", "as_of", "value_verified"):
    REQUIRED[f"claims.{col}:required_when(kind)"] = ([{"kind": "forecast"}, {"kind": "forecast", col: "x"}, {"kind": "fact"}], [False, True, True])
for col in ("parent_source_id", "footnote_number", "footnote_text", "anchor_text", "anchor_locator"):
    REQUIRED[f"sources.{col}:required_when(kind)"] = ([{"kind": "footnote"}, {"kind": "footnote", col: "1"}, {"kind": "article"}], [False, True, True])
for table, code, name in (("parties", "iso3", "iso3_name"), ("territories", "iso3166_code", "iso3166_name")):
    REQUIRED[f"{table}.{name}:required_when({code})"] = ([{code: "AM"}, {code: "AM", name: "Armenia"}, {}], [False, True, True])
for value, quote in (("adoption_date", "adoption_quote"), ("meeting", "meeting_quote"), ("draft_symbol", "draft_quote")):
    REQUIRED[f"resolutions.{quote}:required_when({value})"] = ([{value: "S/PV.3205"}, {value: "S/PV.3205", quote: "S/PV.3205 30 April"}, {}], [False, True, True])
REQUIRED["memberships.note:required_when(basis)"] = ([{"basis": "inferred"}, {"basis": "inferred", "note": "from a vote"}, {"basis": "as_stated"}], [False, True, True])
REQUIRED["conflict_parties.note:required_when(role_basis)"] = ([{"role_basis": "inferred"}, {"role_basis": "inferred", "note": "how"}, {"role_basis": "as_stated"}],
                                                               [False, True, True])
for table, basis in (("agreements", "date_basis"), ("events", "date_basis"), ("territory_control", "start_basis"), ("territory_control", "end_basis"),
                     ("later_events", "date_basis")):
    REQUIRED[f"{table}.note:required_when({basis})"] = ([{basis: "inferred"}, {basis: "inferred", "note": "how"}, {basis: "as_stated"}], [False, True, True])


@case([r for r in ALL if r.id in REQUIRED])
def test_required_when(rule):
    rows, expected = REQUIRED[rule.id]
    assert run(rule, rows) == expected


def test_every_required_when_rule_has_a_case():
    assert {r.id for r in now().values() if r.name == "required_when"} == set(REQUIRED)


# ------------------------------------------------------------------ one rule each
def one(rule_id):
    TESTED.add(rule_id)
    return now()[rule_id]


def hashed_sources(article_sha, kept_sha):
    return pd.DataFrame([{"source_id": "ifimes-2020", "kind": "article", "sha256": article_sha, "text_file": ""},
                         {"source_id": "ifimes-2020-fn1", "kind": "footnote", "sha256": "", "text_file": ""},
                         {"source_id": "un-doc", "kind": "un_document", "sha256": kept_sha, "text_file": "texts/un-doc.txt"}], index=[2, 3, 4])


def test_unchanged_texts_are_kept_and_checked():
    context = rules.Context({"sources": hashed_sources(ARTICLE.sha256, "ab" * 32)}, ARTICLE, {"un-doc": KEPT})
    assert rules.changed_texts(context, "article.txt") == ([], [])
    assert context.article is ARTICLE and "un-doc" in context.texts


def test_a_changed_article_is_named_first_with_both_hashes_and_its_quotes_are_not_checked():
    context = rules.Context({"sources": hashed_sources("0" * 64, "ab" * 32)}, ARTICLE, {"un-doc": KEPT})
    found, notes = rules.changed_texts(context, "article.txt")
    assert [(p.file, p.row, p.column, p.kind) for p in found] == [("article.txt", None, None, "sha256"), ("data/sources.csv", 2, "sha256", "article")]
    a, z = ARTICLE.sha256, "0" * 64
    assert [p.message for p in found] == [
        f"the article's text is not the one the dataset was checked against (found SHA-256 {a}; expected {z}, as data/sources.csv:2:sha256 records): "
        "its quotes, locators and footnotes are not checked",
        f"SHA-256 differs from that of the article's text (found '{z}'; expected {a}: the text changed, or the wrong file)"]
    assert found[1].found == z
    assert context.article is None and notes == ["NOT CHECKED: quotes, locators and footnotes against the article text, because the text is not "
                                                 "the one sources.csv records (see the first problem)"]
    assert "un-doc" in context.texts  # the kept text is unchanged
    context = rules.Context({"sources": hashed_sources("", "ab" * 32)}, ARTICLE, {"un-doc": KEPT})
    assert rules.changed_texts(context, "article.txt") == ([], [])  # no hash recorded: nothing to compare
    two = pd.concat([hashed_sources("0" * 64, "ab" * 32), hashed_sources("1" * 64, "ab" * 32).iloc[:1].set_axis([9])])
    found, _ = rules.changed_texts(rules.Context({"sources": two}, ARTICLE, {"un-doc": KEPT}), "article.txt")
    assert [(p.file, p.row) for p in found] == [("article.txt", None), ("data/sources.csv", 2), ("article.txt", None), ("data/sources.csv", 9)]


def test_a_changed_kept_text_is_named_first_and_dropped():
    context = rules.Context({"sources": hashed_sources(ARTICLE.sha256, "cd" * 32)}, ARTICLE, {"un-doc": KEPT})
    found, notes = rules.changed_texts(context, "article.txt")
    assert [(p.file, p.row, p.column, p.kind) for p in found] == [("texts/un-doc.txt", None, None, "sha256"), ("data/sources.csv", 4, "sha256", "text")]
    assert [p.message for p in found] == [
        f"the kept text is not the one the dataset was checked against (found SHA-256 {'ab' * 32}; expected '{'cd' * 32}', "
        "as data/sources.csv:4:sha256 records): the quotes from 'un-doc' are not checked against it",
        f"SHA-256 differs from that of the text kept in text_file (found '{'cd' * 32}'; expected {'ab' * 32}: the text changed, or the wrong file)"]
    assert found[1].found == "cd" * 32
    assert notes == ["NOT CHECKED: quotes from 'un-doc' against texts/un-doc.txt, because the text is not the one sources.csv records (see the first problems)"]
    assert "un-doc" not in context.texts and context.article is ARTICLE
    long = "e" * 71  # a recorded hash of the wrong length is shown cut to 70 characters
    context = rules.Context({"sources": hashed_sources(long, long)}, ARTICLE, {"un-doc": KEPT})
    found, _ = rules.changed_texts(context, "article.txt")
    cut = f"'{'e' * 70}…'"
    assert [cut in p.message for p in found] == [False, True, True, True]


def test_footnote_text_and_anchor_and_urls():
    r = one("sources.footnote_text:footnote_text(kind,footnote_number)")
    assert run(r, [{"kind": "footnote", "footnote_number": "1", "footnote_text": "The footnote text."},
                   {"kind": "footnote", "footnote_number": "1", "footnote_text": "Another text."}]) == [True, False]
    r = one("sources.anchor_text:footnote_anchor(kind,footnote_number,anchor_locator)")
    assert run(r, [{"kind": "footnote", "footnote_number": "1", "anchor_text": "in Kalbajar", "anchor_locator": "p2"},
                   {"kind": "footnote", "footnote_number": "1", "anchor_text": "the war", "anchor_locator": "p2"}]) == [True, False]
    r = one("sources.footnote_urls:footnote_urls(footnote_text)")
    assert run(r, [{"footnote_urls": "https://a.b", "footnote_text": "see https://a.b ."}, {"footnote_urls": "https://c.d", "footnote_text": "see https://a.b"},
                   {"footnote_urls": ""}]) == [True, False, True]


def test_parties_rules():
    r = one("parties.iso3:iso_for_states(kind)")
    assert run(r, [{"kind": "state", "iso3": "ARM"}, {"kind": "state", "iso3": ""}, {"kind": "person", "iso3": "ARM"}, {"kind": "person"},
                   {"kind": "former_state", "iso3": "SUN"}, {"kind": "former_state", "iso3": ""}, {"kind": "office", "iso3": "ARM"}]) == [True, False, False, True, True, False, False]
    r = one("parties.affiliation_party_id:not_self_affiliated(party_id)")
    assert run(r, [{"party_id": "a", "affiliation_party_id": "b"}, {"party_id": "a", "affiliation_party_id": "a"}]) == [True, False]


TERRITORIES = [{"territory_id": "azerbaijan", "kind": "country", "iso3166_code": "AZ", "parent_territory_id": ""},
               {"territory_id": "kalbajar", "kind": "district", "iso3166_code": "AZ-KAL", "parent_territory_id": "karabakh"},
               {"territory_id": "karabakh", "kind": "region", "iso3166_code": "", "parent_territory_id": "azerbaijan"}]


def test_no_cycle_of_any_length():
    r = one("territories.parent_territory_id:no_cycle(territory_id)")
    assert run(r, TERRITORIES) == [True, True, True]
    two = [dict(t) for t in TERRITORIES]
    two[2]["parent_territory_id"] = "kalbajar"  # karabakh <-> kalbajar, no country in the loop
    assert run(r, two) == [True, False, False]
    self_loop = [{"territory_id": "x", "parent_territory_id": "x"}]
    assert run(r, self_loop) == [False]
    long = [{"territory_id": f"t{i}", "parent_territory_id": f"t{(i + 1) % 500}"} for i in range(500)]
    assert not any(run(r, long))


def test_iso_in_parent_country():
    r = one("territories.iso3166_code:iso_in_parent_country(territory_id,parent_territory_id,kind)")
    assert run(r, TERRITORIES) == [True, True, True]
    moved = [dict(t) for t in TERRITORIES]
    moved[1]["iso3166_code"] = "AM-ER"
    assert run(r, moved) == [True, False, True]
    cycle = [dict(t) for t in TERRITORIES]
    cycle[2]["parent_territory_id"] = "kalbajar"
    assert run(r, cycle) == [True, True, True]  # a cycle is the cycle rule's finding; this one must still end


def test_territory_code_rules():
    r = one("territories.iso3166_code:country_code(kind)")
    assert run(r, [{"kind": "country", "iso3166_code": "AZ"}, {"kind": "country", "iso3166_code": ""}, {"kind": "city"}]) == [True, False, True]
    r = one("territories.name_az:az_name(iso3166_code,iso3166_name)")
    assert run(r, [{"iso3166_code": "AZ-KAL", "iso3166_name": "Kəlbəcər", "name_az": "Kəlbəcər"},
                   {"iso3166_code": "AZ-KAL", "iso3166_name": "Kəlbəcər", "name_az": "Kelbajar"},
                   {"iso3166_code": "AM-ER", "iso3166_name": "Erevan", "name_az": "İrəvan"}]) == [True, False, True]
    r = one("territories.name_hy_source_id:hy_source(name_hy)")
    assert run(r, [{"name_hy": "Շուշի", "name_hy_source_id": "un-doc"}, {"name_hy": "Շուշի"}, {"name_hy_source_id": "un-doc"}, {}]) == [True, False, False, True]
    r = one("territories.name_hy:hy_in_article(name_hy_source_id)")
    assert run(r, [{"name_hy": "Kalbajar", "name_hy_source_id": "ifimes-2020"}, {"name_hy": "Artsakh", "name_hy_source_id": "ifimes-2020"},
                   {"name_hy": "Artsakh", "name_hy_source_id": "un-doc"}, {"name_hy": "", "name_hy_source_id": "ifimes-2020"}]) == [True, False, True, True]


def test_coordinates_in_country():
    r = one("territories.latitude:coordinates_in_country(longitude,territory_id,parent_territory_id,kind,iso3166_code)")
    rows = [{"territory_id": "azerbaijan", "kind": "country", "iso3166_code": "AZ"}, {"territory_id": "armenia", "kind": "country", "iso3166_code": "AM"},
            {"territory_id": "baku", "kind": "city", "parent_territory_id": "azerbaijan", "latitude": "40.37767", "longitude": "49.89201"},
            {"territory_id": "yerevan", "kind": "city", "parent_territory_id": "azerbaijan", "latitude": "40.18111", "longitude": "44.51361"},
            {"territory_id": "nakhchivan", "kind": "region", "parent_territory_id": "azerbaijan", "latitude": "39.2089", "longitude": "45.41222"},
            {"territory_id": "nowhere", "kind": "city", "latitude": "", "longitude": ""}]
    assert run(r, rows) == [True, True, True, False, True, True]


def test_representative_is_person():
    r = one("agreement_parties.representative_party_id:representative_is_person()")
    parties = pd.DataFrame([{"party_id": "armenia", "kind": "state"}, {"party_id": "nikol-pashinyan", "kind": "person"},
                            {"party_id": "pm-of-armenia", "kind": "office"}, {"party_id": "government", "kind": "organ"}])
    context = rules.Context({"sources": SOURCES, "parties": parties}, ARTICLE)
    assert run(r, [{"representative_party_id": "nikol-pashinyan"}, {"representative_party_id": "armenia"}, {"representative_party_id": ""},
                   {"representative_party_id": "pm-of-armenia"}, {"representative_party_id": "government"}], context) == [True, False, True, True, False]


def test_not_own_member():
    r = one("memberships.organisation_party_id:not_own_member(member_party_id)")
    assert run(r, [{"member_party_id": "a", "organisation_party_id": "b"}, {"member_party_id": "a", "organisation_party_id": "a"}]) == [True, False]


def test_start_before_end():
    """The start's first day against the end's last day: a period may end in the month it starts."""
    r = one("territory_control.end:start_before_end(start)")
    assert run(r, [{"start": "1993", "end": "2020-11-09"}, {"start": "1993", "end": "1990"}, {"start": "1993", "end": "1993-05"},
                   {"start": "", "end": "1990"}, {"start": "bad", "end": "1990"}, {"start": "1993-05-10", "end": "1993-05"},
                   {"start": "1993-05-10", "end": "1993"}, {"start": "1993-06", "end": "1993-05-31"}, {"start": "1993-05-31", "end": "1993-05-31"}]) == [
        True, False, True, True, True, True, True, False, True]


def test_figure_bounds():
    r = one("figures.value:figure_bounds(unit)")
    rows = [{"unit": "km", "value": "6.4"}, {"unit": "km", "value": "-6"}, {"unit": "fraction", "value": "0.25"}, {"unit": "fraction", "value": "2"},
            {"unit": "percent", "value": "100"}, {"unit": "percent", "value": "101"}, {"unit": "km", "value": ""},
            {"unit": "km", "value": "0"}, {"unit": "fraction", "value": "0"}, {"unit": "percent", "value": "0"}, {"unit": "km", "value": "0.001"},
            {"unit": "fraction", "value": "1"}, {"unit": "fraction", "value": "1.0001"}, {"unit": "percent", "value": "100.01"}]
    assert run(r, rows) == [True, False, True, False, True, False, True, False, False, False, True, True, False, False]


def test_claim_rules():
    r = one("claims.value_verified:verified_value(verdict)")
    assert run(r, [{"verdict": "corrected"}, {"verdict": "corrected", "value_verified": "1994"}, {"verdict": "confirmed"}]) == [False, True, True]
    r = one("claims.verdict_source_id:verdict_source(verdict)")
    assert run(r, [{"verdict": "confirmed", "verdict_source_id": "un-doc"}, {"verdict": "confirmed", "verdict_source_id": "ifimes-2020"},
                   {"verdict": "confirmed"}, {"verdict": "unverifiable"}, {"verdict": "unverifiable", "verdict_source_id": "ifimes-2020"}]) == [True, False, False, True, False]
    r = one("claims.contradicts_claim_id:contradiction_pair(claim_id)")
    assert run(r, [{"claim_id": "a", "contradicts_claim_id": "b"}, {"claim_id": "b", "contradicts_claim_id": "a"},
                   {"claim_id": "c", "contradicts_claim_id": "a"}, {"claim_id": "d", "contradicts_claim_id": "d"}, {"claim_id": "e"}]) == [True, True, False, False, True]


SOURCES_GRADED = pd.DataFrame([
    {"source_id": "ifimes-2020", "kind": "article", "authority": "article", "alignment_party_id": "", "date": "2020-12-03"},
    {"source_id": "un-doc", "kind": "un_document", "authority": "official_record", "alignment_party_id": "united-nations", "date": "1993"},
    {"source_id": "wiki-copy", "kind": "reference_page", "authority": "mirror_or_copy", "alignment_party_id": "", "date": ""},
    {"source_id": "az-news", "kind": "reference_page", "authority": "state_affiliated_media", "alignment_party_id": "azerbaijan", "date": ""},
    {"source_id": "az-blog", "kind": "reference_page", "authority": "partisan_or_advocacy", "alignment_party_id": "azerbaijan", "date": ""},
    {"source_id": "am-news", "kind": "reference_page", "authority": "state_affiliated_media", "alignment_party_id": "armenia", "date": ""},
    {"source_id": "wire", "kind": "reference_page", "authority": "independent_media", "alignment_party_id": "", "date": ""},
    {"source_id": "some-blog", "kind": "reference_page", "authority": "partisan_or_advocacy", "alignment_party_id": "", "date": ""},
    {"source_id": "nkr-gov", "kind": "official_page", "authority": "official_record", "alignment_party_id": "nagorno-karabakh-republic", "date": ""},
    {"source_id": "tr-news", "kind": "reference_page", "authority": "state_affiliated_media", "alignment_party_id": "turkey", "date": ""},
])
# the parties to the conflict, as conflict_parties.csv gives them (one row per role)
CONFLICT = pd.DataFrame([{"party_id": "azerbaijan", "role": "side_a"}, {"party_id": "nagorno-karabakh-republic", "role": "side_b"},
                         {"party_id": "armenia", "role": "secondary_side_b"}, {"party_id": "turkey", "role": "secondary_side_a"}])


def evidence_ctx(claim_sources=(), control_sources=(), **tables):
    cs = pd.DataFrame(list(claim_sources), columns=["claim_id", "source_id", "role", "quote"])
    ctl = pd.DataFrame(list(control_sources), columns=["control_id", "source_id", "bound", "role", "date"])
    return rules.Context({"sources": SOURCES_GRADED, "claim_sources": cs, "control_sources": ctl, "conflict_parties": CONFLICT, **tables}, ARTICLE)


def test_a_mention_names_one_entity():
    r = one("mentions.party_id:one_entity(territory_id,agreement_id,event_id,resolution_id)")
    assert run(r, [{"party_id": "armenia"}, {"territory_id": "armenia"}, {"party_id": "armenia", "territory_id": "armenia"}, {}]) == [True, True, False, False]


@case(of("mentioned"))
def test_every_entity_is_mentioned(rule):
    key = rule.column
    mentions = pd.DataFrame([{c: "" for c in ("party_id", "territory_id", "agreement_id", "event_id", "resolution_id")} | {key: "x"}])
    context = rules.Context({"sources": SOURCES, "parties": PARTIES, "mentions": mentions}, ARTICLE)
    assert run(rule, [{key: "x", "source_id": "ifimes-2020"}, {key: "y", "source_id": "ifimes-2020"}, {key: "z", "source_id": "un-doc"}], context) == [True, False, True]


def test_fact_or_forecast():
    r = one("claims.outcome:fact_or_forecast(kind,verdict,as_of)")
    assert run(r, [{"kind": "fact", "verdict": "confirmed"}, {"kind": "fact", "verdict": "confirmed", "outcome": "open"},
                   {"kind": "forecast", "outcome": "open", "as_of": "2026-01-01"}, {"kind": "forecast", "verdict": "confirmed", "outcome": "open"}]) == [True, False, True, False]


def test_main_source_is_the_primary_row_and_back():
    ctx = evidence_ctx([("a", "un-doc", "main", "q1"), ("b", "un-doc", "confirming", "q2"), ("c", "wire", "main", "other")])
    r = one("claims.verdict_source_id:main_source_is_listed(claim_id,verdict_quote)")
    rows = [{"claim_id": "a", "verdict_source_id": "un-doc", "verdict_quote": "q1"}, {"claim_id": "b", "verdict_source_id": "un-doc", "verdict_quote": "q2"},
            {"claim_id": "c", "verdict_source_id": "wire", "verdict_quote": "q3"}, {"claim_id": "d"}]
    assert run(r, rows, ctx) == [True, False, False, True]
    r = one("claim_sources.role:main_row_is_verdict_source(claim_id,source_id)")
    claims = pd.DataFrame([{"claim_id": "a", "verdict_source_id": "un-doc"}, {"claim_id": "b", "verdict_source_id": "wire"}])
    assert run(r, [{"claim_id": "a", "source_id": "un-doc", "role": "main"}, {"claim_id": "b", "source_id": "un-doc", "role": "main"},
                   {"claim_id": "b", "source_id": "un-doc", "role": "confirming"}], evidence_ctx(claims=claims)) == [True, False, True]


def test_no_verdict_on_mirrors_alone():
    r = one("claims.verdict_source_id:not_on_mirrors_alone(claim_id,verdict,kind)")
    ctx = evidence_ctx([("b", "wire", "confirming", "q"), ("c", "wire", "contrary", "q")])
    rows = [{"claim_id": "a", "verdict_source_id": "wiki-copy"}, {"claim_id": "b", "verdict_source_id": "wiki-copy"},
            {"claim_id": "c", "verdict_source_id": "wiki-copy"}, {"claim_id": "d", "verdict_source_id": "un-doc"}, {"claim_id": "e"}]
    assert run(r, rows, ctx) == [False, True, False, True, True]


def test_one_sided_verdict_must_be_disputed():
    r = one("claims.verdict:not_one_sided(claim_id,verdict_source_id,kind)")
    ctx = evidence_ctx([("b", "az-blog", "confirming", "q"), ("c", "am-news", "confirming", "q"), ("d", "wire", "confirming", "q")])
    rows = [{"claim_id": "a", "verdict_source_id": "az-news", "verdict": "confirmed"}, {"claim_id": "b", "verdict_source_id": "az-news", "verdict": "confirmed"},
            {"claim_id": "c", "verdict_source_id": "az-news", "verdict": "confirmed"}, {"claim_id": "d", "verdict_source_id": "az-news", "verdict": "confirmed"},
            {"claim_id": "e", "verdict_source_id": "az-news", "verdict": "disputed"},
            {"claim_id": "f", "verdict_source_id": "some-blog", "verdict": "confirmed"},
            {"claim_id": "g", "verdict_source_id": "az-news", "verdict": ""}]  # no verdict yet (a forecast): nothing to dispute
    assert run(r, rows, ctx) == [False, False, True, True, True, False, True]


def test_view_matches_source():
    r = one("territory_control.view:view_matches_source(source_id)")
    assert run(r, [{"view": "article", "source_id": "ifimes-2020"}, {"view": "recorded", "source_id": "ifimes-2020"},
                   {"view": "recorded", "source_id": "un-doc"}, {"view": "article", "source_id": "un-doc"}], evidence_ctx()) == [True, False, True, False]


def test_recorded_periods_do_not_overlap():
    r = one("territory_control.start:recorded_periods_do_not_overlap(view,territory_id,end,control_id)")
    rows = [{"view": "recorded", "territory_id": "x", "start": "1993-04-02", "end": "2020-11-25"},
            {"view": "recorded", "territory_id": "x", "start": "2020-11-25", "end": ""},
            {"view": "recorded", "territory_id": "y", "start": "1993-08", "end": "2020-10"},
            {"view": "recorded", "territory_id": "y", "start": "2020-10", "end": ""},
            {"view": "article", "territory_id": "x", "start": "1993", "end": ""},
            {"view": "recorded", "territory_id": "z", "start": "1990", "end": "2000"},
            {"view": "recorded", "territory_id": "z", "start": "1991", "end": "1992"},
            {"view": "recorded", "territory_id": "z", "start": "1995", "end": "1996"}]
    assert run(r, rows) == [True, True, True, False, True, True, False, False]


def test_recorded_dates_need_a_source_outside_the_sides():
    start = one("territory_control.start:recorded_date_is_sourced(control_id,view)")
    end = one("territory_control.end:recorded_date_is_sourced(control_id,view)")
    ctl = [("k1", "az-news", "start", "main", "1993-04-02"), ("k1", "wire", "start", "differing", "1993-04-03"),
           ("k2", "az-news", "start", "main", "1993-04-02"), ("k2", "wire", "start", "confirming", "1993-04-02"),
           ("k3", "wiki-copy", "start", "main", "1993-07-23"), ("k4", "wire", "end", "main", "2020-11-20"),
           ("k6", "some-blog", "start", "main", "1993-05-01")]
    rows = [{"control_id": "k1", "view": "recorded", "start": "1993-04-02"}, {"control_id": "k2", "view": "recorded", "start": "1993-04-02"},
            {"control_id": "k3", "view": "recorded", "start": "1993-07-23"}, {"control_id": "k4", "view": "recorded", "start": "", "end": "2020-11-20"},
            {"control_id": "k5", "view": "article", "start": "1993"}, {"control_id": "k6", "view": "recorded", "start": "1993-05-01"}]
    assert run(start, rows, evidence_ctx(control_sources=ctl)) == [False, True, False, True, True, False]
    assert run(end, rows, evidence_ctx(control_sources=ctl)) == [True, True, True, True, True, True]


def test_the_sides_of_the_conflict_come_from_conflict_parties():
    """A date resting on the Nagorno-Karabakh Republic's or Turkey's own record is one-sided, because
    conflict_parties lists them; drop the Republic's row and its record counts as independent."""
    start = one("territory_control.start:recorded_date_is_sourced(control_id,view)")
    ctl = [("k7", "nkr-gov", "start", "main", "1992-05-08"), ("k8", "tr-news", "start", "main", "2020-10-20"),
           ("k9", "am-news", "start", "main", "1993-04-02"), ("k9", "wire", "start", "confirming", "1993-04-02")]
    rows = [{"control_id": "k7", "view": "recorded", "start": "1992-05-08"}, {"control_id": "k8", "view": "recorded", "start": "2020-10-20"},
            {"control_id": "k9", "view": "recorded", "start": "1993-04-02"}]
    assert run(start, rows, evidence_ctx(control_sources=ctl)) == [False, False, True]
    without_nkr = CONFLICT[CONFLICT["party_id"] != "nagorno-karabakh-republic"]
    assert run(start, rows, evidence_ctx(control_sources=ctl, conflict_parties=without_nkr)) == [True, False, True]
    no_roles = CONFLICT.assign(role="observer")  # a role outside SIDE_ROLES makes no party a side
    assert run(start, rows, evidence_ctx(control_sources=ctl, conflict_parties=no_roles)) == [True, True, True]


def test_the_packages_conflict_parties_cover_azerbaijan_armenia_and_the_nagorno_karabakh_republic():
    """The rule on recorded control reads its sides from data/conflict_parties.csv: the three parties
    it has always covered must stay in it (a row dropped or renamed fails here)."""
    import csv
    from ifimes_karabakh import REPO
    with open(REPO / "data" / "conflict_parties.csv", encoding="utf-8", newline="") as fh:
        table = pd.DataFrame(list(csv.DictReader(fh)))
    sides = rules.conflict_sides(rules.Context({"conflict_parties": table}))
    assert {"azerbaijan", "armenia", "nagorno-karabakh-republic"} <= sides


def test_gwno_is_the_partys():
    r = one("conflict_parties.gwno_as_stated:gwno_is_the_partys(party_id)")
    parties = pd.DataFrame([{"party_id": "azerbaijan", "gw_code": "373"}, {"party_id": "nagorno-karabakh-republic", "gw_code": ""}])
    rows = [{"party_id": "azerbaijan", "gwno_as_stated": "373"}, {"party_id": "azerbaijan", "gwno_as_stated": "371"},
            {"party_id": "nagorno-karabakh-republic", "gwno_as_stated": ""}, {"party_id": "nagorno-karabakh-republic", "gwno_as_stated": "999"},
            {"party_id": "nobody", "gwno_as_stated": "373"}]
    assert run(r, rows, rules.Context({"parties": parties})) == [True, False, True, False, False]


@case(of("goes_with"))  # a family case: marked at import, so the every-rule check does not depend on the order tests run in
def test_gazetteer_columns_go_together(rule):
    col, other = rule.column, rule.uses[0]
    assert run(rule, [{col: "x", other: "1"}, {col: "", other: ""}, {col: "x", other: ""}, {col: "", other: "1"}]) == [True, True, False, False]
    assert {r.id for r in of("goes_with")} == {"territories.geonames_feature:goes_with(geonames_id)", "territories.point_kind:goes_with(latitude)",
                                               "territories.longitude:goes_with(latitude)"}


KEYED = pd.DataFrame([{"territory_id": "kalbajar", "geonames_adm1_id": "586047", "geonames_adm1_source_id": "gn-admin1", "latitude": "40.0966",
                             "point_source_id": "ne-admin1", "wikidata_source_id": ""}])


def test_value_sources_rules():
    c = rules.Context({"territories": KEYED})
    r = one("value_sources.value:value_is_the_cells(resource,row_id,field)")
    rows = [{"resource": "territories", "row_id": "kalbajar", "field": "geonames_adm1_id", "value": "586047"},
            {"resource": "territories", "row_id": "kalbajar", "field": "geonames_adm1_id", "value": "586048"},  # stale
            {"resource": "territories", "row_id": "lachin", "field": "geonames_adm1_id", "value": "147626"},    # no such row
            {"resource": "territories", "row_id": "kalbajar", "field": "no_such_column", "value": "1"},
            {"resource": "events", "row_id": "x", "field": "date", "value": "2020"}]                       # not readable here: not checked
    assert run(r, rows, c) == [True, False, False, False, True]
    r = one("value_sources.quote:value_in_its_quote(value)")
    assert run(r, [{"value": "586047", "quote": "AZ.26 Kalbajar Kalbajar 586047"}, {"value": "586048", "quote": "AZ.26 Kalbajar Kalbajar 586047"},
                   {"value": "Երևան", "quote": '"name": "Yerevan" … "Երևան"'}]) == [True, False, True]
    r = one("value_sources.source_id:source_is_the_rows(resource,row_id,field)")
    rows = [{"resource": "territories", "row_id": "kalbajar", "source_id": "gn-admin1"}, {"resource": "territories", "row_id": "kalbajar", "source_id": "ne-admin1"},
            {"resource": "territories", "row_id": "kalbajar", "source_id": "other"}, {"resource": "territories", "row_id": "nowhere", "source_id": "gn-admin1"},
            {"resource": "events", "row_id": "x", "source_id": "other"}]
    assert run(r, rows, c) == [True, True, False, False, True]
    r = one("territories.geonames_adm1_id:documented_value(territory_id)")
    vs = pd.DataFrame([{"resource": "territories", "row_id": "kalbajar", "field": "geonames_adm1_id"},
                       {"resource": "parties", "row_id": "lachin", "field": "geonames_adm1_id"}])
    rows = [{"territory_id": "kalbajar", "geonames_adm1_id": "586047"}, {"territory_id": "lachin", "geonames_adm1_id": "147626"},
            {"territory_id": "baku", "geonames_adm1_id": ""}]
    assert run(r, rows, rules.Context({"value_sources": vs})) == [True, False, True]


def test_bound_dates_agree():
    r = one("control_sources.date:bound_dates_agree(control_id,bound,role)")
    tc = pd.DataFrame([{"control_id": "k1", "start": "1993-04-02", "end": "", "view": "recorded"}, {"control_id": "a1", "start": "1993", "end": "", "view": "article"}])
    rows = [{"control_id": "k1", "bound": "start", "role": "main", "date": "1993-04-02"}, {"control_id": "k1", "bound": "start", "role": "main", "date": "1993-04-03"},
            {"control_id": "k1", "bound": "start", "role": "differing", "date": "1993-04-03"}, {"control_id": "k1", "bound": "start", "role": "differing", "date": "1993-04-02"},
            {"control_id": "a1", "bound": "start", "role": "main", "date": "1993"}]
    assert run(r, rows, evidence_ctx(territory_control=tc)) == [True, False, True, False, False]


@case(of("basis_with_value"))
def test_basis_with_value(rule):
    p = rule.uses[0]
    assert run(rule, [{p: "side_a", rule.column: "as_stated"}, {p: "side_a"}, {rule.column: "inferred"}, {}]) == [True, False, False, True]


def test_coordinates_together():
    """A convention of any table with the pair (no table of this package: territories has its own rule, goes_with)."""
    (rule,) = [r for r in rules.conventions("places", schema_of("place_id", "latitude", "longitude")) if r.name == "coordinates_together"]
    assert run(rule, [{"latitude": "40.1", "longitude": "44.5"}, {"latitude": "40.1"}, {"longitude": "44.5"}, {}]) == [True, False, False, True]


def test_coordinates_together_is_a_convention_of_any_table_with_the_pair():
    """territories has its own rule on the pair (goes_with, the same kind on the same column), which replaces it there."""
    assert ("longitude", "coordinates_together") in derived("places", "place_id", "latitude", "longitude")
    assert not any(r.name == "coordinates_together" for r in rules.conventions("territories", PACKAGE.resource("territories").schema))


def test_point_locator():
    r = one("statement_points.locator:point_locator(point)")
    assert run(r, [{"point": "2", "locator": "pt2"}, {"point": "2", "locator": "pt7"}]) == [True, False]


def test_paragraph_locator():
    r = one("resolution_paragraphs.locator:paragraph_locator(paragraph)")
    assert run(r, [{"paragraph": "3", "locator": "pt3"}, {"paragraph": "3", "locator": "pt4"}, {"paragraph": "11", "locator": "pt1"}]) == [True, False, False]


def test_paragraph_from_own_text():
    r = one("resolution_paragraphs.source_id:paragraph_from_own_text(resolution_id)")
    res = pd.DataFrame([{"resolution_id": "unsc-822-1993", "text_source_id": "un-doc"}, {"resolution_id": "unga-2008", "text_source_id": ""}])
    rows = [{"resolution_id": "unsc-822-1993", "source_id": "un-doc"}, {"resolution_id": "unsc-822-1993", "source_id": "ifimes-2020"},
            {"resolution_id": "unga-2008", "source_id": "un-doc"}, {"resolution_id": "unga-2008", "source_id": ""}, {"resolution_id": "no-such", "source_id": "un-doc"}]
    assert run(r, rows, ctx(resolutions=res)) == [True, False, False, False, False]


def test_main_is_strongest():
    r = one("claims.verdict_source_id:main_is_strongest(claim_id)")
    src = pd.DataFrame([{"source_id": "un-text", "authority": "official_record", "alignment_party_id": ""},
                        {"source_id": "wire", "authority": "independent_media", "alignment_party_id": ""},
                        {"source_id": "funded", "authority": "state_funded_independent_media", "alignment_party_id": "united-states"},
                        {"source_id": "wiki-copy", "authority": "mirror_or_copy", "alignment_party_id": ""},
                        {"source_id": "wire-2", "authority": "independent_media", "alignment_party_id": ""}])
    cs = pd.DataFrame([("c1", "un-text", "main", "q"), ("c1", "wire", "confirming", "q"), ("c2", "wire", "main", "q"), ("c2", "un-text", "confirming", "q"),
                       ("c3", "wire", "main", "q"), ("c3", "un-text", "contrary", "q"), ("c4", "funded", "main", "q"), ("c4", "wire", "confirming", "q"),
                       ("c5", "wire", "main", "q"), ("c5", "funded", "confirming", "q"), ("c6", "wire", "main", "q"), ("c6", "wire-2", "confirming", "q")],
                      columns=["claim_id", "source_id", "role", "quote"])
    rows = [{"claim_id": c, "verdict_source_id": m} for c, m in (("c1", "un-text"), ("c2", "wire"), ("c3", "wire"), ("c4", "funded"), ("c5", "wire"), ("c6", "wire"), ("c7", ""))]
    # a stronger confirming source fails (c2, c4); a stronger contrary one does not (c3); an equal (c6) or weaker one passes
    assert run(r, rows, ctx(sources=src, claim_sources=cs)) == [True, False, True, False, True, True, True]
    # the rank is the schema's order: reversed, the official record is the weakest and c1 fails, c2 passes
    reversed_order = rules.Context(ctx(sources=src, claim_sources=cs).tables, ARTICLE, categories={"sources.authority": AUTHORITY_RANKING[::-1]})
    assert run(r, rows, reversed_order)[:2] == [False, True]
    with pytest.raises(RuntimeError, match="no order of sources.authority"):  # never a silent pass without the order
        r.test(pd.DataFrame(rows), rules.Context(ctx(sources=src, claim_sources=cs).tables, ARTICLE))


def test_authority_ranking_is_the_schemas_category_order():
    """The schema orders sources.authority's categories from the strongest evidence down, as documented."""
    import json
    from ifimes_karabakh import REPO
    field = next(f for f in json.loads((REPO / "schemas" / "sources.schema.json").read_text(encoding="utf-8"))["fields"] if f["name"] == "authority")
    assert [c["value"] for c in field["categories"]] == AUTHORITY_RANKING


def test_backer_complete():
    r = one("territory_control.backer_party_id:backer_complete(backer_role,backer_source_id)")
    rows = [{"backer_party_id": "armenia", "backer_role": "held_per_article", "backer_source_id": "ifimes-2020"}, {},
            {"backer_party_id": "armenia", "backer_role": "held_per_article"}, {"backer_role": "supporting", "backer_source_id": "un-doc"}]
    assert run(r, rows) == [True, True, False, False]


def test_backer_source():
    """held_per_article is the article's word (its source the article); any other role another source's."""
    r = one("territory_control.backer_source_id:backer_source(backer_role)")
    rows = [{"backer_role": "held_per_article", "backer_source_id": "ifimes-2020"}, {"backer_role": "held_per_article", "backer_source_id": "un-doc"},
            {"backer_role": "supporting", "backer_source_id": "un-doc"}, {"backer_role": "holding", "backer_source_id": "ifimes-2020-fn1"},
            {"backer_role": "supporting", "backer_source_id": "no-such-source"}, {}]
    assert run(r, rows) == [True, False, True, False, False, True]


def test_later_event_after_the_article():
    r = one("later_events.date:after_the_article()")
    rows = [{"date": "2020-12-04"}, {"date": "2020-12-03"}, {"date": "2020-12"}, {"date": "2020-12-04/2021-01"}, {"date": ""}, {"date": "2026-02"}]
    assert run(r, rows) == [True, False, False, True, True, True]


def test_later_event_source_outside_the_sides():
    r = one("later_events.source_id:later_event_source_outside_the_sides()")
    src = pd.DataFrame([{"source_id": "indep", "authority": "independent_media", "alignment_party_id": ""},
                        {"source_id": "az-state", "authority": "state_affiliated_media", "alignment_party_id": "azerbaijan"},
                        {"source_id": "ru-state", "authority": "state_affiliated_media", "alignment_party_id": "russia"},
                        {"source_id": "copy", "authority": "mirror_or_copy", "alignment_party_id": ""},
                        {"source_id": "am-record", "authority": "official_record", "alignment_party_id": "armenia"},
                        {"source_id": "unknown-side", "authority": "partisan_or_advocacy", "alignment_party_id": ""},
                        {"source_id": "nkr-record", "authority": "official_record", "alignment_party_id": "nagorno-karabakh-republic"}])
    context = rules.Context({"sources": src, "conflict_parties": CONFLICT}, ARTICLE)
    rows = [{"source_id": s} for s in ("indep", "az-state", "ru-state", "copy", "am-record", "unknown-side", "missing", "nkr-record")]
    assert run(r, rows, context) == [True, False, True, False, False, False, False, False]
    without_nkr = CONFLICT[CONFLICT["party_id"] != "nagorno-karabakh-republic"]  # the sides come from conflict_parties.csv
    assert run(r, rows[-1:], rules.Context({"sources": src, "conflict_parties": without_nkr}, ARTICLE)) == [True]


def test_later_event_linked_and_distinct():
    linked = one("later_events.event_id:later_event_linked()")
    distinct = one("later_events.event_id:later_event_id_distinct()")
    context = ctx(forecast_events=pd.DataFrame([{"event_id": "a"}]), events=pd.DataFrame([{"event_id": "b"}]))
    rows = [{"event_id": "a"}, {"event_id": "b"}, {"event_id": "c"}]
    assert run(linked, rows, context) == [True, False, False]
    assert run(distinct, rows, context) == [True, False, True]


CLAIMS = pd.DataFrame([{"claim_id": "f1", "kind": "forecast", "locator": "p2", "quote": "the war ended"},
                       {"claim_id": "c1", "kind": "fact", "locator": "p2", "quote": "the war ended"}])


def test_link_to_a_forecast():
    r = one("forecast_events.claim_id:link_to_a_forecast(source_id,locator)")
    rows = [{"claim_id": "f1", "source_id": "ifimes-2020", "locator": "p2"}, {"claim_id": "c1", "source_id": "ifimes-2020", "locator": "p2"},
            {"claim_id": "f1", "source_id": "ifimes-2020", "locator": "p3"}, {"claim_id": "f1", "source_id": "un-doc", "locator": "p2"},
            {"claim_id": "zz", "source_id": "ifimes-2020", "locator": "p2"}]
    assert run(r, rows, ctx(claims=CLAIMS)) == [True, False, False, False, False]


def test_assessment_of_a_forecast_and_evidence_date():
    r = one("forecast_assessments.claim_id:assessment_of_a_forecast()")
    assert run(r, [{"claim_id": "f1"}, {"claim_id": "c1"}, {"claim_id": "zz"}], ctx(claims=CLAIMS)) == [True, False, False]
    e = one("forecast_assessments.evidence_date:evidence_not_after_assessment(as_of)")
    assert run(e, [{"evidence_date": "2026-02-06", "as_of": "2026-12-04"}, {"evidence_date": "2026-12-04", "as_of": "2026-12-04"},
                   {"evidence_date": "2026-12-05", "as_of": "2026-12-04"}]) == [True, True, False]


def test_assessment_id_names_claim_and_day():
    r = one("forecast_assessments.assessment_id:assessment_id_names_claim_and_day(claim_id,as_of)")
    rows = [{"assessment_id": "f1-2026-12-04", "claim_id": "f1", "as_of": "2026-12-04"}, {"assessment_id": "f1-2026-12-04", "claim_id": "f1", "as_of": "2025-01-01"},
            {"assessment_id": "f2-2026-12-04", "claim_id": "f1", "as_of": "2026-12-04"}]
    assert run(r, rows) == [True, False, False]


def test_assessed_at_the_common_date():
    r = one("claims.as_of:assessed_at_the_common_date(claim_id,kind,outcome,value_verified,verdict_source_id,verdict_quote)")
    fa = pd.DataFrame([{"claim_id": "f1", "as_of": "2026-12-04", "outcome": "open", "source_id": "un-doc", "quote": "q", "value_verified": "v"},
                       {"claim_id": "f1", "as_of": "2025-01-01", "outcome": "fulfilled", "source_id": "un-doc", "quote": "q0", "value_verified": "v0"},
                       {"claim_id": "f2", "as_of": "2025-01-01", "outcome": "open", "source_id": "un-doc", "quote": "q", "value_verified": "v"}])
    good = {"claim_id": "f1", "kind": "forecast", "as_of": "2026-12-04", "outcome": "open", "value_verified": "v", "verdict_source_id": "un-doc", "verdict_quote": "q"}
    rows = [good, {**good, "outcome": "fulfilled"}, {**good, "as_of": "2025-01-01", "outcome": "fulfilled", "value_verified": "v0", "verdict_quote": "q0"},
            {**good, "claim_id": "f2", "as_of": "2025-01-01"}, {**good, "verdict_quote": "other"}, {"claim_id": "c1", "kind": "fact"},
            {**good, "as_of": "2025-01-01"}]
    assert run(r, rows, ctx(forecast_assessments=fa)) == [True, False, False, False, False, True, False]


def test_every_rule_says_what_it_expects():
    """The message is what a problem prints: words, for every rule (the required-when rules of the
    ISO names among them)."""
    for r in now().values():
        assert isinstance(r.message, str) and len(r.message) >= 15 and r.message == r.message.strip(), r.id
    assert now()["parties.iso3_name:required_when(iso3)"].message == "a iso3 needs its ISO name"


def test_what_each_rule_reads_and_needs_is_declared():
    """A rule says which columns it reads (uses), which columns of other tables it needs (needs) and
    whether it needs the article's text: validate.py skips it, and says why, when one is missing."""
    for r in now().values():
        assert isinstance(r.uses, tuple) and isinstance(r.needs, tuple) and all(n.count(".") == 1 for n in r.needs), r.id
        assert r.article in (True, False), r.id
    quote = now()["parties.quote:quote_verbatim(source_id,locator)"]
    assert quote.article is True and quote.needs == ("sources.source_id", "sources.kind") and quote.uses == ("source_id", "locator")
    kept = now()["resolutions.adoption_quote:quote_in_kept_text(adoption_date_source_id)"]
    assert kept.article is False and kept.needs == ("sources.source_id", "sources.text_file")
    assert now()["claims.verdict:required_when(kind)"].article is False


def test_the_external_source_rules_say_when_a_source_is_needed():
    assert now()["claim_sources.source_id:external_source()"].message == "must name a source other than the article"
    assert now()["resolutions.text_source_id:external_source()"].message == "must name a source other than the article where it is given"
    assert now()["parties.iso3_source_id:external_source(iso3)"].message == \
        "must name a source other than the article when iso3 is given, and be empty when it is not"


def test_each_table_gets_its_own_rules_only():
    by_table = rules.for_package(PACKAGE.resources)
    for name, rs in by_table.items():
        assert all(r.table == name for r in rs), name
    assert any(r.name == "required_when" for r in by_table["claims"]) and not any(r.name == "required_when" for r in by_table["changes"])
    assert any(r.name == "one_entity" for r in rules.for_package(PACKAGE.resources)["mentions"])  # the mention rules join their tables


def test_a_provenance_triple_of_another_prefix_gets_every_quote_rule():
    derived_rules = rules.conventions("t", schema_of("t_id", "verdict", "verdict_source_id", "verdict_locator", "verdict_quote"))
    assert all(r.table == "t" for r in derived_rules)
    got = {(r.column, r.name) for r in derived_rules}
    assert {("verdict_quote", "quote_identifies_place"), ("verdict_quote", "quote_verbatim"), ("verdict_quote", "quote_in_kept_text"),
            ("verdict_locator", "locator_exists")} <= got


def test_a_rule_runs_only_when_its_columns_other_tables_and_the_article_are_there():
    quote = now()["parties.quote:quote_verbatim(source_id,locator)"]
    kept = now()["resolutions.adoption_quote:quote_in_kept_text(adoption_date_source_id)"]
    frame = pd.DataFrame([{"party_id": "a", "quote": "q", "source_id": "s", "locator": "p1", "adoption_quote": "", "adoption_date_source_id": ""}])
    run_, skipped = rules.applicable([quote, kept], frame, ctx())
    assert run_ == [quote] and skipped == [(kept, "sources.text_file not readable")]  # ctx()'s sources have no text_file
    run_, skipped = rules.applicable([quote], frame[["party_id", "quote"]], ctx())
    assert run_ == [] and skipped == [(quote, "column locator, source_id missing")]
    no_article = rules.Context({"sources": SOURCES}, None)
    assert rules.applicable([quote], frame, no_article) == ([], [(quote, "no article text")])
    no_sources = rules.Context({}, ARTICLE)
    assert rules.applicable([quote], frame, no_sources) == ([], [(quote, "sources.source_id, sources.kind not readable")])


def test_the_rules_schema_has_one_check_per_rule_named_by_kind_and_reported_on_its_column():
    r = one("claims.verdict:required_when(kind)")
    schema = rules.schema("claims", [r], ctx())
    (check,) = schema.checks
    assert (check.name, check.title, check.error) == ("required", "verdict", "a fact needs a verdict")
    frame = pd.DataFrame([{"kind": "fact", "verdict": ""}, {"kind": "fact", "verdict": "confirmed"}], index=[2, 3])
    assert check._check_fn(frame).tolist() == [False, True]


def test_a_key_column_named_like_a_convention_and_a_declared_relation_are_no_problem():
    r = resource("t", "source_id", "kind", key="source_id")  # the sources table's own key
    assert rules.convention_problems(r, rules.conventions("t", r.schema)) == []
    r = resource("sources", "source_id", "kind", "cited_in_source_id", key="source_id")  # RELATIONS: names a related source
    assert [p.column for p in rules.convention_problems(r, rules.conventions("sources", r.schema))] == []
    assert not any(r.column == "cited_in_source_id" for r in rules.conventions("sources", r.schema))  # no convention rule covers it


def test_more_conventions_at_their_edges():
    # an *_as_stated value with a quote of its own is checked in that quote
    assert [(r.id, r.uses) for r in rules.conventions("t", schema_of("t_id", "value", "value_as_stated", "value_quote", "quote"))] == [
        ("t.value_as_stated:as_stated_in_quote(value_quote)", ("value_quote",))]
    # a precision without its date is no date group
    assert rules.conventions("t", schema_of("t_id", "when_precision")) == []
    # a table of nothing but a key and coordinates still gets the pair rule
    pair = rules.conventions("t", schema_of("latitude", "longitude"))
    assert [(r.table, r.name) for r in pair if r.name == "coordinates_together"] == [("t", "coordinates_together")]
    # a date group's rules read its day columns and declare the basis values they rely on
    group = rules.conventions("t", schema_of("t_id", "when", "when_precision", "when_start", "when_end", "when_basis", "when_as_stated",
                                             "when_source_id", "note", "quote"))
    assert {r.column for r in group if r.name == "derived_day"} == {"when_start", "when_end"}
    assert {("t", "when_basis", v) for v in ("as_stated", "inferred", "corrected", "refined", "added")} <= set(rules.DECLARED)
    (source,) = [r for r in group if r.name == "date_source"]
    kinds = pd.DataFrame([{"when_basis": b, "when_source_id": "un-doc"} for b in ("corrected", "refined", "added", "as_stated")], index=[2, 3, 4, 5])
    assert source.test(kinds, ctx()).tolist() == [True, True, True, False]


def test_mention_rules_need_a_foreign_key_to_another_table():
    assert rules.mention_rules({"fields": [{"name": "mention_id"}, {"name": "party_id"}], "primaryKey": "mention_id"}) == []  # no foreign keys at all
    schema = {"fields": [{"name": n} for n in ("mention_id", "party_id", "parent_id")], "primaryKey": "mention_id",
              "foreignKeys": [{"fields": "parent_id", "reference": {"resource": "", "fields": "mention_id"}},
                              {"fields": "party_id", "reference": {"resource": "parties", "fields": "party_id"}}]}
    assert {(r.table, r.column) for r in rules.mention_rules(schema)} == {("mentions", "party_id"), ("parties", "party_id")}


def test_declared_values_are_declared_once_and_given_back():
    before = len(rules.DECLARED)
    assert rules.declared("t.x_basis", "one") == "one" and rules.declared("t.x_basis", "a", "b") == frozenset({"a", "b"})
    assert rules.DECLARED[before:] == [("t", "x_basis", "one"), ("t", "x_basis", "a"), ("t", "x_basis", "b")]
    assert rules.declared("t.x_basis", "one") == "one" and rules.declared("t.x_basis", "a", "b") == frozenset({"a", "b"})
    assert len(rules.DECLARED) == before + 3  # asked again: the same values, not declared twice


def test_a_convention_problem_says_what_to_do_and_problems_come_in_order():
    r = resource("t", "t_id", "size_as_stated")
    (p,) = rules.convention_problems(r, rules.conventions("t", r.schema))
    assert p.message == ("size_as_stated is named like a column convention (quote, locator, source_id, *_as_stated, a date group, "
                         "latitude/longitude) but no rule checks it: give it the columns its convention needs (its quote, its P_precision, its pair), or rename it")
    gone = renamed_field(renamed_field(PACKAGE.resources, "claims", "verdict", "ruling"), "claims", "kind", "sort")
    found = [(p.file, p.column) for p in rules.declaration_problems(gone) if p.file == "schemas/claims.schema.json"]
    assert found == sorted(found) and {"kind", "verdict"} <= {c for _, c in found}
    # a refused table is passed over, and the tables after it are still checked
    assert ("schemas/claims.schema.json", "verdict") in {(p.file, p.column) for p in rules.declaration_problems(gone, refused={"sources", "parties"})}


def test_every_rule_has_a_case():
    """Every rule of rules.py has literal rows in this file: a family case, or a test that names it
    with one("..."), read from this file's own text so that the answer does not depend on which
    tests ran before (or in which worker)."""
    import re
    from pathlib import Path
    named = set(re.findall(r'one\("([a-z_]+\.[a-z_0-9]+:[^"]+)"\)', Path(__file__).read_text(encoding="utf-8")))
    assert set(now()) - (TESTED | named) == set()
    assert named <= set(now()), "a test names a rule that does not exist"
    assert {r.id for r in executed_again().RULES} <= set(now()), "a table-specific rule of no table of the package"


def test_enum_values_the_rules_rely_on_are_declared_in_the_schemas():
    from ifimes_karabakh import REPO
    from ifimes_karabakh.descriptor import load_package
    from ifimes_karabakh.validate import vocabulary_problems
    assert vocabulary_problems(load_package(REPO)) == []
    assert ("claims", "verdict", "unverifiable") in rules.DECLARED


# ------------------------------------------------------------------ conventions: derived from any table's fields, no list
def schema_of(*names, key=None, enums=()):
    return {"fields": [{"name": n, **({"constraints": {"enum": ["a"]}} if n in enums else {})} for n in names], "primaryKey": key or names[0]}


def derived(table, *names, **kw):
    return {(r.column, r.name) for r in rules.conventions(table, schema_of(*names, **kw))}


def test_a_new_table_gets_every_rule_its_columns_imply():
    got = derived("new_table", "thing_id", "name_as_stated", "when", "when_precision", "when_start", "when_end", "when_basis", "when_as_stated",
                  "when_source_id", "colour", "colour_source_id", "latitude", "longitude", "source_id", "locator", "quote", "note")
    assert {("locator", "locator_exists"), ("quote", "quote_verbatim"), ("quote", "quote_identifies_place"), ("quote", "quote_in_kept_text"),
            ("name_as_stated", "as_stated_in_quote"), ("when_as_stated", "as_stated_in_quote"),
            ("when", "date_real"), ("when", "date_coverage"), ("when_precision", "date_precision"), ("when_start", "derived_day"), ("when_end", "derived_day"),
            ("when_basis", "date_basis"), ("when_source_id", "date_source"), ("note", "required_when"),
            ("colour_source_id", "external_source"), ("longitude", "coordinates_together")} == got


def test_p_forms_of_provenance_and_as_stated():
    got = derived("t", "t_id", "verdict", "verdict_source_id", "verdict_quote", "demands_as_stated", "demands_locator", "source_id", "locator", "quote")
    assert {("verdict_quote", "quote_identifies_place"), ("verdict_quote", "quote_in_kept_text"), ("verdict_source_id", "external_source"),
            ("demands_as_stated", "stated_verbatim")} <= got
    got = derived("t", "t_id", "x_source_id", "x_locator", "x_quote")
    assert {("x_locator", "locator_exists"), ("x_quote", "quote_verbatim"), ("x_quote", "quote_in_kept_text")} <= got
    ext = {r.uses for r in rules.conventions("t", schema_of("t_id", "verdict", "verdict_source_id", "verdict_quote")) if r.name == "external_source"}
    assert ext == {("verdict_quote",)}, "a P_source_id goes with its own P_quote first"


def test_a_source_id_that_is_the_tables_own_key_is_not_a_row_source():
    assert not any(n in ("locator_exists", "quote_verbatim") for _, n in derived("src", "source_id", "locator", "quote", key="source_id"))
    assert ("date", "date_coverage") in derived("src", "source_id", "date", "date_precision", key="source_id")
    assert not any(c == "value_source_id" for c, _ in derived("vs", "value_source_id", "value", key="value_source_id"))  # its own key, no source


def test_table_specific_rules_replace_the_convention_on_their_column():
    ours = rules.conventions("agreements", PACKAGE.resource("agreements").schema)
    assert not any(r.column == "description_as_stated" for r in ours)  # stated("agreements", ...) replaces it
    assert not any(r.column == "kind_per_article" for r in ours)  # an enum of codes: no as-stated rule
    assert any(r.column == "name_as_stated" and r.name == "as_stated_in_quote" for r in ours)


def resource(name, *fields, key=None):
    return Resource(name, f"data/{name}.csv", schema_of(*fields, key=key), f"schemas/{name}.schema.json")


def test_a_column_named_like_a_convention_that_no_rule_covers_is_a_problem_of_its_schema():
    r = resource("t", "t_id", "size_as_stated", "period_end", "latitude", "fee_basis", "x_quote")  # no quote, no period_precision, no longitude ...
    found = {(p.file, p.column, p.kind) for p in rules.convention_problems(r, rules.conventions("t", r.schema))}
    assert found == {("schemas/t.schema.json", c, "convention") for c in ("size_as_stated", "period_end", "latitude", "fee_basis", "x_quote")}
    ok = resource("t", "t_id", "size_as_stated", "latitude", "longitude", "source_id", "locator", "quote")
    assert rules.convention_problems(ok, rules.conventions("t", ok.schema)) == []


def test_every_table_specific_rule_names_a_table_and_columns_of_the_package():
    assert rules.declaration_problems(PACKAGE.resources) == []
    without_claims = [r for r in PACKAGE.resources if r.name != "claims"]
    assert rules.declaration_problems(without_claims) == []  # a table the package does not have: its rules do not apply, and are noted
    assert rules.absent_tables([r.name for r in without_claims]) == ["claims"] and rules.absent_tables([r.name for r in PACKAGE.resources]) == []
    assert rules.declaration_problems(without_claims, refused={"claims"}) == []  # listed but refused: its own problem says why
    renamed = [Resource(r.name, r.path, {**r.schema, "fields": [f if f["name"] != "verdict" else {**f, "name": "ruling"} for f in r.schema["fields"]]},
                        r.schema_file) for r in PACKAGE.resources]
    assert ("schemas/claims.schema.json", "verdict", "rules") in {(p.file, p.column, p.kind) for p in rules.declaration_problems(renamed)}


def renamed_field(resources, table, old, new):
    return [Resource(r.name, r.path, {**r.schema, "fields": [f if f["name"] != old or r.name != table else {**f, "name": new}
                                                                for f in r.schema["fields"]]}, r.schema_file) for r in resources]


def test_a_column_a_rule_needs_from_another_table_or_a_declaration_names_is_a_problem_where_it_went():
    gone = renamed_field(PACKAGE.resources, "sources", "text_file", "kept_file")
    found = {(p.file, p.column, p.kind, p.message) for p in rules.declaration_problems(gone)}
    needs = {p for p in found if "reads sources.text_file" in p[3]}
    assert needs and all(p[:3] == ("schemas/sources.schema.json", "text_file", "rules") for p in needs)
    assert ("schemas/sources.schema.json", "text_file", "rules", "the validator's rule quote_in_kept_text on resolutions reads sources.text_file, "
            "which the descriptor no longer has (rename it in ifimes_karabakh/rules.py too)") in needs
    assert rules.declaration_problems(gone, refused={"sources"}) == []  # a refused table: its own problem says why
    gone = renamed_field(PACKAGE.resources, "sources", "cited_in_source_id", "cited_by")
    assert ("schemas/sources.schema.json", "cited_in_source_id", "rules",
            "ifimes_karabakh/rules.py declares sources.cited_in_source_id, which the descriptor no longer has (remove the declaration)") in {
        (p.file, p.column, p.kind, p.message) for p in rules.declaration_problems(gone)}


def test_mention_rules_follow_the_mentions_tables_keys():
    schema = {"fields": [{"name": n} for n in ("mention_id", "party_id", "place_id", "source_id")], "primaryKey": "mention_id",
              "foreignKeys": [{"fields": "party_id", "reference": {"resource": "parties", "fields": "party_id"}},
                              {"fields": "place_id", "reference": {"resource": "places", "fields": "place_id"}},
                              {"fields": "source_id", "reference": {"resource": "sources", "fields": "source_id"}}]}
    got = {(r.table, r.column, r.name) for r in rules.mention_rules(schema)}
    assert got == {("mentions", "party_id", "one_entity"), ("parties", "party_id", "mentioned"), ("places", "place_id", "mentioned")}


FEATURES = {"territory_polygons": [
    {"type": "Feature", "properties": {"territory_id": "kalbajar", "source_id": "ne-admin1", "latitude": 40.0966, "longitude": 46.1688, "wikidataid": "Q457513"}},
    {"type": "Feature", "properties": {"territory_id": "lachin", "source_id": "ne-admin1", "latitude": 39.7717, "longitude": 46.3095, "wikidataid": "Q228811"}},
    "not a feature"]}


def test_copies_of_the_polygons_values_equal_the_features():
    c = rules.Context({}, features=FEATURES)
    r = one("territories.latitude:label_point_is_its_features(territory_id,longitude,point_kind,point_source_id)")
    rows = [{"territory_id": "kalbajar", "latitude": "40.0966", "longitude": "46.1688", "point_kind": "label_point", "point_source_id": "ne-admin1"},
            {"territory_id": "kalbajar", "latitude": "40.0967", "longitude": "46.1688", "point_kind": "label_point", "point_source_id": "ne-admin1"},  # stale
            {"territory_id": "kalbajar", "latitude": "40.0966", "longitude": "46.1688", "point_kind": "label_point", "point_source_id": "other"},      # another source
            {"territory_id": "agdam", "latitude": "40.0455", "longitude": "46.9918", "point_kind": "label_point", "point_source_id": "ne-admin1"},      # no feature
            {"territory_id": "baku", "latitude": "40.37767", "longitude": "49.89201", "point_kind": "geonames_point", "point_source_id": "gn"}]
    assert run(r, rows, c) == [True, False, False, False, True]
    assert run(r, rows, rules.Context({})) == [True] * 5  # the file not read: not checked (its own problem is reported)
    r = one("territories.wikidata_qid:qid_is_its_features(territory_id,wikidata_source_id)")
    rows = [{"territory_id": "kalbajar", "wikidata_qid": "Q457513", "wikidata_source_id": "ne-admin1"},
            {"territory_id": "kalbajar", "wikidata_qid": "Q1", "wikidata_source_id": "ne-admin1"},
            {"territory_id": "lachin", "wikidata_qid": "", "wikidata_source_id": ""},               # left empty: Natural Earth's QID is Lankaran's
            {"territory_id": "agdam", "wikidata_qid": "Q201647", "wikidata_source_id": "ne-admin1"},  # no feature of its own
            {"territory_id": "armenia", "wikidata_qid": "Q399", "wikidata_source_id": "owid"}]      # another source: not checked here
    assert run(r, rows, c) == [True, False, True, False, True]
