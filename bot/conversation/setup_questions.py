"""Asking, before a report is open, which report to open or a new one's agency, level
and year: the set-up questions of :class:`~bot.conversation.turn.Turn`.

The answers are read by :mod:`~bot.conversation.setup`; a new report is created by the
service (:class:`~bot.conversation.effects.NewReport`).
"""

from __future__ import annotations

from bot.conversation.effects import NewReport, ShowReviews
from bot.conversation.flows import Choice
from bot.conversation.session import SetupAnswers, Step
from bot.conversation.turn_state import TurnState
from bot.conversation.types import Reply, level_choices
from bot.format.agency_names import infer_level
from bot.format.catalogue import Code, message

PREPARING_FROM_MONTH = 10  # from October, a new report is for the current year


class SetupQuestions(TurnState):
    """The questions asked without an open report."""

    def resume_setup(self) -> None:
        """Ask the set-up question the user is at, or which report to open."""
        where, pending = self.session.step, self.session.pending
        answers = pending if isinstance(pending, SetupAnswers) else None
        if where is Step.SETUP_LEVEL and answers is not None:
            self.ask_level()
        elif where is Step.SETUP_REGION and answers is not None and answers.level:
            self.say(Code.REV_ASK_REGION)
        elif where is Step.SETUP_YEAR and answers is not None and answers.level:
            self.year_or_ask()
        elif where is Step.SETUP_CHOOSE_AGENCY:
            self.ask_agency()
        elif where is Step.SETUP_AGENCY:
            self.say(Code.CHAT_ASK_AGENCY)
        elif not self.ctx.can_create:
            self.reviewer_home()
        elif self.ctx.reports:
            self.session.to(Step.CHOOSE_REPORT)
            self.choose(Code.CHAT_CHOOSE_REPORT, self.report_choices(), Step.CHOOSE_REPORT)
        else:
            self.new_report()

    def reviewer_home(self, *, queue: bool = True) -> None:
        """A reviewer's landing: the reports to read, then the versions waiting for them
        (last, so that their buttons are the ones at hand); never a new report. After
        审核 the queue alone."""
        if any(isinstance(e, ShowReviews) for e in self.out.effects):
            self.session.to(Step.START)
            return
        if self.ctx.reports:
            choices = self.report_choices(new=False)
            self.session.to(Step.CHOOSE_REPORT)
            self.choose(Code.CHAT_CHOOSE_REPORT_TO_READ, choices, Step.CHOOSE_REPORT)
        else:
            self.session.to(Step.START)
        if queue:
            self.effect(ShowReviews())

    def new_report(self) -> None:
        """Start a new report: for the user's agency, or for an agency they create."""
        if not self.ctx.can_create:
            role, action = message(Code.REV_ROLE_REVIEWER), message(Code.REV_ACTION_EDIT)
            self.say(Code.REV_FORBIDDEN, role=role, action=action)
            self.reviewer_home()
            return
        agencies = self.ctx.agencies
        if len(agencies) == 1:
            self.pick_agency(agencies[0].id)
        elif agencies:
            self.session.to(Step.SETUP_CHOOSE_AGENCY)
            self.ask_agency()
        else:
            self.session.to(Step.SETUP_AGENCY)
            self.session.pending = None
            self.say(Code.CHAT_ASK_AGENCY)

    def pick_agency(self, agency_id: int) -> None:
        """A new report for an agency the user belongs to: only the year is asked."""
        agency = next(a for a in self.ctx.agencies if a.id == agency_id)
        level = agency.level or None  # unknown for an agency made by loading a report
        self.session.pending = SetupAnswers(agency.name, level, agency_id=agency.id)
        if level is None:
            self.session.to(Step.SETUP_LEVEL)
            self.ask_level()
            return
        self.session.to(Step.SETUP_YEAR)
        self.ask_year()

    def agency_choices(self) -> tuple[Choice, ...]:
        """The user's agencies as choices."""
        return tuple(Choice(str(a.id), a.name) for a in self.ctx.agencies)

    def ask_agency(self) -> None:
        """Ask which of the user's agencies a new report is for."""
        self.choose(Code.REV_CHOOSE_AGENCY, self.agency_choices(), Step.SETUP_CHOOSE_AGENCY)

    def ask_level(self, step: Step = Step.SETUP_LEVEL) -> None:
        """Ask the agency's level (at set-up, or after 修改 层级), proposing the one its
        name shows when the name leaves no doubt (回复“好”)."""
        pending = self.session.pending
        text = message(Code.CHAT_ASK_LEVEL)
        if step is Step.SETUP_LEVEL and isinstance(pending, SetupAnswers):
            proposed = infer_level(pending.agency)
            if proposed is not None:
                label = self.m.level(proposed).label
                text += "\n" + message(Code.CHAT_LEVEL_FROM_NAME, level=label)
        self.out.replies.append(Reply(text, Code.CHAT_ASK_LEVEL, level_choices(self.m), step))

    def default_year(self) -> int:
        """The year a new report is for unless the officer says otherwise: the year after
        last year's report sent; else this year's from October on (reports are prepared
        in the last quarter), else last year's."""
        pending = self.session.pending
        if isinstance(pending, SetupAnswers) and pending.year is not None:
            return pending.year
        return self.year_by_date()

    def year_by_date(self) -> int:
        """This year from October on (reports are prepared in the last quarter), else last
        year."""
        today = self.ctx.today
        return today.year if today.month >= PREPARING_FROM_MONTH else today.year - 1

    def year_or_ask(self) -> None:
        """The year of the new report: taken without asking when last year's report sent
        first names it and the date agrees (the officer is told); otherwise asked."""
        pending = self.session.pending
        year = pending.year if isinstance(pending, SetupAnswers) else None
        if isinstance(pending, SetupAnswers) and pending.level and year == self.year_by_date():
            self.say(Code.CHAT_YEAR_FROM_LAST, last=year - 1, year=year)
            self.create(pending, year)
            return
        self.session.to(Step.SETUP_YEAR)
        self.ask_year()

    def create(self, answers: SetupAnswers, year: int) -> None:
        """Have the service create (or open) the report set up by ``answers``."""
        assert answers.level is not None
        self.session.restart()
        self.effect(
            NewReport(answers.agency, answers.level, year, answers.region, answers.agency_id)
        )

    def ask_year(self) -> None:
        """Ask the year reported on: the default first, the year before it beside it."""
        default = self.default_year()
        choices = tuple(Choice(str(y), str(y)) for y in (default, default - 1))
        self.choose(Code.CHAT_ASK_YEAR, choices, Step.SETUP_YEAR, default=default)
