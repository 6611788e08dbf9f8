"""A problem found in the package, and how problems are printed: `file:row:column: message`.

Every name or value taken from the package is escaped before it is printed, so that no file,
header or cell can put control characters, terminal escapes or fake report lines on the screen."""
import re
from dataclasses import dataclass, field

_PLAIN = re.compile(r"[A-Za-z0-9_.\-/\[\]]+")


def show(value, limit=60) -> str:
    """A value as it appears in a message: quoted, cut to `limit` characters, every non-printable
    character (controls, line breaks, bidirectional and zero-width marks) escaped by repr()."""
    s = str(value)
    return repr(s if len(s) <= limit else s[:limit] + "…")


def name(text, limit=80) -> str:
    """A file path or column name: printed bare when it is plain, else quoted and escaped."""
    s = str(text)
    return s if _PLAIN.fullmatch(s) and len(s) <= limit else show(s, limit)


@dataclass(frozen=True)
class Problem:
    file: str            # path relative to the package folder
    row: int | None      # physical line of the CSV file (header = 1); None: the whole file
    column: str | None   # field name; None: the whole row or file
    kind: str            # a short code tests and scripts can match: "type", "foreign-key", "quote", ...
    message: str         # what is wrong (found ...; expected ...)
    found: str = field(default="", compare=False)  # the offending value, for programs (the message shows it cut)

    def __str__(self):
        where = name(self.file, 200)
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += (":" if self.row is not None else "::") + name(self.column)
        return f"{where}: {self.message}"


def sort_key(p: Problem):
    return (p.file, p.row or 0, p.column or "", p.message)
