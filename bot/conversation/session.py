"""The state the engine works on and the changes it asks the store to persist.

``Session`` is where one user is in the conversation; ``Change`` is one answer (a table
cell or row, a narrative answer, an explanation, an override) to be stored. Both are plain
data so that the engine stays pure and any store can persist them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.format.datafile import Report, copy_data

# Sections of a report that answers are stored under (the store's ``answers.section``).
SECTIONS = (
    "meta",
    "active",
    "applications",
    "review_litigation",
    "narrative",
    "answers",
    "explanations",
    "overrides",
)


@dataclass
class Session:
    """Where one user is: the open report, the current step, and what is pending.

    Attributes:
        user: the user's stable id (``tg:12345`` or ``cli:NAME``).
        report_id: the open report, or None before one is chosen.
        step: name of the current step (a question of the flow, or a built-in step).
        pending: data of a multi-message exchange (e.g. a warning awaiting explanation).
        history: steps visited, for 上一步 /back.
        return_to: the step to resume after an edit (修改) is done.
    """

    user: str
    report_id: int | None = None
    step: str = "start"
    pending: dict[str, Any] = field(default_factory=dict)
    history: list[str] = field(default_factory=list)
    return_to: str | None = None

    def copy(self) -> Session:
        """An independent copy, for a turn to change."""
        return Session(
            self.user,
            self.report_id,
            self.step,
            copy_data(self.pending),
            list(self.history),
            self.return_to,
        )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data for the store."""
        return {
            "report_id": self.report_id,
            "step": self.step,
            "pending": self.pending,
            "history": self.history,
            "return_to": self.return_to,
        }

    @classmethod
    def from_json(cls, user: str, data: dict[str, Any]) -> Session:
        """Rebuild a session stored with :meth:`to_json`."""
        return cls(
            user=user,
            report_id=data.get("report_id"),
            step=data.get("step", "start"),
            pending=dict(data.get("pending") or {}),
            history=list(data.get("history") or []),
            return_to=data.get("return_to"),
        )


@dataclass(frozen=True, slots=True)
class Change:
    """One stored answer: ``value`` None deletes it.

    ``section`` is one of :data:`SECTIONS`; ``key`` is the cell path (``rules.issued``),
    row key (``new``), question name, finding key or paragraph id.
    """

    section: str
    key: str
    value: Any


def to_json_value(value: Any) -> Any:
    """JSON-ready form of an answer value (Decimal money as a string tagged ``$dec``)."""
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return value


def from_json_value(value: Any) -> Any:
    """Inverse of :func:`to_json_value`."""
    if isinstance(value, dict) and set(value) == {"$dec"}:
        return Decimal(value["$dec"])
    if isinstance(value, list):
        return [from_json_value(v) for v in value]
    return value


def apply_change(report: Report, change: Change) -> None:
    """Apply one change to an in-memory report (what the store does when it reassembles)."""
    section, key, value = change.section, change.key, change.value
    if section == "meta":
        target: dict[str, Any] = report.extra
    elif section in ("active", "applications", "review_litigation", "narrative"):
        target = getattr(report, section)
    else:
        target = report.extra.setdefault(section, {})
    if value is None:
        target.pop(key, None)
        if (
            section not in ("meta", "active", "applications", "review_litigation", "narrative")
            and not target
        ):
            report.extra.pop(section, None)
    else:
        target[key] = value
