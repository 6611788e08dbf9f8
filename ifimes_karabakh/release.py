"""The release files: a zip archive of the package and its documentation, the SQLite database, and
SHA256SUMS over both, written to one output folder (default dist/):

    <name>-<version>.zip                       the package, its documentation and parquet/<table>.parquet
    <name>-<X_Y_Z>.sqlite                      the SQLite database (no dots in the stem, so that Datasette's
                                               URLs need no escapes: /ifimes-2020-karabakh-0_7_0/claims)
    <name>-<X_Y_Z>-datasette-metadata.json     titles, descriptions and label columns for Datasette
    SHA256SUMS

Check them with `cd dist && sha256sum -c SHA256SUMS`.

What ships, and only that: the data users' README (docs/archive-README.md, as README.md), CHANGELOG.md,
CITATION.cff, CONTRIBUTING.md, LICENSE, LICENSE-DATA.md, datapackage.json, every resource's data file
and schema file, the kept texts (texts/*.txt), docs/codebook.md, docs/dataset.jsonld and docs/figures/*.svg,
each a regular file tracked by git. A file git does not track (new, ignored, hidden) never ships, and
the release is refused while any file it would ship has uncommitted changes, so the archive is always
the content of a commit. The SQLite database is built from the same bytes as the archive.

Reproducible: entries in sorted order under one top folder `<name>-<version>/`, each with the same
fixed timestamp (1980-01-01) and permissions, so two builds from the same commit are byte-identical.

Safe: the file names come from the package name and version, which must be a plain lowercase name and
SemVer, and nothing is written outside the output folder. Everything is built in a temporary folder;
the output folder is touched only when every file is ready, and nothing is left half-written.
Current: the release is refused while a generated file is stale, as `./dp schemas --check`,
`./dp dates --check` and `./dp docs --check` see it (a schema description edited by hand must not
ship with an old codebook), and while CHANGELOG.md records that this version was built from another
commit: files named after a released version are that release, byte for byte, or are not built
(`other_commit=True`, `./dp release --other-commit`, builds them anyway and says so). A version
whose entry records no commit yet (the release being made) is built from any commit.

Rebuilding a recorded release: `git checkout <commit> && ./dp release`, then compare SHA256SUMS with
the SHA-256 CHANGELOG.md records (CONTRIBUTING.md).

Every refusal is a ReleaseError with a message that says what to do.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from . import REPO
from . import parquet, sqlite
from .dataset import Dataset, DatasetError
from .descriptor import NAME, SEMVER, DescriptorError, load_package
from .report import name, show
from .sqlite import ReleaseError
from .datasette import metadata as datasette_metadata

__all__ = ["ReleaseError", "build", "release_name", "members", "write_zip", "recorded_commit", "stale_generated"]

TOP_FILES = ["CHANGELOG.md", "CITATION.cff", "CONTRIBUTING.md", "LICENSE", "LICENSE-DATA.md", "datapackage.json"]
DOCS = ["docs/codebook.md", "docs/dataset.jsonld"]
ARCHIVE_README = "docs/archive-README.md"  # ships as the archive's README.md: it speaks to data users, not maintainers
FIGURES = ("docs/figures/", ".svg")     # every tracked file directly in docs/figures/ ending .svg
TEXTS = ("texts/", ".txt")               # the documents kept for checking quotes (sources.text_file)
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644                     # a regular file, rw-r--r--
OUTPUT_MODE = 0o644
SUMS = "SHA256SUMS"


def release_name(descriptor: dict) -> str:
    """`<name>-<version>`: the archive's top folder and the stem of the release files."""
    pkg_name, version = descriptor.get("name"), descriptor.get("version")
    if not isinstance(pkg_name, str) or not NAME.fullmatch(pkg_name) or ".." in pkg_name:
        raise ReleaseError(f"datapackage.json: name {show(pkg_name)} cannot name release files (expected lowercase letters, digits, '.', '_' or '-', no '..')")
    if not isinstance(version, str) or not SEMVER.fullmatch(version):
        raise ReleaseError(f"datapackage.json: version {show(version)} cannot name release files (expected SemVer X.Y.Z)")
    stem = f"{pkg_name}-{version}"
    if not safe_part(stem):
        raise ReleaseError(f"datapackage.json: name and version give {show(stem)}, which is not a plain file name")
    return stem


# Every file `./dp release` writes, by name pattern, and what it holds: {stem} is <name>-<version>,
# {db} the database's stem (database_name), {table} one file per table. The website links them
# from this list; SHA256SUMS covers them all.
RELEASE_FILES = {
    "archive": ("{stem}.zip", "the CSVs, datapackage.json, the schemas, the Parquet files, the codebook, the figures, README, CHANGELOG, "
                   "CITATION.cff and the licences, under one top folder; reproducible (two builds of a commit are byte-identical)"),
    "database": ("{db}.sqlite", "the same data as a SQLite database, with typed columns and the primary and foreign keys declared"),
    "datasette": ("{db}-datasette-metadata.json", "titles, descriptions and label columns for Datasette: datasette {db}.sqlite -m {db}-datasette-metadata.json"),
    "parquet": ("{stem}-{table}.parquet", "the table as Parquet, with the column types of its Table Schema (also inside the zip, as parquet/<table>.parquet)"),
}


def release_file(pattern: str, descriptor: dict, table: str | None = None) -> str:
    """The name of one release file from its RELEASE_FILES pattern."""
    return pattern.format(stem=release_name(descriptor), db=database_name(descriptor).removesuffix(".sqlite"), table=table or "<table>")


def database_name(descriptor: dict) -> str:
    """`<name>-<X_Y_Z>.sqlite`: the version's dots become underscores, since Datasette names a
    database after its file's stem and would need `~2E` escapes in every URL for a dot."""
    stem = release_name(descriptor)
    return f"{stem[: -len(descriptor['version'])]}{descriptor['version'].replace('.', '_')}.sqlite"


def safe_part(part: str) -> bool:
    """A single plain path component: no separator, not '.' or '..', no control character."""
    return (bool(part) and part not in (".", "..") and ".." not in part
            and not any(c in part for c in "/\\:\x00") and part.isprintable())


def safe_member(rel: str) -> bool:
    """A relative POSIX path of plain components, as an archive entry under the top folder."""
    return not rel.startswith("/") and all(safe_part(p) for p in rel.split("/"))


# ------------------------------------------------------------------ git
def git(root: Path, *args) -> bytes:
    try:
        p = subprocess.run(["git", "--no-optional-locks", "--literal-pathspecs", "-C", str(root), *args],
                           capture_output=True, timeout=120)
    except FileNotFoundError:
        raise ReleaseError("git is not installed: the release ships only files tracked by git") from None
    if p.returncode != 0:
        err = p.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ReleaseError(f"{name(str(root), 200)}: git {args[0]} failed ({show(err[-1] if err else p.returncode, 200)}); the release is built from a git working tree")
    return p.stdout


def tracked(root: Path) -> dict:
    """{path relative to root: git file mode} of every file git tracks under root."""
    out = {}
    for entry in git(root, "ls-files", "--stage", "-z").split(b"\0"):
        if entry:
            meta, path = entry.split(b"\t", 1)
            out[path.decode("utf-8", "surrogateescape")] = meta.split(b" ")[0].decode()
    return out


def uncommitted(root: Path, paths) -> list:
    """Those of paths with changes not committed (staged, unstaged, deleted), as git status names them."""
    raw = git(root, "status", "--porcelain=v1", "-z", "--untracked-files=no", "--", *sorted(paths))
    entries, changed, skip = raw.split(b"\0"), [], False
    for e in entries:
        if skip:         # the original name of a rename
            skip = False
            continue
        if e:
            changed.append(e[3:].decode("utf-8", "surrogateescape"))
            skip = any(c in e[:2] for c in b"RC")
    return sorted(changed)


# ------------------------------------------------------------------ what ships
def members(pkg, files: dict) -> list:
    """The relative paths of every file the archive holds, sorted; ReleaseError when one is missing,
    not tracked by git, not a regular file, or not a plain relative path."""
    wanted = list(TOP_FILES) + DOCS + [ARCHIVE_README]
    wanted += [f.path for f in pkg.files]  # the resources that are not tables (GeoJSON)
    for r in pkg.resources:
        wanted.append(r.path)
        if r.schema_file != "datapackage.json":      # an inline schema ships inside datapackage.json
            wanted.append(r.schema_file)
    wanted += [f for f in files if f.startswith(FIGURES[0]) and f.endswith(FIGURES[1])
               and "/" not in f[len(FIGURES[0]):]]
    wanted += [f for f in files if f.startswith(TEXTS[0]) and f.endswith(TEXTS[1]) and "/" not in f[len(TEXTS[0]):]]
    wanted = sorted({PurePosixPath(f).as_posix() for f in wanted})
    bad = [f for f in wanted if not safe_member(f)]
    if bad:
        raise ReleaseError(f"cannot ship {', '.join(name(f) for f in bad)}: not a plain relative path (expected no '..', no absolute path)")
    untracked = [f for f in wanted if f not in files]
    if untracked:
        missing = [f for f in untracked if not (pkg.root / f).exists()]
        raise ReleaseError("; ".join(filter(None, [
            f"files missing: {', '.join(name(f) for f in missing)}" if missing else "",
            f"files not tracked by git: {', '.join(name(f) for f in untracked if f not in missing)} (git add and commit them)"
            if len(missing) < len(untracked) else ""])))
    odd = [f for f in wanted if files[f] not in ("100644", "100755")]
    if odd:
        raise ReleaseError(f"cannot ship {', '.join(name(f) for f in odd)}: git tracks it as a link or submodule (expected a regular file)")
    return wanted


def read_members(root: Path, rels) -> dict:
    """{rel: bytes} read from the working tree; ReleaseError when a path is not a regular file
    inside root (a link anywhere on the way)."""
    top = root.resolve()
    out = {}
    for rel in rels:
        path = root / rel
        if path.resolve() != top.joinpath(*rel.split("/")) or not path.is_file():
            raise ReleaseError(f"{name(rel)}: not a regular file inside the package folder (a link?)")
        try:
            out[rel] = path.read_bytes()
        except OSError as e:
            raise ReleaseError(f"{name(rel)}: cannot be read ({e.strerror})") from None
    return out


# ------------------------------------------------------------------ writing
def write_zip(path: Path, top: str, contents: dict):
    """A reproducible archive: entries `top/rel` in sorted order, fixed time and permissions."""
    if not safe_part(top):
        raise ReleaseError(f"archive top folder {show(top)} is not a plain name")
    with zipfile.ZipFile(path, "w") as zf:
        for rel in sorted(contents):
            if not safe_member(rel):
                raise ReleaseError(f"archive entry {show(rel)} is not a plain relative path")
            info = zipfile.ZipInfo(f"{top}/{rel}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = FILE_MODE << 16
            info.create_system = 3  # unix, whatever the building machine
            zf.writestr(info, contents[rel], compresslevel=9)


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stage(folder: Path, contents: dict):
    """The members written out as a package folder, for the SQLite build."""
    for rel, data in contents.items():
        path = folder.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def publish(files, out: Path) -> list:
    """Move the built files into out: each copied to a temporary file inside out, then renamed over
    its final name (SHA256SUMS last). Nothing is written outside out; on failure no temporary file
    is left."""
    done = []
    try:
        out.mkdir(parents=True, exist_ok=True)
        for src in files:
            dest = out / src.name
            if dest.parent != out or not safe_part(src.name):
                raise ReleaseError(f"refusing to write {show(src.name)} outside {name(str(out), 200)}")
            fd, tmp = tempfile.mkstemp(prefix=f".{src.name}.", suffix=".tmp", dir=out)
            try:
                with os.fdopen(fd, "wb") as fh, open(src, "rb") as fin:
                    shutil.copyfileobj(fin, fh)
                os.chmod(tmp, OUTPUT_MODE)
                os.replace(tmp, dest)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            done.append(dest)
    except OSError as e:
        raise ReleaseError(f"{name(str(out), 200)}: cannot write the release files there ({e.strerror or e})") from None
    return done


# ------------------------------------------------------------------ current, and the recorded commit
def stale_generated(ds) -> list:
    """What `./dp schemas --check`, `./dp dates --check` and `./dp docs --check` find stale in
    the package of the Dataset ds, each with the command that rewrites it; and the CHANGELOG's
    disagreements with datapackage.json."""
    from . import derive, docs, fields
    try:
        out = [f"{f} (run ./dp schemas)" for f in fields.write(ds.root, check=True, ds=ds)]
    except DescriptorError as e:
        return [f"datapackage.json cannot be used: {e}"]
    out += [f"{f} (run ./dp dates)" for f in derive.write(ds.root, check=True, ds=ds)]
    try:
        stale, problems = docs.write(ds, check=True)
    except docs.DocsError as e:
        return out + [str(e)]
    return out + [f"{f} (run ./dp docs)" for f in stale] + problems


def recorded_commit(changelog: str, version: str):
    """The commit CHANGELOG.md records as the one version was built from (the first `commit <hash>`
    in that version's entry), or None while the entry records none."""
    from .changes import changelog_entries
    return changelog_entries(changelog).get(version, ("", None))[1]


def swhid_problems(ds) -> list:
    """The Software Heritage ID of data/ that the citation files record is git's tree of data/ in
    the commit the release is built from: data/ holds in git exactly the files that ship."""
    from .swhid import data_swhid
    tree = git(ds.root, "rev-parse", "HEAD:data").decode().strip()
    ours = data_swhid(ds)
    return [] if ours == f"swh:1:dir:{tree}" else [f"data/: git's tree is {tree}, but the files that ship make {ours} (commit only the package's files in data/)"]


def change_record_problems(ds) -> list:
    """data/changes.csv must be the record that `./dp changes --write` writes now, and the
    CHANGELOG must name every change in it (changes.py); each problem one line."""
    from .changes import RECORD, ChangesError, dumps, record, uncovered
    try:
        found = record(ds.root)
    except ChangesError as e:
        return [f"the change record cannot be built ({e})"]
    path = ds.root / RECORD
    stale = not path.is_file() or path.read_text(encoding="utf-8") != dumps(found, numbered=True)
    return [f"{RECORD} (run ./dp changes --write)"] * stale + [str(p) for p in uncovered(found, (ds.root / "CHANGELOG.md").read_text(encoding="utf-8"))]


def commit_problem(root: Path, version: str):
    """A sentence saying that CHANGELOG.md records another commit for this version, or None."""
    try:
        changelog = (root / "CHANGELOG.md").read_text(encoding="utf-8")
    except OSError:
        return None  # members() refuses a missing CHANGELOG.md with its own message
    recorded = recorded_commit(changelog, version)
    head = git(root, "rev-parse", "HEAD").decode().strip()
    if recorded is None or head.startswith(recorded):
        return None
    return (f"CHANGELOG.md records version {version} as built from commit {recorded}, and this is commit {head[:12]}: "
            f"the files would carry the name of release {version} without being it. Rebuild it with "
            f"`git checkout {recorded} && ./dp release`, or set a new version in datapackage.json and CHANGELOG.md")


def build(root=REPO, out=None, other_commit=False, warn=None) -> list:
    """Build the release of the package in the git working tree root into out (default root/dist);
    return [archive, database, SHA256SUMS]. ReleaseError when the release is refused. With
    other_commit, a version CHANGELOG.md records for another commit is built anyway and warn
    (a function of one line; default: stderr) says so."""
    root = Path(root)
    out = Path(out) if out is not None else root / "dist"
    try:
        pkg = load_package(root)
    except DescriptorError as e:
        raise ReleaseError(f"datapackage.json cannot be used:\n{e}") from None
    stem = release_name(pkg.descriptor)
    files = tracked(root)
    rels = members(pkg, files)
    changed = uncommitted(root, rels)
    if changed:
        raise ReleaseError(f"uncommitted changes to files the release would ship: {', '.join(name(f) for f in changed)} (commit them, or git stash, then release)")
    other = commit_problem(root, pkg.version)
    if other and not other_commit:
        raise ReleaseError(other + " (or pass --other-commit to build files that are not the recorded release)")
    try:
        ds = Dataset.load(root)
    except DatasetError as e:
        raise ReleaseError(f"the package cannot be read cleanly (run ./dp validate):\n{e}") from None
    # the change record is checked against the releases' recorded commits: not for files that are
    # declared not to be the recorded release (--other-commit; the warning says so)
    stale = stale_generated(ds) + ([] if other else change_record_problems(ds)) + swhid_problems(ds)
    if stale:
        raise ReleaseError("generated files are stale or disagree, and would ship so: " + "; ".join(stale))
    if other:
        (warn or (lambda line: print(line, file=sys.stderr)))(f"WARNING: {other}. Built anyway (--other-commit), without checking the change record against it: these files are NOT release {ds.version}.")
    contents = read_members(root, rels)
    contents["README.md"] = contents.pop(ARCHIVE_README)
    with tempfile.TemporaryDirectory(prefix="ifimes-release-") as tmp:
        tmp = Path(tmp)
        archive, db, sums = (tmp / release_file(RELEASE_FILES["archive"][0], pkg.descriptor), tmp / release_file(RELEASE_FILES["database"][0], pkg.descriptor),
                             tmp / SUMS)
        meta = tmp / release_file(RELEASE_FILES["datasette"][0], pkg.descriptor)
        stage(tmp / "package", contents)
        try:
            staged = Dataset.load(tmp / "package")
        except DatasetError as e:
            raise ReleaseError(f"the archived package cannot be read cleanly:\n{e}") from None
        tables = parquet.write(staged, tmp / "parquet")  # from the same bytes as the archive's CSVs
        contents.update(tables)
        write_zip(archive, stem, contents)
        sqlite.build(staged, db)
        meta.write_text(json.dumps(datasette_metadata(staged, db.name), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        per_table = []
        for r in staged.resources:
            path = tmp / release_file(RELEASE_FILES["parquet"][0], pkg.descriptor, r.name)
            path.write_bytes(tables[f"parquet/{r.name}.parquet"])
            per_table.append(path)
        built = [archive, db, meta, *per_table]
        sums.write_text("".join(f"{sha256(p)}  {p.name}\n" for p in built), encoding="utf-8")
        changed = uncommitted(root, rels)  # changed while building: what was read may be neither version
        if changed:
            raise ReleaseError(f"files changed during the build: {', '.join(name(f) for f in changed)} (build again)")
        return publish([*built, sums], out)
