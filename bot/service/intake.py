"""Files an officer sends in the chat: last year's report, or this year's figures.

A published report of last year (a file, or its text pasted after 导入上年报告) is read
with :mod:`bot.importing.importer` and stored as the previous year's report of the agency: the
chat then offers its 结转 as this year's 上年结转, its 现行有效件数 as the baseline and its
problems for the 整改情况, and 检查 compares the prose with it. A file of this year (the
workbook of ``render --format xlsx`` filled in, or a draft) fills the cells it holds, but
only when every identity of the format holds for them, as for a pasted table. Nothing is
guessed: what a file lacks stays unanswered, and a file whose title shows no year is read
as of the year the officer then names (the chat asks it). The agency is the open
report's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from bot.checks.rules import IDENTITIES
from bot.conversation.journey import figure_changes
from bot.conversation.session import Session, SetupAnswers, Step
from bot.conversation.types import Outgoing, say
from bot.format.catalogue import Code, UserError
from bot.format.model import ReportModel
from bot.format.report import Report
from bot.importing.importer import ImportResult, describe, import_document
from bot.importing.text import Document
from bot.importing.worker import read_document_bounded
from bot.office.rules import can
from bot.store.office import WorkflowStore
from bot.store.reports import Store

NO_YEAR = Code.IMP_NO_TITLE
Read = Document | UserError  # a file read into lines, or why it could not be


def read_file(name: str, data: bytes) -> Read:
    """Read a file sent in the chat into lines (the slow part of an import); touches no
    database, so a front end may run it in another thread, and the service runs it before
    a turn's transaction."""
    try:
        return read_document_bounded(name, data)  # a child process, bounded in memory and time
    except UserError as exc:
        return exc


def imported(
    read: Read, name: str, *, agency: str | None = None, year: int | None = None
) -> ImportResult | UserError:
    """The report the file ``name`` holds, or why it cannot be read."""
    if isinstance(read, UserError):
        return read
    try:
        return import_document(read, name, agency=agency, year=year)
    except UserError as exc:
        return exc


def unreadable(name: str, why: UserError) -> list[Outgoing]:
    """The officer told that ``name`` cannot be read, and why."""
    return [say(Code.IMP_CHAT_UNREADABLE, name=name, reason=why.message())]


@dataclass
class Intake:
    """Reads files into the store for one user's open report."""

    store: Store
    m: ReportModel

    def receive(
        self,
        user: str,
        report_id: int,
        name: str,
        read: Read,
        frontend: str,
        year: int | None = None,
        table: str = "",
    ) -> list[Outgoing] | None:
        """Import the file ``name``, already read (:func:`read_file`), into the open report,
        as a report of ``year`` (the year of its title when None). None: the title shows
        no year, and the officer is to be asked it. ``table`` names the part of a table
        pasted at its question: this year's figures, and only that table's."""
        report = self.store.get_report(report_id)
        if table and not isinstance(read, UserError):
            return self.pasted_table(user, report_id, report, read, name, table, frontend)
        result = imported(read, name, agency=report.agency, year=year)
        if isinstance(result, UserError):
            return None if result.code is NO_YEAR and year is None else unreadable(name, result)
        year = result.report.year
        if year == report.year - 1:
            return self.previous(user, result, frontend)
        if year == report.year:
            return self.figures(user, report_id, report, result, name, frontend)
        return [
            say(Code.IMP_CHAT_OTHER_YEAR, found=year, year=report.year, previous=report.year - 1)
        ]

    def first(
        self, user: str, session: Session, name: str, read: Read, ws: WorkflowStore, frontend: str
    ) -> list[Outgoing]:
        """Last year's report sent before any report exists: it names the agency (created
        with the user as its admin, or one the user belongs to) and is stored as last
        year's; the set-up then asks only the level (a new agency) and the year after it."""
        result = imported(read, name)
        if isinstance(result, UserError):
            return unreadable(name, result)
        last = result.report
        agency_id = ws.agency_id(last.agency)
        if agency_id is None:
            agency_id = ws.create_agency(last.agency, "", "", user)
        elif not can(ws.role(user, agency_id), "edit"):  # a name never claims an agency
            return [say(Code.REV_AGENCY_TAKEN, agency=last.agency)]
        level = ws.level(agency_id) or None
        session.pending = SetupAnswers(last.agency, level, agency_id=agency_id, year=last.year + 1)
        session.to(Step.SETUP_YEAR if level else Step.SETUP_LEVEL)
        out = [say(Code.IMP_CHAT_AGENCY_FROM_FILE, agency=last.agency, year=last.year)]
        if self.store.find_report(last.agency, last.year) is None:
            self.store.import_report(last, user=user, frontend=frontend)
            out.append(Outgoing("\n".join(describe(result, self.m))))
        return out

    def pasted_table(
        self,
        user: str,
        report_id: int,
        report: Report,
        read: Document,
        name: str,
        part: str,
        frontend: str,
    ) -> list[Outgoing]:
        """A table pasted at its question, in any layout the importer reads: its rows are
        kept if every identity holds for them, the rows it lacks named."""
        grid = self.m.applications if part == "applications" else self.m.review_litigation
        texts = Counter("".join(c.text.split()) for line in read.lines for c in line.cells)
        doubled = [r.ref for r in grid.rows if texts["".join(r.label.split())] > 1]
        if doubled:  # which of the two is right is the officer's to say
            return [say(Code.CHAT_PASTE_DOUBLED, rows="、".join(doubled))]
        try:
            result = import_document(read, name, agency=report.agency, year=report.year)
        except UserError:  # no table in it at all
            return [say(Code.CHAT_PASTE_SHAPE, rows=0)]
        rows = result.report.grid(grid)
        if not rows:
            return [say(Code.CHAT_PASTE_SHAPE, rows=0)]
        refs = {grid.cell_ref(r.key, c) for r in grid.rows for c in range(grid.width)}
        only = replace(
            result,
            report=Report(
                report.agency,
                report.year,
                applications=rows if part == "applications" else {},
                review_litigation=rows if part == "review_litigation" else {},
            ),
            missing=[r for r in result.missing if r in refs],
            issues=[],  # about the rest of a report, which a pasted table never is
        )
        out = self.figures(user, report_id, report, only, name, frontend)
        return out if only.missing else out[:1]  # whole: nothing more to say

    def previous(self, user: str, result: ImportResult, frontend: str) -> list[Outgoing]:
        """Store last year's report, unless the store already has one."""
        last = result.report
        if self.store.find_report(last.agency, last.year) is not None:
            return [say(Code.IMP_CHAT_PREVIOUS_EXISTS, agency=last.agency, year=last.year)]
        self.store.import_report(last, user=user, frontend=frontend)
        return [
            say(Code.IMP_CHAT_PREVIOUS, agency=last.agency, year=last.year),
            Outgoing("\n".join(describe(result, self.m))),
        ]

    def figures(
        self,
        user: str,
        report_id: int,
        report: Report,
        result: ImportResult,
        name: str,
        frontend: str,
    ) -> list[Outgoing]:
        """Fill this year's cells the file holds, if their arithmetic holds."""
        found = result.report
        merged = Report(
            report.agency,
            report.year,
            {**report.active, **found.active},
            {**report.applications, **found.applications},
            {**report.review_litigation, **found.review_litigation},
        )
        errors = [f for rule in IDENTITIES for f in rule(merged, None, self.m)]
        if errors:
            lines = "\n".join(f"· {f.message()}" for f in errors[:8])
            return [say(Code.IMP_CHAT_FIGURES_REFUSED, count=len(errors), findings=lines)]
        changes = figure_changes(found, merged, self.m)
        self.store.apply(report_id, changes, None, user=user, frontend=frontend)
        count = len(found.active) + len(found.applications) + len(found.review_litigation)
        # only this year's figures are taken: that the file has no prose is no news
        issues = [n for n in result.issues if n.code is not Code.IMP_PART_MISSING]
        return [
            say(Code.IMP_CHAT_FIGURES, name=name, count=count),
            Outgoing("\n".join(describe(replace(result, issues=issues), self.m))),
        ]
