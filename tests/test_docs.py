"""What is generated from the package: README blocks, codebook, figures, CITATION.cff."""
import datetime
import json
import re
import shutil

import jsonschema
import pytest
import yaml

from conftest import copy_package
from ifimes_karabakh import REPO
from ifimes_karabakh.descriptor import load_package
from ifimes_karabakh.docs import DocsError, changelog_problems, fill_blocks, write

CFF_SCHEMA = REPO / "vendor" / "cff-schema-1.2.0.json"


@pytest.fixture
def repo_copy(tmp_path):
    """The package with the files generated from it, to change."""
    dest = copy_package(tmp_path / "repo")
    for f in ("README.md", "CHANGELOG.md", "CITATION.cff"):
        shutil.copy(REPO / f, dest / f)
    shutil.copytree(REPO / "docs", dest / "docs")
    return dest


def test_every_generated_file_is_current():
    assert write(load_package(REPO), check=True) == ([], [])


def test_a_changed_description_makes_the_codebook_stale(repo_copy):
    p = repo_copy / "schemas" / "events.schema.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    s["fields"][0]["description"] += " Changed."
    p.write_text(json.dumps(s), encoding="utf-8")
    stale, _ = write(load_package(repo_copy), check=True)
    assert stale == ["docs/codebook.md"]
    write(load_package(repo_copy), check=False)
    assert write(load_package(repo_copy), check=True) == ([], [])


def test_a_new_version_changes_citation_readme_and_codebook_and_needs_a_changelog_entry(repo_copy):
    p = repo_copy / "datapackage.json"
    dp = json.loads(p.read_text(encoding="utf-8"))
    dp["version"] = "9.9.9"
    p.write_text(json.dumps(dp), encoding="utf-8")
    stale, problems = write(load_package(repo_copy), check=True)
    assert set(stale) == {"README.md", "CITATION.cff", "docs/codebook.md"}
    assert len(problems) == 1 and problems[0].startswith("CHANGELOG.md:") and "9.9.9" in problems[0]


BLOCKS = {"a": lambda: "generated A", "b": lambda: "generated B"}


def test_blocks_are_filled_and_hand_written_lines_kept():
    text = "intro\n<!-- a:start -->\nold\n<!-- a:end -->\nmiddle\n<!-- b:start -->\n<!-- b:end -->\nend"
    assert fill_blocks(text, BLOCKS) == "intro\n<!-- a:start -->\ngenerated A\n<!-- a:end -->\nmiddle\n<!-- b:start -->\ngenerated B\n<!-- b:end -->\nend"


@pytest.mark.parametrize("text,what", [
    ("x <!-- a:start --> in prose\n<!-- a:end -->\n<!-- b:start -->\n<!-- b:end -->", "alone on its line"),
    ("<!-- a:start -->\n<!-- b:start -->\n<!-- b:end -->\n<!-- a:end -->", "inside block"),
    ("<!-- a:start -->\nkept?\n<!-- b:start -->\n<!-- b:end -->", "inside block"),
    ("<!-- a:start -->\n<!-- a:end -->\n<!-- b:start -->\nhand-written lines", "not closed"),
    ("<!-- a:end -->\n<!-- b:start -->\n<!-- b:end -->", "without its start"),
    ("<!-- a:start -->\n<!-- a:end -->", "blocks missing: b"),
    ("<!-- a:start -->\n<!-- a:end -->\n<!-- b:start -->\n<!-- b:end -->\n<!-- c:start -->\n<!-- c:end -->", "unknown block"),
    ("<!-- a:start -->\n<!-- a:end -->\n<!-- a:start -->\n<!-- a:end -->\n<!-- b:start -->\n<!-- b:end -->", "appears twice"),
])
def test_malformed_markers_fail_instead_of_eating_lines(text, what):
    with pytest.raises(DocsError, match=what):
        fill_blocks(text, BLOCKS)


def test_citation_cff_is_valid_cff_1_2_0_and_says_what_datapackage_says():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    cff["date-released"] = str(cff["date-released"])
    schema = json.loads(CFF_SCHEMA.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER).iter_errors(cff)]
    assert errors == []
    dp = json.loads((REPO / "datapackage.json").read_text(encoding="utf-8"))
    assert (cff["type"], cff["title"], cff["version"], cff["keywords"]) == ("dataset", dp["title"], dp["version"], dp["keywords"])
    assert cff["date-released"] == dp["created"][:10]
    datetime.date.fromisoformat(cff["date-released"])


def test_changelog_top_release_matches_the_package():
    assert changelog_problems(load_package(REPO)) == []


def test_readme_states_no_version_outside_generated_blocks():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    hand_written = re.sub(r"<!-- (\w+):start -->.*?<!-- \1:end -->", "", readme, flags=re.S)
    assert re.findall(r"\b\d+\.\d+\.\d+\b", hand_written) == []


def test_readme_opens_with_the_two_commands_that_ci_runs():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("```")[1]
    assert "./dp validate" in first_block and "./dp test" in first_block
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert "./dp validate" in ci and "./dp test" in ci
