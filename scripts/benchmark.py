"""Time the project's full validation against a bare `frictionless validate` on the real package
and on synthetic copies scaled to about 10x, 100x and 1000x its rows (valid, with the same keys and
references: every identifier is suffixed per copy). Prints one table; no assertion is made.
Usage: python scripts/benchmark.py [--scales 1 10 100 1000]
"""
import argparse
import csv
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
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


def timed(cmd, cwd):
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    dt = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return dt, p.returncode, max(peak, before) / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100, 1000])
    args = ap.parse_args()
    print(f"{'scale':>5} {'rows':>8} {'full s':>8} {'bare s':>8} {'ratio':>6} {'rows/s full':>12} {'peak MB':>8}  exit codes")
    for k in args.scales:
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            n = scaled_copy(d, k)
            full, rc_full, peak = timed([PY, str(ROOT / "scripts" / "validate.py"), str(d)], d)
            bare, rc_bare, _ = timed([FRICTIONLESS, "validate", "datapackage.json"], d)
            print(f"{k:>5} {n:>8} {full:>8.2f} {bare:>8.2f} {full / bare:>6.2f} {n / full:>12.0f} {peak:>8.0f}  full={rc_full} bare={rc_bare}", flush=True)


if __name__ == "__main__":
    main()
