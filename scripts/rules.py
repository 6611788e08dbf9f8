"""Pandera schemas: the column rules derived from the Table Schemas in schemas/, plus the
semantic and cross-table rules that Table Schema cannot express (see RULES below)."""
import datetime as dt
import re

import pandas as pd
import pandera.pandas as pa
import pycountry

from source_text import ARTICLE_ID, fold

EDTF_PART = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISION = {4: "year", 7: "month", 10: "day"}
EARLIEST = dt.date(1900, 1, 1)
ARTICLE_SOURCES = {"article", "footnote"}


# ---------------------------------------------------------------- dates
def parse_edtf(value):
    """'1993', '1995-01', '2020-11-09' or 'start/end' -> (first day, last day, precision); ValueError if impossible."""
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError("more than one '/'")
    spans = []
    for p in parts:
        m = EDTF_PART.match(p)
        if not m:
            raise ValueError("not YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if d:
            day = dt.date(y, int(mo), int(d))
            spans.append((day, day, "day"))
        elif mo:
            first = dt.date(y, int(mo), 1)
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            spans.append((first, nxt - dt.timedelta(days=1), "month"))
        else:
            spans.append((dt.date(y, 1, 1), dt.date(y, 12, 31), "year"))
    if len(spans) == 2:
        if spans[0][2] != spans[1][2]:
            raise ValueError("the two ends of the interval have different precisions")
        if spans[0][0] > spans[1][1]:
            raise ValueError("interval ends before it starts")
    return spans[0][0], spans[-1][1], spans[0][2]


TYPE_PATTERN = {
    "integer": r"[+-]?\d+",
    "number": r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?",
    "date": r"\d{4}-\d{2}-\d{2}",
}


# ---------------------------------------------------------------- derived column checks
def column_checks(field):
    """Pandera checks for one Table Schema field (values are read as strings; '' is missing)."""
    c = field.get("constraints", {})
    t = field.get("type", "string")
    checks = []
    if c.get("required"):
        checks.append(pa.Check(lambda s: s != "", name="required", error="required value is missing (expected a value)"))
    if t in TYPE_PATTERN:
        rx = TYPE_PATTERN[t]
        checks.append(pa.Check(lambda s, rx=rx: (s == "") | s.str.fullmatch(rx), name="type", error=f"not a valid {t}"))
    if t == "date":
        checks.append(pa.Check(lambda s: (s == "") | pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna(), name="date", error="not a real calendar date (expected YYYY-MM-DD)"))
    if "enum" in c:
        allowed = set(c["enum"])
        checks.append(pa.Check(lambda s, a=allowed: (s == "") | s.isin(a), name="enum", error=f"not in the vocabulary (expected one of {', '.join(c['enum'])})"))
    if "pattern" in c:
        rx = c["pattern"]
        checks.append(pa.Check(lambda s, rx=rx: (s == "") | s.str.fullmatch(rx.removeprefix("^").removesuffix("$")), name="pattern", error=f"does not match the pattern {c['pattern']}"))
    if "minLength" in c or "maxLength" in c:
        lo, hi = c.get("minLength", 0), c.get("maxLength", 10**9)
        checks.append(pa.Check(lambda s, lo=lo, hi=hi: (s == "") | s.str.len().between(lo, hi), name="length", error=f"length out of range (expected {lo} to {hi} characters)"))
    if "minimum" in c:
        lo = c["minimum"]
        checks.append(pa.Check(lambda s, lo=lo: ~(pd.to_numeric(s.where(s != ""), errors="coerce") < lo), name="minimum", error=f"below the minimum (expected at least {lo})"))
    return checks


# ---------------------------------------------------------------- semantic rules
class Context:
    """Everything the cross-table rules need: all tables (as strings), the article, the sources."""

    def __init__(self, tables, article):
        self.t = tables
        self.article = article  # source_text.Article or None when the text is absent
        src = tables.get("sources", pd.DataFrame(columns=["source_id", "kind", "date"]))
        self.source_kind = dict(zip(src["source_id"], src["kind"]))
        pub = src.loc[src["source_id"] == ARTICLE_ID, "date"]
        try:
            self.latest = dt.date.fromisoformat(pub.iloc[0])
        except (IndexError, ValueError):
            self.latest = dt.date.today()
        parties = tables.get("parties", pd.DataFrame(columns=["party_id", "kind"]))
        self.party_kind = dict(zip(parties["party_id"], parties["kind"]))

    def external(self, sid):
        """True when sid names a source other than the article and its footnotes."""
        return sid != "" and sid in self.source_kind and self.source_kind[sid] not in ARTICLE_SOURCES


_RECORDS = {}


def records(df):
    """The rows of df as plain tuples with field attributes, built once per table (iterating pandas
    string arrays row by row is slow; a row rule then costs one Python call per row)."""
    key = id(df)
    if key not in _RECORDS or _RECORDS[key][0] is not df:
        _RECORDS[key] = (df, list(df.astype(object).itertuples(index=False, name="Row")))
    return _RECORDS[key][1]


def rowwise(df, fn, name, error):
    """A column check that evaluates fn(row) for every row of df (True = passes)."""
    def safe(r):
        try:
            return bool(fn(r))
        except (ValueError, TypeError, KeyError, AttributeError, LookupError):
            return False  # a value the rule cannot even read fails the rule

    def check(s):
        recs = records(df)
        return pd.Series([safe(recs[i]) for i in range(len(recs))], index=df.index).loc[s.index]
    return pa.Check(check, name=name, error=error)


def in_quote(field):
    return lambda r: getattr(r, field) == "" or fold(getattr(r, field)) in fold(r.quote)


def stated_rule(df, ctx, field, locator_field="locator", anywhere=False, sep=None):
    """field holds the article's own words: found verbatim at the row's locator (or anywhere in
    the article); with sep, each of the parts it separates. Rows citing another source are skipped."""
    art = ctx.article
    if art is None:
        return {}

    def ok(r):
        value = getattr(r, field)
        if value == "" or ctx.source_kind.get(r.source_id) not in ARTICLE_SOURCES:
            return True
        parts = value.split(sep) if sep else [value]
        if anywhere:
            return all(any(art.contains(loc, part.strip()) for loc in art.raw) for part in parts)
        return all(art.contains(getattr(r, locator_field), part.strip()) for part in parts)

    where = "anywhere in the article" if anywhere else f"in the article at {locator_field}"
    return {field: [rowwise(df, ok, "stated verbatim", f"{field} is not found verbatim {where}")]}


def provenance_rules(df, ctx):
    """source_id / locator / quote on every row."""
    art = ctx.article

    def locator_ok(r):
        if r.source_id in ctx.source_kind and ctx.source_kind[r.source_id] in ARTICLE_SOURCES:
            return art is None or r.locator in art.raw
        return not re.fullmatch(r"p\d+|fn\d+", r.locator)

    rules = {"locator": [rowwise(df, locator_ok, "locator", "locator does not exist in that source (expected p1…p51 or fn1…fn5 for the article; ptN or whole for other documents)")]}
    if art is not None:
        def quote_ok(r):
            if ctx.source_kind.get(r.source_id) not in ARTICLE_SOURCES or r.locator not in art.raw:
                return True  # other documents' quotes are checked by reading; a bad locator is reported once
            return art.contains(r.locator, r.quote)
        rules["quote"] = [rowwise(df, quote_ok, "verbatim", "quote not found verbatim in the article at the locator (whitespace and typographic quotes folded)")]
    return rules


def date_rules(df, ctx, p, upper=True):
    """Rules for a date group: p_as_stated, p, p_precision, p_basis, p_source_id."""
    def parsed(v):
        try:
            return parse_edtf(v)
        except ValueError:
            return None

    def real(r):
        v = getattr(r, p)
        return v == "" or parsed(v) is not None

    def precision(r):
        v, prec = getattr(r, p), getattr(r, f"{p}_precision")
        if v == "":
            return prec == ""
        x = parsed(v)
        return x is None or x[2] == prec

    def coverage(r):
        x = parsed(getattr(r, p)) if getattr(r, p) else None
        return x is None or (x[0] >= EARLIEST and (not upper or x[1] <= ctx.latest))

    def basis(r):
        v, b, das = getattr(r, p), getattr(r, f"{p}_basis"), getattr(r, f"{p}_as_stated")
        if v == "":
            return b == ""
        if b == "as_stated":
            return das != ""
        return b in ("corrected", "refined", "added", "inferred")

    def source(r):
        b, s = getattr(r, f"{p}_basis"), getattr(r, f"{p}_source_id")
        if b in ("corrected", "refined", "added"):
            return ctx.external(s)
        return s == ""

    def inferred_note(r):
        return getattr(r, f"{p}_basis") != "inferred" or r.note != ""

    return {
        p: [rowwise(df, real, "real date", "impossible or malformed date (expected YYYY, YYYY-MM, YYYY-MM-DD or start/end, a real calendar date)"),
            rowwise(df, coverage, "coverage", f"date outside what the article can report (expected between {EARLIEST} and the article's date {ctx.latest})")],
        f"{p}_precision": [rowwise(df, precision, "precision", f"precision contradicts {p} (expected day for YYYY-MM-DD, month for YYYY-MM, year for YYYY, empty when {p} is empty)")],
        f"{p}_basis": [rowwise(df, basis, "basis", f"basis does not fit (expected empty when {p} is empty; as_stated only with {p}_as_stated given)"),
                       rowwise(df, inferred_note, "inferred note", "basis 'inferred' needs a note that says how the date was inferred")],
        f"{p}_source_id": [rowwise(df, source, "basis source", f"{p}_source_id must name a source other than the article when {p}_basis is corrected, refined or added, and be empty otherwise")],
        f"{p}_as_stated": [rowwise(df, in_quote(f"{p}_as_stated"), "stated in quote", f"{p}_as_stated does not occur in the row's quote")],
    }


def external_source(df, ctx, field, value_field=None):
    """field (a *_source_id) names a non-article source whenever value_field is filled, and only then."""
    def ok(r):
        s = getattr(r, field)
        if value_field is None:
            return ctx.external(s)
        if getattr(r, value_field) == "":
            return s == ""
        return ctx.external(s)
    if value_field is None:
        return {field: [rowwise(df, ok, "external source", "must name a source other than the article (sources.csv)")]}
    return {field: [rowwise(df, ok, "external source", f"must name a source other than the article (sources.csv) when {value_field} is given, and be empty when it is not")]}


def requires(df, field, when, what):
    return {field: [rowwise(df, lambda r: not when(r) or getattr(r, field) != "", "required here", what)]}


def merge(*dicts):
    out = {}
    for d in dicts:
        for k, v in d.items():
            out.setdefault(k, []).extend(v)
    return out


def iso_country(code3):
    return pycountry.countries.get(alpha_3=code3) or pycountry.historic_countries.get(alpha_3=code3)


def iso_3166(code):
    return pycountry.subdivisions.get(code=code) if "-" in code else pycountry.countries.get(alpha_2=code)


def rules_sources(df, ctx):
    art = ctx.article

    def fn_text(r):
        return art is None or r.kind != "footnote" or fold(r.footnote_text) == art.folded.get(f"fn{r.footnote_number}", None)

    def fn_anchor(r):
        if art is None or r.kind != "footnote":
            return True
        body = art.raw.get(r.anchor_locator, "")
        return fold(f"{r.anchor_text}[{r.footnote_number}]") in fold(body)

    def fn_urls(r):
        return all(u in r.footnote_text for u in r.footnote_urls.split()) if r.footnote_urls else True

    def sha(r):
        return r.kind != "article" or art is None or r.sha256 == art.sha256

    return merge(
        requires(df, "url", lambda r: r.kind not in ARTICLE_SOURCES, "an outside source needs its url"),
        requires(df, "access_date", lambda r: r.kind not in ARTICLE_SOURCES and r.cited_in_source_id == "", "an outside source the maintainers read needs the date they read it"),
        requires(df, "sha256", lambda r: r.kind == "article", "the article needs the SHA-256 of the text the dataset was checked against"),
        {"sha256": [rowwise(df, sha, "sha256 matches", "SHA-256 differs from that of the source text on disk (the text changed, or the wrong file)")]},
        requires(df, "parent_source_id", lambda r: r.kind == "footnote", "a footnote needs its parent source"),
        requires(df, "footnote_number", lambda r: r.kind == "footnote", "a footnote needs its number"),
        requires(df, "footnote_text", lambda r: r.kind == "footnote", "a footnote needs its verbatim text"),
        requires(df, "anchor_text", lambda r: r.kind == "footnote", "a footnote needs the body text its mark follows"),
        requires(df, "anchor_locator", lambda r: r.kind == "footnote", "a footnote needs the line its mark stands on"),
        requires(df, "quote", lambda r: r.cited_in_source_id != "", "a cited source needs a quote from where it is cited"),
        {"footnote_text": [rowwise(df, fn_text, "footnote verbatim", "footnote_text differs from the footnote in the article")],
         "anchor_text": [rowwise(df, fn_anchor, "anchor", "anchor_text with the footnote mark not found at anchor_locator")],
         "footnote_urls": [rowwise(df, fn_urls, "urls in footnote", "a URL in footnote_urls does not occur in footnote_text")]},
        provenance_rules(df.assign(source_id=df["cited_in_source_id"]), ctx),
    )


def iso_rules(df, code_col, name_col, lookup, what):
    """The code exists in pycountry, and the recorded name is pycountry's name for it."""
    def exists(r):
        code = getattr(r, code_col)
        return code == "" or lookup(code) is not None

    def named(r):
        code = getattr(r, code_col)
        found = lookup(code) if code else None
        return found is None or getattr(r, name_col) == found.name

    return {code_col: [rowwise(df, exists, "ISO 3166 exists", f"no such {what} code in pycountry")],
            name_col: [rowwise(df, named, "ISO name", f"{name_col} is not pycountry's name for {code_col} (the code names another place, or the name was changed)")]}


def rules_parties(df, ctx):
    def iso_kind(r):
        return (r.kind in ("state", "former_state")) == (r.iso3 != "")

    def aff(r):
        return r.affiliation_party_id != r.party_id

    return merge(
        iso_rules(df, "iso3", "iso3_name", iso_country, "ISO 3166-1 (or ISO 3166-3) alpha-3"),
        {"iso3": [rowwise(df, iso_kind, "ISO for states", "a state or former state needs an iso3 code, and only they have one")],
         "affiliation_party_id": [rowwise(df, aff, "not self", "a party cannot be affiliated with itself")]},
        requires(df, "affiliation_party_id", lambda r: r.kind in ("person", "office", "organ"), "a person, office or organ needs the party it belongs to"),
        requires(df, "iso3_name", lambda r: r.iso3 != "", "an iso3 code needs its ISO name"),
        external_source(df, ctx, "iso3_source_id", "iso3"),
        {"name_as_stated": [rowwise(df, in_quote("name_as_stated"), "stated in quote", "name_as_stated does not occur in the row's quote")],
         "office_as_stated": [rowwise(df, in_quote("office_as_stated"), "stated in quote", "office_as_stated does not occur in the row's quote")]},
        provenance_rules(df, ctx),
    )


def rules_territories(df, ctx):
    parent = dict(zip(df["territory_id"], df["parent_territory_id"]))
    code = dict(zip(df["territory_id"], df["iso3166_code"]))
    kind = dict(zip(df["territory_id"], df["kind"]))

    def acyclic(r):
        seen, t = set(), r.territory_id
        while t:
            if t in seen:
                return False
            seen.add(t)
            t = parent.get(t, "")
        return True

    def iso_in_parent_country(r):
        if "-" not in r.iso3166_code:
            return True
        t = r.parent_territory_id
        while t and kind.get(t) != "country":
            t = parent.get(t, "")
        return not t or code.get(t, "") == r.iso3166_code.split("-")[0]

    def country_code(r):
        return r.kind != "country" or re.fullmatch(r"[A-Z]{2}", r.iso3166_code or "") is not None

    def az_name(r):
        return not (r.iso3166_code.startswith("AZ-") and r.name_az) or r.name_az == r.iso3166_name

    return merge(
        iso_rules(df, "iso3166_code", "iso3166_name", iso_3166, "ISO 3166-1 alpha-2 or ISO 3166-2"),
        {"parent_territory_id": [rowwise(df, acyclic, "no cycle", "parent chain loops back to this territory")],
         "iso3166_code": [rowwise(df, iso_in_parent_country, "ISO in parent", "ISO 3166-2 code belongs to another country than the territory's parent country"),
                          rowwise(df, country_code, "country code", "a country needs its ISO 3166-1 alpha-2 code")],
         "name_az": [rowwise(df, az_name, "az name", "name_az differs from the ISO 3166-2 name of the Azerbaijani subdivision")],
         "name_as_stated": [rowwise(df, in_quote("name_as_stated"), "stated in quote", "name_as_stated does not occur in the row's quote")]},
        requires(df, "iso3166_name", lambda r: r.iso3166_code != "", "an ISO code needs its ISO name"),
        external_source(df, ctx, "iso3166_source_id", "iso3166_code"),
        external_source(df, ctx, "name_az_source_id", "name_az"),
        {"name_hy_source_id": [rowwise(df, lambda r: (r.name_hy == "") == (r.name_hy_source_id == ""), "source given", "name_hy and name_hy_source_id go together")]},
        provenance_rules(df, ctx),
    )


def rules_agreements(df, ctx):
    return merge(
        {"name_as_stated": [rowwise(df, in_quote("name_as_stated"), "stated in quote", "name_as_stated does not occur in the row's quote")],
         "place_as_stated": [rowwise(df, in_quote("place_as_stated"), "stated in quote", "place_as_stated does not occur in the row's quote")]},
        external_source(df, ctx, "name_canonical_source_id", "name_canonical"),
        external_source(df, ctx, "kind_source_id", "kind"),
        external_source(df, ctx, "place_source_id", "place"),
        external_source(df, ctx, "pax_source_id", "pax_id"),
        stated_rule(df, ctx, "description_as_stated"),
        stated_rule(df, ctx, "other_names_as_stated", anywhere=True, sep=" | "),
        date_rules(df, ctx, "date"),
        provenance_rules(df, ctx),
    )


def rules_agreement_parties(df, ctx):
    def rep(r):
        return r.representative_party_id == "" or ctx.party_kind.get(r.representative_party_id) in ("person", "office")
    return merge(
        {"representative_party_id": [rowwise(df, rep, "representative is a person", "representative must be a party of kind person or office")]},
        stated_rule(df, ctx, "representative_office_as_stated", anywhere=True),
        provenance_rules(df, ctx),
    )


def rules_memberships(df, ctx):
    return merge(
        {"organisation_party_id": [rowwise(df, lambda r: r.member_party_id != r.organisation_party_id, "not self", "a party cannot be a member of itself")],
         "as_of_as_stated": [rowwise(df, in_quote("as_of_as_stated"), "stated in quote", "as_of_as_stated does not occur in the row's quote")]},
        provenance_rules(df, ctx),
    )


def rules_territory_control(df, ctx):
    def order(r):
        try:
            return r.start == "" or r.end == "" or parse_edtf(r.start)[0] <= parse_edtf(r.end)[1]
        except ValueError:
            return True
    return merge(date_rules(df, ctx, "start"), date_rules(df, ctx, "end", upper=False),
                 {"end": [rowwise(df, order, "start before end", "period ends before it starts (expected start <= end)")]},
                 provenance_rules(df, ctx))


def rules_resolutions(df, ctx):
    return merge(
        {"number_as_stated": [rowwise(df, in_quote("number_as_stated"), "stated in quote", "number_as_stated does not occur in the row's quote")],
         "year_as_stated": [rowwise(df, in_quote("year_as_stated"), "stated in quote", "year_as_stated does not occur in the row's quote")]},
        stated_rule(df, ctx, "demands_as_stated", locator_field="demands_locator"),
        external_source(df, ctx, "symbol_source_id", "symbol"),
        external_source(df, ctx, "adoption_date_source_id", "adoption_date"),
        provenance_rules(df, ctx),
    )


def rules_events(df, ctx):
    return merge(date_rules(df, ctx, "date"), provenance_rules(df, ctx))


def rules_figures(df, ctx):
    def bounds(r):
        try:
            v = float(r.value)
        except ValueError:
            return True
        if r.unit == "fraction":
            return 0 < v <= 1
        if r.unit == "percent":
            return 0 < v <= 100
        return v > 0
    return merge(
        {"value": [rowwise(df, bounds, "bounds", "value out of range for its unit (fraction: 0–1, percent: 0–100, others: > 0)")],
         "value_as_stated": [rowwise(df, in_quote("value_as_stated"), "stated in quote", "value_as_stated does not occur in the row's quote")]},
        provenance_rules(df, ctx),
    )


def rules_claims(df, ctx):
    pair = dict(zip(df["claim_id"], df["contradicts_claim_id"]))

    def value_needed(r):
        return r.verdict not in ("corrected", "imprecise", "disputed") or r.value_verified != ""

    def verdict_source(r):
        if r.verdict == "unverifiable":
            return r.verdict_source_id == "" or ctx.external(r.verdict_source_id)
        return ctx.external(r.verdict_source_id)

    def symmetric(r):
        c = r.contradicts_claim_id
        return c == "" or (c != r.claim_id and pair.get(c) == r.claim_id)

    def unverifiable_note(r):
        return r.verdict != "unverifiable" or r.note != ""

    return merge(
        {"value_verified": [rowwise(df, value_needed, "verified value", "a corrected, imprecise or disputed verdict needs value_verified (what the record says)")],
         "verdict_source_id": [rowwise(df, verdict_source, "verdict source", "the verdict needs a source other than the article (only an unverifiable verdict may have none)")],
         "verdict_quote": [rowwise(df, lambda r: (r.verdict_source_id == "") == (r.verdict_quote == ""), "verdict quote", "verdict_source_id and verdict_quote go together")],
         "contradicts_claim_id": [rowwise(df, symmetric, "pair", "an internal contradiction must point at another claim that points back")],
         "note": [rowwise(df, unverifiable_note, "why unverifiable", "an unverifiable verdict needs a note that says why")],
         "value_as_stated": [rowwise(df, in_quote("value_as_stated"), "stated in quote", "value_as_stated does not occur in the row's quote")]},
        provenance_rules(df, ctx),
    )


def rules_statement_points(df, ctx):
    return merge(
        {"locator": [rowwise(df, lambda r: r.locator == f"pt{r.point}", "point locator", "locator must be ptN for the row's point N")]},
        external_source(df, ctx, "source_id"),
        provenance_rules(df, ctx),
    )


def rules_provisions(df, ctx):
    return merge(stated_rule(df, ctx, "description_as_stated"), provenance_rules(df, ctx))


def rules_plain(df, ctx):
    return provenance_rules(df, ctx)


RULES = {
    "sources": rules_sources, "parties": rules_parties, "territories": rules_territories,
    "agreements": rules_agreements, "agreement_parties": rules_agreement_parties,
    "memberships": rules_memberships, "territory_control": rules_territory_control,
    "resolutions": rules_resolutions, "events": rules_events, "event_parties": rules_plain,
    "provisions": rules_provisions, "figures": rules_figures, "claims": rules_claims,
    "statement_points": rules_statement_points,
}


def build_schema(name, table_schema, df, ctx):
    """The Pandera schema of one table: derived column checks + this table's semantic rules."""
    extra = RULES.get(name, rules_plain)(df, ctx) if set(f["name"] for f in table_schema["fields"]) <= set(df.columns) else {}
    columns = {}
    for field in table_schema["fields"]:
        columns[field["name"]] = pa.Column(str, checks=column_checks(field) + extra.get(field["name"], []), nullable=False, required=True)
    pk = table_schema.get("primaryKey", [])
    pk = [pk] if isinstance(pk, str) else pk
    frame_checks = []
    if pk and set(pk) <= set(df.columns):
        frame_checks.append(pa.Check(lambda d, pk=pk: ~d.duplicated(pk, keep=False), name="primary key", error=f"duplicate primary key ({', '.join(pk)})"))
    return pa.DataFrameSchema(columns, checks=frame_checks, strict=False, name=name)
