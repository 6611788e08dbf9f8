"""The release (ifimes_karabakh.release), built in-process from a temporary git clone of the repository
(the committed files only): two builds are byte-identical, SHA256SUMS verifies, the archive holds
exactly the files that should ship (never an untracked, ignored or hidden one), a dirty working tree
or an unsafe package name or version is refused without writing anything, and the unpacked archive
validates. Also: one version everywhere, and the figures are those render() draws."""
import hashlib
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ifimes_karabakh import __main__ as cli
from ifimes_karabakh import release
from ifimes_karabakh.dataset import Dataset
from ifimes_karabakh.descriptor import load_package
from ifimes_karabakh.release import ReleaseError
from ifimes_karabakh.validate import validate

REPO = Path(__file__).resolve().parent.parent
FRICTIONLESS = shutil.which("frictionless", path=str(Path(sys.executable).parent)) or shutil.which("frictionless")
DOCUMENTS = ["README.md", "CHANGELOG.md", "CITATION.cff", "CONTRIBUTING.md", "LICENSE", "LICENSE-DATA.md", "datapackage.json",
             "docs/codebook.md", "docs/dataset.jsonld"]
# Files that exist in the clone's working tree but are not tracked: none may ship.
STRAYS = ["schemas/x.schema.json", ".hidden", "docs/.hidden.svg", "docs/figures/stray.svg",
          "docs/figures/.hidden.svg", "docs/figures/ignored.svg", "data/.notes.csv"]


def git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.org", *args],
                          cwd=cwd, check=True, capture_output=True, text=True).stdout


def clone(src, dest: Path) -> Path:
    subprocess.run(["git", "clone", "-q", str(src), str(dest)], check=True, capture_output=True)
    return dest


def tree(folder: Path) -> set:
    """Every path under folder except inside .git (what a build could have written)."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if ".git" not in p.relative_to(folder).parts}


def unrecord(dest: Path):
    """The clone as a release being made: the CHANGELOG entry of its version records no commit yet
    (the repository's own entry may record the commit a released version was built from)."""
    version = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))["version"]
    text = (dest / "CHANGELOG.md").read_text(encoding="utf-8")
    head = f"## [{version}]"
    if head in text:
        start = text.index(head)
        end = text.find("\n## [", start + 1)
        end = len(text) if end < 0 else end
        entry = re.sub(r"\bcommit\s+`?[0-9a-f]{7,40}\b`?", "a commit", text[start:end])
        (dest / "CHANGELOG.md").write_text(text[:start] + entry + text[end:], encoding="utf-8")
        if git(dest, "status", "--porcelain"):
            git(dest, "commit", "-qam", "the version's entry records no commit yet")


def record(dest: Path, commit: str) -> str:
    """Record in the clone's CHANGELOG that its version was built from commit, and commit that; the version."""
    version = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))["version"]
    text = (dest / "CHANGELOG.md").read_text(encoding="utf-8")
    head = next(line for line in text.splitlines() if line.startswith(f"## [{version}]"))
    text = text.replace(head, f"{head}\n\nArchive built by `./dp release` from commit {commit}.", 1)
    (dest / "CHANGELOG.md").write_text(text, encoding="utf-8")
    git(dest, "commit", "-qam", f"record {version}")
    return version


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    """A clone of the repository (its last commit), with untracked, ignored and hidden strays."""
    dest = clone(REPO, tmp_path_factory.mktemp("clone") / "repo")
    unrecord(dest)
    with open(dest / ".git" / "info" / "exclude", "a", encoding="utf-8") as fh:
        fh.write("docs/figures/ignored.svg\n")
    for rel in STRAYS:
        (dest / rel).write_text('{"fields": []}' if rel.endswith(".json") else "<svg/>\n", encoding="utf-8")
    assert git(dest, "status", "--porcelain", "--ignored").count("\n") == len(STRAYS)
    return dest


@pytest.fixture(scope="module")
def built(repo, tmp_path_factory):
    return release.build(repo, tmp_path_factory.mktemp("dist") / "dist")


@pytest.fixture
def scratch(repo, tmp_path):
    """A fresh clone of the clone, to damage."""
    return clone(repo, tmp_path / "scratch")


@pytest.fixture(scope="module")
def unpacked(built, tmp_path_factory):
    folder = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(built[0]) as zf:
        zf.extractall(folder)  # entry names are checked by test_archive_holds_exactly_what_ships
    return folder / built[0].name.removesuffix(".zip")


def expected_members(repo):
    pkg = load_package(repo)
    files = set(DOCUMENTS) | {f"docs/figures/{p.name}" for p in (repo / "docs" / "figures").glob("*.svg")}
    files |= {f"texts/{p.name}" for p in (repo / "texts").glob("*.txt")}
    for r in pkg.resources:
        files |= {r.path, r.schema_file, f"parquet/{r.name}.parquet"}
    files |= {f.path for f in pkg.files}  # the GeoJSON resource ships too
    return files - set(STRAYS)


# --- the files written ---------------------------------------------------------------------------

def test_writes_the_files_named_after_the_package(repo, built):
    dp = json.loads((repo / "datapackage.json").read_text(encoding="utf-8"))
    stem, db = f"{dp['name']}-{dp['version']}", f"{dp['name']}-{dp['version'].replace('.', '_')}"
    tables = [r["name"] for r in dp["resources"] if r.get("type") == "table"]
    assert [p.name for p in built] == [f"{stem}.zip", f"{db}.sqlite", f"{db}-datasette-metadata.json",
                                       *(f"{stem}-{t}.parquet" for t in tables), "SHA256SUMS"]
    assert sorted(p.name for p in built[0].parent.iterdir()) == sorted(p.name for p in built)  # no temporary file left


def test_two_builds_are_byte_identical(repo, built, tmp_path):
    again = release.build(repo, tmp_path / "again")
    for a, b in zip(built, again):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name


def test_checksums_verify(built):
    *files, sums = built
    lines = sums.read_text(encoding="utf-8").splitlines()
    assert lines == [f"{hashlib.sha256(p.read_bytes()).hexdigest()}  {p.name}" for p in files]
    if shutil.which("sha256sum"):
        p = subprocess.run(["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=sums.parent, capture_output=True, text=True)
        assert p.returncode == 0, p.stdout + p.stderr


def test_archive_holds_exactly_what_ships(repo, built):
    archive = built[0]
    top = archive.name.removesuffix(".zip")
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        for i in infos:
            rel = i.filename.removeprefix(top + "/")
            assert i.filename.startswith(top + "/") and not rel.startswith("/"), i.filename
            assert all(part not in ("", ".", "..") for part in rel.split("/")) and "\\" not in rel, i.filename
            assert (i.date_time, i.external_attr >> 16, i.create_system) == ((1980, 1, 1, 0, 0, 0), 0o100644, 3), i.filename
            source = "docs/archive-README.md" if rel == "README.md" else rel  # the data users' README
            if rel.startswith("parquet/"):  # built from the CSVs (tests/test_parquet.py reads them back)
                assert zf.read(i)[:4] == b"PAR1", i.filename
                continue
            assert zf.read(i) == (repo / source).read_bytes(), i.filename
    have = {n.removeprefix(top + "/") for n in names}
    assert have == expected_members(repo)
    assert not have & set(STRAYS)
    assert {"docs/figures/tables.svg", "docs/figures/timeline.svg"} <= have


def test_archive_readme_names_only_files_the_archive_holds(built):
    """The README inside the archive is for data users: every path it names is in the archive."""
    import re
    top = built[0].name.removesuffix(".zip")
    with zipfile.ZipFile(built[0]) as zf:
        have = {n.removeprefix(top + "/") for n in zf.namelist()}
        readme = zf.read(f"{top}/README.md").decode("utf-8")
    assert readme.startswith("# ") and "frictionless validate datapackage.json" in readme
    named = set(re.findall(r"(?<![\w/.-])((?:data|schemas|docs)/[\w./-]+\.\w+|[A-Z][A-Z-]+\.(?:md|cff)|datapackage\.json)", readme))
    assert named and named <= have, named - have
    assert "./dp" not in readme and "make " not in readme and "sys.path" not in readme


# --- refusals --------------------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["edited", "staged", "deleted"])
def test_uncommitted_changes_to_a_shipped_file_are_refused(scratch, tmp_path, how):
    data_file = load_package(scratch).resources[0].path
    path = scratch / data_file
    if how == "deleted":
        path.unlink()
    else:
        path.write_bytes(path.read_bytes() + b"\n")
        if how == "staged":
            git(scratch, "add", data_file)
    out = tmp_path / "out"
    with pytest.raises(ReleaseError, match=f"uncommitted changes.*{re.escape(data_file)}"):
        release.build(scratch, out)
    assert not out.exists()


def test_a_file_git_does_not_track_is_refused(scratch, tmp_path):
    git(scratch, "rm", "-q", "--cached", "docs/codebook.md")
    git(scratch, "commit", "-q", "-m", "untrack the codebook")
    with pytest.raises(ReleaseError, match="not tracked by git: docs/codebook.md"):
        release.build(scratch, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_tracked_link_is_refused(scratch, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not part of the package\n", encoding="utf-8")
    (scratch / "LICENSE").unlink()
    (scratch / "LICENSE").symlink_to(outside)
    git(scratch, "commit", "-q", "-am", "LICENSE becomes a link")
    with pytest.raises(ReleaseError, match="LICENSE.*link"):
        release.build(scratch, tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("key, value", [("name", "../../escaped"), ("name", "/tmp/escaped"), ("name", "a..b"),
                                        ("version", "1.0.0/../x"), ("version", "../../escaped")])
def test_an_unsafe_name_or_version_is_refused_and_nothing_is_written(scratch, tmp_path, key, value):
    assert set(tmp_path.iterdir()) == {scratch}
    dp = json.loads((scratch / "datapackage.json").read_text(encoding="utf-8"))
    dp[key] = value
    with pytest.raises(ReleaseError, match=key):  # the release's own check, whatever the descriptor's
        release.release_name(dp)
    (scratch / "datapackage.json").write_text(json.dumps(dp, indent=2), encoding="utf-8")
    git(scratch, "commit", "-q", "-am", "unsafe name or version")  # refused for the name, not for a dirty tree
    before = tree(tmp_path)
    out = tmp_path / "deep" / "out"
    with pytest.raises(ReleaseError, match=key):
        release.build(scratch, out)
    assert tree(tmp_path) == before  # not even the out folder
    naive = f"{dp['name']}-{dp['version']}"  # where joining the names unchecked would have written
    assert not any((out / f"{naive}{suffix}").exists() for suffix in (".zip", ".sqlite", ".zip.tmp", ".sqlite.tmp"))
    assert not list(tmp_path.parent.glob("*escaped*")) and not list(tmp_path.glob("**/*escaped*"))


@pytest.mark.parametrize("rel", ["../x", "/etc/x", "a/../../x", "a//b", "./a", "a\\..\\b"])
def test_an_archive_entry_outside_the_top_folder_is_refused(tmp_path, rel):
    with pytest.raises(ReleaseError, match="not a plain relative path"):
        release.write_zip(tmp_path / "a.zip", "pkg-1.0.0", {"README.md": b"", rel: b"x"})


def test_cli_prints_the_paths_or_refuses_with_exit_1(scratch, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "REPO", scratch)
    stem = release.release_name(load_package(scratch).descriptor)
    assert cli.main(["release", "--out", str(tmp_path / "ok")]) == 0
    db = stem.replace(".", "_")
    printed = capsys.readouterr().out.splitlines()
    assert printed[:3] == [str(tmp_path / "ok" / n) for n in (f"{stem}.zip", f"{db}.sqlite", f"{db}-datasette-metadata.json")]
    assert printed[-1] == str(tmp_path / "ok" / "SHA256SUMS") and all(p.endswith(".parquet") for p in printed[3:-1])
    (scratch / "LICENSE").write_text("changed\n", encoding="utf-8")
    assert cli.main(["release", "--out", str(tmp_path / "refused")]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and "refused: uncommitted changes" in captured.err and "LICENSE" in captured.err
    assert "Traceback" not in captured.err and not (tmp_path / "refused").exists()


def test_cli_refuses_to_release_an_invalid_package(scratch, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "REPO", scratch)
    path = scratch / "data" / "figures.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",km,", ",parsecs,", 1), encoding="utf-8")
    git(scratch, "commit", "-qam", "an invalid unit")
    assert cli.main(["release", "--out", str(tmp_path / "out")]) == 1
    assert "problem(s)" in capsys.readouterr().err and not (tmp_path / "out").exists()


# --- the unpacked archive ------------------------------------------------------------------------

def test_unpacked_archive_validates(unpacked):
    res = validate(unpacked)
    assert res.problems == [], "\n".join(str(p) for p in res.problems)
    assert all(n is not None for n in res.rows.values()) and len(res.rows) == len(load_package(unpacked).resources) + len(load_package(unpacked).files)


def test_unpacked_archive_validates_with_frictionless(unpacked):
    """The standard tool, away from the repository (frictionless is in requirements-dev.txt)."""
    assert FRICTIONLESS, "frictionless is missing: ./dp test installs requirements-dev.txt"
    p = subprocess.run([FRICTIONLESS, "validate", "datapackage.json"], cwd=unpacked, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr


# --- current files, and the commit CHANGELOG records ------------------------------------------------

def edit_schema_description(root):
    p = root / "schemas" / "events.schema.json"
    p.write_text(p.read_text(encoding="utf-8").replace('"description": "', '"description": "Edited by hand. ', 1), encoding="utf-8")


def edit_shared_field(root):
    p = root / "schemas" / "events.schema.json"
    s = json.loads(p.read_text(encoding="utf-8"))
    next(f for f in s["fields"] if f["name"] == "quote")["description"] = "Edited by hand."
    p.write_text(json.dumps(s, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def edit_day_column(root):
    p = root / "data" / "events.csv"
    text = p.read_text(encoding="utf-8")
    p.write_text(text.replace(",1993,1993-01-01,1993-12-31,", ",1993,1993-01-01,1993-12-30,", 1), encoding="utf-8")
    assert p.read_text(encoding="utf-8") != text


def edit_changelog_date(root):
    p = root / "CHANGELOG.md"
    version = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))["version"]
    p.write_text(re.sub(rf"^## \[{re.escape(version)}\] - \S+", f"## [{version}] - 1999-01-01", p.read_text(encoding="utf-8"), count=1, flags=re.M), encoding="utf-8")


def test_a_stale_generated_file_is_refused(scratch, tmp_path):
    """Each of the four edits alone makes one message; all are named at once."""
    for edit in (edit_schema_description, edit_shared_field, edit_day_column, edit_changelog_date):
        edit(scratch)
    git(scratch, "commit", "-qam", "stale generated files, committed")
    with pytest.raises(ReleaseError, match="^generated files are stale or disagree, and would ship so: ") as e:
        release.build(scratch, tmp_path / "out")
    for stale in ("schemas/events.schema.json (run ./dp schemas)", "data/events.csv (run ./dp dates)",
                  "docs/codebook.md (run ./dp docs)", "top release is "):
        assert stale in str(e.value), stale
    assert "of 1999-01-01 (expected" in str(e.value)
    assert not (tmp_path / "out").exists()


def test_a_schema_description_edited_by_hand_is_refused_for_its_old_codebook(scratch, tmp_path):
    edit_schema_description(scratch)
    git(scratch, "commit", "-qam", "a description edited by hand")
    with pytest.raises(ReleaseError) as e:
        release.build(scratch, tmp_path / "out")
    assert str(e.value) == "generated files are stale or disagree, and would ship so: docs/codebook.md (run ./dp docs)"


def test_recorded_commit_is_read_from_the_version_entry():
    text = ("# Changelog\n\n## [Unreleased]\n\n- a change\n\n## [1.1.0] - 2026-12-01\n\nNothing recorded yet.\n\n"
            "## [1.0.0] - 2026-11-30\n\nArchive `x-1.0.0.zip`, SHA-256 `ab12`, built by `./dp release` from\n"
            "commit 951b0c8d5484491f0b5e1d717d18d14d0e7743d3 (rebuilt byte-identical).\n\n"
            "## [0.9.0] - 2026-10-01\n\nbuilt from commit c89705e with the old script.\n")
    assert release.recorded_commit(text, "1.0.0") == "951b0c8d5484491f0b5e1d717d18d14d0e7743d3"
    assert release.recorded_commit(text, "0.9.0") == "c89705e"
    assert release.recorded_commit(text, "1.1.0") is None      # released, no commit recorded yet
    assert release.recorded_commit(text, "2.0.0") is None      # not in the CHANGELOG at all
    assert release.recorded_commit(text, "Unreleased") is None


def test_a_version_recorded_for_another_commit_is_refused_or_built_with_a_warning(scratch, tmp_path):
    other = "0123456789abcdef0123456789abcdef01234567"
    version = record(scratch, other)
    with pytest.raises(ReleaseError, match=f"CHANGELOG.md records version {re.escape(version)} as built from commit {other}, "
                                           "and this is commit [0-9a-f]{12}: the files would carry the name of release"):
        release.build(scratch, tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
    said = []
    paths = release.build(scratch, tmp_path / "anyway", other_commit=True, warn=said.append)
    assert [p.name for p in paths][-1] == "SHA256SUMS"
    assert len(said) == 1 and said[0].startswith(f"WARNING: CHANGELOG.md records version {version} as built from commit {other}")
    assert said[0].endswith(f"without checking the change record against it: these files are NOT release {version}.")


def test_the_recorded_commit_itself_is_no_problem(scratch):
    version = json.loads((scratch / "datapackage.json").read_text(encoding="utf-8"))["version"]
    head = git(scratch, "rev-parse", "HEAD").strip()
    text = (scratch / "CHANGELOG.md").read_text(encoding="utf-8")
    line = f"## [{version}]"
    (scratch / "CHANGELOG.md").write_text(text.replace(line, f"{line} built from commit {head[:9]}", 1), encoding="utf-8")
    assert release.commit_problem(scratch, version) is None
    (scratch / "CHANGELOG.md").write_text(text.replace(line, f"{line} built from commit 1234567", 1), encoding="utf-8")
    assert release.commit_problem(scratch, version).startswith(f"CHANGELOG.md records version {version} as built from commit 1234567,")


def test_cli_release_refuses_a_recorded_version_from_another_commit_unless_told(scratch, tmp_path, monkeypatch, capsys):
    import ifimes_karabakh.validate
    monkeypatch.setattr(cli, "REPO", scratch)
    monkeypatch.setattr(ifimes_karabakh.validate, "validate", lambda root: ifimes_karabakh.validate.Result())  # tested above
    version = record(scratch, "89abcdef0")
    assert cli.main(["release", "--out", str(tmp_path / "refused")]) == 1
    err = capsys.readouterr().err
    assert f"refused: CHANGELOG.md records version {version} as built from commit 89abcdef0" in err and "--other-commit" in err
    monkeypatch.setattr(release, "build", lambda root, out, other_commit: [Path(f"built, other_commit={other_commit}")])
    assert cli.main(["release", "--other-commit", "--out", str(tmp_path / "anyway")]) == 0
    assert capsys.readouterr().out == "built, other_commit=True\n"
