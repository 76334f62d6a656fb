"""The application service both front ends call: authorise, run the engine, store, draft.

One turn: load the user's session; open only a report of an agency the user belongs to
(an outsider learns nothing, not even that a report exists); run the pure engine; store
its changes and the session in one transaction (committed before anything is sent);
create or open a report when the engine asks; carry out previews, exports, checks and
the review workflow's commands; and put the user's queued messages first. Front ends
only translate inputs and :class:`Outgoing` messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from bot.conversation.answers import words
from bot.conversation.command_words import commands, parse_command
from bot.conversation.engine import Context, Input, Outcome, ReportRef, handle, level_changes
from bot.conversation.flows import Flow, flow
from bot.conversation.session import Change, Session
from bot.conversation.types import AgencyRef, Outgoing
from bot.drafting.compliance import check_draft
from bot.drafting.prose import with_narrative
from bot.drafting.render import preview_text
from bot.drafting.render import render as render_draft
from bot.format.catalogue import Code, catalogue, message
from bot.format.datafile import Report, dumps
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel, model
from bot.office.rules import can
from bot.office.workflow import REVIEW_STEP, Workflow, say
from bot.service.intake import Intake
from bot.store.office import AgencyExists
from bot.store.reports import Store

IMPORT_STEP = "import_paste"
PASTED = "粘贴的文本.txt"
Preview = Callable[[Report], str]
Render = Callable[[Report, str], bytes]


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
    """How drafts are made: the plain-text preview, rendered files, composed prose."""

    preview: Preview = preview_text
    render: Render = render_draft
    narrative: Callable[[Report], Report] = with_narrative


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
    drafter: Drafter = field(default_factory=Drafter)
    today: Callable[[], date] = date.today
    m: ReportModel = field(default_factory=model)
    invite_link: Callable[[str], str] = lambda code: f"/start {code}"

    def __post_init__(self) -> None:
        self.workflow = Workflow(
            self.store, self.drafter.render, self.drafter.narrative, self.m, self.invite_link
        )

    # --- what the user may see -----------------------------------------------------------

    def context(self, user: str, session: Session) -> Context:
        """What the engine needs to know, limited to the user's own agencies."""
        ws = self.workflow.ws
        found = ws.reports_and_roles(user)
        reports = tuple(ReportRef(r.id, r.agency, r.year) for r, _ in found)
        agencies = tuple(
            AgencyRef(a.agency_id, a.agency, a.level)
            for a in ws.memberships(user)
            if can(a.role, "edit")
        )
        info, role = next(((r, x) for r, x in found if r.id == session.report_id), (None, ""))
        if info is None:  # no report open, or not one of the user's agencies (any more)
            session.report_id = None
            return Context(None, reports, None, self.today(), agencies)
        report = self.store.assembled(info)  # its row was just read with the others
        return Context(
            report, reports, self.previous(report), self.today(), agencies, can(role, "edit")
        )

    def previous(self, report: Report) -> Report | None:
        """Last year's report of the same agency, when the store has it."""
        last = self.store.find_report(report.agency, report.year - 1)
        return self.store.get_report(last) if last is not None else None

    # --- one turn --------------------------------------------------------------------------

    def handle(
        self, user: str, inp: Input, frontend: str, update_key: str | None = None
    ) -> list[Outgoing]:
        """One turn for ``user``, in one transaction committed before this returns.

        ``update_key`` (a Telegram update id) is recorded in the same transaction as the
        turn's answers: an update is either handled with everything it changed, or not at
        all, and then handled when Telegram delivers it again. The user's queued messages
        (a review request, a decision, a reminder) come last, so that a request's choices
        are the ones a numbered answer picks.
        """
        with self.store.transaction():
            if update_key is not None:
                self.store.seen_update(update_key)
            return self.turn(user, inp, frontend) + self.workflow.inbox(user)

    def turn(self, user: str, inp: Input, frontend: str) -> list[Outgoing]:
        """The replies to one input."""
        session = self.store.load_session(user) or Session(user)
        if inp.choice_step is not None and inp.choice_step.startswith(REVIEW_STEP):
            out = self.workflow.decision(user, session, inp.choice_step, inp.choice or "")
            self.store.save_session(session)
            return out
        command = None if inp.resume or inp.choice is not None else parse_command(inp.text)
        if command is not None and command.name == "start" and command.argument:
            # an invite (a deep link's start parameter): join first, then start afresh
            out = self.workflow.join(user, command.argument)
            session.step, session.report_id, session.pending = "start", None, {}
            self.store.save_session(session)
            return out + self.turn(user, Input(resume=True), frontend)
        ctx = self.context(user, session)
        answer = not inp.resume and inp.choice is None and command is None
        if answer and session.step == "review_comment":
            out = self.workflow.comments(user, session, inp.text)
            self.store.save_session(session)
            return out
        if answer and session.step == "explain" and ctx.report is not None:
            return self.explain(user, session, inp.text, ctx, frontend)
        if inp.document is not None or (answer and session.step == IMPORT_STEP):
            name, data = inp.document or (PASTED, inp.text.encode("utf-8"))
            return self.receive(user, session, name, data, frontend)
        outcome = handle(self.flow, session, inp, ctx, self.m)
        self.store.apply(
            outcome.session.report_id,
            outcome.changes,
            outcome.session,
            user=user,
            frontend=frontend,
        )
        out = self.materialise(user, outcome, ctx)
        if outcome.create is not None:
            out += self.create(outcome, user, frontend)
        elif outcome.open_report is not None:
            out += self.resume(outcome.session, user, frontend)
        return out

    def receive(
        self, user: str, session: Session, name: str, data: bytes, frontend: str
    ) -> list[Outgoing]:
        """A file (or a pasted report): last year's report, or this year's figures."""
        if session.step == IMPORT_STEP:
            session.step = session.pending.get("return", "start")
            session.pending = {}
            self.store.save_session(session)
        if session.report_id is None:
            out = [say(Code.IMP_CHAT_NO_REPORT)]
        else:
            intake = Intake(self.store, self.m)
            out = intake.receive(user, session.report_id, name, data, frontend)
        return out + self.turn(user, Input(resume=True), frontend)

    def explain(
        self, user: str, session: Session, text: str, ctx: Context, frontend: str
    ) -> list[Outgoing]:
        """An explanation of a warning that blocks submission; submit when none is left."""
        assert ctx.report is not None
        assert session.report_id is not None
        pending = self.workflow.explanation_needed(session, ctx.report, ctx.previous)
        keys = [k for k in session.pending.get("explain", []) if k not in ctx.report.explanations]
        if pending is None or not keys or not ctx.can_edit:
            session.step, session.pending = "start", {}
            self.store.save_session(session)
            return self.resume(session, user, frontend)
        self.store.apply(
            session.report_id,
            [Change("explanations", keys[0], text.strip())],
            session,
            user=user,
            frontend=frontend,
        )
        out = [say(Code.CHAT_EXPLAINED)]
        report = self.store.get_report(session.report_id)
        following = self.workflow.explanation_needed(session, report, ctx.previous)
        if following is not None:
            return [*out, following]
        session.step, session.pending = "start", {}
        role = self.workflow.role_for_report(user, session.report_id)
        out += self.workflow.submit(user, session, role or "", ctx.previous)
        self.store.save_session(session)
        return out

    def create(self, outcome: Outcome, user: str, frontend: str) -> list[Outgoing]:
        """Create (or open, if it exists) the report the engine asked for, then resume.

        A new agency is created with the user as its admin; a name already taken by an
        agency with members is refused (its admin must invite the user).
        """
        new, session = outcome.create, outcome.session
        assert new is not None
        if new.agency_id is None:
            try:
                self.workflow.ws.create_agency(new.agency, new.agency_level, new.region, user)
            except AgencyExists:
                session.step, session.pending = "start", {}
                self.store.save_session(session)
                return [
                    say(Code.REV_AGENCY_TAKEN, agency=new.agency),
                    *self.handle(user, Input(resume=True), frontend),
                ]
        existing = self.store.find_report(new.agency, new.year)
        if existing is not None:
            session.report_id = existing
            out = [say(Code.CHAT_REPORT_OPENED, agency=new.agency, year=new.year)]
        else:
            session.report_id = self.store.create_report(
                new.agency, new.year, new.agency_level, user=user, frontend=frontend
            )
            changes, notes = level_changes(new.agency_level, self.m)
            self.store.apply(session.report_id, changes, session, user=user, frontend=frontend)
            out = [say(Code.CHAT_REPORT_CREATED, agency=new.agency, year=new.year)]
            out += [Outgoing(n.text, n.code) for n in notes]
        return out + self.resume(session, user, frontend)

    def resume(self, session: Session, user: str, frontend: str) -> list[Outgoing]:
        """Ask where the session left off in its (newly opened) report."""
        self.store.save_session(session)
        return self.turn(user, Input(resume=True), frontend)

    def materialise(self, user: str, outcome: Outcome, ctx: Context) -> list[Outgoing]:
        """Engine replies as outgoing messages: drafts, exports, checks, workflow commands."""
        out: list[Outgoing] = []
        session = outcome.session
        for reply in outcome.replies:
            if reply.action is None:
                out.append(
                    Outgoing(reply.text, reply.code, reply.choices, reply.step, reply.multi)
                )
            elif reply.action == "workflow:import":
                session.pending = {"return": session.step}
                session.step = IMPORT_STEP
                self.store.save_session(session)
                out.append(say(Code.IMP_CHAT_ASK))
            elif reply.action.startswith("workflow:"):
                out += self.workflow.command(
                    user,
                    session,
                    reply.action.removeprefix("workflow:"),
                    reply.argument,
                    ctx.previous,
                )
                self.store.save_session(session)
            elif session.report_id is not None:
                out += self.draft(reply.action, self.store.get_report(session.report_id))
        return out

    def draft(self, action: str, report: Report) -> list[Outgoing]:
        """A check, a preview or an exported file of the report."""
        if action == "check":
            return [
                findings_message(
                    check_draft(report, self.previous(report), self.m), report.explanations
                )
            ]
        if action == "preview":  # the front end announces the draft and splits it
            return [Outgoing(self.drafter.preview(report), draft=True)]
        fmt = action.removeprefix("export:")
        name = f"{report.agency}{report.year}年政府信息公开工作年度报告.{fmt}"
        data = (
            dumps(self.drafter.narrative(report)).encode()
            if fmt == "yaml"
            else self.drafter.render(report, fmt)
        )
        return [
            Outgoing(
                message(Code.CHAT_EXPORT_READY, name=name),
                Code.CHAT_EXPORT_READY,
                document=(name, data),
            )
        ]

    # --- messages for other users (Telegram delivers them as they are queued) --------------

    def undelivered(self, *, if_queued: bool = False) -> list[tuple[int, str, list[Outgoing]]]:
        """Every queued message: (id, user, messages); mark each with :meth:`delivered`.

        With ``if_queued``, the outbox is read only if this process queued a message since
        it was last read (after a turn: most turns queue nothing for anyone).
        """
        ws = self.workflow.ws
        if if_queued and not ws.notified:
            return []
        ws.notified = False
        return [(n.id, n.user, self.workflow.as_outgoing(n.message)) for n in ws.undelivered()]

    def delivered(self, notice_id: int) -> None:
        """Mark one queued message as delivered."""
        self.workflow.ws.delivered(notice_id)
