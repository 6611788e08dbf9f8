"""EDTF dates as the tables write them: YYYY, YYYY-MM, YYYY-MM-DD, or start/end of the same precision."""
import datetime as dt
import re

_PART = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def parse_edtf(value: str):
    """(first day, last day, precision) of the value; ValueError when it is malformed or impossible."""
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError("more than one '/'")
    spans = []
    for p in parts:
        m = _PART.fullmatch(p)
        if not m:
            raise ValueError("not YYYY, YYYY-MM or YYYY-MM-DD")
        y, mo, d = int(m.group(1)), m.group(2), m.group(3)
        if d:
            day = dt.date(y, int(mo), int(d))
            spans.append((day, day, "day"))
        elif mo:
            first = dt.date(y, int(mo), 1)
            nxt = dt.date(y + (first.month == 12), first.month % 12 + 1, 1)
            spans.append((first, nxt - dt.timedelta(days=1), "month"))
        else:
            spans.append((dt.date(y, 1, 1), dt.date(y, 12, 31), "year"))
    if len(spans) == 2:
        if spans[0][2] != spans[1][2]:
            raise ValueError("the two ends of the interval have different precisions")
        if spans[0][0] > spans[1][1]:
            raise ValueError("interval ends before it starts")
    return spans[0][0], spans[-1][1], spans[0][2]


def try_parse(value: str):
    try:
        return parse_edtf(value)
    except ValueError:
        return None
