"""The article's text: where it is, its locators (pN, fnN) and how quotes are compared with it.

The text is not in the repository: it is read from ../shared/sources/ beside it, or from
$IFIMES_SOURCE_TEXT. A quote is compared after folding (NFC, typographic quotes as straight ones,
every run of whitespace as one space) and may skip text with " … "; each part must then occur,
in order, at the locator."""
import hashlib
import os
import re
import unicodedata
from pathlib import Path

from . import REPO
from .bounded import TooLarge, read_bounded
from .report import Problem

ARTICLE_ID = "ifimes-2020"
DEFAULT_PATH = REPO.parent / "shared" / "sources" / "000_7fa8631f8c5e0faf.txt"
GAP = "…"
# A quote must identify its place: each part at least MIN_PART letters or digits and one word of
# MIN_WORD or more that is not a common word, all parts together at least MIN_TOTAL. "………",
# "R … a" and "the … the … the … the" identify nothing: such parts occur almost anywhere.
MIN_PART, MIN_WORD, MIN_TOTAL = 3, 4, 12
COMMON_WORDS = frozenset("""about above after again also been before being below between both could does doing down during
each from further have having here into itself just more most much once only other over same should some such than that their
theirs them then there these they this those through under until very were what when where which while whom will with would
your yours""".split())  # English function words of four letters or more: they name no place
_WORD = re.compile(r"\w+")
_NOT_ALNUM = re.compile(r"[\W_]+")
MAX_ARTICLE_BYTES = 2**20

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                         "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'"})
_SPACE = re.compile(r"\s+")  # \s covers NBSP, thin and other Unicode spaces


def source_path() -> Path:
    return Path(os.environ.get("IFIMES_SOURCE_TEXT", DEFAULT_PATH))


def fold(s: str) -> str:
    """NFC, typographic quotes to ASCII, every run of whitespace to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", s).translate(_QUOTES)).strip()


def substance(s: str) -> int:
    """How many letters and digits a text holds (\\w is what str.isalnum() accepts, and _)."""
    return len(_NOT_ALNUM.sub("", s))


def quote_identifies(quote: str) -> bool:
    """Enough real text to identify a place: in every part MIN_PART letters or digits and a word of
    MIN_WORD or more that is not a common word; MIN_TOTAL in all."""
    parts = quote.split(GAP)
    counts = [substance(p) for p in parts]
    return (all(c >= MIN_PART for c in counts) and sum(counts) >= MIN_TOTAL
            and all(any(len(w) >= MIN_WORD and w.lower() not in COMMON_WORDS for w in _WORD.findall(p)) for p in parts))


def locators(text: str) -> dict:
    """locator -> raw text. Non-empty lines are p1, p2, ... (the title is p1); a line starting
    with "[N]" after the body is footnote fnN (its text without the mark)."""
    out, n = {}, 0
    for line in text.split("\n"):
        if not line.strip():
            continue
        m = re.match(r"^\[(\d+)\]\s?(.*)$", line)
        if m and n > 1:
            out[f"fn{m.group(1)}"] = m.group(2).strip()
        else:
            n += 1
            out[f"p{n}"] = line
    return out


class Article:
    """The article text, loaded once, with folded paragraphs for look-ups."""

    def __init__(self, text: str, sha256: str, path: Path | None = None):
        self.path, self.text, self.sha256 = path, text, sha256
        self.raw = locators(text)
        self.folded = {k: fold(v) for k, v in self.raw.items()}

    @classmethod
    def read(cls, path: Path, out: list, rel: str | None = None):
        """The text at path (the article, or a document kept in texts/), or None with a located
        problem in out (missing, too large, not UTF-8); rel names it in the report."""
        where = rel or str(path)
        try:
            data = read_bounded(path, MAX_ARTICLE_BYTES)
        except TooLarge as e:
            out.append(Problem(where, None, None, "article", f"source text too large (found {e.found}; expected at most {MAX_ARTICLE_BYTES:,} bytes)"))
            return None
        except OSError as e:
            out.append(Problem(where, None, None, "article", f"source text cannot be read ({e.strerror})"))
            return None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            out.append(Problem(where, data[:e.start].count(b"\n") + 1, None, "article", f"source text has bytes that are not UTF-8 (found {data[e.start:e.end]!r})"))
            return None
        return cls(text, hashlib.sha256(data).hexdigest(), path)

    def contains(self, locator: str, quote: str) -> bool:
        """Every part of the quote occurs, in order, at the locator."""
        hay = self.folded.get(locator)
        if hay is None:
            return False
        pos = 0
        for part in (fold(p) for p in quote.split(GAP)):
            if not part:
                continue
            i = hay.find(part, pos)
            if i < 0:
                return False
            pos = i + len(part)
        return True

    def anywhere(self, quote: str) -> bool:
        return any(self.contains(loc, quote) for loc in self.raw)

    def in_whole(self, quote: str) -> bool:
        """Every part of the quote occurs, in order, somewhere in the whole text (across lines)."""
        if not hasattr(self, "_whole"):
            self._whole = fold(self.text)
        pos = 0
        for part in (fold(p) for p in quote.split(GAP)):
            i = self._whole.find(part, pos) if part else pos
            if i < 0:
                return False
            pos = i + len(part)
        return True
