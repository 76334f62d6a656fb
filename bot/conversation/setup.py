"""Answers before a report is open: which report, or a new one's agency, level, region
and year.

An agency is created by its first officer, who becomes its admin; the service creates
the agency and the report this module asks for with a :class:`NewReport` effect, and
opens a chosen one with :class:`OpenReport`.
"""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.effects import OpenReport, SetAgencyLevel
from bot.conversation.session import Change, LevelChange, SetupAnswers, Step
from bot.conversation.turn import Turn
from bot.conversation.turn_state import NEW_REPORT, REPORT_CHOICE
from bot.conversation.types import level_changes, level_choices, rule_cells
from bot.conversation.words import is_confirm, match_choices
from bot.format.agency_names import infer_level
from bot.format.catalogue import Code, UserError, message
from bot.format.report import FIRST_YEAR

MAX_AGENCY, MAX_REGION = 60, 40


def answer_setup(t: Turn, text: str) -> None:
    """One answer at a set-up step."""
    where, value = t.session.step, text.strip()
    answers = t.session.pending if isinstance(t.session.pending, SetupAnswers) else None
    if where is Step.CHOOSE_REPORT:
        choose_report(t, value)
    elif where is Step.SETUP_CHOOSE_AGENCY:
        choose_agency(t, value)
    elif where is Step.SETUP_AGENCY:
        agency = agency_name(text)
        if not 2 <= len(agency) <= MAX_AGENCY:
            t.say(Code.CHAT_BAD_AGENCY)
            return
        if t.ctx.name_taken:  # said at once, not after three more questions
            t.say(Code.REV_AGENCY_TAKEN, agency=agency)
            return
        t.session.pending = SetupAnswers(agency)
        t.session.to(Step.SETUP_LEVEL)
        t.ask_level()
    elif answers is None:  # a set-up answer without its agency: start the set-up again
        t.session.restart()
        t.resume()
    elif where is Step.SETUP_LEVEL:
        choose_level(t, answers, value)
    elif where is Step.SETUP_REGION:
        region = " ".join(text.split())
        if not 2 <= len(region) <= MAX_REGION:
            t.say(Code.REV_ASK_REGION)
            return
        t.session.pending = replace(answers, region=region)
        t.session.to(Step.SETUP_YEAR)
        t.ask_year()
    else:
        choose_year(t, answers, value)


def agency_name(text: str) -> str:
    """An agency's name as typed, as it is kept (single spaces, trimmed)."""
    return " ".join(text.split())


def choose_agency(t: Turn, value: str) -> None:
    """Which of the user's agencies the new report is for."""
    try:
        [chosen] = match_choices(t.agency_choices(), value, many=False, example="1")
    except UserError as exc:
        t.say(exc.code, **exc.params)
        t.ask_agency()
        return
    t.pick_agency(int(chosen))


def choose_level(t: Turn, answers: SetupAnswers, value: str) -> None:
    """The new agency's level; its region is asked next."""
    proposed = infer_level(answers.agency)
    try:
        if proposed is not None and is_confirm(value):
            level = proposed  # the level its name shows, confirmed
        else:
            [level] = match_choices(level_choices(t.m), value, many=False, example="4")
    except UserError as exc:
        t.say(exc.code, **exc.params)
        t.ask_level()
        return
    t.session.pending = replace(answers, level=level)
    if answers.agency_id is not None:  # an agency the officer belongs to: no region asked
        t.year_or_ask()
        return
    t.session.to(Step.SETUP_REGION)
    t.say(Code.REV_ASK_REGION)


def ask_level_change(t: Turn) -> None:
    """修改 层级: the open report's agency level, asked again; then back where it began."""
    back = t.session.return_to or t.session.key
    t.session.pending = LevelChange(back)
    t.session.to(Step.LEVEL)
    t.ask_level(Step.LEVEL)


def change_level(t: Turn, value: str) -> None:
    """The level chosen after 修改 层级: stored with what it implies (规章 0 where rules
    cannot be made; asked again where they now can), kept for the agency's next reports."""
    pending, report = t.session.pending, t.report
    if not isinstance(pending, LevelChange) or report is None:
        t.session.restart()
        t.resume()
        return
    try:
        [level] = match_choices(level_choices(t.m), value, many=False, example="4")
    except UserError as exc:
        t.say(exc.code, **exc.params)
        t.ask_level(Step.LEVEL)
        return
    changes, notes = level_changes(level, t.m)
    before = report.agency_level
    if t.m.level(level).may_make_rules and before and not t.m.level(before).may_make_rules:
        changes += [Change("active", path, None) for path in rule_cells(t.m)]  # to be asked
    t.store(changes)
    t.effect(SetAgencyLevel(level))
    t.say(Code.CHAT_LEVEL_CHANGED, level=t.m.level(level).label)
    t.out.replies += notes
    t.session.pending = None
    t.session.to_key(pending.back_to)
    t.reask_if_open()


def choose_report(t: Turn, value: str) -> None:
    """Open one of the user's reports (by its number in the list, its button, or any part
    of its name alone), or start a new one: offered only to those who may, and a reviewer
    asking for one is told why not."""
    if value in (NEW_REPORT, message(Code.CHAT_NEW_REPORT)):
        t.new_report()  # refused to a reviewer, with the reason
        return
    choices = t.report_choices(new=t.ctx.can_create)  # as listed: numbers mean those
    try:
        [chosen] = match_choices(choices, value, many=False, example="1")
    except UserError as exc:
        t.say(exc.code, **exc.params)
        t.resume()
        return
    if chosen == NEW_REPORT:
        t.new_report()
        return
    report_id = int(chosen.removeprefix(REPORT_CHOICE))
    t.session.report_id = report_id
    t.session.to(Step.START)
    t.effect(OpenReport(report_id))


def choose_year(t: Turn, answers: SetupAnswers, value: str) -> None:
    """The year: the report is then created (or opened) by the service."""
    if answers.level is None:
        t.session.restart()
        t.resume()
        return
    default = t.default_year()
    value = value.removesuffix("年")
    if is_confirm(value) or value == str(default):
        year = default
    elif value.isdecimal() and FIRST_YEAR <= int(value) <= t.ctx.today.year:
        year = int(value)
    else:
        t.say(Code.CHAT_BAD_YEAR, value=value, example=default)
        return
    t.create(answers, year)
