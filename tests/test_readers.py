"""Other readers of the package: Data Package v2 as the descriptor declares it, the boilerplate
every resource carries (written once, by `./dp schemas`), frictionless 5 and categories, and the
legacy v1 readers (Python `datapackage` 1.15.4, npm `datapackage` 1.1.10), each in an environment of
its own (tests/legacy/envs.py builds them on first use)."""
import csv
import hashlib
import json
import os
import shutil
import subprocess

import frictionless
import pytest

from conftest import copy_package
from ifimes_karabakh import REPO, fields
from ifimes_karabakh.descriptor import READ_DIALECT, load, load_package
from legacy import envs

LEGACY = REPO / "tests" / "legacy"


def descriptor(root=REPO):
    return json.loads((root / "datapackage.json").read_text(encoding="utf-8"))


def save(root, dp):
    (root / "datapackage.json").write_text(json.dumps(dp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def csv_rows(root=REPO):
    """Rows (without the header) of every resource's CSV, as Python's csv module counts them."""
    out = {}
    for r in (x for x in descriptor(root)["resources"] if "schema" in x):  # the tables (not the GeoJSON resource)
        with open(root / r["path"], encoding="utf-8", newline="") as fh:
            out[r["name"]] = sum(1 for _ in csv.reader(fh)) - 1
    return out


# ------------------------------------------------------------------ Data Package v2, written once
def test_descriptor_declares_v2_and_every_resource_its_boilerplate():
    dp = descriptor()
    assert fields.render_package(dp) == dp, "datapackage.json is stale: run ./dp schemas"
    assert list(dp)[0] == "$schema" and dp["$schema"] == "https://datapackage.org/profiles/2.0/datapackage.json"
    assert "profile" not in dp and all("profile" not in r for r in dp["resources"])
    assert all(c["roles"] and "role" not in c for c in dp["contributors"])
    for r in (x for x in dp["resources"] if "schema" in x):  # the tables; the GeoJSON resource: tests/test_geojson.py
        assert {k: r[k] for k in fields.RESOURCE_DEFAULTS} == fields.RESOURCE_DEFAULTS, r["name"]
        assert r["type"] == "table" and r["dialect"] == READ_DIALECT
        assert r["$schema"] == "https://datapackage.org/profiles/2.0/dataresource.json"
    for r in load_package(REPO).resources:
        assert r.schema["$schema"] == "https://datapackage.org/profiles/2.0/tableschema.json", r.schema_file


def test_a_new_resource_needs_only_name_path_schema_and_title(pkg):
    for ext, folder in (("csv", "data"), ("schema.json", "schemas")):
        shutil.copy(pkg / folder / f"figures.{ext}", pkg / folder / f"figures_copy.{ext}")
    dp = descriptor(pkg)
    dp["resources"].append({"name": "figures_copy", "path": "data/figures_copy.csv",
                            "schema": "schemas/figures_copy.schema.json", "title": "A copy of figures"})
    save(pkg, dp)
    assert "datapackage.json" in fields.write(pkg, check=True)
    fields.write(pkg, check=False)
    assert fields.write(pkg, check=True) == []
    new = descriptor(pkg)["resources"][-1]
    assert new == {"$schema": fields.PROFILES["dataresource"], "name": "figures_copy", "type": "table",
                   "path": "data/figures_copy.csv", "title": "A copy of figures", "format": "csv",
                   "mediatype": "text/csv", "encoding": "utf-8", "dialect": READ_DIALECT,
                   "hash": "sha256:" + hashlib.sha256((pkg / "data" / "figures_copy.csv").read_bytes()).hexdigest(),
                   "schema": "schemas/figures_copy.schema.json"}
    assert list(new) == list(descriptor(pkg)["resources"][0])  # the same key order as every other resource


def test_every_resource_carries_the_hash_of_its_bytes_and_a_changed_file_makes_it_stale(tmp_path):
    pkg = copy_package(tmp_path / "pkg", hashes=True)
    for r in descriptor(pkg)["resources"]:
        assert r["hash"] == "sha256:" + hashlib.sha256((pkg / r["path"]).read_bytes()).hexdigest(), r["name"]
    from ifimes_karabakh.validate import validate
    assert not [p for p in validate(pkg).problems if p.kind == "hash"]
    with open(pkg / "data" / "figures.csv", "a", encoding="utf-8") as fh:
        fh.write("\n")
    assert fields.write(pkg, check=True) == ["datapackage.json"]
    assert [(p.file, p.row, p.column) for p in validate(pkg).problems if p.kind == "hash"] == [("data/figures.csv", None, None)]


def test_schemas_check_fails_when_the_boilerplate_differs_and_schemas_rewrites_it(pkg):
    fields.write(pkg, check=False)  # the copy as `./dp schemas` leaves it
    dp = descriptor(pkg)
    dp["resources"][3]["dialect"]["delimiter"] = ";"
    dp["resources"][4]["profile"] = "tabular-data-resource"
    dp["contributors"] = [{"title": "x", "role": "author"}]
    del dp["$schema"]
    save(pkg, dp)
    p = pkg / "schemas" / "events.schema.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    del s["$schema"]
    p.write_text(json.dumps(s), encoding="utf-8")
    assert sorted(fields.write(pkg, check=True)) == ["datapackage.json", "schemas/events.schema.json"]
    fields.write(pkg, check=False)
    assert fields.write(pkg, check=True) == []
    dp = descriptor(pkg)
    assert dp["resources"][3]["dialect"]["delimiter"] == "," and "profile" not in dp["resources"][4]
    assert dp["contributors"] == [{"title": "x", "roles": ["author"]}] and list(dp)[0] == "$schema"


def test_the_schemas_command_checks_the_descriptor_too():
    from ifimes_karabakh.__main__ import main
    stale = fields.write(REPO, check=True)
    assert "datapackage.json" not in stale
    assert main(["schemas", "--check"]) == (1 if stale else 0)


@pytest.mark.parametrize("change,column", [
    (lambda r: r["dialect"].update(delimiter=";"), "resources[7].dialect.delimiter"),
    (lambda r: r["dialect"].update(quoteChar="'"), "resources[7].dialect.quoteChar"),
    (lambda r: r["dialect"].update(lineTerminator="\r\n"), "resources[7].dialect.lineTerminator"),
    (lambda r: r["dialect"].update(escapeChar="\\"), "resources[7].dialect.escapeChar"),
    (lambda r: r["dialect"].update(doubleQuote=1), "resources[7].dialect.doubleQuote"),
    (lambda r: r.update(dialect="dialect.json"), "resources[7].dialect"),
    (lambda r: r.update(encoding="latin-1"), "resources[7].encoding"),
    (lambda r: r.update(format="xlsx"), "resources[7].format"),
    (lambda r: r.update(type="json"), "resources[7].type"),
    (lambda r: r.update({"$schema": 2}), "resources[7].$schema"),
])
def test_a_resource_that_declares_what_the_validator_does_not_read_is_reported(pkg, change, column):
    dp = descriptor(pkg)
    change(dp["resources"][7])
    save(pkg, dp)
    out = []
    load(pkg, out)
    assert [(p.file, p.column) for p in out] == [("datapackage.json", column)], out


def test_a_dialect_that_says_what_the_validator_reads_passes(pkg):
    dp = descriptor(pkg)
    dp["resources"][7]["dialect"] = {"delimiter": ",", "header": True, "skipInitialSpace": False, "csvddfVersion": 1.2}
    save(pkg, dp)
    out = []
    load(pkg, out)
    assert out == []


# ------------------------------------------------------------------ frictionless 5 and categories
def verdict_report(pkg, keep_enum):
    """frictionless's report on claims, with one verdict outside the categories."""
    path = pkg / "data" / "claims.csv"
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    rows[1][rows[0].index("verdict")] = "probable"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)
    p = pkg / "schemas" / "claims.schema.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    verdict = next(f for f in s["fields"] if f["name"] == "verdict")
    assert "probable" not in [c["value"] for c in verdict["categories"]]
    if not keep_enum:
        del verdict["constraints"]["enum"]
    p.write_text(json.dumps(s), encoding="utf-8")
    return frictionless.Package(str(pkg / "datapackage.json")).get_resource("claims").validate()


def test_frictionless_reports_a_value_outside_the_categories_through_the_enum(pkg):
    report = verdict_report(pkg, keep_enum=True)
    errors = report.flatten(["rowNumber", "fieldName", "type"])
    assert [e for e in errors if e[1] == "verdict"] == [[2, "verdict", "constraint-error"]], errors


def test_frictionless_5_does_not_check_categories_so_the_enum_stays(pkg):
    """frictionless 5.21 ignores `categories`, even under Data Package v2: without constraints.enum
    the same value passes. fields.py writes the enum from the categories for that reason. If this
    fails, frictionless has learned to check categories."""
    report = verdict_report(pkg, keep_enum=False)
    assert not [e for e in report.flatten(["fieldName", "type"]) if e[0] == "verdict"]


# ------------------------------------------------------------------ legacy readers (Data Package v1)
@pytest.fixture(scope="module")
def legacy_python():
    return envs.python()


@pytest.fixture(scope="module")
def legacy_node():
    try:
        return envs.node()
    except envs.Unavailable as e:
        if os.environ.get("CI"):
            pytest.fail(f"{e}: CI must run the npm reader")
        pytest.skip(str(e))


def read_with(cmd, descriptor_path):
    p = subprocess.run([*cmd, str(descriptor_path)], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout)


def test_python_datapackage_1_15_4_reads_every_table(legacy_python):
    got = read_with([legacy_python, LEGACY / "read_datapackage.py"], REPO / "datapackage.json")
    assert (got["valid"], got["errors"]) == (True, [])
    assert got["rows"] == csv_rows()


def test_npm_datapackage_1_1_10_reads_every_table(legacy_node):
    got = read_with([legacy_node, LEGACY / "read_datapackage.js"], REPO / "datapackage.json")
    assert (got["valid"], got["errors"]) == (True, [])
    assert got["rows"] == csv_rows()


def test_without_the_dialect_the_legacy_reader_guesses_and_fails(legacy_python, pkg):
    """Why the dialect is declared: without it the v1 reader guesses the quote character of
    resolutions.csv (`'`) and stops on a row of the wrong length."""
    dp = descriptor(pkg)
    for r in dp["resources"]:
        r.pop("dialect", None)
    save(pkg, dp)
    p = subprocess.run([legacy_python, LEGACY / "read_datapackage.py", pkg / "datapackage.json"],
                       capture_output=True, text=True, timeout=120)
    assert p.returncode != 0 and "Row length" in p.stderr, p.stdout + p.stderr[-2000:]
