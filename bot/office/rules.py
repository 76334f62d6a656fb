"""The review workflow's rules, pure: who may do what, content hashes, what changed,
the reviewer's summary and when to remind.

No SQL and no front end here: :mod:`bot.office.workflow` applies these rules to the store.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from bot.format.catalogue import Code, message
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel
from bot.format.report import Report

if TYPE_CHECKING:  # the store (and sqlite_utils) is not loaded to parse the command line
    from bot.store.office import Name

# The time officers read: UTC+8 all year (China has no daylight saving time).
CHINA_TIME = timezone(timedelta(hours=8), "CST")

# What each role may do. Reviewers read and decide; editors fill in and submit; the
# admin (who created the agency) does both and manages the members.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset({"edit", "submit", "review", "manage", "view"}),
    "editor": frozenset({"edit", "submit", "view"}),
    "reviewer": frozenset({"review", "view"}),
}
ROLE_NAMES = {
    "admin": Code.REV_ROLE_ADMIN,
    "editor": Code.REV_ROLE_EDITOR,
    "reviewer": Code.REV_ROLE_REVIEWER,
}
ACTION_NAMES = {
    "edit": Code.REV_ACTION_EDIT,
    "submit": Code.REV_ACTION_SUBMIT,
    "review": Code.REV_ACTION_REVIEW,
    "manage": Code.REV_ACTION_MANAGE,
}
STATUS_NAMES = {
    "submitted": Code.REV_STATUS_SUBMITTED,
    "approved": Code.REV_STATUS_APPROVED,
    "returned": Code.REV_STATUS_RETURNED,
}
DEADLINE = (1, 31)  # departments publish last year's report by 31 January (条例 Art. 49)
REMIND_DAYS = (14, 7, 3, 1)
INVITE_DAYS = 7


def can(role: str | None, action: str) -> bool:
    """Whether a member with ``role`` (None: an outsider) may do ``action``."""
    return role is not None and action in PERMISSIONS.get(role, frozenset())


def role_name(role: str) -> str:
    """The Chinese name of a role."""
    return message(ROLE_NAMES[role])


def local_time(at: datetime, zone: tzinfo = CHINA_TIME) -> str:
    """A stored (UTC) time as officers read it: in ``zone`` (China's by default), to the
    minute."""
    return at.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def call(name: Name) -> str:
    """How colleagues read a member: the name an admin gave, with the position, else the
    name their account shows."""
    if name.given is None:
        return name.shown
    if name.position:
        return message(Code.REV_CALLED_WITH_POSITION, name=name.given, position=name.position)
    return name.given


def forbidden(role: str, action: str) -> str:
    """The message refusing ``action`` to ``role``."""
    return message(Code.REV_FORBIDDEN, role=role_name(role), action=message(ACTION_NAMES[action]))


def role_from_text(text: str) -> str | None:
    """The role an admin names when inviting: 填报人/编辑 → editor, 审核人/审核 → reviewer."""
    value = text.strip().lower()
    for role in ("editor", "reviewer"):
        if value in (role, role_name(role)) or (value and value in role_name(role)):
            return role
    if value.startswith("编辑"):
        return "editor"
    return None


def content_hash(data: str) -> str:
    """SHA-256 of a version's data file text: the fingerprint of an approved version."""
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _cells(report: Report, m: ReportModel) -> dict[str, str]:
    """Every figure of the report by the name an officer reads."""
    out = {
        cell.ref: str(report.active[cell.path])
        for cell in m.active_cells
        if cell.path in report.active
    }
    for grid in (m.applications, m.review_litigation):
        for key, values in report.grid(grid).items():
            for col, value in enumerate(values):
                out[grid.cell_ref(key, col)] = str(value)
    return out


def cell_changes(old: Report, new: Report, m: ReportModel, *, both: bool = False) -> list[str]:
    """Each figure that differs from ``old`` to ``new`` (with ``both``, only among the
    cells both have: a published file read back may lack some)."""
    before, after = _cells(old, m), _cells(new, m)
    refs = [r for r in before if r in after] if both else dict.fromkeys([*before, *after])
    return [
        message(Code.REV_CHANGED_CELL, cell=ref, old=before.get(ref, "—"), new=after.get(ref, "—"))
        for ref in refs
        if before.get(ref) != after.get(ref)
    ]


def changes_between(old: Report, new: Report, m: ReportModel) -> list[str]:
    """What changed from one version to the next: each figure, and each prose part."""
    lines = cell_changes(old, new, m)
    lines += [
        message(Code.REV_CHANGED_PART, part=m.part(key).title)
        for key in ("overview", "problems", "other_matters")
        if old.narrative.get(key, "").strip() != new.narrative.get(key, "").strip()
    ]
    return lines


def _total(report: Report, part: str, row: str) -> str:
    values = (report.applications if part == "applications" else report.review_litigation).get(row)
    return "—" if values is None else str(values[-1])


def summary(
    report: Report,
    findings: list[Finding],
    explanations: dict[str, str],
    changes: list[str] | None,
    last_number: int | None,
) -> str:
    """What a reviewer reads: key figures, findings with explanations, what changed."""
    lawsuits = [
        report.review_litigation.get(k) for k in ("litigation_direct", "litigation_after_review")
    ]
    lines = [
        message(
            Code.REV_KEY_FIGURES,
            new=_total(report, "applications", "new"),
            carried=_total(report, "applications", "carried_over"),
            handled=_total(report, "applications", "total"),
            forward=_total(report, "applications", "carry_forward"),
            reviews=_total(report, "review_litigation", "review"),
            lawsuits="—" if None in lawsuits else sum(row[-1] for row in lawsuits if row),
        )
    ]
    errors = sum(f.severity is Severity.ERROR for f in findings)
    lines.append(message(Code.REV_FINDINGS_HEADER, errors=errors, warnings=len(findings) - errors))
    lines += [
        message(
            Code.REV_EXPLAINED_WARNING,
            message=f.message(),
            explanation=explanations.get(f.key, "—"),
        )
        for f in findings
    ]
    if last_number is None:
        lines.append(message(Code.REV_FIRST_SUBMISSION))
    elif not changes:
        lines.append(message(Code.REV_NO_CHANGES, number=last_number))
    else:
        lines.append(message(Code.REV_CHANGES_HEADER, number=last_number))
        lines += changes[:40]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class Reminder:
    """A reminder due: to whom, its stable key (sent once) and its text."""

    user: str
    key: str
    text: str


def deadline(year: int) -> date:
    """The publication deadline of the report on ``year``."""
    return date(year + 1, *DEADLINE)


def deadline_text(year: int) -> str:
    """The deadline of ``year``'s report as officers write it (2025年1月31日)."""
    return deadline(year).strftime("%Y年%m月%d日").replace("年0", "年")


def due_day(today: date, year: int, days: Iterable[int] = REMIND_DAYS) -> int | None:
    """The reminder day (days before the deadline of ``year``'s report) due ``today``.

    A reminder that fell due while nothing was running is sent late rather than never:
    the latest due day not after ``today`` is the one due; None before the first and
    after the deadline.
    """
    due = [d for d in sorted(days) if deadline(year) - timedelta(days=d) <= today]
    return None if not due or today > deadline(year) else min(due)


def season_year(today: date) -> int:
    """The year of the reports being filed ``today``: last year's until its deadline,
    then this year's."""
    return today.year - 1 if today <= deadline(today.year - 1) else today.year


def editor_reminders(
    today: date,
    report_id: int,
    agency: str,
    year: int,
    progress: str,
    editors: Iterable[str],
    days: Iterable[int] = REMIND_DAYS,
) -> list[Reminder]:
    """Reminders to the editors of a report not yet approved, on the configured days
    (:func:`due_day`), keyed so each goes once."""
    day = due_day(today, year, days)
    if day is None:
        return []
    text = message(
        Code.REV_REMIND_EDITORS,
        agency=agency,
        year=year,
        deadline=deadline_text(year),
        progress=progress,
    )
    return [Reminder(user, f"edit:{report_id}:{day}:{user}", text) for user in editors]


def reviewer_reminders(
    today: date,
    version_id: int,
    number: int,
    agency: str,
    year: int,
    since: date,
    reviewers: Iterable[str],
) -> list[Reminder]:
    """A daily reminder to the reviewers of a version waiting for more than a day."""
    if today <= since:
        return []
    text = message(
        Code.REV_REMIND_REVIEWERS, agency=agency, year=year, number=number, since=since.isoformat()
    )
    return [
        Reminder(user, f"review:{version_id}:{today.isoformat()}:{user}", text)
        for user in reviewers
    ]
