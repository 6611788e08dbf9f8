"""A problem found in the package, and how problems are printed: `file:row:column: message`.

Every name or value taken from the package is escaped before it is printed, so that no file,
header or cell can put control characters, terminal escapes or fake report lines on the screen."""
import re
from collections import Counter
from dataclasses import dataclass, field

_PLAIN = re.compile(r"[A-Za-z0-9_.\-/\[\]]+")


def show(value, limit=60) -> str:
    """A value as it appears in a message: quoted, cut to `limit` characters, every non-printable
    character (controls, line breaks, bidirectional and zero-width marks) escaped by repr()."""
    s = str(value)
    return repr(s if len(s) <= limit else s[:limit] + "…")


def plain(text: str) -> str:
    """A report line with every non-printable character escaped, the rest left as it is: the last
    guard before the screen, for a message that a value from the package reached unescaped."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


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


MAX_PER_KIND = 100  # problems kept per file and kind; the rest are counted, not kept


class Problems(list):
    """The problems found, at most MAX_PER_KIND kept per (file, kind): past that only a count grows
    (`more`), so that a file with millions of bad lines costs a counter, not millions of objects.
    `+=` of another Problems carries its counts over; `total` is every problem found."""

    def __init__(self, items=()):
        super().__init__()
        self.kept = Counter()   # (file, kind) -> problems kept
        self.more = Counter()   # (file, kind) -> problems found beyond those kept
        self.extend(items)

    def full(self, file, kind) -> bool:
        """True when a new problem of this file and kind would only be counted."""
        return self.kept[file, kind] >= MAX_PER_KIND

    def append(self, p):
        key = (p.file, p.kind)
        if self.kept[key] < MAX_PER_KIND:
            self.kept[key] += 1
            super().append(p)
        else:
            self.more[key] += 1

    def count(self, file, kind, n=1):
        """n more problems of this file and kind, not kept (the caller made none of them)."""
        if n:
            self.more[file, kind] += n

    def extend(self, items):
        for p in items:
            self.append(p)
        for key, n in getattr(items, "more", {}).items():
            self.more[key] += n

    def __iadd__(self, items):
        self.extend(items)
        return self

    @property
    def total(self) -> int:
        return len(self) + sum(self.more.values())

    def in_file(self, file) -> int:
        return sum(n for (f, _), n in self.kept.items() if f == file) + sum(n for (f, _), n in self.more.items() if f == file)
