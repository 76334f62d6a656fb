"""One turn of the conversation: its working state, its replies, and moving between steps.

:class:`Turn` holds the working copy of the session and report and the outcome being
built. It knows how to ask a step, move to the next unanswered one, and resume where the
officer left off (with or without an open report). What commands do
(:mod:`~bot.conversation.commands`), set-up answers (:mod:`~bot.conversation.setup`) and
answers to questions (:mod:`~bot.conversation.engine`) are plain functions over a turn.
"""

from __future__ import annotations

from bot.checks.rules import carried_over, in_force_trend, large_figures
from bot.conversation.answers import check_carry_forward
from bot.conversation.command_words import spec
from bot.conversation.defaults import Default, offer_lines, part_defaults, with_confirm_all
from bot.conversation.effects import ALL_FORMATS, EXPORT_FORMATS, Effect, NewReport, ShowReviews
from bot.conversation.flows import Choice, Flow
from bot.conversation.flows import Step as Question
from bot.conversation.journey import (
    Facts,
    find_step,
    is_answered,
    is_relevant,
    next_step,
    plan,
    progress,
    question_text,
    step_choices,
)
from bot.conversation.session import (
    Change,
    ImportYear,
    LiveWarning,
    Session,
    SetupAnswers,
    Step,
)
from bot.conversation.session import apply_change as apply
from bot.conversation.types import Context, Outcome, Reply, level_choices
from bot.format.agency_names import infer_level
from bot.format.catalogue import Code, UserError, message
from bot.format.findings import Finding
from bot.format.model import ReportModel, model

REPORT_CHOICE, NEW_REPORT = "report:", "new"  # choice names at 报告列表 (report:<id>)
PREPARING_FROM_MONTH = 10  # from October, a new report is for the current year
FAST_PART = "active"  # entering it, the officer hears that a filled workbook fills all tables
# warnings the officer is asked to correct or explain as soon as an answer causes them
LIVE_WARNINGS = (carried_over, in_force_trend)  # against last year's report
LIVE_ALWAYS = (large_figures,)  # a figure far larger than the agency's level reports


class Turn:
    """State, replies and navigation of one turn; see :func:`bot.conversation.engine.handle`."""

    def __init__(
        self, flow: Flow, session: Session, ctx: Context, m: ReportModel | None = None
    ) -> None:
        self.flow, self.ctx, self.m = flow, ctx, m or model()
        self.out = Outcome(session.copy())
        self.report = ctx.report.copy() if ctx.report is not None else None
        self.facts = Facts(has_previous=ctx.previous is not None)
        # worked out once a turn until an answer is stored: the plan, the usual answers
        self._plan: list[Question] | None = None
        self._defaults: dict[str, tuple[Default, ...]] = {}

    @property
    def session(self) -> Session:
        """The session being changed by this turn."""
        return self.out.session

    # --- replies and effects -------------------------------------------------------------

    def say(self, code: Code, **params: object) -> None:
        """A plain message from the catalogue."""
        self.out.say(code, **params)

    def effect(self, effect: Effect) -> None:
        """Ask the service to do something, at this point among the replies."""
        self.out.replies.append(effect)

    def ask(self, step: Question) -> None:
        """Ask the question ``step``, with its choices."""
        assert self.report is not None
        choices = self.question_choices(step)
        self.out.replies.append(
            Reply(
                question_text(step, self.report, self.m, self.ctx.previous),
                Code.CHAT_QUESTION,
                choices,
                step.name,
                multi=step.type in ("select_multiple", "select_rows"),
            )
        )
        if step.type == "carry_forward":
            try:
                check_carry_forward(self.report, self.m)
            except UserError as exc:
                self.say(exc.code, **exc.params)

    def choose(
        self, code: Code, choices: tuple[Choice, ...], step: Step, **params: object
    ) -> None:
        """Ask a built-in choice question."""
        self.out.replies.append(Reply(message(code, **params), code, choices, step))

    def show_progress(self) -> None:
        """Progress of each part."""
        assert self.report is not None
        lines = [
            message(Code.CHAT_PROGRESS_HEADER, agency=self.report.agency, year=self.report.year)
        ]
        lines += [
            message(
                Code.CHAT_PROGRESS_LINE, title=p.title, done=p.done, total=p.total, unit=p.unit
            )
            for p in progress(self.flow, self.report, self.facts, self.m)
        ]
        self.out.replies.append(Reply("\n".join(lines), Code.CHAT_PROGRESS_LINE))

    def report_choices(self, *, new: bool = True) -> tuple[Choice, ...]:
        """The user's reports to open, and (with ``new``) a new one."""
        reports = tuple(
            Choice(f"{REPORT_CHOICE}{r.id}", f"{r.agency}{r.year}年") for r in self.ctx.reports
        )
        return (*reports, Choice(NEW_REPORT, message(Code.CHAT_NEW_REPORT))) if new else reports

    def menu_choices(self) -> tuple[Choice, ...]:
        """Continue, or one of the six parts."""
        return (
            Choice("continue", message(Code.CHAT_CONTINUE)),
            *(Choice(p.key, p.title) for p in self.m.parts),
        )

    def menu(self) -> None:
        """The menu: progress and the six parts."""
        self.show_progress()
        self.session.to(Step.MENU)
        self.choose(Code.CHAT_CONTINUE, self.menu_choices(), Step.MENU)

    def ask_export(self) -> None:
        """Ask the format of an export."""
        formats = tuple(Choice(f, f) for f in EXPORT_FORMATS)
        every = Choice(ALL_FORMATS, message(Code.CHAT_EXPORT_ALL))
        self.choose(Code.CHAT_EXPORT_ASK, (*formats, every), Step.EXPORT)

    # --- the report ----------------------------------------------------------------------

    def writable(self) -> bool:
        """Whether the user may change the report; if not, say so and ask again."""
        if self.ctx.can_edit:
            return True
        self.say(Code.REV_READ_ONLY)
        self.reask()
        return False

    def store(self, changes: list[Change]) -> None:
        """Record changes and apply them to the working copy of the report."""
        assert self.report is not None
        for change in changes:
            apply(self.report, change)
        self.out.changes += changes
        self._plan = None
        self._defaults.clear()

    def current(self) -> Question | None:
        """The question the officer is at, if at one."""
        if self.session.step is not Step.QUESTION or self.session.question is None:
            return None
        return find_step(self.flow, self.session.question, self.m)

    # --- navigation ----------------------------------------------------------------------

    def go(self, step: Question | None, *, remember: bool = True) -> None:
        """Make ``step`` current and ask it; None means everything is answered."""
        here = self.session.question if self.session.step is Step.QUESTION else None
        history = self.session.history
        if remember and here is not None and (not history or history[-1] != here):
            self.session.history = [*history, here][-50:]
        if step is None:
            self.session.to(Step.DONE)
            self.choose(
                Code.CHAT_ALL_DONE,
                tuple(Choice(n, spec(n).words[0]) for n in ("preview", "check", "export")),
                Step.DONE,
            )
            return
        fresh = self.report is not None and not is_answered(step, self.report)
        if fresh and self.nothing_carried_over(step):
            # last year carried nothing forward: this year's 上年结转 is 0, not asked
            width = self.m.applications.width
            self.store([Change("applications", "carried_over", [0] * width)])
            assert self.ctx.previous is not None
            self.say(Code.CHAT_NOTHING_CARRIED_OVER, year=self.ctx.previous.year)
            self.advance()
            return
        if step.part == FAST_PART and fresh and self.first_of_part(step):
            self.say(Code.CHAT_TABLES_IN_ONE_FILE)  # the one-message path, where it helps
        defaults = self.defaults(step) if fresh else ()
        if defaults and self.first_of_part(step):
            self.say(Code.CHAT_DEFAULTS_OFFER, lines=offer_lines(defaults))
        self.session.ask(step.name)
        self.ask(step)

    def nothing_carried_over(self, step: Question) -> bool:
        """Whether ``step`` asks 上年结转 and last year's report carried nothing forward."""
        previous = self.ctx.previous
        if step.type != "row" or step.row != "carried_over" or previous is None:
            return False
        forward = previous.applications.get("carry_forward")
        return forward is not None and not any(forward)

    def first_of_part(self, step: Question) -> bool:
        """Whether ``step`` is the first question of its part asked for this report."""
        assert self.report is not None
        steps = [s for s in self.plan() if s.part == step.part]
        first = next((s for s in steps if is_relevant(s, self.report, self.facts, self.m)), None)
        return first is not None and first.name == step.name

    def question_choices(self, step: Question) -> tuple[Choice, ...]:
        """The choices (buttons) of ``step``: 全部确认 last where the part's usual answers
        are offered."""
        choices = step_choices(step, self.m)
        return with_confirm_all(choices) if self.defaults(step) else choices

    def plan(self) -> list[Question]:
        """The steps of the report in journey order, as its answers now stand."""
        assert self.report is not None
        if self._plan is None:
            self._plan = plan(self.flow, self.report, self.m)
        return self._plan

    def defaults(self, step: Question) -> tuple[Default, ...]:
        """The usual answers 全部确认 takes at ``step`` (empty: not offered there)."""
        assert self.report is not None
        if step.name not in self._defaults:
            found = part_defaults(self.plan(), step, self.report, self.facts, self.m)
            self._defaults[step.name] = found
        return self._defaults[step.name]

    def first_unanswered(self) -> Question | None:
        """The first question of the plan still to answer."""
        assert self.report is not None
        steps = self.plan()
        return next_step(steps, self.report, self.facts, None, self.m)

    def advance(self) -> None:
        """Go to the next unanswered step (back to an edit's origin first)."""
        assert self.report is not None
        steps = self.plan()
        origin = self.session.return_to
        self.session.return_to = None
        here_name = self.session.question if self.session.step is Step.QUESTION else None
        if self.session.walking and here_name is not None and not origin:
            # 转到 a part: its next question, answered or not, until the part ends
            names = [s.name for s in steps]
            after = steps[names.index(here_name) + 1 :] if here_name in names else []
            part = [s for s in after if s.part == self.session.walking]
            relevant = [s for s in part if is_relevant(s, self.report, self.facts, self.m)]
            if relevant:
                self.go(relevant[0])
                return
            self.session.walking = None
        if origin:
            # an edit may leave steps between it and its origin to answer again (a total
            # to confirm); ask those first, then return to where the officer was
            names = [s.name for s in steps]
            here = names.index(here_name) if here_name in names else 0
            there = names.index(origin) + 1 if origin in names else here
            between = steps[here:there] if here < there else []
            target = next_step(between, self.report, self.facts, None, self.m) if between else None
            if target is None:
                back = find_step(self.flow, origin, self.m)
                answered = back is None or is_answered(back, self.report)
                target = back if not answered else self.first_unanswered()
            if target is not None and target.name != origin:
                self.session.return_to = origin
            self.go(target, remember=False)
            return
        self.go(next_step(steps, self.report, self.facts, here_name, self.m))

    def reask(self) -> None:
        """Ask the current question again (or resume when not at one)."""
        step = self.current()
        if self.report is None or step is None:
            self.resume()
        else:
            self.ask(step)

    def reask_if_open(self) -> None:
        """After an aside, show the current question (or the menu) again."""
        if self.report is None and not self.ctx.can_create:
            self.reviewer_home(queue=False)  # the queue was shown on arrival, and by 审核
        elif self.report is None:
            self.resume()
        elif self.session.step is Step.MENU:
            self.menu()
        elif self.session.step is Step.DONE:
            if not self.out.replies:  # said once; again only when nothing else answers
                self.go(None, remember=False)
        elif self.session.step is Step.EXPORT:
            self.ask_export()
        else:
            self.reask()

    def resume(self, *, welcome: bool = False) -> None:
        """Continue where the user left off (or start); ``welcome`` first says where that
        is. A reason asked for and not given yet is asked for again."""
        if self.report is None:
            self.resume_setup()
            return
        pending = self.session.pending
        if self.session.step is Step.IMPORT_YEAR and isinstance(pending, ImportYear):
            self.ask_import_year(pending)
            return
        if self.session.step is Step.LEVEL:
            self.ask_level(Step.LEVEL)
            return
        step = self.current()
        if welcome:
            here = step.part if step is not None else None
            title = self.m.part(here).title if here else message(Code.CHAT_RESUMED_DONE)
            self.say(Code.CHAT_RESUMED, agency=self.report.agency, year=self.report.year, at=title)
        if isinstance(pending, LiveWarning) and step is not None and pending.question == step.name:
            found = [f for f in self.live_warnings() if f.key == pending.warning]
            if found:
                self.say(Code.CHAT_WARNING_ASK, warning=found[0].message())
                return
            self.session.pending = None
        if step is not None and not is_answered(step, self.report):
            self.ask(step)
            return
        self.go(self.first_unanswered(), remember=False)

    def live_warnings(self) -> list[Finding]:
        """Warnings an answer can cause that must be explained or corrected at once: a
        figure far too large, and (with last year's report) the comparisons with it."""
        assert self.report is not None
        rules = LIVE_ALWAYS + (LIVE_WARNINGS if self.ctx.previous is not None else ())
        return [f for rule in rules for f in rule(self.report, self.ctx.previous, self.m)]

    def goto_part(self, part: str) -> None:
        """Go to the first unanswered (or the first) relevant step of ``part``."""
        assert self.report is not None
        steps = [s for s in self.plan() if s.part == part]
        relevant = [s for s in steps if is_relevant(s, self.report, self.facts, self.m)]
        target = next(
            (s for s in relevant if not is_answered(s, self.report)),
            relevant[0] if relevant else None,
        )
        self.say(Code.CHAT_WENT_TO, title=self.m.part(part).title)
        if target is not None:
            self.session.walking = part
            self.go(target)

    # --- without an open report: choosing or setting one up ------------------------------

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

    def ask_import_year(self, pending: ImportYear) -> None:
        """Ask the year of the file ``pending`` holds: last year's or this year's."""
        assert self.report is not None
        year, previous = self.report.year, self.report.year - 1
        choices = (Choice(str(previous), str(previous)), Choice(str(year), str(year)))
        params = {"name": pending.name, "previous": previous, "year": year}
        self.choose(Code.IMP_CHAT_ASK_YEAR, choices, Step.IMPORT_YEAR, **params)

    def ask_year(self) -> None:
        """Ask the year reported on: the default first, the year before it beside it."""
        default = self.default_year()
        choices = tuple(Choice(str(y), str(y)) for y in (default, default - 1))
        self.choose(Code.CHAT_ASK_YEAR, choices, Step.SETUP_YEAR, default=default)
