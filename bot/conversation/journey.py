"""Where the officer is in the report: the plan of steps, what is answered, progress.

Pure functions over a :class:`~bot.conversation.flows.Flow` and a
:class:`~bot.format.datafile.Report`. The plan is the flow with one step per chosen
disposition row of table 三 inserted after the multiple choice that selects them, so only
the rows that apply are asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.answers import (
    BULLET,
    counted_choices,
    previous_answer,
    shown_answer,
    standard_text,
)
from bot.conversation.flows import Choice, Flow, Step
from bot.conversation.session import Change
from bot.conversation.table_answers import carry_forward_values
from bot.conversation.words import disposition_choices
from bot.format.catalogue import Code, message
from bot.format.model import ReportModel, model
from bot.format.pasted import split_sections
from bot.format.report import Report

ROW_STEP = "t3_row:"
# last year's problems offered item by item: split at 。；, or the officers' 一是/二是
PROBLEM_SPLIT = re.compile(r"[。；;\n]+|(?=[一二三四五六七八九十]是)")
PROBLEM_CHARS, MAX_PROBLEMS = 200, 10
LEADS_IN = ("：", ":")  # a sentence that only leads into the items after it
# a supervising office's report: the key its sum is kept under (bot.office.region), and the
# questions that offer what the sum shows
REGION_SUM, REGION_SUGGESTIONS = "region_sum", "suggestions"
REGION_NOTE_STEPS = ("overview_intro", "problems")
CONFIRM = (Choice("确认", "确认"),)


@dataclass(frozen=True, slots=True)
class Facts:
    """What relevance needs besides the answers."""

    has_previous: bool = False


def variables(report: Report, facts: Facts, m: ReportModel) -> dict[str, Any]:
    """Derived variables the flow's expressions may use."""
    level = report.agency_level
    levels = {lv.key: lv for lv in m.levels}
    rows = report.applications
    received = (
        rows["new"][-1] + rows["carried_over"][-1]
        if "new" in rows and "carried_over" in rows
        else None
    )
    return {
        "may_make_rules": levels[level].may_make_rules if level in levels else True,
        "apps_received": received,
        "has_previous": facts.has_previous,
    }


def row_step(key: str, m: ReportModel) -> Step:
    """The question for one chosen disposition row of table 三."""
    row = m.applications.row(key)
    return Step(
        name=ROW_STEP + key,
        part="applications",
        type="row",
        label=message(Code.CHAT_ROW_QUESTION, ref=row.ref),
        hint=row.hint,
        example="1 0 0 0 0 0",
        row=key,
    )


def plan(flow: Flow, report: Report, m: ReportModel | None = None) -> list[Step]:
    """Every step of the journey for this report, chosen disposition rows included."""
    m = m or model()
    chosen = report.answers.get("t3_rows") or []
    steps: list[Step] = []
    for step in flow.steps:
        steps.append(step)
        if step.type == "select_rows":
            steps += [row_step(r.key, m) for r in m.applications.dispositions if r.key in chosen]
    return steps


def find_step(flow: Flow, name: str, m: ReportModel | None = None) -> Step | None:
    """The flow step or disposition-row step named ``name``."""
    m = m or model()
    if name.startswith(ROW_STEP):
        key = name.removeprefix(ROW_STEP)
        return row_step(key, m) if key in {r.key for r in m.applications.dispositions} else None
    return flow.step(name) if flow.has(name) else None


def is_relevant(step: Step, report: Report, facts: Facts, m: ReportModel) -> bool:
    """Whether the step is asked for this report."""
    if step.name.startswith(ROW_STEP):
        return bool(variables(report, facts, m)["apps_received"])
    if step.relevant is None:
        return True
    return step.relevant.evaluate(report.answers, variables(report, facts, m))


def is_answered(step: Step, report: Report) -> bool:
    """Whether the step has its answer stored."""
    kind = step.type
    if kind == "cells":
        return all(cell in report.active for cell in step.cells)
    if kind == "row":
        return step.row in report.applications
    if kind == "row4":
        return step.row in report.review_litigation
    if kind == "zero_table":
        return report.answers.get(step.name) == "yes" and "carry_forward" in report.applications
    if kind == "carry_forward":
        return "total" in report.applications and "carry_forward" in report.applications
    if kind == "counts":  # a figure for every channel now chosen
        value = report.answers.get(step.name)
        channels = counted_choices(step, report)
        return isinstance(value, dict) and all(c.name in value for c in channels)
    if step.name in report.answers:
        return True
    # a question about a table (which dispositions occur, any 复议 or 诉讼) is answered by
    # the table itself once all its rows are there (a data file loaded whole)
    m = model()
    if kind == "select_rows":
        return all(r.key in report.applications for r in m.applications.dispositions)
    if kind == "select_one" and step.part == m.review_litigation.part:
        return all(r.key in report.review_litigation for r in m.review_litigation.rows)
    return False


def next_step(
    steps: list[Step],
    report: Report,
    facts: Facts,
    after: str | None,
    m: ReportModel | None = None,
) -> Step | None:
    """The first relevant unanswered step after ``after`` (wrapping round), or None."""
    m = m or model()
    names = [s.name for s in steps]
    start = names.index(after) + 1 if after in names else 0
    for step in steps[start:] + steps[:start]:
        if stands_imported(step, report, steps):
            continue
        if is_relevant(step, report, facts, m) and not is_answered(step, report):
            return step
    return None


def stands_imported(step: Step, report: Report, steps: Sequence[Step]) -> bool:
    """Whether ``step`` asks for prose the report already has as imported text (a data
    file loaded with its 总体情况): while no question of that part is answered, the
    whole text stands and nothing is asked; once one is (the officer redrafts it), the
    draft keeps the imported sub-part of each question still unanswered (（三）政府信息
    管理 …), and only the questions it has none for are asked."""
    text = report.narrative.get(step.part, "")
    if not text.strip():
        return False
    if not any(s.part == step.part and s.name in report.answers for s in steps):
        return True
    _, sections = split_sections(text, step.part)
    return any(s.target.answer == step.name and s.text for s in sections)


@dataclass(frozen=True, slots=True)
class PartProgress:
    """Progress of one part: ``done`` of ``total`` (questions, cells or rows)."""

    key: str
    title: str
    done: int
    total: int
    unit: str


def progress(
    flow: Flow, report: Report, facts: Facts, m: ReportModel | None = None
) -> list[PartProgress]:
    """Progress of each of the six parts, in the official order."""
    m = m or model()
    out = []
    for part in m.parts:
        if part.key == "active":
            done, total = sum(c.path in report.active for c in m.active_cells), len(m.active_cells)
        elif part.key in ("applications", "review_litigation"):
            grid = m.applications if part.key == "applications" else m.review_litigation
            done, total = len(report.grid(grid)), len(grid.rows)
        else:
            steps = [s for s in flow.part_steps(part.key) if is_relevant(s, report, facts, m)]
            done = sum(is_answered(s, report) or stands_imported(s, report, steps) for s in steps)
            total = len(steps)
        out.append(PartProgress(part.key, part.title, done, total, part.unit))
    return out


def figure_changes(found: Report, merged: Report, m: ReportModel) -> list[Change]:
    """The changes that store the figures of ``found`` (a file's, or a sum's), and the
    answers about tables 三 and 四 that follow from ``merged`` (the report with them):
    which dispositions occur, and whether there were any cases."""
    changes = [Change("active", k, v) for k, v in found.active.items()]
    changes += [Change("applications", k, v) for k, v in found.applications.items()]
    changes += [Change("review_litigation", k, v) for k, v in found.review_litigation.items()]
    dispositions = [r.key for r in m.applications.dispositions]
    if all(k in merged.applications for k in dispositions):
        chosen = [k for k in dispositions if any(merged.applications[k])]
        changes.append(Change("answers", "t3_rows", chosen))
    if all(r.key in merged.review_litigation for r in m.review_litigation.rows):
        cases = any(any(v) for v in merged.review_litigation.values())
        changes.append(Change("answers", "t4_any", "yes" if cases else "no"))
    return changes


def step_choices(step: Step, m: ReportModel) -> tuple[Choice, ...]:
    """The options offered with a step."""
    if step.type == "select_rows":
        return disposition_choices(m)
    if step.type in ("zero_table", "carry_forward"):
        return CONFIRM
    if step.type == "counts":  # figures are typed, the choices only name them
        return ()
    return step.choices


def current_value(step: Step, report: Report, m: ReportModel) -> str | None:
    """The stored answer of ``step`` as the officer would read it, or None."""
    if not is_answered(step, report):
        return None
    if step.type == "cells":
        return " ".join(str(report.active[c]) for c in step.cells)
    if step.type in ("row", "row4"):
        grid = m.applications if step.type == "row" else m.review_litigation
        return " ".join(map(str, report.grid(grid)[step.row][:-1]))
    if step.type == "carry_forward":
        return " ".join(map(str, report.applications["carry_forward"]))
    value = report.answers.get(step.name)
    if step.type == "counts" and isinstance(value, dict):
        return "，".join(f"{c.label} {value[c.name]}" for c in counted_choices(step, report))
    labels = {c.name: c.label for c in step_choices(step, m)}
    if isinstance(value, list):
        return "；".join(labels.get(v, str(v)) for v in value) or message(Code.CHAT_EMPTY_VALUE)
    return labels.get(str(value), str(value)) or message(Code.CHAT_EMPTY_VALUE)


def last_year_note(step: Step, previous: Report | None) -> str | None:
    """What last year's report tells about this question, when it is known."""
    if previous is None:
        return None
    reused = previous_answer(step, previous)
    if reused and step.name != "last_year_rectification":
        text = shown_answer(reused, step)[: PROBLEM_CHARS * 3]
        code = Code.CHAT_LAST_CHOICE if step.is_select else Code.CHAT_LAST_ANSWER
        return message(code, answer=text)
    if step.type == "row" and step.row == "carried_over":
        forward = previous.applications.get("carry_forward")
        if forward is not None:
            return message(
                Code.CHAT_LAST_CARRY_FORWARD,
                values=" ".join(map(str, forward[:-1])),
                total=forward[-1],
            )
    if step.type == "cells":
        for cell in step.cells:
            if cell.endswith(".in_force") and cell in previous.active:
                return message(Code.CHAT_LAST_IN_FORCE, count=previous.active[cell])
    if step.name == "last_year_rectification":
        items = last_year_problems(previous)
        if items:
            numbered = "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))
            return message(Code.CHAT_LAST_PROBLEMS, problems=numbered, count=len(items))
    return None


def region_note(step: Step, report: Report) -> str | None:
    """For a supervising office's own report, at the questions of its narrative: what the
    sum of its agencies' approved reports shows (the largest shares, the reports returned),
    as the last 汇总下级 kept it."""
    kept = report.extra.get(REGION_SUM)
    lines = kept.get(REGION_SUGGESTIONS) if isinstance(kept, dict) else None
    if step.name not in REGION_NOTE_STEPS or not lines:
        return None
    return message(Code.CHAT_REGION_SUGGESTIONS, lines="\n".join(map(str, lines)))


def last_year_problems(previous: Report) -> list[str]:
    """Last year's problems and the measures it promised, as items to report on: its
    answers, else the sentences of its part 五, without the sentences that only lead into
    a list (……推动工作再上台阶：) and without their 一是/1. numbering."""
    answers = previous.answers
    stored = [answers.get("problems"), answers.get("measures")]
    if any(isinstance(a, list) and a for a in stored):
        items = [str(p) for a in stored if isinstance(a, list) for p in a]
    else:
        text = str(previous.narrative.get("problems") or "")
        items = [s for s in PROBLEM_SPLIT.split(text) if not s.strip().endswith(LEADS_IN)]
    cleaned = (BULLET.sub("", item).strip() for item in items)
    return [item[:PROBLEM_CHARS] for item in cleaned if item][:MAX_PROBLEMS]


def question_text(
    step: Step, report: Report, m: ReportModel, previous: Report | None = None
) -> str:
    """The question as shown: label, hint, example, last year's figure, the current value."""
    label = step.label
    answered_rows = all(r.key in report.applications for r in m.applications.dispositions)
    if (
        step.type == "carry_forward"
        and answered_rows
        and {"new", "carried_over"} <= report.applications.keys()
    ):
        _, forward = carry_forward_values(report, m)
        label = message(
            Code.CHAT_CARRY_FORWARD,
            label=step.label,
            values=" ".join(map(str, forward[:-1])),
            total=forward[-1],
        )
    if step.type == "counts":
        names = "、".join(c.label for c in counted_choices(step, report))
        label = message(Code.PST_COUNTS_ORDER, label=step.label, channels=names)
    text = message(Code.CHAT_QUESTION, label=label, hint=step.hint, example=step.example)
    standard = standard_text(step, report)
    if standard:
        text += "\n" + message(Code.PST_STANDARD, text=standard)
    for note in (last_year_note(step, previous), region_note(step, report)):
        if note is not None:
            text += "\n" + note
    value = current_value(step, report, m)
    if value is not None:
        text += "\n" + message(Code.CHAT_CURRENT_VALUE, value=value)
    return text
