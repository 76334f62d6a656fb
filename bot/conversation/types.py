"""What flows through a turn of the conversation: inputs, replies, context, outcome, and
what an answer means (:class:`Interpretation`).

Plain data shared by the engine (:mod:`bot.conversation.engine`) and its caller, the
service (:mod:`bot.service.turns`), which turns replies into :class:`Outgoing` messages
for the front ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.conversation.effects import Effect
from bot.conversation.flows import Choice
from bot.conversation.session import Change, Session
from bot.format.catalogue import Code, message
from bot.format.model import ReportModel
from bot.format.report import Report


@dataclass(frozen=True, slots=True)
class Input:
    """One thing the user did: typed ``text`` or pressed the button ``choice`` of a step."""

    text: str = ""
    choice: str | None = None
    choice_step: str | None = None
    resume: bool = False
    document: tuple[str, bytes] | None = None  # a file the user sent: (name, content)
    carried_on: bool = False  # a resume after an effect of the same turn, not the user's
    name: str = ""  # how the user is called (Telegram's first and last name), if known


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to send: text, and the choices of ``step`` if it offers any."""

    text: str
    code: Code | None = None
    choices: tuple[Choice, ...] = ()
    step: str | None = None
    multi: bool = False


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


@dataclass
class Context:
    """What the engine reads besides the session."""

    report: Report | None = None
    reports: tuple[ReportRef, ...] = ()
    previous: Report | None = None
    today: date = field(default_factory=date.today)
    agencies: tuple[AgencyRef, ...] = ()  # where the user may create reports
    can_edit: bool = True  # whether the user may change the open report
    can_create: bool = True  # whether the user may start reports (false: a reviewer only)
    name_taken: bool = False  # the agency name just typed belongs to an existing agency


@dataclass
class Outcome:
    """The engine's answer: the new session, the replies with the effects among them (in
    the order they are to be shown), and the changes to store."""

    session: Session
    replies: list[Reply | Effect] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)

    @property
    def effects(self) -> list[Effect]:
        """The effects alone."""
        return [r for r in self.replies if not isinstance(r, Reply)]

    def say(self, code: Code, **params: object) -> None:
        """Add a plain text reply from the catalogue."""
        self.replies.append(Reply(message(code, **params), code))


@dataclass(frozen=True, slots=True)
class DraftLine:
    """One line of a draft's preview; ``heading`` marks the title and the headings, and
    ``set_off`` the ones an empty line stands before (the parts', not their sub-parts')."""

    text: str
    heading: bool = False
    set_off: bool = False


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message for the front end: text with choices, or a document.

    ``draft`` marks the draft's own text (a preview): the front end announces it and
    splits it into messages as its medium needs; ``lines`` are the same text line by line,
    headings marked, for a front end that can set them apart.
    """

    text: str = ""
    code: Code | None = None
    choices: tuple[Choice, ...] = ()
    step: str | None = None
    multi: bool = False
    document: tuple[str, bytes] | None = None  # (file name, content)
    draft: bool = False
    lines: tuple[DraftLine, ...] = ()


def say(code: Code, **params: object) -> Outgoing:
    """A plain message from the catalogue."""
    return Outgoing(message(code, **params), code)


def level_changes(level_key: str, m: ReportModel) -> tuple[list[Change], list[Reply]]:
    """Changes implied by the agency level: 规章 is 0 where rules cannot be made."""
    level = m.level(level_key)
    changes = [Change("meta", "agency_level", level_key)]
    if level.may_make_rules:
        return changes, []
    changes += [Change("active", path, 0) for path in rule_cells(m)]
    return changes, [Reply(message(Code.CHAT_RULES_ZERO, level=level.label), Code.CHAT_RULES_ZERO)]


def rule_cells(m: ReportModel) -> list[str]:
    """The cells of table 二's 规章 row (0 where the agency's level makes no rules)."""
    return [c.path for c in m.active_cells if c.path.startswith("rules.")]


def level_choices(m: ReportModel) -> tuple[Choice, ...]:
    """The agency levels as choices."""
    return tuple(Choice(lv.key, lv.label) for lv in m.levels)


@dataclass(frozen=True, slots=True)
class Note:
    """An acknowledgement to show: a catalogue code and its parameters."""

    code: Code
    params: dict[str, object]

    def text(self) -> str:
        """The Chinese text."""
        return message(self.code, **self.params)


def note(code: Code, **params: object) -> Note:
    """Shorthand for :class:`Note`."""
    return Note(code, params)


@dataclass
class Interpretation:
    """What an answer means: the changes to store and what to tell the officer."""

    changes: list[Change] = field(default_factory=list)
    replies: list[Note] = field(default_factory=list)
