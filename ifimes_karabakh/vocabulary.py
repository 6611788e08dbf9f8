"""Every enum value the code names, declared once, here, with the table and field whose categories
hold it: the rules (rules.py), the README's trust tables (trust.py), the figures (figures.py), the
base map's countries (geo.py) and the website take them from this module.

`value("table.field", ...)` declares values and returns them (one value, or a frozenset of
several); `colours("table.field", {...})` declares a mapping that must give every category of the
field a colour. The validator checks both against the schemas (`problems`, run by every
`./dp validate`): a value renamed or dropped in a schema, or a category without its colour, is a
located problem instead of a rule or a figure that silently stops matching anything.

An order that means something (the authority ranking) is not written here: it is the order of
the field's categories in its schema (`categories`)."""
DECLARED = []  # (table, field, value) of every enum value the code relies on
COVERING = []  # (table, field, mapping): a mapping that must have an entry for every category


def value(where: str, *values: str):
    """Declare enum values the code relies on; returns them (one value, or a frozenset of several)."""
    table, fname = where.split(".")
    DECLARED.extend((table, fname, v) for v in values)
    return values[0] if len(values) == 1 else frozenset(values)


def colours(where: str, mapping: dict) -> dict:
    """Declare a mapping from every category of table.field (each key declared as a value)."""
    value(where, *mapping)
    table, fname = where.split(".")
    COVERING.append((table, fname, mapping))
    return mapping


def categories(resource, fname: str) -> list:
    """The values of a field's categories, in the schema's order."""
    return [c["value"] if isinstance(c, dict) else c for c in resource.field(fname).get("categories", [])]


# ------------------------------------------------------------------ sources
ARTICLE = value("sources.kind", "article")
FOOTNOTE = value("sources.kind", "footnote")
ARTICLE_KINDS = value("sources.kind", "article", "footnote")
ARTICLE_AUTHORITY = value("sources.authority", "article")    # the article's own grade: no evidence for a verdict
MIRROR = value("sources.authority", "mirror_or_copy")
ONE_SIDED = value("sources.authority", "partisan_or_advocacy", "state_affiliated_media")
SIDE_RECORDS = value("sources.authority", "partisan_or_advocacy", "state_affiliated_media", "official_record")

# ------------------------------------------------------------------ parties and territories
STATES = value("parties.kind", "state", "former_state")
AFFILIATED = value("parties.kind", "person", "office", "organ")
REPRESENTATIVES = value("parties.kind", "person", "office")
COUNTRY = value("territories.kind", "country")
DISTRICT = value("territories.kind", "district")  # the districts the map draws in orange (figures.py)
AREA_KINDS = value("territories.kind", "district", "enclave", "autonomous_republic", "corridor")  # kinds the map shows as areas or lines

# ------------------------------------------------------------------ claims and their sources
FACT, FORECAST = value("claims.kind", "fact"), value("claims.kind", "forecast")
CONFIRMED = value("claims.verdict", "confirmed")
DISPUTED = value("claims.verdict", "disputed")
UNVERIFIABLE = value("claims.verdict", "unverifiable")
NEEDS_VALUE = value("claims.verdict", "corrected", "imprecise", "disputed")
MAIN = value("claim_sources.role", "main")
CONTRARY = value("claim_sources.role", "contrary")
CONFIRMING = value("claim_sources.role", "confirming")

# ------------------------------------------------------------------ figures, territorial control
BOUNDED_UNITS = {value("figures.unit", "fraction"): 1, value("figures.unit", "percent"): 100}
ARTICLE_VIEW, RECORDED = value("territory_control.view", "article"), value("territory_control.view", "recorded")
BOUND_MAIN, DIFFERING = value("control_sources.role", "main"), value("control_sources.role", "differing")

# ------------------------------------------------------------------ dates
# The precisions of every date group (fields.py PRECISION), as dates.parse_edtf names them.
DAY, MONTH, YEAR = value("events.date_precision", "day"), value("events.date_precision", "month"), value("events.date_precision", "year")

# ------------------------------------------------------------------ colours
# events.date_basis on the timeline (figures.py): blue as the article states it, green made
# precise or added from another source, red corrected.
AS_STATED = value("events.date_basis", "as_stated")
BASIS_COLOURS = colours("events.date_basis", {"as_stated": "#1f77b4", "inferred": "#1f77b4", "refined": "#2ca02c",
                                              "added": "#2ca02c", "corrected": "#d62728"})
# forecast_assessments.outcome on the forecast scorecard (figures.py).
OUTCOME_COLOURS = colours("forecast_assessments.outcome", {"fulfilled": "#2ca02c", "partly_fulfilled": "#98df8a",
                                                           "not_fulfilled": "#d62728", "open": "#bbbbbb"})
# The website's badges, as (background, text, border): one per verdict and one per basis (the
# basis categories are those of every date group, fields.py BASIS).
VERDICT_BADGES = colours("claims.verdict", {
    "confirmed": ("#dff3e3", "#0d4d1f", "#6dab7c"), "corrected": ("#fde2df", "#8a1010", "#d98b84"),
    "imprecise": ("#fff1c9", "#5c3f00", "#cfa645"), "disputed": ("#ece3f8", "#45207a", "#a98bd1"),
    "unverifiable": ("#e9e9e9", "#333333", "#a0a0a0")})
BASIS_BADGES = colours("events.date_basis", {
    "as_stated": ("#eef1f4", "#2e3a46", "#9aa7b4"), "inferred": ("#e3eefb", "#0b3f7a", "#87a9d4"),
    "refined": ("#dff3e3", "#0d4d1f", "#6dab7c"), "added": ("#dff3e3", "#0d4d1f", "#6dab7c"),
    "corrected": ("#fde2df", "#8a1010", "#d98b84")})


def authority_ranking(sources) -> list:
    """sources.authority from the strongest evidence down, as the schema orders its categories,
    without the article's own grade (a verdict never rests on the article). `sources` is the
    sources resource (descriptor.Resource)."""
    return [a for a in categories(sources, "authority") if a != ARTICLE_AUTHORITY]


def problems(pkg) -> list:
    """Every declared value is still in its schema's enum, and every colour mapping covers its
    field's categories; located at the schema and field."""
    from . import rules  # noqa: F401  (its own declarations, made when it is imported)
    from .report import Problem, show, sort_key
    out = []
    by_name = {r.name: r for r in pkg.resources}
    for table, fname, v in DECLARED:
        r = by_name.get(table)
        if r is None or fname not in r.fields:
            continue
        if v not in r.field(fname).get("constraints", {}).get("enum", []):
            out.append(Problem(r.schema_file, None, fname, "vocabulary",
                               f"the code relies on the value {show(v)}, which the schema no longer lists "
                               "(rename the value in ifimes_karabakh/vocabulary.py, or in rules.py where a rule declares it, too)"))
    for table, fname, mapping in COVERING:
        r = by_name.get(table)
        if r is None or fname not in r.fields:
            continue
        for v in categories(r, fname):
            if v not in mapping:
                out.append(Problem(r.schema_file, None, fname, "vocabulary",
                                   f"the value {show(v)} has no colour (expected an entry in ifimes_karabakh/vocabulary.py)"))
    return sorted(set(out), key=sort_key)
