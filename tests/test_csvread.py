"""The checked CSV reader (ifimes_karabakh/csvread.py) on literal files of a few bytes: every
problem it reports, at its place and with its whole message, at each limit's boundary (the limits
made small for the test), and the table it gives back: the frame, its index of physical lines, the
damaged rows, the missing columns, whether it is complete, and the file's hashes."""
import hashlib

import pytest

from ifimes_karabakh import csvread
from ifimes_karabakh.csvread import REPLACED, read_table

FIELDS = ["id", "name"]
REL = "data/t.csv"


def table(tmp_path, data: bytes, fields=FIELDS):
    path = tmp_path / "t.csv"
    path.write_bytes(data)
    return read_table(path, REL, list(fields))


def found(t) -> list:
    """(row, column, kind, message) of every problem, in the order reported."""
    assert all(p.file == REL for p in t.problems)
    return [(p.row, p.column, p.kind, p.message) for p in t.problems]


def values(t) -> list:
    return [list(r) for r in t.frame.itertuples(index=True, name=None)]


# ------------------------------------------------------------------ a clean file
def test_a_clean_file_gives_its_frame_indexed_by_line_and_its_hashes(tmp_path):
    data = b"id,name\na,Alpha\nb,\n"
    t = table(tmp_path, data)
    assert found(t) == [] and t.complete and t.header == FIELDS and t.missing == [] and t.damaged == {}
    assert values(t) == [[2, "a", "Alpha"], [3, "b", ""]] and t.frame.index.name == "line" and list(t.frame.columns) == FIELDS
    assert t.sha256 == hashlib.sha256(data).hexdigest()
    assert t.git_blob == hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()  # as `git hash-object` gives it


def test_a_header_alone_is_an_empty_complete_table(tmp_path):
    t = table(tmp_path, b"id,name\n")
    assert found(t) == [] and t.complete and len(t.frame) == 0 and list(t.frame.columns) == FIELDS


def test_a_header_without_any_schema_field_still_counts_the_rows(tmp_path):
    t = table(tmp_path, b"x\n1\n2\n", fields=["id"])
    assert t.complete and list(t.frame.columns) == [] and list(t.frame.index) == [2, 3] and t.missing == ["id"]


def test_a_repeated_value_is_one_object(tmp_path):
    t = table(tmp_path, b"id,name\na,same\nb,same\n")
    first, second = t.frame["name"].tolist()
    assert first == second == "same" and first is second  # one str per distinct value: a long table costs no more memory


def test_columns_not_in_the_schema_are_read_past_and_the_schemas_columns_kept(tmp_path):
    t = table(tmp_path, b"id,x,name\na,1,Alpha\n")
    assert values(t) == [[2, "a", "Alpha"]]
    assert found(t) == [(1, "x", "header", "column not in the schema (found 'x'; expected only the schema's fields)")]


# ------------------------------------------------------------------ the file
def test_a_missing_file(tmp_path):
    t = read_table(tmp_path / "none.csv", REL, FIELDS)
    assert found(t) == [(None, None, "missing", "data file listed in datapackage.json is missing")] and not t.complete and t.frame is None


def test_a_folder_is_not_a_file(tmp_path):
    (tmp_path / "d.csv").mkdir()
    t = read_table(tmp_path / "d.csv", REL, FIELDS)
    assert found(t) == [(None, None, "missing", "data file cannot be read (not a regular file)")] and not t.complete


@pytest.mark.parametrize("limit, refused", [(7, True), (8, False)])
def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, monkeypatch, limit, refused):
    monkeypatch.setattr(csvread, "MAX_TABLE_BYTES", limit)
    t = table(tmp_path, b"id,name\n")  # 8 bytes
    assert found(t) == ([(None, None, "limit", f"file too large (found 8 bytes; expected at most {limit:,})")] if refused else [])
    assert t.complete is not refused


def test_an_empty_file(tmp_path):
    t = table(tmp_path, b"")
    assert found(t) == [(None, None, "structure", "file is empty (expected a header row and data rows)")] and not t.complete


def test_a_file_emptied_after_it_was_opened_has_no_header(tmp_path, monkeypatch):
    import io
    (tmp_path / "t.csv").write_bytes(b"id,name\n")
    monkeypatch.setattr(csvread, "open_bounded", lambda path, limit: (io.BytesIO(b""), 8))  # its size as opened, its bytes gone
    t = read_table(tmp_path / "t.csv", REL, FIELDS)
    assert found(t) == [(1, None, "structure", "no header row")] and not t.complete


def test_a_byte_order_mark_alone_is_a_header_without_columns(tmp_path):
    t = table(tmp_path, b"\xef\xbb\xbf")
    assert found(t)[:2] == [(1, None, "encoding", "file starts with a UTF-8 byte order mark (expected UTF-8 without BOM)"),
                            (1, None, "line-end", "last line has no line end (expected a final LF)")]


def test_a_blank_first_line_is_a_header_without_columns(tmp_path):
    t = table(tmp_path, b"\n")
    assert found(t) == [(1, "id", "header", "column missing from the header (expected the columns id, name)"),
                        (1, "name", "header", "column missing from the header (expected the columns id, name)")]


# ------------------------------------------------------------------ bytes and line ends
def test_a_byte_order_mark_is_reported_and_left_out_of_the_header(tmp_path):
    t = table(tmp_path, b"\xef\xbb\xbfid,name\na,b\n")
    assert found(t) == [(1, None, "encoding", "file starts with a UTF-8 byte order mark (expected UTF-8 without BOM)")]
    assert t.header == FIELDS and values(t) == [[2, "a", "b"]]


def test_a_byte_order_mark_after_the_first_line_is_an_invisible_character(tmp_path):
    t = table(tmp_path, b"id,name\n\xef\xbb\xbfa,b\n")
    assert found(t) == [(2, "id", "control", "invisible or control character U+FEFF (found '\\ufeffa'; expected printable text)")]


def test_the_last_line_without_its_line_end(tmp_path):
    t = table(tmp_path, b"id,name\na,b")
    assert found(t) == [(2, None, "line-end", "last line has no line end (expected a final LF)")] and values(t) == [[2, "a", "b"]]


def test_crlf_is_reported_once_at_its_first_line_and_read_as_lf(tmp_path):
    t = table(tmp_path, b"id,name\na,b\r\nc,d\r\n")
    assert found(t) == [(2, None, "line-end", "CRLF line end (expected LF only; the first is reported)")]
    assert values(t) == [[2, "a", "b"], [3, "c", "d"]]


def test_a_carriage_return_inside_a_line_is_reported_and_read_as_a_space(tmp_path):
    t = table(tmp_path, b"id,name\na,b\rc\n")
    assert found(t) == [(2, None, "line-end", "carriage return (CR) inside a line (expected LF line ends only)")]
    assert values(t) == [[2, "a", "b c"]]


def test_a_nul_byte_is_reported_at_its_cell_and_the_row_is_damaged(tmp_path):
    t = table(tmp_path, b"id,name\na,b\x00c\nd,e\n")
    assert found(t) == [(2, "name", "control", "NUL byte (U+0000; expected printable text)")]
    assert t.damaged == {2: f"a\x1fb{REPLACED}c"} and values(t) == [[2, "a", f"b{REPLACED}c"], [3, "d", "e"]] and t.complete


def test_bytes_that_are_not_utf8_are_reported_at_their_cell(tmp_path):
    t = table(tmp_path, b"id,name\na,b\xffc\n")
    assert found(t) == [(2, "name", "encoding", "bytes that are not UTF-8 (found b'\\xff'; expected UTF-8)")]
    assert t.damaged == {2: f"a\x1fb{REPLACED}c"}


def test_a_nul_byte_in_the_header(tmp_path):
    t = table(tmp_path, b"id,na\x00me\na,b\n")
    assert (1, None, "control", "NUL byte (U+0000; expected printable text)") in found(t)


def test_a_quoted_cell_over_two_lines_is_reported_at_its_first_line_and_later_rows_keep_their_lines(tmp_path):
    t = table(tmp_path, b'id,name\na,"b\nc"\nd,\n')
    assert found(t) == [(2, "name", "control", "line break inside a cell (found 'b\\nc'; expected one line per row)")]
    assert values(t) == [[2, "a", "b\nc"], [4, "d", ""]]


def test_quoting_that_csv_cannot_parse_stops_the_table(tmp_path):
    t = table(tmp_path, b'id,name\na,"b"c\nd,e\n')
    (row, column, kind, message), = found(t)
    assert (row, column, kind) == (2, None, "structure") and not t.complete
    assert message.startswith("CSV cannot be parsed here (") and message.endswith("); the table is not read past this line")


# ------------------------------------------------------------------ rows
def test_a_blank_line(tmp_path):
    t = table(tmp_path, b"id,name\na,b\n\nc,d\n")
    assert found(t) == [(3, None, "structure", "blank line (expected a data row)")] and values(t) == [[2, "a", "b"], [4, "c", "d"]]


def test_too_many_and_too_few_cells_are_damaged_rows_padded_or_cut_to_the_header(tmp_path):
    t = table(tmp_path, b"id,name\na,b,c\nd\ne,f\n")
    assert found(t) == [(2, None, "structure", "too many cells (found 3; expected 2)"), (3, None, "structure", "too few cells (found 1; expected 2)")]
    assert t.damaged == {2: "a\x1fb\x1fc", 3: "d"} and values(t) == [[2, "a", "b"], [3, "d", ""], [4, "e", "f"]] and t.complete


@pytest.mark.parametrize("damaged_rows, complete", [(2, True), (3, False)])
def test_past_the_damaged_row_limit_the_rows_are_checked_but_not_kept(tmp_path, monkeypatch, damaged_rows, complete):
    monkeypatch.setattr(csvread, "MAX_DAMAGED", 2)
    t = table(tmp_path, b"id,name\n" + b"x\n" * damaged_rows + b"a, b\n")
    problems = found(t)
    assert problems[:damaged_rows] == [(n, None, "structure", "too few cells (found 1; expected 2)") for n in range(2, 2 + damaged_rows)]
    assert problems[-1] == (2 + damaged_rows, "name", "whitespace", "leading or trailing whitespace (found ' b'; expected none)")  # still checked
    assert t.complete is complete
    if complete:
        assert len(problems) == damaged_rows + 1 and sorted(t.damaged) == list(range(2, 2 + damaged_rows))
    else:
        assert problems[damaged_rows] == (4, None, "limit", "more than 2 damaged rows: from this line on the rows are checked for their bytes and cells "
                                          "only, and the table's values and references are not checked")
        assert t.frame is None and t.why == "has more than 2 damaged rows"


# ------------------------------------------------------------------ the limits
@pytest.mark.parametrize("lines, stopped", [(3, False), (4, True)])
def test_the_line_limit(tmp_path, monkeypatch, lines, stopped):
    monkeypatch.setattr(csvread, "MAX_LINES", 3)
    t = table(tmp_path, b"id,name\n" + b"a,b\n" * (lines - 1))
    assert found(t) == ([(4, None, "limit", "more than 3 lines; the table is not read past this line")] if stopped else [])
    assert t.complete is not stopped


@pytest.mark.parametrize("length, stopped", [(10, False), (11, True)])
def test_the_line_length_limit(tmp_path, monkeypatch, length, stopped):
    monkeypatch.setattr(csvread, "MAX_LINE_BYTES", 10)
    t = table(tmp_path, b"id,name\n" + b"a," + b"b" * (length - 3) + b"\n")  # the line end counts
    assert found(t) == ([(2, None, "limit", "line too long (more than 10 bytes); the table is not read past this line")] if stopped else [])
    assert t.complete is not stopped


@pytest.mark.parametrize("rows, stopped", [(2, False), (3, True)])
def test_the_cell_limit_counts_rows_times_header_columns(tmp_path, monkeypatch, rows, stopped):
    monkeypatch.setattr(csvread, "MAX_CELLS", 4)
    t = table(tmp_path, b"id,name\n" + b"a,b\n" * rows)
    assert found(t) == ([(4, None, "limit", "more than 4 cells (rows × 2 columns); the table is not read past this line")] if stopped else [])
    assert t.complete is not stopped


@pytest.mark.parametrize("length, stopped", [(5, False), (6, True)])
def test_the_cell_length_limit(tmp_path, monkeypatch, length, stopped):
    monkeypatch.setattr(csvread, "MAX_CELL_CHARS", 5)
    t = table(tmp_path, b"id,name\na," + b"b" * length + b"\nc,d\n")
    expected = [(2, "name", "limit", f"cell too long (found {length} characters; expected at most 5); the table is not read past this row")]
    assert found(t) == (expected if stopped else []) and t.complete is not stopped


@pytest.mark.parametrize("columns, refused", [(2, False), (3, True)])
def test_the_column_limit(tmp_path, monkeypatch, columns, refused):
    monkeypatch.setattr(csvread, "MAX_COLUMNS", 2)
    t = table(tmp_path, ",".join(["id", "name", "x"][:columns]).encode() + b"\n")
    assert ((1, None, "limit", "header has 3 columns (expected at most 2); the table is not read") in found(t)) is refused
    assert t.complete is not refused


@pytest.mark.parametrize("limit, stopped", [(65_536, False), (10, True)])
def test_distinct_values_are_counted_every_65536_rows(tmp_path, monkeypatch, limit, stopped):
    monkeypatch.setattr(csvread, "MAX_DISTINCT", limit)
    t = table(tmp_path, b"id\n" + b"".join(b"%d\n" % n for n in range(65_536)), fields=["id"])  # 65,536 distinct values
    # counted only at the 65,536th row: over a limit of 10 from the 11th row on, but stopped there
    assert found(t) == ([(65_537, None, "limit", f"more than {limit:,} distinct values; the table is not read past this line")] if stopped else [])
    assert t.complete is not stopped


def test_csvs_own_field_limit_is_restored_after_reading(tmp_path):
    import csv
    before = csv.field_size_limit()
    table(tmp_path, b"id,name\na,b\n")
    assert csv.field_size_limit() == before


# ------------------------------------------------------------------ the header
def test_a_missing_column(tmp_path):
    t = table(tmp_path, b"id\na\n")
    assert found(t) == [(1, "name", "header", "column missing from the header (expected the columns id, name)")]
    assert t.missing == ["name"] and values(t) == [[2, "a"]] and t.complete


@pytest.mark.parametrize("n, more", [(10, []), (11, [(1, None, "header", "1 more columns not in the schema")]),
                                     (12, [(1, None, "header", "2 more columns not in the schema")])])
def test_more_than_ten_columns_not_in_the_schema_are_counted(tmp_path, n, more):
    extra = [f"x{k}" for k in range(n)]
    t = table(tmp_path, ",".join(FIELDS + extra).encode() + b"\n")
    assert found(t) == [(1, x, "header", f"column not in the schema (found '{x}'; expected only the schema's fields)") for x in extra[:10]] + more


def test_a_column_named_twice(tmp_path):
    t = table(tmp_path, b"id,name,id\na,b,c\n")
    assert found(t) == [(1, "id", "header", "column named twice in the header")] and values(t) == [[2, "a", "b"]]  # the first is read


def test_columns_out_of_order(tmp_path):
    t = table(tmp_path, b"name,id\nb,a\n")
    assert found(t) == [(1, None, "header", "columns out of order (found name, id; expected id, name)")] and values(t) == [[2, "a", "b"]]


def test_a_header_cell_is_checked_as_text(tmp_path):
    t = table(tmp_path, b"id,=name\na,b\n", fields=["id", "=name"])
    assert found(t) == [(1, "=name", "formula", "header cell starts like a spreadsheet formula (found '=name'; expected text not starting with = + - @)")]


# ------------------------------------------------------------------ cells
@pytest.mark.parametrize("cell, problem", [
    (" a", ("whitespace", "leading or trailing whitespace (found ' a'; expected none)")),
    ("a ", ("whitespace", "leading or trailing whitespace (found 'a '; expected none)")),
    ("a\u200bb", ("control", "invisible or control character U+200B (found 'a\\u200bb'; expected printable text)")),
    ("e\u0301", ("unicode", "text not in Unicode NFC (found 'e\u0301'; expected '\u00e9')")),
    ("=1+1", ("formula", "cell starts like a spreadsheet formula (found '=1+1'; expected text not starting with = + - @)")),
    ("+a", ("formula", "cell starts like a spreadsheet formula (found '+a'; expected text not starting with = + - @)")),
    ("-a", ("formula", "cell starts like a spreadsheet formula (found '-a'; expected text not starting with = + - @)")),
    ("@a", ("formula", "cell starts like a spreadsheet formula (found '@a'; expected text not starting with = + - @)")),
    ("-1.5", None), ("+2", None), ("-1e3", None),  # numbers: signed, not formulas
    ("é", None), ("a b", None), ("ab", None),
])
def test_each_cell_check(tmp_path, cell, problem):
    t = table(tmp_path, b"id,name\na," + cell.encode() + b"\n")
    assert found(t) == ([(2, "name", *problem)] if problem else [])


def test_a_nul_byte_in_a_cell_past_the_header_width_is_reported_on_the_row(tmp_path):
    t = table(tmp_path, b"id,name\na,b,c\x00\n")
    assert found(t) == [(2, None, "structure", "too many cells (found 3; expected 2)"), (2, None, "control", "NUL byte (U+0000; expected printable text)")]


def test_a_line_is_never_read_past_its_limit(monkeypatch):
    """The reader asks for at most MAX_LINE_BYTES + 1 bytes at a time, whatever the line: a line of
    gigabytes costs no more memory than the limit."""
    import io
    asked = []

    class Recording(io.BytesIO):
        def readline(self, size=-1):
            asked.append(size)
            return super().readline(size)
    monkeypatch.setattr(csvread, "MAX_LINE_BYTES", 10)
    lines = csvread._Lines(Recording(b"id,name\n" + b"x" * 50 + b"\n"), REL, [], 59)
    assert next(lines) == "id,name\n"
    with pytest.raises(csvread._Stop):
        next(lines)
    assert asked == [11, 11]
