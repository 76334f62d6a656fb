"""The review workflow on the store: submit, review, history, reminders, and the outbox
of messages for other users (an agency's members: :mod:`bot.office.members`).

Every action is authorised here, on the server side, from the user's membership, never
from what a button or a command claims: a press by someone without the right does
nothing visible (it answers like an expired button) and is logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta, tzinfo
from typing import Any

from bot.conversation.effects import (
    REVIEW_STEP,
)
from bot.conversation.flows import Choice, flow
from bot.conversation.journey import Facts, progress
from bot.conversation.session import Explanations, ReviewComments, Session, Step
from bot.conversation.types import Outgoing, say
from bot.drafting.compliance import check_draft
from bot.drafting.render import Drafter
from bot.format.catalogue import Code, message
from bot.format.datafile import dumps, from_data, parse_text
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel
from bot.format.report import Report
from bot.office.members import Membership
from bot.office.rules import (
    CHINA_TIME,
    REMIND_DAYS,
    STATUS_NAMES,
    can,
    changes_between,
    content_hash,
    deadline,
    editor_reminders,
    forbidden,
    local_time,
    reviewer_reminders,
    summary,
)
from bot.store.office import Version, WorkflowStore
from bot.store.reports import Store
from bot.store.supervision import SupervisionStore

log = logging.getLogger(__name__)
MAX_ID_DIGITS = 18  # an SQLite integer has at most 19 digits


@dataclass(frozen=True)
class Prepared:
    """A submission made ready outside the write lock: the report as checked, the
    findings, and the data file of the version."""

    report: Report
    findings: list[Finding]
    data: str


@dataclass
class Workflow:
    """Workflow actions for one store, drafting with ``drafter``."""

    store: Store
    m: ReportModel
    drafter: Drafter = field(default_factory=Drafter)
    invite_link: Callable[[str], str] = lambda code: f"/start {code}"
    zone: tzinfo = CHINA_TIME  # the time officers read (历史)

    def __post_init__(self) -> None:
        self.ws = WorkflowStore(self.store)
        # the link read when an invite is made: the Telegram front end sets it once it
        # knows the bot's username
        self.membership = Membership(self.ws, lambda code: self.invite_link(code))
        self.called = self.membership.called  # how colleagues are named in messages
        # called with each version its reviewers approve (the supervising office's 备案)
        self.on_approved: list[Callable[[Version], None]] = []

    # --- who is who ---------------------------------------------------------------------

    def role_for_report(self, user: str, report_id: int) -> str | None:
        """The user's role in the agency of the report (None: an outsider)."""
        agency_id = self.ws.agency_of_report(report_id)
        return None if agency_id is None else self.ws.role(user, agency_id)

    # --- commands -----------------------------------------------------------------------

    def history_of(self, user: str, session: Session) -> list[Outgoing]:
        """历史 of the open report, or (with none open, as a reviewer's) of the user's
        agency's report changed last."""
        report_id = session.report_id
        if report_id is None:
            found = self.ws.reports_and_roles(user)
            report_id = found[0][0].id if found else None
        if report_id is None:
            return [say(Code.CHAT_NO_REPORT)]
        return self.history(report_id)

    def submit_open(
        self,
        user: str,
        session: Session,
        previous: Report | None,
        prepared: Prepared | None = None,
    ) -> list[Outgoing]:
        """提交 the open report."""
        if session.report_id is None:
            return [say(Code.CHAT_NO_REPORT)]
        role = self.role_for_report(user, session.report_id)
        if role is None:  # no longer a member
            return [say(Code.CHAT_NO_REPORT)]
        return self.submit(user, session, role, previous, prepared)

    def history(self, report_id: int) -> list[Outgoing]:
        """Submissions, decisions, comments, and who changed how many answers."""
        report = self.store.get_report(report_id)
        lines = [message(Code.REV_HISTORY_HEADER, agency=report.agency, year=report.year)]
        for v in self.ws.versions(report_id):
            decision = (
                ""
                if v.decided_by is None
                else message(
                    Code.REV_DECISION_DETAIL,
                    by=self.called(v.decided_by),
                    at=local_time(v.decided_at, self.zone) if v.decided_at else "",
                    comments=f"：{v.comments}" if v.comments else "",
                )
            )
            lines.append(
                message(
                    Code.REV_HISTORY_VERSION,
                    number=v.number,
                    submitted_at=local_time(v.submitted_at, self.zone),
                    by=self.called(v.submitted_by),
                    status=message(STATUS_NAMES[v.status]),
                    decision=decision,
                )
            )
        # (day, user) -> answers changed, and the times of the first and the last change
        edits: dict[tuple[str, str], tuple[int, str, str]] = {}
        for entry in self.store.history(report_id):
            day, time = local_time(entry.at, self.zone).split()
            count, first, _ = edits.get((day, entry.user), (0, time, time))
            edits[day, entry.user] = (count + 1, first, time)
        lines += [
            message(
                Code.REV_HISTORY_EDITS,
                day=day,
                times=first if first == last else f"{first}–{last}",
                user=self.called(u),
                count=n,
            )
            for (day, u), (n, first, last) in edits.items()
        ]
        return [Outgoing("\n".join(lines), Code.REV_HISTORY_HEADER)]

    # --- submission and review ------------------------------------------------------------

    def prepare(self, report_id: int, previous: Report | None) -> Prepared:
        """The checks and the snapshot of a submission, made before the write lock is
        taken (they compose the whole draft)."""
        report = self.store.get_report(report_id)
        data = dumps(self.drafter.narrative(report))
        findings = check_draft(report, previous, self.m, submitting=True)
        return Prepared(report, findings, data)

    def submit(
        self,
        user: str,
        session: Session,
        role: str,
        previous: Report | None,
        prepared: Prepared | None = None,
    ) -> list[Outgoing]:
        """Submit the open report: errors block, warnings need their explanations.

        ``prepared`` (:meth:`prepare`) is used when the report has not changed since."""
        if not can(role, "submit"):
            return [Outgoing(forbidden(role, "submit"), Code.REV_FORBIDDEN)]
        assert session.report_id is not None
        report = self.store.get_report(session.report_id)
        if prepared is None or prepared.report != report:  # changed meanwhile: again
            prepared = self.prepare(session.report_id, previous)
            report = prepared.report
        findings = prepared.findings
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            return [say(Code.REV_SUBMIT_ERRORS, errors=len(errors))]
        unexplained = [f for f in findings if f.key not in report.explanations]
        if unexplained:
            session.to(Step.EXPLAIN)
            session.pending = Explanations(tuple(f.key for f in unexplained))
            return [
                say(Code.REV_SUBMIT_UNEXPLAINED, count=len(unexplained)),
                Outgoing(unexplained[0].message(), Code.CHAT_WARNING_ASK),
            ]
        return self._submit(user, session.report_id, report, findings, prepared.data)

    def explanation_needed(
        self, session: Session, report: Report, findings: list[Finding]
    ) -> Outgoing | None:
        """The next warning awaiting an explanation before submission, if any, among the
        ``findings`` of the report's checks."""
        pending = session.pending
        keys = pending.keys if isinstance(pending, Explanations) else ()
        by_key = {f.key: f for f in findings}
        for key in keys:
            if key in by_key and key not in report.explanations:
                return Outgoing(by_key[key].message(), Code.CHAT_WARNING_ASK)
        return None

    def _submit(
        self, user: str, report_id: int, report: Report, findings: list[Any], data: str
    ) -> list[Outgoing]:
        versions = self.ws.versions(report_id)
        version = self.ws.submit(report_id, data, content_hash(data), user)
        last = versions[-1] if versions else None
        changes = (
            changes_between(self.snapshot(last), self.snapshot(version), self.m) if last else None
        )
        text = message(
            Code.REV_REQUEST,
            agency=report.agency,
            year=report.year,
            number=version.number,
            by=self.called(user),
            summary=summary(
                report, findings, report.explanations, changes, last.number if last else None
            ),
        )
        agency_id = self.ws.agency_of_report(report_id)
        assert agency_id is not None
        reviewers = [
            mb.user
            for mb in self.ws.members(agency_id)
            if can(mb.role, "review") and mb.user != user
        ]
        for reviewer in reviewers:
            self.ws.notify(reviewer, self.request(version, text))
        if not reviewers:
            return [say(Code.REV_SUBMITTED_NO_REVIEWER, number=version.number)]
        return [say(Code.REV_SUBMITTED, number=version.number, reviewers=self.called(*reviewers))]

    def request(self, version: Version, text: str) -> dict[str, Any]:
        """The queued review request of ``version``: its text, the .docx, the buttons."""
        choices = [["approve", message(Code.REV_APPROVE)], ["return", message(Code.REV_RETURN)]]
        return {
            "text": text,
            "code": Code.REV_REQUEST.value,
            "choices": choices,
            "step": f"{REVIEW_STEP}{version.id}",
            "version": version.id,
        }

    def snapshot(self, version: Version) -> Report:
        report, _ = from_data(parse_text(version.data))
        return report

    def review_list(self, user: str) -> list[Outgoing]:
        """Show again every version waiting for this user's decision; a member who may
        not review is told so, in terms of their role."""
        roles = [m.role for m in self.ws.memberships(user)]
        if roles and not any(can(r, "review") for r in roles):
            return [Outgoing(forbidden(roles[0], "review"), Code.REV_FORBIDDEN)]
        out = []
        for version in self.ws.pending_versions():
            role = self.role_for_report(user, version.report_id)
            if can(role, "review") and version.submitted_by != user:
                # the request as first sent (key figures, findings, changes), else brief
                text = self.ws.request_text(version.id)
                if text is None:
                    report = self.snapshot(version)
                    text = message(
                        Code.REV_REQUEST,
                        agency=report.agency,
                        year=report.year,
                        number=version.number,
                        by=self.called(version.submitted_by),
                        summary="",
                    ).strip()
                out += self.as_outgoing(user, self.request(version, text))
        return out or [say(Code.REV_NOTHING_TO_REVIEW)]

    def decision(self, user: str, session: Session, step: str, choice: str) -> list[Outgoing]:
        """A press of 通过 or 退回 on a review request, authorised here."""
        number = step.removeprefix(REVIEW_STEP)
        # a version id as the store makes them: forged button data is no version at all
        valid = number.isascii() and number.isdecimal() and len(number) <= MAX_ID_DIGITS
        version = self.ws.version(int(number)) if valid else None
        role = None if version is None else self.role_for_report(user, version.report_id)
        if version is None or role is None or choice not in ("approve", "return"):
            log.warning("refused review press %s|%s by %s", step, choice, user)
            return [say(Code.CHAT_EXPIRED)]  # an outsider learns nothing
        if not can(role, "review"):  # a member: told why, in terms of their role
            return [Outgoing(forbidden(role, "review"), Code.REV_FORBIDDEN)]
        if version.status != "submitted":
            return [
                say(
                    Code.REV_ALREADY_DECIDED,
                    number=version.number,
                    status=message(STATUS_NAMES[version.status]),
                )
            ]
        if user in self.ws.editors_of(version.report_id) or user == version.submitted_by:
            return [say(Code.REV_OWN_EDITS)]
        if choice == "return":
            session.to(Step.REVIEW_COMMENT)
            session.pending = ReviewComments(version.id)
            return [say(Code.REV_ASK_COMMENTS)]
        self.ws.decide(version.id, "approved", user, None)
        self._tell_editors(version, user, Code.REV_APPROVED_NOTICE)
        for hook in self.on_approved:
            hook(version)
        return [say(Code.REV_APPROVED, number=version.number, hash=version.hash[:12])]

    def comments(self, user: str, version_id: int, text: str) -> list[Outgoing]:
        """The comments of a return: record the decision and tell the editors."""
        version = self.ws.version(version_id)
        if version is None or not can(self.role_for_report(user, version.report_id), "review"):
            return [say(Code.CHAT_EXPIRED)]
        if not self.ws.decide(version.id, "returned", user, text.strip()):
            return [
                say(
                    Code.REV_ALREADY_DECIDED,
                    number=version.number,
                    status=message(STATUS_NAMES[version.status]),
                )
            ]
        self._tell_editors(version, user, Code.REV_RETURNED_NOTICE, comments=text.strip())
        return [say(Code.REV_RETURNED, number=version.number)]

    def _tell_editors(self, version: Version, by: str, code: Code, **params: object) -> None:
        """Queue a decision on ``version`` for every editor of its report but ``by``."""
        report = self.snapshot(version)
        text = message(
            code,
            agency=report.agency,
            year=report.year,
            number=version.number,
            by=self.called(by),
            **params,
        )
        for editor in self.editors(version.report_id, by):
            self.ws.notify(editor, {"text": text, "code": code.value, "report": version.report_id})

    def editors(self, report_id: int, besides: str) -> list[str]:
        agency_id = self.ws.agency_of_report(report_id)
        assert agency_id is not None
        return [
            mb.user
            for mb in self.ws.members(agency_id)
            if can(mb.role, "submit") and mb.user != besides
        ]

    # --- outbox and reminders -------------------------------------------------------------

    def as_outgoing(self, user: str, notice: dict[str, Any]) -> list[Outgoing]:
        """A queued message as front-end messages (the version's .docx with a request);
        nothing when ``user`` may no longer receive it: one about a report goes only to a
        member of its agency (a member removed since it was queued gets nothing), a 备案
        request only to a reviewer of the office."""
        version = self.ws.version(notice["version"]) if notice.get("version") else None
        report_id = version.report_id if version is not None else notice.get("report")
        office = notice.get("office")  # a 备案 request goes to the office's reviewers
        if office is not None:
            allowed = can(self.ws.role(user, int(office)), "review")
        else:
            allowed = report_id is None or self.role_for_report(user, int(report_id)) is not None
        if not allowed:
            log.info("dropped a queued message for %s, no longer a member", user)
            return []
        choices = tuple(Choice(n, label) for n, label in notice.get("choices", []))
        code = Code(notice["code"]) if notice.get("code") else None
        out = [Outgoing(notice["text"], code, choices, notice.get("step"))]
        if version is not None:
            report = self.snapshot(version)
            name = f"{report.agency}{report.year}年报告第{version.number}版.docx"
            out.insert(0, Outgoing(document=(name, self.drafter.render(report, "docx"))))
        return out

    def take_inbox(self, user: str) -> list[dict[str, Any]]:
        """The user's queued messages, marked delivered (make them messages with
        :meth:`as_outgoing` once the transaction is committed: a request renders a .docx)."""
        notices = self.ws.undelivered(user)
        for notice in notices:
            self.ws.delivered(notice.id)
        return [n.message for n in notices]

    def queue_reminders(self, today: date, days: tuple[int, ...] = REMIND_DAYS) -> int:
        """Queue the reminders due today (each once); returns how many were queued."""
        queued = 0
        reminders = []
        # only last year's reports can be due (31 January), and only in the days before it
        window = deadline(today.year - 1) - timedelta(days=max(days, default=0))
        due_year = today.year - 1 if window <= today <= deadline(today.year - 1) else None
        for info in self.store.list_reports():
            if info.year != due_year:
                continue
            versions = self.ws.versions(info.id)
            if any(v.status == "approved" for v in versions):
                continue
            agency_id = self.ws.agency_of_report(info.id)
            # a supervising office's agencies are reminded on its schedule (催报) instead
            if agency_id is None or SupervisionStore(self.store).parent(agency_id) is not None:
                continue
            report = self.store.get_report(info.id)
            parts = progress(flow(), report, Facts(), self.m)
            done = "，".join(f"{p.title[:2]}{p.done}/{p.total}" for p in parts)
            editors = [mb.user for mb in self.ws.members(agency_id) if can(mb.role, "edit")]
            reminders += [
                (r, info.id)
                for r in editor_reminders(
                    today, info.id, info.agency, info.year, done, editors, days
                )
            ]
        for version in self.ws.pending_versions():
            agency_id = self.ws.agency_of_report(version.report_id)
            assert agency_id is not None
            info = self.store.report_info(version.report_id)
            reviewers = [
                mb.user
                for mb in self.ws.members(agency_id)
                if can(mb.role, "review") and mb.user != version.submitted_by
            ]
            reminders += [
                (r, version.report_id)
                for r in reviewer_reminders(
                    today,
                    version.id,
                    version.number,
                    info.agency,
                    info.year,
                    version.submitted_at.date(),
                    reviewers,
                )
            ]
        for reminder, report_id in reminders:
            if self.ws.first_time(reminder.key):
                self.ws.notify(reminder.user, {"text": reminder.text, "report": report_id})
                queued += 1
        return queued
