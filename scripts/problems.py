"""One problem found in the package, and how it is printed: file:row:column: message."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    file: str          # path relative to the package root
    row: int | None    # CSV line number, header = 1 (None: the whole file)
    column: str | None  # field name (None: the whole row or file)
    message: str       # what is wrong (found ...; expected ...)
    layer: str = ""    # which check found it: json, files, csv, frictionless, pandera

    def __str__(self):
        where = self.file
        if self.row is not None:
            where += f":{self.row}"
            if self.column:
                where += f":{self.column}"
        elif self.column:
            where += f"::{self.column}"
        return f"{where}: {self.message}"


def show(value, limit=60) -> str:
    """A cell value as it appears in a message, shortened."""
    s = str(value)
    return repr(s if len(s) <= limit else s[:limit] + "…")
