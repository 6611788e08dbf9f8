"""Write the day columns derived from every EDTF date: P_start and P_end, the earliest and the
latest day that P allows (`1993` -> 1993-01-01 and 1993-12-31), so that pandas, R and SQL get real
dates. They are computed with the `edtf` package (Library of Congress EDTF), and the validator
checks them with the package's own EDTF reader (dates.py): two implementations must agree.

Usage: python -m ifimes_karabakh dates [--check]
"""
import csv
import io

from .descriptor import load_package
from .fields import DERIVED


def day_bounds(value: str):
    """(first day, last day) of an EDTF value as ISO strings, by the edtf package; ('', '') for ''."""
    if not value:
        return "", ""
    from edtf import parse_edtf, struct_time_to_date
    e = parse_edtf(value)
    return struct_time_to_date(e.lower_strict()).isoformat(), struct_time_to_date(e.upper_strict()).isoformat()


def derived_text(resource, path):
    """The CSV text with every P_start and P_end filled from P, in the schema's column order."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    fields = resource.fields
    groups = [f for f in fields if f"{f}_precision" in fields and all(f + s in fields for s in DERIVED)]
    for r in rows:
        for p in groups:
            r[p + "_start"], r[p + "_end"] = day_bounds(r.get(p, ""))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore", restval="")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def write(root, check: bool):
    """The tables whose derived dates are stale (rewritten unless check)."""
    pkg = load_package(root)
    stale = []
    for r in pkg.resources:
        if not any(f.endswith(DERIVED[0]) for f in r.fields):
            continue
        path = pkg.root / r.path
        text = derived_text(r, path)
        if path.read_text(encoding="utf-8") != text:
            stale.append(r.path)
            if not check:
                path.write_text(text, encoding="utf-8")
    return stale
