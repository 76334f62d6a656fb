"""The region's report: the office's own tables filled from the cell-wise sum of its
subordinates' approved versions, its own figures added on top (汇总下级).

The sum is taken over the approved version snapshots, never the live reports: an agency's
later edit changes nothing until it is approved again. The sum last filled in is kept in
the office's report (the ``region_sum`` key of its data file, with the agencies and
version numbers it came from), so that what the office typed beyond it, its own figures,
is kept when the sum is taken again: new = (current − last sum) + new sum.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from typing import Any

from bot.checks.rules import CROSS_YEAR, IDENTITIES
from bot.conversation.command_words import normalise
from bot.conversation.journey import REGION_SUGGESTIONS, REGION_SUM, figure_changes
from bot.conversation.session import Change
from bot.conversation.types import Outgoing, say
from bot.format.catalogue import Code, message
from bot.format.model import ReportModel
from bot.format.report import Figure, Report
from bot.office.aggregate import Source, aggregate
from bot.office.indicators import indicator_line, indicators
from bot.office.workflow import Workflow
from bot.store.supervision import SupervisionStore

SUM_KEY = REGION_SUM  # the key of the office's report that keeps the sum last filled in
# the figures whose largest contributors the office is shown (for its narrative)
NOTABLE = (("applications", "new"), ("review_litigation", "review"))
SHOWN = 3  # contributors named per figure


def notable(sources: list[Source], m: ReportModel) -> list[str]:
    """For the key figures, the agencies with the largest shares of the sum."""
    lines = []
    for table, key in NOTABLE:
        grid = m.applications if table == "applications" else m.review_litigation
        counts = [
            (int(rows[key][-1]), s.report.agency)
            for s in sources
            if key in (rows := getattr(s.report, table))
        ]
        total = sum(c for c, _ in counts)
        if total == 0:
            continue
        top = sorted(counts, key=lambda c: (-c[0], c[1]))[:SHOWN]
        shares = "、".join(
            message(Code.SUP_SHARE, agency=a, count=c, share=round(100 * c / total))
            for c, a in top
            if c
        )
        ref = next(r.ref for r in grid.rows if r.key == key)
        lines.append(message(Code.SUP_LARGEST_SHARES, figure=ref, total=total, agencies=shares))
    return lines


def figures(report: Report) -> dict[str, Any]:
    """The figures of tables 二 to 四, as the ``region_sum`` key keeps them."""
    return {
        "active": dict(report.active),
        "applications": {k: list(v) for k, v in report.applications.items()},
        "review_litigation": {k: list(v) for k, v in report.review_litigation.items()},
    }


def combine(current: Report, last: dict[str, Any], total: Report) -> Report:
    """The office's figures: what it has now, less the sum it last filled in, plus the new
    sum (a cell the sum lacks is left as it is)."""
    out = Report(current.agency, current.year)
    before = last.get("active", {})
    for path, value in total.active.items():
        own = current.active.get(path, before.get(path, 0)) - before.get(path, 0)
        out.active[path] = value + (Decimal(own) if isinstance(value, Decimal) else int(own))
    for name in ("applications", "review_litigation"):
        mine, old, new = getattr(current, name), last.get(name, {}), getattr(total, name)
        for key, values in new.items():
            base = old.get(key, [0] * len(values))
            have = mine.get(key, base)
            getattr(out, name)[key] = [
                int(v + h - b) for v, h, b in zip(values, have, base, strict=True)
            ]
    return out


def approved_sources(
    wf: Workflow, office_id: int, year: int
) -> tuple[list[Source], list[dict[str, Any]]]:
    """The latest approved version of each subordinate's report of ``year`` (never the
    live report), and what identifies each: the agency, the version's number and hash."""
    sources, inputs = [], []
    for sub in SupervisionStore(wf.store).subordinates(office_id, year):
        if sub.approved_id is None:
            continue
        version = wf.ws.version(sub.approved_id)
        assert version is not None
        snapshot = replace(wf.snapshot(version), agency=sub.name)
        sources.append(Source(sub.name, snapshot))
        inputs.append({"agency": sub.name, "version": version.number, "hash": version.hash})
    return sources, inputs


def cell_sources(sources: list[Source], target: str, m: ReportModel) -> str | None:
    """Which agencies the cell or row ``target`` names comes from, with their figures (a
    row: its total column); None when ``target`` names none."""
    value = normalise(target)
    found: tuple[str, Callable[[Report], Figure | None]] | None = None
    for cell in m.active_cells:
        if value in (normalise(cell.ref), cell.path):
            found = cell.ref, lambda r, path=cell.path: r.active.get(path)
    for grid in (m.applications, m.review_litigation):
        for row in grid.rows:
            if found is None and value in (normalise(row.ref), normalise(row.label), row.key):
                found = row.ref, lambda r, g=grid, k=row.key: _last(r.grid(g).get(k))
    if found is None:
        return None
    name, read = found
    figures_of = sorted(
        ((read(s.report) or 0, s.path) for s in sources), key=lambda f: (-f[0], f[1])
    )
    shown = [f"{agency} {figure}" for figure, agency in figures_of if figure]
    zeros = len(figures_of) - len(shown)
    if zeros:
        shown.append(message(Code.SUP_ZERO_AGENCIES, count=zeros))
    return message(
        Code.SUP_CELL_SOURCES,
        cell=name,
        total=sum(f for f, _ in figures_of),
        count=len(sources),
        agencies="、".join(shown),
    )


def _last(row: list[int] | None) -> int | None:
    return None if not row else row[-1]


def sum_into(
    wf: Workflow, m: ReportModel, user: str, report_id: int, office_id: int, frontend: str
) -> list[Outgoing]:
    """Fill the office's report ``report_id`` from its subordinates' approved versions."""
    ss = SupervisionStore(wf.store)
    report = wf.store.get_report(report_id)
    sources, inputs = approved_sources(wf, office_id, report.year)
    if not sources:
        return [say(Code.SUP_SUM_NONE, year=report.year)]
    total = aggregate(sources, report.agency, m).report
    last = report.extra.get(SUM_KEY)
    new = combine(report, last if isinstance(last, dict) else {}, total)
    merged = replace(
        report,
        active={**report.active, **new.active},
        applications={**report.applications, **new.applications},
        review_litigation={**report.review_litigation, **new.review_litigation},
    )
    returned = [
        s.name
        for s in ss.subordinates(office_id, report.year)
        if s.report_id is not None
        and any(v.status == "returned" for v in wf.ws.versions(s.report_id))
    ]
    shares = notable(sources, m)
    suggestions = [Outgoing(line, Code.SUP_LARGEST_SHARES) for line in shares]
    if returned:
        suggestions.append(say(Code.SUP_RETURNED_AGENCIES, agencies="、".join(returned)))
    # kept with the sum: the office's narrative questions offer them (journey.region_note)
    kept = {"inputs": inputs, **figures(total), REGION_SUGGESTIONS: [s.text for s in suggestions]}
    changes = [*figure_changes(new, merged, m), Change("meta", SUM_KEY, kept)]
    wf.store.apply(report_id, changes, None, user=user, frontend=frontend)
    previous_id = wf.store.find_report(report.agency, report.year - 1)
    previous = None if previous_id is None else wf.store.get_report(previous_id)
    # the identities on the sum, and the breaks against last year's report of the region
    rules = IDENTITIES + (CROSS_YEAR if previous is not None else ())
    errors = [f for rule in rules for f in rule(merged, previous, m)]
    checks = (
        message(Code.SUP_SUM_CHECKS_ERRORS, errors=len(errors))
        if errors
        else message(Code.SUP_SUM_CHECKS_OK)
    )
    return [
        say(
            Code.SUP_SUMMED,
            count=len(sources),
            agencies="、".join(s.path for s in sources),
            year=report.year,
            checks=checks,
        ),
        say(Code.SUP_SUM_INDICATORS, indicators=indicator_line(indicators(merged, previous))),
        *suggestions,
    ]
