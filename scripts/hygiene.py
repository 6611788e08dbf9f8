"""Clean-CSV rules, checked on the raw bytes: UTF-8 without BOM, LF line ends, the header the
schema declares, the right number of cells, NFC, no stray whitespace, no control characters,
no cell that a spreadsheet would run as a formula."""
import csv
import io
import re
import unicodedata

from problems import Problem, show

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def check_csv(path, rel, fields):
    """Return (problems, ok_for_parsing) for one CSV file whose schema has `fields`."""
    out = []
    data = path.read_bytes()
    if not data.strip():
        return [Problem(rel, None, None, "file is empty (expected a header row and data rows)", "csv")], False
    if data.startswith(b"\xef\xbb\xbf"):
        out.append(Problem(rel, 1, None, "file starts with a UTF-8 byte order mark (expected UTF-8 without BOM)", "csv"))
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        out.append(Problem(rel, line, None, f"bytes that are not UTF-8 ({data[e.start:e.end]!r} at byte {e.start}; expected UTF-8)", "csv"))
        text = data.decode("utf-8", errors="replace")
    crlf = text.count("\r\n")
    if crlf:
        first = text[: text.index("\r\n")].count("\n") + 1
        out.append(Problem(rel, first, None, f"CRLF line end ({crlf} lines in the file; expected LF only)", "csv"))
    if not text.endswith("\n"):
        out.append(Problem(rel, text.count("\n") + 1, None, "last line has no line end (expected a final LF)", "csv"))
    rows = list(csv.reader(io.StringIO(text.replace("\r\n", "\n"), newline="")))
    header = rows[0] if rows else []
    if header != fields:
        out.extend(header_problems(rel, header, fields))
    width = len(header)
    line = 1
    for values in rows[1:]:
        line += 1
        if len(values) != width:
            what = "too many" if len(values) > width else "too few"
            out.append(Problem(rel, line, None, f"{what} cells (found {len(values)}; expected {width})", "csv"))
        for name, v in zip(header, values):
            out.extend(cell_problems(rel, line, name, v))
    return out, True


def header_problems(rel, header, fields):
    out = []
    missing = [f for f in fields if f not in header]
    extra = [h for h in header if h not in fields]
    for f in missing:
        out.append(Problem(rel, 1, f, f"column missing from the header (expected columns: {', '.join(fields)})", "csv"))
    for h in extra:
        out.append(Problem(rel, 1, h, f"column not in the schema (found {show(h)}; expected one of the schema's fields)", "csv"))
    if not missing and not extra:
        out.append(Problem(rel, 1, None, f"columns out of order (found {', '.join(header)}; expected {', '.join(fields)})", "csv"))
    return out


def cell_problems(rel, line, name, v):
    if not v:
        return []
    out = []
    if v != v.strip():
        out.append(Problem(rel, line, name, f"leading or trailing whitespace (found {show(v)}; expected none)", "csv"))
    m = CONTROL.search(v)
    if m:
        out.append(Problem(rel, line, name, f"control character U+{ord(m.group()):04X} (found {show(v)}; expected printable text on one line)", "csv"))
    if not unicodedata.is_normalized("NFC", v):
        out.append(Problem(rel, line, name, f"text not in Unicode NFC (found {show(v)}; expected its NFC form {show(unicodedata.normalize('NFC', v))})", "csv"))
    if v.startswith(FORMULA_START) and not NUMBER.match(v):
        out.append(Problem(rel, line, name, f"cell starts like a spreadsheet formula (found {show(v)}; expected text not starting with = + - @)", "csv"))
    return out
