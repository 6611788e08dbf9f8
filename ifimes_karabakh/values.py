"""How a cell's text is read as a number: the one definition of Table Schema's integer and number
as this package writes them, and of the 64-bit range that SQLite's INTEGER and pandas' int64 hold.

The validator (tableschema.py) checks cells with these patterns, the SQLite build (sqlite.py)
converts cells with `to_integer` and `to_real`, and the clean-CSV check (csvread.py) lets a cell
that reads as a number start with + or -. Digits are ASCII only: `٣` is not a digit here, as it
is not for SQLite or for a spreadsheet.

No text reaches int() or float() before it matched its pattern, and int() never sees more than
19 digits, so neither a 100,000-digit cell nor Python's own limit on long integers can stop a run."""
import math
import re

INT64 = (-2**63, 2**63 - 1)
INT64_DIGITS = 19  # len(str(2**63)): a longer run of digits (leading zeros aside) cannot fit
INTEGER_PATTERN = r"[+-]?[0-9]+"
NUMBER_PATTERN = r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?"
INTEGER = re.compile(INTEGER_PATTERN)
NUMBER = re.compile(NUMBER_PATTERN)
INTEGER_EXPECTED = f"{INT64[0]} to {INT64[1]}"


def int64(text: str):
    """The integer text as an int when it fits 64 bits, else None (also for text that is not an
    integer). Exact at every length: leading zeros and a sign do not count as digits."""
    if not INTEGER.fullmatch(text):
        return None
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > INT64_DIGITS:
        return None
    value = -int(digits) if text.startswith("-") else int(digits)
    return value if INT64[0] <= value <= INT64[1] else None


def finite_number(text: str):
    """The number text as a float when it is a decimal number that a double holds finitely
    (`1e400` does not), else None."""
    if not NUMBER.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def to_integer(cell: str) -> int:
    """int, or ValueError(what is wrong, what was expected)."""
    if not INTEGER.fullmatch(cell):
        raise ValueError("not an integer", "digits with an optional sign")
    value = int64(cell)
    if value is None:
        raise ValueError("integer does not fit 64 bits", INTEGER_EXPECTED)
    return value


def to_real(cell: str) -> float:
    """float, or ValueError(what is wrong, what was expected)."""
    if not NUMBER.fullmatch(cell):
        raise ValueError("not a decimal number", "digits, '.', an exponent")
    value = finite_number(cell)
    if value is None:
        raise ValueError("number too large for a REAL", "a finite number")
    return value
