"""The conversation engine: ``handle(flow, session, input, context) -> Outcome``.

Pure: no Telegram, no SQL, no files. Given the flow, where the user is, one input and
what the store knows (the open report, the other reports, last year's report), it
returns the new session, the replies and the changes to store. The caller stores the
changes and the session in one transaction before it sends the replies.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date

from bot.answers import check_carry_forward, interpret, is_confirm, match_choices
from bot.catalogue import Code, UserError, message
from bot.checks import check
from bot.commands import Command, commands, parse_command, resolve_edit, resolve_part, spec
from bot.datafile import Report
from bot.findings import Finding, Severity
from bot.flows import Choice, Flow, Step
from bot.journey import (
    Facts,
    answers_of,
    find_step,
    is_answered,
    next_step,
    plan,
    progress,
    question_text,
    step_choices,
)
from bot.model import ReportModel, model
from bot.state import Change, Session, apply_change

EXPORT_FORMATS = ("docx", "html", "md", "txt", "xlsx", "yaml")
KEEP_WORDS = frozenset({"保留", "不变", "不改"})
WHY_EXAMPLE = "上年报告数据有误，本年按实际结转数填写"
# warnings the officer is asked to correct or explain as soon as an answer causes them
LIVE_WARNINGS = ("table3.carried_over", "table2.in_force_trend")


@dataclass(frozen=True, slots=True)
class Input:
    """One thing the user did: typed ``text`` or pressed the button ``choice`` of a step."""

    text: str = ""
    choice: str | None = None
    choice_step: str | None = None
    resume: bool = False


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send: text, optional choices (for ``step``), optional action."""

    text: str
    code: Code | None = None
    choices: tuple[Choice, ...] = ()
    step: str | None = None
    multi: bool = False
    action: str | None = None  # "preview" or "export:<format>", carried out by the service


@dataclass(frozen=True, slots=True)
class ReportRef:
    """A report the user can open."""

    id: int
    agency: str
    year: int


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report the service must create (or open if it exists), then resume."""

    agency: str
    agency_level: str
    year: int


@dataclass
class Context:
    """What the engine reads besides the session."""

    report: Report | None = None
    reports: tuple[ReportRef, ...] = ()
    previous: Report | None = None
    today: date = field(default_factory=date.today)


@dataclass
class Outcome:
    """The engine's answer: new session, replies, changes to store, report to create."""

    session: Session
    replies: list[Reply] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    create: NewReport | None = None
    open_report: int | None = None

    def say(self, code: Code, **params: object) -> None:
        """Add a plain text reply from the catalogue."""
        self.replies.append(Reply(message(code, **params), code))


def level_changes(level_key: str, m: ReportModel) -> tuple[list[Change], list[Reply]]:
    """Changes implied by the agency level: 规章 is 0 where rules cannot be made."""
    level = m.level(level_key)
    changes = [Change("meta", "agency_level", level_key)]
    if level.may_make_rules:
        return changes, []
    changes += [Change("active", c.path, 0) for c in m.active_cells if c.path.startswith("rules.")]
    return changes, [Reply(message(Code.CHAT_RULES_ZERO, level=level.label), Code.CHAT_RULES_ZERO)]


class Engine:
    """One turn of the conversation; see :func:`handle`."""

    def __init__(
        self, flow: Flow, session: Session, ctx: Context, m: ReportModel | None = None
    ) -> None:
        self.flow, self.ctx, self.m = flow, ctx, m or model()
        self.out = Outcome(copy.deepcopy(session))
        self.report = copy.deepcopy(ctx.report) if ctx.report is not None else None
        self.facts = Facts(has_previous=ctx.previous is not None)

    @property
    def session(self) -> Session:
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

    def findings_reply(self, findings: list[Finding]) -> None:
        """The result of 检查."""
        if not findings:
            self.out.say(Code.CHAT_CHECK_CLEAN)
            return
        errors = sum(f.severity is Severity.ERROR for f in findings)
        lines = [message(Code.CHAT_CHECK_SUMMARY, errors=errors, warnings=len(findings) - errors)]
        labels = {
            Severity.ERROR: message(Code.CLI_ERROR),
            Severity.WARNING: message(Code.CLI_WARNING),
        }
        explained = self.report.explanations if self.report else {}
        lines += [
            message(Code.CHAT_FINDING_LINE, label=f"[{labels[f.severity]}] ", message=f.message())
            for f in findings
            if f.key not in explained
        ]
        self.out.replies.append(Reply("\n".join(lines), Code.CHAT_CHECK_SUMMARY))

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
                    (Choice("preview", "预览"), Choice("check", "检查"), Choice("export", "导出")),
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

    def store(self, changes: list[Change]) -> None:
        """Record changes and apply them to the working copy of the report."""
        assert self.report is not None
        for change in changes:
            apply_change(self.report, change)
        self.out.changes += changes

    # --- turn ------------------------------------------------------------------------

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
            where, pending = self.session.step, self.session.pending
            if where == "setup_level" and "agency" in pending:
                self.ask_level()
            elif where == "setup_year" and "level" in pending:
                self.ask_year()
            elif where == "setup_agency" or not self.ctx.reports:
                self.session.step = "setup_agency"
                self.out.say(Code.CHAT_ASK_AGENCY)
            else:
                choices = (
                    *(Choice(str(r.id), f"{r.agency}{r.year}年") for r in self.ctx.reports),
                    Choice("new", message(Code.CHAT_NEW_REPORT)),
                )
                self.session.step = "choose_report"
                self.choose(Code.CHAT_CHOOSE_REPORT, choices, "choose_report")
            return
        step = find_step(self.flow, self.session.step, self.m)
        if step is not None and not is_answered(step, self.report):
            self.ask(step)
            return
        self.go(
            next_step(plan(self.flow, self.report, self.m), self.report, self.facts, None, self.m),
            remember=False,
        )

    def setup(self, step_name: str, text: str) -> None:
        """Choose or create the report: agency, level, year."""
        pending = self.session.pending
        if step_name == "choose_report":
            ids = {str(r.id) for r in self.ctx.reports}
            labels = {f"{r.agency}{r.year}年": str(r.id) for r in self.ctx.reports}
            numbered = [str(r.id) for r in self.ctx.reports] + ["new"]
            value = text.strip()
            if value.isdigit() and 1 <= int(value) <= len(numbered) and value not in ids:
                value = numbered[int(value) - 1]
            value = labels.get(value, value)
            if value in ids:
                self.session.report_id = int(value)
                self.session.step = "start"
                self.out.open_report = int(value)
            elif value in ("new", message(Code.CHAT_NEW_REPORT)):
                self.session.step = "setup_agency"
                self.out.say(Code.CHAT_ASK_AGENCY)
            else:
                self.out.say(Code.CHAT_BAD_CHOICE, value=value, example="1")
                self.resume()
            return
        if step_name == "setup_agency":
            agency = " ".join(text.split())
            if not 2 <= len(agency) <= 60:
                self.out.say(Code.CHAT_BAD_AGENCY)
                return
            self.session.pending = {"agency": agency}
            self.session.step = "setup_level"
            self.ask_level()
            return
        if step_name == "setup_level":
            try:
                [level] = match_choices(level_choices(self.m), text, many=False, example="4")
            except UserError as exc:
                self.out.say(exc.code, **exc.params)
                self.ask_level()
                return
            self.session.pending = {**pending, "level": level}
            self.session.step = "setup_year"
            self.ask_year()
            return
        default = self.ctx.today.year - 1
        value = text.strip().removesuffix("年")
        if is_confirm(value) or value == str(default):
            year = default
        elif value.isdigit() and 2008 <= int(value) <= self.ctx.today.year:
            year = int(value)
        else:
            self.out.say(Code.CHAT_BAD_YEAR, value=text.strip(), example=default)
            return
        self.session.pending = {}
        self.session.step = "start"
        self.out.create = NewReport(pending["agency"], pending["level"], year)

    def ask_level(self) -> None:
        """Ask the agency's level."""
        self.choose(Code.CHAT_ASK_LEVEL, level_choices(self.m), "setup_level")

    def ask_year(self) -> None:
        """Ask the year reported on, last year by default."""
        default = self.ctx.today.year - 1
        self.choose(
            Code.CHAT_ASK_YEAR,
            (Choice(str(default), str(default)),),
            "setup_year",
            default=default,
        )

    def menu_choice(self, text: str) -> None:
        """A choice of the menu: continue, or a part."""
        choices = (
            Choice("continue", message(Code.CHAT_CONTINUE)),
            *(Choice(p.key, p.title) for p in self.m.parts),
        )
        try:
            [name] = match_choices(choices, text, many=False, example="1")
        except UserError:
            if resolve_part(text, self.m):
                self.command(Command("goto", text))
            else:
                self.out.say(Code.CHAT_BAD_CHOICE, value=text.strip(), example="1")
                self.menu()
            return
        if name == "continue":
            self.resume_next()
        else:
            self.goto_part(name)

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

    # --- answers ---------------------------------------------------------------------

    def answer(self, text: str) -> None:
        """Interpret an answer to the current step, store it, and move on."""
        assert self.report is not None
        step = find_step(self.flow, self.session.step, self.m)
        if step is None:
            self.resume()
            return
        pending = self.session.pending
        if text.strip() in KEEP_WORDS and is_answered(step, self.report):
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
            self.out.say(Code.CHAT_WARNING_ASK, warning=fresh[0].message(), example=WHY_EXAMPLE)
            return
        self.advance()

    def live_warnings(self) -> list[Finding]:
        """Warnings an answer can cause that must be explained or corrected at once."""
        assert self.report is not None
        return [
            f for f in check(self.report, self.ctx.previous, self.m) if f.rule in LIVE_WARNINGS
        ]

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

    # --- commands --------------------------------------------------------------------

    def command(self, cmd: Command) -> None:
        """Carry out a command given at any prompt."""
        name, arg = cmd.name, cmd.argument
        if name == "help":
            lines = [message(Code.CHAT_HELP)]
            lines += [
                message(
                    Code.CHAT_HELP_LINE, word=c.words[0], name=c.name, description=c.description
                )
                for c in commands()
            ]
            lines.append(message(Code.CHAT_HELP_FOOTER))
            self.out.replies.append(Reply("\n".join(lines), Code.CHAT_HELP))
            self.reask_if_open()
            return
        if name == "unknown":
            self.out.say(Code.CHAT_UNKNOWN_COMMAND, command=arg)
            self.reask_if_open()
            return
        if name in ("start", "report") and (name == "report" or self.report is None):
            self.session.report_id = None
            self.session.step = "start"
            self.session.pending = {}
            self.report = None
            self.resume()
            return
        if self.report is None:
            if name == "cancel":
                self.session.pending = {}
                self.out.say(Code.CHAT_CANCELLED)
            self.resume()
            return
        if name == "start":
            self.resume()
        elif name == "status":
            self.show_progress()
            self.reask_if_open()
        elif name in ("menu", "cancel"):
            self.session.pending = {}
            self.session.return_to = None
            if name == "cancel":
                self.out.say(Code.CHAT_CANCELLED)
            self.menu()
        elif name == "back":
            self.back()
        elif name == "skip":
            self.skip()
        elif name in ("goto", "edit") and not arg:
            example = spec(name).example
            self.out.say(Code.CHAT_NEEDS_ARGUMENT, action=spec(name).words[0], example=example)
            self.reask_if_open()
        elif name == "goto":
            part = resolve_part(arg, self.m)
            if part is None:
                self.out.say(Code.CHAT_GOTO_UNKNOWN, target=arg)
                self.reask_if_open()
            else:
                self.session.return_to = None
                self.goto_part(part)
        elif name == "edit":
            self.edit(arg)
        elif name == "preview":
            self.out.replies.append(Reply("", action="preview"))
            self.reask_if_open()
        elif name == "check":
            self.findings_reply(check(self.report, self.ctx.previous, self.m))
            self.reask_if_open()
        elif name == "export":
            if self.session.step not in ("export", "menu", "done"):
                self.session.return_to = self.session.step
            self.session.step = "export"
            self.choose(
                Code.CHAT_EXPORT_ASK, tuple(Choice(f, f) for f in EXPORT_FORMATS), "export"
            )

    def reask_if_open(self) -> None:
        """After an aside, show the current question (or the menu) again."""
        if self.report is None:
            self.resume()
        elif self.session.step == "menu":
            self.menu()
        elif self.session.step in ("done", "export"):
            self.go(None, remember=False) if self.session.step == "done" else self.choose(
                Code.CHAT_EXPORT_ASK, tuple(Choice(f, f) for f in EXPORT_FORMATS), "export"
            )
        else:
            self.reask()

    def back(self) -> None:
        history = list(self.session.history)
        while history:
            name = history.pop()
            step = find_step(self.flow, name, self.m)
            if step is not None and name != self.session.step:
                self.session.history = history
                self.session.pending = {}
                self.go(step, remember=False)
                return
        self.session.history = []
        self.out.say(Code.CHAT_NO_BACK)
        self.reask_if_open()

    def skip(self) -> None:
        assert self.report is not None
        step = find_step(self.flow, self.session.step, self.m)
        if step is None:
            self.reask_if_open()
            return
        if step.required:
            self.out.say(Code.CHAT_SKIP_REQUIRED, example=step.example)
            self.ask(step)
            return
        self.store([Change("answers", step.name, [] if step.type == "list" else "")])
        self.out.say(Code.CHAT_SKIPPED)
        self.advance()

    def edit(self, target: str) -> None:
        assert self.report is not None
        resolved = resolve_edit(target, self.flow, self.report, self.m)
        if resolved is None:
            self.out.say(Code.CHAT_EDIT_UNKNOWN, target=target)
            self.reask_if_open()
            return
        name, changes = resolved
        self.store(changes)
        step = find_step(self.flow, name, self.m)
        assert step is not None
        if self.session.step not in ("menu", "done", "export", name):
            self.session.return_to = self.session.return_to or self.session.step
        self.session.pending = {}
        self.go(step)

    def export(self, text: str) -> None:
        value = text.strip().lower().lstrip(".")
        if value.isdigit() and 1 <= int(value) <= len(EXPORT_FORMATS):
            value = EXPORT_FORMATS[int(value) - 1]
        if value not in EXPORT_FORMATS:
            self.out.say(
                Code.CHAT_EXPORT_UNKNOWN, value=text.strip(), formats="、".join(EXPORT_FORMATS)
            )
            self.choose(
                Code.CHAT_EXPORT_ASK, tuple(Choice(f, f) for f in EXPORT_FORMATS), "export"
            )
            return
        self.out.replies.append(Reply("", action=f"export:{value}"))
        origin = self.session.return_to
        self.session.return_to = None
        step = find_step(self.flow, origin, self.m) if origin else None
        if step is not None:
            self.go(step, remember=False)
        else:
            self.resume_next()


SETUP_STEPS = ("start", "choose_report", "setup_agency", "setup_level", "setup_year")


def level_choices(m: ReportModel) -> tuple[Choice, ...]:
    """The agency levels as choices."""
    return tuple(Choice(lv.key, lv.label) for lv in m.levels)


def handle(
    flow: Flow, session: Session, inp: Input, ctx: Context, m: ReportModel | None = None
) -> Outcome:
    """One turn: the new session, the replies and the changes to store."""
    return Engine(flow, session, ctx, m).run(inp)
