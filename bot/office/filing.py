"""备案: the second stage of review at the supervising office (先备案后公布).

When an agency's reviewers approve a version and the agency's office requires 备案, the
office's reviewers get the version as a review request (the .docx and the buttons 通过 /
退回, step ``filing:<version id>``). Approving it records the 备案 and tells the
agency's editors they may publish; returning it asks for comments, which go to the
agency's editors, who fix the report and submit it again (their own review first, then
备案 again). Every press is authorised here from the user's membership of the office.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.conversation.effects import FILING_STEP
from bot.conversation.session import ReviewComments, Session, Step
from bot.conversation.types import Outgoing, say
from bot.format.catalogue import Code, message
from bot.office.rules import STATUS_NAMES, can, forbidden
from bot.office.workflow import MAX_ID_DIGITS, Workflow
from bot.store.office import Version
from bot.store.supervision import Filing, SupervisionStore

log = logging.getLogger(__name__)


@dataclass
class Filings:
    """The 备案 stage for the agencies of one store, on ``wf``'s review machinery."""

    wf: Workflow

    def __post_init__(self) -> None:
        self.ss = SupervisionStore(self.wf.store)
        self.wf.on_approved.append(self.approved)

    def approved(self, version: Version) -> None:
        """A version its agency approved: to the office's reviewers, if it requires 备案."""
        ws = self.wf.ws
        agency_id = ws.agency_of_report(version.report_id)
        office_id = None if agency_id is None else self.ss.parent(agency_id)
        if office_id is None or not self.ss.filing_required(office_id):
            return
        self.ss.request_filing(version.id, office_id)
        first = ws.request_text(version.id) or ""
        # the key figures and findings, as the agency's reviewers read them
        notice = self.request(version, office_id, first.partition("\n")[2])
        for member in ws.members(office_id):
            if can(member.role, "review"):
                ws.notify(member.user, notice)

    def request(self, version: Version, office_id: int, summary: str) -> dict[str, Any]:
        """The queued 备案 request: the review request's .docx and buttons, to the office."""
        report = self.wf.snapshot(version)
        text = message(
            Code.SUP_FILING_REQUEST,
            agency=report.agency,
            year=report.year,
            number=version.number,
            office=self.ss.name(office_id),
            summary=summary,
        ).strip()
        return self.wf.request(version, text) | {
            "code": Code.SUP_FILING_REQUEST.value,
            "step": f"{FILING_STEP}{version.id}",
            "office": office_id,
        }

    def pending(self, user: str, office_id: int) -> list[Outgoing]:
        """The 备案 requests waiting for the office (shown with 审核)."""
        out: list[Outgoing] = []
        for version_id in self.ss.pending_filings(office_id):
            version = self.wf.ws.version(version_id)
            assert version is not None
            out += self.wf.as_outgoing(user, self.request(version, office_id, ""))
        return out

    def _filing(self, user: str, version_id: int) -> tuple[Filing, Version, str] | None:
        filing = self.ss.filing(version_id)
        version = self.wf.ws.version(version_id)
        role = None if filing is None else self.wf.ws.role(user, filing.office_id)
        if filing is None or version is None or role is None:
            return None
        return filing, version, role

    def decide(self, user: str, session: Session, step: str, choice: str) -> list[Outgoing]:
        """A press of 通过 or 退回 on a 备案 request."""
        number = step.removeprefix(FILING_STEP)
        valid = number.isascii() and number.isdecimal() and len(number) <= MAX_ID_DIGITS
        found = self._filing(user, int(number)) if valid else None
        if found is None or choice not in ("approve", "return"):
            log.warning("refused filing press %s|%s by %s", step, choice, user)
            return [say(Code.CHAT_EXPIRED)]
        filing, version, role = found
        if not can(role, "review"):
            return [Outgoing(forbidden(role, "review"), Code.REV_FORBIDDEN)]
        if filing.status != "submitted":
            return [self._decided(version, filing.status)]
        if choice == "return":
            session.to(Step.REVIEW_COMMENT)
            session.pending = ReviewComments(version.id, filing=True)
            return [say(Code.REV_ASK_COMMENTS)]
        self.ss.decide_filing(version.id, "approved", user, None)
        report = self.wf.snapshot(version)
        self._tell(version, filing.office_id, user, Code.SUP_FILED_NOTICE)
        return [say(Code.SUP_FILED, agency=report.agency, year=report.year, number=version.number)]

    def comments(self, user: str, version_id: int, text: str) -> list[Outgoing]:
        """The comments of a returned 备案: recorded, and sent to the agency's editors."""
        found = self._filing(user, version_id)
        if found is None or not can(found[2], "review"):
            return [say(Code.CHAT_EXPIRED)]
        filing, version, _ = found
        if not self.ss.decide_filing(version.id, "returned", user, text.strip()):
            return [self._decided(version, filing.status)]
        report = self.wf.snapshot(version)
        self._tell(
            version, filing.office_id, user, Code.SUP_FILING_RETURNED_NOTICE, comments=text.strip()
        )
        return [
            say(
                Code.SUP_FILING_RETURNED,
                agency=report.agency,
                year=report.year,
                number=version.number,
            )
        ]

    def _decided(self, version: Version, status: str) -> Outgoing:
        return say(
            Code.REV_ALREADY_DECIDED, number=version.number, status=message(STATUS_NAMES[status])
        )

    def _tell(self, version: Version, office_id: int, by: str, code: Code, **params: Any) -> None:
        """Tell the agency's editors the office's decision on the 备案 of ``version``."""
        report = self.wf.snapshot(version)
        text = message(
            code,
            office=self.ss.name(office_id),
            agency=report.agency,
            year=report.year,
            number=version.number,
            by=self.wf.called(by),
            **params,
        )
        for editor in self.wf.editors(version.report_id, by):
            self.wf.ws.notify(
                editor, {"text": text, "code": code.value, "report": version.report_id}
            )
