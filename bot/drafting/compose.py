"""The draft as one document model, composed from a report; every output is rendered from it.

:class:`Document` holds the title, the opening paragraph and the six sections under their
official headings. A section's blocks are :class:`Paragraph` (prose, sub-part headings,
visible gaps) and :class:`TableBlock` (tables 二, 三 and 四 in the official layout, merged
cells included). The Word, HTML, Markdown, text and XLSX drafts all read this model, so
they can never disagree with each other.

The prose comes from templates (``templates/prose/``); this module is pure and does not
know Jinja: :func:`compose` takes a ``prose`` callable that renders a template name to
text (:func:`bot.drafting.prose.document` supplies it). Template output is a list of paragraphs,
each opened by a marker line (see :data:`PARA`); a gap marker (:data:`GAP`) flags a
paragraph that still waits for the officer. Officer text is cleaned of control
characters before it reaches a template, so it can never forge either marker.

Precedence per part of the prose: the officer's structured answers (composed by the
template); else the part's text in ``report.narrative`` (an imported report), one
paragraph per line; else the template with every answer missing, i.e. visible gaps. A
paragraph id in ``report.extra["overrides"]`` replaces that paragraph's text wherever it
came from and sets :attr:`Paragraph.override`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from bot.format.catalogue import Code, message
from bot.format.model import Grid, ReportModel
from bot.format.report import NARRATIVE_KEYS, Figure, Report

# Marker line opening a paragraph in template output: \x1e id \x1f level \x1f source.
PARA = "\x1e"
FIELD = "\x1f"
# Marks the start of a gap text inside a paragraph (【待填写：…】 follows).
GAP = "\x1d"
# Characters officer text may not carry: C0/C1 controls but \n and \t, lone surrogates,
# the two non-characters XML forbids. \r is normalised to \n before this applies.
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")

PROSE_PARTS = NARRATIVE_KEYS  # overview, problems, other_matters
SOURCES = ("answers", "data", "narrative", "override")


def clean(text: str) -> str:
    """Officer text made safe for every format: newlines normalised, controls removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Cleaned text as one line: lines stripped and joined, a space only between ASCII words."""
    out = ""
    for line in (ln.strip() for ln in clean(text).split("\n")):
        if not line:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(line[0]):
            out += " "
        out += line
    return out


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of prose.

    Attributes:
        id: stable identifier, the key of an officer's override (``overview.active``).
        text: the text, one line, never empty.
        level: 0 for body text, 2 for a sub-part heading such as （一）主动公开.
        override: the officer replaced the composed text with their own.
        source: ``answers`` (composed from the officer's answers), ``data`` (fixed wording
            and table figures only), ``narrative`` (text of an imported report) or
            ``override``.
        gap: the paragraph shows a visible 【待填写】 gap instead of (some of) its content.
    """

    id: str
    text: str
    level: int = 0
    override: bool = False
    source: str = "answers"
    gap: bool = False


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


Block = Paragraph | TableBlock


@dataclass(frozen=True, slots=True)
class Section:
    """One of the six parts, under its official number and heading."""

    key: str
    number: str
    heading: str
    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        """The official heading with its number, e.g. ``一、总体情况``."""
        return f"{self.number}、{self.heading}"

    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The prose blocks of the section."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))


@dataclass(frozen=True, slots=True)
class Signature:
    """The 落款 closing a signed draft: the agency and the date, as printed."""

    agency: str
    date: str


@dataclass(frozen=True, slots=True)
class Document:
    """The whole draft: title, opening paragraph, six sections; the agency named in the
    title (where the title may break) and, when asked for, the 落款."""

    title: str
    opening: Paragraph
    sections: tuple[Section, ...]
    agency: str = ""
    signature: Signature | None = None

    def section(self, key: str) -> Section:
        """The section of part ``key``."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph, the opening first, in document order."""
        yield self.opening
        for section in self.sections:
            yield from section.paragraphs()

    def tables(self) -> Iterator[TableBlock]:
        """Every table, in document order."""
        for section in self.sections:
            yield from (b for b in section.blocks if isinstance(b, TableBlock))


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


# --- paragraphs ------------------------------------------------------------------------


def parse_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs from template output; empty ones are kept with empty text (see compose)."""
    out: list[Paragraph] = []
    lines: list[str] = []
    head: list[str] | None = None

    def close() -> None:
        if head is None:
            return
        body = "".join(lines)
        pid, level, source = head
        out.append(Paragraph(pid, body.replace(GAP, ""), int(level), False, source, GAP in body))

    for line in text.split("\n"):
        if line.startswith(PARA):
            close()
            head, lines = line[1:].strip().split(FIELD), []
            if len(head) != 3 or head[2] not in SOURCES:
                raise ValueError(f"bad paragraph marker {line!r}")
        elif line.strip(" \t"):  # not str.strip(): it would eat the GAP mark (\x1d)
            if head is None:
                raise ValueError(f"template text before the first paragraph marker: {line!r}")
            lines.append(line.strip(" \t"))
    close()
    return out


def narrative_paragraphs(part: str, text: str) -> list[Paragraph]:
    """An imported part's text, one paragraph per non-empty line."""
    lines = [ln.strip() for ln in clean(text).split("\n") if ln.strip()]
    return [Paragraph(f"{part}.text.{i}", ln, source="narrative") for i, ln in enumerate(lines, 1)]


def overrides(report: Report) -> dict[str, str]:
    """The officer's replacement paragraphs by paragraph id (blank texts ignored)."""
    value = report.extra.get("overrides")
    if not isinstance(value, dict):
        return {}
    texts = {str(k): clean(str(v)).strip() for k, v in value.items() if v is not None}
    return {k: v for k, v in texts.items() if v}


def apply_overrides(paragraphs: list[Paragraph], texts: dict[str, str]) -> list[Paragraph]:
    """Replace overridden paragraphs (one per line of the override); drop empty ones."""
    out: list[Paragraph] = []
    for p in paragraphs:
        if p.id in texts:
            lines = [one_line(ln) for ln in texts[p.id].split("\n")]
            lines = [ln for ln in lines if ln]
            out += [
                Paragraph(p.id if i == 0 else f"{p.id}+{i + 1}", ln, p.level, True, "override")
                for i, ln in enumerate(lines)
            ]
        elif p.text:
            out.append(p)
    return out


Prose = Callable[[str], str]


def compose(report: Report, m: ReportModel, prose: Prose, answered: frozenset[str]) -> Document:
    """The draft of ``report``.

    ``prose(name)`` renders the template ``templates/prose/<name>.j2`` (``front`` for the
    title and opening, then one per prose part); ``answered`` names the prose parts for
    which the officer gave structured answers.
    """
    texts = overrides(report)
    front = {p.id: p for p in parse_paragraphs(prose("front"))}
    opening = apply_overrides([front["opening"]], texts)
    tables = table_blocks(report, m, message(Code.DRF_GAP_CELL))
    sections = []
    for part in m.parts:
        blocks: list[Block]
        if part.key in tables:
            blocks = [tables[part.key]]
        else:
            narrative = report.narrative.get(part.key, "")
            if part.key not in answered and narrative.strip():
                paragraphs = narrative_paragraphs(part.key, narrative)
            else:
                paragraphs = parse_paragraphs(prose(part.key))
            blocks = list(apply_overrides(paragraphs, texts))
        sections.append(Section(part.key, part.number, part.heading, tuple(blocks)))
    return Document(
        front["title"].text, opening[0] if opening else front["opening"], tuple(sections)
    )


def part_texts(document: Document) -> dict[str, str]:
    """The prose of each part as one text, paragraphs on their own lines (for the checks)."""
    return {
        s.key: "\n".join(p.text for p in s.paragraphs())
        for s in document.sections
        if s.key in PROSE_PARTS
    }
