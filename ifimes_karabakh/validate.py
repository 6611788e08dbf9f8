"""Validate the package: read once, byte checks, Table Schema, rules.

1. datapackage.json and the schemas: read with limits, shape checked, paths kept inside the folder;
2. each CSV read once (csvread): byte-level and clean-CSV checks, rows with their physical lines;
3. Table Schema (tableschema): types, constraints, primary and foreign keys, through Pandera;
4. rules (rules): what Table Schema cannot say, through Pandera.

Prints every problem as `file:row:column: message (found …; expected …)`, grouped per file, then
PASS or FAIL per table and a count. At most report.MAX_PER_KIND problems of one kind are listed per
file; the rest are counted ("and N more of this kind"), so that no input, however broken, costs
more than a counter per kind. Exit code 0: valid; 1: problems found; 2: the validator failed.
"""
import hashlib
import os
import re
import sys
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from . import geojson, rules
from .article import Article, source_path
from .csvread import read_table
from .dataset import Dataset, kept_texts
from .descriptor import as_list, load, load_json, real
from .report import MAX_PER_KIND, Problem, Problems, name, plain, show, sort_key
from .tableschema import pandera_schema
from .vocabulary import problems as vocabulary_problems


@dataclass
class Result:
    problems: Problems = field(default_factory=Problems)
    notes: list = field(default_factory=list)      # what was not checked, and why
    rows: dict = field(default_factory=dict)       # resource path -> rows read (None: not read)
    article_checked: bool = False
    ran: dict = field(default_factory=dict)        # resource path -> the checks that ran on it, for the closing line
    first: set = field(default_factory=set)        # files whose problems are printed first (a changed source text)
    generated: str = ""                            # what the check of the generated files found, for the closing line

    @property
    def exit_code(self):
        return 1 if self.problems.total else 0


def validate(root) -> Result:
    res = Result()
    out = res.problems
    pkg = load(root, out)
    if pkg is None:
        return res
    table_rules = rules.for_package(pkg.resources)  # the conventions, from each resource's own fields, and the table-specific rules
    loaded = {r.name for r in pkg.resources}
    listed_names = {r["name"] for r in pkg.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("name"), str)}
    out += rules.declaration_problems(pkg.resources, listed_names - loaded)
    absent = rules.absent_tables(listed_names)
    if absent:
        res.notes.append(f"NOT CHECKED: the rules of ifimes_karabakh/rules.py for tables this package does not list: {', '.join(map(name, absent))}")
    for r in pkg.resources:
        out += rules.convention_problems(r, table_rules[r.name])
    out += vocabulary_problems(pkg)
    # a resource refused for its schema or path is still listed: only files no resource names are strays
    listed = {real(pkg.root / r["path"]) for r in pkg.descriptor["resources"] if isinstance(r, dict) and isinstance(r.get("path"), str) and "\x00" not in r["path"]}
    for rel in stray_tables(pkg.root):
        if real(pkg.root / rel) not in listed:
            out.append(Problem(rel, None, None, "files", "CSV file in data/ is not listed in datapackage.json (expected every table to be a resource)"))

    tables = {}
    for r in pkg.resources:
        t = tables[r.name] = read_table(pkg.root / r.path, r.path, r.fields)
        out += t.problems
        out += hash_problems(r, t.sha256)
        res.rows[r.path] = None if t.frame is None else len(t.frame)
        if not t.complete:
            res.ran[r.path] = ["clean CSV up to where reading stopped"] if t.header else ["not read"]
            res.notes.append(f"NOT CHECKED: {name(r.path)} {t.why}; its rows are not checked, nor references to it")
    article = read_article(out, res.notes)
    res.article_checked = article is not None
    usable = {n: t.frame for n, t in tables.items() if t.complete}
    files = {f.name: read_file(pkg.root / f.path, f.path, out) for f in pkg.files}  # read once: for the rules and their own checks
    for f in pkg.files:
        if files[f.name] is not UNREAD:  # read within the limits and a regular file: its bytes can be hashed
            out += hash_problems(f, hashlib.sha256((pkg.root / f.path).read_bytes()).hexdigest())
    ctx = rules.Context(usable, article, kept_texts(pkg, usable.get("sources"), out),
                        {n: d["features"] for n, d in files.items() if isinstance(d, dict) and isinstance(d.get("features"), list)},
                        {f"{r.name}.{f['name']}": [c["value"] if isinstance(c, dict) else c for c in f["categories"]]
                         for r in pkg.resources for f in r.schema["fields"] if isinstance(f.get("categories"), list)})
    sources_file = next((r.path for r in pkg.resources if r.name == "sources"), "data/sources.csv")
    changed, why = rules.changed_texts(ctx, str(source_path()), sources_file)
    if changed:  # the first problems: every quote check against a changed text would fail, and is not run
        out += changed
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
            gone = [f"{name(target)}.{name(c)}" for c in as_list(fk["reference"]["fields"]) if frame is None or c not in frame.columns]
            gone += [name(c) for c in as_list(fk["fields"]) if c not in present]
            if gone:
                skipped[f"{', '.join(gone)} not readable"].append(f"foreign key {', '.join(map(name, as_list(fk['fields'])))}")
            else:
                targets[target] = frame
        schema = pandera_schema(r.schema, targets, columns=present, name=r.name)
        unsure = {n: damaged_tokens(tables[n]) for n in targets if tables[n].damaged}
        hidden = 0  # references not reported because they may point to a damaged row
        for check, column, lines in failures(schema, t.frame, t.damaged, lambda check, col: col or check.title):
            if check.name == "foreign-key" and check.description in unsure:
                values = t.frame.loc[lines, column].tolist()
                maybe = [v in unsure[check.description] for v in values]
                for line, v in [(ln, v) for ln, v, m in zip(lines, values, maybe) if m][:MAX_PER_KIND]:
                    res.notes.append(f"NOT REPORTED: {name(r.path)}:{line}:{name(column)}: {show(v)} may be the key of a damaged row of {check.description}")
                hidden += max(0, sum(maybe) - MAX_PER_KIND)
                lines = lines[~np.asarray(maybe, dtype=bool)]
            record(out, r.path, t.frame, check, column, lines)
        if hidden:
            res.notes.append(f"NOT REPORTED: {name(r.path)}: and {hidden:,} more references that may point to a damaged row")
        run, not_run = rules.applicable(table_rules[r.name], t.frame, ctx)
        for rule, why in not_run:
            if why != "no article text":  # said once for the whole package (read_article, changed_texts)
                skipped[why].append(f"rule {rule.kind} on {name(rule.column)}")
        for why, what in skipped.items():  # plain(): a reason may name a column of the package
            res.notes.append(f"SKIPPED in {name(r.path)} ({plain(why)}): {'; '.join(what)}")
        if run:
            for check, column, lines in failures(rules.schema(r.name, run, ctx), t.frame, t.damaged, lambda check, col: check.title):
                record(out, r.path, t.frame, check, column, lines)
        res.ran[r.path] = ran_on_table(run, not_run, skipped)
    check_files(pkg, files, usable, res)
    for f in pkg.files:  # not tables: the closing line names what was checked
        res.ran[f.path] = ["GeoJSON shape and references"] if files.get(f.name) is not UNREAD else ["not read"]
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


UNREAD = object()  # a file that could not be read (its problem is reported); JSON null is read, and checked


def hash_problems(resource, sha256: str) -> list:
    """datapackage.json's `hash` of a resource is the SHA-256 of the bytes read (stock frictionless
    checks it too); nothing to compare when the file was not read to its end."""
    if not resource.hash or not sha256 or resource.hash == f"sha256:{sha256}":
        return []
    return [Problem(resource.path, None, None, "hash", f"the file differs from the hash datapackage.json gives it (found sha256:{sha256}; "
                                                       f"expected {resource.hash}): run ./dp schemas after changing data, or the file was damaged")]


def read_file(path, rel, out):
    """A resource that is not a table, parsed (the descriptor's reader: limits, regular files only,
    plain JSON), or UNREAD."""
    ok, doc = load_json(path, rel, out)
    return doc if ok else UNREAD


def check_files(pkg, files, usable, res):
    """The resources that are not tables (GeoJSON, parsed in files; None: not readable, already
    reported): their shape and their references to the tables (geojson.py); a referenced table that
    could not be read is noted, not checked."""
    keys = {t: set(usable[t][c]) for t, c in geojson.REFERENCES.values() if t in usable and c in usable[t].columns}
    for f in pkg.files:
        doc = files.get(f.name, UNREAD)
        found, n = geojson.check(doc, f.path, keys) if doc is not UNREAD else ([], None)
        res.problems += found
        res.rows[f.path] = n
        gone = sorted({t for t, _ in geojson.REFERENCES.values()} - set(keys))
        if gone and doc is not UNREAD:
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


def failures(schema, frame, damaged, column_of):
    """(check, column, lines) for every check of a Pandera schema that fails on some row of the
    frame: the column it is reported on and the lines (the frame's index) where it fails, less the
    damaged rows, whose structural problem is already reported.

    Each check's own function is called on its column (or on the frame) rather than through
    DataFrameSchema.validate: Pandera's lazy report holds a row per column of every failing row,
    which for a table that fails everywhere is many times the table's size. The checks and what
    they test are the same; only the failures are counted here instead of collected."""
    index = frame.index.to_numpy()
    sound = ~np.isin(index, np.fromiter(damaged, dtype=index.dtype, count=len(damaged))) if damaged else None
    checks = [(check, col, frame[col]) for col, c in schema.columns.items() for check in c.checks]
    checks += [(check, None, frame) for check in schema.checks]
    for check, col, obj in checks:
        column = column_of(check, col)
        fails = ~passes(check, obj, column, len(index))
        if sound is not None:
            fails &= sound
        if fails.any():
            yield check, column, index[fails]


def passes(check, obj, column, n):
    """The check's result on obj as a boolean array of n rows (True: the row passes)."""
    try:
        ok = check._check_fn(obj, **check._check_kwargs)
    except Exception as e:  # the check itself raised: a fault of the validator, never a pass
        raise RuntimeError(f"check {check.name} on {column} failed to run: {type(e).__name__}: {str(e)[:200]}") from e
    if isinstance(ok, (bool, np.bool_)):
        return np.full(n, bool(ok))
    if len(ok) != n or (hasattr(ok, "index") and not ok.index.equals(obj.index)):
        raise RuntimeError(f"check {check.name} on {column} gave a result that is not one value per row")
    return np.asarray(ok, dtype=bool)


def record(out, file, frame, check, column, lines):
    """The failures of one check as problems: the first that the cap keeps, the rest counted."""
    room = max(0, MAX_PER_KIND - out.kept[file, check.name])
    for line in lines[:room].tolist():
        found = frame.at[line, column] if column in frame.columns else ""
        message = check.error
        message = message.replace(" (expected ", f" (found {show(found)}; expected ", 1) if " (expected " in message else f"{message} (found {show(found)})"
        out.append(Problem(file, line, column, check.name, message, found))
    out.count(file, check.name, len(lines) - min(room, len(lines)))


def report(res: Result, stream=None):
    stream = stream or sys.stdout
    problems = res.problems
    by_file = defaultdict(list)
    for p in problems:
        by_file[p.file].append(p)
    more = defaultdict(list)
    for (f, kind), n in sorted(problems.more.items()):
        more[f].append((kind, n))
    files = sorted(set(by_file) | set(more), key=lambda f: (f not in res.first, f))  # a changed source text first
    for f in files:
        print(f"== {name(f, 200)}: {problems.in_file(f)} problem(s)", file=stream)
        for p in sorted(by_file[f], key=sort_key):
            print(plain(str(p)), file=stream)
        for kind, n in more[f]:
            print(f"{name(f, 200)}: and {n:,} more of this kind ({name(kind)}), not listed: the first {MAX_PER_KIND} are above", file=stream)
    if files:
        print(file=stream)
    for path, n in res.rows.items():
        count = problems.in_file(path)
        rows = "?" if n is None else f"{n:,}"
        print(f"{'PASS' if count == 0 else 'FAIL'}  {name(path):34} {rows:>9} rows  {count} problem(s)", file=stream)
    for note in res.notes:
        print(plain(note), file=stream)
    print(f"{problems.total} problem(s) found ({checked(res)}).", file=stream)


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
    return "; ".join(parts)
