"""Intrinsic identifiers of the exact data: the Software Heritage ID of the folder data/.

`swh:1:dir:<id>` where <id> is the git tree ID of data/ (what `git rev-parse <commit>:data`
prints), computed here from the files themselves, so that it can be written before the commit is
made and checked against what ships. Anyone can recompute it with git alone; it resolves at
Software Heritage once the repository is public and archived. The release commit's own ID
(`swh:1:rev:<commit>`) is recorded in CHANGELOG.md after the release, as the archive's SHA-256 is.

Only regular files are counted (the tree git would store for a folder of plain files: mode
100644, or 100755 for an executable); a link or a nested folder in data/ is refused, since the
validator refuses them as data too."""
import hashlib
import os
from pathlib import Path

DATA = "data"


class SwhidError(Exception):
    """The folder holds something that is not a plain file."""


def _object(kind: str, body: bytes) -> bytes:
    return hashlib.sha1(f"{kind} {len(body)}\0".encode() + body).digest()


def tree_id(folder: Path, known: dict | None = None, names=None) -> str:
    """The git tree ID of a folder of regular files (no subfolders, no links); names: only these
    files of it (default: all); known: file name -> its git object ID where the bytes were already
    read (the Dataset's tables), so that no file is read twice."""
    known = known or {}
    entries = []
    files = [Path(folder) / n for n in names] if names is not None else list(Path(folder).iterdir())
    for p in sorted(files, key=lambda p: p.name.encode()):
        if p.is_symlink() or not p.is_file():
            raise SwhidError(f"{DATA}/{p.name} is not a regular file: the data folder holds only files")
        mode = b"100755" if os.access(p, os.X_OK) and p.stat().st_mode & 0o111 else b"100644"
        blob = bytes.fromhex(known[p.name]) if p.name in known else _object("blob", p.read_bytes())
        entries.append(mode + b" " + p.name.encode() + b"\0" + blob)
    return _object("tree", b"".join(entries)).hex()


def shipped(pkg) -> list:
    """The files of data/ that the package lists (its tables and other resources), by name: what a
    release ships of data/, and what git's tree of data/ holds when nothing else is committed there."""
    paths = [r.path for r in pkg.resources] + [f.path for f in getattr(pkg, "files", [])]
    return sorted({p.split("/", 1)[1] for p in paths if p.startswith(DATA + "/") and p.count("/") == 1})


def data_swhid(ds) -> str:
    """swh:1:dir:<git tree of the data/ files that ship>, from a Dataset (its tables' object IDs as
    it read them) or a Package."""
    pkg = getattr(ds, "package", ds)
    blobs = getattr(ds, "blobs", {})
    known = {rel.split("/", 1)[1]: b for rel, b in blobs.items() if rel.startswith(DATA + "/") and rel.count("/") == 1}
    return f"swh:1:dir:{tree_id(Path(pkg.root) / DATA, known, shipped(pkg))}"
