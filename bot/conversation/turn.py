"""One turn of the conversation: asking the questions and moving between them.

:class:`Turn` adds to its working state (:mod:`~bot.conversation.turn_state`) and its
set-up questions (:mod:`~bot.conversation.setup_questions`) how to ask a step, move to the
next unanswered one, and resume where the officer left off (with or without an open
report). What commands do (:mod:`~bot.conversation.commands`), set-up answers
(:mod:`~bot.conversation.setup`) and answers to questions
(:mod:`~bot.conversation.engine`) are plain functions over a turn.
"""

from __future__ import annotations

from bot.checks.rules import carried_over, in_force_trend, large_figures
from bot.conversation.command_words import spec
from bot.conversation.defaults import Default, offer_lines, part_defaults, with_confirm_all
from bot.conversation.effects import ALL_FORMATS, EXPORT_FORMATS
from bot.conversation.flows import Choice, Flow
from bot.conversation.flows import Step as Question
from bot.conversation.journey import (
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
    Step,
)
from bot.conversation.session import apply_change as apply
from bot.conversation.setup_questions import SetupQuestions
from bot.conversation.table_answers import check_carry_forward
from bot.conversation.types import Context, Reply
from bot.format.catalogue import Code, UserError, message
from bot.format.findings import Finding
from bot.format.model import ReportModel

FAST_PART = "active"  # entering it, the officer hears that a filled workbook fills all tables
# warnings the officer is asked to correct or explain as soon as an answer causes them
LIVE_WARNINGS = (carried_over, in_force_trend)  # against last year's report
LIVE_ALWAYS = (large_figures,)  # a figure far larger than the agency's level reports


class Turn(SetupQuestions):
    """State, replies and navigation of one turn; see :func:`bot.conversation.engine.handle`."""

    def __init__(
        self, flow: Flow, session: Session, ctx: Context, m: ReportModel | None = None
    ) -> None:
        super().__init__(flow, session, ctx, m)
        # worked out once a turn until an answer is stored: the plan, the usual answers
        self._plan: list[Question] | None = None
        self._defaults: dict[str, tuple[Default, ...]] = {}

    # --- replies and effects -------------------------------------------------------------

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

    # --- the year of a file read

    def ask_import_year(self, pending: ImportYear) -> None:
        """Ask the year of the file ``pending`` holds: last year's or this year's."""
        assert self.report is not None
        year, previous = self.report.year, self.report.year - 1
        choices = (Choice(str(previous), str(previous)), Choice(str(year), str(year)))
        params = {"name": pending.name, "previous": previous, "year": year}
        self.choose(Code.IMP_CHAT_ASK_YEAR, choices, Step.IMPORT_YEAR, **params)
