"""Tables 二, 三 and 四 in the official layout: grids of merged cells, built from a report.

:class:`TableBlock` is one table as a grid of :class:`TableCell` origin cells (merged cells
as spans, header rows and label columns marked, each unanswered figure the visible gap
marker, each total naming the figures it adds up); :func:`table_blocks` lays out the three
tables of a report as spec §4-§6 give them. Every format renders these blocks
(:mod:`bot.drafting.compose` puts them into the document).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.format.model import Grid, ReportModel
from bot.format.report import Figure, Report


@dataclass(frozen=True, slots=True)
class TableCell:
    """One cell of a table in the official layout, at its top-left grid position.

    ``value`` is the figure of a data cell (``None`` for labels and unanswered cells);
    ``gap`` marks an unanswered data cell, whose text is the visible gap marker. A total
    (the 总计 column, the （七）总计 row) names in ``sums`` the grid positions of the
    figures it adds up.
    """

    text: str
    row: int
    col: int
    rowspan: int = 1
    colspan: int = 1
    header: bool = False
    value: int | Decimal | None = None
    money: bool = False
    gap: bool = False
    sums: tuple[tuple[int, int], ...] = ()

    @property
    def is_figure(self) -> bool:
        """A data cell (answered or not), as opposed to a label."""
        return self.value is not None or self.gap


@dataclass(frozen=True, slots=True)
class TableBlock:
    """Table 二, 三 or 四 (``kind`` is the part key) as a grid of merged cells.

    ``cells`` are the origin cells in row-major order; every grid position is covered by
    exactly one cell. The first ``header_rows`` rows are the column headers (repeated on
    each page); the first ``label_cols`` columns hold the row labels.
    """

    kind: str
    n_rows: int
    n_cols: int
    header_rows: int
    label_cols: int
    cells: tuple[TableCell, ...]

    def rows(self) -> list[list[TableCell]]:
        """The origin cells of each grid row, in column order (as HTML lists them)."""
        out: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        return out

    def grid(self) -> list[list[TableCell]]:
        """For every grid position, the cell covering it."""
        grid: list[list[TableCell | None]] = [[None] * self.n_cols for _ in range(self.n_rows)]
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.rowspan):
                for c in range(cell.col, cell.col + cell.colspan):
                    if grid[r][c] is not None:
                        raise ValueError(f"{self.kind}: cells overlap at ({r}, {c})")
                    grid[r][c] = cell
        if any(cell is None for row in grid for cell in row):
            raise ValueError(f"{self.kind}: the grid has holes")
        return [[c for c in row if c is not None] for row in grid]


# --- tables in the official layout ---------------------------------------------------


class _Layout:
    """Collects the origin cells of one table, row by row."""

    def __init__(self, gap: str) -> None:
        self.cells: list[TableCell] = []
        self.gap = gap

    def label(
        self,
        text: str,
        row: int,
        col: int,
        rowspan: int = 1,
        colspan: int = 1,
        *,
        header: bool = False,
    ) -> None:
        self.cells.append(TableCell(text, row, col, rowspan, colspan, header=header))

    def figure(
        self,
        value: Figure | None,
        row: int,
        col: int,
        colspan: int = 1,
        *,
        money: bool = False,
        sums: tuple[tuple[int, int], ...] = (),
    ) -> None:
        if value is None:
            cell = TableCell(self.gap, row, col, 1, colspan, money=money, gap=True, sums=sums)
        else:
            text = figure_text(value)
            cell = TableCell(text, row, col, 1, colspan, value=value, money=money, sums=sums)
        self.cells.append(cell)

    def block(self, kind: str, header_rows: int, label_cols: int) -> TableBlock:
        n_rows = max(c.row + c.rowspan for c in self.cells)
        n_cols = max(c.col + c.colspan for c in self.cells)
        cells = tuple(sorted(self.cells, key=lambda c: (c.row, c.col)))
        block = TableBlock(kind, n_rows, n_cols, header_rows, label_cols, cells)
        block.grid()  # raises on overlaps and holes
        return block


def figure_text(value: Figure) -> str:
    """A figure as printed: integers plainly, 万元 without trailing zeros or exponent."""
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.rstrip("0").rstrip(".") if "." in text else text
    return str(value)


def active_table(report: Report, m: ReportModel, gap: str) -> TableBlock:
    """Table 二: per 第二十条 article a caption row, a header row, then its rows (spec §4)."""
    out = _Layout(gap)
    width = max(len(g.header) for g in m.active)
    row = 0
    for group in m.active:
        out.label(group.article, row, 0, colspan=width, header=True)
        values = len(group.header) - 1
        spans = [1] * (values - 1) + [width - values]  # the last value column fills the row
        out.label(group.header[0], row + 1, 0, header=True)
        col = 1
        for text, span in zip(group.header[1:], spans, strict=True):
            out.label(text, row + 1, col, colspan=span, header=True)
            col += span
        row += 2
        for label in group.row_labels:
            out.label(label, row, 0)
            col = 1
            cells = [c for c in group.cells if c.row_label == label]
            for cell, span in zip(cells, spans, strict=True):
                out.figure(report.active.get(cell.path), row, col, span, money=cell.money)
                col += span
            row += 1
    return out.block("active", 0, 1)


def applications_table(report: Report, m: ReportModel, gap: str) -> TableBlock:
    """Table 三: note over three header rows, applicant groups, grouped result rows (§5)."""
    grid, rows = m.applications, report.applications
    out = _Layout(gap)
    out.label(grid.note, 0, 0, 3, 3, header=True)
    out.label(grid.applicant_header, 0, 3, colspan=grid.width, header=True)
    legal = [i for i, c in enumerate(grid.columns) if c.legal_person]
    for i, column in enumerate(grid.columns):
        if column.legal_person:
            out.label(column.label, 2, 3 + i, header=True)
        else:
            out.label(column.label, 1, 3 + i, rowspan=2, header=True)
    out.label(grid.legal_person_header, 1, 3 + legal[0], colspan=len(legal), header=True)
    results = [r for r in grid.rows if r.disposition or r.computed]
    first = 3 + grid.rows.index(results[0])
    dispositions = tuple(3 + i for i, x in enumerate(grid.rows) if x.disposition)
    out.label(grid.results_header, first, 0, rowspan=len(results))
    for index, row in enumerate(grid.rows):
        r = 3 + index
        if row not in results:
            out.label(row.label, r, 0, colspan=3)
        elif not row.group:
            out.label(row.label, r, 1, colspan=2)
        else:
            members = [x for x in grid.rows if x.group == row.group]
            if members[0] is row:
                out.label(row.group, r, 1, rowspan=len(members))
            out.label(row.label, r, 2)
        _figures(out, rows.get(row.key), grid, r, 3, dispositions if row.computed else ())
    return out.block("applications", 3, 3)


def review_table(report: Report, m: ReportModel, gap: str) -> TableBlock:
    """Table 四: 行政复议 and 行政诉讼 (two sub-groups) over their result columns (§6)."""
    grid = m.review_litigation
    out = _Layout(gap)
    width = grid.width
    col = 0
    for row in grid.rows:
        if not row.group:
            out.label(row.label, 0, col, colspan=width, header=True)
            for i, column in enumerate(grid.columns):
                out.label(column.label, 1, col + i, rowspan=2, header=True)
        else:
            members = [x for x in grid.rows if x.group == row.group]
            if members[0] is row:
                out.label(row.group, 0, col, colspan=width * len(members), header=True)
            out.label(row.label, 1, col, colspan=width, header=True)
            for i, column in enumerate(grid.columns):
                out.label(column.label, 2, col + i, header=True)
        _figures(out, report.review_litigation.get(row.key), grid, 3, col)
        col += width
    return out.block("review_litigation", 3, 0)


def _figures(
    out: _Layout,
    values: list[int] | None,
    grid: Grid,
    row: int,
    col: int,
    totals_of: tuple[int, ...] = (),
) -> None:
    """One row of figures; its last (the 总计 column) adds up the others, and every figure
    of a total row adds up its column over the rows ``totals_of``."""
    for i in range(grid.width):
        across = tuple((row, col + j) for j in range(grid.width - 1))
        down = tuple((r, col + i) for r in totals_of)
        sums = across if i == grid.width - 1 else down
        out.figure(None if values is None else values[i], row, col + i, sums=sums)


def table_blocks(report: Report, m: ReportModel, gap: str) -> dict[str, TableBlock]:
    """Tables 二, 三 and 四 by part key; unanswered cells show ``gap``, never 0."""
    return {
        "active": active_table(report, m, gap),
        "applications": applications_table(report, m, gap),
        "review_litigation": review_table(report, m, gap),
    }
