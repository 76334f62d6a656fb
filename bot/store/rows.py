"""The rows of the store as Python values: report and history records, the JSON of
answers (Decimal money tagged, never a float), and timestamps.

Plain functions and records, no database: :mod:`bot.store.reports` and
:mod:`bot.store.office` read and write rows with them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from bot.conversation.session import SECTIONS, Change, from_json_value, to_json_value
from bot.format.report import Report

# Sections of ``Report.extra`` that are dicts stored one answer per key.
DICT_SECTIONS = ("answers", "explanations", "overrides")


class ReportExists(Exception):
    """A report for this agency and year is already stored."""

    def __init__(self, agency: str, year: int, report_id: int | None = None) -> None:
        super().__init__(f"report {agency!r} {year} exists (id {report_id})")
        self.agency, self.year, self.report_id = agency, year, report_id


class ReportNotFound(LookupError):
    """No report has this id."""


@dataclass(frozen=True, slots=True)
class ReportInfo:
    """One stored report, without its answers."""

    id: int
    agency: str
    year: int
    agency_level: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change of one answer: ``old`` None is a new answer, ``new`` None a deletion."""

    section: str
    key: str
    old: Any
    new: Any
    user: str
    frontend: str
    at: datetime


def now() -> datetime:
    """The current time, timezone-aware UTC (tests replace this to control the clock)."""
    return datetime.now(UTC)


def stamp_now() -> str:
    """The current time as stored: ISO 8601, UTC, microseconds."""
    return now().astimezone(UTC).isoformat(timespec="microseconds")


def encode(value: Any) -> str:
    """JSON text of an answer value; raises ValueError for what JSON cannot hold."""
    try:
        return json.dumps(
            to_json_value(value), ensure_ascii=False, allow_nan=False, default=_json_default
        )
    except TypeError as exc:
        raise ValueError(str(exc)) from exc


def _json_default(value: Any) -> Any:
    # to_json_value does not look inside dicts; tag Decimals found there the same way.
    if isinstance(value, Decimal):
        return to_json_value(value)
    raise TypeError(f"cannot store a value of type {type(value).__name__}")


def decode(text: str | None) -> Any:
    # object_hook turns {"$dec": ...} back into Decimal at any depth, also inside dicts.
    return None if text is None else json.loads(text, object_hook=from_json_value)


def encode_change(change: Change) -> tuple[str, str, str | None]:
    """Validate one change and encode its value; raises ValueError, writes nothing."""
    if change.section not in SECTIONS:
        raise ValueError(f"unknown section {change.section!r}; expected one of {SECTIONS}")
    if not isinstance(change.key, str) or not change.key:
        raise ValueError(f"the key of a change must be a non-empty string: {change.key!r}")
    value = None if change.value is None else encode(change.value)
    return change.section, change.key, value


def report_changes(report: Report) -> list[Change]:
    """Every answer of a whole report as changes (None values are not stored)."""
    changes = [Change("active", k, v) for k, v in report.active.items()]
    changes += [Change("applications", k, list(v)) for k, v in report.applications.items()]
    changes += [
        Change("review_litigation", k, list(v)) for k, v in report.review_litigation.items()
    ]
    changes += [Change("narrative", k, v) for k, v in report.narrative.items()]
    for name, value in report.extra.items():
        if name in DICT_SECTIONS and isinstance(value, dict) and value:
            changes += [Change(name, str(k), v) for k, v in value.items()]
        else:  # agency_level, other top-level keys, and an empty or odd dict section
            changes.append(Change("meta", name, value))
    return [c for c in changes if c.value is not None]


def info_from_row(row: tuple[Any, ...]) -> ReportInfo:
    """A ReportInfo from a ``select id, agency, year, agency_level, updated_at`` row."""
    report_id, agency, year, level, updated_at = row
    return ReportInfo(report_id, agency, year, level, datetime.fromisoformat(updated_at))
