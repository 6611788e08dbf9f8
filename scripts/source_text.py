"""The article's text: where it is, its locators (pN, fnN) and the folding used to compare quotes."""
import functools
import hashlib
import os
import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_ID = "ifimes-2020"
DEFAULT_PATH = ROOT.parent / "shared" / "sources" / "000_7fa8631f8c5e0faf.txt"

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": '"', "»": '"',
                         "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'"})
_SPACE = re.compile(r"\s+")  # \s covers NBSP, thin and other Unicode spaces
GAP = "…"  # a quote may skip text with " … "; each part must then occur, in order


def source_path() -> Path:
    """Path of the article text: $IFIMES_SOURCE_TEXT if set, else ../shared/sources/ beside the repository."""
    return Path(os.environ.get("IFIMES_SOURCE_TEXT", DEFAULT_PATH))


@functools.lru_cache(maxsize=65536)
def fold(s: str) -> str:
    """Fold for comparison: NFC, typographic quotes to ASCII, every run of whitespace to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", s).translate(_QUOTES)).strip()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def locators(text: str) -> dict:
    """Map locator -> raw text. Non-empty lines are numbered p1, p2, ... (title = p1);
    a line starting with "[N]" after the body is footnote fnN (its text without the mark)."""
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
    """The article text, loaded once, with folded paragraphs for quote look-ups."""

    def __init__(self, path: Path):
        self.path = path
        self.text = path.read_text(encoding="utf-8")
        self.sha256 = sha256(path)
        self.raw = locators(self.text)
        self.folded = {k: fold(v) for k, v in self.raw.items()}

    def contains(self, locator: str, quote: str) -> bool:
        """True when every part of the quote (parts separated by …) occurs, in order, at the locator."""
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
