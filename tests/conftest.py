"""Shared helpers: a copy of the package in a temporary folder, and the validate command run as a user runs it."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from source_text import source_path  # noqa: E402

PACKAGE_PARTS = ["datapackage.json", "data", "schemas"]


def copy_package(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def pkg(tmp_path):
    """A fresh copy of the package (datapackage.json, data/, schemas/) to damage."""
    return copy_package(tmp_path / "pkg")


def run_validate(folder: Path, env_extra=None):
    """Run scripts/validate.py on folder as a subprocess; return (exit code, output)."""
    env = dict(os.environ)
    env.setdefault("IFIMES_SOURCE_TEXT", str(source_path()))
    env.update(env_extra or {})
    p = subprocess.run([sys.executable, str(ROOT / "scripts" / "validate.py"), str(folder)],
                       capture_output=True, text=True, env=env, timeout=600)
    return p.returncode, p.stdout + p.stderr


def require_source_text():
    """The article text must be present in CI; elsewhere a test that needs it is skipped, saying why."""
    path = source_path()
    if path.is_file():
        return path
    if os.environ.get("CI"):
        pytest.fail(f"source text missing at {path}: CI must check every quote against it")
    pytest.skip(f"source text not found at {path} (set IFIMES_SOURCE_TEXT); quote checks skipped")
