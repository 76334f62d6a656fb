"""The chat's preview of a draft: the prose as it will read, the tables in brief.

A preview is what an officer reads on a phone between questions, so it is the composed
draft (:func:`bot.drafting.prose.document`) with the three tables made compact: table 二
one line per row, table 三 only the rows that hold a figure other than 0 (with its 总计 and
结转 rows always, and a count of the rows left out because every figure in them is 0),
table 四 one line per kind of case; rows of table 三 not answered yet are counted, not
listed. Gaps stay visible where they are and are listed at the
end with the command that fills them. Every figure other than 0 is shown.

The result is a tuple of :class:`~bot.conversation.types.DraftLine`: text lines, the title
and part headings marked, so each front end can set them as its medium allows (bold in
Telegram; plain in the terminal). Wording is in ``prompts/messages/drafting.yaml``.
"""

from __future__ import annotations

from decimal import Decimal

from bot.conversation.types import DraftLine
from bot.drafting.compose import Document, Paragraph
from bot.drafting.prose import document
from bot.drafting.tables import figure_text
from bot.format.catalogue import Code, message
from bot.format.model import Grid, ReportModel, model
from bot.format.report import Report

ALWAYS_SHOWN = ("total", "carry_forward")  # table 三 rows shown even when all zero


def preview(report: Report, m: ReportModel | None = None) -> tuple[DraftLine, ...]:
    """The preview of ``report``'s draft, line by line."""
    m = m or model()
    doc = document(report, m)
    gap = message(Code.DRF_GAP_CELL)
    mark = message(Code.DRF_OVERRIDDEN)
    lines = [DraftLine(doc.title, heading=True), paragraph_line(doc.opening, mark)]
    for section in doc.sections:
        lines.append(DraftLine(section.title, heading=True, set_off=True))
        if section.key == "active":
            lines += active_lines(report, m, gap)
        elif section.key == "applications":
            lines += grid_lines(report.applications, m.applications, gap, applications=True)
        elif section.key == "review_litigation":
            lines += grid_lines(report.review_litigation, m.review_litigation, gap)
        else:
            lines += [paragraph_line(p, mark) for p in section.paragraphs()]
    lines += gap_lines(doc, report, m)
    return tuple(lines)


def paragraph_line(paragraph: Paragraph, mark: str) -> DraftLine:
    """A paragraph of prose; one the officer replaced is marked so."""
    text = paragraph.text + (mark if paragraph.override else "")
    return DraftLine(text, heading=paragraph.level > 0)


def plain(lines: tuple[DraftLine, ...]) -> str:
    """The preview as plain text: an empty line before each line set off."""
    return "\n".join(f"\n{line.text}" if line.set_off else line.text for line in lines)


def active_lines(report: Report, m: ReportModel, gap: str) -> list[DraftLine]:
    """Table 二, one line per row: ``规章：本年制发0件，本年废止0件，现行有效5件``."""
    out = []
    for group in m.active:
        for label in group.row_labels:
            cells = [c for c in group.cells if c.row_label == label]
            values = [_shown(report.active.get(c.path), gap) for c in cells]
            if len(cells) == 1:
                body = f"{values[0]}{cells[0].unit}"
            else:
                body = "，".join(
                    f"{c.column_label.removesuffix('件数')}{v}{c.unit}"
                    for c, v in zip(cells, values, strict=True)
                )
            out.append(DraftLine(message(Code.DRF_PREVIEW_ROW, label=label, values=body)))
    return out


def grid_lines(
    rows: dict[str, list[int]], grid: Grid, gap: str, *, applications: bool = False
) -> list[DraftLine]:
    """Table 三 (rows with a figure, totals, count of all-zero rows) or 四 (every row)."""
    columns = "／".join(c.label for c in grid.columns)
    out = [DraftLine(message(Code.DRF_PREVIEW_COLUMNS, columns=columns))]
    left_out = unanswered = 0
    for row in grid.rows:
        values = rows.get(row.key)
        if applications and values is None:
            unanswered += 1
            continue
        if applications and not any(values or ()) and row.key not in ALWAYS_SHOWN:
            left_out += 1
            continue
        shown = "／".join(_shown(v, gap) for v in values) if values is not None else gap
        label = row.ref if applications else "·".join(x for x in (row.group, row.label) if x)
        out.append(DraftLine(message(Code.DRF_PREVIEW_ROW, label=label, values=shown)))
    if unanswered:
        out.append(DraftLine(message(Code.DRF_PREVIEW_OPEN_ROWS, count=unanswered)))
    if left_out:
        out.append(DraftLine(message(Code.DRF_PREVIEW_ZERO_ROWS, count=left_out)))
    return out


def gap_lines(doc: Document, report: Report, m: ReportModel) -> list[DraftLine]:
    """What is still to fill, part by part, with the command that goes there: cells of
    table 二, rows of tables 三 and 四 (as they are asked), paragraphs of prose."""
    open_in = {
        "active": sum(c.path not in report.active for c in m.active_cells),
        "applications": sum(r.key not in report.applications for r in m.applications.rows),
        "review_litigation": sum(
            r.key not in report.review_litigation for r in m.review_litigation.rows
        ),
    }
    counts = [(s, open_in.get(s.key, sum(p.gap for p in s.paragraphs()))) for s in doc.sections]
    counts = [(s, n) for s, n in counts if n]
    if not counts:
        return []
    total = sum(n for _, n in counts)
    out = [DraftLine(message(Code.DRF_PREVIEW_GAPS, count=total), heading=True, set_off=True)]
    out += [
        DraftLine(
            message(Code.DRF_PREVIEW_GAP_LINE, part=section.title, count=n, number=section.number)
        )
        for section, n in counts
    ]
    return out


def _shown(value: int | Decimal | None, gap: str) -> str:
    return gap if value is None else figure_text(value)
