"""What a turn asks the service to do beyond storing answers: typed values, never strings.

The engine returns them in order among its replies (:attr:`Outcome.replies`); the
service carries each out where it stands (a preview between an acknowledgement and the
next question stays there). Effects marked "then resume" make the service run the engine
once more with ``Input(resume=True)`` on the report as it then is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

REVIEW_STEP = "review:"  # the step of a review request's buttons: review:<version id>
DRAFT_STEP = "draft"  # the step of a preview's button (完整表格), valid at any step
FULL_TABLES = "tables"  # its choice: the workbook of the three tables
EXPORT_FORMATS = ("docx", "pdf", "html", "md", "txt", "xlsx", "yaml")
ALL_FORMATS = "all"  # the export menu's choice of every draft format (not the data file)


@dataclass(frozen=True, slots=True)
class Preview:
    """The draft as text in the chat."""


@dataclass(frozen=True, slots=True)
class ShowParagraph:
    """The current text of paragraph ``paragraph`` of the draft (named ``target``)."""

    paragraph: str
    target: str


@dataclass(frozen=True, slots=True)
class Check:
    """Every check of the draft, as one message."""


@dataclass(frozen=True, slots=True)
class Export:
    """The draft as a file in one of :data:`EXPORT_FORMATS`."""

    fmt: str


@dataclass(frozen=True, slots=True)
class Submit:
    """Submit the open report for review (errors block, warnings need explanations)."""


@dataclass(frozen=True, slots=True)
class Explain:
    """An explanation of the first warning that blocks the submission."""

    text: str


@dataclass(frozen=True, slots=True)
class ShowReviews:
    """The versions waiting for this reviewer's decision (审核)."""


@dataclass(frozen=True, slots=True)
class Decide:
    """A press of 通过 or 退回 on the review request of ``step`` (``review:<id>``)."""

    step: str
    choice: str


@dataclass(frozen=True, slots=True)
class ReturnComments:
    """The comments of a reviewer returning ``version``."""

    version: int
    text: str


@dataclass(frozen=True, slots=True)
class History:
    """Submissions, decisions and edits of the open report (历史)."""


@dataclass(frozen=True, slots=True)
class Members:
    """The members of the agency (成员)."""


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite for the role ``role`` names (邀请 填报人)."""

    role: str


@dataclass(frozen=True, slots=True)
class RemoveMember:
    """Remove the member ``user`` (移除成员)."""

    user: str


@dataclass(frozen=True, slots=True)
class NameMember:
    """Give a member a name and position (称呼 @wang 王芳 办公室主任): ``argument`` as typed."""

    argument: str


@dataclass(frozen=True, slots=True)
class RevokeInvite:
    """Revoke the invite ``code`` (撤销邀请)."""

    code: str


@dataclass(frozen=True, slots=True)
class Join:
    """Become a member by an invite code (a deep link's start parameter); then resume."""

    code: str


@dataclass(frozen=True, slots=True)
class NewReport:
    """Create the report (or open it if it exists); then resume.

    ``agency_id`` is set for an agency the user belongs to; otherwise the service creates
    the agency (with ``region``) and makes the user its admin.
    """

    agency: str
    agency_level: str
    year: int
    region: str = ""
    agency_id: int | None = None


@dataclass(frozen=True, slots=True)
class OpenReport:
    """The officer chose one of their reports; then resume in it."""

    report_id: int


@dataclass(frozen=True, slots=True)
class ReadFile:
    """A file (or pasted text) for the open report: last year's report or this year's
    figures; then resume. ``first`` when no report is open yet: last year's report, which
    names the agency the new report is for."""

    name: str
    data: bytes
    first: bool = False
    table: str = ""  # a table pasted at its question (the part): this year's figures


@dataclass(frozen=True, slots=True)
class ImportAs:
    """The file of :class:`~bot.conversation.session.ImportYear`, as a report of ``year``."""

    name: str
    document: str
    year: int


Effect = (
    Preview
    | ShowParagraph
    | Check
    | Export
    | Submit
    | Explain
    | ShowReviews
    | Decide
    | ReturnComments
    | History
    | Members
    | Invite
    | RemoveMember
    | NameMember
    | RevokeInvite
    | Join
    | NewReport
    | OpenReport
    | ReadFile
    | ImportAs
)
# the commands of prompts/commands.yaml that are carried out as effects
COMMAND_EFFECTS: dict[str, Callable[[str], Effect]] = {
    "submit": lambda arg: Submit(),
    "review": lambda arg: ShowReviews(),
    "history": lambda arg: History(),
    "members": lambda arg: Members(),
    "invite": Invite,
    "remove": RemoveMember,
    "name": NameMember,
    "revoke": RevokeInvite,
}
