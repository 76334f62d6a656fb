"""Turn one officer message into the changes it means for one step, or a coded refusal.

Pure: ``interpret(step, text, report)`` returns the
:class:`~bot.conversation.session.Change` list and the acknowledgement, or raises
:class:`~bot.format.catalogue.UserError`; nothing is stored half-way because the caller
stores all changes of one answer in one transaction. The questions of the tables are
read by :mod:`~bot.conversation.table_answers`; this module reads the prose, the choices
and last year's answers, and routes every answer.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from bot.conversation.flows import Choice, Step
from bot.conversation.session import Change
from bot.conversation.table_answers import (
    carry_forward_answer,
    cells_answer,
    row_answer,
    select_rows_answer,
    table_paste,
    zero_table_answer,
)
from bot.conversation.types import Interpretation, Note, note
from bot.conversation.words import (
    choices_with_figures,
    is_confirm,
    is_word,
    match_choices,
)
from bot.format import pasted
from bot.format.catalogue import Code, UserError, message
from bot.format.figures import parse_count, parse_money, parse_row
from bot.format.model import ReportModel, model
from bot.format.paragraphs import by_id
from bot.format.pasted import Paste, split_sections, tidy
from bot.format.report import Report
from bot.format.voice import voice

MAX_TEXT = 5000
BULLET = re.compile(
    r"^\s*(?:[-•·*]|\d+[.、．)]|[（(]\d+[)）]|[一二三四五六七八九十]+[是、.．])\s*"
)
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


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
        pasted = table_paste(step, text, m)
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
        return cells_answer(step, text, m, previous)
    if kind == "counts":
        return _counts(step, text, report)
    if kind in ("row", "row4"):
        return row_answer(step, text, m, previous)
    if kind == "zero_table":
        return zero_table_answer(step, text, m)
    if kind == "select_rows":
        return select_rows_answer(step, text, report, m)
    if kind == "carry_forward":
        return carry_forward_answer(text, report, m)
    raise ValueError(f"unknown step type {kind}")  # the flow loader allows no other type
