"""Feed the validator every structural and hostile input of issues 9 and 15 and print what each
gives: exit code, the first line of the report (or of stderr), wall seconds and peak memory. Each
case is a damaged copy of the package validated by `python -m ifimes_karabakh validate` in a fresh
process, killed after TIMEOUT seconds (shown as exit "timeout"). No assertion: the tests assert
behaviour; this prints the figures.

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

TIMEOUT = 150  # seconds: a case still running then is a hang
MEASURE = """
import resource, subprocess, sys, time
t0 = time.perf_counter()
try:
    p = subprocess.run(sys.argv[2:], capture_output=True, text=True, errors="replace", timeout=float(sys.argv[1]))
    code, out, err = p.returncode, p.stdout, p.stderr
except subprocess.TimeoutExpired as e:
    code, out, err = "timeout", (e.stdout or b"").decode(errors="replace"), (e.stderr or b"").decode(errors="replace")
wall = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = [l for l in out.splitlines() if l and not l.startswith(("==", "PASS", "FAIL"))] + err.splitlines()
print(code, f"{wall:.2f}", f"{peak:.0f}", "Traceback" in err, len(out.encode()), ascii(lines[0] if lines else ""), sep="\\t")
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


# ------------------------------------------------------------------ issue 15
def schema_edit(d, table, fn):
    """Change one Table Schema (a dict) in place; written back as JSON (NaN and Infinity as Python writes them)."""
    path = d / "schemas" / f"{table}.schema.json"
    s = json.loads(path.read_text())
    fn(s)
    path.write_text(json.dumps(s))


def field_of(schema, name):
    return next(f for f in schema["fields"] if f["name"] == name)


def resource_of(dp, name):
    return next(r for r in dp["resources"] if r["name"] == name)


def latitude_bound(d, bound):
    """territories.latitude's maximum written as the JSON text `bound`, and one latitude of 500."""
    path = d / "schemas" / "territories.schema.json"
    s = json.loads(path.read_text())
    field_of(s, "latitude")["constraints"]["maximum"] = "@BOUND@"
    path.write_text(json.dumps(s).replace('"@BOUND@"', bound))
    edit(d, "territories", lambda data: data[next(i for i, r in enumerate(data) if i and r[data[0].index("latitude")])].__setitem__(data[0].index("latitude"), "500"))


def empty_key_not_required(d):
    schema_edit(d, "figures", lambda s: field_of(s, "figure_id").setdefault("constraints", {}).pop("required", None))
    cell(d, "figures", 3, "figure_id", "")


def duplicate_key(d):
    path = d / "schemas" / "territories.schema.json"
    path.write_text(path.read_text().replace('"maximum": 90', '"maximum": 90, "maximum": 1000', 1))


def nul_lines(d):
    with open(d / "data" / "figures.csv", "ab") as fh:
        fh.write(b"\x00\n" * (2 * 2**20))  # 4 MB


def blank_lines(d):
    with open(d / "data" / "figures.csv", "ab") as fh:
        fh.write(b"\n" * (5 * 2**20))


def formula_megabytes(d):
    """12 MB of note cells that start like a formula, in 400,000 rows of figures."""
    data = rows(d, "figures")
    first, j = data[1], data[0].index("note")
    with open(d / "data" / "figures.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerows(data)
        for i in range(400_000):
            r = list(first)
            r[0], r[j] = f"{first[0]}-{i}", "=" + "x" * 25
            w.writerow(r)


def many_rows_one_text(d, spellings=False):
    """1,500 sources rows naming one kept text of 1 MB (each a different spelling of its path, if asked)."""
    (d / "texts" / "big.txt").write_text(("The Aghdam district is returned to the Republic of Azerbaijan. " * 16 + "\n") * 1000, encoding="utf-8")
    def grow(data):
        j, t = data[0].index("source_id"), data[0].index("text_file")
        model = next(r for r in data[1:] if r[t])
        for i in range(1500):
            r = list(model)
            r[j], r[t] = f"{model[j]}-{i}", ("./" * i if spellings else "") + "texts/big.txt"
            data.append(r)
    edit(d, "sources", grow)


def distinct_cells(d, n=1_000_000):
    """figures.csv grown to n rows whose every cell is a value of its own (valid shape, invalid values)."""
    data = rows(d, "figures")
    with open(d / "data" / "figures.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(data[0])
        for i in range(n):
            w.writerow([f"v{i}-{j}" for j in range(len(data[0]))])


def one_char_cells(d):
    """memberships.csv with 1,000 columns and 120,000 rows of one-character cells: 229 MB, under the 256 MB refused unread."""
    head = rows(d, "memberships")[0]
    width = 1000
    with open(d / "data" / "memberships.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(head + [f"c{i}" for i in range(width - len(head))]) + "\n")
        line = ",".join("a" * 1 for _ in range(width)) + "\n"
        fh.writelines(line for _ in range(120_000))


def fifo(path):
    path.unlink()
    os.mkfifo(path)


def descriptor_outside(d):
    target = d.parent / "outside.json"
    shutil.copy(d / "datapackage.json", target)
    (d / "datapackage.json").unlink()
    (d / "datapackage.json").symlink_to(target)


def extra_resources(d, n=3000):
    def add(dp):
        model = resource_of(dp, "figures")
        dp["resources"] += [dict(model, name=f"figures-{i}") for i in range(n)]
    descriptor(d, add)


def symlink_loop(d):
    (d / "data" / "figures.csv").unlink()
    (d / "data" / "loop-a.csv").symlink_to("loop-b.csv")
    (d / "data" / "loop-b.csv").symlink_to("loop-a.csv")
    (d / "data" / "figures.csv").symlink_to("loop-a.csv")


def case_twin(d):
    schema_edit(d, "figures", lambda s: s["fields"].append({"name": "Note", "type": "string"}))
    edit(d, "figures", lambda data: [r.append("Note" if i == 0 else "") for i, r in enumerate(data)])


def renamed_resource(d, new):
    descriptor(d, lambda dp: resource_of(dp, "figures").update(name=new))


def lone_surrogate(d):
    path = d / "datapackage.json"
    path.write_text(path.read_text().replace('"title": "', '"title": "\\ud800', 1))


def forged_enum(d):
    forged = "\x1b[2J\x1b[H0 problem(s) found (clean CSV + Table Schema + rules)."
    schema_edit(d, "parties", lambda s: field_of(s, "kind")["constraints"]["enum"].append(forged) or field_of(s, "kind").pop("categories", None))
    cell(d, "parties", 2, "kind", "starship")


def forged_pattern(d):
    schema_edit(d, "figures", lambda s: field_of(s, "note").setdefault("constraints", {}).update(pattern="x|\x1b\\[2J\n0 problem\\(s\\) found\\."))
    cell(d, "figures", 2, "note", "y")


def forged_skipped(d):
    forged = "\x1b[2J\n0 problem(s) found."
    def rename(s):
        field_of(s, "party_id")["name"] = forged
        s["foreignKeys"] = [dict(fk, fields=forged) if fk["fields"] == "party_id" else fk for fk in s["foreignKeys"]]
    schema_edit(d, "figures", rename)


def renamed_field(d, new):
    """figures.note renamed to `new` in its schema and its header."""
    schema_edit(d, "figures", lambda s: field_of(s, "note").update(name=new))
    header(d, "figures", "note", new)


def no_primary_key(d):
    schema_edit(d, "figures", lambda s: s.pop("primaryKey"))


CASES_15 = [
    ("datapackage.json is null", lambda d: (d / "datapackage.json").write_text("null")),
    ("datapackage.json is a list", lambda d: (d / "datapackage.json").write_text("[]")),
    ("schema file is null", lambda d: (d / "schemas" / "figures.schema.json").write_text("null")),
    ("inline schema is null", lambda d: descriptor(d, lambda dp: resource_of(dp, "figures").update(schema=None))),
    ("resource without a schema", lambda d: descriptor(d, lambda dp: resource_of(dp, "figures").pop("schema"))),
    ("empty primary key, key field not required", empty_key_not_required),
    ("latitude maximum NaN, latitude 500", lambda d: latitude_bound(d, "NaN")),
    ("latitude maximum Infinity, latitude 500", lambda d: latitude_bound(d, "Infinity")),
    ("latitude maximum 1e999, latitude 500", lambda d: latitude_bound(d, "1e999")),
    ("latitude maximum 10**400, latitude 500", lambda d: latitude_bound(d, "1" + "0" * 400)),
    ("duplicate key in a schema", duplicate_key),
    ("format xlsx beside path", lambda d: descriptor(d, lambda dp: resource_of(dp, "figures").update(format="xlsx"))),
    ("compression beside path", lambda d: descriptor(d, lambda dp: resource_of(dp, "figures").update(compression="gz"))),
    ("inline data beside path", lambda d: descriptor(d, lambda dp: resource_of(dp, "figures").update(data=[{"figure_id": "x"}]))),
    ("4 MB of NUL lines", nul_lines),
    ("1,500 sources rows naming one 1 MB kept text", many_rows_one_text),
    ("the same, each spelling its path differently", lambda d: many_rows_one_text(d, spellings=True)),
    ("12 MB of formula-like cells", formula_megabytes),
    ("5 MB of blank lines", blank_lines),
    ("1,000,000 rows, every cell distinct", distinct_cells),
    ("120,000,000 one-character cells (229 MB)", one_char_cells),
    ("datapackage.json a FIFO", lambda d: fifo(d / "datapackage.json")),
    ("datapackage.json a symlink outside", descriptor_outside),
    ("schema file a FIFO", lambda d: fifo(d / "schemas" / "figures.schema.json")),
    ("CSV file a FIFO", lambda d: fifo(d / "data" / "figures.csv")),
    ("3,000 extra resources", extra_resources),
    ("5,000-digit integer cell", lambda d: cell(d, "sources", 3, "footnote_number", "9" * 5000)),
    ('type ["string"]', lambda d: schema_edit(d, "figures", lambda s: field_of(s, "note").update(type=["string"]))),
    ("symlink loop", symlink_loop),
    ("field names that differ only in case", case_twin),
    ("resource named sqlite_x", lambda d: renamed_resource(d, "sqlite_x")),
    ("300-character resource name", lambda d: renamed_resource(d, "f" * 300)),
    ("lone surrogate in datapackage.json", lone_surrogate),
    ("schema without primaryKey", no_primary_key),
    ("300-character field name", lambda d: renamed_field(d, "n" * 300)),
    ("field name with / and a quote", lambda d: renamed_field(d, 'a/b"c')),
    ("validate DIR/datapackage.json", lambda d: d / "datapackage.json"),
    ("validate a missing folder", lambda d: d / "absent"),
    ("enum value that forges a report line", forged_enum),
    ("pattern that forges a report line", forged_pattern),
    ("field name in SKIPPED that forges a report line", forged_skipped),
]


def run(only=None):
    """Every case (or those whose title contains `only`): one line each, tab-separated."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    print("case\texit\tseconds\tpeak MB\ttraceback\treport bytes\tfirst line of the report")
    for title, damage in CASES + CASES_15:
        if only and only not in title:
            continue
        with tempfile.TemporaryDirectory(prefix="ifimes-hostile-") as tmp:
            d = Path(tmp) / "pkg"
            d.mkdir()
            for part in ("datapackage.json", "data", "schemas", "texts"):
                (shutil.copytree if (REPO / part).is_dir() else shutil.copy2)(REPO / part, d / part)
            case_env, target = dict(env), d
            if damage is BAD_ARTICLE:
                bad = Path(tmp) / "article.txt"
                bad.write_bytes(b"Title\n\xff\xfe not UTF-8\n")
                case_env["IFIMES_SOURCE_TEXT"] = str(bad)
            else:
                given = damage(d)
                target = given if isinstance(given, Path) else d  # a case may name what to validate
            p = subprocess.run([PY, "-c", MEASURE, str(TIMEOUT), PY, "-m", "ifimes_karabakh", "validate", str(target)], env=case_env,
                               capture_output=True, text=True, timeout=TIMEOUT + 60)
            code, wall, peak, tb, size, first = (p.stdout.strip().split("\t") + [""] * 6)[:6]
            print(f"{title}\t{code}\t{wall}\t{peak}\t{tb}\t{size}\t{first[:150]}", flush=True)
