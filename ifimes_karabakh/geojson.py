"""The package's GeoJSON resources (descriptor.File of format geojson): read with the descriptor's
size and nesting limits, then checked feature by feature.

What a valid file is (RFC 7946, and what the map and the tables rely on):
- a FeatureCollection whose `features` is a non-empty list;
- every feature a Feature with a Polygon or MultiPolygon geometry, whose rings are lists of at
  least four [longitude, latitude] positions of finite numbers within -180..180 and -90..90, each
  ring closed (its last position equals its first);
- every feature's properties name the territory it belongs to (`territory_id`, a row of
  territories.csv) and its source (`source_id`, a row of sources.csv).

Problems are located as `file:N:column`, N being the feature's number (1 = the first feature).
`features()` gives the features of a file already checked, for the map."""
import math

from .descriptor import read_json
from .report import Problem, show

GEOMETRIES = {"Polygon": 1, "MultiPolygon": 2}  # how many list levels above a ring
REFERENCES = {"territory_id": ("territories", "territory_id"), "source_id": ("sources", "source_id")}  # property -> (table, key column) it names


def read(path, rel: str, out: list):
    """The parsed file, or None with its problem in out (missing, too large, not UTF-8, not JSON)."""
    return read_json(path, rel, out)


def _position_ok(p) -> bool:
    return (isinstance(p, list) and len(p) >= 2 and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in p)
            and -180 <= p[0] <= 180 and -90 <= p[1] <= 90)


def _rings(coords, depth):
    """The rings of a geometry's coordinates (depth: list levels above a ring), or None when the nesting is wrong."""
    if not isinstance(coords, list) or not coords:
        return None
    if depth == 0:
        return [coords]
    out = []
    for c in coords:
        r = _rings(c, depth - 1)
        if r is None:
            return None
        out += r
    return out


def check(doc, rel: str, keys: dict) -> tuple[list, int]:
    """(problems, number of features) of a parsed GeoJSON document; keys: {table: set of its IDs}
    for the references of REFERENCES (a table missing from keys is not checked)."""
    out = []

    def bad(n, column, message):
        out.append(Problem(rel, n, column, "geojson", message))

    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        bad(None, "type", f"expected a GeoJSON FeatureCollection (found {show(doc.get('type') if isinstance(doc, dict) else type(doc).__name__)})")
        return out, 0
    feats = doc.get("features")
    if not isinstance(feats, list) or not feats:
        bad(None, "features", "expected a non-empty list of features")
        return out, 0
    for n, f in enumerate(feats, 1):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            bad(n, "type", "expected a Feature")
            continue
        props = f.get("properties")
        props = props if isinstance(props, dict) else {}
        for prop, (table, _) in REFERENCES.items():
            v = props.get(prop)
            if not isinstance(v, str) or not v:
                bad(n, f"properties.{prop}", f"expected the {table} row the feature belongs to (found {show(v)})")
            elif table in keys and v not in keys[table]:
                bad(n, f"properties.{prop}", f"no row of {table} has this ID (found {show(v)})")
        g = f.get("geometry")
        kind = g.get("type") if isinstance(g, dict) else None
        if kind not in GEOMETRIES:
            bad(n, "geometry.type", f"expected Polygon or MultiPolygon (found {show(kind)})")
            continue
        rings = _rings(g.get("coordinates"), GEOMETRIES[kind])
        if rings is None:
            bad(n, "geometry.coordinates", f"coordinates are not nested as a {kind} (expected lists of rings of positions)")
            continue
        for ring in rings:
            if not isinstance(ring, list) or len(ring) < 4 or not all(_position_ok(p) for p in ring):
                bad(n, "geometry.coordinates", "a ring needs at least four [longitude, latitude] positions of finite numbers in range")
                break
            if ring[0][:2] != ring[-1][:2]:
                bad(n, "geometry.coordinates", "a ring is not closed (expected its last position to equal its first)")
                break
    return out, len(feats)


def features(pkg, name: str) -> list:
    """The features of the package's GeoJSON resource `name` ([] when the package has none, or the
    file cannot be read): for drawing, after validation."""
    f = next((x for x in pkg.files if x.name == name), None)
    doc = read(pkg.root / f.path, f.path, []) if f else None
    return doc.get("features", []) if isinstance(doc, dict) else []
