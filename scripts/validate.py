"""Validate the whole package: files and JSON, clean-CSV rules, frictionless (Table Schema, keys),
then Pandera (derived column rules + semantic and cross-table rules).

Prints one line per problem, `file:row:column: what is wrong (found ...; expected ...)`, grouped
per table, a summary per table and a count; exits 1 if anything is wrong, 0 otherwise (2 if this
script itself fails). On a machine with two or more cores frictionless runs in a second process
beside the clean-CSV and Pandera rules; the report is the same either way.
Usage: python scripts/validate.py [PACKAGE_DIR] [--debug]
"""
import argparse
import json
import multiprocessing as mp
import os
import sys
from collections import defaultdict
from pathlib import Path

import pandas as pd
from pandera.errors import SchemaErrors

sys.path.insert(0, str(Path(__file__).resolve().parent))
from hygiene import check_csv  # noqa: E402
from problems import Problem, show  # noqa: E402
from rules import Context, build_schema  # noqa: E402
from source_text import Article, source_path  # noqa: E402


def load_json(path, rel, out):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        out.append(Problem(rel, None, None, "file is missing", "json"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        out.append(Problem(rel, getattr(e, "lineno", None), None, f"invalid JSON ({e})", "json"))
    return None


def check_descriptor(root, out):
    """datapackage.json and the schemas it names: readable, keys that name real fields and resources."""
    dp = load_json(root / "datapackage.json", "datapackage.json", out)
    if dp is None:
        return None, {}
    resources = dp.get("resources", [])
    names = {r.get("name") for r in resources}
    schemas = {}
    for r in resources:
        name, path = r.get("name"), r.get("path", "")
        if not (root / path).is_file():
            out.append(Problem(path or "datapackage.json", None, None, f"data file of resource {name!r} listed in datapackage.json is missing", "files"))
        sref = r.get("schema")
        schema = load_json(root / sref, sref, out) if isinstance(sref, str) else sref
        if schema is None:
            continue
        fields = [f.get("name") for f in schema.get("fields", [])]
        rel = sref if isinstance(sref, str) else "datapackage.json"
        pk = schema.get("primaryKey", [])
        for k in [pk] if isinstance(pk, str) else pk:
            if k not in fields:
                out.append(Problem(rel, None, "primaryKey", f"primary key names no field (found {show(k)}; expected one of {', '.join(fields)})", "json"))
        for fk in schema.get("foreignKeys", []):
            own = fk.get("fields")
            ref = fk.get("reference", {})
            for k in [own] if isinstance(own, str) else own or []:
                if k not in fields:
                    out.append(Problem(rel, None, "foreignKeys", f"foreign key names no field (found {show(k)})", "json"))
            if ref.get("resource") not in names | {""}:
                out.append(Problem(rel, None, "foreignKeys", f"foreign key points to no resource (found {show(ref.get('resource'))})", "json"))
        for f in schema.get("fields", []):
            cats = f.get("categories")
            enum = f.get("constraints", {}).get("enum")
            if cats is not None and [c.get("value") if isinstance(c, dict) else c for c in cats] != enum:
                out.append(Problem(rel, None, f.get("name"), "categories and constraints.enum list different values (expected the same values in the same order)", "json"))
        schemas[name] = (path, schema)
    listed = {(root / r.get("path", "")).resolve() for r in resources}
    for csv_path in sorted((root / "data").glob("*.csv")):
        if csv_path.resolve() not in listed:
            out.append(Problem(f"data/{csv_path.name}", None, None, "CSV file in data/ is not listed in datapackage.json (expected every table to be a resource)", "files"))
    return dp, schemas


def check_versions(root, dp, out):
    """One version everywhere: datapackage.json, CITATION.cff and the top release of CHANGELOG.md
    (each file is compared when the package folder has it)."""
    import re

    import yaml

    version = str(dp.get("version", ""))
    cff = root / "CITATION.cff"
    if cff.is_file():
        try:
            found = str((yaml.safe_load(cff.read_text(encoding="utf-8")) or {}).get("version", ""))
        except yaml.YAMLError as e:
            out.append(Problem("CITATION.cff", None, None, f"invalid YAML ({e})", "files"))
        else:
            if found != version:
                out.append(Problem("CITATION.cff", None, "version", f"version differs from datapackage.json (found {show(found)}; expected {show(version)})", "files"))
    log = root / "CHANGELOG.md"
    if log.is_file():
        for n, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
            m = re.match(r"## \[(\d+\.\d+\.\d+[^\]]*)\]", line)
            if m:
                if m.group(1) != version:
                    out.append(Problem("CHANGELOG.md", n, None, f"top release differs from datapackage.json's version (found {show(m.group(1))}; expected {show(version)})", "files"))
                break


def run_frictionless(root, out):
    """Table Schema types, constraints, primary and foreign keys, as `frictionless validate` does."""
    from frictionless import Package, system

    cwd = os.getcwd()
    os.chdir(root)
    try:
        with system.use_context(trusted=True):
            report = Package("datapackage.json").validate()
    except Exception as e:  # a descriptor frictionless cannot read at all
        out.append(Problem("datapackage.json", None, None, f"frictionless cannot read the package ({e})", "frictionless"))
        return
    finally:
        os.chdir(cwd)
    for task in report.tasks:
        rel = task.place
        for err in task.errors:
            row = getattr(err, "row_number", None)
            col = getattr(err, "field_name", None)
            cell = getattr(err, "cell", None)
            found = f"; found {show(cell)}" if cell not in (None, "") else ""
            if err.type == "foreign-key":
                names = getattr(err, "field_names", None) or [None]
                col = names[0]
                msg = f"reference to a row that does not exist ({err.note})"
            elif err.type == "constraint-error":
                msg = f"value breaks a constraint of the schema ({found.removeprefix('; ')}; expected: {err.note})"
            elif err.type == "type-error":
                msg = f"value of the wrong type ({found.removeprefix('; ')}; expected: {err.note})"
            else:
                msg = f"{err.title.lower()} ({err.note}{found})"
            out.append(Problem(rel, row, col, msg, "frictionless"))
    for err in report.errors:
        out.append(Problem("datapackage.json", None, None, f"{err.title.lower()} ({err.note})", "frictionless"))


def read_table(path):
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_filter=False, encoding="utf-8", encoding_errors="replace", on_bad_lines="skip")


def run_pandera(root, schemas, article, out, skip_files):
    tables = {}
    for name, (path, schema) in schemas.items():
        if path in skip_files or not (root / path).is_file():
            continue
        try:
            tables[name] = read_table(root / path)
        except Exception as e:
            out.append(Problem(path, None, None, f"cannot be read as CSV ({e})", "pandera"))
    ctx = Context(tables, article)
    for name, df in tables.items():
        path, schema = schemas[name]
        fields = [f["name"] for f in schema["fields"]]
        if [c for c in df.columns] != fields:
            continue  # the header is already reported by the CSV rules; row rules would only repeat it
        try:
            build_schema(name, schema, df, ctx).validate(df, lazy=True)
        except SchemaErrors as e:
            fc = e.failure_cases
            for rec in fc.itertuples(index=False):
                idx = rec.index
                row = int(idx) + 2 if pd.notna(idx) else None
                col = rec.column if isinstance(rec.column, str) and rec.column in fields else None
                check = str(rec.check)
                found = show(rec.failure_case)
                if "primary key" in check:
                    pk = schema.get("primaryKey")
                    pk = [pk] if isinstance(pk, str) else pk
                    vals = df.loc[int(idx), pk].tolist() if pd.notna(idx) else []
                    out.append(Problem(path, row, pk[0], f"duplicate primary key (found {show(' / '.join(vals))}; expected a value no other row has)", "pandera"))
                    continue
                out.append(Problem(path, row, col, f"{error_text(check)} (found {found})", "pandera"))


def error_text(check):
    """Pandera reports a check by its error text or name; keep the human text."""
    return check.split("(", 1)[0].strip() if check.startswith("<Check") else check


def dedupe(problems):
    """Keep one message per file, row and column and kind of check; frictionless first."""
    seen, out = set(), []
    by_cell = set()
    for p in problems:
        key = (p.file, p.row, p.column, p.message)
        if key in seen:
            continue
        if p.layer == "pandera" and (p.file, p.row, p.column) in by_cell:
            continue  # frictionless or the CSV rules already reported this cell
        seen.add(key)
        if p.layer in ("frictionless", "csv") and p.row is not None and p.column:
            by_cell.add((p.file, p.row, p.column))
        out.append(p)
    return out


def start_frictionless(root):
    """Start frictionless in a forked process (when there is a second core); returns a handle for
    finish_frictionless. With one core, it runs here and now."""
    if (os.cpu_count() or 1) < 2 or "fork" not in mp.get_all_start_methods():
        out = []
        run_frictionless(root, out)
        return out
    pool = mp.get_context("fork").Pool(1)
    return pool, pool.apply_async(_frictionless_problems, (str(root),))


def _frictionless_problems(root):
    out = []
    run_frictionless(Path(root), out)
    return out


def finish_frictionless(pending):
    if isinstance(pending, list):
        return pending
    pool, result = pending
    try:
        return result.get()
    finally:
        pool.close()
        pool.join()


def validate(root: Path):
    root = root.resolve()
    problems = []
    dp, schemas = check_descriptor(root, problems)
    descriptor_ok = dp is not None and not any(p.layer == "json" for p in problems)
    if dp is not None:
        check_versions(root, dp, problems)
    # frictionless and our own rules are independent: on a machine with more than one core,
    # frictionless runs in a second process while the clean-CSV and Pandera rules run here.
    pending = start_frictionless(root) if descriptor_ok else None
    csv_problems, skip = [], set()
    for name, (path, schema) in schemas.items():
        if (root / path).is_file():
            found, ok = check_csv(root / path, path, [f["name"] for f in schema["fields"]])
            csv_problems += found
            if not ok:
                skip.add(path)
    spath = source_path()
    article = None
    notes = []
    own = []
    if spath.is_file():
        article = Article(spath)
    elif os.environ.get("CI"):
        own.append(Problem(str(spath), None, None, "source text not found: CI must check every quote against it (set IFIMES_SOURCE_TEXT or provide ../shared)", "files"))
    else:
        notes.append(f"SKIPPED: quote and SHA-256 checks, because the source text is not at {spath} (set IFIMES_SOURCE_TEXT to its path).")
    if descriptor_ok:
        run_pandera(root, schemas, article, own, skip)
    fric = finish_frictionless(pending) if pending is not None else []
    # order of report: files and JSON, clean CSV, frictionless, then Pandera (dedupe keeps the first)
    problems = dedupe(problems + csv_problems + fric + own)
    return problems, schemas, notes


def report(root, problems, schemas, notes, stream=sys.stdout):
    by_file = defaultdict(list)
    for p in problems:
        by_file[p.file].append(p)
    order = [path for path, _ in schemas.values()]
    for f in sorted(by_file, key=lambda f: (f not in order, order.index(f) if f in order else 0, f)):
        print(f"== {f}: {len(by_file[f])} problem(s)", file=stream)
        for p in sorted(by_file[f], key=lambda p: (p.row or 0, p.column or "")):
            print(str(p), file=stream)
    print(file=stream)
    for name, (path, _) in schemas.items():
        n = len(by_file.get(path, []))
        rows = "?"
        try:
            with open(root / path, "rb") as fh:
                rows = max(sum(1 for _ in fh) - 1, 0)
        except OSError:
            pass
        print(f"{'PASS' if n == 0 else 'FAIL'}  {path:34} {rows:>6} rows  {n} problem(s)", file=stream)
    for n in notes:
        print(n, file=stream)
    checked = "frictionless + clean-CSV + Pandera" + ("" if notes else " + quotes against the article text")
    print(f"{len(problems)} problem(s) found ({checked}).", file=stream)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("package", nargs="?", default=str(Path(__file__).resolve().parent.parent), help="folder holding datapackage.json")
    ap.add_argument("--debug", action="store_true", help="show a traceback if the validator itself fails")
    args = ap.parse_args(argv)
    root = Path(args.package)
    try:
        problems, schemas, notes = validate(root)
    except Exception as e:  # a fault of this script, not of the data: say so in one line
        if args.debug:
            raise
        print(f"validate.py: internal error, not a data problem ({type(e).__name__}: {e}); rerun with --debug", file=sys.stderr)
        return 2
    report(root, problems, schemas, notes)
    return 1 if problems else 0


if __name__ == "__main__":
    import signal

    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `validate.py | head` ends quietly
    sys.exit(main())
