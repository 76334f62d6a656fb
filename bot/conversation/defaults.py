"""A part most agencies answer the same way, taken in one message (全部确认).

Part 六 is, for most agencies, no 信息处理费, the two standard sentences and nothing more.
Entering such a part, the officer sees those answers listed and may take them all at once
instead of answering five questions. A question has a default when the flow gives one
(``default:`` of a select_one), when it has a standard sentence, or when it may be
skipped; a part is offered when every question of it still to ask has one.

Pure: what the defaults are and how they read; the turn stores them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.answers import standard_text
from bot.conversation.command_words import spec
from bot.conversation.flows import Choice, Step
from bot.conversation.journey import Facts, is_answered, is_relevant
from bot.conversation.session import Change
from bot.conversation.words import is_word
from bot.format.catalogue import Code, message
from bot.format.model import ReportModel
from bot.format.paragraphs import by_id
from bot.format.report import Report

MIN_DEFAULTS = 2  # one default is no saving over answering the question


@dataclass(frozen=True, slots=True)
class Default:
    """The answer a question takes with 全部确认, and how it reads in the offer."""

    step: Step
    value: Any
    shown: str

    @property
    def change(self) -> Change:
        """The answer, as stored."""
        return Change("answers", self.step.name, self.value)


def default_of(step: Step, report: Report) -> Default | None:
    """The default answer of ``step``, or None when it has none."""
    if step.default:
        label = next(c.label for c in step.choices if c.name == step.default)
        return Default(step, step.default, label)
    standard = standard_text(step, report)
    if standard:
        return Default(step, standard, standard)
    if not step.required and step.type in ("text", "list"):
        return Default(step, [] if step.type == "list" else "", message(Code.CHAT_DEFAULT_NONE))
    return None


def part_defaults(
    planned: Sequence[Step], step: Step, report: Report, facts: Facts, m: ReportModel
) -> tuple[Default, ...]:
    """The defaults of the questions of ``step``'s part still to answer, from ``step`` on
    (``planned``: the report's steps; relevant as the report stands); empty unless every
    one of them has a default and there are at least :data:`MIN_DEFAULTS`."""
    if default_of(step, report) is None:  # most questions: no need to look further
        return ()
    steps = [s for s in planned if s.part == step.part]
    names = [s.name for s in steps]
    if step.name not in names:
        return ()
    found = []
    for later in steps[names.index(step.name) :]:
        if is_answered(later, report) or not is_relevant(later, report, facts, m):
            continue
        default = default_of(later, report)
        if default is None:
            return ()
        found.append(default)
    return tuple(found) if len(found) >= MIN_DEFAULTS else ()


def offer_lines(defaults: tuple[Default, ...]) -> str:
    """Each question (in a few words) with the answer 全部确认 gives it, one per line."""
    return "\n".join(f"· {d.step.short or d.step.label}：{d.shown}" for d in defaults)


def with_confirm_all(choices: tuple[Choice, ...]) -> tuple[Choice, ...]:
    """A question's choices with 全部确认 last (a button in Telegram, a number in the
    terminal)."""
    word = message(Code.CHAT_CONFIRM_ALL)
    return (*choices, Choice(word, word))


def is_confirm_all(text: str, choices: tuple[Choice, ...]) -> bool:
    """Whether ``text`` takes the part's defaults: 全部确认 (or its like), or the number of
    that choice among ``choices`` (as :func:`with_confirm_all` made them)."""
    value = text.strip()
    return is_word("confirm_all", value) or value == str(len(choices))


def edit_example(defaults: tuple[Default, ...]) -> str:
    """How to rewrite one of the answers taken: 修改 and the first one's paragraph."""
    for d in defaults:
        target = by_id(f"{d.step.part}.{d.step.name}")
        if target is not None:
            return f"{spec('edit').words[0]} {target.names[0]}"
    return f"{spec('edit').words[0]} {defaults[0].step.short or defaults[0].step.name}"
