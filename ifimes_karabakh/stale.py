"""Generated files that disagree with what they are generated from, found by the generators' own
check (docs.py and fields.py, with check=True, in-process): CITATION.cff, .zenodo.json, the JSON-LD,
the codebook, the README blocks, the figures, the Table Schemas' shared fields and the descriptor's
boilerplate; and the top release of CHANGELOG.md against the version. Each stale file is reported at
its first line that differs, with what it holds and what it should hold.

The day columns (P_start, P_end) are checked cell by cell by the date-group rules (rules.py), with
the package's own EDTF reader; derive.py's check, with the edtf package, runs in the tests.

They are checked where they are generated: a folder whose README.md holds the generated blocks (a
checkout of the repository). A copy of the data alone, or the release archive (whose README is the
data users' one), does not hold them all, and the closing line of the report says so."""
import re

from .report import Problem, show

_BLOCK = re.compile(r"^<!--\s*[A-Za-z0-9_-]+\s*:\s*start\s*-->$", re.M)
_LOCATED = re.compile(r"^([^:\n]+?)(?::(\d+))?: (.*)$", re.S)


def first_difference(old: str, new: str):
    """(line, found, expected) of the first line where two texts differ, each from a little before
    the first character that differs, so that the message shows the fact that differs."""
    a, b = old.split("\n"), new.split("\n")
    for n, (x, y) in enumerate(zip(a, b), start=1):
        if x != y:
            i = next((k for k, (c, d) in enumerate(zip(x, y)) if c != d), min(len(x), len(y)))
            cut = max(0, i - 20)
            return n, ("…" if cut else "") + x[cut:], ("…" if cut else "") + y[cut:]
    n = min(len(a), len(b)) + 1
    return n, a[n - 1] if n <= len(a) else "(end of file)", b[n - 1] if n <= len(b) else "(end of file)"


def stale_problem(root, rel, expected, command):
    path = root / rel
    if not path.is_file():
        return Problem(rel, None, None, "stale", f"generated file is missing (expected it as {command} writes it)")
    old = path.read_text(encoding="utf-8", errors="replace")
    if expected is None:
        return Problem(rel, None, None, "stale", f"differs from what {command} generates (run it)")
    line, found, want = first_difference(old, expected)
    return Problem(rel, line, None, "stale", f"differs from what {command} generates from the package (found {show(found)}; expected {show(want)}; run {command})")


def problems(pkg, data_ok: bool):
    """(problems, what the closing line says) for the dataset pkg (dataset.Dataset, its tables as the
    validator read them). data_ok: the package read cleanly, so that a generator that fails on it is
    a fault of ours (raised), not of the data (then nothing is checked)."""
    readme = pkg.root / "README.md"
    if not readme.is_file() or not _BLOCK.search(readme.read_text(encoding="utf-8", errors="replace")):
        return [], "generated files not checked (no README.md with generated blocks here: not a checkout of the repository)"
    from . import docs, fields
    from .descriptor import DescriptorError
    out = []
    try:
        stale, changelog = docs.write(pkg, check=True)
        expected = docs.generated(pkg) if stale else {}
        out += [stale_problem(pkg.root, rel, expected.get(rel), "./dp docs") for rel in stale]
        for text in changelog:
            m = _LOCATED.match(text)
            file, line, message = (m.group(1), int(m.group(2)) if m.group(2) else None, m.group(3)) if m else ("CHANGELOG.md", None, text)
            out.append(Problem(file, line, None, "stale", message))
        for rel in fields.write(pkg.root, check=True):
            out.append(stale_problem(pkg.root, rel, rendered(pkg, rel), "./dp schemas"))
    except (DescriptorError, docs.DocsError) as e:
        if not data_ok:
            return [], "generated files not checked (the package has the problems above)"
        m = _LOCATED.match(str(e).split("\n")[0])
        out.append(Problem(m.group(1) if m else "README.md", int(m.group(2)) if m and m.group(2) else None, None, "stale", m.group(3) if m else str(e)))
    except Exception:
        if data_ok:
            raise  # a clean package the generators cannot handle: a bug of ours, exit 2
        return [], "generated files not checked (the package has the problems above)"
    return out, "generated files up to date" if not out else "generated files checked"


def rendered(pkg, rel):
    """What fields.py writes into a schema file or datapackage.json (None if it cannot say)."""
    import json
    from . import fields
    if rel == "datapackage.json":
        return fields.dumps(fields.render_package(json.loads((pkg.root / rel).read_text(encoding="utf-8"))))
    r = next((r for r in pkg.resources if r.schema_file == rel), None)
    return fields.dumps(fields.render(r.name, r.schema)) if r else None
