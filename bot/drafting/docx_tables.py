"""Tables 二, 三 and 四 in the Word draft, cell for cell as the official layout has them.

Merged cells as ``gridSpan``/``vMerge``, every border drawn, header rows marked
``w:tblHeader`` so Word repeats them on each page, text 10.5 pt at an exact 13.5 pt, which
keeps table 三 on one page. A table is never split: its rows are kept whole and each
row is kept with the next, so a table that does not fit where it starts moves whole to the
next page (and its heading, kept with the next paragraph, with it). Visible gaps are
highlighted (:func:`add_runs`).
"""

from __future__ import annotations

import re
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt

from bot.drafting.docx_package import insert_child
from bot.drafting.tables import TableBlock, TableCell
from bot.drafting.typesetting import gap_spans

TEXT_WIDTH_MM = 156  # 210 - 28 - 26
GAP_HIGHLIGHT = WD_COLOR_INDEX.YELLOW
# The number of a group of rows in table 三 (（三）不予公开): a line of its own in the
# narrow group column, so that the words below it stay whole.
GROUP_NUMBER = re.compile(r"（[一二三四五六七八九十]+）(?=.)")
# Relative column widths of each table (they are scaled to the text width).
WIDTHS = {
    "active": (40, 20, 20, 20),
    # figure columns wide enough for a four-digit figure on one line
    "applications": (5, 12, 34, 8, 8, 8, 8, 8, 8, 8),
    "review_litigation": (1,) * 15,
}
# A figure too long for its column at the table's size is set smaller, so that it stays on
# one line: digits are at most this wide (em; DejaVu's are 0.64, 仿宋's narrower), the
# cell's margins take MARGINS_PT, and the size is rounded down to half points.
DIGIT_EM = 0.64
MARGINS_PT = 4.5
TABLE_PT = 10.5
# Children of w:tblPr that must follow w:tblBorders / w:tblCellMar (schema order).
_AFTER_BORDERS = (
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
    "w:tblCaption",
    "w:tblDescription",
    "w:tblPrChange",
)
_AFTER_CELL_MARGINS = ("w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")


def _set_borders(table: Any) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            element.set(qn(f"w:{key}"), value)
        borders.append(element)
    insert_child(tbl_pr, borders, _AFTER_BORDERS)
    margins = OxmlElement("w:tblCellMar")
    for edge, width in (("top", 20), ("left", 40), ("bottom", 20), ("right", 40)):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(width))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    insert_child(tbl_pr, margins, _AFTER_CELL_MARGINS)


def _row_flags(row: Any, *, header: bool) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def figure_size(text: str, width_pt: float) -> float | None:
    """The size (pt) that keeps the figure ``text`` on one line of a cell ``width_pt``
    wide; None when the table's own size does."""
    fits = (width_pt - MARGINS_PT) / (len(text) * DIGIT_EM)
    return None if fits >= TABLE_PT else max(5.0, int(fits * 2) / 2)


def _write_cell(cell: Any, spec: TableCell, style_id: str, width_pt: float) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    paragraph = cell.paragraphs[0]
    # Set the style id on the XML directly: python-docx's lookup by name costs a scan of
    # every style per cell.
    paragraph._p.style = style_id
    if not spec.header and not spec.is_figure and spec.rowspan == 1:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    numbered = GROUP_NUMBER.match(spec.text)
    if spec.rowspan > 1 and not spec.header and numbered:  # （三） above 不予公开
        paragraph.add_run(numbered.group()).add_break()
        add_runs(paragraph, spec.text[numbered.end() :])
        return
    add_runs(paragraph, spec.text, spec.text if spec.gap else None)
    size = figure_size(spec.text, width_pt) if spec.is_figure and not spec.gap else None
    if size is not None:
        for run in paragraph.runs:
            run.font.size = Pt(size)


def add_runs(paragraph: Any, text: str, gap_cell: str | None = None) -> None:
    """``text`` as runs, each visible gap highlighted."""
    for piece, gap in gap_spans(text, gap_cell or ""):
        run = paragraph.add_run(piece)
        if gap:
            run.font.highlight_color = GAP_HIGHLIGHT


def _keep_together(table: Any) -> None:
    """Every row kept with the next: the table moves whole to the next page."""
    rows = table._tbl.tr_lst
    for tr in rows[:-1]:
        for p in tr.iter(qn("w:p")):
            p.get_or_add_pPr().keepNext_val = True


def add_table(doc: Any, block: TableBlock, style_id: str) -> None:
    """``block`` as a table at the end of ``doc``, its text in the paragraph style ``style_id``."""
    table = doc.add_table(rows=block.n_rows, cols=block.n_cols)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _set_borders(table)
    weights = WIDTHS[block.kind]
    widths = [Mm(TEXT_WIDTH_MM * w / sum(weights)) for w in weights]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    # Every cell once, before merging: merges of disjoint rectangles leave the other cells'
    # elements in place, and table.cell() would re-scan the whole grid on each call.
    grid = [table.rows[r].cells for r in range(block.n_rows)]
    for row in grid:
        for cell, width in zip(row, widths, strict=True):
            cell.width = width
    for index, row in enumerate(table.rows):
        _row_flags(row, header=index < block.header_rows)
    for spec in block.cells:
        cell = grid[spec.row][spec.col]
        if spec.rowspan > 1 or spec.colspan > 1:
            cell = cell.merge(grid[spec.row + spec.rowspan - 1][spec.col + spec.colspan - 1])
        span = Emu(sum(widths[spec.col : spec.col + spec.colspan]))
        _write_cell(cell, spec, style_id, span.pt)
    _keep_together(table)
