"""The legacy readers' environments, built once and kept (both git-ignored):

- .venv-legacy/ at the repository root: a venv with requirements-legacy.txt (the Python
  `datapackage` 1.15.4 reader and cffconvert 2.0.0, whose jsonschema < 4 clashes with .venv/);
- tests/legacy/node_modules/: `npm ci` from package.json and package-lock.json (the npm
  `datapackage` 1.1.10 reader).

A stamp inside each holds the SHA-256 of what it was built from (and, for the venv, the Python
version), so an environment is rebuilt when its requirements change and reused otherwise. The first
build downloads from PyPI and npm (about 15 s and 3 s here); later runs only check the stamp."""
import functools
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
VENV = REPO / ".venv-legacy"
NODE_MODULES = HERE / "node_modules"
STAMP = ".installed"


class Unavailable(Exception):
    """A tool the environment needs (node, npm) is not installed."""


def _digest(*parts) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.read_bytes() if isinstance(part, Path) else str(part).encode())
    return h.hexdigest()


def _run(cmd, cwd, timeout, what):
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "npm_config_update_notifier": "false"}
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {p.returncode}):\n{(p.stderr or p.stdout)[-3000:]}")


@functools.cache
def python() -> Path:
    """The Python of .venv-legacy/, built first if it is missing or stale."""
    req = HERE / "requirements-legacy.txt"
    want = _digest(req, sys.version_info[:2])
    exe, stamp = VENV / "bin" / "python", VENV / STAMP
    if exe.is_file() and stamp.is_file() and stamp.read_text() == want:
        return exe
    _run([sys.executable, "-m", "venv", "--clear", str(VENV)], REPO, 300, "creating .venv-legacy/")
    _run([str(exe), "-m", "pip", "install", "--quiet", "-r", str(req)], REPO, 900, "pip install -r tests/legacy/requirements-legacy.txt")
    stamp.write_text(want)
    return exe


@functools.cache
def node() -> str:
    """The node executable, with tests/legacy/node_modules/ installed first if missing or stale."""
    node_exe, npm = shutil.which("node"), shutil.which("npm")
    if not node_exe or not npm:
        raise Unavailable("node and npm are needed for the npm datapackage reader (Debian: apt-get install nodejs npm)")
    want = _digest(HERE / "package.json", HERE / "package-lock.json")
    stamp = NODE_MODULES / STAMP
    if not (stamp.is_file() and stamp.read_text() == want):
        _run([npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], HERE, 600, "npm ci in tests/legacy/")
        stamp.write_text(want)
    return node_exe


if __name__ == "__main__":  # ./dp test builds both before the tests run, so the tests' time is the tests'
    python()
    node()
