"""Shared fixtures: a copy of the package to damage, CSV editing helpers, and the article."""
import json
import os
import shutil
from pathlib import Path

import pytest

from ifimes_karabakh import REPO, hostile
from ifimes_karabakh.article import Article, source_path
from ifimes_karabakh.validate import validate

PACKAGE_PARTS = ["datapackage.json", "data", "schemas", "texts"]


def pytest_collection_modifyitems(config, items):
    """Under `./dp mutate` only (mutmut names the mutant under test in MUTANT_UNDER_TEST): the
    fastest tests first, by the durations mutmut measured (mutmut-stats.json, in mutants/, the
    folder it runs in). mutmut stops at a mutant's first failing test (-x), and hands the tests
    over as a set, in no order: a mutant that a literal-row test kills in a millisecond then no
    longer waits for the whole-package tests. What runs, and so what is killed, is unchanged."""
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text(encoding="utf-8"))["duration_by_test"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    items.sort(key=lambda item: (durations.get(item.nodeid, 1.0), item.nodeid))
    # `./dp mutate --fast` (mutate.FAST_TEST_SECONDS): only the tests that took less than that in
    # mutmut's measuring run, and every literal-row case of test_rules.py (slow there only because
    # that run executes rules.py again for each of them). A mutant that only a whole-package test
    # would notice then survives: the share killed is a lower bound.
    fast = os.environ.get("IFIMES_MUTATE_FAST_SECONDS")
    if fast:
        slow = [i for i in items if durations.get(i.nodeid, 1.0) >= float(fast) and not i.nodeid.startswith("tests/test_rules.py::")]
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = [i for i in items if i not in slow]


def copy_package(dest: Path, hashes=False) -> Path:
    """A copy of the package; without the resources' `hash` unless asked, so that a test sees the
    damage it makes to a file and not also the hash it breaks (tests/test_readers.py tests hashes)."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, dest / part)
    if not hashes:
        dp = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
        for r in dp["resources"]:
            r.pop("hash", None)
        (dest / "datapackage.json").write_text(json.dumps(dp, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return dest


@pytest.fixture
def pkg(tmp_path):
    """A fresh copy of the package (datapackage.json, data/, schemas/) to damage."""
    return copy_package(tmp_path / "pkg")


def require_article():
    """The article text must be present in CI; elsewhere a test that needs it is skipped, saying why."""
    path = source_path()
    if path.is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"source text missing at {path}: CI must check every quote against it")
    pytest.skip(f"source text not found at {path} (set IFIMES_SOURCE_TEXT); quote checks skipped")


@pytest.fixture(scope="session")
def article():
    out = []
    art = Article.read(require_article(), out)
    assert not out
    return art


# ------------------------------------------------------------------ editing a copied table
read, write = hostile.rows, hostile.save  # a table of a copied package as lists of cells, and back


def line_of(pkg, table, column, pred):
    """The CSV line (header = 1) of the first row whose column satisfies pred."""
    rows = read(pkg, table)
    j = rows[0].index(column)
    return next(i for i, r in enumerate(rows[1:], start=2) if pred(r[j]))


def set_cell(pkg, table, line, column, value):
    """Set one cell (line: the CSV line, header = 1); returns the old value."""
    rows = read(pkg, table)
    j = rows[0].index(column)
    old, rows[line - 1][j] = rows[line - 1][j], value
    write(pkg, table, rows)
    return old


def found(folder):
    """Validate in-process; the problems as (file, row, column, kind) tuples, and the result."""
    res = validate(Path(folder))
    return {(p.file, p.row, p.column, p.kind) for p in res.problems}, res
