"""Time the project's full validation against a bare `frictionless validate` on the real package
and on synthetic copies scaled to about 10x, 100x and 1000x its rows (valid, with the same keys and
references: every identifier is suffixed per copy). Prints one table; no assertion is made.
Usage: python scripts/benchmark.py [--scales 1 10 100 1000]
"""
import argparse
import csv
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
FRICTIONLESS = str(Path(PY).parent / "frictionless")


def key_columns(schema):
    """Columns holding identifiers: primary and foreign keys (not vocabulary columns)."""
    cols = set(schema["primaryKey"] if isinstance(schema["primaryKey"], list) else [schema["primaryKey"]])
    for fk in schema.get("foreignKeys", []):
        cols.update([fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"])
    cols.update(f["name"] for f in schema["fields"] if f["name"].endswith("_source_id"))
    ids = {f["name"] for f in schema["fields"] if "enum" not in f.get("constraints", {})}
    return cols & ids


def scaled_copy(dest, k):
    for part in ("datapackage.json", "schemas"):
        (shutil.copytree if (ROOT / part).is_dir() else shutil.copy2)(ROOT / part, dest / part)
    (dest / "data").mkdir()
    rows_total = 0
    for r in json.loads((ROOT / "datapackage.json").read_text())["resources"]:
        schema = json.loads((ROOT / r["schema"]).read_text())
        keys = key_columns(schema)
        with open(ROOT / r["path"], encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        header, body = rows[0], rows[1:]
        idx = [i for i, h in enumerate(header) if h in keys]
        with open(dest / r["path"], "w", encoding="utf-8", newline="") as fh:
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


def timed(cmd, cwd):
    """(wall seconds, CPU seconds of all its processes, peak MB of its largest process, exit code),
    measured by a fresh interpreter that runs only this command."""
    p = subprocess.run([PY, "-c", MEASURE, *cmd], cwd=cwd, capture_output=True, text=True, check=True)
    wall, cpu, peak, rc = p.stdout.split()
    return float(wall), float(cpu), float(peak), int(rc)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100, 1000])
    args = ap.parse_args()
    print(f"{'scale':>5} {'rows':>8} {'full s':>7} {'bare s':>7} {'ratio':>6} {'full CPU s':>10} {'bare CPU s':>10} "
          f"{'rows/s full':>11} {'peak MB full':>12} {'peak MB bare':>12}  exit codes")
    for k in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            n = scaled_copy(d, k)
            full, full_cpu, full_mb, rc_full = timed([PY, str(ROOT / "scripts" / "validate.py"), str(d)], d)
            bare, bare_cpu, bare_mb, rc_bare = timed([FRICTIONLESS, "validate", "datapackage.json"], d)
            print(f"{k:>5} {n:>8} {full:>7.2f} {bare:>7.2f} {full / bare:>6.2f} {full_cpu:>10.2f} {bare_cpu:>10.2f} "
                  f"{n / full:>11.0f} {full_mb:>12.0f} {bare_mb:>12.0f}  full={rc_full} bare={rc_bare}", flush=True)


if __name__ == "__main__":
    main()
