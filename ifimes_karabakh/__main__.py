"""The command line: python -m ifimes_karabakh COMMAND [options]; `--help` lists the commands.

Exit codes: 0 done (or valid), 1 problems found (invalid data, stale generated files, a release
refused), 2 the command itself failed. No command prints a traceback unless given --debug."""
import argparse
import signal
import sys
from pathlib import Path

from . import REPO


def cmd_validate(args):
    from .validate import report, validate
    res = validate(Path(args.package))
    report(res)
    return res.exit_code


def cmd_schemas(args):
    """Write the shared fields into every Table Schema, and the v2 boilerplate ($schema, type, format,
    mediatype, encoding, dialect) into datapackage.json and the schemas (fields.py); --check: exit 1
    if one is stale."""
    from .descriptor import DescriptorError
    from .fields import write
    try:
        stale = write(REPO, check=args.check)
    except DescriptorError as e:
        print(e, file=sys.stderr)
        return 1
    for f in stale:
        print(f"{f}: {'stale: run python -m ifimes_karabakh schemas' if args.check else 'rewritten'}", file=sys.stderr if args.check else sys.stdout)
    return 1 if stale and args.check else 0


def cmd_dates(args):
    """Write P_start and P_end beside every EDTF date (derive.py); --check: exit 1 if one is stale."""
    from .dataset import DatasetError
    from .derive import write
    try:
        stale = write(REPO, check=args.check)
    except DatasetError as e:
        print(f"ifimes_karabakh dates: the package cannot be read cleanly (run ./dp validate):\n{e}", file=sys.stderr)
        return 1
    for f in stale:
        print(f"{f}: {'stale: run ./dp dates' if args.check else 'rewritten'}", file=sys.stderr if args.check else sys.stdout)
    return 1 if stale and args.check else 0


def cmd_docs(args):
    """Write README blocks, codebook, figures and CITATION.cff from the package (docs.py); --check: exit 1 if stale."""
    from .dataset import Dataset, DatasetError
    from .docs import DocsError, write
    try:
        stale, problems = write(Dataset.load(REPO), check=args.check)
    except DatasetError as e:
        print(f"ifimes_karabakh docs: the package cannot be read cleanly (run ./dp validate):\n{e}", file=sys.stderr)
        return 1
    except DocsError as e:
        print(e, file=sys.stderr)
        return 1
    for f in stale:
        print(f"{f}: {'stale: run ./dp docs' if args.check else 'rewritten'}", file=sys.stderr if args.check else sys.stdout)
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems or (stale and args.check) else 0


def cmd_release(args):
    """Validate, then build the archive, the SQLite database and SHA256SUMS from the committed
    package (release.py). An invalid package, a stale generated file, or a version CHANGELOG.md
    records for another commit (unless --other-commit) is not released."""
    from .release import ReleaseError, build
    from .validate import validate
    res = validate(REPO)
    if res.problems:
        print(f"ifimes_karabakh release: refused: the package has {res.problems.total} problem(s); run ./dp validate", file=sys.stderr)
        return 1
    try:
        paths = build(REPO, Path(args.out), other_commit=args.other_commit)
    except ReleaseError as e:
        print(f"ifimes_karabakh release: refused: {e}", file=sys.stderr)
        return 1
    for path in paths:
        print(path)
    return 0


def cmd_benchmark(args):
    """Time this validator against a bare `frictionless validate` on scaled copies (benchmark.py);
    with --hostile, feed it every hostile input instead (hostile.py)."""
    if args.hostile:
        from .hostile import run as hostile
        hostile(args.only)
        return 0
    from .benchmark import run
    run(args.scales)
    from .benchmark import changes_time
    changes_time()
    return 0


def cmd_mutate(args):
    """Break rules.py, csvread.py, tableschema.py and descriptor.py one change at a time (mutmut)
    and print which changes the tests miss (mutate.py); not part of ./dp test."""
    from .mutate import run
    return run(args.modules, args.max_children, args.resume, args.fast)


def cmd_site(args):
    """Build the static website from the package into --out (site.py); --zip also writes it as a zip."""
    from .site import cli
    return cli(args)


def cmd_changes(args):
    """What changed between two versions, row by row (changes.py); --write / --check: data/changes.csv."""
    from .changes import cli
    return cli(args)


def cmd_serve(args):
    """Build the SQLite database from the working tree and serve it with Datasette on 127.0.0.1 (datasette.py)."""
    from .datasette import serve
    return serve(REPO, args.port)


COMMANDS = {
    "validate": (cmd_validate, "validate the package (default: this repository)"),
    "schemas": (cmd_schemas, "write the shared field definitions and the Data Package v2 boilerplate (fields.py) into schemas/*.schema.json and datapackage.json"),
    "dates": (cmd_dates, "write the day columns P_start and P_end derived from every EDTF date P"),
    "docs": (cmd_docs, "write README blocks, docs/codebook.md, docs/figures/ and CITATION.cff from the package"),
    "release": (cmd_release, "build dist/: the archive, the SQLite database and SHA256SUMS, from files committed to git"),
    "benchmark": (cmd_benchmark, "time the validator against bare frictionless on 1x, 10x, 100x, 1000x copies"),
    "changes": (cmd_changes, "compare two versions row by row (FROM TO: versions recorded in CHANGELOG.md, commits, or . for the working tree); --write/--check: data/changes.csv"),
    "serve": (cmd_serve, "build the SQLite database and browse it with Datasette on http://127.0.0.1:PORT/ (Ctrl-C stops it)"),
    "mutate": (cmd_mutate, "mutation run: break the validator's core modules one change at a time and list the changes the tests miss (many minutes)"),
    "site": (cmd_site, "build the static website (site/) from datapackage.json, the schemas and the tables"),
}


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m ifimes_karabakh", description=__doc__.splitlines()[0])
    ap.add_argument("--debug", action="store_true", help="show a traceback if the command itself fails")
    sub = ap.add_subparsers(dest="command", required=True)
    for cmd, (_, help_text) in COMMANDS.items():
        p = sub.add_parser(cmd, help=help_text)
        if cmd == "validate":
            p.add_argument("package", nargs="?", default=str(REPO), help="folder holding datapackage.json")
        if cmd in ("schemas", "docs", "dates"):
            p.add_argument("--check", action="store_true", help="change nothing; exit 1 if a generated file is stale")
        if cmd == "release":
            p.add_argument("--out", default=str(REPO / "dist"), help="folder to write to (default dist/)")
            p.add_argument("--other-commit", action="store_true",
                           help="build a version that CHANGELOG.md records as built from another commit (the files are then not that release; a warning says so)")
        if cmd == "site":
            p.add_argument("--out", default=str(REPO / "site"), help="folder to write to (default site/)")
            p.add_argument("--zip", help="also write the built site as a reproducible zip to this file")
            p.add_argument("--release", default=str(REPO / "dist"), help="folder of the release files to link (default dist/)")
        if cmd == "changes":
            p.add_argument("old", nargs="?", help="version or commit to compare from")
            p.add_argument("new", nargs="?", help="version or commit to compare to (. = the working tree)")
            p.add_argument("--write", action="store_true", help="rewrite data/changes.csv, the record since the first recorded release")
            p.add_argument("--check", action="store_true", help="change nothing; exit 1 if data/changes.csv is stale or CHANGELOG.md misses a change")
            p.add_argument("--repo", default=str(REPO), help=argparse.SUPPRESS)
        if cmd == "serve":
            p.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default 8001)")
        if cmd == "benchmark":
            p.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100, 1000])
            p.add_argument("--hostile", action="store_true", help="time every structural and hostile input of issues 9 and 15 instead")
            p.add_argument("--only", help="with --hostile: only the cases whose title contains this text")
        if cmd == "mutate":
            p.add_argument("modules", nargs="*", help="rules, csvread, tableschema, descriptor (default: all four)")
            p.add_argument("--max-children", type=int, default=2, help="mutants tested at once (default 2, the machine's cores)")
            p.add_argument("--resume", action="store_true", help="go on from the run in mutants/: the mutants not checked yet and the unexplained survivors, with today's tests")
            p.add_argument("--fast", action="store_true", help="only the tests that take under 0.2 s (no whole-package validation): the share killed is a lower bound")
    args = ap.parse_args(argv)
    from .descriptor import DescriptorError
    try:
        return COMMANDS[args.command][0](args)
    except KeyboardInterrupt:
        return 130
    except DescriptorError as e:  # the package's descriptor or a schema is unusable: a data problem, located
        print(f"ifimes_karabakh {args.command}: refused: the package cannot be read; run ./dp validate\n{e}", file=sys.stderr)
        return 1
    except BaseException as e:  # a fault of the command, not of the data: one line, no traceback
        if args.debug or isinstance(e, SystemExit):
            raise
        print(f"ifimes_karabakh {args.command}: internal error, not a data problem ({type(e).__name__}: {str(e)[:300]!r}); rerun with --debug", file=sys.stderr)
        return 2


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `... | head` ends quietly
    sys.exit(main())
