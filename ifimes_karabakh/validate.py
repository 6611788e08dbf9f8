"""Validate the package: read once, byte checks, Table Schema, rules.

1. datapackage.json and the schemas: read with limits, shape checked, paths kept inside the folder;
2. each CSV read once (csvread): byte-level and clean-CSV checks, rows with their physical lines;
3. Table Schema (tableschema): types, constraints, primary and foreign keys, through Pandera;
4. rules (rules): what Table Schema cannot say, through Pandera.

Prints every problem as `file:row:column: message (found …; expected …)`, grouped per file, then
PASS or FAIL per table and a count. Exit code 0: valid; 1: problems found; 2: the validator failed.
"""
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

from pandera.errors import SchemaErrors

from . import geojson, rules
from .article import Article, source_path
from .csvread import read_table
from .dataset import kept_texts
from .descriptor import as_list, load
from .report import Problem, name, show, sort_key
from .tableschema import pandera_schema
from .vocabulary import problems as vocabulary_problems


@dataclass
class Result:
    problems: list = field(default_factory=list)
    notes: list = field(default_factory=list)      # what was not checked, and why
    rows: dict = field(default_factory=dict)       # resource path -> rows read (None: not read)
    article_checked: bool = False

    @property
    def exit_code(self):
        return 1 if self.problems else 0


def validate(root) -> Result:
    res = Result()
    out = res.problems
    pkg = load(root, out)
    if pkg is None:
        return res
    out += vocabulary_problems(pkg)
    # a resource refused for its schema or path is still listed: only files no resource names are strays
    listed = {(pkg.root / r["path"]).resolve() for r in pkg.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("path"), str) and "\x00" not in r["path"]}
    for csv_path in sorted((pkg.root / "data").glob("*.csv")):
        if csv_path.resolve() not in listed:
            out.append(Problem(f"data/{csv_path.name}", None, None, "files", "CSV file in data/ is not listed in datapackage.json (expected every table to be a resource)"))

    tables = {}
    for r in pkg.resources:
        t = tables[r.name] = read_table(pkg.root / r.path, r.path, r.fields)
        out += t.problems
        res.rows[r.path] = None if t.frame is None else len(t.frame)
        if not t.complete:
            res.notes.append(f"NOT CHECKED: {name(r.path)} could not be read to the end; its rows are not checked, nor references to it")
    article = read_article(out, res.notes)
    res.article_checked = article is not None
    usable = {n: t.frame for n, t in tables.items() if t.complete}
    files = {f.name: geojson.read(pkg.root / f.path, f.path, out) for f in pkg.files}  # read once: for the rules and their own checks
    ctx = rules.Context(usable, article, kept_texts(pkg, usable.get("sources"), out),
                        {n: d["features"] for n, d in files.items() if isinstance(d, dict) and isinstance(d.get("features"), list)})

    for r in pkg.resources:
        t = tables[r.name]
        if not t.complete:
            continue
        present = list(t.frame.columns)
        targets, skipped = {}, defaultdict(list)
        for fk in r.schema.get("foreignKeys", []):
            target = fk["reference"].get("resource") or r.name
            frame = usable.get(target)
            gone = [f"{target}.{c}" for c in as_list(fk["reference"]["fields"]) if frame is None or c not in frame.columns]
            gone += [c for c in as_list(fk["fields"]) if c not in present]
            if gone:
                skipped[f"{', '.join(gone)} not readable"].append(f"foreign key {', '.join(as_list(fk['fields']))}")
            else:
                targets[target] = frame
        schema = pandera_schema(r.schema, targets, columns=present, name=r.name)
        unsure = {n: damaged_tokens(tables[n]) for n in targets if tables[n].damaged}
        found = failures(schema, t.frame, r.path, t.damaged, lambda check, col: col or check.title)
        for p, check in found:
            if check.name == "foreign-key" and p.found in unsure.get(check.description, ()):
                res.notes.append(f"NOT REPORTED: {name(r.path)}:{p.row}:{name(p.column)}: {show(p.found)} may be the key of a damaged row of {check.description}")
            else:
                out.append(p)
        run, not_run = rules.applicable(r.name, t.frame, ctx)
        for rule, why in not_run:
            skipped[why].append(f"rule {rule.kind} on {rule.column}")
        for why, what in skipped.items():
            res.notes.append(f"SKIPPED in {name(r.path)} ({why}): {'; '.join(what)}")
        if run:
            out += [p for p, _ in failures(rules.schema(r.name, run, ctx), t.frame, r.path, t.damaged, lambda check, col: check.title)]
    check_files(pkg, files, usable, res)
    return res


def check_files(pkg, files, usable, res):
    """The resources that are not tables (GeoJSON, parsed in files; None: not readable, already
    reported): their shape and their references to the tables (geojson.py); a referenced table that
    could not be read is noted, not checked."""
    keys = {t: set(usable[t][c]) for t, c in geojson.REFERENCES.values() if t in usable and c in usable[t].columns}
    for f in pkg.files:
        doc = files.get(f.name)
        found, n = geojson.check(doc, f.path, keys) if doc is not None else ([], None)
        res.problems += found
        res.rows[f.path] = n
        gone = sorted({t for t, _ in geojson.REFERENCES.values()} - set(keys))
        if gone and doc is not None:
            res.notes.append(f"NOT CHECKED: references of {name(f.path)} to {', '.join(gone)} (not readable)")


def damaged_tokens(table):
    """Every word of the damaged rows of a table (cells split at spaces and commas): a missing
    reference equal to one of them may be a key that the damage hid, and is not reported."""
    return {w for text in table.damaged.values() for w in re.split(r"[\s,\x1f]+", text) if w}


def read_article(out, notes):
    path = source_path()
    if path.is_file():
        return Article.read(path, out)
    if os.environ.get("CI"):
        out.append(Problem(str(path), None, None, "article", "source text not found: CI must check every quote against it (set IFIMES_SOURCE_TEXT or provide ../shared)"))
    else:
        notes.append(f"SKIPPED: quote, footnote and SHA-256 checks, because the source text is not at {name(str(path), 200)} (set IFIMES_SOURCE_TEXT to its path)")
    return None


def failures(schema, frame, file, damaged, column_of):
    """Run a Pandera schema lazily; its failure cases as (Problem, check) on the true lines (none
    on damaged rows, whose structural problem is already reported)."""
    try:
        schema.validate(frame, lazy=True)
        return []
    except SchemaErrors as e:
        cases = e.failure_cases
    out, seen = [], set()
    for ctx_kind, col, number, index in cases[["schema_context", "column", "check_number", "index"]].itertuples(index=False):
        if ctx_kind == "Column":
            check = schema.columns[col].checks[int(number)]
        else:
            check = schema.checks[int(number)]
            col = None
        column = column_of(check, col)
        if index is None or index != index:  # the check itself raised: a fault of the validator, never a pass
            raise RuntimeError(f"check {check.name} on {column} failed to run: {cases.loc[cases['index'].isna(), 'failure_case'].iloc[0]}")
        key = (column, ctx_kind, number, index)
        if int(index) in damaged or key in seen:
            continue
        seen.add(key)
        line = int(index)
        found = frame.at[line, column] if column in frame.columns else ""
        message = check.error
        message = message.replace(" (expected ", f" (found {show(found)}; expected ", 1) if " (expected " in message else f"{message} (found {show(found)})"
        out.append((Problem(file, line, column, check.name, message, found), check))
    return out


def report(res: Result, stream=None):
    stream = stream or sys.stdout
    by_file = defaultdict(list)
    for p in res.problems:
        by_file[p.file].append(p)
    for f in sorted(by_file):
        print(f"== {name(f, 200)}: {len(by_file[f])} problem(s)", file=stream)
        for p in sorted(by_file[f], key=sort_key):
            print(p, file=stream)
    if by_file:
        print(file=stream)
    for path, n in res.rows.items():
        count = len(by_file.get(path, []))
        rows = "?" if n is None else f"{n:,}"
        print(f"{'PASS' if count == 0 else 'FAIL'}  {name(path):34} {rows:>9} rows  {count} problem(s)", file=stream)
    for note in res.notes:
        print(note, file=stream)
    checked = "clean CSV + Table Schema + rules" + (" + quotes against the article text" if res.article_checked else "")
    print(f"{len(res.problems)} problem(s) found ({checked}).", file=stream)
