"""A published report as a stream of lines of cells; reading text and HTML.

Every format becomes the same thing: a list of :class:`Line`, in document order. A prose
paragraph is a line of one cell; a table row is a line of its cells, each with its grid
column (``col``, merged cells resolved) when the format knows it (HTML, Word, Excel). A
text file copied from a web page gives one line per cell; a line with tabs or ``|`` is a
table row; ``label：0／0／0`` and ``label 0 0 0`` lines are split into a label and its
figures. What the lines mean is for :mod:`bot.importing.tables` and :mod:`bot.importing.importer`.

Word and Excel files, and bytes of any kind, are read by :mod:`bot.importing.files`;
:class:`ImportFailed` (a coded :class:`~bot.format.catalogue.UserError`) is what every reader
raises for a file that is not a readable document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from bot.format.catalogue import UserError
from bot.importing.cells import read_value, squeeze

# What no report comes near (a report has about 300 cells and 50,000 characters); a
# reader stops at these with TooComplex instead of building lines without end.
MAX_CELLS = 50_000  # cells and paragraphs of one document
MAX_CHARS = 4_000_000  # characters of text in them
# Columns or rows of one merged cell. Not 20: the label 三、本年度办理结果 of table 三 spans
# 22 rows (our own HTML draft too), and a page saved from Word has Word's finer grid (a
# table has at most 63 columns there).
MAX_SPAN = 64

_MD_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?")
# A page footer copied along with the text: — 3 —, - 3 -, 第3页 共5页.
_PAGE_NUMBER = re.compile(
    r"[-—–－]+\s*\d{1,3}\s*[-—–－]+|第\s*\d+\s*页\s*[,，/／]?\s*(共\s*\d+\s*页)?"
)
_VALUE_SEP = re.compile(r"\s*[/／、，,;；]\s*|\s+")


class ImportFailed(UserError):
    """The file cannot be read as a report at all (one coded line for the officer)."""


class TooComplex(Exception):
    """A document with more cells or text than :data:`MAX_CELLS` or :data:`MAX_CHARS`
    (:func:`~bot.importing.files.read_document` names the file in the refusal)."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell: its text and, in formats with a grid, its first column and width."""

    text: str
    col: int | None = None
    span: int = 1


@dataclass(frozen=True, slots=True)
class Line:
    """A paragraph (one cell, ``table`` false) or a table row, with its text as printed."""

    cells: tuple[Cell, ...]
    table: bool = False
    text: str = ""


@dataclass(frozen=True, slots=True)
class Document:
    """The lines of a document; ``blank_is_gap``: an empty cell is missing, not 0 (xlsx)."""

    lines: tuple[Line, ...]
    kind: str
    blank_is_gap: bool = False
    title: str = ""  # the HTML <title> or a PDF's page header, a fallback for the title
    scanned_pages: tuple[int, ...] = ()  # pages of a PDF without text (images only)
    garbled_pages: tuple[int, ...] = ()  # pages of a PDF with characters not read


class Budget:
    """The cells and characters a reader has built so far, stopped at the limits."""

    def __init__(self, cells: int = MAX_CELLS, chars: int = MAX_CHARS) -> None:
        self.cells, self.chars = cells, chars

    def take(self, cells: int, chars: int) -> None:
        """Count ``cells`` more cells holding ``chars`` characters; raise TooComplex past
        either limit."""
        self.cells -= cells
        self.chars -= chars
        if self.cells < 0 or self.chars < 0:
            raise TooComplex

    def line(self, line: Line) -> Line:
        """Count ``line`` (and give it back)."""
        self.take(len(line.cells), len(line.text))
        return line


def paragraph(text: str) -> Line | None:
    """A prose line, or None when ``text`` is blank."""
    text = text.strip()
    return Line((Cell(text),), False, text) if text else None


# --- plain text ----------------------------------------------------------------------


def _figures(text: str) -> list[str] | None:
    """``0／0／0`` or ``1 0 3`` as its figures, or None when it is not only figures."""
    parts = [p for p in _VALUE_SEP.split(text.strip()) if p]
    if parts and all(read_value(p) is not None for p in parts):
        return parts
    return None


def split_line(text: str) -> Line | None:
    """One line of a text file as a Line (see the module doc), or None when blank."""
    row = text.lstrip().rstrip(" \r\n\u3000")  # trailing tabs are empty cells of a row
    text = text.strip()
    if not text or _MD_RULE.fullmatch(text) or _PAGE_NUMBER.fullmatch(text):
        return None
    for sep in ("\t", "|", "｜"):
        if sep in row:
            cells = [c.strip() for c in row.split(sep)]
            if sep != "\t":  # the border pipes of | a | b |
                cells = cells[1:] if not cells[0] else cells
                cells = cells[:-1] if cells and not cells[-1] else cells
            # A long line followed only by empty cells is prose with a stray separator.
            if len(cells) > 1 and (any(cells[1:]) or len(cells[0]) <= 40):
                return Line(tuple(Cell(c) for c in cells), True, text)
    head, colon, tail = max(text.rpartition("："), text.rpartition(":"), key=lambda p: len(p[0]))
    if colon and head.strip() and (values := _figures(tail)):
        return Line(tuple(Cell(c) for c in [head.strip(), *values]), False, text)
    words = text.split()
    cut = len(words)
    while cut and read_value(words[cut - 1]) is not None:
        cut -= 1
    if len(words) > 1 and cut < len(words):
        label = [" ".join(words[:cut])] if cut else []
        return Line(tuple(Cell(c) for c in [*label, *words[cut:]]), False, text)
    return paragraph(text)


BLANK = Line((Cell(""),), False, "")  # an empty cell printed as a blank line


def _blank_cells(runs: list[int]) -> list[int]:
    """How many empty cells each run of blank lines between two lines of text stands for.

    A page copied with every cell on a line of its own prints an empty cell as a blank
    line. Where lines are separated by ``s`` blank lines (the usual run, 0 or 1), a run of
    ``r`` more is ``(r - s) / (s + 1)`` empty cells; a run that gives no whole number is
    none (a paragraph break)."""
    usual = min(set(runs), key=lambda r: (-runs.count(r), r)) if runs else 0
    return [
        (r - usual) // (usual + 1) if r > usual and (r - usual) % (usual + 1) == 0 else 0
        for r in runs
    ]


def text_lines(text: str, budget: Budget | None = None) -> list[Line]:
    """The lines of a text file (as copied from a web page), with :data:`BLANK` lines
    for the empty cells blank lines stand for (see :func:`_blank_cells`): a table reader
    takes them as cells only where the row does not fit without them."""
    budget = budget or Budget()
    read: list[Line] = []
    runs: list[int] = []  # blank lines before each line read (after the first)
    blank = 0
    for raw in text.splitlines():
        budget.take(sum(map(raw.count, ("\t", "|", "｜"))), 0)  # before a row is split
        if not raw.strip():
            blank += 1
        elif (line := split_line(raw)) is not None:
            if read:
                runs.append(blank)
            read.append(budget.line(line))
            blank = 0
    lines = read[:1]
    for line, cells in zip(read[1:], _blank_cells(runs), strict=True):
        budget.take(cells, 0)
        lines += [BLANK] * cells + [line]
    return lines


# --- HTML ----------------------------------------------------------------------------

_BLOCK = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
    "header", "footer", "blockquote", "dd", "dt", "pre", "hr", "center", "tr", "caption", "form",
    "nav", "aside", "main", "figure", "figcaption",
}  # fmt: skip
_BREAK = "\x1f"  # a block boundary inside a table cell
_SKIP = {"script", "style", "noscript", "template", "svg", "select", "button", "iframe"}


def _span(attrs: list[tuple[str, str | None]], name: str) -> int:
    value = dict(attrs).get(name) or "1"
    digits = re.match(r"\s*(\d+)", value)
    return max(1, min(int(digits.group(1)[:4]), MAX_SPAN)) if digits else 1


class _Table:
    """An open HTML table: its rows so far and the columns held by rowspans from above."""

    def __init__(self) -> None:
        self.row: list[Cell] | None = None
        self.cell: list[str] | None = None
        self.cell_spans = (1, 1)
        self.container = False  # the open cell holds a nested table: its text is prose
        self.held: dict[int, int] = {}  # column -> rows still covered by a rowspan
        self.next_col = 0


class _HtmlReader(HTMLParser):
    """Paragraphs and table rows of a page; a cell holding a table is prose (layout)."""

    def __init__(self, budget: Budget) -> None:
        super().__init__(convert_charrefs=True)
        self.budget = budget
        self.lines: list[Line] = []
        self.prose: list[str] = []
        self.tables: list[_Table] = []
        self.skip = 0
        self.in_title = False
        self.title = ""

    # prose and cells
    def flush(self) -> None:
        line = paragraph(squeeze("".join(self.prose)))
        if line is not None:
            self.lines.append(self.budget.line(line))
        self.prose = []

    def _open_cell(self) -> _Table | None:
        table = self.tables[-1] if self.tables else None
        return table if table and table.cell is not None and not table.container else None

    def close_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        if table.row is None:
            table.row = []
        if table.container:
            self.flush()
        else:
            col = table.next_col
            while table.held.get(col):
                col += 1
            rowspan, colspan = table.cell_spans
            text = squeeze("".join(table.cell).replace(_BREAK, " "))
            table.row.append(Cell(text, col, colspan))
            # Columns held for the rows below (no need in this row: its cells go right
            # on), each copied row by row: the area counts against the budget.
            self.budget.take(1 + (rowspan * colspan if rowspan > 1 else 0), len(text))
            if rowspan > 1:
                for c in range(col, col + colspan):
                    table.held[c] = max(table.held.get(c, 0), rowspan)
            table.next_col = col + colspan
        table.cell, table.container = None, False

    def close_row(self, table: _Table) -> None:
        self.close_cell(table)
        if table.row is not None:
            cells = tuple(table.row)
            if cells:
                self.lines.append(Line(cells, True, " ".join(c.text for c in cells)))
            table.held = {c: n - 1 for c, n in table.held.items() if n > 1}
        table.row, table.next_col = None, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        elif tag == "title":
            self.in_title = True
        elif tag == "table":
            outer = self.tables[-1] if self.tables else None
            if outer is not None and outer.cell is not None and not outer.container:
                for piece in "".join(outer.cell).split(_BREAK):  # a layout cell: its prose
                    self.prose.append(piece)
                    self.flush()
                outer.container = True
            self.flush()
            self.budget.take(1, 0)
            self.tables.append(_Table())
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            self.close_cell(table)
            table.cell, table.cell_spans = [], (_span(attrs, "rowspan"), _span(attrs, "colspan"))
        elif tag == "tr" and self.tables:
            self.close_row(self.tables[-1])
            self.tables[-1].row = []
        elif tag in _BLOCK:
            cell = self._open_cell()
            if cell is not None and cell.cell is not None:
                cell.cell.append(_BREAK)
            else:
                self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag == "title":
            self.in_title = False
        elif tag == "table" and self.tables:
            self.close_row(self.tables.pop())
        elif tag in ("td", "th") and self.tables:
            self.close_cell(self.tables[-1])
        elif tag == "tr" and self.tables:
            self.close_row(self.tables[-1])
        elif tag in _BLOCK and self._open_cell() is None:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.in_title:
            self.title += data
            return
        table = self._open_cell()
        row = self.tables[-1] if self.tables else None
        in_row = row is not None and row.row is not None and not row.container
        if table is None and in_row and row is not None and data.strip():
            row.cell, row.cell_spans = [], (1, 1)  # a cell whose <td> was dropped: </td>2</td>
            table = row
        if table is not None and table.cell is not None:
            table.cell.append(data.replace(_BREAK, " "))
        else:
            self.prose.append(data)

    def finish(self) -> list[Line]:
        while self.tables:
            self.close_row(self.tables.pop())
        self.flush()
        return self.lines


def html_document(text: str, budget: Budget | None = None) -> Document:
    """The lines of an HTML page (tables with their grid columns)."""
    reader = _HtmlReader(budget or Budget())
    reader.feed(text)
    reader.close()
    lines = reader.finish()
    return Document(tuple(lines), "html", title=squeeze(reader.title))
