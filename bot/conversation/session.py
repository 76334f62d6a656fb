"""Where one officer is in the conversation, and the answers a turn asks the store to keep.

:class:`Session` holds the current :class:`Step` (a question of the flow, or one of the
built-in steps around it) and, for an exchange of several messages, one typed
:data:`Pending` value. :class:`Change` is one answer to store. All of it is plain data,
so the engine stays pure and the store persists it as JSON (:meth:`Session.to_json`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from bot.format.report import Report

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


class Step(StrEnum):
    """What the officer's next message answers.

    ``QUESTION`` is a question of the flow (:attr:`Session.question` names it); every
    other step is built in. The values are also the step names of buttons
    (``Reply.step``) and of the stored session.
    """

    START = "start"
    CHOOSE_REPORT = "choose_report"
    SETUP_AGENCY = "setup_agency"
    SETUP_LEVEL = "setup_level"
    SETUP_REGION = "setup_region"
    SETUP_YEAR = "setup_year"
    SETUP_CHOOSE_AGENCY = "setup_choose_agency"
    QUESTION = "question"
    MENU = "menu"
    DONE = "done"
    EXPORT = "export"
    EXPLAIN = "explain"  # warnings to explain before a submission goes out
    REVIEW_COMMENT = "review_comment"  # a reviewer's comments on a returned version
    IMPORT_PASTE = "import_paste"  # last year's report, pasted after 导入上年报告
    PARAGRAPH = "paragraph"  # the replacement of a paragraph, after 修改 （二）
    IMPORT_YEAR = "import_year"  # the year of a file whose title shows none
    LEVEL = "level"  # the agency's level, after 修改 层级


SETUP_STEPS = frozenset(
    {
        Step.START,
        Step.CHOOSE_REPORT,
        Step.SETUP_AGENCY,
        Step.SETUP_LEVEL,
        Step.SETUP_REGION,
        Step.SETUP_YEAR,
        Step.SETUP_CHOOSE_AGENCY,
    }
)
# built-in steps that are not in the flow and are never returned to by 上一步
AROUND_QUESTIONS = frozenset({Step.MENU, Step.DONE, Step.EXPORT})


@dataclass(frozen=True, slots=True)
class SetupAnswers:
    """A new report being set up: the agency, then its level and region (a new agency);
    ``year`` is the one proposed when last year's report told it."""

    agency: str
    level: str | None = None
    region: str = ""
    agency_id: int | None = None  # an agency the officer belongs to already
    year: int | None = None


@dataclass(frozen=True, slots=True)
class LiveWarning:
    """A warning an answer caused, to correct or explain at ``question``."""

    warning: str
    question: str


@dataclass(frozen=True, slots=True)
class Explanations:
    """The warnings (finding keys) to explain before the report is submitted."""

    keys: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReviewComments:
    """A reviewer returning ``version`` (its 备案 at the supervising office, with
    ``filing``): the next message is the comments."""

    version: int
    filing: bool = False


@dataclass(frozen=True, slots=True)
class ImportPaste:
    """After 导入上年报告: the next message is the report; then back to ``back_to``."""

    back_to: str


@dataclass(frozen=True, slots=True)
class LevelChange:
    """After 修改 层级: the next message is the agency's level; then back to ``back_to``."""

    back_to: str


@dataclass(frozen=True, slots=True)
class ParagraphEdit:
    """After 修改 （二）: the next message replaces paragraph ``paragraph`` (named
    ``target`` by the officer); then back to ``back_to``."""

    paragraph: str
    target: str
    back_to: str


@dataclass(frozen=True, slots=True)
class SectionPaste:
    """A pasted whole section, split at its sub-headings, waiting for the officer's
    confirmation at ``question``: (paragraph id, text) for each sub-section."""

    question: str
    pieces: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class ImportYear:
    """A file read whose title shows no year: the next message is its year. ``document``
    is the file as read (JSON text), so it is not read again; then back to ``back_to``."""

    name: str
    document: str
    back_to: str


Pending = (
    SetupAnswers
    | LiveWarning
    | Explanations
    | ReviewComments
    | ImportPaste
    | ImportYear
    | LevelChange
    | ParagraphEdit
    | SectionPaste
)
_KINDS: dict[str, type[Pending]] = {
    "paragraph_edit": ParagraphEdit,
    "section_paste": SectionPaste,
    "setup": SetupAnswers,
    "live_warning": LiveWarning,
    "explanations": Explanations,
    "review_comments": ReviewComments,
    "import_paste": ImportPaste,
    "import_year": ImportYear,
    "level_change": LevelChange,
}


def pending_to_json(pending: Pending | None) -> dict[str, Any]:
    """Plain JSON data of a pending value, tagged with its kind."""
    if pending is None:
        return {}
    kind = next(k for k, cls in _KINDS.items() if isinstance(pending, cls))
    data = {name: getattr(pending, name) for name in pending.__slots__}
    if isinstance(pending, Explanations):
        data["keys"] = list(pending.keys)
    if isinstance(pending, SectionPaste):
        data["pieces"] = [list(p) for p in pending.pieces]
    return {"kind": kind, **data}


def pending_from_json(data: dict[str, Any]) -> Pending | None:
    """Inverse of :func:`pending_to_json`; also reads sessions stored as untyped dicts."""
    if not data:
        return None
    kind = data.get("kind")
    if kind == "explanations" or (kind is None and "explain" in data):
        return Explanations(tuple(data.get("keys", data.get("explain")) or ()))
    if kind == "section_paste":
        pieces = tuple((str(p), str(x)) for p, x in data.get("pieces") or ())
        return SectionPaste(str(data.get("question", "")), pieces)
    if kind in _KINDS:
        fields = {k: v for k, v in data.items() if k != "kind"}
        return _KINDS[kind](**fields)
    # sessions stored before pending values were typed
    if "warning" in data:
        return LiveWarning(data["warning"], data.get("step", ""))
    if "version" in data:
        return ReviewComments(int(data["version"]), bool(data.get("filing", False)))
    if "return" in data:
        return ImportPaste(data["return"])
    if "agency" in data:
        return SetupAnswers(
            data["agency"], data.get("level"), data.get("region", ""), data.get("agency_id")
        )
    return None


@dataclass
class Session:
    """Where one user is: the open report, the current step, and what is pending.

    Attributes:
        user: the user's stable id (``tg:12345`` or ``cli:NAME``).
        report_id: the open report, or None before one is chosen.
        step: what the next message answers.
        question: the question of the flow when ``step`` is ``Step.QUESTION``.
        pending: the typed state of an exchange of several messages, or None.
        history: questions visited, for 上一步 /back.
        return_to: the question to resume after an edit (修改) or an export is done.
        walking: the part 转到 went to: its questions are asked one after another, the
            answered ones too, until its end.
    """

    user: str
    report_id: int | None = None
    step: Step = Step.START
    question: str | None = None
    pending: Pending | None = None
    history: list[str] = field(default_factory=list)
    return_to: str | None = None
    walking: str | None = None

    @property
    def key(self) -> str:
        """The step's name: the question's, or the built-in step's (buttons carry it)."""
        return self.question if self.step is Step.QUESTION and self.question else self.step

    def to(self, step: Step) -> None:
        """Move to a built-in step."""
        self.step, self.question = step, None

    def ask(self, question: str) -> None:
        """Move to a question of the flow."""
        self.step, self.question = Step.QUESTION, question

    def to_key(self, key: str) -> None:
        """Move to the step named ``key`` (see :attr:`key`)."""
        if key in Step.__members__.values():
            self.to(Step(key))
        else:
            self.ask(key)

    def restart(self) -> None:
        """Back to the start, with nothing pending."""
        self.to(Step.START)
        self.pending = None

    def copy(self) -> Session:
        """An independent copy, for a turn to change (pending values are immutable)."""
        return Session(
            self.user,
            self.report_id,
            self.step,
            self.question,
            self.pending,
            list(self.history),
            self.return_to,
            self.walking,
        )

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data for the store."""
        return {
            "report_id": self.report_id,
            "step": self.key,
            "pending": pending_to_json(self.pending),
            "history": self.history,
            "return_to": self.return_to,
            "walking": self.walking,
        }

    @classmethod
    def from_json(cls, user: str, data: dict[str, Any]) -> Session:
        """Rebuild a session stored with :meth:`to_json`."""
        session = cls(
            user=user,
            report_id=data.get("report_id"),
            pending=pending_from_json(dict(data.get("pending") or {})),
            history=list(data.get("history") or []),
            return_to=data.get("return_to"),
            walking=data.get("walking"),
        )
        session.to_key(data.get("step") or Step.START)
        return session


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
