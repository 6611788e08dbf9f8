"""The figures (deterministic, and as committed), the TopoJSON decoder, geo.inside() on known points,
and the rule that coordinates lie in the territory's country, on literal rows."""
import pandas as pd
import pytest

from ifimes_karabakh import REPO, geo
from ifimes_karabakh.dataset import Dataset
from ifimes_karabakh.figures import FIGURES, render, spelled_date, timeline

# GeoNames points (cities15000), as the research notes for territories.csv record them: (lon, lat)
BAKU = (49.89201, 40.37767)
YEREVAN = (44.5126, 40.17765)
NAKHCHIVAN = (45.41222, 39.20889)  # the city, in the Azerbaijani exclave
CENTRAL_ANATOLIA = (35.0, 39.0)    # a point well inside Turkey, far from any border


def test_render_is_deterministic_and_equals_the_committed_files():
    first, second = render(Dataset.load(REPO)), render(Dataset.load(REPO))
    assert first == second
    assert set(first) == set(FIGURES) >= {"timeline.svg", "tables.svg", "map.svg"}
    for name, text in first.items():
        assert (REPO / "docs" / "figures" / name).read_text(encoding="utf-8") == text, f"docs/figures/{name} is stale: run ./dp docs"


def test_the_timeline_title_takes_the_article_date_from_its_sources_row():
    ds = Dataset.load(REPO)
    assert "Dated events in the IFIMES analysis of 3 December 2020</text>" in timeline(ds)
    src = ds.tables["sources"]
    src.loc[src["source_id"] == "ifimes-2020", "date"] = "2020-11"
    assert "Dated events in the IFIMES analysis of November 2020</text>" in timeline(ds)
    assert (spelled_date("2020-12-03"), spelled_date("1994-05"), spelled_date("1991")) == ("3 December 2020", "May 1994", "1991")


def test_topojson_arcs_are_delta_decoded_scaled_and_joined():
    topo = {"transform": {"scale": [0.5, 2], "translate": [10, 20]},
            "arcs": [[[0, 0], [2, 0], [0, 1]], [[2, 1], [-2, 0], [0, -1]]]}
    arcs = geo.decode_arcs(topo)
    assert arcs == [[(10.0, 20.0), (11.0, 20.0), (11.0, 22.0)], [(11.0, 22.0), (10.0, 22.0), (10.0, 20.0)]]
    square = geo.ring(arcs, [0, 1])
    assert square == [(10.0, 20.0), (11.0, 20.0), (11.0, 22.0), (10.0, 22.0), (10.0, 20.0)]
    assert geo.ring(arcs, [~1, ~0]) == square[::-1]  # ~i: arc i reversed
    assert geo.polygons({"type": "Polygon", "arcs": [[0, 1]]}, arcs) == [[square]]
    assert geo.in_polygon(10.5, 21, [square]) and not geo.in_polygon(12, 21, [square])


@pytest.mark.parametrize("point,country,expected", [
    (BAKU, "AZ", True), (BAKU, "AM", False),
    (YEREVAN, "AM", True), (YEREVAN, "AZ", False),
    (NAKHCHIVAN, "AZ", True), (NAKHCHIVAN, "AM", False),
    (CENTRAL_ANATOLIA, "TR", True), (CENTRAL_ANATOLIA, "AZ", False),
])
def test_inside_known_points(point, country, expected):
    assert geo.inside(*point, country) is expected


def test_an_enclave_is_a_hole_in_the_country_around_it():
    """Armenia's exclave inside Azerbaijan (Artsvashen) is a hole in Azerbaijan's polygon."""
    exclave = min(geo.country_shapes()["051"], key=lambda p: len(p[0]))[0]  # Armenia's smallest part
    lon = sum(p[0] for p in exclave[:-1]) / (len(exclave) - 1)
    lat = sum(p[1] for p in exclave[:-1]) / (len(exclave) - 1)
    assert geo.inside(lon, lat, "AM") and not geo.inside(lon, lat, "AZ")


def rows(*rs):
    cols = ["territory_id", "parent_territory_id", "kind", "iso3166_code", "latitude", "longitude"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rs], index=range(2, 2 + len(rs)))


def test_coordinates_in_country():
    df = rows(
        ("azerbaijan", "", "country", "AZ", "", ""),
        ("armenia", "", "country", "AM", str(YEREVAN[1]), str(YEREVAN[0])),          # a country: its own
        ("baku", "azerbaijan", "capital", "AZ-BA", str(BAKU[1]), str(BAKU[0])),
        ("nakhchivan", "azerbaijan", "autonomous_republic", "AZ-NX", str(NAKHCHIVAN[1]), str(NAKHCHIVAN[0])),
        ("yerevan", "azerbaijan", "capital", "", str(YEREVAN[1]), str(YEREVAN[0])),    # wrong parent: in AM, not AZ
        ("town", "nakhchivan", "city", "", str(YEREVAN[1]), str(YEREVAN[0])),         # country through two parents
        ("swapped", "azerbaijan", "city", "", str(BAKU[0]), str(BAKU[1])),           # latitude and longitude swapped
        ("anatolia", "", "city", "TR-06", str(CENTRAL_ANATOLIA[1]), str(CENTRAL_ANATOLIA[0])),  # no ancestor: ISO 3166-2
        ("no-point", "azerbaijan", "district", "", "", ""),
        ("no-country", "", "geographic_region", "", str(BAKU[1]), str(BAKU[0])),
        ("loop-a", "loop-b", "region", "", "1", "1"),
        ("loop-b", "loop-a", "region", "", "1", "1"),
    )
    out = geo.coordinates_in_country(df, None)
    assert list(out.index) == list(df.index)
    assert dict(zip(df["territory_id"], out.tolist())) == {
        "azerbaijan": True, "armenia": True, "baku": True, "nakhchivan": True, "yerevan": False, "town": False,
        "swapped": False, "anatolia": True, "no-point": True, "no-country": True, "loop-a": True, "loop-b": True}


def test_the_margin_lets_a_point_just_outside_the_border_pass():
    lon, lat = max(geo.country_shapes()["031"], key=lambda p: len(p[0]))[0][0]  # a vertex of Azerbaijan's border
    near = next(p for p in ((lon + 0.03, lat), (lon - 0.03, lat), (lon, lat + 0.03), (lon, lat - 0.03)) if not geo.inside(*p, "AZ"))
    assert geo.inside(*near, "AZ", margin=geo.MARGIN)  # 0.03 degree from the border
    assert not geo.inside(*CENTRAL_ANATOLIA, "AZ", margin=geo.MARGIN)


# ------------------------------------------------------------------ the map draws the districts and Nakhchivan from the data
def test_the_map_draws_every_district_of_territories_csv_with_its_polygon():
    from ifimes_karabakh import figures
    pkg = Dataset.load(REPO)
    svg = figures.map_svg(pkg)
    with open(REPO / "data" / "territories.csv", encoding="utf-8", newline="") as fh:
        import csv
        districts = [r for r in csv.DictReader(fh) if r["kind"] == "district"]
    assert len(districts) == 7
    polygons = figures.territory_polygons(pkg)
    assert {d["territory_id"] for d in districts} <= set(polygons)
    assert svg.count(f'fill="{figures.DISTRICT_FILL}" fill-opacity') == 7  # one area per district
    assert svg.count(f'fill="{figures.AREA_FILL}" fill-opacity') == 1       # Nakhchivan, its eight units in one path
    for d in districts:
        assert f'fill="{figures.DISTRICT}" {figures.HALO}>{d["name_en"]}</text>' in svg, d["name_en"]
    assert ">Nakhchivan</text>" in svg
    assert "Not drawn, for want of a polygon, line or point that a source read gives: Nagorno-Karabakh; Lachin corridor; Corridor through Armenia to Nakhchivan." in svg


def test_a_district_without_polygon_or_point_is_listed_as_not_drawn(pkg):
    """The districts come from territories.csv, not a list in code: a new district row without
    polygon or point is named under the map; dropping a district's feature leaves only its point."""
    import csv
    import json
    from ifimes_karabakh import figures
    path = pkg / "data" / "territories.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows_ = list(csv.DictReader(fh))
    new = dict(rows_[0], territory_id="khojavend", name_en="Khojavend", kind="district", latitude="", longitude="", point_kind="", point_source_id="")
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows_[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows_ + [new])
    gj = pkg / "data" / "territory_polygons.geojson"
    doc = json.loads(gj.read_text(encoding="utf-8"))
    doc["features"] = [f for f in doc["features"] if f["properties"]["territory_id"] != "agdam"]
    gj.write_text(json.dumps(doc), encoding="utf-8")
    svg = figures.map_svg(Dataset.load(pkg))
    assert "8 districts of territories.csv" in svg and "Not drawn, for want of a polygon, line or point that a source read gives: Nagorno-Karabakh; " in svg
    assert "Khojavend." in svg.split("Not drawn")[1].split("</text>")[0] + svg.split("Not drawn")[1].split("</text>")[1]
    assert svg.count(f'fill="{figures.DISTRICT_FILL}" fill-opacity') == 6  # Agdam lost its polygon ...
    assert f'fill="{figures.DISTRICT}" {figures.HALO}>Agdam</text>' in svg  # ... and is still labelled at its point
