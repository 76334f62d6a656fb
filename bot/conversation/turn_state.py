"""The working state of one turn and its replies: the base of :class:`~bot.conversation.turn.Turn`.

A turn works on a copy of the session and of the open report, and builds the
:class:`~bot.conversation.types.Outcome` the engine returns: replies from the catalogue,
built-in choice questions, and effects for the service, in order.
"""

from __future__ import annotations

from bot.conversation.effects import Effect
from bot.conversation.flows import Choice, Flow
from bot.conversation.journey import Facts
from bot.conversation.session import Session, Step
from bot.conversation.types import Context, Outcome, Reply
from bot.format.catalogue import Code, message
from bot.format.model import ReportModel, model

REPORT_CHOICE, NEW_REPORT = "report:", "new"  # choice names at 报告列表 (report:<id>)


class TurnState:
    """The session and report a turn changes, and the outcome it builds."""

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

    # --- replies and effects -------------------------------------------------------------

    def say(self, code: Code, **params: object) -> None:
        """A plain message from the catalogue."""
        self.out.say(code, **params)

    def effect(self, effect: Effect) -> None:
        """Ask the service to do something, at this point among the replies."""
        self.out.replies.append(effect)

    def choose(
        self, code: Code, choices: tuple[Choice, ...], step: Step, **params: object
    ) -> None:
        """Ask a built-in choice question."""
        self.out.replies.append(Reply(message(code, **params), code, choices, step))

    def report_choices(self, *, new: bool = True) -> tuple[Choice, ...]:
        """The user's reports to open, and (with ``new``) a new one."""
        reports = tuple(
            Choice(f"{REPORT_CHOICE}{r.id}", f"{r.agency}{r.year}年") for r in self.ctx.reports
        )
        return (*reports, Choice(NEW_REPORT, message(Code.CHAT_NEW_REPORT))) if new else reports
