"""Write every file generated from datapackage.json, the schemas and the tables:

- README.md: the blocks between `<!-- NAME:start -->` and `<!-- NAME:end -->` (see BLOCKS), and
  CONTRIBUTING.md's (CONTRIBUTING_BLOCKS);
- docs/codebook.md: every table and field, with constraints, enum meanings and an example;
- docs/archive-README.md: the release archive's README, with the README's loading snippets;
- docs/figures/*.svg: the figures (figures.py);
- CITATION.cff: from datapackage.json (title, version, release date, authors, licence, keywords)
  and the article's row of sources.csv;
- .zenodo.json: the metadata of a Zenodo deposit of a release, in Zenodo's deposit format (zenodo());
- docs/dataset.jsonld: schema.org `Dataset` JSON-LD (jsonld(), which the website reuses).

The DOI does not exist yet: Zenodo mints it when it archives the first public release. It is then
recorded as the package's `id` (`https://doi.org/10.5281/zenodo.N`) in datapackage.json, and these
files carry it from there (doi()). Likewise the public repository's address, once it exists, is the
package's `homepage`. Nothing here invents a URL.

Every value from the package (titles, descriptions, enum labels, notes, cells) reaches the Markdown
files through mdtext (text, prose, code), so that it shows as text: no renderer makes an element
of it, and no value can write a block marker (a value that a block cannot escape is refused).

Every function takes the loaded dataset (dataset.Dataset) as `pkg`: the tables come from the checked
reader, once, never from the CSV files again.

`python -m ifimes_karabakh docs --check` changes nothing and exits 1 when a file is stale. A
README marker that is not alone on its line, unknown, unclosed or nested is an error, so a
marker written in prose can never make the generator eat hand-written lines."""
import json
import re
from collections import Counter
from urllib.parse import urljoin

import yaml

from .csvread import MAX_CELL_CHARS, MAX_CELLS, MAX_COLUMNS, MAX_DAMAGED, MAX_DISTINCT, MAX_LINE_BYTES, MAX_LINES, MAX_TABLE_BYTES
from .dataset import MAX_KEPT_BYTES
from .descriptor import MAX_FIELDS, MAX_FOREIGN_KEYS, MAX_JSON_BYTES, MAX_NAME_CHARS, MAX_RESOURCES, as_list
from .report import MAX_PER_KIND
from .article import MIN_PART, MIN_TOTAL, MIN_WORD
from .mdtext import code, prose, row, text
from .swhid import data_swhid
from .dataset import Dataset

EXAMPLE_MAX = 60
_MARK = re.compile(r"<!--\s*([A-Za-z0-9_-]+)\s*:\s*(start|end)\s*-->")


class DocsError(Exception):
    """A generated file cannot be written; the message names the file and line."""


def read_rows(pkg, resource):
    """The resource's rows as the Dataset read them (dicts of str, "" where empty)."""
    return pkg.rows(resource.name)


def released(pkg):
    """The release date: the day of datapackage.json's `created`."""
    return str(pkg.descriptor.get("created", ""))[:10]


# ------------------------------------------------------------------ README blocks
def fill_blocks(text: str, blocks: dict, file="README.md") -> str:
    out, open_, seen = [], None, set()
    for n, line in enumerate(text.split("\n"), start=1):
        marks = _MARK.findall(line)
        if not marks:
            if open_ is None:
                out.append(line)
            continue
        name, side = marks[0]
        if len(marks) > 1 or line.strip() != f"<!-- {name}:{side} -->":
            raise DocsError(f"{file}:{n}: a block marker must stand alone on its line, as <!-- {name}:{side} -->")
        if name not in blocks:
            raise DocsError(f"{file}:{n}: unknown block {name!r} (known: {', '.join(blocks)})")
        if side == "start":
            if open_ is not None:
                raise DocsError(f"{file}:{n}: block {name!r} starts inside block {open_!r}")
            if name in seen:
                raise DocsError(f"{file}:{n}: block {name!r} appears twice")
            out += [line, _no_marker(blocks[name](), file, name)]
            open_ = name
            seen.add(name)
        else:
            if open_ != name:
                raise DocsError(f"{file}:{n}: end of block {name!r} without its start")
            out.append(line)
            open_ = None
    if open_ is not None:
        raise DocsError(f"{file}: block {open_!r} is not closed")
    if set(blocks) - seen:
        raise DocsError(f"{file}: blocks missing: {', '.join(sorted(set(blocks) - seen))}")
    return "\n".join(out)


def _no_marker(generated: str, file, name) -> str:
    """A generated block holds no block marker, which would break every later run: values are
    escaped (mdtext), and whatever still carries one (a BibTeX title) is refused, located."""
    for k, line in enumerate(generated.split("\n"), start=1):
        if _MARK.search(line):
            raise DocsError(f"{file}: block {name!r}, generated line {k}: a value from the package holds a block "
                            f"marker ({_MARK.search(line).group(0)}), which would break the next run; remove it from "
                            f"the value (found in: {line[:200]})")
    return generated


def table_of_tables(pkg):
    out = ["| file | rows | what it holds |", "|---|---:|---|"]
    for r in pkg.resources:
        out.append(row(code(r.path, table=True), len(read_rows(pkg, r)), text(r.title)))
    return "\n".join(out)


def verdict_table(pkg):
    claims = pkg.resource("claims")
    n = Counter(row["verdict"] for row in read_rows(pkg, claims))
    out = ["| verdict | meaning | claims |", "|---|---|---:|"]
    for c in claims.field("verdict")["categories"]:
        out.append(row(code(c["value"], table=True), prose(c.get("label", ""), table=True), n[c["value"]]))
    out.append(f"| all facts | | {sum(n[c['value']] for c in claims.field('verdict')['categories'])} |")
    return "\n".join(out)


def author(pkg):
    """The author: an organisation (the maintainers), the contributor whose roles include author."""
    return next(c["title"] for c in pkg.descriptor["contributors"] if "author" in (c.get("roles") or [c.get("role")]))


def doi(pkg):
    """The DOI (`10.x/y`) when datapackage.json's `id` is one (`https://doi.org/10.x/y`); else None."""
    m = re.fullmatch(r"(?:https://doi\.org/)?(10\.\d{4,9}/\S+)", str(pkg.descriptor.get("id", "")))
    return m.group(1) if m else None


def article(pkg):
    """The article's row of sources.csv."""
    if not isinstance(pkg, Dataset):  # site.py still passes a descriptor.Package until it takes a Dataset
        pkg = Dataset.load(pkg.root)
    return pkg.article_row()


def other_sources(pkg):
    """datapackage.json's `sources` other than the article: references, such as PA-X."""
    url = article(pkg)["url"]
    return [s for s in pkg.descriptor.get("sources", []) if s.get("path") and s["path"] != url]


NO_DOI = ("No DOI yet: Zenodo mints one when it archives the first public release; it is then recorded as `id` in "
          "`datapackage.json`, and `./dp docs` writes it here, into `CITATION.cff` and into `docs/dataset.jsonld`.")


# LaTeX's special characters as BibTeX needs them inside braces
_BIB = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#",
        "_": r"\_", "^": r"\^{}", "~": r"\~{}"}


def bib(value, where) -> str:
    """value as BibTeX text. A fenced block cannot escape a README block marker or a fence, so a
    value holding one is refused, named by where it comes from."""
    s = " ".join(str(value).split())
    if "<!--" in s or "-->" in s or "```" in s:
        raise DocsError(f"{where}: holds `<!--`, `-->` or ``` (found {s[:120]!r}), which the README's BibTeX block "
                        "cannot carry: it would end the block or break the next ./dp docs; remove it")
    return "".join(_BIB.get(ch, ch) for ch in s)


SWHID_WHAT = "the data folder data/ of this version: git's tree ID of data/ (git rev-parse <commit>:data) as a Software Heritage ID"


def citation_block(pkg, archive=False):
    """APA, BibTeX and how to cite a row; in the README (not the archive) also where the metadata files come from."""
    v, title, year, d, who = pkg.version, pkg.descriptor["title"], released(pkg)[:4], doi(pkg), author(pkg)
    swh = data_swhid(pkg)
    key = re.sub(r"[^A-Za-z0-9_]", "_", f"{pkg.name}_{v}")
    where = "datapackage.json: "
    return "\n".join([
        "APA:", "",
        f"> {text(who)}. ({text(year)}). *{text(title)}* (Version {text(v)}) [Data set]." + (f" {text('https://doi.org/' + d)}" if d else ""), "",
        "BibTeX (the braces around the author mark an organisation, not a person):", "", "```bibtex",
        f"@misc{{{key},",
        f"  author  = {{{{{bib(who, where + 'contributors: title')}}}}},",
        f"  title   = {{{{{bib(title, where + 'title')}}}}},",
        f"  year    = {{{bib(year, where + 'created')}}},",
        f"  version = {{{bib(v, where + 'version')}}},",
        *([f"  doi     = {{{bib(d, where + 'id')}}},"] if d else []),
        f"  note    = {{Data set, released {bib(released(pkg), where + 'created')}; archive "
        f"{bib(pkg.name, where + 'name')}-{bib(v, where + 'version')}.zip, see SHA256SUMS; data {swh}}}",
        "}", "```", "",
        f"The exact data: `{swh}`, the Software Heritage ID of the folder `data/` of version {text(v)}. "
        "Anyone can recompute it with git alone (`git rev-parse <commit>:data` gives its last part); it "
        "resolves at Software Heritage once the repository is public and archived. CHANGELOG.md records "
        "each release's commit, with its own ID `swh:1:rev:<commit>`. No DOI or public address exists yet.",
        "",
        f"A single row: name the table, the row's ID, the version and the data's ID, for example "
        f"*claims.csv, row `unga-number`, version {text(v)}, {swh}*. IDs never change meaning between "
        "versions (see CHANGELOG.md). What became of a row since the version you cite is in "
        "`data/changes.csv` (every value changed, row removed or renamed between releases) and on the row's "
        "page of the website. To report an error in a row, see CONTRIBUTING.md.",
        *([] if archive else ["", ("" if d else NO_DOI + " ") +
        "`CITATION.cff` (for citation tools), `.zenodo.json` (for Zenodo) and `docs/dataset.jsonld` (schema.org, for "
        "search engines) are generated from `datapackage.json`. cffconvert 2.0.0 writes BibTeX without "
        "the version, without the braces that keep the maintainers one organisation, and with the key `YourReferenceHere`: "
        "use the BibTeX above."]),
    ])


def limits_block(pkg):
    return "\n".join([
        "| what | limit | beyond it |", "|---|---:|---|",
        f"| `datapackage.json` or a schema | {MAX_JSON_BYTES // 2**20} MiB | refused unread |",
        f"| one CSV file | {MAX_TABLE_BYTES // 2**20} MiB | refused unread |",
        f"| one physical line of a CSV | {MAX_LINE_BYTES // 2**20} MiB | the table is not read past it |",
        f"| one cell | {MAX_CELL_CHARS:,} characters | the table is not read past it |",
        f"| columns in a header | {MAX_COLUMNS:,} | the table is not read |",
        f"| lines of one CSV | {MAX_LINES:,} | the table is not read past it |",
        f"| cells of one CSV (rows × columns) | {MAX_CELLS:,} | the table is not read past it |",
        f"| distinct values of one CSV | {MAX_DISTINCT:,} | the table is not read past it |",
        f"| damaged rows of one CSV | {MAX_DAMAGED:,} | the rest are counted; the table's values are not checked |",
        f"| resources | {MAX_RESOURCES} | none is read |",
        f"| fields of a schema; foreign keys | {MAX_FIELDS:,}; {MAX_FOREIGN_KEYS} | the schema is refused |",
        f"| a package or resource name | {MAX_NAME_CHARS} characters | refused |",
        f"| the texts kept in texts/, together | {MAX_KEPT_BYTES // 2**20} MiB | the rest are not read |",
        f"| problems listed per file and kind | {MAX_PER_KIND} | the rest are counted: \"and N more of this kind\" |",
        f"| a quote | per part between ` … `: at least {MIN_PART} letters or digits and a word of {MIN_WORD}+ that is not a common word (not `the … the`); {MIN_TOTAL} in all | reported |",
    ])


def keys_block(pkg):
    """How many rows carry each join key, out of the rows of that table."""
    out = ["| table | key | rows with it | rows |", "|---|---|---:|---:|"]
    for r in pkg.resources:
        rows = read_rows(pkg, r)
        for f in r.fields:
            if f in ("pax_id", "iso3", "iso3166_code", "wikidata_qid", "cow_code", "gw_code", "geonames_id", "geonames_adm1_id", "latitude", "name_hy", "canonical_party_id",
                     "ucdp_conflict_id", "ucdp_actor_id"):
                out.append(row(code(r.name, table=True), code(f, table=True), sum(1 for x in rows if x[f]), len(rows)))
    return "\n".join(out)


def forecast_scorecard(pkg):
    """Counts by outcome of every forecast at the common date (the latest as_of of forecast_assessments),
    and the same counts as first published, so a reader sees what the re-assessment changed."""
    assessments = read_rows(pkg, pkg.resource("forecast_assessments"))
    common = max(r["as_of"] for r in assessments)
    current = {r["claim_id"]: r for r in assessments if r["as_of"] == common}
    first = {}
    for r in sorted(assessments, key=lambda r: r["as_of"]):
        first.setdefault(r["claim_id"], r)
    cats = pkg.resource("forecast_assessments").field("outcome")["categories"]
    now, before = Counter(r["outcome"] for r in current.values()), Counter(r["outcome"] for r in first.values())
    links = read_rows(pkg, pkg.resource("forecast_events"))
    out = [f"Every forecast assessed as of **{text(common)}** (the release's common date; `forecast_assessments.csv` keeps the earlier "
           f"assessments, `forecast_events.csv` links {len({l['claim_id'] for l in links})} forecasts to "
           f"{len(read_rows(pkg, pkg.resource('later_events')))} later events):", "",
           "| outcome | meaning | forecasts | at their first assessment |", "|---|---|---:|---:|"]
    for c in cats:
        out.append(row(code(c["value"], table=True), prose(c.get("label", ""), table=True), now[c["value"]], before[c["value"]]))
    out.append(f"| all | | {len(current)} | {len(first)} |")
    changed = sorted(c for c in current if first[c]["outcome"] != current[c]["outcome"])
    if changed:
        out += ["", "Changed since the first assessment: " + ", ".join(
            f"{code(c)} ({text(first[c]['outcome'])} → {text(current[c]['outcome'])})" for c in changed) + "."]
    return "\n".join(out)


def trust_block(pkg):
    from .trust import block
    return block(pkg)


BLOCKS = {"tables": table_of_tables, "verdicts": verdict_table, "trust": trust_block, "keys": keys_block,
          "scorecard": forecast_scorecard, "cite": citation_block}
CONTRIBUTING_BLOCKS = {"limits": limits_block}  # the maintainers' file


LOAD_SECTION = "## Load the data"  # the README's tested snippets, which the archive's README carries too


def readme_section(readme: str, heading: str, file="README.md") -> str:
    """The text under heading, up to the next heading of the same level or above."""
    lines = readme.split("\n")
    if heading not in lines:
        raise DocsError(f"{file}: no line {heading!r}: the archive's README copies that section")
    start = lines.index(heading) + 1
    level = heading.split(" ")[0]
    end = next((i for i in range(start, len(lines)) if re.match(rf"#{{1,{len(level)}}} ", lines[i])), len(lines))
    return "\n".join(lines[start:end]).strip("\n")


def archive_readme(pkg, readme: str):
    """The README inside the release archive: how to use the data without the repository, with the
    README's loading snippets (the ones the tests run); it names only files the archive holds."""
    dp, v = pkg.descriptor, pkg.version
    tables = "\n".join(row(code(r.path, table=True), len(read_rows(pkg, r)), text(r.title)) for r in pkg.resources)
    return f"""# {text(dp['title'])}, version {text(v)}

{prose(dp.get('description', ''))}

This folder is a [Frictionless Data Package](https://datapackage.org/): CSV tables in `data/`, one
Table Schema per table in `schemas/`, all described by `datapackage.json`. Every field is explained
in `docs/codebook.md`; what changed between versions is in `CHANGELOG.md`.

| file | rows | what it holds |
|---|---:|---|
{tables}

{LOAD_SECTION}

{readme_section(readme, LOAD_SECTION)}

## Cite it

{citation_block(pkg, archive=True)}

## Licence

Data: CC BY 4.0, see `LICENSE-DATA.md` (the verbatim quotes remain their publishers'). The dataset is
maintained independently of IFIMES, which has not reviewed or endorsed it.
"""


# ------------------------------------------------------------------ codebook
def _constraints(field):
    c, out = field.get("constraints", {}), []
    if c.get("required"):
        out.append("required")
    if c.get("unique"):
        out.append("unique")
    if "categories" in field:
        out.append("one of the values below")
    if "pattern" in c:
        out.append("pattern " + code(c["pattern"], table=True))
    for key, label in (("minimum", "min"), ("maximum", "max"), ("minLength", "min length"), ("maxLength", "max length")):
        if key in c:
            out.append(f"{label} {text(c[key])}")
    return "; ".join(out)


def _example(rows, name):
    value = " ".join(next((r[name] for r in rows if r.get(name)), "").split())
    if len(value) > EXAMPLE_MAX:
        value = value[:EXAMPLE_MAX].rstrip() + "…"
    return code(value, table=True) if value else ""


def codebook(pkg):
    dp = pkg.descriptor
    lines = [f"# Codebook: {text(dp.get('title', pkg.name))}", "",
             f"Package {code(pkg.name)}, version {text(pkg.version)}. Generated by `python -m ifimes_karabakh docs` from "
             "`datapackage.json` and `schemas/*.schema.json`; do not edit by hand.", "",
             f"Example values are the first non-empty cell of each column, cut to {EXAMPLE_MAX} characters (…).", ""]
    for r in pkg.resources:
        schema, rows = r.schema, read_rows(pkg, r)
        lines += [f"## {text(r.name)}", "", text(r.title), "", f"- File: {code(r.path)}", f"- Rows: {len(rows)}",
                  "- Primary key: " + (", ".join(code(k) for k in as_list(schema.get("primaryKey"))) or "none")]
        fks = schema.get("foreignKeys", [])
        lines.append("- Foreign keys:" + ("" if fks else " none"))
        for fk in fks:
            ref = fk["reference"]
            lines.append(f"  - {code(', '.join(as_list(fk['fields'])))} → "
                         f"{code((ref.get('resource') or r.name) + '.' + ', '.join(as_list(ref['fields'])))}")
        lines += ["", "| field | type | constraints | description | example |", "|---|---|---|---|---|"]
        for f in schema["fields"]:
            lines.append(row(code(f["name"], table=True), text(f.get("type", "string")), _constraints(f),
                             prose(f.get("description", ""), table=True), _example(rows, f["name"])))
        for f in schema["fields"]:
            if "categories" in f:
                lines += ["", f"Values of {code(f['name'])}:", ""]
                lines += [f"- {code(c['value'])}: {prose(c.get('label', ''))}" for c in f["categories"]]
        lines.append("")
    by_name = {r.get("name"): r for r in dp.get("resources", []) if isinstance(r, dict)}
    for f in pkg.files:  # the resources that are not tables (GeoJSON): described by their descriptor entry
        d = by_name.get(f.name, {})
        lic = ", ".join(x.get("title") or x.get("name", "") for x in d.get("licenses", []))
        lines += [f"## {text(f.name)}", "", text(f.title), "", f"- File: {code(f.path)} ({text(f.format)}, {text(d.get('mediatype', ''))})",
                  f"- Licence: {text(lic)}" if lic else "- Licence: that of the package", "", prose(d.get("description", "")), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ------------------------------------------------------------------ CITATION.cff
def citation_cff(pkg):
    dp, art, d = pkg.descriptor, article(pkg), doi(pkg)
    cff = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below, with the version you used; cite a single row as table, ID and version.",
        "type": "dataset",
        "title": dp["title"],
        "version": pkg.version,
        "date-released": released(pkg),
        "authors": [{"name": author(pkg)}],  # an entity: `name` alone (a person has family-names)
        **({"doi": d} if d else {}),
        "identifiers": [{"type": "swh", "value": data_swhid(pkg), "description": SWHID_WHAT}],
        **({"repository-code": dp["homepage"]} if dp.get("homepage") else {}),
        "license": dp["licenses"][0]["name"],
        "keywords": dp.get("keywords", []),
        "abstract": dp.get("description", ""),
        "references": [{"type": "article", "title": art["title"], "authors": [{"name": art["publisher"]}],
                        "publisher": {"name": art["publisher"]}, "date-published": art["date"], "url": art["url"]}],
    }
    head = "# Generated from datapackage.json by `python -m ifimes_karabakh docs`; edit that file, not this one.\n"
    if not d:
        head += "# No DOI yet: Zenodo mints one at the first public release; it is then recorded as `id` in\n" \
                "# datapackage.json and written here as `doi`.\n"
    return head + yaml.safe_dump(cff, sort_keys=False, allow_unicode=True, width=100, default_flow_style=False)


# ------------------------------------------------------------------ Zenodo and schema.org
def zenodo(pkg) -> dict:
    """The metadata of a Zenodo deposit, in the format of Zenodo's deposit API (which its repository
    integration reads from .zenodo.json): the maintainers as an organisation, the licence by its
    Zenodo id, and how the dataset relates to the article (derived from it) and to the package's
    other sources (it references them). No DOI: Zenodo mints one for each version it archives."""
    dp, art = pkg.descriptor, article(pkg)
    related = [{"identifier": art["url"], "relation": "isDerivedFrom", "resource_type": "publication-article"}]
    related += [{"identifier": s["path"], "relation": "references"} for s in other_sources(pkg)]
    related.append({"identifier": data_swhid(pkg), "relation": "hasPart", "scheme": "swh"})  # the exact data: SWHID_WHAT
    return {
        "upload_type": "dataset",
        "title": dp["title"],
        "description": dp.get("description", ""),
        "version": pkg.version,
        "publication_date": released(pkg),
        "creators": [{"name": author(pkg)}],
        "access_right": "open",
        "license": dp["licenses"][0]["name"].lower(),
        "keywords": dp.get("keywords", []),
        "language": "eng",
        "related_identifiers": related,
    }


def jsonld(pkg, base_url: str | None = None) -> dict:
    """schema.org `Dataset` from datapackage.json. With base_url (where the package is served, ending
    in /), also `url` and a `distribution` entry for every table; without it, `url` is the package's
    `homepage` once it has one (none exists yet). The DOI, once `id` holds one, is the `identifier`."""
    dp, art, d = pkg.descriptor, article(pkg), doi(pkg)
    lic = dp["licenses"][0]
    out = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "name": dp["title"],
        "description": dp.get("description", ""),
        "version": pkg.version,
        "datePublished": released(pkg),
        "creator": [{"@type": "Organization", "name": author(pkg)}],
        "license": lic.get("path") or lic["name"],
        "keywords": dp.get("keywords", []),
        "inLanguage": "en",
        "isAccessibleForFree": True,
        "isBasedOn": [{"@type": "Article", "name": art["title"], "url": art["url"], "datePublished": art["date"],
                       "publisher": {"@type": "Organization", "name": art["publisher"]}}],
        "citation": [{"@type": "CreativeWork", "name": s.get("title", s["path"]), "url": s["path"]} for s in other_sources(pkg)],
        "identifier": [{"@type": "PropertyValue", "propertyID": "swh", "value": data_swhid(pkg), "description": SWHID_WHAT}],
    }
    if d:
        out["sameAs"] = f"https://doi.org/{d}"
        out["identifier"] = [out["sameAs"], *out["identifier"]]
    if dp.get("homepage") and not base_url:
        out["url"] = dp["homepage"]
    if base_url:
        out["url"] = base_url
        out["distribution"] = [{"@type": "DataDownload", "name": r.name, "description": r.title,
                                "encodingFormat": "text/csv", "contentUrl": urljoin(base_url, r.path)} for r in pkg.resources]
    return out


def dumps_json(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# ------------------------------------------------------------------ all generated files
def changelog_problems(pkg):
    """The top release of CHANGELOG.md is datapackage.json's version and release date."""
    for n, line in enumerate((pkg.root / "CHANGELOG.md").read_text(encoding="utf-8").splitlines(), start=1):
        m = re.match(r"## \[([^\]]+)\](?: - (\S+))?", line)
        if m and m.group(1).lower() != "unreleased":
            want = (pkg.version, released(pkg))
            return [] if m.groups() == want else [f"CHANGELOG.md:{n}: top release is {m.group(1)} of {m.group(2)} (expected {want[0]} of {want[1]}, as datapackage.json says)"]
    return ["CHANGELOG.md: no release heading `## [X.Y.Z] - YYYY-MM-DD`"]


def generated(pkg) -> dict:
    """relative path -> the text it must hold."""
    from .figures import render as figures
    def filled(rel, blocks):
        return fill_blocks((pkg.root / rel).read_text(encoding="utf-8"), {k: (lambda f=f: f(pkg)) for k, f in blocks.items()}, rel)

    readme = filled("README.md", BLOCKS)
    files = {"README.md": readme,
             "CONTRIBUTING.md": filled("CONTRIBUTING.md", CONTRIBUTING_BLOCKS),
             "docs/codebook.md": codebook(pkg),
             "CITATION.cff": citation_cff(pkg),
             ".zenodo.json": dumps_json(zenodo(pkg)),
             "docs/dataset.jsonld": dumps_json(jsonld(pkg)),
             "docs/archive-README.md": archive_readme(pkg, readme)}
    files.update({f"docs/figures/{name}": svg for name, svg in figures(pkg).items()})
    return files


def write(pkg, check: bool):
    """(stale files, problems). Without check the stale files are rewritten."""
    stale = []
    for rel, text in generated(pkg).items():
        path = pkg.root / rel
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            stale.append(rel)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale, changelog_problems(pkg)
