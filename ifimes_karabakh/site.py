"""The dataset's static website, built from datapackage.json, the Table Schemas and the CSVs:
`python -m ifimes_karabakh site [--out DIR] [--zip FILE]` (default out: site/ in the repository).

What it writes (every link relative, so it works opened from a folder and from any static host):

    index.html                 what the dataset is and is not, row counts, figures, how to cite,
                               downloads, licence, a schema.org Dataset JSON-LD block
    verdicts.html              the claims grouped by verdict (when a table has a `verdict` enum)
    tables/<table>.html        every row of a table in a plain HTML table, each with an id (its key)
                               for a permalink; search, sorting, a filter on every enum column and
                               ?column=value filters are added by assets/site.js
    rows/<table>/<id>.html     one page per row of every table whose primary key is one column and
                               that other tables point to (ROW_PAGES): every value, the stated and
                               dataset values side by side, the source with locator and quote, and
                               the foreign keys followed both ways
    download/                  the package: datapackage.json, the CSVs, the schemas, CITATION.cff,
                               the data licence
    figures/*.svg              every SVG in docs/figures/
    assets/                    site.css and site.js (site_assets/)

Everything is read from the descriptor and the schemas: a new table, column, foreign key or enum
needs no change here. Conventions the site relies on, all optional:
  - `X_as_stated` beside `X`, `X_verified`, `X_canonical`, `X_en`, `X_start` or `X_end`: the source's
    words and the dataset's value, shown side by side with `X_basis`, `X_precision`, `X_source_id`;
  - `quote` / `P_quote` with `source_id` / `P_source_id` (or `cited_in_source_id`) and `locator` /
    `P_locator`: a quotation, shown as a <blockquote> with a link to the source's `url`;
  - a `verdict` enum: badges and the verdicts page; a table whose key holds foreign keys to a row
    and to the sources (claim_sources, control_sources) gives that row's further or verdict
    sources, each with its quote; `kind` and `*authority*` columns of a source are shown beside it.

Deterministic: no clocks, no absolute paths, files in sorted order, so two builds are
byte-identical. No network, no external fonts or scripts. The article's text is never read: pages
show only the quotes and locators of the tables."""
import csv
import html
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote as urlquote

from . import REPO
from .descriptor import as_list, load_package

ASSETS = Path(__file__).resolve().parent / "site_assets"
GENERATOR = "ifimes_karabakh site"
MAX_BYTES = 5_000_000            # the whole site must stay under 5 MB
ARTICLE_ID = "ifimes-2020"       # the article's row of the sources table (see article.py)
CLAIMS, SOURCES, VERDICT = "claims", "sources", "verdict"
LABEL_FIELDS = ("name", "name_en", "name_canonical", "title", "name_as_stated", "claim_summary",
                "summary", "subject", "description", "description_as_stated")
LABEL_MAX = 80
# Which tables get a page per row: "all" tables whose primary key is one column, or only those
# ("referenced") whose rows other tables point to: the entities (sources, parties, territories,
# agreements, events, claims, ...). Rows of the other tables (e.g. mentions, memberships) have a
# permalink on their table's page and are shown in full on the page of every row they point to;
# pages for them would push the site past MAX_BYTES.
ROW_PAGES = "referenced"
MAX_LISTED = 40                  # rows listed per foreign key on a row page; beyond, a link to the table, filtered
ROW_ROOT = "../../"               # from a row page (rows/<table>/<id>.html) to the site's root
CHROME_IDS = "__"                 # prefix of the page's own ids, so that no row ID can clash
URL = re.compile(r"^https?://\S+$")
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
_CODE = re.compile(r"`([^`]+)`")


class SiteError(Exception):
    """The site cannot be written; the message says why and what to do."""


@dataclass
class Built:
    out: Path
    pages: int
    bytes: int
    seconds: float


# ------------------------------------------------------------------ small helpers
def esc(value) -> str:
    return html.escape(str(value), quote=True)


def inline(text) -> str:
    """Schema prose: escaped, `code` spans as <code>."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", esc(text))


def md_inline(text) -> str:
    out = inline(text)
    out = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", out)
    return re.sub(r"(?<![\w*])\*([^*]+)\*(?![\w*])", r"<em>\1</em>", out)


def markdown(text: str) -> str:
    """The small Markdown of the generated README blocks: paragraphs, `>` quotations, fenced code,
    *emphasis* and `code`. Anything else stays as text of a paragraph."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("```"):
            lang, body = line[3:].strip(), []
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            i += 1
            cls = f' class="language-{esc(lang)}"' if lang else ""
            out.append(f'<pre tabindex="0"><code{cls}>{esc(chr(10).join(body))}</code></pre>')
        elif line.startswith(">"):
            body = []
            while i < len(lines) and lines[i].startswith(">"):
                body.append(lines[i][1:].strip())
                i += 1
            out.append(f"<blockquote><p>{md_inline(' '.join(body))}</p></blockquote>")
        elif not line.strip():
            i += 1
        else:
            body = []
            while i < len(lines) and lines[i].strip() and not lines[i].startswith((">", "```")):
                body.append(lines[i].strip())
                i += 1
            out.append(f"<p>{md_inline(' '.join(body))}</p>")
    return "\n".join(out)


def file_name(value: str) -> str:
    """A row ID as a file name that is safe on every file system and in a URL: lowercase slugs
    stay as they are; any other byte is written `~XX` (so IDs that differ only in case differ)."""
    if _SAFE_NAME.match(value) and ".." not in value:
        return value
    ok = set("abcdefghijklmnopqrstuvwxyz0123456789-_")
    name = "".join(chr(b) if chr(b) in ok else f"~{b:02X}" for b in value.encode("utf-8")) or "~"
    if len(name) > 120:
        import hashlib
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


def read_rows(pkg, res):
    with open(pkg.root / res.path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, restval="")
        return [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]


class Site:
    """The package as linked tables, and every page of the site as text."""

    def __init__(self, pkg):
        self.pkg = pkg
        self.dp = pkg.descriptor
        self.tables = {r.name: Table(r, read_rows(pkg, r)) for r in pkg.resources}
        self.back = defaultdict(list)        # table -> [(referring table, its fields, referenced fields)]
        for t in self.tables.values():
            for own, target, theirs in t.fks:
                if target in self.tables:
                    self.back[target].append((t, own, theirs))
        for t in self.tables.values():  # pages for the rows other rows point to (see ROW_PAGES)
            t.paged = len(t.pk) == 1 and (ROW_PAGES == "all" or any(src is not t for src, _, _ in self.back.get(t.name, [])))
        self._idx, self._ridx = {}, {}
        self.claims = self.tables.get(CLAIMS) or next((t for t in self.tables.values() if VERDICT in t.cats), None)
        if self.claims is not None and VERDICT not in self.claims.field:
            self.claims = None
        self.short = str(self.dp.get("title", pkg.name)).split(":")[0].strip() or pkg.name

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
    def value(self, t, field, row, root, long=False) -> str:
        """One cell as HTML: IDs and foreign keys as links, enums with their meaning (long) or as
        badges, addresses as links."""
        v = row.get(field, "")
        if v == "":
            return '<span class="empty">–</span>' if long else ""
        if t.pk == [field] and t.paged:
            return f'<a href="{esc(self.href(t, row, root))}"><code>{esc(v)}</code></a>'
        hit = self.target(t, field, row)
        if hit:
            tt, tr = hit
            if long:
                link = f'<a href="{esc(self.href(tt, tr, root))}">{esc(v)}</a>'
                return f'{link} <span class="lbl">{esc(tt.label(tr))}</span>' if tt.label(tr) != v else link
            return f'<a href="{esc(self.href(tt, tr, root))}">{esc(v)}</a>'
        if field in t.cats:
            label = t.cats[field].get(v, "")
            badge_field = field in (VERDICT, "basis") or field.endswith("_basis")
            title = f' title="{esc(label)}"' if label and badge_field and not long else ""
            if badge_field:
                kind = "v" if field == VERDICT else "b"
                badge = f'<span class="badge {kind}-{css_name(v)}"{title}>{esc(v)}</span>'
            else:
                badge = f'<span class="enum"{title}>{esc(v)}</span>'
            return f'{badge} <span class="lbl">{esc(label)}</span>' if long and label else badge
        if URL.match(v):
            return f'<a href="{esc(v)}" rel="external noopener">{esc(v)}</a>'
        parts = v.split()
        if len(parts) > 1 and all(URL.match(p) for p in parts):
            return " ".join(f'<a href="{esc(p)}" rel="external noopener">{esc(p)}</a>' for p in parts)
        return esc(v)

    def field_head(self, t, name, root=None) -> str:
        """A column's name (and title); on a row page, linked to its description on the table page."""
        f = t.field[name]
        title = f' <span class="ftitle">({esc(f["title"])})</span>' if f.get("title") else ""
        if root is None:
            return f"<code>{esc(name)}</code>{title}"
        return f'<a href="{root}tables/{esc(t.name)}.html#{CHROME_IDS}c-{esc(frag(name))}"><code>{esc(name)}</code></a>{title}'

    # ---------------------------------------------------------- page frame
    def page(self, title, body, root, here="", head="", script=False) -> str:
        nav = [("index.html", "Home"), ("index.html#tables", "Tables")]
        if self.claims is not None:
            nav.append(("verdicts.html", "Claims by verdict"))
        nav += [("index.html#cite", "Cite"), ("index.html#downloads", "Downloads")]
        current = ' aria-current="page"'
        items = "".join(f'<li><a href="{root}{h}"{current if h == here else ""}>{esc(x)}</a></li>' for h, x in nav)
        lic = ", ".join(esc(x.get("name", "")) for x in self.dp.get("licenses", []) if isinstance(x, dict))
        return "\n".join([
            "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            *([f'<meta name="generator" content="{GENERATOR}">'] if not root else []),
            f"<title>{esc(title)}</title>", '<link rel="icon" href="data:,">',
            f'<link rel="stylesheet" href="{root}assets/site.css">', *([head] if head else []), "</head>", "<body>",
            f'<a class="skip" href="#{CHROME_IDS}main">Skip to content</a>',
            f'<header class="site"><p class="brand"><a href="{root}index.html">{esc(self.short)}</a> '
            f'<span class="version">dataset version {esc(self.pkg.version)}</span></p>',
            f'<nav aria-label="Site"><ul>{items}</ul></nav></header>',
            f'<main id="{CHROME_IDS}main" tabindex="-1">', body, "</main>",
            f'<footer class="site"><p>Data: {lic}. Independent of IFIMES, not reviewed or endorsed by it.</p></footer>',
            *([f'<script src="{root}assets/site.js"></script>'] if script else []), "</body>", "</html>", ""])

    # ---------------------------------------------------------- landing page
    def index(self, figures) -> str:
        dp, pkg = self.dp, self.pkg
        art = self.article()
        art_link = (f'<a href="{esc(art[2])}" rel="external noopener">{esc(art[1])}</a>' if art and art[2]
                    else esc(art[1]) if art else "the IFIMES analysis")
        total = sum(len(t.rows) for t in self.tables.values())
        b = [f"<h1>{esc(dp.get('title', pkg.name))}</h1>",
             f'<p class="lead">{esc(dp.get("description", ""))}</p>',
             '<section aria-labelledby="is"><h2 id="is">What this dataset is, and what it is not</h2>',
             "<ul>",
             f"<li><strong>It is</strong> the facts that one analysis states, {art_link}"
             + (f", published by {esc(art[3])}" if art and art[3] else "") + (f" ({esc(art[4])})" if art and art[4] else "")
             + ", turned into tables that can be queried, joined and cited row by row.</li>",
             "<li><strong>It records what the article states</strong>, in its words, and beside them, never instead of "
             "them, what other documents say where the article is wrong or loose. Every row carries its source, where in "
             "the source it stands (a locator) and a short verbatim quote.</li>",
             "<li><strong>It is not</strong> a publication of IFIMES. It is maintained independently of IFIMES, which has "
             "not reviewed or endorsed it.</li>",
             "<li><strong>It is not</strong> a copy of the article: the article's text is not redistributed. This site "
             "shows only short quotes and their locators; read the article on its publisher's page.</li>",
             "<li><strong>It is not</strong> a record of the war: it holds what one analysis says, checked where it can be.</li>",
             "</ul></section>",
             '<section aria-labelledby="tables"><h2 id="tables">Tables</h2>',
             f"<p>{len(self.tables)} tables, {total:,} rows. Each table has its own page with every row. Every row of "
             + ", ".join(t.name for t in self.tables.values() if t.paged)
             + " has a page of its own; the rows of the other tables are shown in full on the pages of the rows they point to.</p>",
             '<div class="scroll" role="region" aria-labelledby="tables-cap" tabindex="0"><table class="plain">',
             f'<caption id="tables-cap">Tables of version {esc(pkg.version)}, with their row counts</caption>',
             '<thead><tr><th scope="col">table</th><th scope="col" class="num">rows</th><th scope="col">what it holds</th>'
             '<th scope="col">download</th></tr></thead><tbody>']
        for t in self.tables.values():
            b.append(f'<tr><th scope="row"><a href="tables/{esc(t.name)}.html">{esc(t.name)}</a></th>'
                     f'<td class="num">{len(t.rows):,}</td><td>{esc(t.res.title)}</td>'
                     f'<td><a href="download/{esc(t.res.path)}">{esc(Path(t.res.path).name)}</a></td></tr>')
        b.append(f'</tbody><tfoot><tr><th scope="row">all</th><td class="num">{total:,}</td><td></td><td></td></tr></tfoot></table></div></section>')
        if self.claims is not None:
            b.append(self.verdict_summary(""))
        if figures:
            b.append('<section aria-labelledby="figures"><h2 id="figures">Figures</h2>')
            for name, (alt, caption, w, h) in figures.items():
                size = f' width="{w}" height="{h}"' if w and h else ""
                b.append(f'<figure class="fig"><a href="figures/{esc(name)}"><img src="figures/{esc(name)}" alt="{esc(alt)}"{size}></a>'
                         f'<figcaption>{esc(caption or alt)} <a href="figures/{esc(name)}">Open {esc(name)} at full size</a>.</figcaption></figure>')
            b.append("</section>")
        b.append(self.cite_section(art))
        b.append(self.downloads())
        b.append(self.licence())
        jsonld = json.dumps(self.jsonld(), ensure_ascii=False, indent=1, sort_keys=False).replace("<", "\\u003c")
        head = f'<script type="application/ld+json">\n{jsonld}\n</script>'
        return self.page(dp.get("title", pkg.name), "\n".join(b), "", here="index.html", head=head)

    def article(self):
        """(id, title, url, publisher, date) of the article's row in the sources table, or None."""
        src = self.tables.get(SOURCES)
        if src is None or not src.pk:
            return None
        row = self.lookup(SOURCES, src.pk, (ARTICLE_ID,)) if len(src.pk) == 1 else None
        if row is None:
            return None
        return ARTICLE_ID, row.get("title") or ARTICLE_ID, self.url_of(src, row), row.get("publisher", ""), row.get("date", "")

    def verdict_summary(self, root) -> str:
        c = self.claims
        n = Counter(r.get(VERDICT, "") for r in c.rows)
        out = ['<section aria-labelledby="verdicts"><h2 id="verdicts">Claims and verdicts</h2>',
               f"<p>{len(c.rows)} claims of the article checked against primary documents. "
               f'<a href="{root}verdicts.html">All claims by verdict</a>.</p>',
               '<table class="plain"><caption>Claims per verdict</caption><thead><tr><th scope="col">verdict</th>'
               '<th scope="col">meaning</th><th scope="col" class="num">claims</th></tr></thead><tbody>']
        for v, label in c.cats[VERDICT].items():
            out.append(f'<tr><th scope="row"><a href="{root}verdicts.html#v-{css_name(v)}"><span class="badge v-{css_name(v)}">{esc(v)}</span></a></th>'
                       f'<td>{esc(label)}</td><td class="num">{n[v]}</td></tr>')
        if n[""]:
            out.append(f'<tr><th scope="row"><a href="{root}verdicts.html#v-none"><span class="badge v-none">no verdict</span></a></th>'
                       f'<td>not checked against the record (for example a forecast: see its outcome)</td><td class="num">{n[""]}</td></tr>')
        out.append("</tbody></table></section>")
        return "\n".join(out)

    def cite_section(self, art) -> str:
        from . import docs
        pkg, v = self.pkg, self.pkg.version
        try:
            block = markdown(docs.citation_block(pkg))
        except Exception:  # the descriptor lacks what docs needs: cite from what it has
            block = (f"<p>{esc(self.dp.get('title', pkg.name))} (Version {esc(v)}) [Data set]. Archive "
                     f"<code>{esc(pkg.name)}-{esc(v)}.zip</code>.</p>")
        cff = self.cff_text()
        out = ['<section aria-labelledby="cite"><h2 id="cite">How to cite</h2>',
               f"<p>Cite the dataset with the version you used: this site shows version <strong>{esc(v)}</strong>.</p>", block]
        if cff:
            out.append('<h3>CITATION.cff</h3><p>The same metadata in the Citation File Format '
                       '(<a href="download/CITATION.cff">download CITATION.cff</a>):</p>')
            out.append(f'<pre tabindex="0"><code>{esc(cff)}</code></pre>')
        if art:
            out.append("<h3>The underlying source</h3><p>The dataset does not replace the analysis it records: "
                       + (f"{esc(art[3])}. " if art[3] else "") + (f"({esc(art[4])}). " if art[4] else "")
                       + f"<em>{esc(art[1])}</em>. "
                       + (f'<a href="{esc(art[2])}" rel="external noopener">{esc(art[2])}</a>' if art[2] else "") + "</p>")
        out.append("</section>")
        return "\n".join(out)

    def cff_text(self) -> str:
        path = self.pkg.root / "CITATION.cff"
        if path.is_file():
            return path.read_text(encoding="utf-8")
        try:
            from . import docs
            return docs.citation_cff(self.pkg)
        except Exception:
            return ""

    def release_stem(self) -> str:
        return f"{self.pkg.name}-{self.pkg.version}"

    def downloads(self) -> str:
        stem = self.release_stem()
        out = ['<section aria-labelledby="downloads"><h2 id="downloads">Downloads</h2>',
               "<p>The tables as UTF-8 CSV files with a header row, and the package that describes them "
               '(<a href="download/datapackage.json">datapackage.json</a>, a Frictionless Data Package; '
               "the folder <code>download/</code> of this site is the package itself):</p>", '<ul class="cols">']
        for t in self.tables.values():
            out.append(f'<li><a href="download/{esc(t.res.path)}">{esc(t.res.path)}</a> ({len(t.rows):,} rows)</li>')
        for f in self.pkg.files:
            out.append(f'<li><a href="download/{esc(f.path)}">{esc(f.path)}</a> ({esc(f.format)})</li>')
        out.append("</ul><ul>")
        schemas = sorted({t.res.schema_file for t in self.tables.values() if t.res.schema_file != "datapackage.json"})
        if schemas:
            out.append("<li>Table Schemas: " + ", ".join(f'<a href="download/{esc(s)}">{esc(Path(s).name)}</a>' for s in schemas) + "</li>")
        for rel, what in self.extra_files():
            out.append(f'<li><a href="download/{esc(rel)}">{esc(rel)}</a>: {esc(what)}</li>')
        out.append("</ul>")
        out.append("<p>Each release also has, built by <code>./dp release</code> (into <code>dist/</code>) and published beside it:</p><ul>"
                   f"<li><code>{esc(stem)}.zip</code>: the CSVs, <code>datapackage.json</code>, the schemas, the codebook, the figures, "
                   "README, CHANGELOG, CITATION.cff and the licences, under one top folder; reproducible (two builds of a commit are byte-identical);</li>"
                   f"<li><code>{esc(stem)}.sqlite</code>: the same data as a SQLite database, with typed columns and the primary and foreign keys declared;</li>"
                   "<li><code>SHA256SUMS</code>: check a download with <code>sha256sum -c SHA256SUMS</code>.</li></ul>")
        out.append("</section>")
        return "\n".join(out)

    def extra_files(self):
        """(path under download/, what it is) for the documents copied beside the data."""
        out = []
        for rel, what in (("CITATION.cff", "citation metadata"), ("LICENSE-DATA.md", "the licence of the data")):
            if (self.pkg.root / rel).is_file():
                out.append((rel, what))
        return out

    def licence(self) -> str:
        items = []
        for x in self.dp.get("licenses", []):
            if not isinstance(x, dict):
                continue
            name, title, path = x.get("name", ""), x.get("title", ""), x.get("path", "")
            link = f'<a href="{esc(path)}" rel="external noopener">{esc(title or name)}</a>' if URL.match(str(path)) else esc(title or name)
            items.append(f"<li>{link} (<code>{esc(name)}</code>)</li>")
        lic_file = ' See <a href="download/LICENSE-DATA.md">LICENSE-DATA.md</a>.' if (self.pkg.root / "LICENSE-DATA.md").is_file() else ""
        return "\n".join(['<section aria-labelledby="licence"><h2 id="licence">Licence</h2>',
                          "<p>The data (tables, schemas, <code>datapackage.json</code>) are licensed under:</p>",
                          f"<ul>{''.join(items)}</ul>",
                          f"<p>The verbatim quotes remain the publisher's. The code that builds the package and this site is under the MIT licence.{lic_file}</p>",
                          "</section>"])

    def jsonld(self) -> dict:
        """schema.org Dataset: docs.jsonld (the one docs/dataset.jsonld comes from) where it exists,
        with a distribution entry for every CSV of download/; else built here from the descriptor."""
        from . import docs
        try:
            out = docs.jsonld(self.pkg)
        except Exception:  # docs has no jsonld, or the descriptor lacks what it needs
            out = self.own_jsonld()
        out.setdefault("distribution", [{"@type": "DataDownload", "name": t.name, "description": t.res.title, "encodingFormat": "text/csv",
                                         "contentUrl": f"download/{t.res.path}"} for t in self.tables.values()])
        return out

    def own_jsonld(self) -> dict:
        dp = self.dp
        authors = [c for c in dp.get("contributors", []) if isinstance(c, dict)
                   and "author" in (c.get("roles") or [c.get("role")])] or [c for c in dp.get("contributors", []) if isinstance(c, dict)]
        base = str(dp.get("homepage", "")).rstrip("/") + "/" if URL.match(str(dp.get("homepage", ""))) else ""
        out = {"@context": "https://schema.org", "@type": "Dataset", "name": dp.get("title", self.pkg.name),
               "alternateName": self.pkg.name, "description": dp.get("description", ""), "version": self.pkg.version}
        if base:
            out["url"] = base
        if dp.get("created"):
            out["datePublished"] = str(dp["created"])[:10]
        if dp.get("keywords"):
            out["keywords"] = list(dp["keywords"])
        lic = [x.get("path") for x in dp.get("licenses", []) if isinstance(x, dict) and x.get("path")]
        if lic:
            out["license"] = lic[0]
        if authors:
            out["creator"] = [{"@type": "Organization", "name": c.get("title", "")} for c in authors]
        based = [{"@type": "CreativeWork", "name": s.get("title", ""), "url": s.get("path", "")}
                 for s in dp.get("sources", []) if isinstance(s, dict)]
        if based:
            out["isBasedOn"] = based
        out["isAccessibleForFree"] = True
        out["distribution"] = [{"@type": "DataDownload", "name": t.name, "description": t.res.title,
                                "encodingFormat": "text/csv", "contentUrl": f"{base}download/{t.res.path}"} for t in self.tables.values()]
        out["variableMeasured"] = [f"{t.name}.{f}" for t in self.tables.values() for f in t.names]
        return out

    # ---------------------------------------------------------- table pages
    def table_page(self, t) -> str:
        root = "../"
        n = len(t.rows)
        pk = ", ".join(f"<code>{esc(k)}</code>" for k in t.pk) or "none"
        b = [f"<h1>{esc(t.title)}</h1>",
             f'<p class="meta">Table <code>{esc(t.name)}</code>: {n:,} rows. Primary key: {pk}. '
             f'Download <a href="{root}download/{esc(t.res.path)}">{esc(t.res.path)}</a>'
             + (f' and its schema <a href="{root}download/{esc(t.res.schema_file)}">{esc(Path(t.res.schema_file).name)}</a>'
                if t.res.schema_file != "datapackage.json" else "") + ".</p>",
             "<p>" + ("Every row links to its own page (its ID) and has a permalink here, this page's address followed by <code>#</code> and the ID."
                      if t.paged else "Every row has a permalink: this page's address followed by <code>#</code> and the row's key, its values joined by <code>/</code>.")
             + " Hover over a column's name, or open the list below, for what it holds.</p>",
             f'<details class="columns" id="{CHROME_IDS}cols"><summary>Columns ({len(t.names)}): what each holds</summary><dl>']
        for f in t.fields:
            cats = t.cats.get(f["name"])
            extra = ""
            if cats:
                extra = "<ul>" + "".join(f"<li><code>{esc(v)}</code>: {esc(lbl)}</li>" for v, lbl in cats.items()) + "</ul>"
            b.append(f'<dt id="{CHROME_IDS}c-{esc(anchor_id(f["name"]))}">{self.field_head(t, f["name"])} <span class="type">{esc(f.get("type", "string"))}</span></dt>'
                     f'<dd>{inline(f.get("description", ""))}{extra}</dd>')
        b.append("</dl></details>")
        # the controls: hidden until site.js runs, so that without JavaScript no dead control shows
        cid = f"{CHROME_IDS}t"
        ctl = [f'<div class="controls" data-controls="{cid}" hidden>', '<div class="ctl">'
               f'<label for="{CHROME_IDS}q">Search</label> <input type="search" id="{CHROME_IDS}q" autocomplete="off" '
               f'aria-describedby="{CHROME_IDS}count"></div>']
        for i, f in enumerate(t.fields):
            if f["name"] not in t.cats:
                continue
            count = Counter(r.get(f["name"], "") for r in t.rows)
            opts = [f'<option value="">all ({n})</option>']
            for v, lbl in t.cats[f["name"]].items():
                opts.append(f'<option value="{esc(v)}">{esc(v)}{" – " + esc(cut(lbl, 60)) if lbl else ""} ({count[v]})</option>')
            if count[""]:
                opts.append(f'<option value="{CHROME_IDS}empty">(empty) ({count[""]})</option>')
            ctl.append(f'<div class="ctl"><label for="{CHROME_IDS}f{i}">{esc(f["name"])}</label> '
                       f'<select id="{CHROME_IDS}f{i}" data-col="{i}">{"".join(opts)}</select></div>')
        ctl.append(f'<div class="ctl"><button type="button" data-reset>Clear</button></div>'
                   f'<p id="{CHROME_IDS}count" class="count" role="status" aria-live="polite">{n:,} of {n:,} rows shown</p></div>')
        b += ctl
        b.append(f'<div class="scroll" role="region" aria-labelledby="{CHROME_IDS}cap" tabindex="0">')
        b.append(f'<table class="data" id="{cid}"><caption id="{CHROME_IDS}cap">{esc(t.name)}: {n:,} rows, '
                 f'{len(t.names)} columns</caption>')
        heads = []
        for f in t.fields:
            desc = " ".join(str(f.get("description", "")).split())
            filled = [len(r.get(f["name"], "")) for r in t.rows if r.get(f["name"])]
            mean = sum(filled) / len(filled) if filled else 0
            width = ' class="ww"' if mean > 90 else ' class="w"' if mean > 30 else ""
            heads.append(f'<th scope="col"{width} data-type="{esc(f.get("type", "string"))}" title="{esc(desc)}">{esc(f["name"])}</th>')
        b.append(f'<thead><tr>{"".join(heads)}</tr></thead><tbody>')
        first = t.pk[0] if t.pk else None
        for row in t.rows:
            cells = []
            for name in t.names:
                v = self.value(t, name, row, root)
                if name == first:
                    if not t.paged:
                        v = f'<a href="#{esc(frag(t.anchors[id(row)]))}">{v or "#"}</a>'
                    cells.append(f'<th scope="row">{v}</th>')
                else:
                    cells.append(f"<td>{v}</td>")
            b.append(f'<tr id="{esc(t.anchors[id(row)])}">{"".join(cells)}</tr>')
        b.append("</tbody></table></div>")
        return self.page(f"{t.name} – {self.short}", "\n".join(b), root, script=True)

    # ---------------------------------------------------------- row pages
    def quote_figure(self, t, row, qf, sf, lf, root, extra=()) -> str:
        """A quotation with its source: the quote as <blockquote cite=URL>, the source linked to its
        row and to its address, the locator, the source's kind and any authority column."""
        q = row.get(qf, "")
        src = self.target(t, sf, row) if sf else None
        url = self.url_of(*src) if src else ""
        cap = []
        if src:
            st, sr = src
            cap.append(f'<a href="{esc(self.href(st, sr, root))}">{esc(st.label(sr))}</a> (<code>{esc(row[sf])}</code>)')
        elif sf and row.get(sf):
            cap.append(f"<code>{esc(row[sf])}</code>")
        if lf and row.get(lf):
            cap.append(f"at <code>{esc(row[lf])}</code>")
        notes = []
        if src:
            st, sr = src
            for f in st.names:
                if sr.get(f) and f in st.cats and (f == "kind" or "authority" in f):
                    notes.append(f'{esc(f.replace("_", " "))}: <span class="enum">{esc(sr[f])}</span>')
                elif sr.get(f) and "authority" in f:
                    notes.append(f'{esc(f.replace("_", " "))}: {esc(sr[f])}')
        for f in extra:
            if row.get(f):
                label = t.cats.get(f, {}).get(row[f], "")
                notes.append(f'{esc(f.replace("_", " "))}: {self.value(t, f, row, root)}' + (f" ({esc(label)})" if label else ""))
        if url:
            notes.append(f'<a href="{esc(url)}" rel="external noopener">open the source</a>')
        caption = ", ".join(cap) + ("; " + "; ".join(notes) if notes else "")
        if not q:
            return f'<p class="src">Source: {caption or "none"}. No quote recorded.</p>' if cap or notes else ""
        return (f'<figure class="quote"><blockquote><p>{esc(q)}</p></blockquote>'
                f"<figcaption>Source: {caption}</figcaption></figure>")

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
                    out.append(self.quote_figure(lt, r, qf, sf, lf, root, extra=extra))
                    shown.add((r.get(sf, "") if sf else "", r.get(qf, "")))
        return out

    def verdict_section(self, t, row, root, links) -> str:
        v = row.get(VERDICT, "")
        label = t.cats.get(VERDICT, {}).get(v, "")
        b = [f'<section><h2 id="{CHROME_IDS}verdict">Verdict</h2>',
             f'<p class="verdict"><span class="badge big v-{css_name(v) or "none"}">{esc(v or "no verdict")}</span> '
             f'{esc(label or "not checked against the record")}</p>']
        for s, stated, values, _ in t.pairs():
            ver = [x for x in values if x.endswith("_verified")]
            if not ver:
                continue
            said = row.get(ver[0], "")
            b.append('<dl class="pair">'
                     f'<dt>The article states <span class="fname">(<code>{esc(stated)}</code>)</span></dt><dd>{esc(row.get(stated, "")) or "–"}</dd>'
                     f'<dt>The record says <span class="fname">(<code>{esc(ver[0])}</code>)</span></dt>'
                     f'<dd>{esc(said) if said else ("the same" if v == "confirmed" else "–")}</dd></dl>')
        for f in ("outcome", "as_of"):
            if f in t.field and row.get(f):
                b.append(f'<p>{esc(f.replace("_", " "))}: {self.value(t, f, row, root, long=True)}</p>')
        shown = set()
        figs = self.link_figures(links, root, shown)
        own = [self.quote_figure(t, row, qf, sf, lf, root) for qf, sf, lf in t.quotes()
               if qf != "quote" and (row.get(sf, "") if sf else "", row.get(qf, "")) not in shown]
        figs = [f for f in own + figs if f]
        if figs:
            names = ", ".join(lt.name for lt, _, rows in links if rows)
            b.append("<h3>Verdict sources</h3>" + (f'<p class="meta">From <code>{esc(t.name)}</code>'
                                                   + (f" and <code>{esc(names)}</code>" if names else "") + ".</p>"))
            b += figs
        elif v:
            b.append("<p>No verdict source recorded.</p>")
        # contradiction pairs, both ways
        for f, (target, _) in t.fk_of.items():
            if target != t.name or "contradict" not in f:
                continue
            other = self.target(t, f, row)
            back = [r for src, own, rows in self.referrers(t, row) if src is t and own == [f] for r in rows]
            if other or back:
                b.append("<h3>Contradiction within the article</h3><ul>")
                if other:
                    b.append(f'<li>This claim contradicts <a href="{esc(self.href(t, other[1], root))}">{esc(t.label(other[1]))}</a> '
                             f'(<code>{esc(row[f])}</code>){self.badge_of(t, other[1])}.</li>')
                for r in back:
                    b.append(f'<li>Contradicted by <a href="{esc(self.href(t, r, root))}">{esc(t.label(r))}</a> '
                             f'(<code>{esc(" / ".join(t.key(r)))}</code>){self.badge_of(t, r)}.</li>')
                b.append("</ul>")
        b.append("</section>")
        return "\n".join(b)

    def badge_of(self, t, row) -> str:
        v = row.get(VERDICT, "")
        return f' <span class="badge v-{css_name(v)}">{esc(v)}</span>' if VERDICT in t.cats and v else ""

    def pairs_section(self, t, row, root) -> str:
        rows = []
        for s, stated, values, extra in t.pairs():
            if VERDICT in t.cats and any(x.endswith("_verified") for x in values):
                continue  # shown in the verdict section
            said = row.get(stated, "")
            ours = [(x, row.get(x, "")) for x in values]
            if not said and not any(v for _, v in ours):
                continue
            ours_html = "<br>".join(f'{self.value(t, x, row, root, long=True)} <span class="fname">(<code>{esc(x)}</code>)</span>'
                                    for x, v in ours if v) or '<span class="empty">–</span>'
            mark = ""
            basis = next((x for x in extra if x.endswith("_basis") and row.get(x)), None)
            if basis:
                mark = self.value(t, basis, row, root)
            elif VERDICT in t.cats and any(x.endswith("_verified") for x in values):
                mark = self.value(t, VERDICT, row, root)
            elif said and any(v for _, v in ours):
                same = any(" ".join(v.split()).casefold() == " ".join(said.split()).casefold() for _, v in ours)
                mark = '<span class="badge b-same">same</span>' if same else '<span class="badge b-differs">differs</span>'
            details = [f"{esc(x.replace('_', ' '))}: {self.value(t, x, row, root)}" for x in extra
                       if row.get(x) and x != basis]
            said_html = esc(said) or '<span class="empty">–</span>'
            rows.append(f'<tr><th scope="row"><code>{esc(s)}</code></th><td>{said_html}</td>'
                        f'<td>{ours_html}</td><td>{mark}{"<br>" if mark and details else ""}{"<br>".join(details)}</td></tr>')
        if not rows:
            return ""
        return "\n".join(["<section><h2>As stated, and the dataset's value</h2>",
                          f'<div class="scroll" role="region" aria-labelledby="{CHROME_IDS}pcap" tabindex="0"><table class="plain pairs">',
                          f"<caption id=\"{CHROME_IDS}pcap\">The source's words, kept as they are, and the dataset's value beside them</caption>",
                          '<thead><tr><th scope="col">what</th><th scope="col">as stated</th><th scope="col">dataset\'s value</th>'
                          '<th scope="col">basis, precision, source</th></tr></thead><tbody>', *rows, "</tbody></table></div></section>"])

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
        for own, target, _ in t.fks:   # listed under "Rows this row points to"
            if target in self.tables:
                shown |= set(own)
        return shown

    def row_page(self, t, row) -> str:
        root = ROW_ROOT
        key = row[t.pk[0]]
        label = t.label(row)
        tpage = f"{root}tables/{esc(t.name)}.html"
        b = [f'<nav aria-label="Breadcrumb" class="crumbs"><ol><li><a href="{root}index.html">Home</a></li>'
             f'<li><a href="{tpage}">{esc(t.name)}</a></li><li aria-current="page"><code>{esc(key)}</code></li></ol></nav>',
             f"<h1>{esc(label)}{self.badge_of(t, row)}</h1>",
             f'<p class="meta"><a href="{tpage}#{esc(frag(t.anchors[id(row)]))}">In the table</a>. '
             f"Cite: <em>{esc(Path(t.res.path).name)}, row <code>{esc(key)}</code>, version {esc(self.pkg.version)}</em>.</p>"]
        links = self.linked_sources(t, row)
        if VERDICT in t.cats:
            b.append(self.verdict_section(t, row, root, links))
        main = [g for g in t.quotes() if g[0] == "quote" or VERDICT not in t.cats]
        further = [] if VERDICT in t.cats else self.link_figures(links, root, set())
        figs = [x for x in (self.quote_figure(t, row, qf, sf, lf, root) for qf, sf, lf in main) if x]
        if figs or further:
            b.append(f'<section><h2 id="{CHROME_IDS}src">Source</h2>')
            b += figs
            if further:
                names = ", ".join(lt.name for lt, _, rows in links if rows)
                b.append(f'<h3>Further sources</h3><p class="meta">From <code>{esc(names)}</code>.</p>')
                b += further
            b.append("</section>")
        b.append(self.pairs_section(t, row, root))
        # the other values: every value is on the page once
        shown = self.shown_above(t)
        lf = t.label_field(row)
        if lf and cut(row[lf]) == " ".join(row[lf].split()):  # the heading shows it whole
            shown = shown | {lf}
        rest = [f["name"] for f in t.fields if row.get(f["name"]) and f["name"] not in shown]
        if rest:
            b.append('<section><h2>Other values</h2><dl class="values">'
                     + "".join(f"<dt>{self.field_head(t, f)}</dt><dd>{self.value(t, f, row, root, long=True)}</dd>" for f in rest)
                     + f'</dl><p class="meta"><a href="{tpage}#{CHROME_IDS}cols">What each column holds</a>.</p></section>')
        # foreign keys, both ways
        out = []
        for own, target, theirs in t.fks:
            vals = tuple(row.get(f, "") for f in own)
            if not all(vals) or target not in self.tables:
                continue
            tt = self.tables[target]
            hit = self.lookup(target, theirs, vals)
            what = ", ".join(f"<code>{esc(f)}</code>" for f in own)
            shown_id = " / ".join(vals)
            if hit is None:
                out.append(f"<li>{what}: <code>{esc(shown_id)}</code> (not in {esc(target)})</li>")
            else:
                lbl = tt.label(hit)
                out.append(f'<li>{what}: <a href="{esc(self.href(tt, hit, root))}">{esc(lbl)}</a>'
                           + (f" <code>{esc(shown_id)}</code>" if lbl != shown_id else "") + f"{self.badge_of(tt, hit)}</li>")
        if out:
            b.append(f'<section><h2>Rows it points to</h2><ul>{"".join(out)}</ul></section>')
        refs = self.referrers(t, row)
        above = {(lt.name, tuple(own)) for lt, own, rows in links if rows}
        if refs:
            b.append("<section><h2>Rows that point to it</h2>")
        for i, (src, own, rows) in enumerate(refs):
            what = ", ".join(own)
            b.append(f'<h3 id="{CHROME_IDS}from{i}">{esc(src.name)}, by <code>{esc(what)}</code> ({len(rows)})</h3>')
            if len(rows) > MAX_LISTED:
                theirs = self.theirs(t, src, own)
                query = "&".join(f"{urlquote(f)}={urlquote(row.get(k, ''))}" for f, k in zip(own, theirs))
                b.append(f'<p><a href="{root}tables/{esc(src.name)}.html?{esc(query)}">See them in the table {esc(src.name)}</a> '
                         f"(filtered by <code>{esc(what)}</code> = <code>{esc(' / '.join(row.get(k, '') for k in theirs))}</code>).</p>")
            elif (src.name, tuple(own)) in above:
                where = f"{CHROME_IDS}verdict" if VERDICT in t.cats else f"{CHROME_IDS}src"
                b.append(f'<p>Shown with their quotes <a href="#{where}">above</a>.</p>')
            elif src.paged:
                b.append("<ul>" + "".join(f'<li><a href="{esc(self.href(src, r, root))}">{esc(src.label(r))}</a>'
                                          f'{self.badge_of(src, r)}</li>' for r in rows) + "</ul>")
            else:
                b.append(self.mini_table(src, own, rows, root, f"{CHROME_IDS}from{i}"))
        if refs:
            b.append("</section>")
        return self.page(f"{label} – {t.name}", "\n".join(b), root)

    def theirs(self, t, src, own):
        """The columns of t that the foreign key `own` of src refers to."""
        return next(theirs for s2, o2, theirs in self.back.get(t.name, []) if s2 is src and o2 == own)

    def mini_table(self, t, skip, rows, root, labelled_by) -> str:
        """Rows of a table without pages of their own, in full: the key links to the row in its
        table; columns equal to this row are left out, and a value every row shares is said once."""
        cols = [f for f in t.names if f not in skip and f not in t.pk and any(r.get(f) for r in rows)]
        same = [f for f in cols if len(rows) > 1 and all(r.get(f, "") == rows[0].get(f, "") for r in rows)]
        cols = [f for f in cols if f not in same]
        head = "".join(f'<th scope="col">{esc(f)}</th>' for f in cols)
        body = []
        for r in rows:
            key = t.anchors[id(r)]
            body.append(f'<tr><th scope="row"><a href="{esc(self.href(t, r, root))}">{esc(key)}</a></th>'
                        + "".join(f"<td>{self.value(t, f, r, root)}</td>" for f in cols) + "</tr>")
        shared = ""
        if same:
            shared = "<p>In every row: " + "; ".join(f"<code>{esc(f)}</code> {self.value(t, f, rows[0], root)}" for f in same) + ".</p>"
        return (f'{shared}<div class="scroll" role="region" aria-labelledby="{labelled_by}" tabindex="0"><table class="plain mini">'
                f'<thead><tr><th scope="col">{esc(", ".join(t.pk) or "row")}</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>')

    # ---------------------------------------------------------- claims by verdict
    def verdicts_page(self) -> str:
        c = self.claims
        groups = defaultdict(list)
        for r in c.rows:
            groups[r.get(VERDICT, "")].append(r)
        order = list(c.cats[VERDICT]) + sorted(k for k in groups if k not in c.cats[VERDICT])
        stated = next(((s, v[0]) for s, _, v, _ in c.pairs() if any(x.endswith("_verified") for x in v)), None)
        extra = [f for f in c.names if f in c.cats and f not in (VERDICT,) and f in ("kind", "outcome")]
        name = lambda v: v or "no verdict"  # noqa: E731
        slug = lambda v: css_name(v) if v else "none"  # noqa: E731
        b = ["<h1>Claims by verdict</h1>",
             f"<p>{len(c.rows)} claims of the article, checked against primary documents where they were available. "
             f'Each links to its page, with the quote, the verdict sources and the rows it concerns. As a table: <a href="tables/{esc(c.name)}.html">{esc(c.name)}</a>.</p>',
             '<nav aria-label="Verdicts"><ul class="inline">'
             + "".join(f'<li><a href="#v-{slug(v)}"><span class="badge v-{slug(v)}">{esc(name(v))}</span> {len(groups[v])}</a></li>' for v in order if groups[v])
             + "</ul></nav>"]
        vstated, vverified = (f"{stated[0]}_as_stated", stated[1]) if stated else (None, None)
        vsrc = next((sf for qf, sf, _ in c.quotes() if qf != "quote" and sf), None)
        for v in order:
            rows = groups[v]
            if not rows:
                continue
            label = c.cats[VERDICT].get(v, "") if v else "not checked against the record (for example a forecast: see its outcome)"
            shown = [f for f in extra if any(r.get(f) for r in rows)]
            b.append(f'<section><h2 id="v-{slug(v)}"><span class="badge v-{slug(v)}">{esc(name(v))}</span> '
                     f"{esc(label)} ({len(rows)})</h2>")
            cols = ['<th scope="col">claim</th>'] + [f'<th scope="col">{esc(f)}</th>' for f in shown]
            if vstated:
                cols += ['<th scope="col">the article states</th>', '<th scope="col">the record says</th>']
            if vsrc:
                cols.append('<th scope="col">verdict source</th>')
            b.append(f'<div class="scroll" role="region" aria-labelledby="v-{slug(v)}" tabindex="0"><table class="plain">'
                     f"<caption>Claims: {esc(name(v))}</caption><thead><tr>{''.join(cols)}</tr></thead><tbody>")
            for r in rows:
                cells = [f'<th scope="row"><a href="{esc(self.href(c, r, ""))}">{esc(c.label(r))}</a></th>']
                cells += [f"<td>{self.value(c, f, r, '')}</td>" for f in shown]
                if vstated:
                    said = r.get(vverified, "")
                    said = esc(said) if said else ('<span class="empty">the same</span>' if v == "confirmed" else "")
                    cells += [f"<td>{esc(r.get(vstated, ''))}</td>", f"<td>{said}</td>"]
                if vsrc:
                    cells.append(f"<td>{self.value(c, vsrc, r, '')}</td>")
                b.append(f"<tr>{''.join(cells)}</tr>")
            b.append("</tbody></table></div></section>")
        return self.page(f"Claims by verdict – {self.short}", "\n".join(b), "", here="verdicts.html")


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


def render(pkg) -> dict:
    """Every file of the site: {relative path: bytes}. Pure: the same package gives the same bytes."""
    site = Site(pkg)
    files = {}
    fig_dir = pkg.root / "docs" / "figures"
    figures = {}
    if fig_dir.is_dir():
        for p in sorted(fig_dir.glob("*.svg")):
            if p.is_file() and not p.name.startswith("."):
                data = p.read_bytes()
                files[f"figures/{p.name}"] = data
                alt, caption, w, h = svg_info(data)
                figures[p.name] = (alt or p.stem, caption, w, h)
    files["index.html"] = site.index(figures)
    if site.claims is not None:
        files["verdicts.html"] = site.verdicts_page()
    for t in site.tables.values():
        files[f"tables/{t.name}.html"] = site.table_page(t)
        if t.paged:
            for row in t.rows:
                files[t.page(row)] = site.row_page(t, row)
    # the package as published, under download/
    files["download/datapackage.json"] = (pkg.root / "datapackage.json").read_bytes()
    for t in site.tables.values():
        files[f"download/{t.res.path}"] = (pkg.root / t.res.path).read_bytes()
        if t.res.schema_file != "datapackage.json":
            files[f"download/{t.res.schema_file}"] = (pkg.root / t.res.schema_file).read_bytes()
    for f in pkg.files:  # the resources that are not tables (GeoJSON): part of the package too
        files[f"download/{f.path}"] = (pkg.root / f.path).read_bytes()
    for rel, _ in site.extra_files():
        files[f"download/{rel}"] = (pkg.root / rel).read_bytes()
    if not (pkg.root / "CITATION.cff").is_file() and site.cff_text():
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


def build(root: Path = REPO, out: Path | None = None) -> Built:
    """Render the site of the package at root and write it to out (default root/site), replacing a
    site built before; a folder that is not one is refused and left untouched."""
    start = time.perf_counter()
    root = Path(root)
    out = Path(out) if out is not None else root / "site"
    out = out.absolute()
    if not is_site(out):
        raise SiteError(f"{out}: exists and is not a site built by this command; refusing to replace it (choose another --out, or remove it)")
    files = render(load_package(root))
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
    pages = sum(1 for rel in files if rel.endswith(".html"))
    return Built(out, pages, sum(len(v) for v in files.values()), time.perf_counter() - start)


def write_zip(site: Path, path: Path, top: str):
    """The built site as a reproducible zip (sorted entries, fixed time) under one top folder."""
    from .release import write_zip as zip_files
    contents = {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}
    path.parent.mkdir(parents=True, exist_ok=True)
    zip_files(path, top, {k: v for k, v in contents.items() if not k.startswith(".")})


def cli(args) -> int:
    """`python -m ifimes_karabakh site [--out DIR] [--zip FILE]`."""
    import sys
    try:
        res = build(REPO, Path(args.out))
        if getattr(args, "zip", None):
            pkg = load_package(REPO)
            write_zip(res.out, Path(args.zip), f"{pkg.name}-{pkg.version}-site")
    except SiteError as e:
        print(f"ifimes_karabakh site: refused: {e}", file=sys.stderr)
        return 1
    print(f"{res.out}: {res.pages} pages, {nice_bytes(res.bytes)}, built in {res.seconds:.1f} s")
    if res.bytes >= MAX_BYTES:
        print(f"ifimes_karabakh site: the site is {nice_bytes(res.bytes)}, over the {nice_bytes(MAX_BYTES)} it must stay under", file=sys.stderr)
        return 1
    return 0
