"""Read datapackage.json with each resource's Table Schema loaded: the one reader that the
codebook, SQLite, release and figure scripts share (scripts/validate.py reads more carefully,
since it must report a broken descriptor instead of failing on it)."""
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def as_list(value):
    """A Table Schema key given as one name or a list of names, as a list."""
    return [value] if isinstance(value, str) else list(value or [])


def load_package(root=ROOT):
    """datapackage.json and, per resource, its schema (a path or inline) under "schema"."""
    root = Path(root)
    dp = json.loads((root / "datapackage.json").read_text(encoding="utf-8"))
    for r in dp["resources"]:
        s = r["schema"]
        r["schema"] = json.loads((root / s).read_text(encoding="utf-8")) if isinstance(s, str) else s
    return dp
