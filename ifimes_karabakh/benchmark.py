"""Time the project's full validation (`python -m ifimes_karabakh validate`) against a bare
`frictionless validate datapackage.json`, on the real package and on synthetic copies scaled to about
10x, 100x and 1000x its rows (valid, with the same keys and references: every identifier is suffixed
per copy). Each command runs in a fresh interpreter that measures its wall time, the CPU time of all
its processes and the peak memory of the largest. Prints one table; no assertion is made.

Usage: python -m ifimes_karabakh benchmark [--scales 1 10 100 1000]
"""
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from . import REPO
from .dataset import Dataset
from .descriptor import as_list

PY = sys.executable


def frictionless() -> str:
    """The frictionless command of this interpreter's environment (.venv/bin/frictionless)."""
    beside = Path(PY).parent / "frictionless"
    return str(beside) if beside.is_file() else shutil.which("frictionless") or "frictionless"


def key_columns(schema):
    """Columns holding identifiers: primary and foreign keys (not vocabulary columns)."""
    cols = set(as_list(schema.get("primaryKey")))
    for fk in schema.get("foreignKeys", []):
        cols.update(as_list(fk["fields"]))
    cols.update(f["name"] for f in schema["fields"] if f["name"].endswith("_source_id"))
    ids = {f["name"] for f in schema["fields"] if "enum" not in f.get("constraints", {})}
    return cols & ids


def scaled_copy(pkg, dest: Path, k: int) -> int:
    """datapackage.json, the schemas and every table of the Dataset pkg repeated k times into
    dest; the rows written."""
    shutil.copy2(pkg.root / "datapackage.json", dest / "datapackage.json")
    if (pkg.root / "texts").is_dir():  # the kept texts the sources point to
        shutil.copytree(pkg.root / "texts", dest / "texts")
    for f in pkg.files:  # the resources that are not tables (GeoJSON), as they are
        (dest / f.path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(pkg.root / f.path, dest / f.path)
    rows_total = 0
    for r in pkg.resources:
        if r.schema_file != "datapackage.json":
            (dest / r.schema_file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(pkg.root / r.schema_file, dest / r.schema_file)
        keys = key_columns(r.schema)
        header = r.fields
        body = list(pkg.frame(r.name).itertuples(index=False, name=None))
        idx = [i for i, h in enumerate(header) if h in keys]
        (dest / r.path).parent.mkdir(parents=True, exist_ok=True)
        with open(dest / r.path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(header)
            for copy in range(k):
                for row in body:
                    if copy:
                        row = list(row)
                        for i in idx:
                            if row[i]:
                                row[i] = f"{row[i]}-x{copy}"
                    w.writerow(row)
                    rows_total += 1
    return rows_total


MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t0
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
print(wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, rc)
"""


def timed(cmd, cwd, env=None):
    """(wall seconds, CPU seconds of all its processes, peak MB of its largest process, exit code),
    measured by a fresh interpreter that runs only this command."""
    p = subprocess.run([PY, "-c", MEASURE, *cmd], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    wall, cpu, peak, rc = p.stdout.split()
    return float(wall), float(cpu), float(peak), int(rc)


def run(scales=(1, 10, 100, 1000), root=REPO):
    pkg = Dataset.load(root)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    bare_cmd = [frictionless(), "validate", "datapackage.json"]
    print(f"{'scale':>5} {'rows':>8} {'full s':>7} {'bare s':>7} {'ratio':>6} {'full CPU s':>10} {'bare CPU s':>10} {'CPU ratio':>9} "
          f"{'rows/s full':>11} {'peak MB full':>12} {'peak MB bare':>12}  exit codes", flush=True)
    for k in scales:
        with tempfile.TemporaryDirectory(prefix="ifimes-benchmark-") as tmp:
            d = Path(tmp)
            n = scaled_copy(pkg, d, k)
            full, full_cpu, full_mb, rc_full = timed([PY, "-m", "ifimes_karabakh", "validate", str(d)], d, env)
            bare, bare_cpu, bare_mb, rc_bare = timed(bare_cmd, d)
            print(f"{k:>5} {n:>8} {full:>7.2f} {bare:>7.2f} {full / bare:>6.2f} {full_cpu:>10.2f} {bare_cpu:>10.2f} {full_cpu / bare_cpu:>9.2f} "
                  f"{n / full:>11.0f} {full_mb:>12.0f} {bare_mb:>12.0f}  full={rc_full} bare={rc_bare}", flush=True)


def changes_time(root=REPO, old="0.5.0", new="0.6.0"):
    """Wall time of comparing two recorded versions row by row (./dp changes OLD NEW), in-process."""
    from .changes import changelog_entries, compare, resolve, snapshot
    started = time.perf_counter()
    entries = changelog_entries((Path(root) / "CHANGELOG.md").read_text(encoding="utf-8"))
    found = compare(snapshot(root, resolve(root, old, entries)), snapshot(root, resolve(root, new, entries)), new)
    print(f"changes {old} -> {new}: {len(found)} changes in {time.perf_counter() - started:.2f} s", flush=True)
