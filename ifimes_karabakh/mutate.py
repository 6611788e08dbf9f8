"""The mutation run (issue 15 §6): mutmut breaks the validator's core modules one small change at a
time and runs the fast in-process tests against each change; a change no test notices survives.

`./dp mutate [MODULE ...]` (default: all four of MODULES) runs mutmut (configured in pyproject.toml,
[tool.mutmut]) in a fresh mutants/ folder (git-ignored), then prints per module and in all: the
mutants, how many the tests killed, survived, timed out, the share killed, and every survivor as
file:line with its diff line. It is not part of `./dp test`: it takes many minutes. Each survivor
is either killed by a new literal-row test or explained as equivalent in EQUIVALENT below (the
report marks a survivor that is neither, and exits 1 then); `mutmut show NAME` (run in the
repository) prints a survivor's whole diff.

`./dp mutate --resume [MODULE ...]` goes on from the run in mutants/: it tests the mutants not
checked yet (a run stopped early) and the unexplained survivors again, with today's tests, and
keeps every other verdict; the mutants of functions changed since are tested anew. A change to
[tool.mutmut] in pyproject.toml makes mutmut forget every verdict: run afresh then.

`--fast` runs only the tests that took under FAST_TEST_SECONDS in mutmut's measuring run (and every
literal-row case of test_rules.py): the whole-package validations are left out, so a run takes
minutes instead of hours, and its share killed is a lower bound. `./dp mutate --fast` then
`./dp mutate --resume` tests only the survivors with every test."""
import ast
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from . import REPO

MODULES = ("rules", "csvread", "tableschema", "descriptor")
# --fast: only the tests that took less than this in mutmut's measuring run (tests/conftest.py); the
# whole-package validations, which take 0.2 s to 2 s each, are left out, and a mutant only they
# would notice survives
FAST_TEST_SECONDS = 0.2
PACKAGE = "ifimes_karabakh"

# Survivors that change no behaviour, each with why: (module, the line as written, the line as
# mutated), both stripped, as the report prints them. A line that changes makes its entry stale,
# and the survivor is then reported as unexplained.
EQUIVALENT = {
    ("tableschema",
     "long = ok & (s.str.len() > 18)  # a text of 18 characters or fewer always fits: check the others exactly",
     "long = ok | (s.str.len() > 18)  # a text of 18 characters or fewer always fits: check the others exactly"):
        "a long text that is no integer is checked exactly too, and int64() says None for it: the same False",
    ("tableschema",
     "long = ok & (s.str.len() > 18)  # a text of 18 characters or fewer always fits: check the others exactly",
     "long = ok & (s.str.len() >= 18)  # a text of 18 characters or fewer always fits: check the others exactly"):
        "texts of exactly 18 characters are then checked exactly too, which gives the answer the shortcut gives",
    ("tableschema",
     "ok = [seen[v] if v in seen else seen.setdefault(v, finite_number(v) is not None) for v in s.tolist()]",
     "ok = [seen[v] if (v in seen) and False else seen.setdefault(v, finite_number(v) is not None) for v in s.tolist()]"):
        "the cache only saves reading a repeated text again; read again, it gives the same answer",
    ("tableschema",
     "return pd.Series(ok, index=s.index, dtype=bool) | ~_present(s)",
     "return pd.Series(ok, index=s.index, dtype=None) | ~_present(s)"):
        "a list of Python booleans is read as dtype bool anyway (an empty column gives an empty result either way)",
    ("tableschema",
     "return pd.Series(ok, index=s.index, dtype=bool) | ~_present(s)",
     "return pd.Series(ok, index=s.index, ) | ~_present(s)"):
        "a list of Python booleans is read as dtype bool anyway (an empty column gives an empty result either way)",
    ("tableschema",
     'c, t = field.get("constraints", {}), field.get("type", "string")',
     'c, t = field.get("constraints", {}), field.get("type", None)'):
        "t is only looked up in TYPES and compared with integer and number: no default that is none of them changes a check",
    ("tableschema",
     'c, t = field.get("constraints", {}), field.get("type", "string")',
     'c, t = field.get("constraints", {}), field.get("type", )'):
        "t is only looked up in TYPES and compared with integer and number: no default that is none of them changes a check",
    ("tableschema",
     'c, t = field.get("constraints", {}), field.get("type", "string")',
     'c, t = field.get("constraints", {}), field.get("type", "XXstringXX")'):
        "t is only looked up in TYPES and compared with integer and number: no default that is none of them changes a check",
    ("tableschema",
     'c, t = field.get("constraints", {}), field.get("type", "string")',
     'c, t = field.get("constraints", {}), field.get("type", "STRING")'):
        "t is only looked up in TYPES and compared with integer and number: no default that is none of them changes a check",
    ("tableschema",
     'lo, hi = c.get("minLength", 0), c.get("maxLength", float("inf"))',
     'lo, hi = c.get("minLength", 0), c.get("maxLength", float("INF"))'):
        'float() reads "INF" as infinity too',
    ("tableschema",
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, nullable=False)',
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, nullable=None)'):
        'pandera reads nullable as a truth value: None is as false as False',
    ("tableschema",
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, nullable=False)',
     'return pa.DataFrameSchema({f["name"]: pa.Column(checks=field_checks(f, f["name"] in key), required=True, nullable=False)'):
        "None is pa.Column's default dtype: the same column",
    ("tableschema",
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, nullable=False)',
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), nullable=False)'):
        "True is pa.Column's default for required: the same column",
    ("tableschema",
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, nullable=False)',
     'return pa.DataFrameSchema({f["name"]: pa.Column(None, checks=field_checks(f, f["name"] in key), required=True, )'):
        "False is pa.Column's default for nullable: the same column",
    ("tableschema",
     'for f in fields}, checks=frame, strict=False, name=name or None)',
     'for f in fields}, checks=frame, name=name or None)'):
        "False is pa.DataFrameSchema's default for strict: the same schema",
    ("tableschema",
     'def frame_checks(schema: dict, tables: dict | None = None, own: str = "") -> list:',
     'def frame_checks(schema: dict, tables: dict | None = None, own: str = "XXXX") -> list:'):
        "own is only a key into tables for a reference to the table itself; no tables mapping has a table named '' or 'XXXX', so without own that reference is skipped either way",
    ("tableschema",
     'checks.append(pa.Check(lambda df, pk=pk: ~df.duplicated(pk, keep="first"), name="primary-key", title=pk[0],',
     'checks.append(pa.Check(lambda df, pk=pk: ~df.duplicated(pk, ), name="primary-key", title=pk[0],'):
        'keep="first" is DataFrame.duplicated\'s default',
    ("rules",
     "name=table)",
     "name=None)"):
        "the schema's name is only a label: validate.failures() runs its checks one by one and never reads it",
    ("rules",
     "name=table)",
     ")"):
        "the schema's name is only a label: validate.failures() runs its checks one by one and never reads it",
    ("csvread",
     'text = read_bounded(path, MAX_TABLE_BYTES).decode("utf-8")',
     'text = read_bounded(path, MAX_TABLE_BYTES).decode("UTF-8")'):
        "codec names are looked up without regard to case: the same codec",
    ("csvread",
     'text = read_bounded(path, MAX_TABLE_BYTES).decode("utf-8")',
     'text = read_bounded(path, MAX_TABLE_BYTES).decode()'):
        "bytes.decode() decodes UTF-8 unless told otherwise: the same codec",
    ('descriptor',
     'line, col = text.count("\\n", 0, pos) + 1, pos - text.rfind("\\n", 0, pos)',
     'line, col = text.count("\\n", None, pos) + 1, pos - text.rfind("\\n", 0, pos)'):
        'str.count reads a start of None as the beginning, as 0: the same count',
    ('descriptor',
     'line, col = text.count("\\n", 0, pos) + 1, pos - text.rfind("\\n", 0, pos)',
     'line, col = text.count("\\n", 0, pos) + 1, pos - text.rfind("\\n", None, pos)'):
        'str.rfind reads a start of None as the beginning, as 0: the same place',
    ('descriptor',
     'text = data.decode("utf-8")',
     'text = data.decode("UTF-8")'):
        'codec names are looked up without regard to case: the same codec',
    ('descriptor',
     'raise _surrogate("")',
     'raise _surrogate(None)'):
        'the message of this error is never shown: a decoded string holds a surrogate only from a lone \\\\u escape in the text (UTF-8 cannot hold one), and _locate() then always finds that escape and raises its own error',
    ('descriptor',
     'raise _surrogate("")',
     'raise _surrogate("XXXX")'):
        'the message of this error is never shown: a decoded string holds a surrogate only from a lone \\\\u escape in the text (UTF-8 cannot hold one), and _locate() then always finds that escape and raises its own error',
    ('rules',
     'return pd.Series(list(values), index=df.index, dtype=bool)',
     'return pd.Series(list(values), index=df.index, dtype=None)'):
        'a list of Python booleans is read as dtype bool anyway (an empty frame gives an empty result either way)',
    ('rules',
     'return pd.Series(list(values), index=df.index, dtype=bool)',
     'return pd.Series(list(values), index=df.index, )'):
        'a list of Python booleans is read as dtype bool anyway (an empty frame gives an empty result either way)',
    ('csvread',
     'return raw.decode("utf-8")',
     'return raw.decode("UTF-8")'):
        'codec names are looked up without regard to case: the same codec',
    ('csvread',
     'return raw.decode("utf-8", errors="replace")',
     'return raw.decode("UTF-8", errors="replace")'):
        'codec names are looked up without regard to case: the same codec',
    ('csvread',
     'return raw.decode("utf-8", errors="replace")',
     'return raw.decode(errors="replace")'):
        'bytes.decode() decodes UTF-8 unless told otherwise: the same codec',
    ('csvread',
     'what = "too many" if len(values) > width else "too few"',
     'what = "too many" if len(values) >= width else "too few"'):
        'this runs only when len(values) != width, where > and >= agree',
    ('csvread',
     'damaged = "\\x1f".join(values) if keep else ""',
     'damaged = "\\x1f".join(values) if (keep) or True else ""'):
        "with keep False the row's text is never stored (t.damaged is filled only while keep holds): only whether damaged is None is read then",
    ('csvread',
     'damaged = "\\x1f".join(values) if keep else ""',
     'damaged = "\\x1f".join(values) if keep else "XXXX"'):
        "with keep False the row's text is never stored (t.damaged is filled only while keep holds): only whether damaged is None is read then",
    ('csvread',
     'damaged = damaged or ("\\x1f".join(values) if keep else "")',
     'damaged = damaged or ("\\x1f".join(values) if (keep) or True else "")'):
        "with keep False the row's text is never stored (t.damaged is filled only while keep holds): only whether damaged is None is read then",
    ('csvread',
     'damaged = damaged or ("\\x1f".join(values) if keep else "")',
     'damaged = damaged or ("\\x1f".join(values) if keep else "XXXX")'):
        "with keep False the row's text is never stored (t.damaged is filled only while keep holds): only whether damaged is None is read then",
    ('csvread',
     'values = values[:width] + [""] * (width - len(values))',
     'values = values[:width] + [""] * (width + len(values))'):
        "the cells past the header's width are empty, and every later step reads only the header's width of cells or skips empty ones (the cell checks, the columns by position, the search for a replaced byte)",
    ('csvread',
     'for n in range(line, end + 1):',
     'for n in range(end + 1):'):
        "lines.replaced holds no line before this row's first: each is taken out (pop) when its own row is read, the header's before the rows",
    ('csvread',
     'for n in range(line, end + 1):',
     'for n in range(line, end + 2):'):
        "the csv reader has read no line past this row's last when the row is handed over, so lines.replaced holds none yet",
    ('tableschema',
     'return pd.Series([v in keys or all(part == "" for part in v) for v in values], index=df.index, dtype=bool)',
     'return pd.Series([v in keys or all(part == "" for part in v) for v in values], index=df.index, dtype=None)'):
        'a list of Python booleans is read as dtype bool anyway (an empty frame gives an empty result either way)',
    ('tableschema',
     'return pd.Series([v in keys or all(part == "" for part in v) for v in values], index=df.index, dtype=bool)',
     'return pd.Series([v in keys or all(part == "" for part in v) for v in values], index=df.index, )'):
        'a list of Python booleans is read as dtype bool anyway (an empty frame gives an empty result either way)',
    ('rules',
     'if src and {"locator", "quote"} <= names:',
     'if src and {"locator", "quote"} < names:'):
        'src is the name of a source column of the same table, neither locator nor quote: when it is set, names holds more than those two, and < and <= agree',
    ('csvread',
     'self.crlf_seen = False      # CRLF is reported at its first line only',
     'self.crlf_seen = None      # CRLF is reported at its first line only'):
        'the flag is only tested for truth: None is as false as False',
    ('descriptor',
     'out.append(Problem(where, None, column, "path", f"path cannot be followed: {show(str(e).split(\':\')[0], 40)} (found {show(rel)})"))',
     'out.append(Problem(where, None, column, "path", f"path cannot be followed: {show(str(e).split(\'XX:XX\')[0], 40)} (found {show(rel)})"))'):
        "on Python 3.11, which .ci/run and this machine use, a symlink loop raises RuntimeError('Symlink loop from ...'), whose text has no colon: split on ':' or on 'XX:XX' gives the whole text (Python 3.13 raises OSError '[Errno 40] ...: path', which the test would catch)",
    ("descriptor",
     'm = _LONE_ESCAPE.search(s_and_end[0], s_and_end[1]) if getattr(e, "in_key", False) else None',
     'm = _LONE_ESCAPE.search(s_and_end[0], s_and_end[1]) if getattr(e, "in_key", None) else None'):
        "None and False are both false: the same branch",
    ("descriptor",
     'if not isinstance(r.get("encoding", "utf-8"), str) or r.get("encoding", "utf-8").lower() not in RESOURCE_FILE["encoding"]:',
     'if not isinstance(r.get("encoding", "utf-8"), str) or r.get("encoding", "UTF-8").lower() not in RESOURCE_FILE["encoding"]:'):
        "the default is lowercased before it is compared: utf-8 either way",
    ("descriptor",
     "value, stop = json.decoder.scanstring(s, end, strict)",
     "value, stop = json.decoder.scanstring(s, end, )"):
        "the decoder is built with strict=True, scanstring's default: the same call",
    ("descriptor",
     'raise DescriptorError("\\n".join(str(p) for p in out) or "datapackage.json cannot be read")',
     'raise DescriptorError("\\n".join(str(p) for p in out) or "XXdatapackage.json cannot be readXX")'):
        "load() never returns None without a problem in out, so the fallback text is never used",
    ("descriptor",
     'raise DescriptorError("\\n".join(str(p) for p in out) or "datapackage.json cannot be read")',
     'raise DescriptorError("\\n".join(str(p) for p in out) or "DATAPACKAGE.JSON CANNOT BE READ")'):
        "load() never returns None without a problem in out, so the fallback text is never used",
}


def _source_text_env(fast: bool = False) -> dict:
    """The copy in mutants/ finds the repository as mutants/ and so no ../shared beside it: point
    the article's reader at the real text instead. fast: the tests' limit (FAST_TEST_SECONDS)."""
    from .article import source_path
    env = dict(os.environ)
    env["IFIMES_SOURCE_TEXT"] = str(source_path().resolve())
    env.pop("IFIMES_MUTATE_FAST_SECONDS", None)
    if fast:
        env["IFIMES_MUTATE_FAST_SECONDS"] = str(FAST_TEST_SECONDS)
    return env


def _line_of(source: str, function: str, diff: list) -> int:
    """The line of the source file that the mutant changed: the first line of the function (or
    method) named `function` (its first decorator, as mutmut's diff starts there) plus the place of
    the diff's first removed line inside it; 0 if the function is not found."""
    cls, _, name = function.rpartition(".")
    at, offset = None, 0
    for d in diff:
        if d.startswith("@@"):
            at = int(d.split()[1].lstrip("-").split(",")[0])
            offset = 0
        elif at is not None and not d.startswith("+"):
            if d.startswith("-"):
                break
            offset += 1
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef) and cls and node.name != cls:
            continue
        for child in (ast.iter_child_nodes(node) if isinstance(node, (ast.Module, ast.ClassDef)) else ()):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) and child.name == name:
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                return first + (at or 1) - 1 + offset
    return 0


def _function_of(mutant: str) -> str:
    """`ifimes_karabakh.rules.x_check__mutmut_3` -> `check`; `...xǁRuleǁrun__mutmut_2` -> `Rule.run`."""
    tail = mutant.rpartition(".")[2].rpartition("__mutmut_")[0]
    if tail.startswith("xǁ"):
        return ".".join(tail[2:].split("ǁ"))
    return tail[2:] if tail.startswith("x_") else tail


def results(modules) -> dict:
    """{module: {"statuses": {mutant: status}, "survivors": [(file:line, diff line, mutant)]}} from
    mutants/ of the last run (read with mutmut's own readers, in the repository folder)."""
    os.chdir(REPO)  # mutmut reads pyproject.toml and mutants/ from the working folder
    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    out = {}
    for module in modules:
        path = Path(PACKAGE) / f"{module}.py"
        data = SourceFileMutationData(path=path)
        data.load()
        statuses = {k: status_by_exit_code[v] for k, v in data.exit_code_by_key.items()}
        source = (REPO / path).read_text(encoding="utf-8")
        survivors = []
        for mutant, status in statuses.items():
            if status in ("killed", "timeout", "not checked"):
                continue
            diff = get_diff_for_mutant(mutant, path=path).splitlines()
            removed = next((d[1:] for d in diff if d.startswith("-") and not d.startswith("---")), "")
            added = next((d[1:] for d in diff if d.startswith("+") and not d.startswith("+++")), "")
            line = _line_of(source, _function_of(mutant), diff)
            survivors.append((f"{path}:{line}", removed.strip(), added.strip(), mutant, status))
        survivors.sort(key=lambda s: int(s[0].rpartition(":")[2]))
        out[module] = {"statuses": statuses, "survivors": survivors}
    return out


def _counts(statuses) -> tuple:
    values = [v for v in statuses.values() if v != "not checked"]  # a run stopped early: what it checked
    return (len(values), values.count("killed"), values.count("survived"), values.count("timeout"),
            len(values) - values.count("killed") - values.count("survived") - values.count("timeout"))


def _share(killed, total) -> str:
    return f"{100 * killed / total:.1f}%" if total else "-"


def report(res) -> None:
    print(f"{'module':<14}{'mutants':>8}{'killed':>8}{'survived':>9}{'timeout':>8}{'other':>6}  share killed (timeouts as killed)")
    total = [0] * 5
    for module, r in res.items():
        c = _counts(r["statuses"])
        total = [a + b for a, b in zip(total, c)]
        unchecked = list(r["statuses"].values()).count("not checked")
        print(f"{module + '.py':<14}{c[0]:>8}{c[1]:>8}{c[2]:>9}{c[3]:>8}{c[4]:>6}  {_share(c[1] + c[3], c[0])}"
              + (f"   ({unchecked} more not checked: the run stopped early)" if unchecked else ""))
    print(f"{'all':<14}{total[0]:>8}{total[1]:>8}{total[2]:>9}{total[3]:>8}{total[4]:>6}  {_share(total[1] + total[3], total[0])}")
    for module, r in res.items():
        if r["survivors"]:
            print(f"\nsurvivors in {module}.py ('other': no test ran it, or mutmut could not tell):")
        for where, removed, added, mutant, status in r["survivors"]:
            note = "" if status == "survived" else f" [{status}]"
            why = EQUIVALENT.get((module, removed, added))
            print(f"  {where}: {removed}\n      -> {added}   ({mutant}){note}\n      "
                  + (f"equivalent: {why}" if why else "NOT EXPLAINED: kill it with a test, or say why it is equivalent"))


def pending(modules) -> list:
    """The mutants of the last run in mutants/ still to test: those not checked yet (a run that
    was stopped) and the survivors EQUIVALENT does not explain (tests may have been added since)."""
    out = []
    for module, r in results(modules).items():
        out += [m for m, status in r["statuses"].items() if status == "not checked"]
        out += [mutant for _, removed, added, mutant, _ in r["survivors"] if (module, removed, added) not in EQUIVALENT]
    return sorted(set(out))


def _mutmut(mutmut, names, max_children, log, mode, fast=False):
    with open(log, mode, encoding="utf-8") as fh:
        return subprocess.run([str(mutmut), "run", "--max-children", str(max_children), *names],
                              cwd=REPO, env=_source_text_env(fast), stdout=fh, stderr=subprocess.STDOUT)


def run(modules, max_children: int = 2, resume: bool = False, fast: bool = False) -> int:
    unknown = [m for m in modules if m not in MODULES]
    if unknown:
        print(f"ifimes_karabakh mutate: unknown module(s) {', '.join(unknown)}; one of {', '.join(MODULES)}", file=sys.stderr)
        return 2
    modules = list(modules) or list(MODULES)
    mutmut = Path(sys.executable).parent / "mutmut"
    if resume and not (REPO / "mutants" / PACKAGE).is_dir():
        print("ifimes_karabakh mutate: --resume: no earlier run in mutants/", file=sys.stderr)
        return 2
    started = time.monotonic()
    # mutmut's progress line is redrawn in place: kept in mutants/mutmut-run.log, not on the screen
    log = REPO / "mutants" / "mutmut-run.log"
    if resume:
        # mutmut keeps every verdict it reached and copies today's tests in again; named mutants are
        # tested again, the others keep their verdict. A module changed since is mutated again when
        # mutmut starts, and the mutants of its changed functions lose their verdict: so the
        # mutants still pending are asked for again after each round.
        tested, rounds = set(), []
        for _ in range(3):
            names = [n for n in pending(modules) if n not in tested]
            if not names and rounds:
                break
            # nothing pending: one mutant is named all the same, so that mutmut looks for changed code
            rounds.append(names or sorted(results(modules[:1])[modules[0]]["statuses"])[:1])
            tested.update(rounds[-1])
            proc = _mutmut(mutmut, rounds[-1], max_children, log, "a", fast)
            if proc.returncode != 0:
                break
        names = sorted(tested)
    else:
        # mutmut copies the tests and data into mutants/ only if missing there: start fresh, so the
        # run sees today's tests
        shutil.rmtree(REPO / "mutants", ignore_errors=True)
        names = [f"{PACKAGE}.{m}.*" for m in modules]
        log.parent.mkdir(exist_ok=True)
        proc = _mutmut(mutmut, names, max_children, log, "w", fast)
    seconds = time.monotonic() - started
    if proc.returncode != 0:  # e.g. a test fails without any mutation: mutmut needs a green suite
        tail = log.read_text(encoding="utf-8", errors="replace").replace("\r", "\n").splitlines()[-25:]
        print(f"ifimes_karabakh mutate: mutmut failed (exit {proc.returncode}); the end of {log.relative_to(REPO)}:", file=sys.stderr)
        print("\n".join(tail), file=sys.stderr)
        return 2
    res = results(modules)
    report(res)
    print(f"\n{seconds:.0f} s with --max-children {max_children}" + (f" ({len(names)} mutants tested again or for the first time)" if resume else "")
          + (f"; --fast: only the tests under {FAST_TEST_SECONDS} s, so the share killed is a lower bound" if fast else ""))
    unexplained = [s for m, r in res.items() for s in r["survivors"] if (m, s[1], s[2]) not in EQUIVALENT]
    unchecked = [m for r in res.values() for m, status in r["statuses"].items() if status == "not checked"]
    return 1 if unexplained or unchecked else 0
