"""The two figures in docs/figures/, drawn as plain SVG from the data and the schemas:
  timeline.svg  every dated event of events.csv on a 1992-2021 axis (blue: as the article states it;
                green: refined or added from another source; red: corrected; the article's wording
                beside every date that is not as stated);
  tables.svg    the tables with their primary keys (bold) and foreign keys (lines to the table referred to).
No plotting library, no timestamps: the same data always gives the same bytes. `render(pkg)`
returns {file name: SVG text}; writing and checking the files is the caller's business.
"""
import csv
import datetime as dt
from html import escape

from .dates import parse_edtf
from .descriptor import Package

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
COLOURS = {"as_stated": "#1f77b4", "inferred": "#1f77b4", "refined": "#2ca02c", "added": "#2ca02c", "corrected": "#d62728"}


def rows(pkg, name):
    with open(pkg.root / pkg.resource(name).path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def svg(width, height, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT} font-size="12">\n'
            f'<rect width="{width}" height="{height}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n")


# ------------------------------------------------------------------ timeline
def mid(value):
    a, b, _ = parse_edtf(value)
    return a + (b - a) / 2


def timeline(pkg):
    events = [e for e in rows(pkg, "events") if e["date"]]
    events.sort(key=lambda e: (mid(e["date"]), e["event_id"]))
    y0, step, x0, x1 = 70, 22, 170, 760
    first, last = dt.date(1992, 1, 1), dt.date(2021, 1, 1)

    def x(d):
        return x0 + (x1 - x0) * (d - first).days / (last - first).days

    h = y0 + step * len(events) + 40
    body = ['<text x="10" y="24" font-size="16" font-weight="bold">Dated events in the IFIMES analysis of 3 December 2020</text>',
            '<text x="10" y="42" fill="#555">Blue: date as the article states it (a bar spans a month or a year). Green: made precise or added from another source. Red: corrected. The article\'s wording in brackets. Source: data/events.csv</text>']
    for year in range(1992, 2022, 4):
        xx = x(dt.date(year, 1, 1))
        body.append(f'<line x1="{xx:.1f}" y1="{y0 - 8}" x2="{xx:.1f}" y2="{h - 30}" stroke="#eee"/>')
        body.append(f'<text x="{xx:.1f}" y="{y0 - 12}" text-anchor="middle" font-size="10" fill="#555">{year}</text>')
    for i, e in enumerate(events):
        y = y0 + 8 + i * step
        label = e["date_as_stated"]
        a, b, _ = parse_edtf(e["date"])
        if b > a:
            body.append(f'<line x1="{x(a):.1f}" y1="{y}" x2="{x(b):.1f}" y2="{y}" stroke="#9ecae1" stroke-width="5" stroke-linecap="round"/>')
        colour = COLOURS[e["date_basis"]]
        body.append(f'<circle cx="{x(mid(e["date"])):.1f}" cy="{y}" r="4" fill="{colour}"/>')
        text = e["description"]
        if e["date_basis"] != "as_stated":
            text = f'[article: {label or "no date"}] {text}'
        body.append(f'<text x="10" y="{y + 4}" fill="#333">{escape(e["date"])}</text>')
        body.append(f'<text x="{x1 + 20}" y="{y + 4}">{escape(text[:110] + ("…" if len(text) > 110 else ""))}</text>')
    return svg(1560, h, body)


# ------------------------------------------------------------------ tables and keys
def tables(pkg):
    schemas = {r.name: r.schema for r in pkg.resources}
    cols, box_w, gap_x, gap_y, line_h = 4, 250, 70, 40, 15
    boxes, body = {}, []
    heights = {}
    for name, s in schemas.items():
        pk = s["primaryKey"] if isinstance(s["primaryKey"], list) else [s["primaryKey"]]
        fks = [fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0] for fk in s.get("foreignKeys", [])]
        keys = pk + [f for f in fks if f not in pk]
        target = {(fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]): fk["reference"].get("resource", "") for fk in s.get("foreignKeys", [])}
        heights.setdefault("_targets", {})[name] = target
        heights[name] = (keys, set(pk), 28 + line_h * len(keys))
    targets = heights.pop("_targets")
    names = list(schemas)
    row_h = {}
    for i, n in enumerate(names):
        row_h[i // cols] = max(row_h.get(i // cols, 0), heights[n][2])
    y_of = {0: 60}
    for r in range(1, max(row_h) + 1):
        y_of[r] = y_of[r - 1] + row_h[r - 1] + gap_y
    for i, n in enumerate(names):
        keys, pk, h = heights[n]
        bx, by = 20 + (i % cols) * (box_w + gap_x), y_of[i // cols]
        boxes[n] = (bx, by, h, keys)
    width = 20 + cols * (box_w + gap_x)
    height = max(by + h for bx, by, h, _ in boxes.values()) + 30
    body.append('<text x="20" y="28" font-size="16" font-weight="bold">Tables of the package and their keys</text>')
    body.append('<text x="20" y="46" fill="#555">Bold: primary key. Other fields: foreign keys (→ the table referred to); lines join them, except links to sources. Source: schemas/*.schema.json</text>')
    lines = []
    for n, s in schemas.items():
        bx, by, h, keys = boxes[n]
        for fk in s.get("foreignKeys", []):
            field = fk["fields"] if isinstance(fk["fields"], str) else fk["fields"][0]
            target = fk["reference"].get("resource") or n
            if target in (n, "sources"):
                continue  # links to sources.csv are labelled, not drawn: nearly every table has them
            fy = by + 28 + line_h * keys.index(field) - 4
            tx, ty, th, _ = boxes[target]
            sx = bx + box_w if tx > bx else bx
            ex = tx if tx > bx else tx + box_w
            if tx == bx:
                sx, ex = bx + box_w, tx + box_w
            mx = (sx + ex) / 2 if tx != bx else bx + box_w + 30
            lines.append(f'<path d="M{sx:.0f},{fy:.0f} C{mx:.0f},{fy:.0f} {mx:.0f},{ty + 12:.0f} {ex:.0f},{ty + 12:.0f}" fill="none" stroke="#9ecae1" stroke-width="1"/>')
    body += lines
    for n, (bx, by, h, keys) in boxes.items():
        pk = heights[n][1]
        body.append(f'<rect x="{bx}" y="{by}" width="{box_w}" height="{h}" fill="#f7fbff" stroke="#4a7ab0" rx="4"/>')
        body.append(f'<rect x="{bx}" y="{by}" width="{box_w}" height="20" fill="#4a7ab0" rx="4"/>')
        body.append(f'<text x="{bx + 8}" y="{by + 14}" fill="white" font-weight="bold">{escape(n)}.csv</text>')
        for j, k in enumerate(keys):
            weight = ' font-weight="bold"' if k in pk else ""
            to = targets[n].get(k)
            arrow = f'<tspan dx="6" fill="#888">→ {escape(to)}</tspan>' if to else ""
            body.append(f'<text x="{bx + 8}" y="{by + 32 + j * line_h}"{weight}>{escape(k)}{arrow}</text>')
    return svg(width, height, body)


FIGURES = {"timeline.svg": timeline, "tables.svg": tables}


def render(pkg: Package) -> dict:
    """{file name in docs/figures/: SVG text} for the package."""
    return {filename: draw(pkg) for filename, draw in FIGURES.items()}
