"""The row-level change record (changes.py): comparison on values by key, the CHANGELOG check, the
recorded history of this repository, and hostile commits."""
import csv
import re
import json
import subprocess
from pathlib import Path

import pytest

from ifimes_karabakh import REPO, changes
from ifimes_karabakh.changes import Change, ChangesError, compare, uncovered


def table(key, rows, cols=None):
    """A snapshot entry from literal rows (dicts)."""
    cols = cols or list(rows[0])
    return (key, {"|".join(r[k] for k in key): r for r in rows}, cols, "")


def kinds(out):
    return sorted((c.table, c.row_id, c.kind, c.field, c.old_value, c.new_value) for c in out)


A = {"id": "a", "name": "Alpha", "note": ""}
B = {"id": "b", "name": "Beta", "note": "x"}


def test_same_values_in_another_order_are_no_change():
    assert compare({"t": table(["id"], [A, B])}, {"t": table(["id"], [B, A], ["id", "name", "note"])}, "1.0.0") == []


def test_a_changed_value_is_one_change_with_both_values():
    out = compare({"t": table(["id"], [A, B])}, {"t": table(["id"], [A, {**B, "name": "Beta2"}])}, "1.0.0")
    assert out == [Change("1.0.0", "t", "id", "b", "changed", "name", "Beta", "Beta2")]


def test_added_and_removed_rows():
    c = {"id": "c", "name": "Gamma", "note": ""}
    out = compare({"t": table(["id"], [A, B])}, {"t": table(["id"], [A, c])}, "1.0.0")
    assert kinds(out) == [("t", "b", "removed", "", "", ""), ("t", "c", "added", "", "", "")]


def test_a_row_whose_key_alone_changed_is_renamed():
    out = compare({"t": table(["id"], [A, B])}, {"t": table(["id"], [A, {**B, "id": "b2"}])}, "1.0.0")
    assert kinds(out) == [("t", "b2", "renamed", "", "b", "b2")]


def test_two_candidates_for_a_rename_are_not_guessed():
    twin = {"id": "b3", "name": "Beta", "note": "x"}
    out = compare({"t": table(["id"], [A, B])}, {"t": table(["id"], [A, {**B, "id": "b2"}, twin])}, "1.0.0")
    assert ("t", "b", "removed", "", "", "") in kinds(out)


def test_a_column_renamed_with_its_values_and_a_column_removed():
    old = table(["id"], [A, B])
    new = table(["id"], [{"id": "a", "label": "Alpha"}, {"id": "b", "label": "Beta"}])
    assert kinds(compare({"t": old}, {"t": new}, "1.0.0")) == [("t", "", "removed", "note", "", ""), ("t", "", "renamed", "name", "name", "label")]


def test_a_column_added_counts_once_not_per_row():
    new = table(["id"], [{**A, "qid": "Q1"}, {**B, "qid": ""}])
    assert kinds(compare({"t": table(["id"], [A, B])}, {"t": new}, "1.0.0")) == [("t", "", "added", "qid", "", "")]


def test_tables_added_and_removed():
    out = compare({"gone": table(["id"], [A])}, {"new": table(["id"], [A, B])}, "1.0.0")
    assert kinds(out) == [("gone", "", "removed", "", "", ""), ("new", "", "added", "", "", "2 rows")]


def test_a_key_of_several_fields():
    old = table(["a", "b"], [{"a": "x", "b": "y", "v": "1"}])
    new = table(["a", "b"], [{"a": "x", "b": "y", "v": "2"}])
    assert compare({"t": old}, {"t": new}, "1.0.0") == [Change("1.0.0", "t", "a|b", "x|y", "changed", "v", "1", "2")]


LOG = """# Changelog
## [Unreleased]
- claims: `kyaramyan-age` verdict corrected; 3 rows added to `events`.
- `role` value `primary` renamed `main`.
## [1.0.0] - 2026-01-01
Built from commit 0123abc.
- `b` renamed.
"""


def test_changelog_entries_and_their_commits():
    entries = changes.changelog_entries(LOG)
    assert list(entries) == ["Unreleased", "1.0.0"]
    assert entries["1.0.0"][1] == "0123abc" and entries["Unreleased"][1] is None


@pytest.mark.parametrize("change, ok", [
    (Change("9.9.9", "claims", "claim_id", "kyaramyan-age", "changed", "verdict", "imprecise", "corrected"), True),
    (Change("9.9.9", "claims", "claim_id", "kyaramyan", "changed", "verdict", "imprecise", "corrected"), False),  # a part of an ID is not the ID
    (Change("9.9.9", "claims", "claim_id", "other-claim", "changed", "verdict", "imprecise", "corrected"), False),
    (Change("9.9.9", "events", "event_id", "new-event", "added", "", "", ""), True),  # added rows may be counted
    (Change("9.9.9", "figures", "figure_id", "new-figure", "added", "", "", ""), False),
    (Change("9.9.9", "claim_sources", "claim_id|source_id", "x|y", "changed", "role", "primary", "main"), True),  # a value renamed everywhere
    (Change("9.9.9", "claim_sources", "claim_id|source_id", "x|y", "changed", "role", "primary", "other"), False),
    (Change("9.9.9", "claims", "claim_id", "", "removed", "verdict", "", ""), True),
    (Change("9.9.9", "claims", "claim_id", "", "removed", "outcome", "", ""), False),
    (Change("1.0.0", "t", "id", "b2", "renamed", "", "b", "b2"), False),  # the old ID alone is named
    (Change("1.0.0", "t", "id", "b", "removed", "", "", ""), True),
])
def test_what_the_changelog_must_name(change, ok):
    assert (uncovered([change], LOG) == []) is ok


def test_an_uncovered_change_is_located_in_the_changelog():
    [p] = uncovered([Change("9.9.9", "claims", "claim_id", "other-claim", "changed", "verdict", "a", "b")], LOG)
    assert (p.file, p.kind) == ("CHANGELOG.md", "changelog")
    assert "claims row 'other-claim' (changed verdict)" in p.message


# ------------------------------------------------------------------ this repository's history
@pytest.fixture(scope="module")
def record():
    return changes.record(REPO)


def test_the_recorded_history_names_what_0_6_0_removed(record):
    removed = {(c.version, c.table, c.row_id) for c in record if c.kind == "removed" and c.row_id}
    assert {("0.6.0", "provisions", "return-of-districts"), ("0.6.0", "statement_points", "pt6-kalbajar-lachin")} <= removed
    added = {(c.version, c.table) for c in record if c.kind == "added" and not c.row_id and not c.field}
    assert ("0.6.0", "claim_sources") in added and ("0.6.0", "mentions") in added


def test_the_shipped_record_is_current_and_the_changelog_names_every_change(record):
    assert changes.write(REPO, check=True) == []
    assert uncovered(record, (REPO / "CHANGELOG.md").read_text(encoding="utf-8")) == []


# ------------------------------------------------------------------ hostile commits
def git(cwd, *args):
    subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True)


def repo_with(tmp_path, files: dict, link=None):
    git(tmp_path, "init", "-q")
    for rel, text in files.items():
        p = tmp_path / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    if link:
        (tmp_path / link[0]).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / link[0]).symlink_to(link[1])
    git(tmp_path, "add", "-A")
    git(tmp_path, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x")
    return subprocess.run(["git", "-C", str(tmp_path), "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()


DP = {"name": "p", "version": "1.0.0", "resources": [{"name": "t", "path": "data/t.csv", "schema": "schemas/t.schema.json"}]}
SCHEMA = {"fields": [{"name": "id"}, {"name": "v"}], "primaryKey": "id"}


def test_a_commit_with_a_link_among_the_data_is_refused_by_name(tmp_path):
    commit = repo_with(tmp_path, {"datapackage.json": json.dumps(DP), "schemas/t.schema.json": json.dumps(SCHEMA)}, link=("data/t.csv", "/etc/passwd"))
    with pytest.raises(ChangesError, match=r"data/t\.csv' is not a regular file"):
        changes.snapshot(tmp_path, commit)


def test_a_commit_whose_descriptor_is_not_a_package_gets_a_located_message(tmp_path):
    commit = repo_with(tmp_path, {"datapackage.json": "null"})
    with pytest.raises(ChangesError, match=r"commit [0-9a-f]{12}: datapackage.json"):
        changes.snapshot(tmp_path, commit)


def test_a_commit_with_a_damaged_table_gets_its_line(tmp_path):
    commit = repo_with(tmp_path, {"datapackage.json": json.dumps(DP), "schemas/t.schema.json": json.dumps(SCHEMA),
                                  "data/t.csv": "id,v\na,1\n\"b,2\n"})
    with pytest.raises(ChangesError, match=r"data/t\.csv:3"):
        changes.snapshot(tmp_path, commit)


def test_an_unknown_version_is_named(tmp_path):
    with pytest.raises(ChangesError, match="records no commit"):
        changes.resolve(REPO, "Unreleased", changes.changelog_entries(LOG))
    with pytest.raises(ChangesError, match="not a version or commit"):
        changes.resolve(REPO, "--upload-pack=x", {})


def test_the_command_prints_the_changes_as_csv(capsys):
    from ifimes_karabakh.__main__ import main
    assert main(["changes", "0.5.0", "0.6.0"]) == 0
    out = capsys.readouterr()
    rows = list(csv.reader(out.out.splitlines()))
    assert rows[0] == changes.COLUMNS
    assert ["0.6.0", "provisions", "provision_id", "return-of-districts", "removed", "", "", ""] in rows
    assert "change(s)" in out.err


# ------------------------------------------------------------------ the data folder's Software Heritage ID
def test_the_data_swhid_is_git_s_own_tree_id_of_the_files_that_ship(tmp_path):
    from types import SimpleNamespace
    from ifimes_karabakh.swhid import SwhidError, data_swhid
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "b.csv").write_bytes(b"id\nb\n")
    (tmp_path / "data" / "a.csv").write_bytes(b"id\na\n")
    pkg = SimpleNamespace(root=tmp_path, resources=[SimpleNamespace(path="data/a.csv"), SimpleNamespace(path="data/b.csv")], files=[])
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "data")
    tree = subprocess.run(["git", "-C", str(tmp_path), "write-tree", "--prefix=data/"], capture_output=True, text=True).stdout.strip()
    assert data_swhid(pkg) == f"swh:1:dir:{tree}"
    (tmp_path / "data" / ".notes").write_text("not listed, not shipped")
    assert data_swhid(pkg) == f"swh:1:dir:{tree}"
    (tmp_path / "data" / "a.csv").write_bytes(b"id\na2\n")
    assert data_swhid(pkg) != f"swh:1:dir:{tree}"
    (tmp_path / "data" / "a.csv").unlink()
    (tmp_path / "data" / "a.csv").mkdir()
    with pytest.raises(SwhidError, match="data/a.csv is not a regular file"):
        data_swhid(pkg)


def test_each_recorded_data_swhid_is_the_tree_that_release_shipped():
    """A release's entry that records `swh:1:dir:` records git's tree of data/ at the commit it
    was built from (and the release's `swh:1:rev:` is that commit)."""
    checked = 0
    for version, (entry, commit) in changes.changelog_entries((REPO / "CHANGELOG.md").read_text(encoding="utf-8")).items():
        recorded = re.findall(r"swh:1:dir:([0-9a-f]{40})", entry)
        if not recorded or not commit:
            continue
        tree = subprocess.run(["git", "-C", str(REPO), "rev-parse", f"{commit}:data"], capture_output=True, text=True).stdout.strip()
        full = subprocess.run(["git", "-C", str(REPO), "rev-parse", commit], capture_output=True, text=True).stdout.strip()
        assert recorded == [tree], version
        assert f"swh:1:rev:{full}" in entry, version
        checked += 1
    assert checked >= 1  # 0.7.0 records both
