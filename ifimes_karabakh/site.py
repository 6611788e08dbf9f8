"""The dataset's static website, built from a loaded Dataset (dataset.py):
`python -m ifimes_karabakh site [--out DIR] [--zip FILE] [--release DIR]` (default out: site/).

The link model (which row points to which, what a cell links to, which columns a table shows
first) is Python, here; the markup is in templates/ (Jinja2, autoescaped: every value of the data
reaches a page as text) and prose is Markdown rendered by markdown-it-py with raw HTML disabled.

What it writes (every link relative, so it works opened from a folder and from any static host):

    index.html                 what the dataset is and is not, row counts, figures, how to cite,
                               downloads, licence, the schema.org JSON-LD of docs.jsonld()
    verdicts.html              the claims grouped by verdict (when a table has a `verdict` enum)
    codebook.html              docs/codebook.md (when the package has it)
    tables/<table>.html        every row of a table, each with an id (its key) for a permalink; by
                               default the key, the label and the columns that matter (see
                               default_columns), the rest behind a column chooser; search, sorting,
                               filters on enum and foreign-key columns and ?column=value filters
                               are added by assets/site.js
    rows/<table>/<id>.html     one page per row of every table whose primary key is one column and
                               that other tables point to or that has at most SMALL_TABLE rows: every value, the stated and dataset
                               values side by side, the source with locator and quote, the foreign
                               keys followed both ways, and for a row that periods of control point
                               to, a timeline of them (one lane per value of their `view`)
    download/                  the package: datapackage.json, the CSVs, the schemas, CITATION.cff,
                               the data licence
    release/                   the release files (RELEASE_FORMATS) found in --release (default
                               dist/), each linked with its SHA-256
    figures/*.svg              every SVG in docs/figures/
    assets/                    site.css and site.js (site_assets/)

Everything is read from the descriptor and the schemas: a new table, column, foreign key or enum
needs no change here. Conventions the site relies on, all optional:
  - `X_as_stated` beside `X`, `X_verified`, `X_canonical`, `X_en`, `X_start` or `X_end`: the source's
    words and the dataset's value, shown side by side with `X_basis`, `X_precision`, `X_source_id`;
  - `X` with `X_start` and `X_end` (day columns): a date, shown by default on the table page;
  - `quote` / `P_quote` with `source_id` / `P_source_id` (or `cited_in_source_id`) and `locator` /
    `P_locator`: a quotation, shown as a <blockquote> with a link to the source's `url`;
  - a `verdict` enum: badges and the verdicts page; a table whose key holds foreign keys to a row
    and to the sources (claim_sources, control_sources) gives that row's further or verdict
    sources, each with its quote; `kind` and `*authority*` columns of a source are shown beside it
    and give the table pages a filter by the authority of the source a row cites;
  - periods (`start` and `end` with their day columns) that point to a row: its timeline.

Deterministic: no clocks, no absolute paths, files in sorted order, so two builds are
byte-identical. No network, no external fonts or scripts. The article's text is never read: pages
show only the quotes and locators of the tables."""
import functools
import hashlib
import html
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import quote as urlquote

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import REPO, docs
from .article import ARTICLE_ID
from .dataset import Dataset
from .descriptor import as_list
from .changes import RESOURCE as CHANGES
from .release import RELEASE_FILES, SUMS, release_file, release_name

ASSETS = Path(__file__).resolve().parent / "site_assets"
TEMPLATES = Path(__file__).resolve().parent / "templates"
AUTOESCAPE = True                # every value reaches a page as text; tests/test_site.py breaks it on purpose
GENERATOR = "ifimes_karabakh site"
MAX_BYTES = 20_000_000           # the whole site must stay under 20 MB
MAX_PAGE_BYTES = 300_000         # and each page under 300 kB
SOURCES, VERDICT, VIEW = "sources", "verdict", "view"
LABEL_FIELDS = ("name", "name_en", "name_canonical", "title", "name_as_stated", "claim_summary",
                "summary", "subject", "description", "description_as_stated")
LABEL_MAX = 80
DEFAULT_COLUMNS = 7              # columns a table page shows at first, beyond the key, label, verdict, values and dates
MAX_OPTIONS = 100                # a foreign-key column gets a filter when its rows hold 2 to this many values
COLOURS = 8                      # bar colours of a timeline (site.css .c0 to .c7), white text on each at 4.5:1 or more
SMALL_TABLE = 100                # a table of at most this many rows, with a one-column key, has a page per row
MAX_LISTED = 40                  # rows listed per foreign key on a row page; beyond, a link to the table, filtered
ROW_ROOT = "../../"              # from a row page (rows/<table>/<id>.html) to the site's root
CHROME_IDS = "__"                # prefix of the page's own ids, so that no row ID can clash
CODEBOOK = "docs/codebook.md"
CHANGELOG = "CHANGELOG.md"
# The release files, in the order the downloads list them: (what follows the release name, what
# it is); `{table}` in it stands for each table's name (a file per table, listed with the table).
# release.py names the release; a new format is one line here, e.g. Parquet:
#     ("-{table}.parquet", "the table as Parquet, with the types of its Table Schema"),
RELEASE_FORMATS = tuple(RELEASE_FILES.values())  # what ./dp release writes (release.py), linked when found in --release
URL = re.compile(r"^https?://\S+$")
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_QUALIFIER = ("_precision", "_basis")   # enums that qualify another value, not the row


class SiteError(Exception):
    """The site cannot be written; the message says why and what to do."""


@dataclass
class Built:
    out: Path
    pages: int
    bytes: int
    seconds: float
    largest: tuple = ("", 0)     # (page, bytes) of the largest page


# ------------------------------------------------------------------ small helpers
def file_name(value: str) -> str:
    """A row ID as a file name that is safe on every file system and in a URL: lowercase slugs
    stay as they are; any other byte is written `~XX` (so IDs that differ only in case differ)."""
    if _SAFE_NAME.match(value) and ".." not in value:
        return value
    ok = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    name = "".join(chr(b) if chr(b) in ok else f"~{b:02X}" for b in value.encode("utf-8")) or "~"
    if len(name) > 120:
        name = name[:80] + "~" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:20]
    return name


def anchor_id(value: str) -> str:
    return re.sub(r"\s", "_", value) or "_"


def frag(value: str) -> str:
    return urlquote(anchor_id(value), safe="/-._~:@!$'()*+,;=")


def css_name(value: str) -> str:
    return re.sub(r"[^a-z0-9_-]", "-", value.lower())


def cut(text: str, n=LABEL_MAX) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


def css_string(value) -> Markup:
    """A CSS string literal, quoted: every character that could end it, or the <style> element
    around it, written as a CSS escape."""
    return Markup('"' + "".join(ch if ch.isalnum() or ch in " _-." else f"\\{ord(ch):x} " for ch in str(value)) + '"')


def categories(field) -> dict:
    out = {}
    for c in field.get("categories") or []:
        if isinstance(c, dict):
            out[str(c.get("value"))] = str(c.get("label", ""))
        else:
            out[str(c)] = ""
    return out


def nice_bytes(n) -> str:
    return f"{n / 1e6:.2f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def heading_id(text: str) -> str:
    """The id of a Markdown heading: its text as a slug (`## [0.6.0] - 2026-11-30` -> 0-6-0-2026-11-30)."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "section"


def markdown_renderer() -> MarkdownIt:
    """CommonMark with tables; raw HTML in the prose is shown as text, never run. Headings get an
    id (their text as a slug), tables a scrolling, labelled region."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    count = {"table": 0}

    def heading_open(renderer, tokens, i, options, env):
        text = tokens[i + 1].content if i + 1 < len(tokens) else ""
        seen = env.setdefault("ids", {})  # a heading repeated (### Added in every release) gets -2, -3, ...
        base = heading_id(text)
        seen[base] = seen.get(base, 0) + 1
        tokens[i].attrSet("id", base if seen[base] == 1 else f"{base}-{seen[base]}")
        return md.renderer.renderToken(tokens, i, options, env)

    def table_open(renderer, tokens, i, options, env):
        count["table"] += 1
        return f'<div class="scroll" role="region" aria-label="Table {count["table"]}" tabindex="0">' + md.renderer.renderToken(tokens, i, options, env)

    def table_close(renderer, tokens, i, options, env):
        return md.renderer.renderToken(tokens, i, options, env) + "</div>\n"

    md.add_render_rule("heading_open", heading_open)
    md.add_render_rule("table_open", table_open)
    md.add_render_rule("table_close", table_close)
    return md


_MD = []


def markdown(text: str) -> Markup:
    # markdown-it-py escapes every character of the source it does not turn into markup (html off)
    return Markup(markdown_renderer().render(text))


def markdown_inline(text) -> Markup:
    """Schema prose (a description, a category's label): `code` and *emphasis*, on one line."""
    if not _MD:
        _MD.append(MarkdownIt("commonmark", {"html": False}))
    return Markup(_MD[0].renderInline(str(text)))


_ENVS = {}


def environment() -> jinja2.Environment:
    if AUTOESCAPE not in _ENVS:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=AUTOESCAPE,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        env.filters["frag"] = frag
        env.filters["urlq"] = lambda v: urlquote(str(v), safe="")
        env.filters["css_string"] = css_string
        env.filters["md"] = markdown_inline
        _ENVS[AUTOESCAPE] = env
    return _ENVS[AUTOESCAPE]


@dataclass
class Cell:
    """One value as the templates show it (macros.html, `cell`)."""
    kind: str                # empty, text, id, link, badge, enum, url, urls
    text: str = ""
    href: str = ""
    label: str = ""          # shown beside the value (long form)
    cls: str = ""
    title: str = ""
    parts: list = field(default_factory=list)
    long: bool = False


# ------------------------------------------------------------------ the tables
class Table:
    def __init__(self, res, rows):
        self.res, self.name, self.schema = res, res.name, res.schema
        self.fields = res.schema["fields"]
        self.names = [f["name"] for f in self.fields]
        self.field = {f["name"]: f for f in self.fields}
        self.cats = {f["name"]: categories(f) for f in self.fields if f.get("categories")}
        self.rows = rows
        self.pk = as_list(res.schema.get("primaryKey"))
        self.fks = [(as_list(fk["fields"]), fk["reference"].get("resource") or res.name, as_list(fk["reference"]["fields"]))
                    for fk in res.schema.get("foreignKeys", [])]
        self.fk_of = {}
        for own, target, theirs in self.fks:
            if len(own) == 1:
                self.fk_of.setdefault(own[0], (target, theirs))
        self.paged = len(self.pk) == 1   # Site narrows it to the tables other rows point to
        self.anchors = {}
        for i, row in enumerate(rows, start=1):
            self.anchors[id(row)] = anchor_id("/".join(self.key(row)) if self.pk else f"row-{i}")
        self.title = res.title or res.name
        self.label_col = next((f for f in LABEL_FIELDS if f in self.field), None)

    def key(self, row):
        return tuple(row.get(k, "") for k in self.pk)

    def label_field(self, row):
        """The column that names the row (None: its key names it)."""
        return next((f for f in LABEL_FIELDS if row.get(f)), None)

    def label(self, row) -> str:
        f = self.label_field(row)
        return cut(row[f]) if f else " / ".join(self.key(row)) or self.anchors[id(row)]

    def page(self, row) -> str:
        return f"rows/{self.name}/{file_name(row[self.pk[0]])}.html"

    def dates(self):
        """The date columns: `X` beside its day columns `X_start` and `X_end`."""
        return [f for f in self.names if f"{f}_start" in self.field and f"{f}_end" in self.field]

    def pairs(self):
        """(stem, stated field, dataset value fields, extra fields) for every `X_as_stated`
        that has a dataset value beside it."""
        out = []
        for f in self.names:
            if not f.endswith("_as_stated"):
                continue
            s = f[: -len("_as_stated")]
            values = [c for c in (s, f"{s}_start", f"{s}_end", f"{s}_verified", f"{s}_canonical", f"{s}_en") if c in self.field]
            if not values:
                continue
            extra = [c for c in (f"{s}_precision", f"{s}_basis", f"{s}_source_id") if c in self.field]
            extra += [f"{v}_{x}" for v in values if v != s for x in ("precision", "basis", "source_id") if f"{v}_{x}" in self.field]
            out.append((s, f, values, extra))
        return out

    def quotes(self):
        """(quote field, source field or None, locator field or None) for `quote` and `P_quote`."""
        out = []
        for f in self.names:
            if f == "quote" or f.endswith("_quote"):
                p = f[: -len("quote")]
                src = next((c for c in (f"{p}source_id", f"{p}cited_in_source_id") if c in self.fk_of), None)
                loc = f"{p}locator" if f"{p}locator" in self.field else None
                out.append((f, src, loc))
        return out

    def default_columns(self, tables) -> list:
        """The columns a table page shows before the reader chooses: the key, the label (for rows
        without one and without a page of their own, the quote), the verdict, the stated and verified values (and a
        figure's `value`) and the dates always; then, up to DEFAULT_COLUMNS, the enums that
        classify the row (not the qualifiers `*_precision`, `*_basis`, nor a source's own words
        `*_as_stated`) and its foreign keys to other tables than the sources."""
        must = list(self.pk) + ([self.label_col] if self.label_col else [])
        if not self.label_col and not self.paged and "quote" in self.field:
            must.append("quote")   # rows with no page of their own (claim_sources, mentions, ...): their quote says what they record
        must += [VERDICT] if VERDICT in self.cats else []
        for s, stated, values, _ in self.pairs():
            ver = [v for v in values if v.endswith("_verified")] or ([s] if s == "value" and s in self.field else [])
            if ver:   # the source's words and the checked value (or the value of a figure)
                must += [stated, *ver]
        must += self.dates()
        more = [f for f in self.names  # in the schema's order, which puts first what names the row
                if (f in self.cats and not f.endswith(_QUALIFIER) and not f.endswith("_as_stated"))
                or (f in self.fk_of and self.fk_of[f][0] != SOURCES and self.fk_of[f][0] in tables)]
        chosen = list(dict.fromkeys(must))
        for f in more:
            if len(chosen) >= DEFAULT_COLUMNS:
                break
            if f not in chosen:
                chosen.append(f)
        return [f for f in self.names if f in chosen]


class Site:
    """The package as linked tables, and every page of the site."""

    def __init__(self, ds: Dataset):
        self.ds = ds
        self.pkg = ds.package
        self.dp = ds.descriptor
        self.env = environment()
        self.tables = {r.name: Table(r, ds.rows(r.name)) for r in self.pkg.resources}
        self.back = defaultdict(list)        # table -> [(referring table, its fields, referenced fields)]
        for t in self.tables.values():
            for own, target, theirs in t.fks:
                if target in self.tables:
                    self.back[target].append((t, own, theirs))
        for t in self.tables.values():  # a page for each row other rows point to, and for each row of a small table
            t.paged = len(t.pk) == 1 and (any(src is not t for src, _, _ in self.back.get(t.name, [])) or len(t.rows) <= SMALL_TABLE)
        self._idx, self._ridx = {}, {}
        self.claims = next((t for t in self.tables.values() if VERDICT in t.cats), None)
        self.short = str(self.dp.get("title", self.pkg.name)).split(":")[0].strip() or self.pkg.name
        self.has_codebook = (self.pkg.root / CODEBOOK).is_file()
        self.releases, self.sums = [], None   # the release files (release_files), set by render()
        self.has_changelog = (self.pkg.root / CHANGELOG).is_file()
        self.history, self.gone = self.row_history()

    # ---------------------------------------------------------- what became of each row (data/changes.csv)
    def row_history(self):
        """({(table, key): [change]} of the rows that exist, {(table, key): change} of rows removed
        or renamed away), from the change record, oldest first; empty without it."""
        history, gone = defaultdict(list), {}
        record = self.tables.get(CHANGES)
        headings = {}
        if self.has_changelog:
            for m in re.finditer(r"^## (.*)$", (self.pkg.root / CHANGELOG).read_text(encoding="utf-8"), re.M):
                version = re.match(r"\[([^\]]+)\]", m.group(1))
                if version:
                    headings.setdefault(version.group(1), heading_id(m.group(1)))
        for c in record.rows if record is not None else []:
            if not c["row_id"]:
                continue
            c = {**c, "anchor": headings.get(c["version"], "")}
            if c["kind"] == "renamed":
                history[(c["table"], c["new_value"])].append(c)
                gone[(c["table"], c["old_value"])] = c
            elif c["kind"] == "removed":
                gone[(c["table"], c["row_id"])] = c
            else:
                history[(c["table"], c["row_id"])].append(c)
        return history, gone

    @functools.cached_property  # read once per build, not once per row page
    def first_recorded(self):
        """The oldest version the change record starts from (the release before its first changes)."""
        if not self.has_changelog:
            return ""
        from .changes import changelog_entries
        recorded = [v for v, (_, commit) in changelog_entries((self.pkg.root / CHANGELOG).read_text(encoding="utf-8")).items() if commit]
        return recorded[-1] if recorded else ""

    def changes_page(self, t) -> str:
        """The change record as counts by version, table and kind (a page of every change would
        pass the page limit): each change stands on the page of its row, and all in the CSV."""
        counts = Counter((c["version"], c["table"], c["kind"], bool(c["row_id"])) for c in t.rows)
        versions = sorted({v for v, *_ in counts}, key=lambda v: tuple(int(x) for x in v.split(".") if x.isdigit()), reverse=True)
        table = [{"version": v, "table": name, "exists": name in self.tables, "counts": [(k, counts[(v, name, k, True)], counts[(v, name, k, False)]) for k in t.cats["kind"]]}
                 for v in versions for name in sorted({n for vv, n, *_ in counts if vv == v})]
        return self.render("changes.html", "../", title=f"{t.name} – {self.short}", t=t, rows=table, n=len(t.rows),
                           kinds=list(t.cats["kind"]), has_changelog=self.has_changelog)

    def removed_rows(self, t) -> list:
        """The keys of t that a release removed or renamed away and that no row holds now, each with
        its page (removed_page): [{key, kind, version, href}]."""
        if not t.paged:
            return []
        now = {row[t.pk[0]] for row in t.rows}
        return [{"key": key, "kind": c["kind"], "version": c["version"], "href": f"rows/{t.name}/{file_name(key)}.html"}
                for (table, key), c in sorted(self.gone.items()) if table == t.name and key not in now]

    def removed_page(self, t, key, change) -> str:
        """The page of a row that a release removed or renamed, so that a citation of it still lands."""
        renamed = change["kind"] == "renamed"
        target = self.lookup(t.name, t.pk, (change["new_value"],)) if renamed else None
        return self.render("removed.html", ROW_ROOT, title=f"{key} – {t.name} (removed)", t=t, key=key, change=change,
                           renamed_to=self.link(t, target, ROW_ROOT) if target is not None else None,
                           file=Path(t.res.path).name, has_changelog=self.has_changelog)

    # ---------------------------------------------------------- lookups
    def lookup(self, table, fields, values):
        """The row of table whose fields hold values (None when it has none)."""
        k = (table, tuple(fields))
        if k not in self._idx:
            idx = {}
            for row in self.tables[table].rows:
                idx.setdefault(tuple(row.get(f, "") for f in fields), row)
            self._idx[k] = idx
        return self._idx[k].get(tuple(values))

    def referrers(self, t, row):
        """[(referring table, its fields, rows)] for every foreign key that points at row."""
        out = []
        for src, own, theirs in self.back.get(t.name, []):
            values = tuple(row.get(f, "") for f in theirs)
            if not all(values):
                continue
            k = (src.name, tuple(own))
            if k not in self._ridx:
                idx = defaultdict(list)
                for r in src.rows:
                    idx[tuple(r.get(f, "") for f in own)].append(r)
                self._ridx[k] = idx
            hits = self._ridx[k].get(values, [])
            if hits:
                out.append((src, own, hits))
        return out

    def target(self, t, field, row):
        """(table, row) a single-field foreign key of row points to, or None."""
        if field not in t.fk_of or not row.get(field):
            return None
        name, theirs = t.fk_of[field]
        hit = self.lookup(name, theirs, (row[field],)) if name in self.tables else None
        return (self.tables[name], hit) if hit is not None else None

    def href(self, t, row, root) -> str:
        if t.paged:
            if root == ROW_ROOT:  # from one row page to another: ../table/id.html
                return "../" + t.page(row).split("/", 1)[1]
            return root + t.page(row)
        return f"{root}tables/{t.name}.html#{frag(t.anchors[id(row)])}"

    def url_of(self, t, row, depth=0):
        """The public address of a source row: its `url`, or its parent's (a footnote's article)."""
        for f in t.names:
            if f == "url" or f.endswith("_url"):
                if URL.match(row.get(f, "")):
                    return row[f]
        if depth < 3:
            for f, (target, _) in t.fk_of.items():
                if target == t.name and f.startswith("parent"):
                    hit = self.target(t, f, row)
                    if hit:
                        return self.url_of(*hit, depth=depth + 1)
        return ""

    # ---------------------------------------------------------- values
    def cell(self, t, name, row, root, long=False) -> Cell:
        """One value: IDs and foreign keys as links, enums with their meaning (long) or as badges,
        addresses as links."""
        v = row.get(name, "")
        if v == "":
            return Cell("empty", long=long)
        if t.pk == [name] and t.paged:
            return Cell("id", v, href=self.href(t, row, root))
        hit = self.target(t, name, row)
        if hit:
            tt, tr = hit
            lbl = tt.label(tr)
            return Cell("link", v, href=self.href(tt, tr, root), label=lbl if long and lbl != v else "", long=long)
        if name in t.cats:
            label = t.cats[name].get(v, "")
            if name == VERDICT or name.endswith("_basis") or name == "basis":
                kind = "v" if name == VERDICT else "b"
                return Cell("badge", v, cls=f"{kind}-{css_name(v)}", title=label if not long else "",
                            label=label if long else "", long=long)
            # no title in a table: the meanings are listed once, under the table's columns (a title
            # on every cell would repeat them on every row)
            return Cell("enum", v, label=label if long else "", long=long)
        if URL.match(v):
            return Cell("url", v, href=v)
        parts = v.split()
        if len(parts) > 1 and all(URL.match(p) for p in parts):
            return Cell("urls", v, parts=parts)
        return Cell("text", v, long=long)

    def badge(self, t, row):
        """The row's verdict badge, or None."""
        v = row.get(VERDICT, "")
        return Cell("badge", v, cls=f"v-{css_name(v)}") if VERDICT in t.cats and v else None

    def link(self, t, row, root) -> dict:
        return {"href": self.href(t, row, root), "label": t.label(row), "key": " / ".join(t.key(row)), "badge": self.badge(t, row)}

    # ---------------------------------------------------------- rendering
    def render(self, template, root, here="", title="", **ctx) -> str:
        nav = [("index.html", "Home"), ("index.html#tables", "Tables")]
        if self.claims is not None:
            nav.append(("verdicts.html", "Claims by verdict"))
        if self.has_codebook:
            nav.append(("codebook.html", "Codebook"))
        if self.has_changelog:
            nav.append(("changelog.html", "Changes"))
        nav += [("index.html#downloads", "Downloads"), ("index.html#cite", "Cite")]
        lic = ", ".join(str(x.get("name", "")) for x in self.dp.get("licenses", []) if isinstance(x, dict))
        return self.env.get_template(template).render(
            root=root, here=here, nav=nav, title=title, short=self.short, version=self.pkg.version,
            licences=lic, generator=GENERATOR, chrome=CHROME_IDS, **ctx)

    # ---------------------------------------------------------- landing page
    def article(self):
        """(id, title, url, publisher, date) of the article's row in the sources table, or None."""
        src = self.tables.get(SOURCES)
        if src is None or len(src.pk) != 1:
            return None
        row = self.lookup(SOURCES, src.pk, (ARTICLE_ID,))
        if row is None:
            return None
        return {"id": ARTICLE_ID, "title": row.get("title") or ARTICLE_ID, "url": self.url_of(src, row),
                "publisher": row.get("publisher", ""), "date": row.get("date", "")}

    def article_day(self):
        """The last possible day of the article's date (its row's `date_end`), or None."""
        src = self.tables.get(SOURCES)
        art = self.lookup(SOURCES, src.pk, (ARTICLE_ID,)) if src is not None and len(src.pk) == 1 else None
        day = (art or {}).get("date_end") or (art or {}).get("date_start")
        return date.fromisoformat(day) if day else None

    def verdict_counts(self):
        c = self.claims
        n = Counter(r.get(VERDICT, "") for r in c.rows)
        out = [{"value": v, "slug": css_name(v), "label": label, "n": n[v]} for v, label in c.cats[VERDICT].items()]
        if n[""]:
            out.append({"value": "", "slug": "none", "label": "not checked against the record (for example a forecast: see its outcome)", "n": n[""]})
        return out

    def cff_text(self) -> str:
        path = self.pkg.root / "CITATION.cff"
        return path.read_text(encoding="utf-8") if path.is_file() else docs.citation_cff(self.ds)

    def extra_files(self):
        """(path under download/, what it is) for the documents copied beside the data."""
        return [(rel, what) for rel, what in (("CITATION.cff", "citation metadata"), ("LICENSE-DATA.md", "the licence of the data"))
                if (self.pkg.root / rel).is_file()]

    def release_files(self, release_dir):
        """([{name, what, table, href, sha256, size, data}], SHA256SUMS bytes or None) for
        RELEASE_FORMATS: linked when the file is in release_dir (copied to release/), else named as
        what `./dp release` builds (a file per table: named once, as its pattern)."""
        out = []
        for pattern, what in RELEASE_FORMATS:
            per_table = "{table}" in pattern
            for table in (self.tables if per_table else [None]):
                name = release_file(pattern, self.dp, table)
                path = Path(release_dir) / name if release_dir else None
                data = path.read_bytes() if path is not None and path.is_file() else None
                out.append({"name": name, "what": release_file(what, self.dp), "table": table, "pattern": release_file(pattern, self.dp),
                            "href": f"release/{name}" if data is not None else "", "data": data,
                            "sha256": hashlib.sha256(data).hexdigest() if data is not None else "",
                            "size": nice_bytes(len(data)) if data is not None else ""})
        sums = Path(release_dir) / SUMS if release_dir else None
        return out, (sums.read_bytes() if sums is not None and sums.is_file() and any(f["href"] for f in out) else None)

    def jsonld(self) -> Markup:
        # docs.jsonld() is the one schema.org generator (docs/dataset.jsonld is the same); inside
        # <script> no entity is decoded, so "<" (and "&", ">") are escaped the JSON way instead
        text = json.dumps(docs.jsonld(self.ds), ensure_ascii=False, indent=1)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    def licences(self):
        out = []
        for x in self.dp.get("licenses", []):
            if isinstance(x, dict):
                path = str(x.get("path", ""))
                out.append({"name": x.get("name", ""), "title": x.get("title", "") or x.get("name", ""), "url": path if URL.match(path) else ""})
        return out

    def index(self, figures, releases, sums) -> str:
        tables = list(self.tables.values())
        return self.render(
            "index.html", "", here="index.html", title=self.dp.get("title", self.pkg.name),
            dp=self.dp, name=self.pkg.name, art=self.article(), tables=tables, total=sum(len(t.rows) for t in tables),
            paged=[t.name for t in tables if t.paged], claims=self.claims, package_files=self.pkg.files,
            verdicts=self.verdict_counts() if self.claims is not None else [],
            figures=figures, cite=markdown(docs.citation_block(self.ds)), cff=self.cff_text(),
            schemas=sorted({t.res.schema_file for t in tables if t.res.schema_file != "datapackage.json"}),
            extra=self.extra_files(), releases=releases, sums=sums is not None, has_codebook=self.has_codebook,
            licence_list=self.licences(), has_licence_file=(self.pkg.root / "LICENSE-DATA.md").is_file(),
            jsonld=self.jsonld())

    # ---------------------------------------------------------- table pages
    def filters(self, t):
        """The filters of a table page: every enum column, every foreign-key column whose rows
        hold 2 to MAX_OPTIONS values, and the authority of each source a row cites (an enum
        `*authority*` of the table a foreign key points to) where the rows' sources differ in it."""
        n, col = len(t.rows), {f: i for i, f in enumerate(t.names)}
        out = []
        for f in t.names:
            count = Counter(r.get(f, "") for r in t.rows)
            if f in t.cats:
                opts = [(v, f"{v} – {cut(lbl, 60)}" if lbl else v, count[v]) for v, lbl in t.cats[f].items()]
            elif f in t.fk_of and f not in t.pk and t.fk_of[f][0] != t.name and 2 <= len([v for v in count if v]) <= MAX_OPTIONS:
                labels = {}
                for v in count:
                    hit = self.target(t, f, {f: v}) if v else None
                    labels[v] = hit[0].label(hit[1]) if hit else v
                opts = sorted(((v, f"{labels[v]} ({v})" if labels[v] != v else v, count[v]) for v in count if v),
                              key=lambda o: o[1].casefold())
            else:
                continue
            out.append({"id": f"{CHROME_IDS}f{col[f]}", "label": f, "col": col[f], "attr": "", "all": n, "options": opts, "empty": count[""]})
        derived, attrs = [], []
        for f, (target, _) in t.fk_of.items():
            tt = self.tables.get(target)
            if tt is None or tt is t:
                continue
            for a in tt.names:
                if "authority" not in a or a not in tt.cats:
                    continue
                values = []
                for r in t.rows:
                    hit = self.target(t, f, r)
                    values.append(hit[1].get(a, "") if hit else "")
                count = Counter(values)
                if len([v for v in count if v]) < 2:
                    continue
                key = f"a{len(attrs)}"
                attrs.append((f"data-{key}", values))
                derived.append({"id": f"{CHROME_IDS}{key}", "label": f"{a} of {f}", "col": "", "attr": key, "all": n,
                                "options": [(v, f"{v} – {cut(lbl, 60)}" if lbl else v, count[v]) for v, lbl in tt.cats[a].items() if count[v]],
                                "empty": count[""]})
        return out + derived, attrs

    def table_page(self, t) -> str:
        root = "../"
        if t.name == CHANGES:  # a row per changed value: the counts here, each change on its row's page
            return self.changes_page(t)
        shown, dates = set(t.default_columns(self.tables)), set(t.dates())
        columns = []
        for i, f in enumerate(t.fields):
            desc = " ".join(str(f.get("description", "")).split())
            filled = [len(r.get(f["name"], "")) for r in t.rows if r.get(f["name"])]
            mean = sum(filled) / len(filled) if filled else 0
            columns.append({"i": i, "name": f["name"], "type": f.get("type", "string"), "desc": desc, "ftitle": f.get("title", ""),
                            "width": "ww" if mean > 90 else "w" if mean > 30 else "", "shown": f["name"] in shown,
                            "date": f["name"] in dates or f.get("type") == "date",
                            "cats": list(t.cats.get(f["name"], {}).items()), "anchor": f"{CHROME_IDS}c-{anchor_id(f['name'])}"})
        filters, attrs = self.filters(t)
        first = t.pk[0] if t.pk else None
        rows = []
        for j, row in enumerate(t.rows):
            cells = [self.cell(t, name, row, root) for name in t.names]
            rows.append({"anchor": t.anchors[id(row)], "cells": cells, "attrs": [(a, values[j]) for a, values in attrs]})
        return self.render("table.html", root, title=f"{t.name} – {self.short}", t=t, columns=columns, rows=rows,
                           releases=[r for r in self.releases if r["table"] == t.name and r["href"]],
                           filters=filters, first=first, n=len(t.rows), hidden=[c["i"] for c in columns if not c["shown"]],
                           has_codebook=self.has_codebook, removed=self.removed_rows(t))

    # ---------------------------------------------------------- row pages
    def quote_figure(self, t, row, qf, sf, lf, root, extra=()):
        """A quotation with its source: the source linked to its row and to its address, the
        locator, the source's kind and any authority column, and the extra columns of the row."""
        src = self.target(t, sf, row) if sf else None
        fig = {"quote": row.get(qf, ""), "src": None, "src_id": row.get(sf, "") if sf else "",
               "locator": row.get(lf, "") if lf else "", "notes": [], "url": ""}
        if src:
            st, sr = src
            fig["src"] = {"href": self.href(st, sr, root), "label": st.label(sr)}
            fig["url"] = self.url_of(st, sr)
            for f in st.names:
                if sr.get(f) and ((f in st.cats and f == "kind") or "authority" in f):
                    fig["notes"].append({"name": f.replace("_", " "), "cell": self.cell(st, f, sr, root), "label": ""})
        for f in extra:
            if row.get(f):
                fig["notes"].append({"name": f.replace("_", " "), "cell": self.cell(t, f, row, root),
                                     "label": t.cats.get(f, {}).get(row[f], "")})
        if not fig["quote"] and not (fig["src_id"] or fig["locator"] or fig["notes"] or fig["url"]):
            return None
        return fig

    def linked_sources(self, t, row):
        """[(link table, its fields to t, rows)] for the tables that join t to the sources table (a
        claim -> source link table): the foreign keys to t and to the sources are both part of
        their primary key."""
        out = []
        for src, own, _ in self.back.get(t.name, []):
            if src is t or not set(own) <= set(src.pk):
                continue
            if not any(target == SOURCES and fo != own and set(fo) <= set(src.pk) for fo, target, _ in src.fks):
                continue
            rows = next((rows for s2, o2, rows in self.referrers(t, row) if s2 is src and o2 == own), [])
            out.append((src, own, rows))
        return out

    def link_figures(self, links, root, shown):
        out = []
        for lt, own, rows in links:
            for r in rows:
                for qf, sf, lf in lt.quotes():
                    extra = [f for f in lt.names if f not in own and f not in (qf, sf, lf)]
                    fig = self.quote_figure(lt, r, qf, sf, lf, root, extra=extra)
                    if fig:
                        out.append(fig)
                    shown.add((r.get(sf, "") if sf else "", r.get(qf, "")))
        return out

    def verdict_section(self, t, row, root, links):
        v = row.get(VERDICT, "")
        sec = {"badge": Cell("badge", v or "no verdict", cls=f"v-{css_name(v) or 'none'}"),
               "label": t.cats.get(VERDICT, {}).get(v, "") or "not checked against the record",
               "pairs": [], "more": [], "figs": [], "from": "", "contra": [], "none": False,
               "same": t.cats.get(VERDICT, {}).get(v, "") if v else "–"}   # a verdict with no verified value: its meaning
        for s, stated, values, _ in t.pairs():
            ver = [x for x in values if x.endswith("_verified")]
            if ver:
                sec["pairs"].append({"stated": stated, "said": row.get(stated, ""), "ver": ver[0], "value": row.get(ver[0], "")})
        for f in ("outcome", "as_of"):
            if f in t.field and row.get(f):
                sec["more"].append({"name": f.replace("_", " "), "cell": self.cell(t, f, row, root, long=True)})
        shown = set()
        figs = self.link_figures(links, root, shown)
        own = [self.quote_figure(t, row, qf, sf, lf, root) for qf, sf, lf in t.quotes()
               if qf != "quote" and (row.get(sf, "") if sf else "", row.get(qf, "")) not in shown]
        sec["figs"] = [f for f in own + figs if f]
        sec["from"] = ", ".join(lt.name for lt, _, rows in links if rows)
        sec["none"] = bool(v) and not sec["figs"]
        for f, (target, _) in t.fk_of.items():   # contradiction pairs, both ways
            if target != t.name or "contradict" not in f:
                continue
            other = self.target(t, f, row)
            back = [r for src, own_, rows in self.referrers(t, row) if src is t and own_ == [f] for r in rows]
            if other:
                sec["contra"].append({"how": "This claim contradicts", **self.link(t, other[1], root)})
            for r in back:
                sec["contra"].append({"how": "Contradicted by", **self.link(t, r, root)})
        return sec

    def pairs_section(self, t, row, root):
        out = []
        for s, stated, values, extra in t.pairs():
            if VERDICT in t.cats and any(x.endswith("_verified") for x in values):
                continue  # shown in the verdict section
            said = row.get(stated, "")
            ours = [(x, self.cell(t, x, row, root, long=True)) for x in values if row.get(x)]
            if not said and not ours:
                continue
            mark = None
            basis = next((x for x in extra if x.endswith("_basis") and row.get(x)), None)
            if basis:
                mark = self.cell(t, basis, row, root)
            elif said and ours:
                same = any(" ".join(row[x].split()).casefold() == " ".join(said.split()).casefold() for x, _ in ours)
                mark = Cell("badge", "same" if same else "differs", cls="b-same" if same else "b-differs")
            details = [(x.replace("_", " "), self.cell(t, x, row, root)) for x in extra if row.get(x) and x != basis]
            out.append({"stem": s, "said": said, "ours": ours, "mark": mark, "details": details})
        return out

    def shown_above(self, t) -> set:
        """The columns a row page shows before its other values: the key, the quotations with their
        sources and locators, the stated and dataset values, the verdict."""
        shown = set(t.pk[:1])
        for group in t.quotes():
            shown |= {f for f in group if f}
        for _, stated, values, extra in t.pairs():
            shown |= {stated, *values, *extra}
        if VERDICT in t.cats:
            shown |= {VERDICT} | ({"outcome", "as_of"} & set(t.names))
        for own, target, _ in t.fks:   # listed under "Rows it points to"
            if target in self.tables:
                shown |= set(own)
        return shown

    def mini_table(self, t, skip, rows, root, cols=None):
        """Rows of another table on a row page: the key links to the row; columns equal to this
        row are left out, and a value every row shares is said once."""
        cols = [f for f in (cols or t.names) if f not in skip and f not in t.pk and any(r.get(f) for r in rows)]
        same = [f for f in cols if len(rows) > 1 and all(r.get(f, "") == rows[0].get(f, "") for r in rows)]
        cols = [f for f in cols if f not in same]
        return {"keyname": ", ".join(t.pk) or "row", "cols": cols,
                "rows": [{"href": self.href(t, r, root), "key": t.anchors[id(r)] if not t.paged else r[t.pk[0]],
                          "cells": [self.cell(t, f, r, root) for f in cols]} for r in rows],
                "same": [(f, self.cell(t, f, rows[0], root)) for f in same]}

    def periods(self, t, row):
        """The timeline of the periods that point to row: for each referring table with a start
        and an end (each with its day columns), one lane per value of its `view` enum (in the
        schema's order), bars from the first possible day of the start to the last of the end."""
        out = []
        for src, own, rows in self.referrers(t, row):
            if not all(f"{p}_{d}" in src.field for p in ("start", "end") for d in ("start", "end")):
                continue
            lanes = list(src.cats.get(VIEW, {})) or [""]
            dated = [r for r in rows if r.get("start_start") or r.get("end_end")]
            if not dated:
                continue
            days = [date.fromisoformat(r[f]) for r in dated for f in ("start_start", "start_end", "end_start", "end_end") if r.get(f)]
            # from the first day of the first year to a little after the last day, and at least to
            # the article's date: a period with no recorded end runs to the edge, as of the article
            asof = self.article_day()
            lo, last = date(min(days).year, 1, 1), max(days + ([asof] if asof else []))
            hi = last + timedelta(days=max(31, (last - lo).days // 25))
            span = (hi - lo).days or 1
            pct = lambda d: round(100 * (d - lo).days / span, 2)  # noqa: E731
            who = [f for f, (target, _) in src.fk_of.items() if f not in own and target != SOURCES]
            colour = {}
            lane_list = []
            for lane in lanes:
                bars, undated = [], []
                for r in rows:
                    if lane and r.get(VIEW) != lane:
                        continue
                    party = r.get(who[0], "") if who else ""
                    colour.setdefault(party, len(colour) % COLOURS)
                    hit = self.target(src, who[0], r) if who else None
                    text = {"href": self.href(src, r, ROW_ROOT), "key": r[src.pk[0]] if src.pk else "",
                            "who": hit[0].label(hit[1]) if hit else party, "status": r.get("status", ""),
                            "start": r.get("start", "") or r.get("start_as_stated", ""), "end": r.get("end", "") or r.get("end_as_stated", ""),
                            "colour": colour[party]}
                    if not r.get("start_start") and not r.get("end_end"):
                        undated.append(text)
                        continue
                    a = date.fromisoformat(r["start_start"]) if r.get("start_start") else lo
                    a2 = date.fromisoformat(r["start_end"]) if r.get("start_end") else a
                    b = date.fromisoformat(r["end_end"]) if r.get("end_end") else hi
                    b1 = date.fromisoformat(r["end_start"]) if r.get("end_start") else b
                    bars.append({**text, "left": pct(a), "width": max(pct(b) - pct(a), 0.6),
                                 "solid_left": round(100 * (a2 - a).days / max((b - a).days, 1), 2),
                                 "solid_width": round(100 * (b1 - a2).days / max((b - a).days, 1), 2),
                                 "open_start": not r.get("start_start"), "open_end": not r.get("end_end")})
                # periods that overlap (a party's hold on several places) go on rows of their own
                rows_end = []
                for bar in sorted(bars, key=lambda x: (x["left"], x["key"])):
                    row_no = next((i for i, end in enumerate(rows_end) if end <= bar["left"] + 0.01), len(rows_end))
                    if row_no == len(rows_end):
                        rows_end.append(0)
                    rows_end[row_no] = bar["left"] + bar["width"]
                    bar["row"] = row_no
                if not bars and not undated:
                    continue   # no period of this view points here
                lane_list.append({"name": lane, "label": src.cats.get(VIEW, {}).get(lane, ""), "bars": bars, "undated": undated,
                                  "rows": max(len(rows_end), 1)})
            step = next((s for s in (1, 2, 5, 10, 20, 50, 100) if (hi.year - lo.year + 1) / s <= 8), 500)
            years = range(lo.year, hi.year + 1, step)   # from the first year, so the axis says where it starts
            ticks = [{"year": y, "left": pct(date(y, 1, 1))} for y in years if pct(date(y, 1, 1)) <= 93]  # a label at the edge would spill over
            out.append({"table": src.name, "by": ", ".join(own), "lanes": lane_list, "ticks": ticks, "asof": asof,
                        "from": lo.isoformat(), "to": hi.isoformat()})
        return out

    def row_page(self, t, row) -> str:
        root = ROW_ROOT
        links = self.linked_sources(t, row)
        verdict = self.verdict_section(t, row, root, links) if VERDICT in t.cats else None
        main = [g for g in t.quotes() if g[0] == "quote" or VERDICT not in t.cats]
        figs = [x for x in (self.quote_figure(t, row, qf, sf, lf, root) for qf, sf, lf in main) if x]
        further = [] if VERDICT in t.cats else self.link_figures(links, root, set())
        shown = self.shown_above(t)
        lf = t.label_field(row)
        if lf and cut(row[lf]) == " ".join(row[lf].split()):  # the heading shows it whole
            shown = shown | {lf}
        rest = [{"name": f["name"], "ftitle": f.get("title", ""), "cell": self.cell(t, f["name"], row, root, long=True)}
                for f in t.fields if row.get(f["name"]) and f["name"] not in shown]
        points = []
        for own, target, theirs in t.fks:
            vals = tuple(row.get(f, "") for f in own)
            if not all(vals) or target not in self.tables:
                continue
            tt = self.tables[target]
            hit = self.lookup(target, theirs, vals)
            points.append({"own": own, "id": " / ".join(vals), "target": target, "hit": self.link(tt, hit, root) if hit is not None else None})
        above = {(lt.name, tuple(own)) for lt, own, rows in links if rows}
        refs = []
        for i, (src, own, rows) in enumerate(self.referrers(t, row)):
            ref = {"i": i, "table": src.name, "own": ", ".join(own), "n": len(rows), "filter": "", "above": False, "mini": None}
            if len(rows) > MAX_LISTED:
                theirs = next(th for s2, o2, th in self.back.get(t.name, []) if s2 is src and o2 == own)
                ref["filter"] = "&".join(f"{urlquote(f)}={urlquote(row.get(k, ''))}" for f, k in zip(own, theirs))
                ref["value"] = " / ".join(row.get(k, "") for k in theirs)
            elif (src.name, tuple(own)) in above:
                ref["above"] = f"{CHROME_IDS}verdict" if verdict else f"{CHROME_IDS}src"
            else:
                ref["mini"] = self.mini_table(src, own, rows, root, src.default_columns(self.tables) if src.paged else None)
            refs.append(ref)
        return self.render(
            "row.html", root, title=f"{t.label(row)} – {t.name}", t=t, key=row[t.pk[0]], label=t.label(row),
            badge=self.badge(t, row), anchor=t.anchors[id(row)], file=Path(t.res.path).name, verdict=verdict,
            figs=figs, further=further, further_from=", ".join(lt.name for lt, _, rows in links if rows),
            timelines=self.periods(t, row), pairs=self.pairs_section(t, row, root), rest=rest, points=points, refs=refs,
            history=self.history.get((t.name, row[t.pk[0]]), []), first_recorded=self.first_recorded, has_changelog=self.has_changelog)

    # ---------------------------------------------------------- claims by verdict, codebook
    def verdicts_page(self) -> str:
        c = self.claims
        groups = defaultdict(list)
        for r in c.rows:
            groups[r.get(VERDICT, "")].append(r)
        order = list(c.cats[VERDICT]) + sorted(k for k in groups if k not in c.cats[VERDICT])
        stated = next(((f"{s}_as_stated", x) for s, _, v, _ in c.pairs() for x in v if x.endswith("_verified")), None)
        extra = [f for f in c.names if f in c.cats and f != VERDICT and not f.endswith(_QUALIFIER)]
        vsrc = next((sf for qf, sf, _ in c.quotes() if qf != "quote" and sf), None)
        sections = []
        for v in order:
            rows = groups[v]
            if not rows:
                continue
            label = c.cats[VERDICT].get(v, "") if v else "not checked against the record (for example a forecast: see its outcome)"
            shown = [f for f in extra if any(r.get(f) for r in rows)]
            items = []
            for r in rows:
                items.append({**self.link(c, r, ""), "cells": [self.cell(c, f, r, "") for f in shown],
                              "stated": r.get(stated[0], "") if stated else "", "verified": r.get(stated[1], "") if stated else "",
                              "src": self.cell(c, vsrc, r, "") if vsrc else None})
            sections.append({"value": v or "no verdict", "slug": css_name(v) if v else "none", "label": label, "n": len(rows),
                             "shown": shown, "rows": items})
        return self.render("verdicts.html", "", here="verdicts.html", title=f"Claims by verdict – {self.short}", c=c,
                           sections=sections, stated=stated, vsrc=vsrc)

    def changelog_page(self) -> str:
        text = (self.pkg.root / CHANGELOG).read_text(encoding="utf-8")
        return self.render("codebook.html", "", here="changelog.html", title=f"Changes – {self.short}", head=markdown(text), body="", tables=[])

    def codebook_page(self) -> str:
        text = (self.pkg.root / CODEBOOK).read_text(encoding="utf-8")
        # its opening (title and how it is made), a list of its tables, then the tables
        i = text.find("\n## ")
        head, rest = (text[:i], text[i:]) if i >= 0 else (text, "")
        return self.render("codebook.html", "", here="codebook.html", title=f"Codebook – {self.short}",
                           head=markdown(head), body=markdown(rest),
                           tables=[t for t in self.tables if re.search(rf"^## {re.escape(t)}$", rest, re.M)])


# ------------------------------------------------------------------ figures and files
def svg_info(data: bytes):
    """(alt, caption, width, height) of an SVG: its <title> or first <text>, its second <text>."""
    text = data.decode("utf-8", "replace")
    texts = [html.unescape(re.sub(r"<[^>]+>", "", t)).strip() for t in re.findall(r"<text\b[^>]*>(.*?)</text>", text, re.S)]
    title = re.search(r"<title\b[^>]*>(.*?)</title>", text, re.S)
    alt = html.unescape(title.group(1)).strip() if title else (texts[0] if texts else "")
    caption = next((t for t in texts if t and t != alt), "") if not title else ""
    m = re.search(r"<svg\b[^>]*>", text)
    w = re.search(r'\bwidth="(\d+)"', m.group(0)) if m else None
    h = re.search(r'\bheight="(\d+)"', m.group(0)) if m else None
    return alt, f"{alt}. {caption}" if caption else alt, w and w.group(1), h and h.group(1)


def render(ds: Dataset, release_dir=None) -> dict:
    """Every file of the site: {relative path: bytes}. Pure: the same dataset gives the same bytes."""
    site = Site(ds)
    root = ds.root
    files = {}
    fig_dir = root / "docs" / "figures"
    figures = []
    if fig_dir.is_dir():
        for p in sorted(fig_dir.glob("*.svg")):
            if p.is_file() and not p.name.startswith("."):
                data = p.read_bytes()
                files[f"figures/{p.name}"] = data
                alt, caption, w, h = svg_info(data)
                figures.append({"name": p.name, "alt": alt or p.stem, "caption": caption or alt or p.stem, "w": w, "h": h})
    site.releases, site.sums = releases, sums = site.release_files(release_dir)
    for r in releases:
        if r["data"] is not None:
            files[f"release/{r['name']}"] = r["data"]
    if sums is not None:
        files[f"release/{SUMS}"] = sums
    files["index.html"] = site.index(figures, releases, sums)
    if site.claims is not None:
        files["verdicts.html"] = site.verdicts_page()
    if site.has_codebook:
        files["codebook.html"] = site.codebook_page()
    if site.has_changelog:
        files["changelog.html"] = site.changelog_page()
    for t in site.tables.values():
        files[f"tables/{t.name}.html"] = site.table_page(t)
        if t.paged:
            for row in t.rows:
                files[t.page(row)] = site.row_page(t, row)
            for r in site.removed_rows(t):  # a key removed, and not given to another row since
                files[r["href"]] = site.removed_page(t, r["key"], site.gone[(t.name, r["key"])])
    # the package as published, under download/
    files["download/datapackage.json"] = (root / "datapackage.json").read_bytes()
    for t in site.tables.values():
        files[f"download/{t.res.path}"] = (root / t.res.path).read_bytes()
        if t.res.schema_file != "datapackage.json":
            files[f"download/{t.res.schema_file}"] = (root / t.res.schema_file).read_bytes()
    for f in ds.package.files:  # the resources that are not tables (GeoJSON): part of the package too
        files[f"download/{f.path}"] = (root / f.path).read_bytes()
    for rel, _ in site.extra_files():
        files[f"download/{rel}"] = (root / rel).read_bytes()
    if not (root / "CITATION.cff").is_file():
        files["download/CITATION.cff"] = site.cff_text()
    for p in sorted(ASSETS.iterdir()):
        if p.is_file() and not p.name.startswith("."):
            files[f"assets/{p.name}"] = p.read_bytes()
    files[".nojekyll"] = b""   # GitHub Pages: serve the files as they are
    return {k: (v.encode("utf-8") if isinstance(v, str) else v) for k, v in sorted(files.items())}


def is_site(folder: Path) -> bool:
    """A folder this command may replace: missing, empty, or a site it built."""
    if not folder.exists():
        return True
    if not folder.is_dir() or folder.is_symlink():
        return False
    if not any(folder.iterdir()):
        return True
    index = folder / "index.html"
    try:
        return index.is_file() and f'<meta name="generator" content="{GENERATOR}">' in index.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return False


def build(ds: Dataset, out: Path | None = None, release_dir=None) -> Built:
    """Render the site of the dataset and write it to out (default <package>/site), replacing a
    site built before; a folder that is not one is refused and left untouched."""
    start = time.perf_counter()
    out = Path(out) if out is not None else ds.root / "site"
    out = out.absolute()
    if not is_site(out):
        raise SiteError(f"{out}: exists and is not a site built by this command; refusing to replace it (choose another --out, or remove it)")
    files = render(ds, release_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        for rel, data in files.items():
            path = tmp.joinpath(*rel.split("/"))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
            os.chmod(d, 0o755)
        for p in tmp.rglob("*"):
            if p.is_file():
                os.chmod(p, 0o644)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    pages = {rel: len(v) for rel, v in files.items() if rel.endswith(".html")}
    largest = max(pages.items(), key=lambda kv: (kv[1], kv[0]))
    return Built(out, len(pages), sum(len(v) for v in files.values()), time.perf_counter() - start, largest)


def write_zip(site: Path, path: Path, top: str):
    """The built site as a reproducible zip (sorted entries, fixed time) under one top folder."""
    from .release import write_zip as zip_files
    contents = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    path.parent.mkdir(parents=True, exist_ok=True)
    zip_files(path, top, {k: v for k, v in contents.items() if not k.startswith(".")})


def cli(args) -> int:
    """`python -m ifimes_karabakh site [--out DIR] [--zip FILE] [--release DIR]`."""
    import sys
    from .dataset import DatasetError
    try:
        ds = Dataset.load(REPO)
        res = build(ds, Path(args.out), getattr(args, "release", None) or REPO / "dist")
        if getattr(args, "zip", None):
            write_zip(res.out, Path(args.zip), f"{release_name(ds.descriptor)}-site")
    except DatasetError as e:
        print(f"ifimes_karabakh site: the package cannot be read (./dp validate says more):\n{e}", file=sys.stderr)
        return 1
    except SiteError as e:
        print(f"ifimes_karabakh site: refused: {e}", file=sys.stderr)
        return 1
    print(f"{res.out}: {res.pages} pages, {nice_bytes(res.bytes)}, built in {res.seconds:.1f} s; "
          f"largest page {res.largest[0]} ({nice_bytes(res.largest[1])})")
    status = 0
    if res.bytes >= MAX_BYTES:
        print(f"ifimes_karabakh site: the site is {nice_bytes(res.bytes)}, over the {nice_bytes(MAX_BYTES)} it must stay under", file=sys.stderr)
        status = 1
    if res.largest[1] >= MAX_PAGE_BYTES:
        print(f"ifimes_karabakh site: {res.largest[0]} is {nice_bytes(res.largest[1])}, over the {nice_bytes(MAX_PAGE_BYTES)} a page must stay under", file=sys.stderr)
        status = 1
    return status
