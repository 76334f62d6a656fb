"""The application service both front ends call: authorise, run the engine, store, act.

One turn: load the user's session; open only a report of an agency the user belongs to
(an outsider learns nothing, not even that a report exists); run the pure engine; store
its changes and the session in one transaction (committed before anything is sent);
then carry out the effects it returned, in order, in one loop: drafts, checks, exports,
files, the review workflow, creating or opening a report. An effect that changes where
the officer is makes the loop run the engine once more to ask the next question. The
user's queued messages come last. Front ends only translate inputs and
:class:`Outgoing` messages.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, tzinfo

from bot.checks.style import settings as style_settings
from bot.conversation.command_words import commands
from bot.conversation.effects import (
    DECISION_STEPS,
    FILING_STEP,
    AddSubordinates,
    CellSources,
    Chase,
    Check,
    Decide,
    Effect,
    Explain,
    Export,
    FilingSetting,
    History,
    ImportAs,
    Invite,
    Join,
    Members,
    NameMember,
    NewReport,
    OpenReport,
    Preview,
    Published,
    ReadFile,
    RemoveMember,
    ReturnComments,
    RevokeInvite,
    Roster,
    SetAgencyLevel,
    ShowParagraph,
    ShowReviews,
    Submit,
    SumSubordinates,
)
from bot.conversation.engine import handle
from bot.conversation.flows import Flow, flow
from bot.conversation.session import Change, Explanations, ImportYear, Session, Step
from bot.conversation.setup import agency_name
from bot.conversation.types import (
    AgencyRef,
    Context,
    Input,
    Outgoing,
    Reply,
    ReportRef,
    level_changes,
    say,
)
from bot.conversation.words import words
from bot.drafting.compliance import check_draft
from bot.drafting.render import Drafter
from bot.format.catalogue import Code, catalogue
from bot.format.model import ReportModel, model
from bot.format.paragraphs import vocabulary
from bot.format.report import Report
from bot.format.voice import rules as voice_rules
from bot.importing.text import Document
from bot.importing.worker import from_json, to_json
from bot.office.rules import CHINA_TIME, can
from bot.office.supervision import Supervision
from bot.office.workflow import Workflow
from bot.service.drafts import draft
from bot.service.intake import Intake, Read, read_file
from bot.store.office import AgencyExists
from bot.store.reports import Store

__all__ = ["Drafter", "Outgoing", "Service", "load_prompts"]
# an input, then the engine again after each effect that moved the officer (opening a
# report, joining an agency, reading a file); never more than this many times a turn
MAX_ROUNDS = 4
Later = Outgoing | Callable[[], list[Outgoing]]  # a message, or one made after the commit
Done = tuple[Sequence[Later], bool]  # an effect's messages, and whether to resume after it


def load_prompts() -> None:
    """Load and validate every prompt file now, so a broken one stops start-up.

    Raises PromptError naming the file, the key and the reason.
    """
    catalogue()
    model()
    flow()
    commands()
    words()
    voice_rules()
    vocabulary()
    style_settings()


@dataclass
class Service:
    """Runs turns of the conversation against one store."""

    store: Store
    flow: Flow = field(default_factory=flow)
    drafter: Drafter = field(default_factory=Drafter)
    today: Callable[[], date] = date.today
    m: ReportModel = field(default_factory=model)
    invite_link: Callable[[str], str] = lambda code: f"/start {code}"
    zone: tzinfo = CHINA_TIME  # the time officers read

    def __post_init__(self) -> None:
        self.workflow = Workflow(self.store, self.m, self.drafter, self.invite_link, self.zone)
        self.known_names: dict[str, str] = {}  # names recorded by this process
        self.intake = Intake(self.store, self.m)
        self.supervision = Supervision(self.workflow, lambda: self.today())

    # --- what the user may see -----------------------------------------------------------

    def context(self, user: str, session: Session, inp: Input | None = None) -> Context:
        """What the engine needs to know, limited to the user's own agencies (and, for a
        new agency's name, whether it is taken)."""
        ws = self.workflow.ws
        found = ws.reports_and_roles(user)
        reports = tuple(ReportRef(r.id, r.agency, r.year) for r, _ in found)
        memberships = ws.memberships(user)
        agencies = tuple(
            AgencyRef(a.agency_id, a.agency, a.level) for a in memberships if can(a.role, "edit")
        )
        # a member only where they review starts nothing (a newcomer may create an agency)
        can_create = bool(agencies) or not memberships
        info, role = next(((r, x) for r, x in found if r.id == session.report_id), (None, ""))
        if info is None:  # no report open, or not one of the user's agencies (any more)
            session.report_id = None
            taken = (
                inp is not None
                and session.step is Step.SETUP_AGENCY
                and ws.agency_id(agency_name(inp.text)) is not None
            )
            return Context(
                None,
                reports,
                None,
                self.today(),
                agencies,
                can_create=can_create,
                name_taken=taken,
            )
        report = self.store.assembled(info)  # its row was just read with the others
        return Context(
            report,
            reports,
            self.previous(report),
            self.today(),
            agencies,
            can(role, "edit"),
            can_create,
        )

    def previous(self, report: Report) -> Report | None:
        """Last year's report of the same agency, when the store has it."""
        last = self.store.find_report(report.agency, report.year - 1)
        return self.store.get_report(last) if last is not None else None

    # --- one turn --------------------------------------------------------------------------

    def handle(
        self,
        user: str,
        inp: Input,
        frontend: str,
        update_key: str | None = None,
        read: Read | None = None,
    ) -> list[Outgoing]:
        """One turn for ``user``, in one transaction committed before this returns.

        ``update_key`` (a Telegram update id) is recorded in the same transaction as the
        turn's answers: an update is either handled with everything it changed, or not at
        all, and then handled when Telegram delivers it again. The user's queued messages
        (a review request, a decision, a reminder) come last, so that a request's choices
        are the ones a numbered answer picks.

        A file sent is read before the transaction (``read``, when the front end has read
        it already, in another thread), and drafts are made after it: no file parse and no
        render holds the database's write lock, which every other officer's turn waits
        for. (Text pasted after 导入上年报告 is read in the turn: a message is short.)
        """
        if read is None and inp.document is not None:
            read = read_file(*inp.document)
        with self.store.transaction():
            if update_key is not None and self.store.seen_update(update_key):
                return []  # handled already (delivered twice, or kept and replayed)
            named = bool(inp.name) and self.known_names.get(user) != inp.name
            if named:
                self.workflow.ws.set_name(user, inp.name)  # colleagues read it, not the id
            out = self.turn(user, inp, frontend, read)
            notices = self.workflow.take_inbox(user)
        if named:
            self.known_names[user] = inp.name
        made = [m for item in out for m in (item() if callable(item) else [item])]
        shown = {m.step for m in made if m.step and m.step.startswith(DECISION_STEPS)}
        for notice in notices:  # a request the review queue just showed is not repeated
            if notice.get("step") not in shown:
                made += self.workflow.as_outgoing(user, notice)
        return made

    def turn(self, user: str, inp: Input, frontend: str, read: Read | None = None) -> list[Later]:
        """The replies to one input: the engine, then its effects, in one loop."""
        session = self.store.load_session(user) or Session(user)
        out: list[Later] = []
        following: Input | None = inp
        for _ in range(MAX_ROUNDS):
            if following is None:
                break
            ctx = self.context(user, session, following)
            outcome = handle(self.flow, session, following, ctx, self.m)
            session, following = outcome.session, None
            self.store.apply(
                session.report_id, outcome.changes, session, user=user, frontend=frontend
            )
            stored = session.copy()
            for item in outcome.replies:
                if isinstance(item, Reply):
                    out.append(Outgoing(item.text, item.code, item.choices, item.step, item.multi))
                    continue
                done, resume = self.carry_out(item, user, session, ctx, frontend, read)
                out += done
                following = Input(resume=True, carried_on=True) if resume else following
            if session != stored:
                self.store.save_session(session)
        return out

    def draft_later(
        self, asked: Preview | Check | Export | ShowParagraph, report_id: int | None
    ) -> Later:
        """A check, preview or export, made once the turn is committed."""

        def make() -> list[Outgoing]:
            if report_id is None:
                return []
            report = self.store.get_report(report_id)
            previous = self.previous(report) if isinstance(asked, Check) else None
            return draft(asked, report, previous, self.drafter, self.m)

        return make

    def submit_later(self, user: str, report_id: int | None, previous: Report | None) -> Later:
        """A submission, made once the turn is committed: checked and composed before
        the write lock, then recorded in a transaction of its own."""

        def make() -> list[Outgoing]:
            prepared = None if report_id is None else self.workflow.prepare(report_id, previous)
            with self.store.transaction():
                session = self.store.load_session(user) or Session(user)
                out = self.workflow.submit_open(user, session, previous, prepared)
                self.store.save_session(session)
            return out

        return make

    def carry_out(
        self,
        effect: Effect,
        user: str,
        session: Session,
        ctx: Context,
        frontend: str,
        read: Read | None = None,
    ) -> Done:
        """Carry out one effect of a turn; the session may change (a submission that waits
        for explanations, a return that waits for comments, a report opened)."""
        wf = self.workflow
        match effect:
            case Preview() | Check() | Export() | ShowParagraph():
                return [self.draft_later(effect, session.report_id)], False
            case Submit():
                return [self.submit_later(user, session.report_id, ctx.previous)], False
            case Explain(text=text):
                return self.explain(user, session, text, ctx, frontend)
            case History():
                return wf.history_of(user, session), False
            case ShowReviews():
                return self.review_list(user), False
            case Invite() | Members() | RemoveMember() | NameMember() | RevokeInvite():
                return wf.membership.manage(user, session, effect), False
            case (
                AddSubordinates()
                | Roster()
                | Chase()
                | FilingSetting()
                | SumSubordinates()
                | CellSources()
                | Published()
            ):
                return self.supervision.carry_out(user, session, effect, frontend, read), False
            case Decide(step=step, choice=choice) if step.startswith(FILING_STEP):
                return self.supervision.filings.decide(user, session, step, choice), False
            case Decide(step=step, choice=choice):
                return wf.decision(user, session, step, choice), False
            case ReturnComments(version=version, text=text, filing=True):
                return self.supervision.filings.comments(user, version, text), False
            case ReturnComments(version=version, text=text):
                return wf.comments(user, version, text), False
            case Join(code=code):
                return wf.membership.join(user, code), True
            case NewReport():
                return self.create(effect, session, user, frontend), True
            case OpenReport():
                return [], True
            case SetAgencyLevel(level=level):
                agency_id = (
                    None
                    if session.report_id is None
                    else wf.ws.agency_of_report(session.report_id)
                )
                if agency_id is not None:
                    wf.ws.change_level(agency_id, level)
                return [], False
            case ReadFile(name=name, data=data, first=first, table=table):
                found = read if read is not None else read_file(name, data)  # or a paste
                if first:
                    return self.intake.first(user, session, name, found, wf.ws, frontend), True
                assert session.report_id is not None  # the engine reads files into a report
                out = self.intake.receive(
                    user, session.report_id, name, found, frontend, table=table
                )
                if out is None and isinstance(found, Document):  # no year: ask it, then
                    document = json.dumps(to_json(found), ensure_ascii=False)
                    session.pending = ImportYear(name, document, session.key)
                    session.to(Step.IMPORT_YEAR)
                return out or [], True
            case ImportAs(name=name, document=document, year=year):
                assert session.report_id is not None
                doc = from_json(json.loads(document))
                out = self.intake.receive(user, session.report_id, name, doc, frontend, year)
                return out or [], True

    def review_list(self, user: str) -> list[Outgoing]:
        """审核: the versions waiting for this reviewer, and the 备案 requests waiting for
        the offices where they review."""
        filings = [
            out
            for a in self.workflow.ws.memberships(user)
            if can(a.role, "review")
            for out in self.supervision.filings.pending(user, a.agency_id)
        ]
        own = self.workflow.review_list(user)
        if filings and [m.code for m in own] == [Code.REV_NOTHING_TO_REVIEW]:
            return filings
        return own + filings

    def explain(self, user: str, session: Session, text: str, ctx: Context, frontend: str) -> Done:
        """An explanation of a warning that blocks submission; submit when none is left."""
        assert ctx.report is not None
        assert session.report_id is not None
        # explanations change no finding: the checks run once for both looks below
        findings = check_draft(ctx.report, ctx.previous, self.m, submitting=True)
        needed = self.workflow.explanation_needed(session, ctx.report, findings)
        pending = session.pending
        asked = pending.keys if isinstance(pending, Explanations) else ()
        keys = [k for k in asked if k not in ctx.report.explanations]
        if needed is None or not keys or not ctx.can_edit:
            session.restart()
            return [], True
        self.store.apply(
            session.report_id,
            [Change("explanations", keys[0], text.strip())],
            session,
            user=user,
            frontend=frontend,
        )
        out = [say(Code.CHAT_EXPLAINED)]
        report = self.store.get_report(session.report_id)
        following = self.workflow.explanation_needed(session, report, findings)
        if following is not None:
            return [*out, following], False
        session.restart()
        return [*out, self.submit_later(user, session.report_id, ctx.previous)], False

    def create(self, new: NewReport, session: Session, user: str, frontend: str) -> list[Outgoing]:
        """Create (or open, if it exists) the report the engine asked for.

        A new agency is created with the user as its admin; a name already taken by an
        agency with members is refused (its admin must invite the user).
        """
        if new.agency_id is None:
            try:
                self.workflow.ws.create_agency(new.agency, new.agency_level, new.region, user)
            except AgencyExists:
                session.restart()
                return [say(Code.REV_AGENCY_TAKEN, agency=new.agency)]
        else:  # the level is kept for the agency's next reports when it had none
            self.workflow.ws.set_level(new.agency_id, new.agency_level)
        existing = self.store.find_report(new.agency, new.year)
        if existing is not None:
            session.report_id = existing
            return [say(Code.CHAT_REPORT_OPENED, agency=new.agency, year=new.year)]
        session.report_id = self.store.create_report(
            new.agency, new.year, new.agency_level, user=user, frontend=frontend
        )
        changes, notes = level_changes(new.agency_level, self.m)
        self.store.apply(session.report_id, changes, session, user=user, frontend=frontend)
        out = [say(Code.CHAT_REPORT_CREATED, agency=new.agency, year=new.year)]
        return out + [Outgoing(n.text, n.code) for n in notes]

    # --- messages for other users (Telegram delivers them as they are queued) --------------

    def claim_queued(
        self, prefix: str, *, if_queued: bool = False
    ) -> list[tuple[int, str, list[Outgoing]]]:
        """The queued messages of the users whose id starts with ``prefix`` (a front
        end's), taken for sending: (id, user, messages). Each is taken once, even by two
        deliveries at once; give back one that could not be sent with :meth:`release`.

        With ``if_queued``, the outbox is read only if this process queued a message since
        it was last read (after a turn: most turns queue nothing for anyone).
        """
        ws = self.workflow.ws
        if if_queued and not ws.notified:
            return []
        ws.notified = False
        as_outgoing = self.workflow.as_outgoing
        return [(n.id, n.user, as_outgoing(n.user, n.message)) for n in ws.claim(prefix)]

    def release(self, notice_id: int) -> None:
        """Put back a queued message whose sending failed; the next delivery sends it."""
        self.workflow.ws.release(notice_id)
