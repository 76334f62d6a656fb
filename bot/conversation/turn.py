"""The base of one conversation turn: state, replies and navigation between steps.

:class:`Turn` holds the working copy of the session and report, knows how to ask a step,
move to the next unanswered one and resume where the user left off. Commands
(``bot/command_handlers.py``) and answers (``bot/engine.py``) build on it.
"""

from __future__ import annotations

from bot.conversation.answers import check_carry_forward
from bot.conversation.command_words import spec
from bot.conversation.flows import Choice, Flow, Step
from bot.conversation.journey import (
    Facts,
    find_step,
    is_answered,
    next_step,
    plan,
    progress,
    question_text,
    step_choices,
)
from bot.conversation.session import Change, Session, apply_change
from bot.conversation.types import Context, Outcome, Reply
from bot.format.catalogue import Code, UserError, message
from bot.format.model import ReportModel, model


class Turn:
    """State and navigation of one turn; see :func:`bot.conversation.engine.handle`."""

    def __init__(
        self, flow: Flow, session: Session, ctx: Context, m: ReportModel | None = None
    ) -> None:
        self.flow, self.ctx, self.m = flow, ctx, m or model()
        self.out = Outcome(session.copy())
        self.report = ctx.report.copy() if ctx.report is not None else None
        self.facts = Facts(has_previous=ctx.previous is not None)

    @property
    def session(self) -> Session:
        """The session being changed by this turn."""
        return self.out.session

    # --- replies ---------------------------------------------------------------------

    def ask(self, step: Step) -> None:
        """Ask ``step``, with its choices."""
        assert self.report is not None
        choices = step_choices(step, self.m)
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
                self.out.say(exc.code, **exc.params)

    def choose(self, code: Code, choices: tuple[Choice, ...], step: str, **params: object) -> None:
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

    def menu(self) -> None:
        """The menu: progress and the six parts."""
        self.show_progress()
        choices = (
            Choice("continue", message(Code.CHAT_CONTINUE)),
            *(Choice(p.key, p.title) for p in self.m.parts),
        )
        self.session.step = "menu"
        self.out.replies.append(
            Reply(message(Code.CHAT_CONTINUE), Code.CHAT_CONTINUE, choices, "menu")
        )

    # --- navigation ------------------------------------------------------------------

    def go(self, step: Step | None, *, remember: bool = True) -> None:
        """Make ``step`` current and ask it; None means everything is answered."""
        if (
            remember
            and self.session.step not in ("menu", "done", "export")
            and (not self.session.history or self.session.history[-1] != self.session.step)
        ):
            self.session.history = [*self.session.history, self.session.step][-50:]
        if step is None:
            self.session.step = "done"
            self.out.replies.append(
                Reply(
                    message(Code.CHAT_ALL_DONE),
                    Code.CHAT_ALL_DONE,
                    tuple(Choice(n, spec(n).words[0]) for n in ("preview", "check", "export")),
                    "done",
                )
            )
            return
        self.session.step = step.name
        self.ask(step)

    def advance(self) -> None:
        """Go to the next unanswered step (back to an edit's origin first)."""
        assert self.report is not None
        steps = plan(self.flow, self.report, self.m)
        origin = self.session.return_to
        self.session.return_to = None
        if origin:
            # an edit may leave steps between it and its origin to answer again (a total
            # to confirm); ask those first, then return to where the officer was
            names = [s.name for s in steps]
            here = names.index(self.session.step) if self.session.step in names else 0
            there = names.index(origin) + 1 if origin in names else here
            between = steps[here:there] if here < there else []
            target = next_step(between, self.report, self.facts, None, self.m) if between else None
            if target is None:
                back = find_step(self.flow, origin, self.m)
                answered = back is None or is_answered(back, self.report)
                target = (
                    back
                    if not answered
                    else next_step(steps, self.report, self.facts, None, self.m)
                )
            if target is not None and target.name != origin:
                self.session.return_to = origin
            self.go(target, remember=False)
            return
        self.go(next_step(steps, self.report, self.facts, self.session.step, self.m))

    def writable(self) -> bool:
        """Whether the user may change the report; if not, say so and ask again."""
        if self.ctx.can_edit:
            return True
        self.out.say(Code.REV_READ_ONLY)
        self.reask()
        return False

    def store(self, changes: list[Change]) -> None:
        """Record changes and apply them to the working copy of the report."""
        assert self.report is not None
        for change in changes:
            apply_change(self.report, change)
        self.out.changes += changes

    def current_type(self) -> str:
        step = find_step(self.flow, self.session.step, self.m)
        return step.type if step is not None else ""

    def reask(self) -> None:
        """Ask the current question again."""
        step = find_step(self.flow, self.session.step, self.m)
        if self.report is None or step is None:
            self.resume()
        else:
            self.ask(step)

    def resume(self) -> None:
        """Continue where the user left off (or start)."""
        if self.report is None:
            self.resume_setup()
            return
        step = find_step(self.flow, self.session.step, self.m)
        if step is not None and not is_answered(step, self.report):
            self.ask(step)
            return
        self.go(
            next_step(plan(self.flow, self.report, self.m), self.report, self.facts, None, self.m),
            remember=False,
        )

    def resume_setup(self) -> None:
        """Without an open report: ask the set-up question the user is at."""
        raise NotImplementedError  # bot.conversation.setup.Onboarding

    def resume_next(self) -> None:
        assert self.report is not None
        self.go(
            next_step(plan(self.flow, self.report, self.m), self.report, self.facts, None, self.m),
            remember=False,
        )

    def goto_part(self, part: str) -> None:
        """Go to the first unanswered (or the first) relevant step of ``part``."""
        assert self.report is not None
        steps = [s for s in plan(self.flow, self.report, self.m) if s.part == part]
        relevant = [
            s
            for s in steps
            if next_step([s], self.report, self.facts, None, self.m) or is_answered(s, self.report)
        ]
        target = next(
            (s for s in relevant if not is_answered(s, self.report)),
            relevant[0] if relevant else None,
        )
        self.out.say(Code.CHAT_WENT_TO, title=self.m.part(part).title)
        if target is not None:
            self.go(target)
