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
from .dataset import Dataset, kept_texts
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
    ran: dict = field(default_factory=dict)        # resource path -> the checks that ran on it, for the closing line
    first: set = field(default_factory=set)        # files whose problems are printed first (a changed source text)
    generated: str = ""                            # what the check of the generated files found, for the closing line
    not_words: list = field(default_factory=list)  # table.column named *_as_stated that holds codes (rules.NOT_WORDS)

    @property
    def exit_code(self):
        return 1 if self.problems else 0


def validate(root) -> Result:
    res = Result()
    out = res.problems
    pkg = load(root, out)
    if pkg is None:
        return res
    table_rules = rules.for_package(pkg.resources)  # the conventions, from each resource's own fields, and the table-specific rules
    loaded = {r.name for r in pkg.resources}
    refused = {r["name"] for r in pkg.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)} - loaded
    out += rules.declaration_problems(pkg.resources, refused)
    res.not_words = [f"{t}.{c}" for t, c in rules.NOT_WORDS if t in table_rules]
    for r in pkg.resources:
        out += rules.convention_problems(r, table_rules[r.name])
    out += vocabulary_problems(pkg)
    # a resource refused for its schema or path is still listed: only files no resource names are strays
    listed = {(pkg.root / r["path"]).resolve() for r in pkg.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("path"), str) and "\x00" not in r["path"]}
    for rel in stray_tables(pkg.root):
        if (pkg.root / rel).resolve() not in listed:
            out.append(Problem(rel, None, None, "files", "CSV file in data/ is not listed in datapackage.json (expected every table to be a resource)"))

    tables = {}
    for r in pkg.resources:
        t = tables[r.name] = read_table(pkg.root / r.path, r.path, r.fields)
        out += t.problems
        res.rows[r.path] = None if t.frame is None else len(t.frame)
        if not t.complete:
            res.ran[r.path] = ["clean CSV up to where reading stopped"] if t.header else ["not read"]
            res.notes.append(f"NOT CHECKED: {name(r.path)} could not be read to the end; its rows are not checked, nor references to it")
    article = read_article(out, res.notes)
    res.article_checked = article is not None
    usable = {n: t.frame for n, t in tables.items() if t.complete}
    files = {f.name: geojson.read(pkg.root / f.path, f.path, out) for f in pkg.files}  # read once: for the rules and their own checks
    ctx = rules.Context(usable, article, kept_texts(pkg, usable.get("sources"), out),
                        {n: d["features"] for n, d in files.items() if isinstance(d, dict) and isinstance(d.get("features"), list)})
    sources_file = next((r.path for r in pkg.resources if r.name == "sources"), "data/sources.csv")
    changed, why = rules.changed_texts(ctx, str(source_path()), sources_file)
    if changed:  # the first problems: every quote check against a changed text would fail, and is not run
        out[:0] = changed
        res.first = {p.file for p in changed if p.row is None}
        res.notes += why
        res.article_checked = ctx.article is not None

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
        run, not_run = rules.applicable(table_rules[r.name], t.frame, ctx)
        for rule, why in not_run:
            if why != "no article text":  # said once for the whole package (read_article, changed_texts)
                skipped[why].append(f"rule {rule.kind} on {rule.column}")
        for why, what in skipped.items():
            res.notes.append(f"SKIPPED in {name(r.path)} ({why}): {'; '.join(what)}")
        if run:
            out += [p for p, _ in failures(rules.schema(r.name, run, ctx), t.frame, r.path, t.damaged, lambda check, col: check.title)]
        res.ran[r.path] = ran_on_table(run, not_run, skipped)
    check_files(pkg, files, usable, res)
    for f in pkg.files:  # not tables: the closing line names what was checked
        res.ran[f.path] = ["GeoJSON shape and references"] if files.get(f.name) is not None else ["not read"]
    res.generated = generated_files(Dataset(pkg, usable), out, all(t.complete for t in tables.values()))
    return res


def ran_on_table(run, not_run, skipped):
    """The checks that ran on a table read to its end, as the closing line names them."""
    done = ["clean CSV", "Table Schema" + (" (some foreign keys skipped)" if any(w.startswith("foreign key") for what in skipped.values() for w in what) else "")]
    if run:
        other = [r for r, why in not_run if why != "no article text"]  # the quote checks have their own words
        done.append("rules" + (f" ({len(other)} skipped)" if other else ""))
    text = [r for r in run if r.article]
    unchecked = [r for r, why in not_run if r.article and why != "no article text"]
    if text:
        done.append("quotes against the article text" + (f" ({len(unchecked)} of {len(text) + len(unchecked)} such checks skipped)" if unchecked else ""))
    return done


def stray_tables(root):
    """data/ files (any depth, any case of .csv) as package-relative paths; links are not followed."""
    found = []
    for folder, dirs, files in os.walk(root / "data"):
        dirs.sort()
        found += [os.path.relpath(os.path.join(folder, f), root).replace(os.sep, "/") for f in sorted(files) if f.lower().endswith(".csv")]
        if len(found) > 10_000:  # a hostile folder: enough to report, never a walk without end
            break
    return found


def generated_files(ds, out, complete):
    """Problems for generated files that disagree with what they are generated from (stale.py, on the
    tables as read here); the closing line's words for what was checked."""
    from .stale import problems
    found, said = problems(ds, data_ok=complete and not out)
    out += found
    return said


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
    for f in sorted(by_file, key=lambda f: (f not in res.first, f)):
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
    print(f"{len(res.problems)} problem(s) found ({checked(res)}).", file=stream)


def checked(res: Result) -> str:
    """Exactly what ran: the checks common to every table, then each table where it differs."""
    groups = defaultdict(list)
    for path in res.rows:
        groups[" + ".join(res.ran.get(path, ["not read"]))].append(path)
    if not groups:
        return "no table read"
    ordered = sorted(groups.items(), key=lambda g: -len(g[1]))
    parts = [f"{ordered[0][0]}, on {'every table' if len(ordered) == 1 else f'{len(ordered[0][1])} tables'}"]
    parts += [f"{what} on {', '.join(name(p) for p in paths)}" for what, paths in ordered[1:]]
    if not res.article_checked:
        parts.append("quotes not checked against the article text")
    if res.generated:
        parts.append(res.generated)
    if res.not_words:
        parts.append(f"not checked as the source's words, which they do not hold (rules.NOT_WORDS): {', '.join(res.not_words)}")
    return "; ".join(parts)
