"""Tables 二, 三 and 四 as an XLSX workbook, for officers who keep their figures in Excel.

One sheet per table, named by the part's official title. Row 1 holds that title; the
table starts on row 2 in the official layout of :class:`~bot.drafting.compose.TableBlock` (merged
cells merged, every border drawn). Figures are numbers, 万元 with four decimals; an
unanswered cell holds the visible gap text, never 0. Header rows repeat when printed.
Every text cell is text, never a formula, whatever it begins with (an agency named
``=HYPERLINK(…)`` stays that name), and holds no control character.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from bot.drafting.compose import Document, TableBlock
from bot.format.text_hygiene import clean_text

FIRST_ROW = 2  # row 1 is the sheet title
MONEY_FORMAT = "0.0000"
FONT = "仿宋_GB2312"
# Column widths (characters) per table.
WIDTHS = {
    "active": (24, 16, 16, 16),
    "applications": (8, 14, 40, 9, 9, 9, 9, 9, 9, 9),
    "review_litigation": (9,) * 15,
}
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_ILLEGAL_SHEET_CHARS = str.maketrans("", "", "[]:*?/\\")
FORMULA_START = ("=", "+", "-", "@")  # what makes a spreadsheet read a text as a formula


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


def _write_table(ws: Any, block: TableBlock, title: str) -> None:
    _cell(ws, 1, 1, title).font = Font(name=FONT, size=14, bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=block.n_cols)
    ws.row_dimensions[1].height = 24
    for spec in block.cells:
        row, col = FIRST_ROW + spec.row, 1 + spec.col
        cell = _cell(ws, row, col, spec.value if spec.value is not None else spec.text)
        if spec.value is not None:
            cell.number_format = MONEY_FORMAT if spec.money else "0"
        label = not spec.header and not spec.is_figure and spec.rowspan == 1
        cell.alignment = Alignment(
            horizontal="left" if label else "center", vertical="center", wrap_text=True
        )
        cell.font = Font(name=FONT, size=10.5, color="C00000" if spec.gap else None)
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
    for index, width in enumerate(WIDTHS[block.kind], 1):
        ws.column_dimensions[get_column_letter(index)].width = width
    if block.header_rows:
        last = FIRST_ROW + block.header_rows - 1
        ws.print_title_rows = f"{FIRST_ROW}:{last}"
        ws.freeze_panes = ws.cell(last + 1, 1 + block.label_cols)
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if block.n_cols > 10 else "portrait"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_xlsx(document: Document) -> bytes:
    """The workbook of the draft's three tables, as bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, TableBlock):
                ws = wb.create_sheet(sheet_title(section.title))
                _write_table(ws, block, f"{document.title} {section.title}")
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def plain_workbook(title: str, header: list[str], rows: list[list[str | int | None]]) -> bytes:
    """One sheet of plain rows under a bold header row (a roster, a list), as bytes: texts
    kept as texts (never formulas), the header row frozen."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(title)
    for col, text in enumerate(header, 1):
        _cell(ws, 1, col, text).font = Font(name=FONT, size=10.5, bold=True)
        ws.column_dimensions[get_column_letter(col)].width = max(8, 2 * len(text) + 2)
    for r, row in enumerate(rows, 2):
        for col, value in enumerate(row, 1):
            _cell(ws, r, col, value)
    ws.freeze_panes = "A2"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
