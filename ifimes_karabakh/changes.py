"""What changed between two versions of the dataset, row by row: `./dp changes FROM TO`.

A version is read from git as it was released: CHANGELOG.md records the commit each release was
built from, and the package's files at that commit (datapackage.json, schemas/, data/) are taken
from git's object store, size-checked, into a temporary folder and read there by the checked reader
(dataset.Dataset), so that an old or hostile commit gets a located message, never a traceback.
`TO` may be `.`: the working tree, as it is now (the version being prepared).

Tables are compared on values, not bytes, by their primary key: a table re-quoted or re-ordered
without a changed value is no change. One `Change` per difference:

    added / removed          a row (field empty), a column (row_id empty) or a table (both empty)
    changed                  one value of one field of a row kept under the same key
    renamed                  a row whose key changed while every other value stayed (old -> new key),
                             or a column whose values all stayed under a new name

The record of every recorded release since the first one with a commit is kept in
data/changes.csv (`./dp changes --write`; `--check` fails when it is stale), ships with each
release, and is checked against CHANGELOG.md: every changed, removed or renamed row must be named
in the entry of the version it changed in, and every table that gained rows must be named there
(added rows may be counted rather than named)."""
import csv
import hashlib
import io
import sys
import re
import subprocess
import tempfile
import time
from dataclasses import astuple, dataclass, fields
from pathlib import Path, PurePosixPath

from . import REPO
from .dataset import Dataset
from .descriptor import MAX_JSON_BYTES, as_list
from .csvread import MAX_TABLE_BYTES
from .report import Problem, show

RECORD = "data/changes.csv"          # the change record, a resource of the package itself
RESOURCE = "changes"                 # its resource name: never compared with itself
WORKING_TREE = "."
KEY_SEP = "|"                        # between the values of a key of several fields
# what a release heading and its recorded commit look like in CHANGELOG.md
HEADING = re.compile(r"^## \[([^\]]+)\]", re.M)
# the commit a release was built from, as its entry records it ("built by `./dp release` from commit
# <sha>", "built from commit <sha>"): other commits an entry names (of a source's repository) are not it
COMMIT = re.compile(r"\b[Bb]uilt (?:by `\./dp release` )?from\s+commit\s+`?([0-9a-f]{7,40})\b")
MAX_FILES = 500                      # a commit with more package files than this is refused
GIT_TIMEOUT = 60


class ChangesError(Exception):
    """The comparison cannot be made; the message says where and why."""


@dataclass(frozen=True)
class Change:
    version: str       # the version in which the change appeared
    table: str
    key: str           # the table's key fields, joined by |
    row_id: str        # the row's key values, joined by | (empty: the change is to a column or table)
    kind: str          # added, removed, changed, renamed
    field: str         # the field changed (empty: a whole row or table)
    old_value: str
    new_value: str


COLUMNS = [f.name for f in fields(Change)]
KINDS = ("added", "removed", "changed", "renamed")


# ------------------------------------------------------------------ which commit is which version
def changelog_entries(text: str) -> dict:
    """version -> (the text of its CHANGELOG entry, its recorded commit or None), newest first."""
    heads = list(HEADING.finditer(text))
    out = {}
    for i, m in enumerate(heads):
        body = text[m.end(): heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        found = COMMIT.search(body)
        out[m.group(1)] = (body, found.group(1) if found else None)
    return out


def git(root, *args, stdin=None) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, timeout=GIT_TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as e:
        raise ChangesError(f"git {' '.join(args[:2])} failed ({type(e).__name__})")
    if done.returncode != 0:
        raise ChangesError(f"git {' '.join(args[:2])}: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
    return done.stdout


def resolve(root, ref: str, entries: dict) -> str:
    """A version recorded in CHANGELOG.md, or a commit, as a full commit ID; `.` stays `.`."""
    if ref == WORKING_TREE:
        return ref
    if ref in entries:
        commit = entries[ref][1]
        if commit is None:
            raise ChangesError(f"CHANGELOG.md: version {show(ref)} records no commit (expected 'commit <sha>' in its entry)")
        ref = commit
    if not re.fullmatch(r"[0-9A-Za-z._/-]{1,100}", ref):
        raise ChangesError(f"not a version or commit: {show(ref)}")
    return git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").decode().strip()


# ------------------------------------------------------------------ a version's tables
def checkout(root, commit: str, dest: Path):
    """The package files of a commit (datapackage.json, schemas/, data/) written into dest; links,
    files over the validator's limits and odd paths are refused with a located message."""
    listing = git(root, "ls-tree", "-r", "-l", "-z", commit, "--", "datapackage.json", "schemas", "data")
    entries = [e for e in listing.split(b"\0") if e]
    if len(entries) > MAX_FILES:
        raise ChangesError(f"commit {commit[:12]}: {len(entries):,} package files (expected at most {MAX_FILES})")
    wanted = []
    for e in entries:
        meta, _, path = e.partition(b"\t")
        mode, kind, sha, size = meta.split()
        rel = path.decode("utf-8", "replace")
        limit = MAX_JSON_BYTES if rel.endswith(".json") else MAX_TABLE_BYTES
        if kind != b"blob" or mode not in (b"100644", b"100755"):
            raise ChangesError(f"commit {commit[:12]}: {show(rel)} is not a regular file (git mode {mode.decode()})")
        if ".." in PurePosixPath(rel).parts or int(size) > limit:
            raise ChangesError(f"commit {commit[:12]}: {show(rel)} refused ({int(size):,} bytes; expected at most {limit:,})")
        wanted.append((rel, sha.decode()))
    batch = git(root, "cat-file", "--batch", stdin="".join(f"{sha}\n" for _, sha in wanted).encode())
    pos = 0
    for rel, sha in wanted:
        header_end = batch.index(b"\n", pos)
        size = int(batch[pos:header_end].split()[2])
        data = batch[header_end + 1: header_end + 1 + size]
        pos = header_end + 2 + size
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


def snapshot(root, ref: str) -> dict:
    """resource name -> (key fields, {row_id: {field: value}}, field order, SHA-256 of the file) of one version."""
    if ref == WORKING_TREE:
        return _tables(Path(root), "the working tree")
    with tempfile.TemporaryDirectory(prefix="ifimes-changes-") as tmp:
        checkout(root, ref, Path(tmp))
        return _tables(Path(tmp), f"commit {ref[:12]}")


def _tables(folder: Path, where: str) -> dict:
    out = []
    ds, _ = Dataset.read(folder, out, with_article=False)
    if ds is None:
        raise ChangesError(f"{where}: {out[0] if out else 'datapackage.json cannot be read'}")
    unreadable = [p for p in out if p.kind in ("missing", "limit", "structure", "encoding", "control", "header")]
    tables = {}
    for r in ds.package.resources:
        if r.name == RESOURCE:
            continue
        if r.name not in ds.tables:
            first = next((p for p in unreadable if p.file == r.path), None)
            raise ChangesError(f"{where}: {first or r.path + ': cannot be read'}")
        key = as_list(r.schema.get("primaryKey")) or list(r.fields)
        frame = ds.tables[r.name]
        cols = list(frame.columns)
        if not set(key) <= set(cols):
            raise ChangesError(f"{where}: {r.path}: key {KEY_SEP.join(key)} not in the header")
        rows = {}
        for rec in frame.to_dict("records"):
            rows.setdefault(KEY_SEP.join(rec[k] for k in key), rec)
        tables[r.name] = (key, rows, cols, hashlib.sha256((folder / r.path).read_bytes()).hexdigest())
    return tables


# ------------------------------------------------------------------ the comparison
def compare(old: dict, new: dict, version: str) -> list:
    """Every Change from the tables `old` to the tables `new`, in a fixed order."""
    out = []
    for table in sorted(old.keys() - new.keys()):
        out.append(Change(version, table, KEY_SEP.join(old[table][0]), "", "removed", "", "", ""))
    for table in sorted(new.keys() - old.keys()):
        key, rows = new[table][:2]
        out.append(Change(version, table, KEY_SEP.join(key), "", "added", "", "", f"{len(rows)} rows"))
    for table in sorted(old.keys() & new.keys()):
        out += _compare_table(table, old[table], new[table], version)
    return out


def _compare_table(table, old, new, version):
    (okey, orows, ocols), (nkey, nrows, ncols) = old[:3], new[:3]
    key = KEY_SEP.join(nkey)
    out = []
    if okey != nkey:  # a new key: rows cannot be matched by it, so the table counts as replaced
        return [Change(version, table, key, "", "changed", "primaryKey", KEY_SEP.join(okey), key)]
    gone, came = [c for c in ocols if c not in ncols], [c for c in ncols if c not in ocols]
    renamed_cols = {}
    for g in gone:  # a column whose every kept row holds the same values under a new name
        same = [c for c in came if c not in renamed_cols.values()
                and all(orows[i].get(g) == nrows[i].get(c) for i in orows.keys() & nrows.keys())]
        if len(same) == 1 and orows.keys() & nrows.keys():
            renamed_cols[g] = same[0]
    for g in gone:
        if g in renamed_cols:
            out.append(Change(version, table, key, "", "renamed", g, g, renamed_cols[g]))
        else:
            out.append(Change(version, table, key, "", "removed", g, "", ""))
    for c in came:
        if c not in renamed_cols.values():
            out.append(Change(version, table, key, "", "added", c, "", ""))
    common = [c for c in ocols if c in ncols] + [(g, renamed_cols[g]) for g in renamed_cols]
    pairs = [(c, c) if isinstance(c, str) else c for c in common]
    removed = sorted(orows.keys() - nrows.keys())
    added = sorted(nrows.keys() - orows.keys())
    # a removed and an added row alike in every value but the key: the row's ID was renamed
    others = [(o, n) for o, n in pairs if o not in okey]
    signature = {}
    for i in added:
        signature.setdefault(tuple(nrows[i][n] for _, n in others), []).append(i)
    renames = {}
    for i in removed:
        match = signature.get(tuple(orows[i][o] for o, _ in others), [])
        match = [m for m in match if m not in renames.values()]
        if len(match) == 1 and others:
            renames[i] = match[0]
    for i in removed:
        if i in renames:
            out.append(Change(version, table, key, renames[i], "renamed", "", i, renames[i]))
        else:
            out.append(Change(version, table, key, i, "removed", "", "", ""))
    for i in added:
        if i not in renames.values():
            out.append(Change(version, table, key, i, "added", "", "", ""))
    for i in sorted(orows.keys() & nrows.keys()):
        a, b = orows[i], nrows[i]
        for o, n in pairs:
            if a[o] != b[n]:
                out.append(Change(version, table, key, i, "changed", n, a[o], b[n]))
    return out


# ------------------------------------------------------------------ the record and the CHANGELOG
def record(root=REPO) -> list:
    """Every Change since the first release with a recorded commit: between each two recorded
    releases, and from the newest to the working tree under datapackage.json's version."""
    root = Path(root)
    entries = changelog_entries((root / "CHANGELOG.md").read_text(encoding="utf-8"))
    recorded = [(v, c) for v, (_, c) in entries.items() if c]  # newest first
    recorded.reverse()
    snaps = [(v, snapshot(root, resolve(root, c, {}))) for v, c in recorded]
    current = Dataset.read(root, [], with_article=False)[0]
    version = current.version if current else "?"
    out = []
    for (_, a), (v, b) in zip(snaps, snaps[1:]):
        out += compare(a, b, v)
    if snaps and version != snaps[-1][0]:
        out += compare(snaps[-1][1], snapshot(root, WORKING_TREE), version)
    return out


def dumps(changes: list, numbered=False) -> str:
    """The changes as CSV; numbered: with change_number first, as data/changes.csv holds them."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["change_number"] * numbered + COLUMNS)
    for n, c in enumerate(changes, start=1):
        w.writerow([n] * numbered + list(astuple(c)))
    return buf.getvalue()


def uncovered(changes: list, changelog_text: str) -> list:
    """Problems: changes that the CHANGELOG entry of their version does not account for. A changed,
    removed or renamed row must be named by its ID (each value of a key of several fields), unless
    the entry names the field with its old and new value (a value renamed in every row); a renamed
    or removed column must be named; a table that gained rows must be named."""
    entries = changelog_entries(changelog_text)
    unreleased = entries.get("Unreleased", ("", None))[0]
    out, seen = [], set()
    for c in changes:
        entry = entries.get(c.version, (unreleased, None))[0]
        if c.kind == "added" and c.row_id:
            ok = _names(entry, c.table)
            what = (c.version, c.table, "added")
        elif not c.row_id:
            ok = _names(entry, c.field or c.table) and (c.kind != "renamed" or _names(entry, c.new_value))
            what = (c.version, c.table, c.kind, c.field)
        else:
            ok = (all(_names(entry, part) for part in c.row_id.split(KEY_SEP))
                  or (c.kind == "changed" and _names(entry, c.field) and _names(entry, c.old_value) and _names(entry, c.new_value))
                  or (c.kind == "renamed" and _names(entry, c.old_value) and _names(entry, c.new_value)))
            what = (c.version, c.table, c.row_id, c.kind)
        if not ok and what not in seen:
            seen.add(what)
            if c.row_id and c.kind == "added":
                subject = f"rows added to {c.table}: the table"
            elif c.row_id:
                subject = f"{c.table} row {show(c.row_id)} ({c.kind}{' ' + c.field if c.field else ''}): its ID"
            else:
                subject = f"{c.table}: column {show(c.field)} {c.kind}: its name" if c.field else f"table {c.table} {c.kind}: its name"
            out.append(Problem("CHANGELOG.md", None, None, "changelog",
                               f"{c.version}: {subject} is not named in the entry of {c.version} (see data/changes.csv)"))
    return out


def _names(entry: str, word: str) -> bool:
    """The entry names the word as a whole token (an ID, a field, a value)."""
    return bool(word) and re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", entry) is not None


# ------------------------------------------------------------------ the command line
def write(root=REPO, check=False) -> list:
    """(stale files): data/changes.csv rewritten from the record unless check."""
    root = Path(root)
    text = dumps(record(root), numbered=True)
    path = root / RECORD
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return []
    if not check:
        path.write_text(text, encoding="utf-8")
    return [RECORD]


def cli(args) -> int:
    root = Path(args.repo)
    started = time.perf_counter()
    try:
        if args.write or args.check:
            stale = write(root, check=args.check)
            for f in stale:
                print(f"{f}: {'stale: run ./dp changes --write' if args.check else 'rewritten'}")
            problems = uncovered(record(root), (root / "CHANGELOG.md").read_text(encoding="utf-8"))
            for p in problems:
                print(p)
            return 1 if problems or (stale and args.check) else 0
        if not (args.old and args.new):
            print("changes: give FROM and TO (versions recorded in CHANGELOG.md, commits, or . for the working tree), or --write / --check")
            return 2
        entries = changelog_entries((root / "CHANGELOG.md").read_text(encoding="utf-8"))
        a, b = resolve(root, args.old, entries), resolve(root, args.new, entries)
        old, new = snapshot(root, a), snapshot(root, b)
        label = args.new if args.new != WORKING_TREE else "."
        changes = compare(old, new, label)
    except ChangesError as e:
        print(f"changes: {e}")
        return 1
    print(dumps(changes), end="")
    changed = {c.table for c in changes}
    for t in sorted(old.keys() & new.keys()):
        if t not in changed and old[t][3] != new[t][3]:
            print(f"changes: {t}: the file's bytes differ, but no value changed (re-quoted or re-ordered)", file=sys.stderr)
    print(f"changes: {len(changes)} change(s) in {len(changed)} table(s), {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0
