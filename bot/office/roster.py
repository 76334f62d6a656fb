"""A supervising office's roster: every subordinate agency with where its report stands,
its error and warning counts, its indicators and when it was reminded, most urgent first;
in the chat and as a workbook (名单, 进度 全部).

The checks of an agency's report (a few milliseconds each) are kept per report and its
last change, so a roster asked for again checks only the reports changed since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from bot.conversation.flows import flow
from bot.conversation.journey import Facts, progress
from bot.drafting.compliance import check_draft
from bot.drafting.render import table_page
from bot.format.catalogue import Code, message
from bot.format.findings import Severity
from bot.format.model import ReportModel
from bot.format.report import Report
from bot.office.indicators import Rate, indicator_line, indicators
from bot.office.rules import CHINA_TIME, deadline, deadline_text, local_time
from bot.store.reports import Store
from bot.store.supervision import Subordinate, SupervisionStore

# states, most urgent first (a returned report needs work as much as a late one)
RANKS = {
    Code.SUP_STATE_NOT_STARTED: 0,
    Code.SUP_STATE_RETURNED: 1,
    Code.SUP_STATE_FILING_RETURNED: 1,
    Code.SUP_STATE_DRAFTING: 2,
    Code.SUP_STATE_SUBMITTED: 3,
    Code.SUP_STATE_FILING: 4,
    Code.SUP_STATE_APPROVED: 5,
    Code.SUP_STATE_FILED: 6,
    Code.SUP_STATE_PUBLISHED: 7,
}
NOT_SUBMITTED = frozenset(
    {
        Code.SUP_STATE_NOT_STARTED,
        Code.SUP_STATE_DRAFTING,
        Code.SUP_STATE_RETURNED,
        Code.SUP_STATE_FILING_RETURNED,
    }
)


@dataclass(frozen=True, slots=True)
class Checked:
    """What the roster reads of one report as it was at ``at``."""

    at: datetime
    percent: int
    errors: int
    warnings: int
    rates: dict[Code, Rate | None]


@dataclass(frozen=True, slots=True)
class Entry:
    """One line of the roster."""

    sub: Subordinate
    state: Code
    checked: Checked | None
    reminded: tuple[datetime, ...] = ()

    @property
    def urgency(self) -> tuple[int, int, int, str]:
        """Sort key: the state, then the least complete, then the most errors."""
        percent = self.checked.percent if self.checked else 0
        errors = self.checked.errors if self.checked else 0
        return RANKS[self.state], percent, -errors, self.sub.name

    def state_text(self) -> str:
        """The state as officers read it."""
        if self.state is Code.SUP_STATE_DRAFTING:
            return message(self.state, percent=self.checked.percent if self.checked else 0)
        if self.state is Code.SUP_STATE_PUBLISHED:
            text = message(self.state, date=self.sub.published_on, url=self.sub.url)
            if self.sub.differences:
                text += message(Code.SUP_PUBLISHED_DIFFERENCES, count=self.sub.differences)
            return text
        return message(self.state)


def state_of(sub: Subordinate, filing_required: bool) -> Code:
    """Where a subordinate's report stands."""
    if sub.url is not None:
        return Code.SUP_STATE_PUBLISHED
    if sub.report_id is None:
        return Code.SUP_STATE_NOT_STARTED
    if sub.version_status == "submitted":
        return Code.SUP_STATE_SUBMITTED
    if sub.version_status == "returned":
        return Code.SUP_STATE_RETURNED
    if sub.version_status != "approved":
        return Code.SUP_STATE_DRAFTING
    return {
        "submitted": Code.SUP_STATE_FILING,
        "returned": Code.SUP_STATE_FILING_RETURNED,
        "approved": Code.SUP_STATE_FILED,
    }.get(
        sub.filing_status or "",
        Code.SUP_STATE_FILING if filing_required else Code.SUP_STATE_APPROVED,
    )


def days_left(today: date, year: int) -> str:
    """How long until the deadline of ``year``'s reports, as officers read it."""
    left = (deadline(year) - today).days
    if left < 0:
        return message(Code.SUP_DAYS_PASSED, days=-left)
    return message(Code.SUP_DAYS_LEFT, days=left)


@dataclass
class Rosters:
    """Rosters of the offices of one store."""

    store: Store
    m: ReportModel
    zone: tzinfo = CHINA_TIME
    kept: dict[int, Checked] = field(default_factory=dict)  # by report id

    def __post_init__(self) -> None:
        self.ss = SupervisionStore(self.store)

    def entries(self, office_id: int, year: int) -> list[Entry]:
        """Every subordinate of the office, most urgent first."""
        required = self.ss.filing_required(office_id)
        reminded = self.ss.reminded(year)
        out = [
            Entry(
                sub,
                state_of(sub, required),
                None if sub.report_id is None else self.checked(sub.report_id),
                tuple(reminded.get(sub.agency_id, ())),
            )
            for sub in self.ss.subordinates(office_id, year)
        ]
        return sorted(out, key=lambda e: e.urgency)

    def checked(self, report_id: int) -> Checked:
        """The checks, progress and indicators of a report as it now is."""
        info = self.store.report_info(report_id)
        kept = self.kept.get(report_id)
        if kept is not None and kept.at == info.updated_at:
            return kept
        report = self.store.assembled(info)
        last = self.store.find_report(info.agency, info.year - 1)
        previous = None if last is None else self.store.get_report(last)
        findings = check_draft(report, previous, self.m)
        errors = sum(f.severity is Severity.ERROR for f in findings)
        found = Checked(
            info.updated_at,
            percent(report, self.m),
            errors,
            len(findings) - errors,
            indicators(report, previous),
        )
        self.kept[report_id] = found
        return found

    def text(self, office: str, year: int, today: date, entries: list[Entry]) -> str:
        """The roster as one chat message."""
        lines = [
            message(
                Code.SUP_ROSTER_HEADER,
                office=office,
                year=year,
                deadline=deadline_text(year),
                left=days_left(today, year),
                count=len(entries),
            )
        ]
        for rank, entry in enumerate(entries, 1):
            checked = entry.checked
            times = "、".join(local_time(t, self.zone) for t in entry.reminded)
            lines.append(
                message(
                    Code.SUP_ROSTER_LINE,
                    rank=rank,
                    agency=entry.sub.name,
                    state=entry.state_text(),
                    errors=checked.errors if checked else 0,
                    warnings=checked.warnings if checked else 0,
                    indicators=indicator_line(checked.rates if checked else {}),
                    reminded=message(Code.SUP_REMINDED, times=times) if times else "",
                )
            )
        return "\n".join(lines)

    def workbook(self, office: str, year: int, today: date, entries: list[Entry]) -> bytes:
        """The roster as an .xlsx workbook, one row per subordinate."""
        from bot.drafting.xlsx_writer import plain_workbook  # openpyxl: loaded when needed

        title = message(Code.SUP_ROSTER_FILE, office=office, year=year)
        return plain_workbook(title, *self.table(year, today, entries))

    def page(self, office: str, year: int, today: date, entries: list[Entry]) -> bytes:
        """The roster as a standalone read-only web page."""
        title = message(Code.SUP_ROSTER_FILE, office=office, year=year)
        header = self.text(office, year, today, []).splitlines()[0]
        return table_page(title, header, *self.table(year, today, entries))

    def table(
        self, year: int, today: date, entries: list[Entry]
    ) -> tuple[list[str], list[list[str | int | None]]]:
        """The roster's column headings and rows, for the workbook and the page."""
        header = message(Code.SUP_ROSTER_COLUMNS).split("|")
        left = (deadline(year) - today).days
        rows: list[list[str | int | None]] = []
        for rank, entry in enumerate(entries, 1):
            checked = entry.checked
            rates = checked.rates if checked else {}
            rows.append(
                [
                    rank,
                    entry.sub.name,
                    entry.state_text(),
                    checked.percent if checked else 0,
                    checked.errors if checked else 0,
                    checked.warnings if checked else 0,
                    left,
                    *(_rate_cell(rates.get(code)) for code in INDICATOR_COLUMNS),
                    "、".join(local_time(t, self.zone) for t in entry.reminded),
                    entry.sub.published_on.isoformat() if entry.sub.published_on else "",
                    entry.sub.url or "",
                ]
            )
        return header, rows


INDICATOR_COLUMNS = (
    Code.SUP_DISCLOSURE_RATE,
    Code.SUP_REVIEW_CORRECTION,
    Code.SUP_LITIGATION_CORRECTION,
    Code.SUP_YOY_NEW,
)


def _rate_cell(rate: Rate | None) -> str:
    if rate is None:
        return ""
    return rate.value or rate.text()


def percent(report: Report, m: ReportModel) -> int:
    """How much of the report is filled in, in percent of every part's items."""
    parts = progress(flow(), report, Facts(), m)
    total = sum(p.total for p in parts)
    return 0 if total == 0 else round(100 * sum(p.done for p in parts) / total)
