"""Answers to the questions of the tables: cells of 二, rows of 三 and 四, a whole 三
pasted at once, which dispositions occur, and the carry forward computed and confirmed.

Pure, as :mod:`~bot.conversation.answers`, which hands each table question here.
"""

from __future__ import annotations

import re
from decimal import Decimal

from bot.checks.rules import column_identity, disposition_total, row_totals
from bot.conversation.flows import Step
from bot.conversation.session import Change
from bot.conversation.types import Interpretation, Note, note
from bot.conversation.words import disposition_choices, is_confirm, is_word, match_choices
from bot.format.catalogue import Code, UserError
from bot.format.figures import parse_count, parse_money, parse_row, split_values
from bot.format.model import Cell, ReportModel
from bot.format.report import Report

IN_FORCE_ROW = 3  # 本年制发, 本年废止, 现行有效
PASTE_MIN_LINES = 10


def zero_rows(keys: list[str], width: int, part: str) -> list[Change]:
    """Changes that record each row of ``keys`` as zeros."""
    return [Change(part, key, [0] * width) for key in keys]


def pasted_table(text: str, m: ReportModel) -> dict[str, list[int]] | None:
    """Rows of a whole table 三 pasted at once, or None when ``text`` is not a paste."""
    lines = [ln for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
    if len(lines) < PASTE_MIN_LINES:
        return None
    rows: list[list[int]] = []
    for line in lines:
        tokens = re.split(r"[\t ]+|\u3000+", line.strip())
        numbers: list[int] = []
        for token in reversed(tokens):
            try:
                numbers.insert(0, parse_count(token))
            except UserError:
                break
        if len(numbers) >= 6:
            rows.append(numbers[-7:] if len(numbers) >= 7 else numbers)
    grid = m.applications
    if len(rows) != len(grid.rows):
        raise UserError(Code.CHAT_PASTE_SHAPE, rows=len(rows))
    table = {}
    for row, values in zip(grid.rows, rows, strict=True):
        table[row.key] = values if len(values) == 7 else [*values, sum(values)]
    report = Report("paste", 2000, applications=table)
    findings = [
        f
        for rule in (row_totals, column_identity, disposition_total)
        for f in rule(report, None, m)
    ]
    if findings:
        lines_text = "\n".join(f"· {f.message()}" for f in findings[:8])
        raise UserError(Code.CHAT_PASTE_ERRORS, count=len(findings), findings=lines_text)
    return table


def carry_forward_values(report: Report, m: ReportModel) -> tuple[list[int], list[int]]:
    """(（七）总计, 结转下年度) computed from the answered rows of table 三."""
    rows = report.applications
    total = [
        sum(rows[r.key][c] for r in m.applications.dispositions)
        for c in range(m.applications.width)
    ]
    forward = [
        rows["new"][c] + rows["carried_over"][c] - total[c] for c in range(m.applications.width)
    ]
    return total, forward


def table_paste(step: Step, text: str, m: ReportModel) -> Interpretation | None:
    """A whole table 三 pasted at one of its questions, or None when ``text`` is no paste."""
    table = pasted_table(text, m)
    if table is None:
        return None
    chosen = [r.key for r in m.applications.dispositions if any(table[r.key])]
    changes = [Change("applications", key, values) for key, values in table.items()]
    changes.append(Change("answers", "t3_rows", chosen))
    return Interpretation(changes, [note(Code.CHAT_PASTE_OK)])


def row_answer(step: Step, text: str, m: ReportModel, previous: Report | None) -> Interpretation:
    """A row of table 三 or 四: its figures (全部为0 for zeros); 上年结转 also by 确认 of last
    year's 结转下年度."""
    kind = step.type
    if (
        kind == "row"
        and step.row == "carried_over"
        and is_confirm(text)
        and previous
        and "carry_forward" in previous.applications
    ):
        text = " ".join(map(str, previous.applications["carry_forward"][:-1]))
    grid = m.applications if kind == "row" else m.review_litigation
    labels = [c.label for c in grid.input_columns]
    values = (
        [0] * len(labels)
        if is_word("all_zero", text)
        else parse_row(text, len(labels), columns=labels, example=step.example)
    )
    row = [*values, sum(values)]
    return Interpretation(
        [Change(grid.part, step.row, row)],
        [
            note(
                Code.CHAT_ROW_SAVED,
                row=grid.row(step.row).ref,
                values=" ".join(map(str, values)),
                total=row[-1],
            )
        ],
    )


def zero_table_answer(step: Step, text: str, m: ReportModel) -> Interpretation:
    """确认 that the whole of table 三 is zero (nothing received, nothing carried over)."""
    if not is_confirm(text):
        raise UserError(Code.CHAT_CONFIRM_EXPECTED)
    rest = [r.key for r in m.applications.rows if r.key not in ("new", "carried_over")]
    return Interpretation(
        [
            *zero_rows(rest, m.applications.width, "applications"),
            Change("answers", step.name, "yes"),
        ],
        [note(Code.CHAT_TABLE3_ZERO)],
    )


def cells_answer(step: Step, text: str, m: ReportModel, previous: Report | None) -> Interpretation:
    """Cells of table 二 (a row's, or one cell); 现行有效 computed from last year's when
    only 制发 and 废止 are given."""
    cells = sorted(
        (c for c in m.active_cells if c.path in step.cells), key=lambda c: step.cells.index(c.path)
    )
    one_row = len({c.row_label for c in cells}) == 1
    labels = [c.column_label if one_row else c.row_label for c in cells]
    baseline = in_force_baseline(cells, previous)
    notes: list[Note] = []
    if len(cells) == 1 and cells[0].money:
        values: list[int | Decimal] = [parse_money(text, example=step.example)]
    elif is_word("all_zero", text):
        values = [0] * len(cells)
    elif baseline is not None and len(split_values(text)) == len(cells) - 1:
        # 本年制发 and 本年废止 only: 现行有效 follows from last year's figure
        issued, abolished = parse_row(text, 2, columns=labels[:2], example=step.example)
        in_force = max(0, baseline + issued - abolished)
        values = [issued, abolished, in_force]
        notes.append(
            note(
                Code.CHAT_IN_FORCE_COMPUTED,
                last=baseline,
                issued=issued,
                abolished=abolished,
                count=in_force,
            )
        )
    else:
        values = list(parse_row(text, len(cells), columns=labels, example=step.example))
    summary = "，".join(
        f"{c.row_label}{c.column_label if one_row and len(cells) > 1 else ''} {v}"
        for c, v in zip(cells, values, strict=True)
    )
    return Interpretation(
        [Change("active", c.path, v) for c, v in zip(cells, values, strict=True)],
        [*notes, note(Code.CHAT_CELLS_SAVED, summary=summary)],
    )


def in_force_baseline(cells: list[Cell], previous: Report | None) -> int | None:
    """Last year's 现行有效件数 of a row asked as 制发, 废止, 现行有效; else None."""
    if previous is None or len(cells) != IN_FORCE_ROW or not cells[-1].path.endswith(".in_force"):
        return None
    value = previous.active.get(cells[-1].path)
    return value if isinstance(value, int) else None


def select_rows_answer(step: Step, text: str, report: Report, m: ReportModel) -> Interpretation:
    """Which disposition rows of table 三 occur: the others are 0, the new ones asked."""
    choices = disposition_choices(m)
    if is_word("none", text):
        chosen: list[str] = []
    else:
        chosen = match_choices(choices, text, many=True, example=step.example)
    chosen = [c.name for c in choices if c.name in chosen]  # table order
    before = report.answers.get(step.name) or []
    width = m.applications.width
    changes = [Change("answers", step.name, chosen)]
    for choice in choices:
        if choice.name not in chosen:
            changes.append(Change("applications", choice.name, [0] * width))
        elif choice.name not in before:
            changes.append(Change("applications", choice.name, None))  # ask it
    changes += [Change("applications", k, None) for k in ("total", "carry_forward")]
    return Interpretation(changes, [note(Code.CHAT_ROWS_SELECTED, count=len(chosen))])


def carry_forward_answer(text: str, report: Report, m: ReportModel) -> Interpretation:
    """确认 of 结转下年度 as computed: （七）总计 and the carry forward stored."""
    if not is_confirm(text):
        raise UserError(Code.CHAT_CONFIRM_EXPECTED)
    check_carry_forward(report, m)
    total, forward = carry_forward_values(report, m)
    # （七）总计 is stored here, once every chosen row is answered
    return Interpretation(
        [Change("applications", "total", total), Change("applications", "carry_forward", forward)],
        [note(Code.CHAT_SAVED)],
    )


def check_carry_forward(report: Report, m: ReportModel) -> None:
    """Refuse a carry forward below zero, naming the column that handled too many."""
    _, forward = carry_forward_values(report, m)
    grid = m.applications
    for col, value in enumerate(forward):
        if value < 0:
            chosen = report.answers.get("t3_rows") or ["granted"]
            raise UserError(
                Code.CHAT_OVER_HANDLED,
                cell=grid.cell_ref("carry_forward", col),
                found=value,
                available=report.applications["new"][col]
                + report.applications["carried_over"][col],
                example=grid.row(chosen[0]).ref,
            )
