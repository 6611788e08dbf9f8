"""The README's "How far to trust each value" tables, computed from the tables themselves:
what the validator checks word for word and what it cannot, the verdicts by the authority of
their best source, the forecasts' outcomes, and the claims that stay unverifiable, with why.
Every function takes the loaded dataset (dataset.Dataset)."""
from collections import Counter

from .article import ARTICLE_ID
from .mdtext import code, text
from .vocabulary import ARTICLE_KINDS, CONTRARY, FACT, FORECAST, UNVERIFIABLE, authority_ranking


def _rows(pkg, name):
    return pkg.rows(name)


def strength(pkg) -> list:
    """The authorities from the strongest evidence down: the order of sources.authority's categories
    in its schema (the article's own grade left out); a claim is counted under its best source."""
    return authority_ranking(pkg.resource("sources"))


def quote_counts(pkg):
    """(quotes checked against the article, against a kept text, not machine-checked). Verdict
    quotes are counted once, as the main rows of claim_sources."""
    sources = _rows(pkg, "sources")
    kinds = {r["source_id"]: r["kind"] for r in sources}
    kept = {r["source_id"] for r in sources if r.get("text_file")}
    article, in_text, outside = 0, 0, 0
    for r in pkg.resources:
        if "quote" not in r.fields:
            continue
        src = "cited_in_source_id" if r.name == "sources" else "source_id"
        for row in _rows(pkg, r.name):
            if not row["quote"]:
                continue
            if kinds.get(row[src]) in ARTICLE_KINDS:
                article += 1
            elif row[src] in kept:
                in_text += 1
            else:
                outside += 1
    return article, in_text, outside


def best_authority(pkg):
    """claim_id -> the strongest authority among the sources its verdict or outcome rests on."""
    authority = {r["source_id"]: r["authority"] for r in _rows(pkg, "sources")}
    ranking = strength(pkg)
    backing = {}
    for r in _rows(pkg, "claim_sources"):
        if r["role"] != CONTRARY:
            backing.setdefault(r["claim_id"], set()).add(authority.get(r["source_id"], ""))
    return {c: min(a, key=lambda x: ranking.index(x) if x in ranking else len(ranking)) for c, a in backing.items()}


def block(pkg):
    claims = _rows(pkg, "claims")
    best = best_authority(pkg)
    checked, in_text, outside = quote_counts(pkg)
    ranking = strength(pkg)
    verdicts = [c["value"] for c in pkg.resource("claims").field("verdict")["categories"]]
    outcomes = [c["value"] for c in pkg.resource("claims").field("outcome")["categories"]]
    lines = [f"- **Machine-checked**: {checked} quotes stand verbatim in the article at their locator (checked on every run "
             f"against the text whose SHA-256 `sources.csv` records for `{ARTICLE_ID}`), every footnote row equals its footnote, "
             "and every `*_as_stated` value stands in its row's quote.",
             f"- **Machine-checked against kept texts**: {in_text} quotes from official documents whose text the package "
             "keeps in `texts/` (the law puts them outside copyright; `sources.text_licence` says which law): the November "
             "2020 statement as Azerbaijan's and Armenia's governments published it and the CSTO Charter and Treaty (each the "
             "opening of its page as the maintainers read it), and the four Security Council resolutions of 1993 (whole, as the "
             "CR-UNSC corpus keeps them). Each kept text has its SHA-256 in `sources.csv`.",
             f"- **Not machine-checked**: {outside} quotes from other documents (verdict, outcome, statement and control "
             "sources): the dataset does not hold those texts; each cites its URL, access date and exact words, and its "
             "source's `authority` says what kind of document it is.", "",
             "Facts by verdict and by the strongest authority among their sources (a verdict counts under its best source):", "",
             "| verdict | " + " | ".join(code(a, table=True) for a in ranking) + " | none | all |",
             "|---|" + "---:|" * (len(ranking) + 2)]
    for v in verdicts:
        ids = [c["claim_id"] for c in claims if c["kind"] == FACT and c["verdict"] == v]
        n = Counter(best.get(i, "none") for i in ids)
        lines.append(f"| {code(v, table=True)} | " + " | ".join(str(n[a]) for a in ranking) + f" | {n['none']} | {len(ids)} |")
    forecasts = [c for c in claims if c["kind"] == FORECAST]
    if forecasts:
        n = Counter(c["outcome"] for c in forecasts)
        lines += ["", "Forecasts by outcome: " + ", ".join(f"{code(o)} {n[o]}" for o in outcomes) + f" (all {len(forecasts)})."]
    open_ = [c for c in claims if c["kind"] == FACT and c["verdict"] == UNVERIFIABLE]
    if open_:
        lines += ["", "What stays unverifiable, and why:", ""]
        lines += [f"- {code(c['claim_id'])}: {text(c['note'])}" for c in open_]  # cells shown as text, never as Markdown
    return "\n".join(lines)
