"""The GeoJSON resource: geojson.check on literal documents, the descriptor's handling of a resource
that is not a table, and the validator on a damaged copy of the package's file."""
import json

import pytest

from ifimes_karabakh import REPO, geojson
from ifimes_karabakh.descriptor import load, load_package

from conftest import found, line_of

SQUARE = [[[46.0, 40.0], [46.1, 40.0], [46.1, 40.1], [46.0, 40.1], [46.0, 40.0]]]
KEYS = {"territories": {"kalbajar", "nakhchivan"}, "sources": {"ne"}}


def feature(**over):
    f = {"type": "Feature", "properties": {"territory_id": "kalbajar", "source_id": "ne"}, "geometry": {"type": "Polygon", "coordinates": SQUARE}}
    f.update(over)
    return f


def problems(doc):
    out, n = geojson.check(doc, "data/x.geojson", KEYS)
    return [(p.row, p.column) for p in out], n


def test_a_valid_collection_passes_and_counts_its_features():
    multi = feature(geometry={"type": "MultiPolygon", "coordinates": [SQUARE, SQUARE]})
    assert problems({"type": "FeatureCollection", "features": [feature(), multi]}) == ([], 2)


@pytest.mark.parametrize("f,where", [
    (feature(properties={"territory_id": "atlantis", "source_id": "ne"}), (1, "properties.territory_id")),
    (feature(properties={"source_id": "ne"}), (1, "properties.territory_id")),
    (feature(properties={"territory_id": "kalbajar", "source_id": "nowhere"}), (1, "properties.source_id")),
    (feature(geometry={"type": "Point", "coordinates": [46, 40]}), (1, "geometry.type")),
    (feature(geometry=None), (1, "geometry.type")),
    (feature(geometry={"type": "Polygon", "coordinates": [[46.0, 40.0]]}), (1, "geometry.coordinates")),
    (feature(geometry={"type": "Polygon", "coordinates": [SQUARE[0][:4]]}), (1, "geometry.coordinates")),   # not closed
    (feature(geometry={"type": "Polygon", "coordinates": [SQUARE[0][:3]]}), (1, "geometry.coordinates")),   # too few positions
    (feature(geometry={"type": "Polygon", "coordinates": [[[46.0, 95.0]] + SQUARE[0][1:4] + [[46.0, 95.0]]]}), (1, "geometry.coordinates")),
    (feature(geometry={"type": "Polygon", "coordinates": [[[46.0, "40"]] + SQUARE[0][1:4] + [[46.0, "40"]]]}), (1, "geometry.coordinates")),
    (feature(geometry={"type": "Polygon", "coordinates": [[[float("nan"), 40.0]] + SQUARE[0][1:4] + [[float("nan"), 40.0]]]}), (1, "geometry.coordinates")),
    (feature(type="Thing"), (1, "type")),
])
def test_a_bad_feature_is_located(f, where):
    assert problems({"type": "FeatureCollection", "features": [f]}) == ([where], 1)


@pytest.mark.parametrize("doc,where", [
    ({"type": "Feature"}, (None, "type")), ([], (None, "type")),
    ({"type": "FeatureCollection", "features": []}, (None, "features")),
    ({"type": "FeatureCollection"}, (None, "features")),
])
def test_a_bad_collection_is_reported_once(doc, where):
    assert problems(doc) == ([where], 0)


def test_a_table_missing_from_keys_is_not_checked():
    out, _ = geojson.check({"type": "FeatureCollection", "features": [feature(properties={"territory_id": "atlantis", "source_id": "ne"})]}, "x", {"sources": {"ne"}})
    assert out == []


# ------------------------------------------------------------------ the descriptor
def descriptor(root):
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def save(root, dp):
    (root / "datapackage.json").write_text(json.dumps(dp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def test_the_package_has_one_geojson_resource_beside_its_tables():
    pkg = load_package(REPO)
    assert [(f.name, f.path, f.format) for f in pkg.files] == [("territory_polygons", "data/territory_polygons.geojson", "geojson")]
    assert "territory_polygons" not in {r.name for r in pkg.resources}
    r = next(x for x in descriptor(REPO)["resources"] if x["name"] == "territory_polygons")
    assert r["mediatype"] == "application/geo+json" and r["licenses"] and r["sources"] and "type" not in r and "schema" not in r


@pytest.mark.parametrize("change,column", [
    (lambda r: r.update(mediatype="application/json"), "mediatype"),
    (lambda r: r.update(type="table"), "type"),
    (lambda r: r.update(dialect={"delimiter": ","}), "dialect"),
    (lambda r: r.update(encoding="latin-1"), "encoding"),
    (lambda r: r.update(path="../outside.geojson"), "path"),
])
def test_a_geojson_resource_that_declares_what_is_not_read_is_reported(pkg, change, column):
    dp = descriptor(pkg)
    i = next(i for i, r in enumerate(dp["resources"]) if r["name"] == "territory_polygons")
    change(dp["resources"][i])
    save(pkg, dp)
    out = []
    p = load(pkg, out)
    assert [(x.file, x.column) for x in out] == [("datapackage.json", f"resources[{i}].{column}")], out
    assert p.files == []


def test_the_validator_reports_a_damaged_geojson_file_by_feature(pkg):
    path = pkg / "data" / "territory_polygons.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["features"][2]["properties"]["territory_id"] == "qubadli"
    doc["features"][2]["properties"]["territory_id"] = "atlantis"
    path.write_text(json.dumps(doc), encoding="utf-8")
    got, res = found(pkg)
    qubadli = line_of(pkg, "territories", "territory_id", lambda v: v == "qubadli")
    assert got == {("data/territory_polygons.geojson", 3, "properties.territory_id", "geojson"),
                   ("data/territories.csv", qubadli, "latitude", "stale"),        # its label point has lost the feature it copies
                   ("data/territories.csv", qubadli, "wikidata_qid", "stale")}
    assert res.rows["data/territory_polygons.geojson"] == len(doc["features"])



def test_a_file_that_is_not_json_is_one_located_problem(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("{not json", encoding="utf-8")
    out = []
    assert geojson.read(path, "data/x.geojson", out) is None
    assert [(p.file, p.kind) for p in out] == [("data/x.geojson", "json")]


@pytest.mark.parametrize("text,kind", [("[" * 100_000 + "]" * 100_000, "json"), ('{"type": "FeatureCollection", "features": ' + "[" * 50 + "]" * 50 + "}", None)])
def test_hostile_nesting_gives_one_located_problem_in_bounded_time(tmp_path, text, kind):
    """Nesting too deep for the JSON reader is refused by it; nesting the reader accepts but no
    geometry has is a shape problem. Neither raises."""
    path = tmp_path / "x.geojson"
    path.write_text(text, encoding="utf-8")
    out = []
    doc = geojson.read(path, "data/x.geojson", out)
    if kind:
        assert doc is None and [p.kind for p in out] == [kind]
    else:
        found_, n = geojson.check(doc, "data/x.geojson", KEYS)
        assert out == [] and n == 1 and [(p.row, p.column) for p in found_] == [(1, "type")]
