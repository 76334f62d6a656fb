"""The cell-wise sum of many agencies' reports, for a supervising office's summary report.

:func:`aggregate` adds tables 二, 三 and 四 of report data files of one year, cell by cell
(万元 as exact ``Decimal``). A cell missing in any input is missing in the sum too (never
taken as 0) and is listed with the inputs that lack it. Each input is checked as
``reportbot check`` checks it (:func:`bot.drafting.compliance.check_draft`), so the office sees
which agencies' figures have errors before it relies on the sum. The result is a report
data file whose top-level ``aggregate`` key lists the inputs with their error and warning
counts, and the cells missing in the sum.

``reportbot aggregate FILES... -o OUT [--agency NAME]`` (:mod:`bot.frontends.cli`) writes
the result and prints what it found.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.drafting.compliance import check_draft
from bot.format.catalogue import Code, UserError
from bot.format.datafile import load
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel, model
from bot.format.report import Figure, Report

DEFAULT_AGENCY = "汇总"


class AggregateError(UserError):
    """The inputs cannot be summed (different years, the same agency twice)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One input: where it came from, the report, and what checking it found."""

    path: str
    report: Report
    findings: tuple[Finding, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        """The findings that are errors."""
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> int:
        """How many findings are warnings."""
        return len(self.findings) - len(self.errors)


@dataclass
class Aggregate:
    """The summed report, its inputs, and each cell missing in the sum with who lacks it."""

    report: Report
    sources: list[Source]
    missing: dict[str, list[str]] = field(default_factory=dict)


def _sum(values: Sequence[Figure], money: bool) -> Figure:
    total: Figure = Decimal(0) if money else 0
    for value in values:
        total += value
    return total


def aggregate(
    sources: Sequence[Source], agency: str = DEFAULT_AGENCY, m: ReportModel | None = None
) -> Aggregate:
    """The cell-wise sum of ``sources`` (at least one), all of the same year."""
    m = m or model()
    years = sorted({s.report.year for s in sources})
    if len(years) != 1:
        raise AggregateError(Code.IMP_AGG_MIXED_YEARS, years="、".join(map(str, years)))
    seen: dict[str, str] = {}
    for s in sources:
        if s.report.agency in seen:
            raise AggregateError(
                Code.IMP_AGG_DUPLICATE,
                agency=s.report.agency,
                first=seen[s.report.agency],
                second=s.path,
            )
        seen[s.report.agency] = s.path
    result = Aggregate(Report(agency=agency, year=years[0]), list(sources))
    for cell in m.active_cells:
        lacking = [s.path for s in sources if cell.path not in s.report.active]
        if lacking:
            result.missing[cell.ref] = lacking
        else:
            result.report.active[cell.path] = _sum(
                [s.report.active[cell.path] for s in sources], cell.money
            )
    for grid in (m.applications, m.review_litigation):
        for row in grid.rows:
            lacking = [s.path for s in sources if row.key not in s.report.grid(grid)]
            if lacking:
                result.missing.update(
                    {grid.cell_ref(row.key, c): lacking for c in range(grid.width)}
                )
            else:
                rows = [s.report.grid(grid)[row.key] for s in sources]
                result.report.grid(grid)[row.key] = [sum(col) for col in zip(*rows, strict=True)]
    result.report.extra["aggregate"] = summary(result)
    return result


def summary(result: Aggregate) -> dict[str, Any]:
    """The ``aggregate`` key of the output: the inputs with their counts, the missing cells."""
    return {
        "inputs": [
            {
                "file": s.path,
                "agency": s.report.agency,
                "errors": len(s.errors),
                "warnings": s.warnings,
            }
            for s in result.sources
        ],
        "missing": {cell: list(paths) for cell, paths in result.missing.items()},
    }


def read_source(path: Path) -> Source:
    """Load one report data file and check it as ``reportbot check`` does (raises
    DataFileError when unreadable)."""
    report, findings = load(path)
    return Source(str(path), report, tuple(findings + check_draft(report)))
