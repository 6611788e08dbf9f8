"""Write the day columns derived from every EDTF date: P_start and P_end, the earliest and the
latest day that P allows (`1993` -> 1993-01-01 and 1993-12-31), so that pandas, R and SQL get real
dates. They are computed with the `edtf` package (Library of Congress EDTF), and the validator
checks them with the package's own EDTF reader (dates.py): two implementations must agree.

Usage: python -m ifimes_karabakh dates [--check]
"""
import csv
import functools
import io

from .dataset import Dataset
from .fields import DERIVED


@functools.lru_cache(maxsize=4096)  # the edtf grammar is slow, and the same dates are derived again by every release and check
def day_bounds(value: str):
    """(first day, last day) of an EDTF value as ISO strings, by the edtf package; ('', '') for ''."""
    if not value:
        return "", ""
    from edtf import parse_edtf, struct_time_to_date
    e = parse_edtf(value)
    return struct_time_to_date(e.lower_strict()).isoformat(), struct_time_to_date(e.upper_strict()).isoformat()


def derived_rows(resource, rows) -> list:
    """The rows (dicts of str, as the Dataset read them) with every P_start and P_end filled from P."""
    rows = [dict(r) for r in rows]
    fields = resource.fields
    groups = [f for f in fields if f"{f}_precision" in fields and all(f + s in fields for s in DERIVED)]
    for r in rows:
        for p in groups:
            r[p + "_start"], r[p + "_end"] = day_bounds(r.get(p, ""))
    return rows


def csv_text(fields, rows) -> str:
    """The rows as this package writes a CSV: a header, LF line ends, quotes only where needed."""
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n", extrasaction="ignore", restval="")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def write(root, check: bool, ds=None):
    """The tables whose derived dates are stale (rewritten unless check); DatasetError when the
    package cannot be read cleanly. ds: the package at root, already loaded."""
    ds = ds or Dataset.load(root)
    stale = []
    for r in ds.resources:
        if not any(f.endswith(DERIVED[0]) for f in r.fields):
            continue
        rows = ds.rows(r.name)
        derived = derived_rows(r, rows)
        if derived != rows:
            stale.append(r.path)
            if not check:
                (ds.root / r.path).write_text(csv_text(r.fields, derived), encoding="utf-8")
    return stale
