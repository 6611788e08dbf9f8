"""The rules Table Schema cannot express: provenance (every quote verbatim at its locator),
dates, ISO codes, outside sources, verdicts, and rules across tables.

Each rule is a `Rule`: the table and column it reports on, the kind and text of its message, the
columns it reads, and a test that takes the whole table (and the context: every table, the
article) and returns True for each row that passes. `schema()` turns a table's rules into Pandera
frame checks. A rule whose columns are missing from the header is skipped, and the report says so.

Two kinds of rules, and no list of tables:
- convention rules (`conventions()`), derived at validate time from each resource's own fields, so
  that a table added to datapackage.json gets them with no list to update: `source_id`/`locator`/
  `quote` and their `P_` forms (verbatim at the locator), `*_as_stated` (the source's own words,
  inside the row's quote), `P`/`P_precision`/`P_start`/`P_end` (date groups), `*_source_id` (a real
  source other than the article for a value from outside), `latitude`/`longitude` (a pair). A field
  that looks like a convention but that no rule covers is a problem of its schema
  (`convention_problems()`).
- table-specific rules (RULES), registered below for a named table; `declaration_problems()`
  reports any whose table or columns the descriptor no longer has. A table-specific rule of the same
  kind on the same column replaces the convention's rule there (the table says why).

Enum values that rules depend on are declared with `value("table.field", ...)` (vocabulary.py,
which declares the values shared with the other outputs); the validator checks that every declared
value is still in the schema's categories, so renaming a value fails loudly instead of silently
changing what a rule means."""
import contextlib
import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd
import pandera.pandas as pa
import pycountry

from . import geo
from .article import ARTICLE_ID, MIN_PART, MIN_TOTAL, MIN_WORD, Article, fold, quote_identifies
from .dates import try_parse
from .vocabulary import (AFFILIATED, ARTICLE, ARTICLE_KINDS, ARTICLE_VIEW, BOUND_MAIN, BOUNDED_UNITS, CONFIRMING, CONTRARY, COUNTRY,  # noqa: F401
                         DECLARED, DIFFERING, DISPUTED, FACT, FOOTNOTE, FORECAST, MAIN, MIRROR, NEEDS_VALUE, ONE_SIDED,
                         RECORDED, REPRESENTATIVES, SIDE_RECORDS, STATES, UNVERIFIABLE, value)
from .descriptor import as_list
from .report import Problem, name, show

EARLIEST = dt.date(1900, 1, 1)
SOURCE_KINDS = ("sources.source_id", "sources.kind")  # what ctx.source_kind reads
ARTICLE_LOCATOR = re.compile(r"p\d+|fn\d+")


@dataclass(frozen=True)
class Rule:
    table: str
    column: str                    # where a failure is reported
    kind: str                      # short code of the problem
    message: str                   # what is wrong, and what was expected
    test: Callable                 # (df, ctx) -> bool Series, True where the row passes
    uses: tuple = ()               # other columns of the table it reads
    needs: tuple = ()              # "table.column" of other tables it reads
    article: bool = False          # needs the article text

    @property
    def name(self):
        """The rule's kind of test (a family such as as_stated_in_quote, or one rule's own name)."""
        return self.test.__name__

    @property
    def id(self):
        return f"{self.table}.{self.column}:{self.name}({','.join(self.uses)})"

    @property
    def columns(self):
        return {self.column, *self.uses}


@dataclass
class Context:
    """What rules may read besides their own table: every table (text) and the article."""
    tables: dict = field(default_factory=dict)
    article: Article | None = None
    texts: dict = field(default_factory=dict)    # source_id -> Article: the documents kept in texts/
    features: dict = field(default_factory=dict)  # resource name -> its GeoJSON features (geojson.py), when the file could be read
    categories: dict = field(default_factory=dict)  # "table.field" -> its categories' values in the schema's order (an order can mean rank)

    def column(self, table, col):
        return self.tables[table][col]

    @functools.cached_property
    def source_kind(self):
        src = self.tables["sources"]
        return dict(zip(src["source_id"], src["kind"]))

    @functools.cached_property
    def latest(self):
        """The article's date (its last day): no date the article reports can be later."""
        src = self.tables["sources"]
        found = src.loc[src["source_id"] == ARTICLE_ID, "date"]
        x = try_parse(found.iloc[0]) if len(found) else None
        return x[1] if x else dt.date.today()


RULES: list = []      # the table-specific rules, registered at import
_SINKS = [RULES]      # where rule() puts a rule: RULES, or the list conventions() is collecting


def rule(table, column, kind, message, uses=(), needs=(), article=False):
    def add(test):
        _SINKS[-1].append(Rule(table, column, kind, message, test, tuple(uses), tuple(needs), article))
        return test
    return add


@contextlib.contextmanager
def collecting():
    """Rules registered inside the block go to the list it yields, not to RULES."""
    out = []
    _SINKS.append(out)
    try:
        yield out
    finally:
        _SINKS.pop()


def rows(df, *cols):
    """The columns' values, row by row, as plain tuples (fast to loop over)."""
    return zip(*(df[c].tolist() for c in cols))


def series(df, values):
    return pd.Series(list(values), index=df.index, dtype=bool)


def empty(s):
    return s == ""


# ------------------------------------------------------------------ rule families
def in_quote(table, col, quote="quote"):
    """col holds the source's own wording: it occurs in the row's quote."""
    @rule(table, col, "as-stated", f"{col} does not occur in the row's {quote}", uses=(quote,))
    def as_stated_in_quote(df, ctx):
        return series(df, (not v or fold(v) in fold(q) for v, q in rows(df, col, quote)))


def stated(table, col, locator="locator", anywhere=False, sep=None, quote="quote"):
    """col holds the source's own words: where the row cites the article, found verbatim at the
    row's locator (or anywhere in the article; with sep, each part); where it cites another
    source, inside the row's quote, the only words of that source the row holds."""
    where = "anywhere in the article" if anywhere else f"in the article at {locator}"

    @rule(table, col, "as-stated", f"{col} not found verbatim {where} (a row citing another source: in its {quote})",
          uses=("source_id", locator, quote), needs=SOURCE_KINDS, article=True)
    def stated_verbatim(df, ctx):
        kinds, art = ctx.source_kind, ctx.article

        def ok(v, sid, loc, q):
            if not v:
                return True
            if kinds.get(sid) not in ARTICLE_KINDS:
                return fold(v) in fold(q)
            parts = [p.strip() for p in v.split(sep)] if sep else [v]
            return all(art.anywhere(p) if anywhere else art.contains(loc, p) for p in parts)
        return series(df, (ok(*r) for r in rows(df, col, "source_id", locator, quote)))


def external(table, col, when=None, optional=False):
    """col names a source other than the article (when `when` is filled, and is empty otherwise;
    optional: where it is filled at all)."""
    msg = "must name a source other than the article" + (f" when {when} is given, and be empty when it is not" if when else " where it is given" if optional else "")

    @rule(table, col, "source", msg, uses=(when,) if when else (), needs=SOURCE_KINDS)
    def external_source(df, ctx):
        kinds = ctx.source_kind
        outside = df[col].map(lambda s: s in kinds and kinds[s] not in ARTICLE_KINDS)
        if when is None:
            return outside | empty(df[col]) if optional else outside
        return outside.where(df[when] != "", empty(df[col]))


def required_when(table, col, message, uses, condition):
    @rule(table, col, "required", message, uses=uses)
    def required_when(df, ctx):
        return ~condition(df) | (df[col] != "")


def in_kept_text(table, quote, src):
    """A quote from a document whose text is kept in texts/ stands in it verbatim (anywhere in it)."""
    @rule(table, quote, "quote", "quote not found verbatim in the text kept for its source (texts/; whitespace and typographic quotes folded)",
          uses=(src,), needs=("sources.source_id", "sources.text_file"))
    def quote_in_kept_text(df, ctx):
        return series(df, (s not in ctx.texts or not q or ctx.texts[s].in_whole(q) for s, q in rows(df, src, quote)))


def identifies(table, quote):
    @rule(table, quote, "quote", f"{quote} too short to identify its place (expected in each part between ' … ' at least {MIN_PART} letters or digits "
          f"and a word of {MIN_WORD}+ letters that is not a common word such as 'the', {MIN_TOTAL} in all)")
    def quote_identifies_place(df, ctx):
        verdict = {q: not q or quote_identifies(q) for q in set(df[quote].tolist())}  # each distinct quote once
        return df[quote].map(verdict)


def provenance(table, src, locator="locator", quote="quote"):
    """Every row's locator exists in its source, and its quote stands there verbatim (in the
    article at the locator; in a text kept in texts/, anywhere in it)."""
    @rule(table, locator, "locator", f"{locator} does not exist in that source (expected pN or fnN of the article; ptN, rowN or whole for other documents)",
          uses=(src,), needs=SOURCE_KINDS, article=True)
    def locator_exists(df, ctx):
        kinds, art = ctx.source_kind, ctx.article
        return series(df, (loc in art.raw if kinds.get(s) in ARTICLE_KINDS else not ARTICLE_LOCATOR.fullmatch(loc)
                           for s, loc in rows(df, src, locator)))

    @rule(table, quote, "quote", f"{quote} not found verbatim in the article at {locator} (whitespace and typographic quotes folded)",
          uses=(src, locator), needs=SOURCE_KINDS, article=True)
    def quote_verbatim(df, ctx):
        kinds, art = ctx.source_kind, ctx.article
        return series(df, (kinds.get(s) not in ARTICLE_KINDS or loc not in art.raw or art.contains(loc, q)
                           for s, loc, q in rows(df, src, locator, quote)))

    identifies(table, quote)
    in_kept_text(table, quote=quote, src=src)


def edtf_value(table, p, src=None, days=("start", "end")):
    """An EDTF date p with its p_precision and the derived days p_start and p_end. Where the row
    cites the article (its src column names the article or a footnote), the date is one the article
    reports, so it cannot be later than the article."""
    prec = f"{p}_precision"

    @rule(table, p, "date", "impossible or malformed date (expected YYYY, YYYY-MM, YYYY-MM-DD or start/end of the same precision, real calendar dates)")
    def date_real(df, ctx):
        return df[p].map(lambda v: not v or try_parse(v) is not None)

    if src:
        @rule(table, p, "date", "date outside what its source can report (expected from 1900; in a row citing the article, up to the article's date)",
              uses=(src,), needs=SOURCE_KINDS + ("sources.date",))
        def date_coverage(df, ctx):
            kinds, latest = ctx.source_kind, ctx.latest
            return series(df, (not (x := try_parse(v)) or (x[0] >= EARLIEST and (x[1] <= latest or kinds.get(s) not in ARTICLE_KINDS))
                               for v, s in rows(df, p, src)))
    else:
        @rule(table, p, "date", "date before 1900")
        def date_coverage(df, ctx):
            return df[p].map(lambda v: not (x := try_parse(v)) or x[0] >= EARLIEST)

    @rule(table, prec, "date", f"precision contradicts {p} (expected day, month or year as {p} is written; empty when {p} is empty)", uses=(p,))
    def date_precision(df, ctx):
        return series(df, (pr == "" if not v else (x := try_parse(v)) is None or x[2] == pr for v, pr in rows(df, p, prec)))

    for bound, index in (("start", 0), ("end", 1)):
        if bound not in days:  # a date group without this day column: nothing to derive
            continue

        @rule(table, f"{p}_{bound}", "date", f"{p}_{bound} is not the {'first' if index == 0 else 'last'} day that {p} allows (expected it as ./dp dates writes it)", uses=(p,))
        def derived_day(df, ctx, col=f"{p}_{bound}", index=index):
            return series(df, (d == ("" if not v or (x := try_parse(v)) is None else x[index].isoformat()) for v, d in rows(df, p, col)))


_DECLARED_ONCE = set()


def declared(where: str, *values: str):
    """value() for the rules derived at every validate run: each value declared once, however often."""
    if (where, values) not in _DECLARED_ONCE:
        _DECLARED_ONCE.add((where, values))
        return value(where, *values)
    return values[0] if len(values) == 1 else frozenset(values)


def date_group(table, p, row_src=None, days=("start", "end")):
    """The date group: p with its precision and days (edtf_value), p_as_stated, p_basis, p_source_id
    (p_as_stated itself is checked as every *_as_stated is)."""
    basis, src, das = f"{p}_basis", f"{p}_source_id", f"{p}_as_stated"
    edtf_value(table, p, row_src, days)
    as_stated = declared(f"{table}.{basis}", "as_stated")

    @rule(table, basis, "date", f"basis does not fit (expected empty when {p} is empty; as_stated only with {das} given)", uses=(p, das))
    def date_basis(df, ctx):
        return series(df, (b == "" if not v else (d != "" if b == as_stated else b != "")
                           for v, b, d in rows(df, p, basis, das)))

    inferred = declared(f"{table}.{basis}", "inferred")
    required_when(table, "note", f"basis 'inferred' needs a note that says how {p} was inferred", (basis,), lambda df: df[basis] == inferred)

    sourced = declared(f"{table}.{basis}", "corrected", "refined", "added")

    @rule(table, src, "source", f"must name a source other than the article when {basis} is corrected, refined or added, and be empty otherwise",
          uses=(basis,), needs=SOURCE_KINDS)
    def date_source(df, ctx):
        kinds = ctx.source_kind
        return series(df, (s in kinds and kinds[s] not in ARTICLE_KINDS if b in sourced else s == "" for b, s in rows(df, basis, src)))


def iso(table, code, name, lookup, what):
    @rule(table, code, "iso", f"no such {what} code in pycountry")
    def iso_exists(df, ctx):
        return df[code].map(lambda c: not c or lookup(c) is not None)

    @rule(table, name, "iso", f"{name} is not pycountry's name for {code} (the code names another place, or the name was changed)", uses=(code,))
    def iso_name(df, ctx):
        return series(df, (not c or (f := lookup(c)) is None or n == f.name for c, n in rows(df, code, name)))

    required_when(table, name, f"a {code} needs its ISO name", (code,), lambda df: df[code] != "")


def iso_country(code3):
    return pycountry.countries.get(alpha_3=code3) or pycountry.historic_countries.get(alpha_3=code3)


def iso_3166(code):
    return pycountry.subdivisions.get(code=code) if "-" in code else pycountry.countries.get(alpha_2=code)


# ------------------------------------------------------------------ sources
for col, msg, cond_cols, cond in [
    ("url", "an outside source needs its url", ("kind",), lambda df: ~df["kind"].isin(ARTICLE_KINDS)),
    ("access_date", "an outside source the maintainers read needs the date they read it", ("kind", "cited_in_source_id"),
     lambda df: ~df["kind"].isin(ARTICLE_KINDS) & empty(df["cited_in_source_id"])),
    ("sha256", "the article needs the SHA-256 of the text the dataset was checked against", ("kind",), lambda df: df["kind"] == ARTICLE),
    ("parent_source_id", "a footnote needs its parent source", ("kind",), lambda df: df["kind"] == FOOTNOTE),
    ("footnote_number", "a footnote needs its number", ("kind",), lambda df: df["kind"] == FOOTNOTE),
    ("footnote_text", "a footnote needs its verbatim text", ("kind",), lambda df: df["kind"] == FOOTNOTE),
    ("anchor_text", "a footnote needs the body text its mark follows", ("kind",), lambda df: df["kind"] == FOOTNOTE),
    ("anchor_locator", "a footnote needs the line its mark stands on", ("kind",), lambda df: df["kind"] == FOOTNOTE),
    ("quote", "a cited source needs a quote from where it is cited", ("cited_in_source_id",), lambda df: df["cited_in_source_id"] != ""),
]:
    required_when("sources", col, msg, cond_cols, cond)


def changed_texts(ctx: Context, article_file: str, sources_file: str = "data/sources.csv"):
    """(problems, notes) for every text that is not the one sources.csv records (its sha256): first
    the text file, naming both hashes, then the row that records it. A changed text is dropped from
    ctx, so the quotes against it are not checked one by one; a note says once why."""
    out, notes = [], []
    src = ctx.tables.get("sources")
    if src is None or not {"source_id", "kind", "sha256", "text_file"} <= set(src.columns):
        return out, notes  # the rows cannot be read: the rules that read them are skipped, and listed
    lines = src.index.tolist()
    if ctx.article is not None:
        for line, k, h in zip(lines, src["kind"], src["sha256"]):
            if k == ARTICLE and h and h != ctx.article.sha256:
                out += [Problem(article_file, None, None, "sha256", f"the article's text is not the one the dataset was checked against (found SHA-256 {ctx.article.sha256}; "
                                f"expected {h}, as {sources_file}:{line}:sha256 records): its quotes, locators and footnotes are not checked"),
                        Problem(sources_file, int(line), "sha256", "article", f"SHA-256 differs from that of the article's text (found {show(h, 70)}; expected {ctx.article.sha256}: the text changed, or the wrong file)", h)]
        if out:
            ctx.article = None
            notes.append("NOT CHECKED: quotes, locators and footnotes against the article text, because the text is not the one sources.csv records (see the first problem)")
    for line, sid, f, h in zip(lines, src["source_id"], src["text_file"], src["sha256"]):
        t = ctx.texts.get(sid)
        if f and t is not None and h != t.sha256:
            out += [Problem(f, None, None, "sha256", f"the kept text is not the one the dataset was checked against (found SHA-256 {t.sha256}; "
                            f"expected {show(h, 70)}, as {sources_file}:{line}:sha256 records): the quotes from {show(sid)} are not checked against it"),
                    Problem(sources_file, int(line), "sha256", "text", f"SHA-256 differs from that of the text kept in text_file (found {show(h, 70)}; expected {t.sha256}: the text changed, or the wrong file)", h)]
            del ctx.texts[sid]
            notes.append(f"NOT CHECKED: quotes from {show(sid)} against {name(f)}, because the text is not the one sources.csv records (see the first problems)")
    return out, notes


required_when("sources", "text_licence", "a kept text needs the licence or the law that allows keeping it", ("text_file",), lambda df: df["text_file"] != "")


@rule("sources", "footnote_text", "article", "footnote_text differs from the footnote in the article", uses=("kind", "footnote_number"), article=True)
def footnote_text(df, ctx):
    fn = ctx.article.folded
    return series(df, (k != FOOTNOTE or fold(t) == fn.get(f"fn{n}") for k, t, n in rows(df, "kind", "footnote_text", "footnote_number")))


@rule("sources", "anchor_text", "article", "anchor_text with the footnote mark not found at anchor_locator", uses=("kind", "footnote_number", "anchor_locator"), article=True)
def footnote_anchor(df, ctx):
    art = ctx.article
    return series(df, (k != FOOTNOTE or fold(f"{a}[{n}]") in art.folded.get(loc, "")
                       for k, a, n, loc in rows(df, "kind", "anchor_text", "footnote_number", "anchor_locator")))


@rule("sources", "footnote_urls", "article", "a URL in footnote_urls does not occur in footnote_text", uses=("footnote_text",))
def footnote_urls(df, ctx):
    return series(df, (all(u in t for u in urls.split()) for urls, t in rows(df, "footnote_urls", "footnote_text")))


# Table-specific: in sources, source_id is the table's own key, not the row's source (row_source), so
# the convention gives it no provenance; a source's own locator and quote point into
# cited_in_source_id (the article, for its footnotes).
provenance("sources", src="cited_in_source_id")

# ------------------------------------------------------------------ parties
iso("parties", "iso3", "iso3_name", iso_country, "ISO 3166-1 (or ISO 3166-3) alpha-3")
required_when("parties", "affiliation_party_id", "a person, office or organ needs the party it belongs to", ("kind",), lambda df: df["kind"].isin(AFFILIATED))


@rule("parties", "iso3", "iso", "a state or former state needs an iso3 code, and only they have one", uses=("kind",))
def iso_for_states(df, ctx):
    return df["kind"].isin(STATES) == (df["iso3"] != "")


@rule("parties", "affiliation_party_id", "self", "a party cannot be affiliated with itself", uses=("party_id",))
def not_self_affiliated(df, ctx):
    return df["affiliation_party_id"] != df["party_id"]


# ------------------------------------------------------------------ territories
iso("territories", "iso3166_code", "iso3166_name", iso_3166, "ISO 3166-1 alpha-2 or ISO 3166-2")


@rule("territories", "parent_territory_id", "cycle", "parent chain loops (a territory is its own ancestor)", uses=("territory_id",))
def no_cycle(df, ctx):
    chains = geo.parent_chains(df)
    return df["territory_id"].map(lambda t: not chains[t][1])


@rule("territories", "iso3166_code", "iso", "ISO 3166-2 code belongs to another country than the territory's parent country",
      uses=("territory_id", "parent_territory_id", "kind"))
def iso_in_parent_country(df, ctx):
    chains, kind, code = geo.parent_chains(df), dict(zip(df["territory_id"], df["kind"])), dict(zip(df["territory_id"], df["iso3166_code"]))

    def ok(t, c):
        country = next((a for a in chains[t][0] if kind.get(a) == COUNTRY), None)
        return "-" not in c or country is None or code.get(country, "") == c.split("-")[0]
    return series(df, (ok(t, c) for t, c in rows(df, "territory_id", "iso3166_code")))


@rule("territories", "iso3166_code", "iso", "a country needs its ISO 3166-1 alpha-2 code", uses=("kind",))
def country_code(df, ctx):
    return (df["kind"] != COUNTRY) | df["iso3166_code"].str.fullmatch(r"[A-Z]{2}")


@rule("territories", "name_az", "iso", "name_az differs from the ISO 3166-2 name of the Azerbaijani subdivision", uses=("iso3166_code", "iso3166_name"))
def az_name(df, ctx):
    return ~df["iso3166_code"].str.startswith("AZ-") | empty(df["name_az"]) | (df["name_az"] == df["iso3166_name"])


# These two replace the *_source_id convention here: the schema lets the article give name_hy (the
# Latin form Artsakh, which it writes); such a name must then stand in the article verbatim.
@rule("territories", "name_hy_source_id", "source", "name_hy and name_hy_source_id go together", uses=("name_hy",))
def hy_source(df, ctx):
    return empty(df["name_hy"]) == empty(df["name_hy_source_id"])


@rule("territories", "name_hy", "as-stated", "a name_hy sourced to the article must stand in it verbatim (other names need a source other than the article)",
      uses=("name_hy_source_id",), needs=SOURCE_KINDS, article=True)
def hy_in_article(df, ctx):
    kinds, art = ctx.source_kind, ctx.article
    return series(df, (not n or kinds.get(s) not in ARTICLE_KINDS or art.anywhere(n) for n, s in rows(df, "name_hy", "name_hy_source_id")))


# coordinates inside the territory's country, on Natural Earth's borders (geo.py; "country" is COUNTRY above)
rule(**geo.COORDINATES_RULE)(geo.coordinates_in_country)

# what each gazetteer ID and point is, and where it comes from, go with it
for _col, _with in (("geonames_feature", "geonames_id"), ("point_kind", "latitude"), ("longitude", "latitude")):
    @rule("territories", _col, "required", f"{_col} and {_with} go together (expected both or neither)", uses=(_with,))
    def goes_with(df, ctx, col=_col, other=_with):
        return empty(df[col]) == empty(df[other])
external("territories", "geonames_adm1_source_id", when="geonames_adm1_id")
external("territories", "point_source_id", when="latitude")

# Values copied from a Natural Earth feature that the package ships (territory_polygons.geojson keeps
# each feature's source_id, locator and own properties): the copy must equal the feature's value.
LABEL_POINT = value("territories.point_kind", "label_point")
POLYGONS = "territory_polygons"


def _feature_properties(ctx):
    """territory_id -> [properties of its features in the polygons' GeoJSON]; None when the file was not read."""
    if POLYGONS not in ctx.features:
        return None
    out = {}
    for f in ctx.features[POLYGONS]:
        p = f.get("properties") if isinstance(f, dict) else None
        if isinstance(p, dict):
            out.setdefault(p.get("territory_id"), []).append(p)
    return out


@rule("territories", "latitude", "stale", "a label point must be the label point (properties latitude and longitude) of one of the territory's features "
      "in data/territory_polygons.geojson, with the same source", uses=("territory_id", "longitude", "point_kind", "point_source_id"))
def label_point_is_its_features(df, ctx):
    feats = _feature_properties(ctx)

    def ok(t, lat, lon, kind, src):
        if kind != LABEL_POINT or feats is None:
            return True
        y, x = geo.number(lat), geo.number(lon)
        return any(p.get("source_id") == src and p.get("latitude") == y and p.get("longitude") == x for p in feats.get(t, []))
    return series(df, (ok(*r) for r in rows(df, "territory_id", "latitude", "longitude", "point_kind", "point_source_id")))


@rule("territories", "wikidata_qid", "stale", "a QID taken from the polygons' source must be the wikidataid of one of the territory's features "
      "in data/territory_polygons.geojson", uses=("territory_id", "wikidata_source_id"))
def qid_is_its_features(df, ctx):
    feats = _feature_properties(ctx)
    if feats is None:
        return series(df, (True for _ in df.index))
    their_sources = {p.get("source_id") for ps in feats.values() for p in ps}

    def ok(t, q, src):
        return src not in their_sources or any(p.get("source_id") == src and p.get("wikidataid") == q for p in feats.get(t, []))
    return series(df, (ok(*r) for r in rows(df, "territory_id", "wikidata_qid", "wikidata_source_id")))

# ------------------------------------------------------------------ agreements and their parties
# These replace the *_as_stated convention (in the row's quote): a description longer than the
# quote, other names and offices the article writes elsewhere; each stands verbatim in the article.
stated("agreements", "description_as_stated")
stated("agreements", "other_names_as_stated", anywhere=True, sep=" | ")
stated("agreement_parties", "representative_office_as_stated", anywhere=True)


@rule("agreement_parties", "representative_party_id", "kind", "representative must be a party of kind person or office", needs=("parties.party_id", "parties.kind"))
def representative_is_person(df, ctx):
    kind = dict(zip(ctx.column("parties", "party_id"), ctx.column("parties", "kind")))
    return df["representative_party_id"].map(lambda p: not p or kind.get(p) in REPRESENTATIVES)


# ------------------------------------------------------------------ memberships, control, resolutions, events
@rule("memberships", "organisation_party_id", "self", "a party cannot be a member of itself", uses=("member_party_id",))
def not_own_member(df, ctx):
    return df["member_party_id"] != df["organisation_party_id"]


@rule("territory_control", "end", "date", "period ends before it starts (expected start <= end)", uses=("start",))
def start_before_end(df, ctx):
    return series(df, (not s or not e or (a := try_parse(s)) is None or (b := try_parse(e)) is None or a[0] <= b[1]
                       for s, e in rows(df, "start", "end")))


# resolutions: each outside value stands in the words its source gives for it, the adoption date's words in the kept text
for _col, _quote in (("meeting", "meeting_quote"), ("vote", "meeting_quote"), ("draft_symbol", "draft_quote")):
    in_quote("resolutions", _col, quote=_quote)
for _quote, _when in (("adoption_quote", "adoption_date"), ("meeting_quote", "meeting"), ("draft_quote", "draft_symbol")):
    required_when("resolutions", _quote, f"{_when} needs {_quote}, the words its source gives for it", (_when,), lambda df, w=_when: df[w] != "")
in_kept_text("resolutions", quote="adoption_quote", src="adoption_date_source_id")

# ------------------------------------------------------------------ figures, claims, provisions, statement points
@rule("figures", "value", "range", "value out of range for its unit (expected above 0; a fraction up to 1, a percent up to 100)", uses=("unit",))
def figure_bounds(df, ctx):
    v = pd.to_numeric(df["value"].where(df["value"] != ""), errors="coerce")
    top = df["unit"].map(BOUNDED_UNITS).astype(float).fillna(float("inf"))
    return v.isna() | ((v > 0) & (v <= top))


@rule("claims", "value_verified", "verdict", "a corrected, imprecise or disputed verdict needs value_verified (what the record says)", uses=("verdict",))
def verified_value(df, ctx):
    return ~df["verdict"].isin(NEEDS_VALUE) | (df["value_verified"] != "")


@rule("claims", "verdict_source_id", "verdict", "the verdict needs a source other than the article (only an unverifiable verdict may have none)",
      uses=("verdict",), needs=SOURCE_KINDS)
def verdict_source(df, ctx):
    kinds = ctx.source_kind
    outside = df["verdict_source_id"].map(lambda s: s in kinds and kinds[s] not in ARTICLE_KINDS)
    return outside | ((df["verdict"] == UNVERIFIABLE) & empty(df["verdict_source_id"]))


@rule("claims", "contradicts_claim_id", "pair", "an internal contradiction must point at another claim that points back", uses=("claim_id",))
def contradiction_pair(df, ctx):
    pair = dict(zip(df["claim_id"], df["contradicts_claim_id"]))
    return series(df, (not c or (c != i and pair.get(c) == i) for i, c in rows(df, "claim_id", "contradicts_claim_id")))


required_when("claims", "note", "an unverifiable verdict needs a note that says why", ("verdict",), lambda df: df["verdict"] == UNVERIFIABLE)


@rule("statement_points", "locator", "locator", "locator must be ptN for the row's point N", uses=("point",))
def point_locator(df, ctx):
    return df["locator"] == "pt" + df["point"]


external("statement_points", "source_id")


@rule("resolution_paragraphs", "locator", "locator", "locator must be ptN for the row's paragraph N", uses=("paragraph",))
def paragraph_locator(df, ctx):
    return df["locator"] == "pt" + df["paragraph"]


@rule("resolution_paragraphs", "source_id", "source", "a paragraph's source must be its resolution's own text (resolutions.text_source_id)",
      uses=("resolution_id",), needs=("resolutions.resolution_id", "resolutions.text_source_id"))
def paragraph_from_own_text(df, ctx):
    own = dict(zip(ctx.column("resolutions", "resolution_id"), ctx.column("resolutions", "text_source_id")))
    return series(df, (own.get(r, "") not in ("", None) and own.get(r) == s for r, s in rows(df, "resolution_id", "source_id")))


in_quote("resolution_paragraphs", "action_as_stated")

# ------------------------------------------------------------------ mentions: every line that names an entity
MENTIONS = "mentions"  # the table of mentions; the entities it names are its foreign keys (mention_rules)


def mention_rules(schema: dict) -> list:
    """The mention rules, derived from the mentions table's own foreign keys: each row names exactly
    one entity, and every entity the article gives (of every table a mention can point to) is named
    by at least one mention. A table that mentions.csv gains a key to is covered with no list."""
    entities = [(fk["fields"], fk["reference"]["resource"], fk["reference"]["fields"]) for fk in schema.get("foreignKeys", [])
                if isinstance(fk["fields"], str) and isinstance(fk["reference"]["fields"], str) and fk["reference"].get("resource") not in ("", "sources", MENTIONS)]
    if not entities:
        return []
    cols = [c for c, _, _ in entities]
    with collecting() as out:
        @rule(MENTIONS, cols[0], "mention", f"a mention names exactly one entity (expected one of {', '.join(cols)})", uses=cols[1:])
        def one_entity(df, ctx):
            return (df[cols] != "").sum(axis=1) == 1

        for col, table, key in entities:
            @rule(table, key, "mention", f"no row of {MENTIONS}.csv names it (expected at least its own line, as the row's locator gives it)",
                  uses=("source_id",), needs=SOURCE_KINDS + (f"{MENTIONS}.{col}",))
            def mentioned(df, ctx, key=key, col=col):
                named, kinds = set(ctx.column(MENTIONS, col)), ctx.source_kind
                return series(df, (kinds.get(s) not in ARTICLE_KINDS or i in named for i, s in rows(df, key, "source_id")))
    return out


# ------------------------------------------------------------------ evidence: claims, their sources, forecasts
# The parties to the conflict are the parties of conflict_parties.csv, in every role the UCDP ACD
# codes (a side, or a state supporting a side with troops): a source on their side is not independent.
SIDE_ROLES = value("conflict_parties.role", "side_a", "side_b", "secondary_side_a", "secondary_side_b")
CONFLICT_PARTIES = ("conflict_parties.party_id", "conflict_parties.role")
CLAIM_SOURCES = ("claim_sources.claim_id", "claim_sources.source_id", "claim_sources.role", "claim_sources.quote")
AUTHORITY = ("sources.source_id", "sources.authority", "sources.alignment_party_id")
# the authorities rank from the strongest evidence down in the order of sources.authority's categories:
# the schema says so, and the rules read the order from it (ctx.categories), never a copy
AUTHORITY_RANKED = "sources.authority"

required_when("claims", "verdict", "a fact needs a verdict", ("kind",), lambda df: df["kind"] == FACT)
for _col in ("outcome", "as_of", "value_verified"):
    required_when("claims", _col, f"a forecast needs {_col}", ("kind",), lambda df: df["kind"] == FORECAST)


@rule("claims", "outcome", "kind", "verdict is for facts and outcome and as_of for forecasts (expected the other columns empty)", uses=("kind", "verdict", "as_of"))
def fact_or_forecast(df, ctx):
    fact = df["kind"] == FACT
    return (fact & empty(df["outcome"]) & empty(df["as_of"])) | (~fact & empty(df["verdict"]))


def _claim_sources(ctx):
    """claim -> [(source, role, quote)] of claim_sources.csv."""
    out = {}
    for c, s, r, q in rows(ctx.tables["claim_sources"], "claim_id", "source_id", "role", "quote"):
        out.setdefault(c, []).append((s, r, q))
    return out


@rule("claims", "verdict_source_id", "evidence", "the main verdict source must be the claim's main row of claim_sources.csv, with the same quote",
      uses=("claim_id", "verdict_quote"), needs=CLAIM_SOURCES)
def main_source_is_listed(df, ctx):
    listed = _claim_sources(ctx)
    return series(df, (not s or (s, MAIN, q) in listed.get(c, [])
                       for c, s, q in rows(df, "claim_id", "verdict_source_id", "verdict_quote")))


@rule("claim_sources", "role", "evidence", "a main source must be the claim's verdict_source_id (one main source per claim)",
      uses=("claim_id", "source_id"), needs=("claims.claim_id", "claims.verdict_source_id"))
def main_row_is_verdict_source(df, ctx):
    main = dict(zip(ctx.column("claims", "claim_id"), ctx.column("claims", "verdict_source_id")))
    return series(df, (r != MAIN or main.get(c) == s for c, s, r in rows(df, "claim_id", "source_id", "role")))


def _authority(ctx):
    src = ctx.tables["sources"]
    return {s: (a, al) for s, a, al in zip(src["source_id"], src["authority"], src["alignment_party_id"])}


def _backing(df, ctx):
    """claim -> the authorities (authority, alignment) of the sources its verdict or outcome rests on (all but contrary)."""
    auth, listed = _authority(ctx), _claim_sources(ctx)
    out = {}
    for c, main in rows(df, "claim_id", "verdict_source_id"):
        ids = {main} | {s for s, r, _ in listed.get(c, []) if r != CONTRARY}
        out[c] = [auth[s] for s in ids if s in auth]
    return out


@rule("claims", "verdict_source_id", "evidence", "the verdict rests on mirrors or copies alone (expected at least one source that is the original or independent of it)",
      uses=("claim_id", "verdict", "kind"), needs=CLAIM_SOURCES + AUTHORITY)
def not_on_mirrors_alone(df, ctx):
    backing = _backing(df, ctx)
    return series(df, (not b or any(a != MIRROR for a, _ in b) for b in (backing[c] for c in df["claim_id"])))


@rule("claims", "verdict", "evidence", "every source of the verdict is partisan or state-affiliated on one side (expected disputed, or a source from outside that side)",
      uses=("claim_id", "verdict_source_id", "kind"), needs=CLAIM_SOURCES + AUTHORITY)
def not_one_sided(df, ctx):
    backing = _backing(df, ctx)

    def ok(c, v):
        b = backing[c]
        one_side = b and all(a in ONE_SIDED for a, _ in b) and len({al for _, al in b}) == 1  # "" : a side not known
        return not one_side or v in (DISPUTED, "")
    return series(df, (ok(c, v) for c, v in rows(df, "claim_id", "verdict")))


@rule("claims", "verdict_source_id", "evidence", "the main source is weaker by authority than a confirming source (expected the strongest of the sources that say the same as main; sources.authority orders them)",
      uses=("claim_id",), needs=CLAIM_SOURCES + AUTHORITY)
def main_is_strongest(df, ctx):
    auth, listed = _authority(ctx), _claim_sources(ctx)
    order = ctx.categories.get(AUTHORITY_RANKED)
    if not order:  # never a silent pass: the validator always gives the schema's categories
        raise RuntimeError(f"no order of {AUTHORITY_RANKED} in the context")
    rank = {a: i for i, a in enumerate(order)}
    weakest = len(order)

    def ok(c, main):
        if not main or main not in auth:
            return True
        confirming = [rank.get(auth[s][0], weakest) for s, r, _ in listed.get(c, []) if r == CONFIRMING and s in auth]
        return not confirming or rank.get(auth[main][0], weakest) <= min(confirming)
    return series(df, (ok(c, m) for c, m in rows(df, "claim_id", "verdict_source_id")))


external("claim_sources", "source_id")

# ------------------------------------------------------------------ territorial control: two views, recorded dates and their sources
CONTROL_SOURCES = ("control_sources.control_id", "control_sources.source_id", "control_sources.bound", "control_sources.role", "control_sources.date")


@rule("territory_control", "view", "view", "the article's view cites the article, the recorded view another source", uses=("source_id",), needs=SOURCE_KINDS)
def view_matches_source(df, ctx):
    kinds = ctx.source_kind
    return series(df, ((kinds.get(s) in ARTICLE_KINDS) == (v == ARTICLE_VIEW) for v, s in rows(df, "view", "source_id")))


@rule("territory_control", "start", "overlap", "recorded periods of one territory overlap (expected one recorded answer for every day; a period may begin on the day the last ends)",
      uses=("view", "territory_id", "end", "control_id"))
def recorded_periods_do_not_overlap(df, ctx):
    periods = {}
    for i, v, t, s, e in rows(df.assign(i=df.index), "i", "view", "territory_id", "start", "end"):
        a, b = try_parse(s) if s else None, try_parse(e) if e else None
        if v == RECORDED and a:
            periods.setdefault(t, []).append((a[0], b[1] if b else dt.date.max, i))
    bad = set()
    for spans in periods.values():
        spans.sort()
        reach = None  # the latest end of the periods so far: a period may begin on that day, not before
        for start, end, i in spans:
            if reach is not None and start < reach:
                bad.add(i)
            reach = end if reach is None else max(reach, end)
    return pd.Series([i not in bad for i in df.index], index=df.index, dtype=bool)


def _bound_sources(ctx):
    """(control_id, bound) -> [(source, role, date)] of control_sources.csv."""
    out = {}
    for c, s, b, r, d in rows(ctx.tables["control_sources"], "control_id", "source_id", "bound", "role", "date"):
        out.setdefault((c, b), []).append((s, r, d))
    return out


def conflict_sides(ctx):
    """The party_ids of conflict_parties.csv in one of SIDE_ROLES: the parties to the conflict."""
    return {p for p, r in rows(ctx.tables["conflict_parties"], "party_id", "role") if r in SIDE_ROLES}


def _one_side(authority, alignment, sides):
    """A source that speaks for a party to the conflict (sides), or a partisan one whose side is not known."""
    return authority in SIDE_RECORDS and (alignment in sides or (authority in ONE_SIDED and alignment == ""))


for _bound in ("start", "end"):
    @rule("territory_control", _bound, "evidence",
          f"a recorded {_bound} needs its main source in control_sources.csv with the same date, and at least one source that is neither a copy nor partisan, "
          "state-affiliated or official on the side of a party to the conflict (conflict_parties.csv)",
          uses=("control_id", "view"), needs=CONTROL_SOURCES + AUTHORITY + CONFLICT_PARTIES)
    def recorded_date_is_sourced(df, ctx, bound=_bound):
        listed, auth, sides = _bound_sources(ctx), _authority(ctx), conflict_sides(ctx)

        def ok(c, v, d):
            if v != RECORDED or not d:
                return True
            found = listed.get((c, bound), [])
            neutral = [s for s, r, _ in found if r != DIFFERING and s in auth and auth[s][0] != MIRROR and not _one_side(*auth[s], sides)]
            return any(r == BOUND_MAIN and x == d for _, r, x in found) and bool(neutral)
        return series(df, (ok(*r) for r in rows(df, "control_id", "view", bound)))


@rule("control_sources", "date", "date", "a main date must be the period's own date, a differing one another date", uses=("control_id", "bound", "role"),
      needs=("territory_control.control_id", "territory_control.start", "territory_control.end", "territory_control.view"))
def bound_dates_agree(df, ctx):
    tc = ctx.tables["territory_control"]
    own = {(c, b): d for c, s, e in rows(tc, "control_id", "start", "end") for b, d in (("start", s), ("end", e))}
    view = dict(zip(tc["control_id"], tc["view"]))
    return series(df, (view.get(c) == RECORDED and (r != BOUND_MAIN or own.get((c, b)) == d) and (r != DIFFERING or own.get((c, b)) != d)
                       for c, b, r, d in rows(df, "control_id", "bound", "role", "date")))


external("control_sources", "source_id")

# ------------------------------------------------------------------ control: extent and backer; memberships: basis
HELD_PER_ARTICLE = value("territory_control.backer_role", "held_per_article")


# Replaces the *_source_id convention here: the role held_per_article is the article's word, so its
# source is the article; a state that supported or held is another source's finding.
@rule("territory_control", "backer_source_id", "source", "backer_source_id must be the article for backer_role held_per_article and another source for any other role",
      uses=("backer_role",), needs=SOURCE_KINDS)
def backer_source(df, ctx):
    kinds = ctx.source_kind
    return series(df, (not s or (s in kinds and (kinds[s] in ARTICLE_KINDS) == (r == HELD_PER_ARTICLE)) for s, r in rows(df, "backer_source_id", "backer_role")))


@rule("territory_control", "backer_party_id", "backer", "backer_role and backer_source_id go with backer_party_id (expected all three or none)",
      uses=("backer_role", "backer_source_id"))
def backer_complete(df, ctx):
    filled = (df[["backer_party_id", "backer_role", "backer_source_id"]] != "").sum(axis=1)
    return (filled == 0) | (filled == 3)


INFERRED_MEMBERSHIP = value("memberships.basis", "inferred")
required_when("memberships", "note", "an inferred membership needs a note that says from what it is inferred", ("basis",),
              lambda df: df["basis"] == INFERRED_MEMBERSHIP)

# ------------------------------------------------------------------ after the article: later events, their links to forecasts, dated assessments
external("later_events", "source_id")


@rule("later_events", "date", "date", "a later event must fall after the article's date (expected its first day after 3 December 2020; events the article reports go in events.csv)",
      needs=("sources.source_id", "sources.date"))
def after_the_article(df, ctx):
    return df["date"].map(lambda v: not (x := try_parse(v)) or x[0] > ctx.latest)


@rule("later_events", "source_id", "evidence", "a later event's source must be neither a copy nor partisan, state-affiliated or official on the side of a party "
      "to the conflict (conflict_parties.csv; others may be cited in the note)", needs=AUTHORITY + CONFLICT_PARTIES)
def later_event_source_outside_the_sides(df, ctx):
    auth, sides = _authority(ctx), conflict_sides(ctx)
    return df["source_id"].map(lambda s: s in auth and auth[s][0] != MIRROR and not _one_side(*auth[s], sides))


@rule("later_events", "event_id", "link", "no row of forecast_events.csv links it to a forecast (expected every later event to bear on one)",
      needs=("forecast_events.event_id",))
def later_event_linked(df, ctx):
    return df["event_id"].isin(set(ctx.column("forecast_events", "event_id")))


@rule("later_events", "event_id", "key", "the id is also an id of events.csv (expected the two tables' ids to be distinct)", needs=("events.event_id",))
def later_event_id_distinct(df, ctx):
    return ~df["event_id"].isin(set(ctx.column("events", "event_id")))


def _forecasts(ctx):
    cl = ctx.tables["claims"]
    return {c: (loc, q) for c, k, loc, q in rows(cl, "claim_id", "kind", "locator", "quote") if k == FORECAST}


@rule("forecast_events", "claim_id", "link", "the claim must be a forecast, and the row cite the forecast's own locator in the article",
      uses=("source_id", "locator"), needs=("claims.claim_id", "claims.kind", "claims.locator", "claims.quote") + SOURCE_KINDS)
def link_to_a_forecast(df, ctx):
    fc, kinds = _forecasts(ctx), ctx.source_kind
    return series(df, (c in fc and kinds.get(s) == ARTICLE and loc == fc[c][0] for c, s, loc in rows(df, "claim_id", "source_id", "locator")))


@rule("forecast_assessments", "claim_id", "kind", "an assessment is of a forecast (claims.csv kind forecast)", needs=("claims.claim_id", "claims.kind"))
def assessment_of_a_forecast(df, ctx):
    return df["claim_id"].isin(set(_forecasts(ctx)))


@rule("forecast_assessments", "evidence_date", "date", "evidence_date after as_of (expected the evidence to be no later than the day assessed)", uses=("as_of",))
def evidence_not_after_assessment(df, ctx):
    return series(df, (not e or not a or e <= a for e, a in rows(df, "evidence_date", "as_of")))


external("forecast_assessments", "source_id")


@rule("forecast_assessments", "assessment_id", "key", "assessment_id must be the claim_id and the as_of day joined by a hyphen (one assessment per forecast and day)",
      uses=("claim_id", "as_of"))
def assessment_id_names_claim_and_day(df, ctx):
    return df["assessment_id"] == df["claim_id"] + "-" + df["as_of"]
ASSESSMENTS = ("forecast_assessments.claim_id", "forecast_assessments.as_of", "forecast_assessments.outcome", "forecast_assessments.source_id", "forecast_assessments.quote",
               "forecast_assessments.value_verified")


@rule("claims", "as_of", "assessment", "a forecast must be assessed at the common date (the latest as_of of forecast_assessments.csv), and its outcome, as_of, "
      "value_verified, verdict_source_id and verdict_quote be that assessment's", uses=("claim_id", "kind", "outcome", "value_verified", "verdict_source_id", "verdict_quote"),
      needs=ASSESSMENTS)
def assessed_at_the_common_date(df, ctx):
    fa = ctx.tables["forecast_assessments"]
    common = max((a for a in fa["as_of"] if a), default="")
    current = {c: (o, v, s, q) for c, a, o, s, q, v in rows(fa, "claim_id", "as_of", "outcome", "source_id", "quote", "value_verified") if a == common}
    return series(df, (k != FORECAST or (a == common and current.get(c) == (o, v, s, q))
                       for c, k, a, o, v, s, q in rows(df, "claim_id", "kind", "as_of", "outcome", "value_verified", "verdict_source_id", "verdict_quote")))


# ------------------------------------------------------------------ the conflict (UCDP ACD) and its parties
external("conflicts", "source_id")
external("conflict_parties", "source_id")
external("conflict_parties", "ucdp_actor_source_id", when="ucdp_actor_id")


@rule("conflict_parties", "gwno_as_stated", "code", "the Gleditsch–Ward code the source gives differs from the party's gw_code in parties.csv",
      uses=("party_id",), needs=("parties.party_id", "parties.gw_code"))
def gwno_is_the_partys(df, ctx):
    gw = dict(zip(ctx.column("parties", "party_id"), ctx.column("parties", "gw_code")))
    return series(df, (not g or gw.get(p) == g for p, g in rows(df, "party_id", "gwno_as_stated")))


# ------------------------------------------------------------------ value_sources: where an outside value of a row stands
def _cell(ctx, resource, row_id, fname):
    """The cell (its text), None when the table is not readable here (not checked), False when there is no such cell."""
    t = ctx.tables.get(resource)
    if t is None or len(t.columns) == 0:
        return None
    hit = t.index[t.iloc[:, 0] == row_id]
    if fname not in t.columns or len(hit) != 1:
        return False
    return t.at[hit[0], fname]


@rule("value_sources", "value", "stale", "value differs from the cell it documents, or no such cell (expected resource, row_id and field to name a cell that holds value)",
      uses=("resource", "row_id", "field"))
def value_is_the_cells(df, ctx):
    return series(df, ((c := _cell(ctx, t, r, f)) is None or c == v for t, r, f, v in rows(df, "resource", "row_id", "field", "value")))


@rule("value_sources", "quote", "quote", "value does not occur in the quote (whitespace and typographic quotes folded)", uses=("value",))
def value_in_its_quote(df, ctx):
    return series(df, (fold(v) in fold(q) for v, q in rows(df, "value", "quote")))


@rule("value_sources", "source_id", "source", "source is not one the documented row cites in a *_source_id column", uses=("resource", "row_id", "field"))
def source_is_the_rows(df, ctx):
    def ok(t, r, s):
        frame = ctx.tables.get(t)
        if frame is None or len(frame.columns) == 0:
            return True
        hit = frame[frame.iloc[:, 0] == r]
        return len(hit) == 1 and s in {hit.iloc[0][c] for c in frame.columns if c.endswith("_source_id")}
    return series(df, (ok(*x) for x in rows(df, "resource", "row_id", "source_id")))


external("value_sources", "source_id")


def documented(table, key, col):
    """Every value of col has its row in value_sources.csv (its locator and verbatim quote); key is the table's ID column."""
    @rule(table, col, "evidence", "value without its row in value_sources.csv (expected its source's locator and verbatim quote there)",
          uses=(key,), needs=("value_sources.resource", "value_sources.row_id", "value_sources.field"))
    def documented_value(df, ctx, table_key=key):
        vs = ctx.tables["value_sources"]
        have = {(r, f) for t, r, f in rows(vs, "resource", "row_id", "field") if t == table}
        return series(df, (not v or (k, col) in have for k, v in rows(df, table_key, col)))


documented("territories", "territory_id", "geonames_adm1_id")


# ------------------------------------------------------------------ the column conventions
# Columns that stand for something other than their convention, said here, table by table, each
# checked to exist (declaration_problems) and named in the report:
RELATIONS = {  # a *_source_id column that names a related source, not the source of a value
    ("sources", "parent_source_id"): "the source a footnote belongs to",
    ("sources", "cited_in_source_id"): "the source that cites this one (its locator and quote point there)",
}
LOOKS_LIKE = re.compile(r"^(source_id|locator|quote|latitude|longitude|.+_(source_id|locator|quote|as_stated|precision|basis|start|end))$")


def row_source(fields, schema):
    """The column naming the source of each row: source_id, unless it is the table's own key (sources)."""
    return "source_id" if "source_id" in fields and as_list(schema.get("primaryKey")) != ["source_id"] else None


def conventions(table: str, schema: dict) -> list:
    """The rules that the column conventions imply for a table with this Table Schema. Where a
    table-specific rule of RULES has the same column and kind, it replaces the convention's rule."""
    fields = [f["name"] for f in schema["fields"]]
    names, enums = set(fields), {f["name"] for f in schema["fields"] if "enum" in f.get("constraints", {})}
    own = {(r.column, r.kind) for r in RULES if r.table == table}
    src, key = row_source(names, schema), as_list(schema.get("primaryKey"))
    groups = [f.removesuffix("_precision") for f in fields if f.endswith("_precision") and f.removesuffix("_precision") in names]
    with collecting() as out:
        if src and {"locator", "quote"} <= names:
            provenance(table, src)
        for f in fields:  # P_quote with P_source_id: a quote of its own source, at P_locator where there is one
            p = f.removesuffix("_quote")
            if f.endswith("_quote") and f"{p}_source_id" in names:
                if f"{p}_locator" in names:
                    provenance(table, f"{p}_source_id", f"{p}_locator", f)
                else:
                    identifies(table, f)
                    in_kept_text(table, quote=f, src=f"{p}_source_id")
        for p in groups:
            days = tuple(b for b in ("start", "end") if f"{p}_{b}" in names)
            (date_group if f"{p}_basis" in names else edtf_value)(table, p, src, days=days)
        for f in fields:
            p = f.removesuffix("_as_stated")
            if not f.endswith("_as_stated") or (f, "as-stated") in own or f in enums:
                continue  # codes, not words: no rule can check them (and convention_problems does not count an enum)
            if f"{p}_locator" in names and src:
                stated(table, f, locator=f"{p}_locator")
            elif f"{p}_quote" in names or "quote" in names:
                in_quote(table, f, f"{p}_quote" if f"{p}_quote" in names else "quote")
        for f in fields:
            p = f.removesuffix("_source_id")
            if not f.endswith("_source_id") or (f, "source") in own or (table, f) in RELATIONS or p in groups or key == [f]:
                continue  # a date group's source goes with its basis (date_source); a table's own key is no source
            siblings = [g for g in fields if g.startswith(f"{p}_") and g not in (f, f"{p}_locator")]
            when = f"{p}_quote" if f"{p}_quote" in names else p if p in names else (siblings[0] if siblings else None)
            external(table, f, when=when, optional=when is None)
        for f in fields:  # the basis of a value that is not a date: as the source states it, or inferred (and the note says how)
            p = f.removesuffix("_basis")
            if f.endswith("_basis") and p not in groups and (f, "basis") not in own:
                value_basis(table, p, given=p in names, note="note" in names)
        if {"latitude", "longitude"} <= names and ("longitude", "required") not in own:
            coordinates_pair(table)
    return out


def value_basis(table, p, given, note):
    """P_basis of a value P that is not a date: filled exactly when P is; inferred needs a note."""
    basis = f"{p}_basis"
    if given:
        @rule(table, basis, "basis", f"{basis} goes with {p} (expected it filled exactly when {p} is)", uses=(p,))
        def basis_with_value(df, ctx):
            return empty(df[basis]) == empty(df[p])
    if note:
        inferred = declared(f"{table}.{basis}", "inferred")
        required_when(table, "note", f"{basis} 'inferred' needs a note that says how {p} was inferred", (basis,), lambda df: df[basis] == inferred)


def coordinates_pair(table):
    @rule(table, "longitude", "required", "longitude and latitude go together (expected both or neither)", uses=("latitude",))
    def coordinates_together(df, ctx):
        return empty(df["latitude"]) == empty(df["longitude"])


def for_package(resources) -> dict:
    """resource name -> every rule that applies to it: its conventions, the table-specific rules
    of RULES, and the mention rules that the mentions table's keys imply."""
    by_table = {r.name: conventions(r.name, r.schema) + [x for x in RULES if x.table == r.name] for r in resources}
    mentions = next((r for r in resources if r.name == MENTIONS), None)
    for x in mention_rules(mentions.schema) if mentions else []:
        if x.table in by_table:
            by_table[x.table].append(x)
    return by_table


def convention_problems(resource, table_rules) -> list:
    """Fields that look like a convention but that no rule covers: problems of the schema."""
    covered = {c for r in table_rules for c in r.columns}
    key = as_list(resource.schema.get("primaryKey"))
    out = []
    for f in resource.fields:
        if not LOOKS_LIKE.match(f) or f in covered or key == [f] or (resource.name, f) in RELATIONS:
            continue
        out.append(Problem(resource.schema_file, None, f, "convention", f"{f} is named like a column convention (quote, locator, source_id, *_as_stated, a date group, "
                           "latitude/longitude) but no rule checks it: give it the columns its convention needs (its quote, its P_precision, its pair), or rename it"))
    return out


def absent_tables(listed) -> list:
    """The tables that table-specific rules name and the descriptor does not list (listed: every
    resource name it lists): their rules do not apply, and the report says so once."""
    return sorted({r.table for r in RULES} - set(listed))


def declaration_problems(resources, refused=()) -> list:
    """Table-specific rules and declarations whose columns the descriptor does not have, in a table
    it has. refused: names of resources the descriptor lists but that could not be loaded (their
    problem is reported already), and of tables it does not list (absent_tables, noted once): their
    rules are not checked against them."""
    fields = {r.name: (set(r.fields), r.schema_file) for r in resources}
    out = set()
    for r in RULES:
        if r.table in refused or r.table not in fields:
            continue
        have, file = fields[r.table]
        for c in sorted(r.columns - have):
            out.add(Problem(file, None, c, "rules", f"the validator's rule {r.name} reads {r.table}.{c}, which the schema no longer has (rename it in ifimes_karabakh/rules.py too)"))
        for n in r.needs:
            t, c = n.split(".")
            if t not in refused and t in fields and c not in fields[t][0]:
                out.add(Problem(fields[t][1], None, c, "rules",
                                f"the validator's rule {r.name} on {r.table} reads {n}, which the descriptor no longer has (rename it in ifimes_karabakh/rules.py too)"))
    for t, c in RELATIONS:
        if t not in refused and t in fields and c not in fields[t][0]:
            out.add(Problem(fields[t][1], None, c, "rules",
                            f"ifimes_karabakh/rules.py declares {t}.{c}, which the descriptor no longer has (remove the declaration)"))
    return sorted(out, key=lambda p: (p.file, p.column, p.message))  # every problem here names its column


# ------------------------------------------------------------------ running them
def applicable(table_rules: list, frame: pd.DataFrame, ctx: Context):
    """(rules that can run on the table, [(rule, reason)] for those that cannot)."""
    run, skipped = [], []
    for r in table_rules:
        missing = sorted(r.columns - set(frame.columns))
        gone = [n for n in r.needs if n.split(".")[0] not in ctx.tables or n.split(".")[1] not in ctx.tables[n.split(".")[0]].columns]
        if missing:
            skipped.append((r, f"column {', '.join(missing)} missing"))
        elif gone:
            skipped.append((r, f"{', '.join(gone)} not readable"))
        elif r.article and ctx.article is None:
            skipped.append((r, "no article text"))
        else:
            run.append(r)
    return run, skipped


def schema(table: str, rules: list, ctx: Context) -> pa.DataFrameSchema:
    """The table's rules as one Pandera schema of frame checks; check i is rules[i]."""
    return pa.DataFrameSchema(checks=[pa.Check(lambda df, r=r: r.test(df, ctx), name=r.kind, title=r.column, error=r.message) for r in rules],
                              name=table)
