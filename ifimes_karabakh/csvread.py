"""Read one CSV table once, with the clean-CSV rules checked on the way.

The file is read line by line as bytes (UTF-8 without BOM, LF line ends, no NUL), the lines are
parsed by Python's csv module, and every row keeps the physical line it starts on, so a finding
after a damaged row still names its true line. The cells are checked as they are read: NFC, no
stray whitespace, no control, bidirectional or zero-width characters, no line break inside a cell,
nothing a spreadsheet would run as a formula. A row with too many or too few cells is reported
once and kept, cut or padded to the header, so its key still counts for other tables; the rules
do not report anything else on it."""
import csv
import hashlib
import io
import re
from collections import Counter
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .bounded import TooLarge, open_bounded, read_bounded
from .invisible_table import INVISIBLE_RANGES
from .report import Problem, Problems, name, show
from .values import NUMBER

MAX_TABLE_BYTES = 256 * 2**20   # a larger CSV file is refused unread
MAX_LINE_BYTES = 4 * 2**20      # a longer physical line ends the reading of the table
MAX_CELL_CHARS = 100_000        # a longer cell ends the reading of the table
MAX_COLUMNS = 1_000             # a header with more columns is refused
MAX_DAMAGED = 1_000             # with more damaged rows than this the rows are no longer kept (only counted)
# What bounds the time and memory of one table whatever its bytes (a valid 1,000,000-row table of
# 15 columns is within them): past any of these the table is not read further, and says so.
MAX_LINES = 2_000_000           # physical lines (each costs a few microseconds, even a blank one)
MAX_CELLS = 16_000_000          # rows × header columns: every cell is looked at
MAX_DISTINCT = 3_000_000        # distinct values kept (each costs about 100 bytes beside its text)

# Controls, format characters (bidirectional, zero-width, soft hyphen, tags ...), private use,
# surrogates, unassigned code points and noncharacters, line and paragraph separators, Hangul
# fillers and variation selectors, by Unicode category (invisible.py): none belongs in a cell. \n is
# caught separately (a line break in a cell). Compiled once. Python's re tests the characters
# below U+10000 of a class against a bitmap, and every range above it one by one, for every
# character: so the first expression holds the ranges below U+10000 and one range for all above,
# and a character above (rare) is then tested against the exact ranges, by the second.
_BMP = "".join(f"\\U{a:08x}-\\U{min(b, 0xFFFF):08x}" for a, b in INVISIBLE_RANGES if a <= 0xFFFF)
_ASTRAL = re.compile("[" + "".join(f"\\U{max(a, 0x10000):08x}-\\U{b:08x}" for a, b in INVISIBLE_RANGES if b > 0xFFFF) + "]")
_SUSPECT = re.compile("[" + _BMP + "\U00010000-\U0010ffff]")


def invisible(v: str):
    """The first character of v that no cell may hold, or None."""
    for m in _SUSPECT.finditer(v):
        ch = m.group()
        if ch < "\U00010000" or _ASTRAL.match(ch):
            return ch
    return None


FORMULA_START = ("=", "+", "-", "@")
REPLACED = "\ufffd"  # stands in for a NUL or a byte that is not UTF-8, so the row can still be parsed


@dataclass
class Table:
    file: str                                   # path as the report names it
    header: list = field(default_factory=list)
    frame: pd.DataFrame | None = None           # the schema's columns found in the header, as text; index = line
    damaged: dict = field(default_factory=dict)  # line -> the row's text, for rows with a structural problem:
    #                                             no other finding is reported there, and a reference that may
    #                                             point to one of them is not reported as missing
    missing: list = field(default_factory=list)  # schema fields not in the header
    problems: Problems = field(default_factory=Problems)  # at most MAX_PER_KIND per kind kept, the rest counted
    complete: bool = False                      # False: not read to the end (or not at all), or its rows not kept
    why: str = "could not be read to the end"   # why the rows are not checked, when not complete
    sha256: str = ""                            # of the file's bytes, once read to the end (datapackage.json's `hash`)
    git_blob: str = ""                          # git's object ID of the file's bytes, likewise (the data's SWHID)


def read_table(path: Path, rel: str, fields: list) -> Table:
    t = Table(rel)
    out = t.problems
    try:
        fh, size = open_bounded(path, MAX_TABLE_BYTES)
    except FileNotFoundError:
        out.append(Problem(rel, None, None, "missing", "data file listed in datapackage.json is missing"))
        return t
    except TooLarge as e:
        out.append(Problem(rel, None, None, "limit", f"file too large (found {e.found}; expected at most {MAX_TABLE_BYTES:,})"))
        return t
    except OSError as e:
        out.append(Problem(rel, None, None, "missing", f"data file cannot be read ({e.strerror})"))
        return t
    with fh:
        if size == 0:
            out.append(Problem(rel, None, None, "structure", "file is empty (expected a header row and data rows)"))
            return t
        lines = _Lines(fh, rel, out, size)
        # csv's own limit (131,072 by default) must not pre-empt ours: a cell over MAX_CELL_CHARS gets
        # its located message below; a quoted cell that runs over many lines still ends at this limit
        limit = csv.field_size_limit(MAX_LINE_BYTES)
        try:
            _parse(csv.reader(lines, strict=True), lines, t, fields)
            if t.complete:
                t.sha256, t.git_blob = lines.digest.hexdigest(), lines.blob.hexdigest()
        except csv.Error as e:
            out.append(Problem(rel, lines.n, None, "structure", f"CSV cannot be parsed here ({e}); the table is not read past this line"))
        except _Stop:
            pass
        finally:
            csv.field_size_limit(limit)
    return t


class _Stop(Exception):
    """The file breaks a limit; the problem is already reported."""


class _Lines:
    """The file's physical lines as text, for csv.reader; byte-level problems reported as they come."""

    def __init__(self, fh, rel, out, size):
        self.fh, self.rel, self.out = fh, rel, out
        self.n = 0                  # physical line number of the last line handed out
        self.replaced = {}          # line -> (kind, message) for lines where REPLACED stands in
        self.crlf_seen = False      # CRLF is reported at its first line only
        self.digest = hashlib.sha256()  # the bytes as read, so that the file's hash needs no second read
        self.blob = hashlib.sha1(b"blob %d\0" % size)  # git's object ID of the file (swhid.py), likewise

    def __iter__(self):
        return self

    def __next__(self):
        raw = self.fh.readline(MAX_LINE_BYTES + 1)
        if not raw:
            raise StopIteration
        self.digest.update(raw)
        self.blob.update(raw)
        self.n += 1
        if self.n > MAX_LINES:
            self.out.append(Problem(self.rel, self.n, None, "limit", f"more than {MAX_LINES:,} lines; the table is not read past this line"))
            raise _Stop
        if len(raw) > MAX_LINE_BYTES:
            self.out.append(Problem(self.rel, self.n, None, "limit", f"line too long (more than {MAX_LINE_BYTES:,} bytes); the table is not read past this line"))
            raise _Stop
        if self.n == 1 and raw.startswith(b"\xef\xbb\xbf"):
            self.out.append(Problem(self.rel, 1, None, "encoding", "file starts with a UTF-8 byte order mark (expected UTF-8 without BOM)"))
            raw = raw[3:]
        if not raw.endswith(b"\n"):
            self.out.append(Problem(self.rel, self.n, None, "line-end", "last line has no line end (expected a final LF)"))
        if raw.endswith(b"\r\n"):
            raw = raw[:-2] + b"\n"
            if not self.crlf_seen:
                self.out.append(Problem(self.rel, self.n, None, "line-end", "CRLF line end (expected LF only; the first is reported)"))
            self.crlf_seen = True
        if b"\r" in raw:
            self.out.append(Problem(self.rel, self.n, None, "line-end", "carriage return (CR) inside a line (expected LF line ends only)"))
            raw = raw.replace(b"\r", b" ")
        if b"\x00" in raw:
            self.replaced[self.n] = ("control", "NUL byte (U+0000; expected printable text)")
            raw = raw.replace(b"\x00", REPLACED.encode())
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as e:
            self.replaced[self.n] = ("encoding", f"bytes that are not UTF-8 (found {raw[e.start:e.end]!r}; expected UTF-8)")
            return raw.decode("utf-8", errors="replace")


def _parse(reader, lines, t, fields):
    out, rel = t.problems, t.file
    header = next(reader, None)
    if header is None:
        out.append(Problem(rel, 1, None, "structure", "no header row"))
        return
    if len(header) > MAX_COLUMNS:
        out.append(Problem(rel, 1, None, "limit", f"header has {len(header):,} columns (expected at most {MAX_COLUMNS:,}); the table is not read"))
        return
    t.header = header
    if 1 in lines.replaced:  # a NUL or a byte that is not UTF-8 in the header itself
        kind, message = lines.replaced.pop(1)
        out.append(Problem(rel, 1, None, kind, message))
    _header_problems(t, fields)
    where = {}
    for i, h in enumerate(header):
        where.setdefault(h, i)
    present = [f for f in fields if f in where]
    t.missing = [f for f in fields if f not in where]
    idx = [where[f] for f in present]
    width = len(header)
    columns = [[] for _ in present]
    index = []
    seen = [{} for _ in present]  # one str object per distinct value: repeated ids and quotes cost no memory
    start = lines.n + 1
    keep = True  # False past MAX_DAMAGED damaged rows: the rows are then only checked, not kept
    cells = 0
    for values in reader:
        line, end = start, lines.n
        start = end + 1
        cells += width
        if cells > MAX_CELLS:
            out.append(Problem(rel, line, None, "limit", f"more than {MAX_CELLS:,} cells (rows × {width} columns); the table is not read past this line"))
            raise _Stop
        if not values:
            out.append(Problem(rel, line, None, "structure", "blank line (expected a data row)"))
            continue
        damaged = None  # the row's text, all its cells, when it is damaged
        if len(values) != width:
            what = "too many" if len(values) > width else "too few"
            out.append(Problem(rel, line, None, "structure", f"{what} cells (found {len(values):,}; expected {width})"))
            damaged = "\x1f".join(values) if keep else ""
            values = values[:width] + [""] * (width - len(values))
        for n in range(line, end + 1):
            if n in lines.replaced:
                kind, message = lines.replaced.pop(n)
                col = next((header[i] for i, v in enumerate(values) if REPLACED in v), None)
                out.append(Problem(rel, n, col, kind, message))
                damaged = damaged or ("\x1f".join(values) if keep else "")
        if damaged is not None and keep:
            t.damaged[line] = damaged
            if len(t.damaged) > MAX_DAMAGED:
                keep, columns, index, seen = False, None, None, None
                t.why = f"has more than {MAX_DAMAGED:,} damaged rows"
                out.append(Problem(rel, line, None, "limit", f"more than {MAX_DAMAGED:,} damaged rows: from this line on the rows are checked "
                                                             "for their bytes and cells only, and the table's values and references are not checked"))
        for i, v in enumerate(values):
            if v:
                if len(v) > MAX_CELL_CHARS:
                    out.append(Problem(rel, line, header[i], "limit", f"cell too long (found {len(v):,} characters; expected at most {MAX_CELL_CHARS:,}); the table is not read past this row"))
                    raise _Stop
                _cell_problems(out, rel, line, header[i], v)
        if keep:
            for k, i in enumerate(idx):
                v = values[i]
                columns[k].append(seen[k].setdefault(v, v))
            index.append(line)
            if not len(index) & 0xFFFF and sum(map(len, seen)) > MAX_DISTINCT:  # counted every 65,536 rows
                out.append(Problem(rel, line, None, "limit", f"more than {MAX_DISTINCT:,} distinct values; the table is not read past this line"))
                raise _Stop
    if not keep:
        return
    t.frame = pd.DataFrame({f: pd.Series(c, dtype=object) for f, c in zip(present, columns)})
    t.frame.index = pd.Index(index, name="line")  # also for a header without any schema field: a frame of no columns, one row per line
    t.complete = True


def _header_problems(t, fields):
    header, out, rel = t.header, t.problems, t.file
    for h in header:  # a header cell is text like any cell: one line, printable, NFC, no formula
        if h:
            _cell_problems(out, rel, 1, h, h, what="header cell")
    have, want = set(header), set(fields)
    for f in fields:
        if f not in have:
            out.append(Problem(rel, 1, f, "header", f"column missing from the header (expected the columns {', '.join(map(name, fields))})"))
    extra = [h for h in header if h not in want]
    for h in extra[:10]:
        out.append(Problem(rel, 1, h, "header", f"column not in the schema (found {show(h)}; expected only the schema's fields)"))
    if len(extra) > 10:
        out.append(Problem(rel, 1, None, "header", f"{len(extra) - 10:,} more columns not in the schema"))
    dup = sorted(h for h, n in Counter(header).items() if n > 1)
    for h in dup:
        out.append(Problem(rel, 1, h, "header", "column named twice in the header"))
    if have == want and not dup and header != fields:
        out.append(Problem(rel, 1, None, "header", f"columns out of order (found {', '.join(map(name, header))}; expected {', '.join(map(name, fields))})"))


def _cell_problems(out, rel, line, column, v, what="cell"):
    if v != v.strip():
        out.append(Problem(rel, line, column, "whitespace", f"leading or trailing whitespace (found {show(v)}; expected none)"))
    if "\n" in v:
        out.append(Problem(rel, line, column, "control", f"line break inside a {what} (found {show(v)}; expected one line per row)"))
    if _SUSPECT.search(v) and (ch := invisible(v)):  # the search alone for the clean cells: one call
        out.append(Problem(rel, line, column, "control", f"invisible or control character U+{ord(ch):04X} (found {show(v)}; expected printable text)"))
    if not v.isascii() and not unicodedata.is_normalized("NFC", v):
        out.append(Problem(rel, line, column, "unicode", f"text not in Unicode NFC (found {show(v)}; expected {show(unicodedata.normalize('NFC', v))})"))
    if v.startswith(FORMULA_START) and not NUMBER.fullmatch(v):
        out.append(Problem(rel, line, column, "formula", f"{what} starts like a spreadsheet formula (found {show(v)}; expected text not starting with = + - @)"))


def raw_rows(path: Path) -> list:
    """Every row of a CSV file as the csv module parses it, header first, nothing checked, nothing
    repaired: for the tools that damage a copy of the package on purpose (hostile.py, the tests).
    Outputs read the checked tables of dataset.Dataset instead."""
    text = read_bounded(path, MAX_TABLE_BYTES).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))  # newline="": line ends inside a quoted cell stay as written
