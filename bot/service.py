"""The application service both front ends call: load, run the engine, store, draft.

One turn: load the user's session and open report from the store, run the pure engine,
store its changes and the session in one transaction (committed before anything is
sent), create or open a report when the engine asks, and turn preview and export
requests into text chunks and documents. Front ends only translate inputs and
:class:`Outgoing` messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.answers import words
from bot.catalogue import Code, catalogue, message
from bot.commands import commands
from bot.compliance import check_draft
from bot.datafile import Report, dumps
from bot.engine import Context, Input, Outcome, ReportRef, handle, level_changes
from bot.findings import Finding, Severity
from bot.flows import Choice, Flow, flow
from bot.model import ReportModel, model
from bot.state import Session
from bot.store import Store

Preview = Callable[[Report], list[str]]
Render = Callable[[Report, str], bytes]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for the front end: text with choices, or a document."""

    text: str = ""
    code: Code | None = None
    choices: tuple[Choice, ...] = ()
    step: str | None = None
    multi: bool = False
    document: tuple[str, bytes] | None = None  # (file name, content)


def findings_message(findings: list[Finding], explanations: dict[str, str]) -> Outgoing:
    """The result of 检查 as one message: a summary, then each unexplained finding."""
    if not findings:
        return Outgoing(message(Code.CHAT_CHECK_CLEAN), Code.CHAT_CHECK_CLEAN)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    labels = {Severity.ERROR: message(Code.CLI_ERROR), Severity.WARNING: message(Code.CLI_WARNING)}
    lines = [message(Code.CHAT_CHECK_SUMMARY, errors=errors, warnings=len(findings) - errors)]
    lines += [
        message(Code.CHAT_FINDING_LINE, label=f"[{labels[f.severity]}] ", message=f.message())
        for f in findings
        if f.key not in explanations
    ]
    return Outgoing("\n".join(lines), Code.CHAT_CHECK_SUMMARY)


@dataclass
class Drafter:
    """How drafts are made: text preview chunks and rendered files."""

    preview: Preview
    render: Render
    narrative: Callable[[Report], Report] = lambda report: report


def _preview(report: Report) -> list[str]:
    from bot import render  # drafting loads its templates only when first needed

    return render.preview_chunks(report)


def _render(report: Report, fmt: str) -> bytes:
    from bot import render

    return render.render(report, fmt)


def _narrative(report: Report) -> Report:
    from bot import render

    return render.with_narrative(report)


def default_drafter() -> Drafter:
    """The drafting of ``bot.render``."""
    return Drafter(_preview, _render, _narrative)


def load_prompts() -> None:
    """Load and validate every prompt file now, so a broken one stops start-up.

    Raises PromptError naming the file, the key and the reason.
    """
    catalogue()
    model()
    flow()
    commands()
    words()


@dataclass
class Service:
    """Runs turns of the conversation against one store."""

    store: Store
    flow: Flow = field(default_factory=flow)
    drafter: Drafter = field(default_factory=default_drafter)
    today: Callable[[], date] = date.today
    m: ReportModel = field(default_factory=model)

    def context(self, session: Session) -> Context:
        """What the engine needs to know for this session."""
        reports = tuple(ReportRef(r.id, r.agency, r.year) for r in self.store.list_reports())
        if session.report_id is None or session.report_id not in {r.id for r in reports}:
            session.report_id = None
            return Context(None, reports, None, self.today())
        report = self.store.get_report(session.report_id)
        return Context(report, reports, self.previous(report), self.today())

    def previous(self, report: Report) -> Report | None:
        """Last year's report of the same agency, when the store has it."""
        last = self.store.find_report(report.agency, report.year - 1)
        return self.store.get_report(last) if last is not None else None

    def handle(self, user: str, inp: Input, frontend: str) -> list[Outgoing]:
        """One turn for ``user``; every change is committed before this returns."""
        session = self.store.load_session(user) or Session(user)
        ctx = self.context(session)
        outcome = handle(self.flow, session, inp, ctx, self.m)
        self.store.apply(
            outcome.session.report_id,
            outcome.changes,
            outcome.session,
            user=user,
            frontend=frontend,
        )
        out = self.materialise(outcome)
        if outcome.create is not None:
            out += self.create(outcome, user, frontend)
        elif outcome.open_report is not None:
            out += self.resume(outcome.session, user, frontend)
        return out

    def create(self, outcome: Outcome, user: str, frontend: str) -> list[Outgoing]:
        """Create (or open, if it exists) the report the engine asked for, then resume."""
        new, session = outcome.create, outcome.session
        assert new is not None
        existing = self.store.find_report(new.agency, new.year)
        if existing is not None:
            session.report_id = existing
            out = [
                Outgoing(
                    message(Code.CHAT_REPORT_OPENED, agency=new.agency, year=new.year),
                    Code.CHAT_REPORT_OPENED,
                )
            ]
        else:
            session.report_id = self.store.create_report(
                new.agency, new.year, new.agency_level, user=user, frontend=frontend
            )
            changes, notes = level_changes(new.agency_level, self.m)
            self.store.apply(session.report_id, changes, session, user=user, frontend=frontend)
            out = [
                Outgoing(
                    message(Code.CHAT_REPORT_CREATED, agency=new.agency, year=new.year),
                    Code.CHAT_REPORT_CREATED,
                )
            ]
            out += [Outgoing(n.text, n.code) for n in notes]
        return out + self.resume(session, user, frontend)

    def resume(self, session: Session, user: str, frontend: str) -> list[Outgoing]:
        """Ask where the session left off in its (newly opened) report."""
        self.store.save_session(session)
        return self.handle(user, Input(resume=True), frontend)

    def materialise(self, outcome: Outcome) -> list[Outgoing]:
        """Engine replies as outgoing messages, drafting previews and exports."""
        out: list[Outgoing] = []
        report_id = outcome.session.report_id
        for reply in outcome.replies:
            if reply.action is None:
                out.append(
                    Outgoing(reply.text, reply.code, reply.choices, reply.step, reply.multi)
                )
                continue
            if report_id is None:
                continue
            report = self.store.get_report(report_id)
            if reply.action == "check":
                previous = self.previous(report)
                out.append(
                    findings_message(check_draft(report, previous, self.m), report.explanations)
                )
            elif reply.action == "preview":
                chunks = self.drafter.preview(report)
                out.append(
                    Outgoing(
                        message(Code.CHAT_PREVIEW_HEADER, count=len(chunks)),
                        Code.CHAT_PREVIEW_HEADER,
                    )
                )
                out += [Outgoing(chunk) for chunk in chunks]
            else:
                fmt = reply.action.removeprefix("export:")
                out.append(self.document(report, fmt))
        return out

    def document(self, report: Report, fmt: str) -> Outgoing:
        """The report rendered as a file."""
        name = f"{report.agency}{report.year}年政府信息公开工作年度报告.{fmt}"
        data = (
            dumps(self.drafter.narrative(report)).encode()
            if fmt == "yaml"
            else self.drafter.render(report, fmt)
        )
        return Outgoing(
            message(Code.CHAT_EXPORT_READY, name=name),
            Code.CHAT_EXPORT_READY,
            document=(name, data),
        )
