"""The three figures in docs/figures/, drawn as plain SVG from the data and the schemas:
  timeline.svg  every dated event of events.csv on a time axis broken into three parts with scales
                of their own (1992-2017, 2018-2019, 2020), so that the 2020 events are readable
                (blue: as the article states it; green: refined or added from another source;
                red: corrected; the article's wording beside every date that is not as stated);
  tables.svg    the tables with their primary keys (bold) and foreign keys (lines to the table referred to);
  map.svg       the South Caucasus on the Natural Earth 1:50m borders (geo.py, vendor/world-atlas) with
                the polygons of data/territory_polygons.geojson (the districts of territories.csv in
                orange, other territories such as Nakhchivan in green), every place of territories.csv
                that has coordinates, a scale bar, a north arrow and a caption that names the sources
                and lists the districts, enclaves, republics and corridors it cannot draw (no polygon,
                line or point in the data). With no coordinates or polygons it draws the base map alone.
No plotting library, no timestamps: the same data always gives the same bytes. `render(ds)`
takes the loaded dataset (dataset.Dataset) and returns {file name: SVG text}; writing and checking
the files is the caller's business.
"""
import datetime as dt
import math
import textwrap
from html import escape

import pycountry

from . import geo, geojson
from .dates import parse_edtf
from .vocabulary import AREA_KINDS, AS_STATED, BASIS_COLOURS, COUNTRY, DAY, MONTH, OUTCOME_COLOURS, YEAR
from .vocabulary import DISTRICT as DISTRICT_KIND

FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
HALO = 'stroke="white" stroke-width="3" stroke-linejoin="round" paint-order="stroke"'  # keeps a label readable over lines
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def rows(pkg, name):
    """The table's rows as the Dataset read them (dicts of str)."""
    return pkg.rows(name)


def spelled_date(value):
    """An EDTF date as a title says it: `3 December 2020`, `December 2020` or `2020`."""
    first, _, precision = parse_edtf(value)
    return {DAY: f"{first.day} {MONTH_NAMES[first.month - 1]} {first.year}",
            MONTH: f"{MONTH_NAMES[first.month - 1]} {first.year}", YEAR: str(first.year)}[precision]


def svg(width, height, body):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" {FONT} font-size="12">\n'
            f'<rect width="{width}" height="{height}" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n")


# ------------------------------------------------------------------ timeline
def mid(value):
    a, b, _ = parse_edtf(value)
    return a + (b - a) / 2


# The axis is broken into three parts with scales of their own, so that the 2018-2020 events, two
# thirds of the whole, are not crowded into the last tenth of a 1992-2021 axis:
# (first day, day after the last, left x, right x, ticks as (day, label)).
MONTHS = "JFMAMJJASOND"
AXIS = [
    (dt.date(1992, 1, 1), dt.date(2018, 1, 1), 170, 330, [(dt.date(y, 1, 1), str(y) if y % 8 == 0 and y < 2016 else "") for y in range(1992, 2018, 4)]),
    (dt.date(2018, 1, 1), dt.date(2020, 1, 1), 344, 504,
     [(dt.date(y, m, 1), str(y) if m == 1 else "Jul") for y in (2018, 2019) for m in (1, 7)]),
    (dt.date(2020, 1, 1), dt.date(2021, 1, 1), 518, 958, [(dt.date(2020, m, 1), MONTHS[m - 1]) for m in range(1, 13)]),
]
AXIS_TITLES = ["1992–2017 (4-year ticks)", "2018–2019 (half-year ticks)", "2020 (month ticks)"]


def axis_x(d):
    """x of a day on the broken axis (days before the first part or after the last are clamped)."""
    for start, stop, left, right, _ in AXIS:
        if d < stop or stop == AXIS[-1][1]:
            d = max(start, min(d, stop))
            return left + (right - left) * (d - start).days / (stop - start).days
    raise AssertionError("unreachable")


def axis_spans(a, b):
    """[(x from, x to)] of the days a..b, one span for each part of the axis they fall into."""
    out = []
    for start, stop, left, right, _ in AXIS:
        lo, hi = max(a, start), min(b + dt.timedelta(days=1), stop)
        if lo < hi:
            scale = (right - left) / (stop - start).days
            out.append((left + scale * (lo - start).days, left + scale * (hi - start).days))
    return out


def timeline(pkg):
    events = [e for e in rows(pkg, "events") if e["date"]]
    events.sort(key=lambda e: (mid(e["date"]), e["event_id"]))
    y0, step, text_x = 104, 22, AXIS[-1][3] + 20
    h = y0 + step * len(events) + 30
    body = [f'<text x="10" y="24" font-size="16" font-weight="bold">Dated events in the IFIMES analysis of {escape(spelled_date(pkg.article_row()["date"]))}</text>',
            '<text x="10" y="42" fill="#555">Blue: date as the article states it (a bar spans a month or a year). Green: made precise or added from another source. Red: corrected. The article\'s wording in brackets. Source: data/events.csv</text>',
            '<text x="10" y="58" fill="#555">The time axis is broken into three parts with their own scales (zigzags): 1992–2017, 2018–2019 and 2020.</text>']
    for i, (start, stop, left, right, ticks) in enumerate(AXIS):
        if i % 2:
            body.append(f'<rect x="{left}" y="{y0 - 26}" width="{right - left}" height="{h - y0 - 4}" fill="#f7f7f7"/>')
        body.append(f'<text x="{(left + right) / 2:.1f}" y="{y0 - 30}" text-anchor="middle" font-size="11" font-weight="bold" fill="#444">{AXIS_TITLES[i]}</text>')
        for d, label in ticks:
            xx = axis_x(d)
            body.append(f'<line x1="{xx:.1f}" y1="{y0 - 8}" x2="{xx:.1f}" y2="{h - 30}" stroke="#e4e4e4"/>')
            if not label:
                continue
            lx = xx if len(label) > 1 else axis_x(d + dt.timedelta(days=14))  # a month's initial stands over its middle
            body.append(f'<text x="{lx:.1f}" y="{y0 - 12}" text-anchor="middle" font-size="10" fill="#555">{label}</text>')
    for (_, _, _, right, _), (_, _, left, _, _) in zip(AXIS, AXIS[1:]):
        gap = (right + left) / 2
        for yy in (y0 - 4, h - 34):
            body.append(f'<path d="M{gap - 5:.1f},{yy + 4} l4,-8 l2,8 l4,-8" fill="none" stroke="#888"/>')
    for i, e in enumerate(events):
        y = y0 + 8 + i * step
        label = e["date_as_stated"]
        a, b, _ = parse_edtf(e["date"])
        if b > a:
            for xa, xb in axis_spans(a, b):
                body.append(f'<line x1="{xa:.1f}" y1="{y}" x2="{xb:.1f}" y2="{y}" stroke="#9ecae1" stroke-width="5" stroke-linecap="round"/>')
        colour = BASIS_COLOURS[e["date_basis"]]
        body.append(f'<circle cx="{axis_x(mid(e["date"])):.1f}" cy="{y}" r="4" fill="{colour}"/>')
        text = e["description"]
        if e["date_basis"] != AS_STATED:
            text = f'[article: {label or "no date"}] {text}'
        body.append(f'<text x="10" y="{y + 4}" fill="#333">{escape(e["date"])}</text>')
        body.append(f'<text x="{text_x}" y="{y + 4}">{escape(text[:110] + ("…" if len(text) > 110 else ""))}</text>')
    return svg(text_x + 760, h, body)


# ------------------------------------------------------------------ map
# What the map draws comes from the data: the polygons of data/territory_polygons.geojson (each
# feature names its territory_id), the districts as the rows of territories.csv of kind district,
# and the points of territories.csv. A territory of one of AREA_KINDS with neither a polygon nor a
# point is listed under the map as not drawn.
POLYGONS = "territory_polygons"      # the GeoJSON resource of the package
VIEW = (40.0, 37.8, 50.8, 43.8)      # the map's window: west, south, east, north (degrees)
MAP_X, MAP_Y, MAP_W = 20, 70, 900    # its place on the page (px)
KM_PER_DEGREE = 6371.0088 * math.pi / 180  # along a meridian, on the mean Earth radius
LAND, WATER, BORDER = "#ececec", "#dbe8f3", "#8a8a8a"
FILL = {"AZ": "#f5e3c0", "AM": "#e6dcef"}
DISTRICT = "#c2410c"
DISTRICT_FILL, AREA_FILL = "#f4a261", "#9cc5a1"  # a district's polygon; another territory's (Nakhchivan's units)
# Where a country's name stands (lon, lat), chosen to keep clear of the places; others at the centre of their largest visible part.
NAME_AT = {"AZ": (48.35, 40.95), "AM": (44.75, 40.75), "GE": (43.2, 42.25), "RU": (45.3, 43.45), "TR": (41.6, 38.9), "IR": (47.6, 38.15)}


class Projection:
    """Equirectangular, true to scale along the meridians and along the window's middle parallel."""

    def __init__(self):
        west, south, east, north = VIEW
        self.c = math.cos(math.radians((south + north) / 2))
        self.k = MAP_W / ((east - west) * self.c)  # px per degree of latitude
        self.h = (north - south) * self.k

    def __call__(self, lon, lat):
        return MAP_X + (lon - VIEW[0]) * self.c * self.k, MAP_Y + (VIEW[3] - lat) * self.k

    def inside(self, x, y):
        return MAP_X <= x <= MAP_X + MAP_W and MAP_Y <= y <= MAP_Y + self.h


def clip(points, x0, y0, x1, y1):
    """Sutherland-Hodgman: the ring cut to the rectangle (its edges along the rectangle stay outside the frame)."""
    edges = ((lambda p: p[0] >= x0, lambda a, b: (x0, a[1] + (b[1] - a[1]) * (x0 - a[0]) / (b[0] - a[0]))),
             (lambda p: p[0] <= x1, lambda a, b: (x1, a[1] + (b[1] - a[1]) * (x1 - a[0]) / (b[0] - a[0]))),
             (lambda p: p[1] >= y0, lambda a, b: (a[0] + (b[0] - a[0]) * (y0 - a[1]) / (b[1] - a[1]), y0)),
             (lambda p: p[1] <= y1, lambda a, b: (a[0] + (b[0] - a[0]) * (y1 - a[1]) / (b[1] - a[1]), y1)))
    for keep, cut in edges:
        if not points:
            break
        out, prev = [], points[-1]
        for p in points:
            if keep(p):
                if not keep(prev):
                    out.append(cut(prev, p))
                out.append(p)
            elif keep(prev):
                out.append(cut(prev, p))
            prev = p
        points = out
    return points


def ring_path(points, digits=1):
    """SVG path data of a ring, its positions to `digits` decimals of a px (repeats dropped)."""
    out, last = [], None
    for x, y in points:
        xy = f"{x:.{digits}f},{y:.{digits}f}"
        if xy != last:
            out.append(xy)
            last = xy
    return "M" + " L".join(out) + " Z" if len(out) >= 3 else ""


def ring_area_centre(points):
    """(area, centroid) of a ring in px (shoelace)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1]):
        f = x0 * y1 - x1 * y0
        a += f
        cx += (x0 + x1) * f
        cy += (y0 + y1) * f
    if abs(a) < 1e-9:
        return 0.0, points[0]
    return abs(a) / 2, (cx / (3 * a), cy / (3 * a))


def degrees(lon, lat):
    """'40.18° N, 44.51° E'."""
    return f"{abs(lat):.2f}° {'N' if lat >= 0 else 'S'}, {abs(lon):.2f}° {'E' if lon >= 0 else 'W'}"


def located(territories):
    """{territory_id: (lon, lat)} of every row with both coordinates given as numbers."""
    out = {}
    for t in territories:
        lat, lon = geo.number(t.get("latitude")), geo.number(t.get("longitude"))
        if lat is not None and lon is not None:
            out[t["territory_id"]] = (lon, lat)
    return out


def text_width(text, size, bold=False):
    return len(text) * size * (0.64 if bold else 0.6)


def overlaps(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def place_label(x, y, text, size, bold, taken, frame):
    """The first spot beside (x, y) whose box is inside the frame and clear of the boxes taken:
    (text x, text y, anchor, box, needs a leader line)."""
    w, h = text_width(text, size, bold), size
    for dist in (1, 2.2, 3.6):
        for dx, dy, anchor in ((7, 4, "start"), (-7, 4, "end"), (0, -8, "middle"), (0, 15, "middle"),
                               (6, -6, "start"), (6, 13, "start"), (-6, -6, "end"), (-6, 13, "end")):
            tx, ty = x + dx * dist, y + 4 + (dy - 4) * dist
            left = tx if anchor == "start" else tx - w if anchor == "end" else tx - w / 2
            box = (left - 1, ty - h + 1, left + w + 1, ty + 3)
            if frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3] \
                    and not any(overlaps(box, b) for b in taken):
                return tx, ty, anchor, box, dist > 1
    tx, ty = x + 7, y + 4
    return tx, ty, "start", (tx, ty - h, tx + w, ty + 3), False


def country_names(pkg_territories):
    """ISO numeric -> the name to print: name_en of the country's row in territories.csv, else the base map's."""
    names = dict(geo.country_names())
    for t in pkg_territories:
        if t["kind"] == COUNTRY and t["iso3166_code"]:
            n = geo.numeric(t["iso3166_code"])
            if n:
                names[n] = t["name_en"]
    return names


def coordinate_sources(territories, ids):
    """The source_ids that rows with coordinates cite for them: point_source_id, or (in a package
    without it) a *_source_id column about coordinates."""
    first = territories[0] if territories else {}
    cols = ["point_source_id"] if "point_source_id" in first else [
        c for c in first if c.endswith("_source_id") and any(k in c for k in ("coord", "lat", "lon", "geonames", "wgs", "point"))]
    return sorted({t[c] for t in territories if t["territory_id"] in ids for c in cols if t[c]})


def wrap(lines, width=150):
    out = []
    for line in lines:
        out += textwrap.wrap(line, width) or [""]
    return out


def basemap(proj, names, taken):
    """Country shapes (clipped to the window) and their names."""
    west, south, east, north = VIEW
    pad = 15
    box = (MAP_X - pad, MAP_Y - pad, MAP_X + MAP_W + pad, MAP_Y + proj.h + pad)
    alpha2 = {c.numeric: c.alpha_2 for c in pycountry.countries}
    shapes, labels = [], []
    for num in sorted(geo.country_shapes()):
        paths, best = [], (0.0, None)
        for polygon in geo.country_shapes()[num]:
            xs = [p[0] for p in polygon[0]]
            ys = [p[1] for p in polygon[0]]
            if max(xs) < west - 1 or min(xs) > east + 1 or max(ys) < south - 1 or min(ys) > north + 1:
                continue
            for k, r in enumerate(polygon):
                pts = clip([proj(lon, lat) for lon, lat in r], *box)
                d = ring_path(pts)
                if d:
                    paths.append(d)
                    if k == 0:
                        best = max(best, ring_area_centre(pts), key=lambda ac: ac[0])
        if not paths:
            continue
        a2 = alpha2.get(num, "")
        shapes.append(f'<path d="{" ".join(paths)}" fill="{FILL.get(a2, LAND)}" fill-rule="evenodd" stroke="{BORDER}" stroke-width="0.8"/>')
        if best[0] > 4000 and names.get(num):
            x, y = proj(*NAME_AT[a2]) if a2 in NAME_AT else best[1]
            text = names[num].upper()
            w = text_width(text, 13) + len(text) * 2
            taken.append((x - w / 2, y - 12, x + w / 2, y + 3))
            labels.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="13" letter-spacing="2" fill="#6b6b6b">{escape(text)}</text>')
    return shapes, labels


def territory_polygons(pkg):
    """{territory_id: [polygon, ...]} from the package's GeoJSON resource; polygon = [ring, ...], ring = [(lon, lat), ...]."""
    out = {}
    for f in geojson.features(pkg, POLYGONS):
        g, t = f.get("geometry") or {}, (f.get("properties") or {}).get("territory_id", "")
        parts = [g["coordinates"]] if g.get("type") == "Polygon" else g.get("coordinates", []) if g.get("type") == "MultiPolygon" else []
        out.setdefault(t, []).extend([[tuple(p[:2]) for p in ring] for ring in poly] for poly in parts)
    return out


def area_paths(proj, polygons):
    """(SVG path data of the polygons clipped to the frame's margin, (area, centre) of the largest visible part in px)."""
    box = (MAP_X - 15, MAP_Y - 15, MAP_X + MAP_W + 15, MAP_Y + proj.h + 15)
    paths, best = [], (0.0, None)
    for polygon in polygons:
        for k, r in enumerate(polygon):
            pts = clip([proj(lon, lat) for lon, lat in r], *box)
            d = ring_path(pts, digits=0)  # whole px: the 1:10m polygons have far more vertices than the map can show
            if d:
                paths.append(d)
                if k == 0:
                    best = max(best, ring_area_centre(pts), key=lambda ac: ac[0])
    return " ".join(paths), best


def map_svg(pkg):
    territories = rows(pkg, "territories")
    polygons = territory_polygons(pkg)
    districts = [t["territory_id"] for t in territories if t["kind"] == DISTRICT_KIND]
    by_id = {t["territory_id"]: t for t in territories}
    points = located(territories)
    proj = Projection()
    frame = (MAP_X, MAP_Y, MAP_X + MAP_W, MAP_Y + proj.h)
    taken = []  # boxes already used by labels, marks and furniture

    # furniture first, so that labels keep clear of it
    legend = (MAP_X + 8, MAP_Y + 8, MAP_X + 196, MAP_Y + 84)
    bar_km = 100
    bar_px = bar_km / KM_PER_DEGREE * proj.k
    bar_x, bar_y = MAP_X + MAP_W - bar_px - 24, MAP_Y + proj.h - 24
    north_x, north_y = MAP_X + MAP_W - 28, MAP_Y + 14
    taken += [legend, (bar_x - 8, bar_y - 18, bar_x + bar_px + 26, bar_y + 12), (north_x - 12, north_y - 4, north_x + 12, north_y + 42)]

    shapes, country_labels = basemap(proj, country_names(territories), taken)
    areas, area_labels = [], []
    for tid in sorted(polygons, key=lambda t: (t not in districts, t)):
        if tid not in by_id:
            continue
        d, (area, centre) = area_paths(proj, polygons[tid])
        if not d:
            continue
        district = tid in districts
        areas.append(f'<path d="{d}" fill="{DISTRICT_FILL if district else AREA_FILL}" fill-opacity="0.75" fill-rule="evenodd" stroke="{DISTRICT if district else "#2f6b3a"}" stroke-width="0.8"/>')
        if tid not in points and centre is not None and area > 0:
            area_labels.append((tid, centre))  # a territory with a polygon but no point: its name at the centre of its largest part
    body = ['<text x="20" y="26" font-size="16" font-weight="bold">Places of the IFIMES analysis in the South Caucasus</text>',
            f'<text x="20" y="44" fill="#555">Every place of data/territories.csv with coordinates; in orange the {len(districts)} districts of territories.csv (around Nagorno-Karabakh, article p5),</text>',
            '<text x="20" y="58" fill="#555">drawn with their Natural Earth polygons (data/territory_polygons.geojson), in green Nakhchivan\'s. Caption below the map.</text>',
            f'<clipPath id="frame"><rect x="{MAP_X}" y="{MAP_Y}" width="{MAP_W}" height="{proj.h:.1f}"/></clipPath>',
            f'<rect x="{MAP_X}" y="{MAP_Y}" width="{MAP_W}" height="{proj.h:.1f}" fill="{WATER}"/>',
            '<g clip-path="url(#frame)">', *shapes, *areas, '</g>',
            f'<rect x="{MAP_X}" y="{MAP_Y}" width="{MAP_W}" height="{proj.h:.1f}" fill="none" stroke="#555"/>']

    inside, outside = [], []
    for tid, (lon, lat) in points.items():
        (inside if proj.inside(*proj(lon, lat)) else outside).append(tid)
    inside.sort(key=lambda t: (t not in districts, -points[t][1], t))
    for tid in inside:
        x, y = proj(*points[tid])
        taken.append((x - 4, y - 4, x + 4, y + 4))

    not_drawn, marks, labels = [], [], []
    for tid, (x, y) in area_labels:
        name = by_id[tid]["name_en"]
        lx, ly, anchor, box, _ = place_label(x, y, name, 11, True, taken, frame)
        taken.append(box)
        labels.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="11" font-weight="bold" fill="#2f6b3a" {HALO}>{escape(name)}</text>')

    # the places: districts first, so that their labels get the nearest spots
    for tid in inside:
        x, y = proj(*points[tid])
        district = tid in districts
        if district and tid in polygons:
            marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.6" fill="{DISTRICT}"/>')  # its label point: the polygon shows the district
        elif district:
            marks.append(f'<path d="M{x:.1f},{y - 5:.1f} l5,5 l-5,5 l-5,-5 Z" fill="{DISTRICT}" stroke="white" stroke-width="0.8"/>')
        else:
            marks.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.2" fill="#222" stroke="white" stroke-width="0.8"/>')
        name = by_id[tid]["name_en"]
        lx, ly, anchor, box, leader = place_label(x, y, name, 11, district, taken, frame)
        taken.append(box)
        if leader:
            labels.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{lx:.1f}" y2="{ly - 4:.1f}" stroke="#999" stroke-width="0.6"/>')
        weight = f' font-weight="bold" fill="{DISTRICT}"' if district else ' fill="#111"'
        labels.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" font-size="11"{weight} {HALO}>{escape(name)}</text>')
    body += country_labels + marks + labels

    # legend, scale bar, north arrow
    lx, ly = legend[0], legend[1]
    body += [f'<rect x="{lx}" y="{ly}" width="{legend[2] - lx}" height="{legend[3] - ly}" fill="white" fill-opacity="0.85" stroke="#bbb"/>',
             f'<rect x="{lx + 6}" y="{ly + 9}" width="16" height="10" fill="{DISTRICT_FILL}" stroke="{DISTRICT}"/>',
             f'<text x="{lx + 26}" y="{ly + 18}" font-size="11">district (admin-1 polygon)</text>',
             f'<circle cx="{lx + 14}" cy="{ly + 32}" r="3.2" fill="#222"/>',
             f'<text x="{lx + 26}" y="{ly + 36}" font-size="11">other place</text>',
             f'<rect x="{lx + 6}" y="{ly + 45}" width="16" height="10" fill="{AREA_FILL}" stroke="#2f6b3a"/>',
             f'<text x="{lx + 26}" y="{ly + 54}" font-size="11">Nakhchivan (admin-1 units)</text>',
             f'<rect x="{lx + 6}" y="{ly + 63}" width="7" height="9" fill="{FILL["AZ"]}" stroke="{BORDER}"/>',
             f'<rect x="{lx + 14}" y="{ly + 63}" width="7" height="9" fill="{FILL["AM"]}" stroke="{BORDER}"/>',
             f'<text x="{lx + 26}" y="{ly + 72}" font-size="11">Azerbaijan, Armenia</text>']
    half = bar_px / 2
    body += [f'<rect x="{bar_x:.1f}" y="{bar_y}" width="{half:.1f}" height="5" fill="#333"/>',
             f'<rect x="{bar_x + half:.1f}" y="{bar_y}" width="{half:.1f}" height="5" fill="white" stroke="#333" stroke-width="0.8"/>']
    for km, xx in ((0, bar_x), (bar_km // 2, bar_x + half), (bar_km, bar_x + bar_px)):
        body.append(f'<text x="{xx:.1f}" y="{bar_y - 4}" text-anchor="middle" font-size="10" {HALO}>{km}{" km" if km == bar_km else ""}</text>')
    body += [f'<path d="M{north_x},{north_y + 16} l-7,20 l7,-6 l7,6 Z" fill="#333"/>',
             f'<text x="{north_x}" y="{north_y + 12}" text-anchor="middle" font-size="13" font-weight="bold" {HALO}>N</text>']

    # caption
    cited = coordinate_sources(territories, points)
    polygon_sources = sorted({(f.get("properties") or {}).get("source_id", "") for f in geojson.features(pkg, POLYGONS)} - {""})
    not_drawn = [by_id[t]["name_en"] for t in (x["territory_id"] for x in territories if x["kind"] in AREA_KINDS) if t not in polygons and t not in points]
    caption = [
        f"Borders: Natural Earth 1:50m Admin 0 countries (public domain), as TopoJSON in the npm package world-atlas 2.0.2 "
        f"(sources.csv: {geo.BASE_MAP_SOURCE_ID}; vendor/world-atlas). They are the de jure borders: Nagorno-Karabakh and the seven districts lie in Azerbaijan.",
        "Places: latitude and longitude of data/territories.csv (GeoNames points of towns, CC BY 4.0; Natural Earth label points of the districts), from the sources the rows cite"
        + (f" (sources.csv: {', '.join(cited)})." if cited else "."),
        "Areas: Natural Earth 1:10m admin-1 polygons (public domain) of data/territory_polygons.geojson"
        + (f" (sources.csv: {', '.join(polygon_sources)})." if polygon_sources else ": none in the package."),
        f"Projection: equirectangular, true to scale along the meridians and along {(VIEW[1] + VIEW[3]) / 2:.1f}° N; north is up.",
    ]
    if not points:
        caption.append("No row of data/territories.csv has coordinates yet: no place is drawn.")
    if not_drawn:
        caption.append("Not drawn, for want of a polygon, line or point that a source read gives: " + "; ".join(not_drawn) + ".")
    if outside:
        far = sorted(outside, key=lambda t: by_id[t]["name_en"])
        caption.append("Outside the map: " + ", ".join(
            f"{by_id[t]['name_en']} ({degrees(*points[t])})" for t in far) + ".")
    y = MAP_Y + proj.h + 22
    for line in wrap(caption):
        body.append(f'<text x="{MAP_X}" y="{y:.1f}" fill="#444">{escape(line)}</text>')
        y += 16
    return svg(MAP_X * 2 + MAP_W, int(math.ceil(y)), body)


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


# ------------------------------------------------------------------ forecast scorecard


def scorecard(pkg):
    """One bar per outcome: how many forecasts have it at the common date (the latest as_of of
    forecast_assessments.csv), with a thin bar below for the count at their first assessment."""
    assessments = rows(pkg, "forecast_assessments")
    common = max(r["as_of"] for r in assessments)
    first = {}
    for r in sorted(assessments, key=lambda r: r["as_of"]):
        first.setdefault(r["claim_id"], r["outcome"])
    now = {}
    for r in assessments:
        if r["as_of"] == common:
            now[r["outcome"]] = now.get(r["outcome"], 0) + 1
    before = {}
    for o in first.values():
        before[o] = before.get(o, 0) + 1
    outcomes = [c["value"] for c in pkg.resource("forecast_assessments").field("outcome")["categories"]]
    top = max([*now.values(), *before.values(), 1])
    label_w, bar_w, row_h, y0 = 130, 420, 42, 46
    body = [f'<text x="10" y="22" font-size="14" font-weight="bold">Forecasts of the article by outcome, as of {common}</text>',
            f'<text x="10" y="38" fill="#555">thick bar: as of {common}; thin bar: at each forecast\'s first assessment. Source: data/forecast_assessments.csv</text>']
    for i, o in enumerate(outcomes):
        y = y0 + i * row_h
        n, b = now.get(o, 0), before.get(o, 0)
        body += [f'<text x="{label_w - 8}" y="{y + 16}" text-anchor="end">{o}</text>',
                 f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * n / top:.1f}" height="16" fill="{OUTCOME_COLOURS[o]}"/>',
                 f'<text x="{label_w + bar_w * n / top + 6:.1f}" y="{y + 17}">{n}</text>',
                 f'<rect x="{label_w}" y="{y + 24}" width="{bar_w * b / top:.1f}" height="5" fill="#555"/>',
                 f'<text x="{label_w + bar_w * b / top + 6:.1f}" y="{y + 31}" font-size="10" fill="#555">{b}</text>']
    return svg(label_w + bar_w + 60, y0 + len(outcomes) * row_h + 10, body)


FIGURES = {"timeline.svg": timeline, "tables.svg": tables, "map.svg": map_svg, "scorecard.svg": scorecard}


def render(pkg) -> dict:
    """{file name in docs/figures/: SVG text} for the package."""
    return {filename: draw(pkg) for filename, draw in FIGURES.items()}
