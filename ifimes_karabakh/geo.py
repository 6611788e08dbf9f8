"""Country borders from the vendored Natural Earth base map, in pure Python.

The base map is vendor/world-atlas/countries-50m.json: Natural Earth's Admin 0 countries at
1:50m (public domain), as the TopoJSON of the npm package world-atlas 2.0.2 (see vendor/README.md
for its licence and SHA-256). Its geometries are keyed by ISO 3166-1 numeric code (`"031"` is
Azerbaijan); a few areas without a code (Kosovo, N. Cyprus, Somaliland, ...) are left out.

- `country_shapes()`: {ISO numeric: [polygon, ...]}, a polygon being [exterior ring, hole, ...]
  and a ring a list of (longitude, latitude) in degrees (WGS84);
- `inside(lon, lat, alpha2)`: whether the point lies in the country (exclaves such as Nakhchivan
  included, enclaves of other countries excluded);
- `coordinates_in_country(df, ctx)`: the validator rule on territories.csv (see its docstring).

Natural Earth draws the de jure borders of Admin 0: Nagorno-Karabakh and the seven districts
lie inside Azerbaijan. No dependency beyond the standard library, pycountry and pandas."""
import functools
import json
import math
from pathlib import Path

import pandas as pd
import pycountry

from .vocabulary import COUNTRY

BASE_MAP = Path(__file__).resolve().parent.parent / "vendor" / "world-atlas" / "countries-50m.json"
BASE_MAP_SOURCE_ID = "world-atlas-2-0-2"  # its row in sources.csv
MARGIN = 0.05  # degrees: how far outside its country's 1:50m polygon a point may lie (see coordinates_in_country)


# ------------------------------------------------------------------ TopoJSON
def decode_arcs(topology):
    """Every arc as a list of (lon, lat): quantized positions are delta-encoded, then scaled and translated."""
    t = topology.get("transform")
    out = []
    for arc in topology["arcs"]:
        if t is None:
            out.append([(float(p[0]), float(p[1])) for p in arc])
            continue
        (sx, sy), (tx, ty) = t["scale"], t["translate"]
        x = y = 0
        pts = []
        for p in arc:
            x += p[0]
            y += p[1]
            pts.append((x * sx + tx, y * sy + ty))
        out.append(pts)
    return out


def ring(arcs, indexes):
    """A closed ring from arc indexes; a negative index ~i is arc i reversed. Each arc after the
    first starts where the one before ended, so its first point is dropped."""
    pts = []
    for i in indexes:
        a = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(a if not pts else a[1:])
    return pts


def polygons(geometry, arcs):
    """A Polygon or MultiPolygon geometry as a list of polygons ([exterior, hole, ...])."""
    kind = geometry.get("type")
    if kind == "Polygon":
        return [[ring(arcs, r) for r in geometry["arcs"]]]
    if kind == "MultiPolygon":
        return [[ring(arcs, r) for r in poly] for poly in geometry["arcs"]]
    return []


@functools.lru_cache(maxsize=None)
def _topology():
    with open(BASE_MAP, encoding="utf-8") as fh:
        topo = json.load(fh)
    arcs = decode_arcs(topo)
    shapes, names = {}, {}
    for g in topo["objects"]["countries"]["geometries"]:
        if "id" not in g:
            continue
        shapes.setdefault(g["id"], []).extend(polygons(g, arcs))
        names[g["id"]] = g.get("properties", {}).get("name", "")
    return shapes, names


def country_shapes():
    """{ISO 3166-1 numeric code: [polygon, ...]}; polygon = [exterior ring, hole, ...]; ring = [(lon, lat), ...].
    Decoded once per process; do not change what it returns."""
    return _topology()[0]


def country_names():
    """{ISO 3166-1 numeric code: the base map's English short name}."""
    return _topology()[1]


def numeric(alpha2):
    """ISO 3166-1 numeric code for an alpha-2 code (pycountry), or None."""
    c = pycountry.countries.get(alpha_2=alpha2) if alpha2 else None
    return c.numeric if c else None


# ------------------------------------------------------------------ point in polygon
def in_ring(lon, lat, pts):
    """Even-odd ray casting: whether (lon, lat) lies inside the closed ring."""
    hit = False
    n = len(pts)
    j = n - 1
    for i in range(n):
        xi, yi = pts[i]
        xj, yj = pts[j]
        if (yi > lat) != (yj > lat) and lon < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def in_polygon(lon, lat, polygon):
    """Inside the exterior ring and inside none of the holes (even-odd over all rings)."""
    return sum(in_ring(lon, lat, r) for r in polygon) % 2 == 1


def _segment_distance(px, py, ax, ay, bx, by):
    dx, dy = bx - ax, by - ay
    d2 = dx * dx + dy * dy
    t = 0.0 if d2 == 0 else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / d2))
    return math.hypot(px - (ax + t * dx), py - (ay + t * dy))


def distance_to_border(lon, lat, polygon):
    """Shortest distance, in degrees on the plane of longitude and latitude, to any ring of the polygon."""
    best = math.inf
    for r in polygon:
        for (ax, ay), (bx, by) in zip(r, r[1:] + r[:1]):
            if min(ax, bx) - best <= lon <= max(ax, bx) + best and min(ay, by) - best <= lat <= max(ay, by) + best:
                best = min(best, _segment_distance(lon, lat, ax, ay, bx, by))
    return best


def _bbox(polygon):
    xs = [p[0] for p in polygon[0]]
    ys = [p[1] for p in polygon[0]]
    return min(xs), min(ys), max(xs), max(ys)


def inside(lon, lat, iso_alpha2, margin=0.0):
    """Whether (lon, lat) lies in the country with this ISO 3166-1 alpha-2 code on the 1:50m base map,
    or within `margin` degrees of its border. False for a code the base map has no shape for."""
    shapes = country_shapes().get(numeric(iso_alpha2) or "", [])
    candidates = [p for p in shapes if _near(_bbox(p), lon, lat, margin)]
    if any(in_polygon(lon, lat, p) for p in candidates):
        return True
    return margin > 0 and any(distance_to_border(lon, lat, p) <= margin for p in candidates)


def _near(box, lon, lat, margin):
    x0, y0, x1, y1 = box
    return x0 - margin <= lon <= x1 + margin and y0 - margin <= lat <= y1 + margin


# ------------------------------------------------------------------ the rule
def number(text):
    """A finite float from text, or None (empty, not a number, inf, nan)."""
    try:
        v = float(text)
    except (TypeError, ValueError):
        return None
    return v if math.isfinite(v) else None


def parent_chains(df):
    """territory -> (its chain of parents, nearest first; True when the walk met a territory again).
    The walk stops at a repeat, so a cycle of any length ends (rules.py reports it)."""
    parent = dict(zip(df["territory_id"], df["parent_territory_id"]))
    chains = {}
    for t in parent:
        chain, seen, p = [], {t}, parent[t]
        while p and p not in seen:
            chain.append(p)
            seen.add(p)
            p = parent.get(p, "")
        chains[t] = (chain, bool(p))
    return chains


def territory_countries(df):
    """territory_id -> ISO 3166-1 alpha-2 code of its country: its own code for a territory of kind
    country, else the code of its nearest ancestor (through parent_territory_id) of kind country,
    else, for a territory without a country ancestor, the country part of its own ISO 3166-2 code
    (Brussels, BE-BRU: BE). Empty where none is known."""
    kind = dict(zip(df["territory_id"], df["kind"]))
    code = dict(zip(df["territory_id"], df["iso3166_code"]))
    out = {}
    for t, (chain, _) in parent_chains(df).items():
        found = next((code.get(a, "") for a in [t] + chain if kind.get(a) == COUNTRY), "")
        if not found and "-" in code.get(t, ""):
            found = code[t].split("-")[0]
        out[t] = found
    return out


def coordinates_in_country(df, ctx=None):
    """Rule on territories.latitude (reading longitude, territory_id, parent_territory_id, kind and
    iso3166_code; nothing from ctx): True for each row whose point lies in its country.

    Message: "latitude/longitude lie outside the territory's country (Natural Earth 1:50m borders,
    vendor/world-atlas; a margin of 0.05 degree is allowed)".

    The country: the territory itself if its kind is country; else its nearest ancestor of kind
    country through parent_territory_id (whose iso3166_code is alpha-2); else, for a territory
    without a country ancestor, the country part of its own ISO 3166-2 code (Brussels, BE-BRU: BE).

    The margin (MARGIN, 0.05 degree): the 1:50m polygons are generalised, so a town on a border
    river or on a coast can fall a few kilometres outside its country's polygon. A point passes if
    it lies inside the polygon or within 0.05 degree of its border, the distance measured on the plane of
    longitude and latitude: about 5.6 km north-south and 4.3 km east-west at 40 degrees N. A point
    that far inside a neighbouring country is not caught; one farther away is.

    A row passes, unchecked, when latitude or longitude is empty or not a number (the schema checks
    the type and the range), when no country is known, or when the base map has no shape for it."""
    countries = territory_countries(df)
    shapes = country_shapes()

    def ok(t, lat, lon):
        y, x = number(lat), number(lon)
        if y is None or x is None:
            return True
        c = countries.get(t, "")
        if not c or (numeric(c) or "") not in shapes:
            return True
        return inside(x, y, c, margin=MARGIN)
    return pd.Series([ok(t, la, lo) for t, la, lo in zip(df["territory_id"].tolist(), df["latitude"].tolist(), df["longitude"].tolist())],
                     index=df.index, dtype=bool)


COORDINATES_RULE = dict(
    table="territories", column="latitude", kind="coordinates",
    message="latitude/longitude lie outside the territory's country (Natural Earth 1:50m borders, vendor/world-atlas; a margin of 0.05 degree is allowed)",
    uses=("longitude", "territory_id", "parent_territory_id", "kind", "iso3166_code"))
