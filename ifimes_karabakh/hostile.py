"""Feed the validator every structural and hostile input of issue 9 and print what each gives:
exit code, the first line of the report (or of stderr), wall seconds and peak memory. Each case is
a damaged copy of the package validated by `python -m ifimes_karabakh validate` in a fresh
process. No assertion: the tests assert behaviour; this prints the figures.

Usage: python -m ifimes_karabakh benchmark --hostile
"""
import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from . import REPO
from .benchmark import PY
from .bounded import read_bounded
from .csvread import MAX_TABLE_BYTES, raw_rows

MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
p = subprocess.run(sys.argv[1:], capture_output=True, text=True, errors="replace")
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = [l for l in p.stdout.splitlines() if l and not l.startswith(("==", "PASS", "FAIL"))] + p.stderr.splitlines()
print(p.returncode, f"{wall:.2f}", f"{peak:.0f}", "Traceback" in p.stderr, ascii(lines[0] if lines else ""), sep="\\t")
"""


def rows(d, table):
    """The table of the copy d as lists of cells, header first, as it stands (damage included)."""
    return raw_rows(d / "data" / f"{table}.csv")


def save(d, table, data):
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(data)
    (d / "data" / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def cell(d, table, line, column, value):
    data = rows(d, table)
    data[line - 1][data[0].index(column)] = value
    save(d, table, data)


def header(d, table, old, new):
    data = rows(d, table)
    data[0][data[0].index(old)] = new
    save(d, table, data)


def edit(d, table, fn):
    data = rows(d, table)
    fn(data)
    save(d, table, data)


def descriptor(d, fn):
    dp = json.loads((d / "datapackage.json").read_text())
    fn(dp)
    (d / "datapackage.json").write_text(json.dumps(dp))


def raw(d, table, fn):
    """The table's bytes, changed by fn (read with the tables' size limit, like every CSV)."""
    p = d / "data" / f"{table}.csv"
    p.write_bytes(fn(read_bounded(p, MAX_TABLE_BYTES)))


def million_rows(d):
    """figures.csv grown to 1,000,000 valid rows: its own rows, then copies of the first with new ids."""
    data = rows(d, "figures")
    first = data[1]
    with open(d / "data" / "figures.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerows(data)
        for i in range(1_000_000 - len(data) + 1):
            r = list(first)
            r[0] = f"{first[0]}-{i}"
            w.writerow(r)


def outside_symlink(d):
    target = d.parent / "outside.csv"
    shutil.copy(d / "data" / "figures.csv", target)
    (d / "data" / "figures.csv").unlink()
    (d / "data" / "figures.csv").symlink_to(target)


def formula_cells(d):
    for table in ("parties", "events", "claims"):
        edit(d, table, lambda data: [r.__setitem__(data[0].index("note"), p + "x" * 30) for r, p in zip(data[1:], "-+=@" * 1000)])


BAD_ARTICLE = "the article text, not the package"  # the one case that damages the article instead of a copy

CASES = [
    ("renamed column sources.source_id", lambda d: header(d, "sources", "source_id", "src_id")),
    ("renamed column sources.kind", lambda d: header(d, "sources", "kind", "kinds")),
    ("renamed column parties.party_id", lambda d: header(d, "parties", "party_id", "id")),
    ("surplus cell, first data row", lambda d: edit(d, "parties", lambda data: data[1].append("x"))),
    ("surplus cell, later row", lambda d: edit(d, "parties", lambda data: data[20].append("x"))),
    ("missing cell", lambda d: edit(d, "parties", lambda data: data[5].pop())),
    ("quoted newline in a cell", lambda d: cell(d, "parties", 4, "note", "two\nlines")),
    ("NUL byte", lambda d: cell(d, "parties", 4, "note", "a\x00b")),
    ("invalid UTF-8", lambda d: raw(d, "parties", lambda b: b.replace(b"Azerbaijan", b"Az\xe9rbaijan", 1))),
    ("lone CR as line end", lambda d: raw(d, "events", lambda b: b.replace(b"\n", b"\r"))),
    ("U+202E and U+200B in cells", lambda d: (cell(d, "parties", 4, "note", "a\u202eb"), cell(d, "parties", 5, "note", "a\u200bb"))),
    ("parent cycle without a country", lambda d: edit(d, "territories", lambda data: [
        r.__setitem__(data[0].index("parent_territory_id"), "stepanakert") for r in data if r[0] == "nagorno-karabakh"])),
    ("quote '………'", lambda d: cell(d, "figures", 2, "quote", "………")),
    ("integer above 64 bits", lambda d: cell(d, "sources", 3, "footnote_number", "9" * 30)),
    ("number 1e400", lambda d: cell(d, "figures", 2, "value", "1e400")),
    ("header that forges a report line", lambda d: header(d, "figures", "note", "\x1b[2J\nPASS  data/x.csv 0 problem(s)")),
    ("50 MB cell", lambda d: cell(d, "memberships", 3, "note", "x" * 50_000_000)),
    ("100,000-cell row", lambda d: edit(d, "memberships", lambda data: data[2].extend(["x"] * 100_000))),
    ("100,000-column header", lambda d: edit(d, "memberships", lambda data: data[0].extend(f"c{i}" for i in range(100_000)))),
    ("10,000 extra columns", lambda d: edit(d, "memberships", lambda data: [r.extend([f"c{i}" if n == 0 else "" for i in range(10_000)]) for n, r in enumerate(data)])),
    ("text cells starting with - + = @", formula_cells),
    ("schema pattern ^(a+)+$, 35-character value", lambda d: (
        (d / "schemas" / "figures.schema.json").write_text((d / "schemas" / "figures.schema.json").read_text().replace('"name": "note",', '"name": "note", "constraints": {"pattern": "^(a+)+$"},', 1)),
        cell(d, "figures", 2, "note", "a" * 35 + "!"))),
    ("200 MB datapackage.json", lambda d: (d / "datapackage.json").write_text('{"description": "' + "x" * 200_000_000 + '"}')),
    ("JSON nested 100,000 deep", lambda d: (d / "datapackage.json").write_text("[" * 100_000 + "]" * 100_000)),
    ("100,000-digit number", lambda d: descriptor(d, lambda dp: None) or (d / "datapackage.json").write_text('{"version": ' + "9" * 100_000 + "}")),
    ("resources not a list", lambda d: descriptor(d, lambda dp: dp.update(resources={"a": 1}))),
    ("schema that is a number", lambda d: descriptor(d, lambda dp: dp["resources"][0].update(schema=42))),
    ("field name not a string", lambda d: descriptor(d, lambda dp: dp["resources"][0].update(schema={"fields": [{"name": 7}]}))),
    ("resource path ../", lambda d: descriptor(d, lambda dp: dp["resources"][0].update(path="../../etc/passwd"))),
    ("resource path absolute", lambda d: descriptor(d, lambda dp: dp["resources"][0].update(path="/etc/passwd"))),
    ("resource path by symlink outside", outside_symlink),
    ("remote resource path", lambda d: descriptor(d, lambda dp: dp["resources"][0].update(path="http://127.0.0.1:9/x.csv"))),
    ("package name ../../../escaped", lambda d: descriptor(d, lambda dp: dp.update(name="../../../escaped"))),
    ("article text not UTF-8", BAD_ARTICLE),
    ("valid 1,000,000-row table", million_rows),
]


def run():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    print("case\texit\tseconds\tpeak MB\ttraceback\tfirst line of the report")
    for title, damage in CASES:
        with tempfile.TemporaryDirectory(prefix="ifimes-hostile-") as tmp:
            d = Path(tmp) / "pkg"
            d.mkdir()
            for part in ("datapackage.json", "data", "schemas", "texts"):
                (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, d / part)
            case_env = dict(env)
            if damage is BAD_ARTICLE:
                bad = Path(tmp) / "article.txt"
                bad.write_bytes(b"Title\n\xff\xfe not UTF-8\n")
                case_env["IFIMES_SOURCE_TEXT"] = str(bad)
            else:
                damage(d)
            p = subprocess.run([PY, "-c", MEASURE, PY, "-m", "ifimes_karabakh", "validate", str(d)], env=case_env,
                               capture_output=True, text=True, timeout=600)
            code, wall, peak, tb, first = (p.stdout.strip().split("\t") + [""] * 5)[:5]
            print(f"{title}\t{code}\t{wall}\t{peak}\t{tb}\t{first[:150]}", flush=True)
