"""Tables 二, 三 and 四 as an XLSX workbook, for officers who keep their figures in Excel.

One sheet per table, named by the part's official title. Row 1 holds that title; the
table starts on row 2 in the official layout of :class:`~bot.drafting.tables.TableBlock` (merged
cells merged, every border drawn). Figures are numbers, 万元 as ``0.00##``; an
unanswered cell holds the visible gap text, never 0. Every text cell is text, never a
formula, whatever it begins with (an agency named ``=HYPERLINK(…)`` stays that name), and
holds no control character.

Totals (the 总计 column, the （七）总计 row) are ``=SUM(…)`` formulas when they add up,
with the value stored beside the formula (openpyxl writes none, so the worksheet XML is
completed), so that a program reading values only, like ``reportbot import``, reads the
figure; a printed total that does not add up is kept as printed, for the checks to find.
The sheets are protected without a password: the figures an officer types are open, the
labels and totals locked.

Printing: the report's margins (37/35/28/26 mm), header rows repeated, each row as high as
its wrapped labels need, and each table on one page wide (table 三 on one portrait page,
table 四 landscape) at a readable size.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

from bot.drafting.compose import Document
from bot.drafting.stable_zip import rewrite
from bot.drafting.tables import TableBlock, TableCell
from bot.drafting.typesetting import text_width
from bot.format.text_hygiene import clean_text

FIRST_ROW = 2  # row 1 is the sheet title
MONEY_FORMAT = "0.00##"
COUNT_FORMAT = "0"
FONT = "仿宋_GB2312"
FONT_SIZE = 10.5
TITLE_SIZE = 14
LINE_PT = 15.5  # a wrapped line of 10.5 pt CJK text (its fonts' line height is ~1.45 em)
TITLE_LINE_PT = 20
ROW_PAD_PT = 3
CJK_PER_UNIT = 7 / 14  # a column unit is 7 px; a 10.5 pt CJK character 14 px
CELL_PAD_UNITS = 1
MM_PER_INCH = 25.4
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
# Column widths (characters of the default font) per table, and how each prints.
WIDTHS = {
    "active": (24, 16, 16, 16),
    "applications": (4, 9, 28, 6, 6, 6, 6, 6, 6, 6),
    "review_litigation": (8,) * 15,
}
LANDSCAPE = {"review_litigation"}
ONE_PAGE = {"applications", "review_litigation"}  # one page tall as well as wide
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ILLEGAL_SHEET_CHARS = str.maketrans("", "", "[]:*?/\\")
FORMULA_START = ("=", "+", "-", "@")  # what makes a spreadsheet read a text as a formula
_OPEN = Protection(locked=False)


def sheet_title(title: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    return title.translate(_ILLEGAL_SHEET_CHARS)[:31]


def _cell(ws: Any, row: int, col: int, value: str | int | Decimal | None) -> Any:
    """The cell at ``row``, ``col`` holding ``value``: a text is stored as a string (marked
    with Excel's quote prefix when it begins like a formula), without control characters."""
    cell = ws.cell(row, col)
    if not isinstance(value, str):
        cell.value = value
        return cell
    text = clean_text(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl takes a text beginning with = for a formula
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    return cell


def _ref(row: int, col: int) -> str:
    """The A1 reference of grid position (``row``, ``col``) of the table."""
    return f"{get_column_letter(1 + col)}{FIRST_ROW + row}"


def total_formula(spec: TableCell, grid: list[list[TableCell]]) -> str | None:
    """``=SUM(…)`` of the figures ``spec`` adds up, when every one is there and they add up
    to it; else None (the total is kept as printed)."""
    if not spec.sums or spec.value is None:
        return None
    parts = [grid[r][c] for r, c in spec.sums]
    if any(p.value is None for p in parts) or sum(p.value or 0 for p in parts) != spec.value:
        return None
    ranges, start, end = [], spec.sums[0], spec.sums[0]
    for r, c in spec.sums[1:]:
        if (r, c) in ((end[0], end[1] + 1), (end[0] + 1, end[1])):
            end = (r, c)
            continue
        ranges.append((start, end))
        start = end = (r, c)
    ranges.append((start, end))
    text = ",".join(_ref(*a) if a == b else f"{_ref(*a)}:{_ref(*b)}" for a, b in ranges)
    return f"=SUM({text})"


def _lines(text: str, units: float) -> int:
    """How many lines ``text`` wraps to in a cell ``units`` columns wide."""
    per_line = max(1.0, (units - CELL_PAD_UNITS) * CJK_PER_UNIT)
    return max(1, math.ceil(text_width(text) / per_line))


def _row_heights(block: TableBlock, widths: tuple[int, ...]) -> list[float]:
    """Each row's height (points) so that every wrapped text shows whole; a merged cell's
    extra need is shared by the rows it spans."""
    heights = [LINE_PT + ROW_PAD_PT] * block.n_rows
    by_span = sorted(block.cells, key=lambda c: c.rowspan)
    for spec in by_span:
        units = sum(widths[spec.col : spec.col + spec.colspan])
        need = _lines(spec.text, units) * LINE_PT + ROW_PAD_PT
        rows = range(spec.row, spec.row + spec.rowspan)
        have = sum(heights[r] for r in rows)
        if need > have:
            for r in rows:
                heights[r] += (need - have) / spec.rowspan
    return heights


def _write_table(ws: Any, block: TableBlock, title: str) -> dict[str, str]:
    """The table on ``ws``; the cached value of each formula by cell reference."""
    widths = WIDTHS[block.kind]
    title_cell = _cell(ws, 1, 1, title)
    title_cell.font = Font(name=FONT, size=TITLE_SIZE, bold=True)
    title_cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=block.n_cols)
    ws.row_dimensions[1].height = TITLE_LINE_PT * _lines(title, sum(widths) * 10.5 / TITLE_SIZE)
    grid = block.grid()
    cached: dict[str, str] = {}
    for spec in block.cells:
        row, col = FIRST_ROW + spec.row, 1 + spec.col
        formula = total_formula(spec, grid)
        if formula is not None:
            cell = ws.cell(row, col)
            cell.value = formula
            cached[cell.coordinate] = str(spec.value)
        else:
            cell = _cell(ws, row, col, spec.value if spec.value is not None else spec.text)
            if spec.is_figure:
                cell.protection = _OPEN  # what the officer types (or fills in)
        if spec.value is not None:
            cell.number_format = MONEY_FORMAT if spec.money else COUNT_FORMAT
        label = not spec.header and not spec.is_figure and spec.rowspan == 1
        cell.alignment = Alignment(
            horizontal="left" if label else "center", vertical="center", wrap_text=True
        )
        cell.font = Font(name=FONT, size=FONT_SIZE, color="C00000" if spec.gap else None)
        if spec.rowspan > 1 or spec.colspan > 1:
            ws.merge_cells(
                start_row=row,
                start_column=col,
                end_row=row + spec.rowspan - 1,
                end_column=col + spec.colspan - 1,
            )
    for r in range(FIRST_ROW, FIRST_ROW + block.n_rows):
        for c in range(1, block.n_cols + 1):
            ws.cell(r, c).border = _BORDER
    for index, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    for index, height in enumerate(_row_heights(block, widths)):
        ws.row_dimensions[FIRST_ROW + index].height = round(height, 1)
    if block.header_rows:
        last = FIRST_ROW + block.header_rows - 1
        ws.print_title_rows = f"{FIRST_ROW}:{last}"
        ws.freeze_panes = ws.cell(last + 1, 1 + block.label_cols)
    _print_setup(ws, block.kind)
    ws.protection.sheet = True  # no password: it guards against slips, not people
    ws.protection.formatColumns = ws.protection.formatRows = False  # widths may change
    return cached


def _print_setup(ws: Any, kind: str) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if kind in LANDSCAPE else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 1 if kind in ONE_PAGE else 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    inches = {k: v / MM_PER_INCH for k, v in MARGINS_MM.items()}
    ws.page_margins = PageMargins(header=0.3, footer=0.3, **inches)
    ws.print_options.horizontalCentered = True


def _with_cached_values(data: bytes, cached: list[dict[str, str]]) -> bytes:
    """The workbook ``data`` with each formula's value stored beside it (sheet N of the
    workbook is ``xl/worksheets/sheetN.xml``)."""

    def edit(name: str, body: bytes) -> bytes:
        found = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", name)
        if found is None or not cached[int(found.group(1)) - 1]:
            return body
        values = cached[int(found.group(1)) - 1]
        pattern = rb'(<c r="([A-Z]+\d+)"[^>]*><f>[^<]*</f>)<v\s*/?>(?:</v>)?'

        def fill(m: re.Match[bytes]) -> bytes:
            return m.group(1) + b"<v>" + values[m.group(2).decode()].encode() + b"</v>"

        return re.sub(pattern, fill, body)

    return rewrite(data, edit)


def write_xlsx(document: Document) -> bytes:
    """The workbook of the draft's three tables, as bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    cached = []
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, TableBlock):
                ws = wb.create_sheet(sheet_title(section.title))
                cached.append(_write_table(ws, block, f"{document.title} {section.title}"))
    buffer = BytesIO()
    wb.save(buffer)
    return _with_cached_values(buffer.getvalue(), cached)


def plain_workbook(title: str, header: list[str], rows: list[list[str | int | None]]) -> bytes:
    """One sheet of plain rows under a bold header row (a roster, a list), as bytes: texts
    kept as texts (never formulas), the header row frozen."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    for col, text in enumerate(header, 1):
        _cell(ws, 1, col, text).font = Font(name=FONT, size=FONT_SIZE, bold=True)
        ws.column_dimensions[get_column_letter(col)].width = max(8, 2 * len(text) + 2)
    for r, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            _cell(ws, r, col, value)
    ws.freeze_panes = "A2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
