"""The conversation engine: ``handle(flow, session, input, context) -> Outcome``.

Pure: no Telegram, no SQL, no files. Given the flow, where the user is, one input and
what the store knows (the open report, the other reports, last year's report), it
returns the new session, the replies and the changes to store. The caller stores the
changes and the session in one transaction before it sends the replies.
"""

from __future__ import annotations

from bot.checks.rules import carried_over, in_force_trend
from bot.conversation.answers import interpret, is_word
from bot.conversation.command_words import Command, parse_command
from bot.conversation.commands import Commands
from bot.conversation.flows import Flow, Step
from bot.conversation.journey import answers_of, find_step, is_answered
from bot.conversation.session import Change, Session
from bot.conversation.types import (
    EXPORT_FORMATS,
    SETUP_STEPS,
    Context,
    Input,
    NewReport,
    Outcome,
    Reply,
    ReportRef,
    level_changes,
)
from bot.format.catalogue import Code, UserError, message
from bot.format.findings import Finding
from bot.format.model import ReportModel

__all__ = [
    "EXPORT_FORMATS",
    "Context",
    "Input",
    "NewReport",
    "Outcome",
    "Reply",
    "ReportRef",
    "handle",
    "level_changes",
]

# warnings the officer is asked to correct or explain as soon as an answer causes them
LIVE_WARNINGS = (carried_over, in_force_trend)


class Engine(Commands):
    """One turn of the conversation: setup, answers and commands."""

    def run(self, inp: Input) -> Outcome:
        """Handle one input."""
        step_name = self.session.step
        if inp.choice is not None and inp.choice_step != step_name:
            self.out.say(Code.CHAT_EXPIRED)
            self.reask()
            return self.out
        text = inp.choice if inp.choice is not None else inp.text
        command = None if inp.choice is not None else parse_command(text, self.current_type())
        if command is not None:
            self.command(command)
        elif inp.resume or (self.report is None and step_name not in SETUP_STEPS):
            self.resume()
        elif step_name in SETUP_STEPS:
            self.setup(step_name, text)
        elif step_name == "menu":
            self.menu_choice(text)
        elif step_name == "done":
            self.command(Command(text if text in ("preview", "check", "export") else "status"))
        elif step_name == "export":
            self.export(text)
        else:
            self.answer(text)
        return self.out

    def answer(self, text: str) -> None:
        """Interpret an answer to the current step, store it, and move on."""
        assert self.report is not None
        step = find_step(self.flow, self.session.step, self.m)
        if step is None:
            self.resume()
            return
        if not self.writable():
            return
        pending = self.session.pending
        if is_word("keep", text) and is_answered(step, self.report):
            self.session.pending = {}
            self.out.say(Code.CHAT_KEPT)
            self.advance()
            return
        try:
            result = interpret(step, text, self.report, self.m, self.ctx.previous)
        except UserError as exc:
            if pending.get("warning") and step.name == pending.get("step"):
                self.store([Change("explanations", pending["warning"], text.strip())])
                self.session.pending = {}
                self.out.say(Code.CHAT_EXPLAINED)
                self.advance()
                return
            self.out.say(exc.code, **exc.params)
            self.ask(step)
            return
        before = {f.key for f in self.live_warnings()}
        changes = result.changes + self.implied(step, result.changes)
        self.store(changes)
        self.session.pending = {}
        for ack in result.replies:
            self.out.replies.append(Reply(ack.text(), ack.code))
        self.out.replies += self.implied_replies
        fresh = [
            f
            for f in self.live_warnings()
            if f.key not in before and f.key not in self.report.explanations
        ]
        if fresh:
            self.session.pending = {"warning": fresh[0].key, "step": step.name}
            self.out.say(Code.CHAT_WARNING_ASK, warning=fresh[0].message())
            return
        self.advance()

    def live_warnings(self) -> list[Finding]:
        """Warnings an answer can cause that must be explained or corrected at once.

        Both compare with last year's report: without it there is nothing to run.
        """
        assert self.report is not None
        if self.ctx.previous is None:
            return []
        return [f for rule in LIVE_WARNINGS for f in rule(self.report, self.ctx.previous, self.m)]

    def implied(self, step: Step, changes: list[Change]) -> list[Change]:
        """Changes an answer implies: zeros it makes certain, totals it makes stale."""
        assert self.report is not None
        self.implied_replies: list[Reply] = []
        out: list[Change] = []
        grid = self.m.review_litigation
        if step.name == "t4_any":
            if changes[0].value == "no":
                out = [Change(grid.part, r.key, [0] * grid.width) for r in grid.rows]
                self.implied_replies.append(
                    Reply(message(Code.CHAT_TABLE4_ZERO), Code.CHAT_TABLE4_ZERO)
                )
            elif answers_of(self.report).get("t4_any") == "no":
                out = [Change(grid.part, r.key, None) for r in grid.rows]
        touched = {c.key for c in changes if c.section == "applications"}
        if touched and not touched & {"total", "carry_forward"}:
            out += [
                Change("applications", k, None)
                for k in ("total", "carry_forward")
                if k in self.report.applications
            ]
        return out


def handle(
    flow: Flow, session: Session, inp: Input, ctx: Context, m: ReportModel | None = None
) -> Outcome:
    """One turn: the new session, the replies and the changes to store."""
    return Engine(flow, session, ctx, m).run(inp)
