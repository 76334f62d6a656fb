"""What flows through a turn of the conversation: inputs, replies, context, outcome.

Plain data shared by the engine (``bot/engine.py``) and its callers (``bot/service.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.conversation.flows import Choice
from bot.conversation.session import Change, Session
from bot.format.catalogue import Code, message
from bot.format.datafile import Report
from bot.format.model import ReportModel

EXPORT_FORMATS = ("docx", "html", "md", "txt", "xlsx", "yaml")
SETUP_STEPS = (
    "start",
    "choose_report",
    "setup_agency",
    "setup_level",
    "setup_region",
    "setup_year",
    "setup_choose_agency",
)
# commands carried out by the review workflow (bot/workflow.py), not by the engine
WORKFLOW_COMMANDS = ("submit", "review", "history", "members", "invite", "remove", "revoke",
                     "import")


@dataclass(frozen=True, slots=True)
class Input:
    """One thing the user did: typed ``text`` or pressed the button ``choice`` of a step."""

    text: str = ""
    choice: str | None = None
    choice_step: str | None = None
    resume: bool = False
    document: tuple[str, bytes] | None = None  # a file the user sent: (name, content)


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send: text, optional choices (for ``step``), optional action."""

    text: str
    code: Code | None = None
    choices: tuple[Choice, ...] = ()
    step: str | None = None
    multi: bool = False
    action: str | None = None  # "preview", "check", "export:<format>", "workflow:<command>"
    argument: str = ""  # the command's argument, for a workflow action


@dataclass(frozen=True, slots=True)
class ReportRef:
    """A report the user can open."""

    id: int
    agency: str
    year: int


@dataclass(frozen=True, slots=True)
class AgencyRef:
    """An agency the user may create reports for."""

    id: int
    name: str
    level: str


@dataclass(frozen=True, slots=True)
class NewReport:
    """A report the service must create (or open if it exists), then resume.

    ``agency_id`` is set for an agency the user belongs to; otherwise the service creates
    the agency (with ``region``) and makes the user its admin.
    """

    agency: str
    agency_level: str
    year: int
    region: str = ""
    agency_id: int | None = None


@dataclass
class Context:
    """What the engine reads besides the session."""

    report: Report | None = None
    reports: tuple[ReportRef, ...] = ()
    previous: Report | None = None
    today: date = field(default_factory=date.today)
    agencies: tuple[AgencyRef, ...] = ()  # where the user may create reports
    can_edit: bool = True  # whether the user may change the open report


@dataclass
class Outcome:
    """The engine's answer: new session, replies, changes to store, report to create."""

    session: Session
    replies: list[Reply] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    create: NewReport | None = None
    open_report: int | None = None

    def say(self, code: Code, **params: object) -> None:
        """Add a plain text reply from the catalogue."""
        self.replies.append(Reply(message(code, **params), code))


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for the front end: text with choices, or a document."""

    text: str = ""
    code: Code | None = None
    choices: tuple[Choice, ...] = ()
    step: str | None = None
    multi: bool = False
    document: tuple[str, bytes] | None = None  # (file name, content)
    draft: bool = False  # the draft's own text: the front end announces and splits it


def level_changes(level_key: str, m: ReportModel) -> tuple[list[Change], list[Reply]]:
    """Changes implied by the agency level: 规章 is 0 where rules cannot be made."""
    level = m.level(level_key)
    changes = [Change("meta", "agency_level", level_key)]
    if level.may_make_rules:
        return changes, []
    changes += [Change("active", c.path, 0) for c in m.active_cells if c.path.startswith("rules.")]
    return changes, [Reply(message(Code.CHAT_RULES_ZERO, level=level.label), Code.CHAT_RULES_ZERO)]


def level_choices(m: ReportModel) -> tuple[Choice, ...]:
    """The agency levels as choices."""
    return tuple(Choice(lv.key, lv.label) for lv in m.levels)
