"""Values from the package (titles, descriptions, enum labels, notes, cells) written into Markdown
so that they show as the text they are. A CommonMark or GitHub renderer that allows HTML makes no
element (a tag, a link, an image, emphasis, a heading, a list, a table cell) out of a data value,
and no value can put a README block marker (`<!-- NAME:start -->`) into a generated line, where
docs.fill_blocks would read it on the next run.

- text(v): plain text: Markdown's punctuation backslash-escaped, `&`, `<` and `>` as entities (so
  `<!--` and `-->` never appear), a line-opening list marker or underline (`- `, `1. `, `===`) escaped;
- prose(v): text whose `code spans` stay code spans, as the schemas write their descriptions
  and labels (the website reads them the same way);
- code(v): a code span, fenced by more backticks than the value holds. A code span cannot escape
  anything, so a value holding `<!--` or `-->` is written as `<code>` around text() instead; so is
  a value holding `\\|` inside a GitHub table, where a pipe splits cells even inside code unless
  written `\\|` (and `\\\\|` would be a backslash and a split).

Every value here is inline: whitespace, line breaks included, becomes one space."""
import re

# ASCII punctuation that opens a Markdown construct wherever it stands in a line: code, emphasis,
# links and images, GitHub's tables and strikethrough, a heading's closing #s. `\` is escaped too,
# so that a value's own backslash escapes nothing of ours.
_PUNCT = re.compile(r"[\\`*\[\]|~#]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# what makes a line a list item (`- `, `+ `, `1. `, `1) `), a setext underline (`===`, `---`) or a
# thematic break (`- - -`); `#`, `>`, `*`, backticks and tildes are escaped wherever they stand
_LINE_START = re.compile(r"^(?:([-+])(?=\s|$)|([-=])(?=[-=\s]*$)|(\d{1,9})([.)])(?=\s|$))")
_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def one_line(value) -> str:
    return " ".join(str(value).split())


def _underscore(s, i):
    """An `_` between two letters or digits never opens or closes emphasis: keep it readable."""
    return 0 < i < len(s) - 1 and s[i - 1].isalnum() and s[i + 1].isalnum()


def _escape(s) -> str:
    out = []
    for i, ch in enumerate(s):
        if ch in _ENTITIES:
            out.append(_ENTITIES[ch])
        elif _PUNCT.fullmatch(ch) or (ch == "_" and not _underscore(s, i)):
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _line_start(s) -> str:
    m = _LINE_START.match(s)
    if not m:
        return s
    if m.group(3):  # `1.` -> `1\.`
        return m.group(3) + "\\" + s[len(m.group(3)):]
    return "\\" + s


def text(value) -> str:
    """value as Markdown text that renders as exactly value (whitespace collapsed)."""
    return _line_start(_escape(one_line(value)))


def code(value, table=False) -> str:
    """value as an inline code span (runs of whitespace as one space); table=True inside a GitHub
    table row, where `|` is written `\\|` (the table reads it as a pipe, the span keeps it)."""
    s = re.sub(r"\s+", " ", str(value))
    if "<!--" in s or "-->" in s or (table and "\\|" in s):  # what a code span cannot carry
        return f"<code>{text(s)}</code>"
    longest = max((len(run) for run in re.findall(r"`+", s)), default=0)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    if table:
        s = s.replace("|", "\\|")
    return f"{'`' * (longest + 1)}{pad}{s}{pad}{'`' * (longest + 1)}"


def prose(value, table=False) -> str:
    """Schema prose: text() around its `code spans`, which stay code (through code())."""
    s, out, at = one_line(value), [], 0
    for m in _SPAN.finditer(s):
        out += [_escape(s[at:m.start()]), code(m.group(2), table)]
        at = m.end()
    out.append(_escape(s[at:]))
    return _line_start("".join(out))


def row(*cells) -> str:
    """A table row of cells that are already Markdown (text(), prose(), code() or numbers)."""
    return "| " + " | ".join(str(c) for c in cells) + " |"
