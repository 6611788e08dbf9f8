"""The real package is valid, by the project's validator and by frictionless as a user runs it."""
import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, require_source_text, run_validate


def test_validate_command_passes_on_the_package():
    require_source_text()
    code, out = run_validate(ROOT)
    assert code == 0, out
    assert "0 problem(s) found" in out
    assert "SKIPPED" not in out
    assert out.count("PASS ") == len(json.loads((ROOT / "datapackage.json").read_text())["resources"])


def test_frictionless_cli_alone_says_valid():
    exe = Path(sys.executable).parent / "frictionless"
    p = subprocess.run([str(exe), "validate", "datapackage.json"], cwd=ROOT, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr


def test_every_resource_has_its_schema_and_descriptions():
    dp = json.loads((ROOT / "datapackage.json").read_text())
    names = {p.stem.removesuffix(".schema") for p in (ROOT / "schemas").glob("*.schema.json")}
    assert names == {r["name"] for r in dp["resources"]}
    for r in dp["resources"]:
        schema = json.loads((ROOT / r["schema"]).read_text())
        assert schema["primaryKey"], r["name"]
        for f in schema["fields"]:
            assert f.get("description"), f"{r['name']}.{f['name']} has no description"
        with open(ROOT / r["path"], encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == [f["name"] for f in schema["fields"]]


def test_validator_says_when_quote_check_is_skipped(tmp_path):
    """Outside CI, a missing source text is reported as skipped, never silently passed."""
    code, out = run_validate(ROOT, {"IFIMES_SOURCE_TEXT": str(tmp_path / "absent.txt"), "CI": ""})
    assert "SKIPPED: quote and SHA-256 checks" in out and "absent.txt" in out
    code, out = run_validate(ROOT, {"IFIMES_SOURCE_TEXT": str(tmp_path / "absent.txt"), "CI": "true"})
    assert code == 1 and "source text not found" in out


def test_readme_tables_are_current():
    """The table of tables and the verdict counts in README.md are generated; stale ones fail."""
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "make_readme_tables.py"), "--check"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


def test_readme_opens_with_the_two_commands_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "make validate" in first_block and "make test" in first_block
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make validate" in ci and "make test" in ci


def test_cited_code_list_is_the_installed_pycountry():
    """ISO codes are checked against pycountry; the version cited in sources.csv is the one installed."""
    from importlib.metadata import version

    with open(ROOT / "data" / "sources.csv", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["kind"] == "code_list")
    assert f"pycountry {version('pycountry')}:" in row["title"]
    assert row["url"].rstrip("/").endswith(version("pycountry"))
