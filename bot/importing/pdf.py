"""Read a PDF into a :class:`~bot.importing.text.Document` with pdfplumber (MIT, on
pdfminer.six): its text in reading order, its ruled tables as rows of cells.

A page is read top to bottom. A table drawn with ruled lines (pdfplumber's ``lines``
strategy) gives a table row per ruled row, each cell at its grid column; the columns are
those of the whole document (every cell edge, merged within :data:`EDGE_TOLERANCE`), so a
table continued on the next page keeps its columns. A row of one cell as wide as its
table (a caption, or the page border WPS draws around the text) is text. A figure broken
over lines by a narrow cell (``1381`` printed as ``138`` over ``1``) is given with its
pieces joined by :data:`~bot.importing.cells.WRAP`: one figure only where the row's total
confirms it (:func:`~bot.importing.tables.as_counts`), else missing. The text outside
the tables is read by lines (pdfplumber's, in reading order), each line as a line of a
text file (:func:`~bot.importing.text.split_line`: ``规章 0 0 0`` is a label and three
figures); lines of a paragraph wrapped by the page are joined again. Page numbers, and a
header or footer repeated on every page (and the lines of one wrapped, repeated at the
same place), are left out; the header (where a report's title often is) is the document's
title.

What cannot be read is said, never guessed: a PDF whose pages carry no text (a scan) is
refused (:attr:`~bot.format.catalogue.Code.IMP_PDF_SCANNED`, there is no OCR), and so is
one whose text layer is broken: ``(cid:…)`` codes or U+FFFD where a font has no Unicode
map (:attr:`~bot.format.catalogue.Code.IMP_PDF_GARBLED`; a few of them are a note of the
pages, :attr:`~bot.format.catalogue.Code.IMP_PDF_GARBLED_PAGES`: a cell where they are is
no figure, and missing), or every character of a line
twice, ``政政府府``, where bold is faked by overprinting a little aside
(:attr:`~bot.format.catalogue.Code.IMP_PDF_DOUBLED`). A glyph drawn twice right over
itself is one character (pdfplumber's ``dedupe_chars``). Pages without text among pages
with text are named (:attr:`~bot.format.catalogue.Code.IMP_PDF_SCANNED_PAGES`). A PDF of
more than :data:`MAX_PAGES` pages is refused before any is read; the rest of the bounds
(size, time, memory) are those of every file (:mod:`bot.importing.worker`).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from io import BytesIO
from typing import Any

from bot.format.catalogue import Code
from bot.importing.cells import WRAP, squeeze
from bot.importing.text import (
    Budget,
    Cell,
    Document,
    ImportFailed,
    Line,
    split_line,
)

MAX_PAGES = 60  # a report has 4 to 20 pages (a page takes about 0.2 s to read)
EDGE_TOLERANCE = 2.5  # points within which two cell edges are one grid line
CELL_PADDING = 7.0  # points: the widest margin a table cell has inside (Word's is 5.4)
MARGIN = 0.08  # the share of the page height at the top and bottom where headers are
MAX_BROKEN = 0.01  # the share of characters that may be unreadable before a PDF is refused
_PAGE_NUMBER = re.compile(r"[-—–－]*\s*\d{1,3}\s*[-—–－]*|第\s*\d+\s*页.*|\d+\s*/\s*\d+")
_GAP = re.compile(r"(?<=[0-9])\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+(?=[0-9])")
_CID = re.compile(r"\(cid:\d+\)")
# Fonts that map CJK glyphs to the Kangxi radicals (⼀ U+2F00, ⾏ U+2F8F: Chromium's PDFs)
# or to the radical supplement (⺠ U+2EA0): each is the ideograph it prints.
_RADICALS = {c: unicodedata.normalize("NFKC", chr(c)) for c in range(0x2F00, 0x2FD6)}
_SUPPLEMENT = (
    "⺟母 ⺠民 ⻓长 ⻔门 ⻅见 ⻋车 ⻛风 ⻜飞 ⻢马 ⻚页"
    " ⻝食 ⻥鱼 ⻦鸟 ⻬齐 ⻮齿 ⻰龙 ⻳龟 ⻄西 ⻘青 ⻩黄"
)
_RADICALS.update({ord(pair[0]): pair[1] for pair in _SUPPLEMENT.split()})
_NUMBERED = re.compile(r"[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+[.．、]")


@dataclass
class _Item:
    """A line of text (``line`` None until the lines of its paragraph are joined) or a
    table row of a page, with where it is."""

    top: float
    text: str
    line: Line | None = None
    x0: float = 0.0
    x1: float = 0.0


# --- what cannot be read ---------------------------------------------------------------


def broken_characters(text: str) -> int:
    """The characters of ``text`` that a font gave no Unicode for: ``(cid:N)`` codes and
    U+FFFD."""
    return len(_CID.findall(text)) + text.count("\ufffd")


def doubled(text: str) -> bool:
    """``text`` is printed with every character twice (``政政府府信信息息``): four pairs
    or more of Chinese characters and nothing else."""
    chars = [c for c in text if not c.isspace()]
    if len(chars) < 8 or len(chars) % 2:
        return False
    pairs = list(zip(chars[::2], chars[1::2], strict=True))
    return all(a == b for a, b in pairs) and sum(a > "\u2e80" for a, _ in pairs) >= 4


# --- tables ----------------------------------------------------------------------------


def _edges(values: list[float]) -> list[float]:
    """Cell edges merged within :data:`EDGE_TOLERANCE`: the document's grid lines."""
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > EDGE_TOLERANCE:
            out.append(v)
    return out


def _column(edges: list[float], x: float) -> int:
    return min(range(len(edges)), key=lambda n: abs(edges[n] - x))


def _wrapped(page: Any, box: tuple[float, ...], text: str) -> str | None:
    """A figure broken over lines by the width of its cell (``138`` over ``1``) as its
    pieces joined by :data:`~bot.importing.cells.WRAP`, or None. Each line but the last
    is as long as the first, the last no longer, and the first is full: the next digit
    would not have fitted beside it, even with a cell's widest margins
    (:data:`CELL_PADDING`). Whether the pieces are one figure is for the row's total to
    confirm (:func:`~bot.importing.tables.as_counts`)."""
    pieces = text.split("\n")
    if len(pieces) < 2 or not all(p.isascii() and p.isdigit() for p in pieces):
        return None
    if any(len(p) != len(pieces[0]) for p in pieces[:-1]) or len(pieces[-1]) > len(pieces[0]):
        return None
    left, top, right, bottom = box
    chars = sorted(
        (c for c in page.chars if left <= (c["x0"] + c["x1"]) / 2 <= right
         and top <= (c["top"] + c["bottom"]) / 2 <= bottom),
        key=lambda c: (round(c["top"]), c["x0"]),
    )  # fmt: skip
    if len(chars) != len("".join(pieces)):
        return None
    first, after = chars[: len(pieces[0])], chars[len(pieces[0])]
    free = right - left - (first[-1]["x1"] - first[0]["x0"])
    return WRAP.join(pieces) if free < after["x1"] - after["x0"] + 2 * CELL_PADDING else None


def _table_rows(table: Any, edges: list[float]) -> list[tuple[tuple[float, ...], Line]]:
    """The rows of a ruled table as (their box, a row of cells at their grid columns). A
    row of one cell as wide as the table is left out: it is text (a caption, or the
    border drawn around a page), read by lines with the rest of the page's text."""
    out = []
    left, right = table.bbox[0], table.bbox[2]
    for row, texts in zip(table.rows, table.extract(), strict=True):
        boxes = [(box, text or "") for box, text in zip(row.cells, texts, strict=True) if box]
        if not boxes or (
            len(boxes) == 1 and boxes[0][0][0] - left < 3 and right - boxes[0][0][2] < 3
        ):
            continue
        cells = []
        for box, text in boxes:
            x0, x1 = box[0], box[2]
            col = _column(edges, x0)
            text = _wrapped(table.page, box, text) or squeeze(text.translate(_RADICALS))
            cells.append(Cell(text, col, max(1, _column(edges, x1) - col)))
        line = Line(tuple(cells), True, " ".join(c.text for c in cells if c.text))
        out.append((tuple(row.bbox), line))
    return out


# --- pages -----------------------------------------------------------------------------


def _text_items(page: Any, rows: list[tuple[float, ...]]) -> list[_Item]:
    """The lines of text outside the table ``rows`` (their boxes)."""

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(r[0] <= x <= r[2] and r[1] <= y <= r[3] for r in rows)

    return [
        _Item(found["top"], found["text"].translate(_RADICALS), None, found["x0"], found["x1"])
        for found in page.filter(outside).extract_text_lines(return_chars=False)
        if found["text"].strip()
    ]


def _margins(pages: list[list[_Item]], heights: list[float]) -> tuple[set[int], str]:
    """The running headers and footers (the ``id`` of their items) and the first header
    (a title printed in the page header). A running line is a text repeated at the top or
    bottom of two pages or more, or, under (over) one, a line repeated at the same place
    on two pages or more: a header (footer) wrapped over lines."""
    seen: dict[str, int] = {}
    placed: dict[tuple[str, int], int] = {}
    for items, height in zip(pages, heights, strict=True):
        texts = [i for i in items if i.line is None]
        for text in {i.text for i in texts if not _inside(i.top, height)}:
            seen[text] = seen.get(text, 0) + 1
        for key in {(i.text, round(i.top)) for i in texts}:
            placed[key] = placed.get(key, 0) + 1
    running: set[int] = set()
    header = ""
    for items, height in zip(pages, heights, strict=True):
        tops: list[_Item] = []
        for edge in (items, items[::-1]):
            block = True  # the lines from the page's edge so far are running ones
            for n, i in enumerate(edge):
                margin = seen.get(i.text, 0) >= 2 and not _inside(i.top, height)
                block = (
                    block
                    and i.line is None
                    and (margin or (n > 0 and placed[i.text, round(i.top)] >= 2))
                )
                if margin or block:
                    running.add(id(i))
                if block and edge is items and edge[0].top < MARGIN * height:
                    tops.append(i)
        if tops and not header:  # a header wrapped over lines is joined again
            header = squeeze(" ".join(i.text for i in tops))
    return running, header


def _inside(top: float, height: float) -> bool:
    return MARGIN * height <= top <= (1 - MARGIN) * height


def _is_page_number(item: _Item, items: list[_Item], height: float) -> bool:
    """A page number: only a number, the last or first line of its page, in its margin."""
    ends = (item is items[0] or item is items[-1]) and not _inside(item.top, height)
    return ends and item.line is None and bool(_PAGE_NUMBER.fullmatch(item.text.strip()))


def _prose(text: str) -> bool:
    """``text`` reads as a line of prose: no figures after a label, or one figure after
    a label too long for a row of the tables (``…全年新收申请 75`` wrapped before 件)."""
    line = split_line(text)
    if line is None:
        return False
    return len(line.cells) == 1 or (len(line.cells) == 2 and len(line.cells[0].text) >= 20)


def _glue(before: str, after: str) -> str:
    space = before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii()
    return before + (" " if space else "") + after


def _lines(items: list[_Item]) -> list[Line]:
    """The page's items as lines, the lines of one paragraph joined: a line of text that
    reaches the right edge of the text continues on the next line of text, unless that
    one is indented, numbered (a new paragraph or a heading) or a row of figures."""
    texts = [i for i in items if i.line is None]
    left = min((i.x0 for i in texts), default=0.0)
    right = max((i.x1 for i in texts), default=0.0)
    out: list[Line] = []
    joined: list[str] = []  # the text of the open paragraph, and whether it may go on
    open_ = False
    for item in [*items, _Item(0.0, "", Line(()))]:
        goes_on = (
            open_
            and item.line is None
            and item.x0 - left < 6
            and not _NUMBERED.match(item.text.strip())
            and _prose(item.text)
            and _prose(_glue(joined[-1], item.text.strip()))
        )
        if goes_on:
            joined[-1] = _glue(joined[-1], item.text.strip())
        else:
            if joined and (line := split_line(joined.pop())) is not None:
                if len(line.cells) == 1:  # gaps a PDF leaves around figures are no spaces
                    text = _GAP.sub("", squeeze(line.text))
                    line = Line((Cell(text),), False, text)
                out.append(line)
            if item.line is not None:
                if item.line.cells:
                    out.append(item.line)
            else:
                joined.append(item.text.strip())
        open_ = item.line is None and right - item.x1 < 14
    return out


def pdf_document(name: str, data: bytes, budget: Budget | None = None) -> Document:
    """The text and ruled tables of a PDF, page by page, in reading order."""
    import pdfplumber  # here: most commands never need pdfplumber (and pdfminer)

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # a font's quirks are not ours

    budget = budget or Budget()
    with pdfplumber.open(BytesIO(data)) as pdf:
        if len(pdf.pages) > MAX_PAGES:
            raise ImportFailed(
                Code.IMP_PDF_TOO_MANY_PAGES, path=name, pages=len(pdf.pages), limit=MAX_PAGES
            )
        pages: list[list[_Item]] = []
        heights: list[float] = []
        found: list[tuple[Any, list[Any]]] = []
        edges: list[float] = []
        chars = broken = 0
        empty: list[int] = []
        garbled: list[int] = []  # pages with characters that have no Unicode
        for number, raw in enumerate(pdf.pages, start=1):
            page = raw.dedupe_chars()
            text = "".join(c["text"] for c in page.chars)
            budget.take(0, len(text))
            chars += len(text)
            if lost := broken_characters(text):
                broken += lost
                garbled.append(number)
            if not text.strip():
                empty.append(number)
            tables = [t for t in page.find_tables() if len(t.columns) > 1]
            for table in tables:
                for row in table.rows:
                    budget.take(len(row.cells), 0)
                    edges += [x for box in row.cells if box for x in (box[0], box[2])]
            found.append((page, tables))
        if len(empty) == len(pdf.pages):
            raise ImportFailed(Code.IMP_PDF_SCANNED, path=name)
        if broken > MAX_BROKEN * chars:
            shown = "、".join(map(str, garbled[:10])) + ("…" if len(garbled) > 10 else "")
            raise ImportFailed(Code.IMP_PDF_GARBLED, path=name, pages=shown)
        grid = _edges(edges)
        for page, tables in found:
            rows = [row for table in tables for row in _table_rows(table, grid)]
            items = _text_items(page, [box for box, _ in rows])
            items += [_Item(box[1], line.text, line) for box, line in rows]
            items.sort(key=lambda i: i.top)
            pages.append([i for i in items if not _is_page_number(i, items, page.height)])
            heights.append(float(page.height))
    running, header = _margins(pages, heights)
    body = [i for items in pages for i in items if id(i) not in running]
    if any(doubled(i.text) for i in body):
        example = next(i.text for i in body if doubled(i.text))[:20]
        raise ImportFailed(Code.IMP_PDF_DOUBLED, path=name, example=example)
    lines = [budget.line(line) for line in _lines(body)]
    return Document(
        tuple(lines), "pdf", title=header, scanned_pages=tuple(empty), garbled_pages=tuple(garbled)
    )
