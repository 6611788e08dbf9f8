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


def tree_id(folder: Path, known: dict | None = None) -> str:
    """The git tree ID of a folder of regular files (no subfolders, no links); known: file name ->
    its git object ID where the bytes were already read (the Dataset's tables), so that no file is
    read twice."""
    known = known or {}
    entries = []
    for p in sorted(Path(folder).iterdir(), key=lambda p: p.name.encode()):
        if p.is_symlink() or not p.is_file():
            raise SwhidError(f"{DATA}/{p.name} is not a regular file: the data folder holds only files")
        mode = b"100755" if os.access(p, os.X_OK) and p.stat().st_mode & 0o111 else b"100644"
        blob = bytes.fromhex(known[p.name]) if p.name in known else _object("blob", p.read_bytes())
        entries.append(mode + b" " + p.name.encode() + b"\0" + blob)
    return _object("tree", b"".join(entries)).hex()


def data_swhid(root, blobs: dict | None = None) -> str:
    """swh:1:dir:<tree of data/>; blobs: path relative to root -> git object ID, as a Dataset read them."""
    known = {rel.split("/", 1)[1]: b for rel, b in (blobs or {}).items() if rel.startswith(DATA + "/") and rel.count("/") == 1}
    return f"swh:1:dir:{tree_id(Path(root) / DATA, known)}"
