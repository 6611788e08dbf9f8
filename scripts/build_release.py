"""Build the release files in dist/: a zip archive of the package and its documentation, the SQLite
database, and SHA256SUMS over both. The archive is reproducible: files in sorted order under one
top folder, each with the same fixed timestamp (1980-01-01) and permissions, so two builds from the
same commit are byte-identical.

Usage: python scripts/build_release.py [OUT_DIR]     (default: dist/)
Check: cd dist && sha256sum -c SHA256SUMS
"""
import hashlib
import json
import sys
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_sqlite  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOP_FILES = ["README.md", "CHANGELOG.md", "CITATION.cff", "LICENSE", "LICENSE-DATA.md", "datapackage.json"]
FOLDERS = [("data", "*.csv"), ("schemas", "*.schema.json"), ("docs", "codebook.md"), ("docs/figures", "*.svg")]
FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def release_name():
    dp = json.loads((ROOT / "datapackage.json").read_text(encoding="utf-8"))
    return f"{dp['name']}-{dp['version']}"


def members():
    """Relative paths of every file in the archive, sorted."""
    files = [Path(f) for f in TOP_FILES]
    for folder, pattern in FOLDERS:
        files += [p.relative_to(ROOT) for p in (ROOT / folder).glob(pattern)]
    missing = [str(f) for f in files if not (ROOT / f).is_file()]
    if missing:
        sys.exit(f"cannot build the release, files missing: {', '.join(missing)}")
    return sorted(set(files), key=lambda p: p.as_posix())


def write_zip(path, top):
    with zipfile.ZipFile(path, "w") as zf:
        for rel in members():
            info = zipfile.ZipInfo(f"{top}/{rel.as_posix()}", date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # unix, whatever the building machine
            zf.writestr(info, (ROOT / rel).read_bytes(), compresslevel=9)


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(out_dir):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = release_name()
    archive = out_dir / f"{name}.zip"
    db = out_dir / f"{name}.sqlite"
    write_zip(archive, name)
    build_sqlite.build(db, ROOT)
    sums = "".join(f"{sha256(p)}  {p.name}\n" for p in (archive, db))
    (out_dir / "SHA256SUMS").write_text(sums, encoding="utf-8")
    return archive, db, out_dir / "SHA256SUMS"


if __name__ == "__main__":
    for p in build(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist"):
        print(p)
