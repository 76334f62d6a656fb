"""Turn one officer message into the changes it means for one step, or a coded refusal.

Pure: ``interpret(step, text, report)`` returns the
:class:`~bot.conversation.session.Change` list and the acknowledgement, or raises
:class:`~bot.format.catalogue.UserError`; nothing is stored half-way because the caller
stores all changes of one answer in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.checks.rules import column_identity, disposition_total, row_totals
from bot.conversation.flows import Choice, Step
from bot.conversation.session import Change
from bot.conversation.words import (
    choices_with_figures,
    disposition_choices,
    is_confirm,
    is_word,
    match_choices,
)
from bot.format import pasted
from bot.format.catalogue import Code, UserError, message
from bot.format.figures import parse_count, parse_money, parse_row, split_values
from bot.format.model import Cell, ReportModel, model
from bot.format.paragraphs import by_id
from bot.format.pasted import Paste, split_sections, tidy
from bot.format.report import Report
from bot.format.voice import voice

MAX_TEXT = 5000
IN_FORCE_ROW = 3  # 本年制发, 本年废止, 现行有效
BULLET = re.compile(
    r"^\s*(?:[-•·*]|\d+[.、．)]|[（(]\d+[)）]|[一二三四五六七八九十]+[是、.．])\s*"
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
PASTE_MIN_LINES = 10


@dataclass(frozen=True, slots=True)
class Note:
    """An acknowledgement to show: a catalogue code and its parameters."""

    code: Code
    params: dict[str, object]

    def text(self) -> str:
        """The Chinese text."""
        return message(self.code, **self.params)


def note(code: Code, **params: object) -> Note:
    """Shorthand for :class:`Note`."""
    return Note(code, params)


@dataclass
class Interpretation:
    """What an answer means: the changes to store and what to tell the officer."""

    changes: list[Change] = field(default_factory=list)
    replies: list[Note] = field(default_factory=list)


def clean_text(text: str) -> str:
    """Strip control characters (newlines kept) and surrounding space; refuse empty or long."""
    text = CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if len(text) > MAX_TEXT:
        raise UserError(Code.CHAT_TOO_LONG, length=len(text), limit=MAX_TEXT)
    return text


def tidied(paste: Paste, *, numbering: bool = True) -> list[Note]:
    """What tidying a pasted text did, as one acknowledgement (none when nothing)."""
    said = {
        pasted.HEADING: lambda: message(Code.PST_HEADING),
        pasted.LEAD_IN: lambda: message(Code.PST_LEAD_IN),
        pasted.PUNCTUATION: lambda: message(Code.PST_PUNCTUATION, count=paste.fixed),
        pasted.NUMBERING: lambda: message(Code.PST_NUMBERING, count=len(paste.items)),
    }
    done = [said[a]() for a in paste.actions if numbering or a != pasted.NUMBERING]
    return [note(Code.PST_TIDIED, actions="；".join(done))] if done else []


def standard_text(step: Step, report: Report) -> str:
    """The standard sentence of ``step`` in the agency's voice ('' when it has none)."""
    if not step.standard:
        return ""
    return step.standard.format(subject=voice(report.agency, report.agency_level).subject)


def _standard(step: Step, text: str, report: Report) -> Interpretation | None:
    """The standard sentence, when the officer confirms it (确认, or 无)."""
    standard = standard_text(step, report)
    if not standard or not (is_confirm(text) or is_word("none", text)):
        return None
    target = by_id(f"{step.part}.{step.name}")
    return Interpretation(
        [Change("answers", step.name, standard)],
        [note(Code.PST_STANDARD_USED, text=standard, target=target.names[0] if target else "")],
    )


def counted_choices(step: Step, report: Report) -> tuple[Choice, ...]:
    """A ``counts`` question's channels: those of ``step.counted`` chosen at ``step.of``,
    in the offered order."""
    chosen = report.answers.get(step.of)
    chosen = chosen if isinstance(chosen, list) else []
    return tuple(c for c in step.choices if c.name in step.counted and c.name in chosen)


def _counts(step: Step, text: str, report: Report) -> Interpretation:
    """A figure for each counted channel, in one message: stored per channel, never summed."""
    channels = counted_choices(step, report)
    labels = [c.label for c in channels]
    values = (
        [0] * len(labels)
        if is_word("all_zero", text)
        else parse_row(text, len(labels), columns=labels, example=step.example)
    )
    summary = "，".join(f"{c.label} {v}" for c, v in zip(channels, values, strict=True))
    counts = {c.name: v for c, v in zip(channels, values, strict=True)}
    return Interpretation(
        [Change("answers", step.name, counts)], [note(Code.CHAT_CELLS_SAVED, summary=summary)]
    )


def _with_counts(step: Step, counts: Step, text: str) -> Interpretation | None:
    """Channels chosen with their figures in one message: both questions answered."""
    given = choices_with_figures(step.choices, text, example=step.example)
    if given is None:
        return None
    figures = dict(given)
    labels = {c.name: c.label for c in step.choices}
    counted = [name for name, _ in given if name in counts.counted]
    for name in counted:
        if figures[name] is None:
            raise UserError(Code.CHAT_COUNT_MISSING, channel=labels[name])
    changes = [Change("answers", step.name, [name for name, _ in given])]
    notes = []
    if counted:
        changes.append(Change("answers", counts.name, {n: figures[n] for n in counted}))
        summary = "，".join(f"{labels[n]} {figures[n]}" for n in counted)
        notes.append(note(Code.CHAT_CELLS_SAVED, summary=summary))
    unused = [labels[n] for n, v in given if v is not None and n not in counts.counted]
    if unused:  # said, never swallowed
        stated = "、".join(labels[n] for n in counts.counted)
        notes.append(note(Code.CHAT_COUNT_NOT_USED, channels="、".join(unused), counted=stated))
    return Interpretation(changes, notes)


def list_items(text: str) -> list[str]:
    """Items of a list answer: one per line (or per ；), bullets and 一是 numbering removed."""
    lines = [ln for ln in text.split("\n") if ln.strip()]
    if len(lines) == 1:
        lines = [part for part in re.split(r"[；;]", lines[0]) if part.strip()]
    return [
        BULLET.sub("", ln).strip().rstrip("。；;") for ln in lines if BULLET.sub("", ln).strip()
    ]


REUSABLE = ("text", "list", "select_one", "select_multiple")  # answers 沿用 may copy


def previous_answer(step: Step, previous: Report | None) -> Any:
    """Last year's answer to ``step``: as the chat stored it, or, for a paragraph of
    总体情况, the sub-section of last year's published text under its heading."""
    if previous is None or step.type not in REUSABLE:
        return None
    stored = previous.answers.get(step.name)
    if stored:
        return stored
    text = previous.narrative.get(step.part, "")
    if not text:
        return None
    if step.type == "select_multiple":  # the choices its text names (门户网站、微信 …)
        named = [c.name for c in step.choices if any(w in text for w in c.mentions)]
        return named or None
    _, sections = split_sections(text, step.part)
    return next((s.text for s in sections if s.target.answer == step.name and s.text), None)


def shown_answer(value: Any, step: Step) -> str:
    """An answer as the officer reads it (choice labels, items joined)."""
    names = value if isinstance(value, list) else [value]
    labels = {c.name: c.label for c in step.choices}
    return "；".join(labels.get(str(v), str(v)) for v in names)


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


def _table_paste(step: Step, text: str, m: ReportModel) -> Interpretation | None:
    table = pasted_table(text, m)
    if table is None:
        return None
    chosen = [r.key for r in m.applications.dispositions if any(table[r.key])]
    changes = [Change("applications", key, values) for key, values in table.items()]
    changes.append(Change("answers", "t3_rows", chosen))
    return Interpretation(changes, [note(Code.CHAT_PASTE_OK)])


def interpret(
    step: Step,
    text: str,
    report: Report,
    m: ReportModel | None = None,
    previous: Report | None = None,
    counted_by: Step | None = None,
) -> Interpretation:
    """The changes ``text`` makes as the answer to ``step``; raises UserError if invalid.
    ``counted_by``: the ``counts`` question of a select_multiple one, answered with it
    when the choices come with their figures."""
    m = m or model()
    kind = step.type
    if not text.strip() and not step.is_select:
        raise UserError(Code.CHAT_EMPTY_ANSWER, example=step.example)
    if is_word("reuse", text):
        reused = previous_answer(step, previous)
        if reused is None:
            raise UserError(Code.CHAT_NOTHING_TO_REUSE, example=step.example)
        return Interpretation([Change("answers", step.name, reused)], [note(Code.CHAT_REUSED)])
    if kind in ("row", "select_rows") and step.part == "applications":
        pasted = _table_paste(step, text, m)
        if pasted is not None:
            return pasted
    if kind == "text":
        paste = tidy(clean_text(text))
        standard = _standard(step, paste.text, report)
        if standard is not None:
            return standard
        value = paste.text
        if not value:
            raise UserError(Code.CHAT_EMPTY_ANSWER, example=step.example)
        notes = [note(Code.CHAT_SAVED), *tidied(paste)]
        return Interpretation([Change("answers", step.name, value)], notes)
    if kind == "list":
        paste = tidy(clean_text(text))
        items = paste.pieces() if paste.items else list_items(paste.text)
        if not items:
            raise UserError(Code.CHAT_EMPTY_ANSWER, example=step.example)
        return Interpretation(
            [Change("answers", step.name, items)],
            [note(Code.CHAT_LIST_SAVED, count=len(items)), *tidied(paste)],
        )
    if kind in ("integer", "decimal"):
        number: int | Decimal = (
            parse_count(text, example=step.example)
            if kind == "integer"
            else parse_money(text, example=step.example)
        )
        if step.constraint and not step.constraint.evaluate({}, {}, number):
            raise UserError(
                Code.CHAT_CONSTRAINT,
                value=text.strip(),
                reason=step.constraint_message or step.hint,
            )
        value_json = number if kind == "integer" else str(number)
        return Interpretation([Change("answers", step.name, value_json)], [note(Code.CHAT_SAVED)])
    if counted_by is not None:
        both = _with_counts(step, counted_by, text)
        if both is not None:
            return both
    if kind in ("select_one", "select_multiple"):
        names = match_choices(
            step.choices, text, many=kind == "select_multiple", example=step.example
        )
        answer: str | list[str] = names if kind == "select_multiple" else names[0]
        return Interpretation([Change("answers", step.name, answer)], [])
    if kind == "cells":
        return _cells(step, text, m, previous)
    if kind == "counts":
        return _counts(step, text, report)
    if (
        kind == "row"
        and step.row == "carried_over"
        and is_confirm(text)
        and previous
        and "carry_forward" in previous.applications
    ):
        text = " ".join(map(str, previous.applications["carry_forward"][:-1]))
    if kind in ("row", "row4"):
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
    if kind == "zero_table":
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
    if kind == "select_rows":
        return _select_rows(step, text, report, m)
    if kind == "carry_forward":
        return _carry_forward(text, report, m)
    raise ValueError(f"unknown step type {kind}")  # the flow loader allows no other type


def _cells(step: Step, text: str, m: ReportModel, previous: Report | None) -> Interpretation:
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


def _select_rows(step: Step, text: str, report: Report, m: ReportModel) -> Interpretation:
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


def _carry_forward(text: str, report: Report, m: ReportModel) -> Interpretation:
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
