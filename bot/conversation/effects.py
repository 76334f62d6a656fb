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
FILING_STEP = "filing:"  # the step of a 备案 request's buttons: filing:<version id>
DECISION_STEPS = (REVIEW_STEP, FILING_STEP)  # the steps whose buttons are decisions
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
    """The comments of a reviewer returning ``version`` (its 备案, with ``filing``)."""

    version: int
    text: str
    filing: bool = False


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
class AddSubordinates:
    """Add subordinate agencies to the office (下级 添加 …): ``argument`` as typed, and
    the names listed in the file ``file`` sent with it (its caption), if any."""

    argument: str
    file: str = ""


@dataclass(frozen=True, slots=True)
class Roster:
    """The office's roster of its subordinates (名单, 进度 全部), and as a workbook."""


@dataclass(frozen=True, slots=True)
class Chase:
    """Remind the subordinates not yet submitted, now (催报); with ``argument`` (催报 14 7
    3 1), set the days before the deadline they are reminded on instead."""

    argument: str = ""


@dataclass(frozen=True, slots=True)
class FilingSetting:
    """Whether the office requires 备案 (备案 需要 / 备案 不需要): ``argument`` as typed."""

    argument: str


@dataclass(frozen=True, slots=True)
class SumSubordinates:
    """Fill the office's open report's tables from its subordinates' approved versions."""


@dataclass(frozen=True, slots=True)
class CellSources:
    """Which agencies a cell or row of the sum comes from (来源 三、（一）予以公开)."""

    target: str


@dataclass(frozen=True, slots=True)
class Published:
    """Record where and when the open report was published (已公开 网址 日期), and
    compare the published file ``file`` sent with it (its caption), if any."""

    argument: str
    file: str = ""


Supervising = (
    AddSubordinates | Roster | Chase | FilingSetting | SumSubordinates | CellSources | Published
)


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
class SetAgencyLevel:
    """The open report's agency is of ``level`` (修改 层级): kept for its next reports."""

    level: str


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
    | Supervising
    | Join
    | NewReport
    | SetAgencyLevel
    | OpenReport
    | ReadFile
    | ImportAs
)
# the commands that may caption a file, with the effect the file goes with
FILE_COMMANDS: dict[str, Callable[[str, str], Effect]] = {
    "subordinate": AddSubordinates,
    "published": Published,
}
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
    "subordinate": AddSubordinates,
    "roster": lambda arg: Roster(),
    "chase": Chase,
    "filing": FilingSetting,
    "sum_subordinates": lambda arg: SumSubordinates(),
    "sources": CellSources,
    "published": Published,
}
