"""One annual report in memory: six parts, three tables, figures never invented.

:class:`Report` is what every layer passes around; its interchange file (the report
data file) is read and written by :mod:`bot.format.datafile`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from bot.format.model import Grid

TABLE_KEYS = ("active", "applications", "review_litigation")
NARRATIVE_KEYS = ("overview", "problems", "other_matters")
# the years a report can be about: the 条例 took effect in 2008
FIRST_YEAR, LAST_YEAR = 2008, 2100
Figure = int | Decimal


@dataclass
class Report:
    """One annual report as in the data file; a missing cell is ``None``, never 0.

    ``active`` maps a cell path of table 二 (``rules.issued``, ``fees_wan_yuan``) to its
    figure; ``applications`` and ``review_litigation`` map a row key to its list of
    counts in the official column order (total last). ``extra`` holds the product's
    further top-level keys (``agency_level``, ``explanations``, ``answers``, …).
    """

    agency: str
    year: int
    active: dict[str, Figure] = field(default_factory=dict)
    applications: dict[str, list[int]] = field(default_factory=dict)
    review_litigation: dict[str, list[int]] = field(default_factory=dict)
    narrative: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def agency_level(self) -> str | None:
        """Key of the agency's administrative level, when stated."""
        level = self.extra.get("agency_level")
        return level if isinstance(level, str) else None

    @property
    def answers(self) -> dict[str, Any]:
        """The chat's answers stored with the report (narrative and gating), by question."""
        value = self.extra.get("answers")
        return value if isinstance(value, dict) else {}

    @property
    def explanations(self) -> dict[str, str]:
        """Officer explanations of warnings, by finding key."""
        value = self.extra.get("explanations")
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def copy(self) -> Report:
        """An independent copy (figures are immutable; containers and ``extra`` are copied)."""
        return Report(
            self.agency,
            self.year,
            dict(self.active),
            {k: list(v) for k, v in self.applications.items()},
            {k: list(v) for k, v in self.review_litigation.items()},
            dict(self.narrative),
            copy_data(self.extra),
        )

    def grid(self, grid: Grid) -> dict[str, list[int]]:
        """The rows of table 三 or 四."""
        return self.applications if grid.part == "applications" else self.review_litigation


_IMMUTABLE = (str, int, float, Decimal, bool, type(None), date)


def copy_data(value: Any) -> Any:
    """An independent copy of data as YAML and JSON hold it: dicts and lists are copied,
    immutable leaves shared (several times faster than ``copy.deepcopy``, which runs on
    every turn); anything else is deep-copied."""
    if isinstance(value, dict):
        return {k: copy_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [copy_data(v) for v in value]
    return value if isinstance(value, _IMMUTABLE) else copy.deepcopy(value)
