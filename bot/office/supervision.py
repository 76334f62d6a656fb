"""A supervising office's commands: add subordinate agencies (下级 添加), the roster (名单,
进度 全部), chasing (催报, and on the office's schedule), 备案 required or not (备案 需要),
the region's sum (汇总下级); and an agency's record of its publication (已公开).

Only the office's admins manage its subordinates (:meth:`Workflow.managed_agency`); the
publication is recorded by an agency's editors.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.conversation.command_words import spec
from bot.conversation.effects import (
    AddSubordinates,
    CellSources,
    Chase,
    FilingSetting,
    Published,
    Roster,
    SumSubordinates,
    Supervising,
)
from bot.conversation.session import Session
from bot.conversation.types import Outgoing, say
from bot.conversation.words import is_word
from bot.format.catalogue import Code, UserError, message
from bot.format.text_hygiene import clean_text
from bot.importing.importer import import_document
from bot.importing.text import Document
from bot.office.filing import Filings
from bot.office.region import approved_sources, cell_sources, sum_into
from bot.office.roster import NOT_SUBMITTED, Entry, Rosters
from bot.office.rules import (
    INVITE_DAYS,
    REMIND_DAYS,
    can,
    cell_changes,
    deadline_text,
    due_day,
    season_year,
)
from bot.office.workflow import Workflow
from bot.store.office import AgencyExists
from bot.store.supervision import SupervisionStore, chase_key

NAME_SEPARATORS = re.compile(r"[\s、，,；;]+")
MAX_NAMES = 500  # agencies added in one message
MAX_NAME = 60  # characters of an agency's name
MAX_DAYS = 60  # the earliest reminder, in days before the deadline
DATE = re.compile(r"(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})日?")
URL = re.compile(r"https?://\S+")


def listed(read: Document) -> tuple[str, ...]:
    """The names a file lists: of each line (of each row, in a table), the first cell
    that is neither a number nor a column heading (机关名称)."""
    names = []
    rows = [line for line in read.lines if line.table]  # a sheet's title is no name
    for line in rows or read.lines:
        texts = [clean_text(c.text).strip() for c in line.cells]
        # the first cell that is not a number (a 序号 column) nor a heading
        name = next((t for t in texts if t and not t.isdecimal()), "")
        if name and not is_word("agency_list_heading", name):
            names.append(name)
    return tuple(names)


@dataclass
class Supervision:
    """A supervising office's commands on ``wf``'s store, on the day ``today`` says."""

    wf: Workflow
    today: Callable[[], date] = date.today
    rosters: Rosters = field(init=False)

    def __post_init__(self) -> None:
        self.ss = SupervisionStore(self.wf.store)
        self.rosters = Rosters(self.wf.store, self.wf.m, self.wf.zone)
        self.filings = Filings(self.wf)

    def carry_out(
        self,
        user: str,
        session: Session,
        effect: Supervising,
        frontend: str,
        read: Document | UserError | None = None,
    ) -> list[Outgoing]:
        """One command; refused unless the user is the admin of the agency it is about.
        ``read`` is the file sent with 下级 添加, read (a list of agencies' names)."""
        if isinstance(effect, Published):
            return self.publish(user, session, effect, read)
        office_id = self.wf.membership.managed_agency(user, session)
        if not isinstance(office_id, int):
            return office_id
        match effect:
            case AddSubordinates(argument=argument, file=file) if file:
                if not isinstance(read, Document):
                    error = read or UserError(
                        Code.SUP_ADD_USAGE, example=spec("subordinate").example
                    )
                    return [Outgoing(error.message(), error.code)]
                return self.add(user, office_id, argument, listed(read))
            case AddSubordinates(argument=argument):
                return self.add(user, office_id, argument)
            case Roster():
                return self.roster(office_id)
            case Chase(argument=argument) if argument.strip():
                return self.set_schedule(office_id, argument)
            case Chase():
                return self.chase_now(office_id)
            case FilingSetting(argument=argument):
                return self.set_filing(office_id, argument)
            case CellSources(target=target):
                return self.sources(office_id, session, target)
            case SumSubordinates():
                report_id = session.report_id
                if report_id is None or self.wf.ws.agency_of_report(report_id) != office_id:
                    return [say(Code.SUP_SUM_NO_REPORT)]
                return sum_into(self.wf, self.wf.m, user, report_id, office_id, frontend)

    # --- subordinates and settings ---------------------------------------------------------

    def add(
        self, user: str, office_id: int, argument: str, more: tuple[str, ...] = ()
    ) -> list[Outgoing]:
        """下级 添加 <names>: each a new agency under the office (and each of ``more``,
        a file's), with an invite for its first admin."""
        words = [n for n in NAME_SEPARATORS.split(argument) if n]
        if words and is_word("add_subordinates", words[0]):
            words = words[1:]
        names = words + list(more)
        example = spec("subordinate").example
        if not names or len(names) > MAX_NAMES or any(len(n) > MAX_NAME for n in names):
            return [say(Code.SUP_ADD_USAGE, example=example)]
        out = []
        for name in dict.fromkeys(names):
            try:
                agency_id = self.ss.add_subordinate(office_id, name, user)
            except AgencyExists:
                out.append(say(Code.SUP_TAKEN, agency=name))
                continue
            code = secrets.token_urlsafe(9)
            expires = datetime.now(UTC) + timedelta(days=INVITE_DAYS)
            self.wf.ws.create_invite(code, agency_id, "admin", user, expires)
            out.append(
                say(
                    Code.SUP_ADDED,
                    agency=name,
                    days=INVITE_DAYS,
                    link=self.wf.invite_link(code),
                    invite_code=code,
                )
            )
        return out

    def set_filing(self, office_id: int, argument: str) -> list[Outgoing]:
        """备案 需要 / 备案 不需要."""
        required = is_word("filing_required", argument)
        if not required and not is_word("filing_not_required", argument):
            return [say(Code.SUP_FILING_USAGE)]
        self.ss.set_filing_required(office_id, required)
        return [say(Code.SUP_FILING_ON if required else Code.SUP_FILING_OFF)]

    def set_schedule(self, office_id: int, argument: str) -> list[Outgoing]:
        """催报 14 7 3 1: the days before the deadline the office's agencies are reminded."""
        words = argument.split()
        if not all(w.isascii() and w.isdecimal() and 1 <= int(w) <= MAX_DAYS for w in words):
            return [say(Code.SUP_SCHEDULE_USAGE, example=spec("chase").example)]
        days = tuple(sorted({int(w) for w in words}, reverse=True))
        self.ss.set_remind_days(office_id, days)
        return [say(Code.SUP_SCHEDULE_SET, days="、".join(map(str, days)))]

    def sources(self, office_id: int, session: Session, target: str) -> list[Outgoing]:
        """来源 <cell>: the agencies the cell of the sum comes from."""
        report_id = session.report_id
        in_office = report_id is not None and self.wf.ws.agency_of_report(report_id) == office_id
        year = (
            self.wf.store.report_info(report_id).year
            if report_id is not None and in_office
            else season_year(self.today())
        )
        sources, _ = approved_sources(self.wf, office_id, year)
        if not sources:
            return [say(Code.SUP_SUM_NONE, year=year)]
        text = cell_sources(sources, target, self.wf.m)
        if text is None:
            return [say(Code.SUP_CELL_UNKNOWN, target=target, example=spec("sources").example)]
        return [Outgoing(text, Code.SUP_CELL_SOURCES)]

    # --- the roster -------------------------------------------------------------------------

    def roster(self, office_id: int) -> list[Outgoing]:
        """名单: the roster in the chat, and as a workbook."""
        today = self.today()
        year = season_year(today)
        entries = self.rosters.entries(office_id, year)
        if not entries:
            return [say(Code.SUP_NO_SUBORDINATES)]
        office = self.ss.name(office_id)
        text = self.rosters.text(office, year, today, entries)
        name = message(Code.SUP_ROSTER_FILE, office=office, year=year)
        workbook = self.rosters.workbook(office, year, today, entries)
        page = self.rosters.page(office, year, today, entries)
        return [
            Outgoing(text, Code.SUP_ROSTER_HEADER),
            Outgoing(document=(f"{name}.xlsx", workbook)),
            Outgoing(document=(f"{name}.html", page)),
        ]

    # --- chasing ----------------------------------------------------------------------------

    def chase_now(self, office_id: int) -> list[Outgoing]:
        """催报: remind every subordinate not yet submitted, now."""
        year = season_year(self.today())
        occasion = "now" + datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        reached: list[str] = []
        unreachable: list[str] = []
        people = 0
        for entry in self.rosters.entries(office_id, year):
            if entry.state in NOT_SUBMITTED:
                sent = self._remind(office_id, entry, year, occasion)
                people += sent
                (reached if sent else unreachable).append(entry.sub.name)
        out = []
        if reached:
            out.append(
                say(
                    Code.SUP_CHASED, count=len(reached), agencies="、".join(reached), people=people
                )
            )
        if unreachable:
            out.append(say(Code.SUP_CHASE_UNREACHABLE, agencies="、".join(unreachable)))
        return out or [say(Code.SUP_CHASE_NONE)]

    def chase_due(self, today: date) -> int:
        """Queue the reminders due today on each office's schedule (default
        :data:`REMIND_DAYS` before 31 January), each once per scheduled day; returns how
        many were queued."""
        year = today.year - 1
        queued = 0
        for office_id in self.ss.offices():
            day = due_day(today, year, self.ss.remind_days(office_id) or REMIND_DAYS)
            if day is None:
                continue
            for entry in self.rosters.entries(office_id, year):
                if entry.state in NOT_SUBMITTED:
                    queued += self._remind(office_id, entry, year, f"d{day}")
        return queued

    def _remind(self, office_id: int, entry: Entry, year: int, occasion: str) -> int:
        """Remind the agency's editors (once per occasion); how many were reminded."""
        ws = self.wf.ws
        text = message(
            Code.SUP_CHASE_NOTICE,
            office=self.ss.name(office_id),
            agency=entry.sub.name,
            year=year,
            deadline=deadline_text(year),
            state=entry.state_text(),
        )
        sent = 0
        for member in ws.members(entry.sub.agency_id):
            key = chase_key(entry.sub.agency_id, year, occasion, member.user)
            if can(member.role, "edit") and ws.first_time(key):
                ws.notify(member.user, {"text": text, "code": Code.SUP_CHASE_NOTICE.value})
                sent += 1
        return sent

    # --- publication ------------------------------------------------------------------------

    def publish(
        self, user: str, session: Session, asked: Published, read: Document | UserError | None
    ) -> list[Outgoing]:
        """已公开 <网址> [日期]: where and when the open report was published; with the
        published file, its figures against the approved version."""
        report_id = session.report_id
        if report_id is None or not can(self.wf.role_for_report(user, report_id), "submit"):
            return [say(Code.SUP_PUBLISH_NO_REPORT)]
        url = URL.search(asked.argument)
        found = DATE.search(URL.sub(" ", asked.argument))  # not a date in the URL's path
        try:
            when = date(*map(int, found.groups())) if found else self.today()
        except ValueError:
            url = None
        if url is None:
            return [say(Code.SUP_PUBLISH_USAGE, example=spec("published").example)]
        if isinstance(read, UserError):
            return [Outgoing(read.message(), read.code)]
        info = self.wf.store.report_info(report_id)
        out = []
        differences = None
        if asked.file and isinstance(read, Document):
            lines = self.compare(report_id, read, asked.file)
            differences = None if lines is None else len(lines)
            out = self.compared(lines)
        self.ss.publish(report_id, url.group(), when, user, differences)
        published = say(
            Code.SUP_PUBLISHED,
            agency=info.agency,
            year=info.year,
            date=when.isoformat(),
            url=url.group(),
        )
        return [published, *out]

    def compare(self, report_id: int, read: Document, name: str) -> list[str] | None:
        """The figures of the published file unlike the latest approved version (None:
        no version is approved)."""
        approved = [v for v in self.wf.ws.versions(report_id) if v.status == "approved"]
        if not approved:
            return None
        snapshot = self.wf.snapshot(approved[-1])
        published = import_document(read, name, agency=snapshot.agency, year=snapshot.year)
        return cell_changes(snapshot, published.report, self.wf.m, both=True)

    def compared(self, lines: list[str] | None) -> list[Outgoing]:
        """What comparing the published file found."""
        if lines is None:
            return [say(Code.SUP_PUBLISHED_UNAPPROVED)]
        if not lines:
            return [say(Code.SUP_PUBLISHED_SAME)]
        text = "\n".join([message(Code.SUP_PUBLISHED_DIFFERS, count=len(lines)), *lines[:40]])
        return [Outgoing(text, Code.SUP_PUBLISHED_DIFFERS)]
