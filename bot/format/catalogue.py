"""The catalogue of officer-facing messages: one code, one Chinese text.

Codes are the stable identifiers (tests assert codes, never wording). The Chinese texts
live in ``prompts/messages/*.yaml``; each entry names the parameters its text uses, and
the catalogue refuses to load when a code has no text, a text has no code, or the
placeholders do not match the declared parameters.
"""

from __future__ import annotations

import string
from enum import StrEnum
from functools import cache
from pathlib import Path

from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml


class Code(StrEnum):
    """Every message an officer can be shown, by stable code."""

    # figures: parsing what officers type (bot/format/figures.py)
    FIG_EMPTY = "FIG001"
    FIG_NOT_A_NUMBER = "FIG002"
    FIG_NEGATIVE = "FIG003"
    FIG_FRACTION = "FIG004"
    FIG_TOO_LARGE = "FIG005"
    FIG_ROW_LENGTH = "FIG006"
    FIG_MONEY_PRECISION = "FIG007"
    FIG_UNIT = "FIG008"
    FIG_BLOCK_SHAPE = "FIG009"
    FIG_BLOCK_ROWS = "FIG010"

    # report data file (bot/format/datafile.py)
    DATA_UNREADABLE = "DAT001"
    DATA_NOT_YAML = "DAT002"
    DATA_NOT_REPORT = "DAT003"
    DATA_BAD_VALUE = "DAT004"
    DATA_UNKNOWN_KEY = "DAT005"
    DATA_ROW_LENGTH = "DAT006"
    DATA_EMPTY = "DAT007"
    DATA_BAD_FORMAT = "DAT008"

    # checks (bot/checks/rules.py)
    CHK_COLUMN_IDENTITY = "CHK001"
    CHK_ROW_TOTAL = "CHK002"
    CHK_DISPOSITION_TOTAL = "CHK003"
    CHK_REVIEW_TOTAL = "CHK004"
    CHK_RULES_LEVEL = "CHK005"
    CHK_IN_FORCE_TREND = "CHK006"
    CHK_CARRIED_OVER = "CHK007"
    CHK_PROSE_FIGURE = "CHK008"
    CHK_MISSING_CELL = "CHK009"
    CHK_MISSING_PART = "CHK010"
    CHK_FEE_STATEMENT = "CHK011"
    CHK_MISSING_TABLE = "CHK012"
    CHK_SUSPECT_CELL = "CHK013"
    CHK_ALL_ZERO = "CHK017"
    CHK_LARGE_FIGURE = "CHK018"

    # compliance of the draft (bot/drafting/compliance.py)
    CHK_SIMILAR_PROSE = "CHK014"
    CHK_RECTIFICATION_MISSING = "CHK015"
    CHK_HEADING_MISSING = "CHK016"

    # style of the draft (bot/checks/style.py)
    STY_DOUBLED_NUMBERING = "STY001"
    STY_LABEL_NONE = "STY002"
    STY_HALF_WIDTH = "STY003"
    STY_NO_SUBJECT = "STY004"
    STY_SAME_OPENING = "STY005"
    STY_DOUBLED_ZHENDUI = "STY006"
    STY_GAP_LEFT = "STY007"
    STY_OVERVIEW_LONG = "STY008"

    # pasted prose and paragraph edits (bot/format/pasted.py, bot/conversation/paragraphs.py)
    PST_TIDIED = "PST001"
    PST_HEADING = "PST002"
    PST_LEAD_IN = "PST003"
    PST_PUNCTUATION = "PST004"
    PST_NUMBERING = "PST005"
    PST_STANDARD = "PST006"
    PST_STANDARD_USED = "PST007"
    PST_SECTIONS_FOUND = "PST008"
    PST_SECTION_LINE = "PST009"
    PST_SECTIONS_SAVED = "PST010"
    PST_PARAGRAPH_CURRENT = "PST011"
    PST_PARAGRAPH_ASK = "PST012"
    PST_PARAGRAPH_SAVED = "PST013"
    PST_PARAGRAPH_RESTORED = "PST014"
    PST_PARAGRAPH_NOT_EDITED = "PST015"
    PST_PARAGRAPH_UNKNOWN = "PST016"
    PST_PARAGRAPH_KEPT = "PST017"
    PST_COUNTS_ORDER = "PST019"

    # conversation (bot/conversation/engine.py, bot/conversation/answers.py)
    CHAT_ASK_AGENCY = "CHAT001"
    CHAT_ASK_LEVEL = "CHAT002"
    CHAT_ASK_YEAR = "CHAT003"
    CHAT_REPORT_CREATED = "CHAT004"
    CHAT_CHOOSE_REPORT = "CHAT005"
    CHAT_NEW_REPORT = "CHAT006"
    CHAT_REPORT_OPENED = "CHAT007"
    CHAT_QUESTION = "CHAT008"
    CHAT_CURRENT_VALUE = "CHAT009"
    CHAT_PROGRESS_HEADER = "CHAT010"
    CHAT_PROGRESS_LINE = "CHAT011"
    CHAT_CONTINUE = "CHAT012"
    CHAT_ALL_DONE = "CHAT013"
    CHAT_CELLS_SAVED = "CHAT014"
    CHAT_ROW_SAVED = "CHAT015"
    CHAT_TABLE3_ZERO = "CHAT016"
    CHAT_CARRY_FORWARD = "CHAT017"
    CHAT_OVER_HANDLED = "CHAT018"
    CHAT_SKIP_REQUIRED = "CHAT019"
    CHAT_SKIPPED = "CHAT020"
    CHAT_HELP = "CHAT021"
    CHAT_NO_BACK = "CHAT022"
    CHAT_GOTO_UNKNOWN = "CHAT023"
    CHAT_EDIT_UNKNOWN = "CHAT024"
    CHAT_CANCELLED = "CHAT025"
    CHAT_WARNING_ASK = "CHAT026"
    CHAT_EXPLAINED = "CHAT027"
    CHAT_CHECK_CLEAN = "CHAT028"
    CHAT_CHECK_SUMMARY = "CHAT029"
    CHAT_EXPORT_ASK = "CHAT030"
    CHAT_BAD_CHOICE = "CHAT031"
    CHAT_BAD_YEAR = "CHAT032"
    CHAT_BAD_AGENCY = "CHAT033"
    CHAT_CONFIRM_EXPECTED = "CHAT034"
    CHAT_RULES_ZERO = "CHAT035"
    CHAT_PASTE_OK = "CHAT036"
    CHAT_PASTE_ERRORS = "CHAT037"
    CHAT_PASTE_SHAPE = "CHAT038"
    CHAT_TOO_LONG = "CHAT039"
    CHAT_PREVIEW_HEADER = "CHAT040"
    CHAT_KEPT = "CHAT041"
    CHAT_LIST_SAVED = "CHAT042"
    CHAT_CONSTRAINT = "CHAT043"
    CHAT_NO_REPORT = "CHAT044"
    CHAT_EXPIRED = "CHAT045"
    CHAT_UNKNOWN_COMMAND = "CHAT046"
    CHAT_NEEDS_ARGUMENT = "CHAT047"
    CHAT_SAVED = "CHAT048"
    CHAT_EMPTY_ANSWER = "CHAT049"
    CHAT_ROW_QUESTION = "CHAT050"
    CHAT_ROWS_SELECTED = "CHAT051"
    CHAT_TABLE4_ZERO = "CHAT052"
    CHAT_EXPORT_READY = "CHAT053"
    CHAT_EXPORT_UNKNOWN = "CHAT054"
    CHAT_FINDING_LINE = "CHAT055"
    CHAT_WENT_TO = "CHAT056"
    CHAT_EMPTY_VALUE = "CHAT057"
    CHAT_HELP_LINE = "CHAT058"
    CHAT_HELP_FOOTER = "CHAT059"
    CHAT_LAST_CARRY_FORWARD = "CHAT060"
    CHAT_LAST_IN_FORCE = "CHAT061"
    CHAT_LAST_PROBLEMS = "CHAT062"
    CHAT_CHOOSE_REPORT_TO_READ = "CHAT063"
    CHAT_FULL_TABLES = "CHAT150"
    CHAT_EXPORT_ALL = "CHAT151"
    CHAT_FULL_TABLES_HINT = "CHAT152"
    CHAT_DONE_UNMATCHED = "CHAT153"
    CHAT_RESUMED = "CHAT154"
    CHAT_RESUMED_DONE = "CHAT155"
    CHAT_BLOCK_DISCARDED = "CHAT156"
    CHAT_TABLES_IN_ONE_FILE = "CHAT157"
    CHAT_IN_FORCE_COMPUTED = "CHAT158"
    CHAT_NOTHING_CARRIED_OVER = "CHAT159"
    CHAT_REGION_SUGGESTIONS = "CHAT160"
    CHAT_LAST_ANSWER = "CHAT161"
    CHAT_REUSED = "CHAT162"
    CHAT_NOTHING_TO_REUSE = "CHAT163"
    CHAT_DEFAULTS_OFFER = "CHAT164"
    CHAT_DEFAULT_NONE = "CHAT165"
    CHAT_DEFAULTS_TAKEN = "CHAT166"
    CHAT_COUNT_MISSING = "CHAT167"
    CHAT_YEAR_FROM_LAST = "CHAT168"
    CHAT_CONFIRM_ALL = "CHAT169"
    CHAT_LEVEL_CHANGED = "CHAT170"
    CHAT_LEVEL_FROM_NAME = "CHAT171"
    CHAT_LAST_CHOICE = "CHAT172"
    CHAT_COUNT_NOT_USED = "CHAT173"

    # review workflow (bot/office/rules.py, bot/office/workflow.py)
    REV_FORBIDDEN = "REV001"
    REV_SUBMIT_ERRORS = "REV002"
    REV_SUBMIT_UNEXPLAINED = "REV003"
    REV_SUBMITTED = "REV004"
    REV_SUBMITTED_NO_REVIEWER = "REV005"
    REV_REQUEST = "REV006"
    REV_APPROVE = "REV007"
    REV_RETURN = "REV008"
    REV_ASK_COMMENTS = "REV009"
    REV_APPROVED = "REV010"
    REV_APPROVED_NOTICE = "REV011"
    REV_RETURNED = "REV012"
    REV_RETURNED_NOTICE = "REV013"
    REV_OWN_EDITS = "REV014"
    REV_ALREADY_DECIDED = "REV015"
    REV_INVITE_CREATED = "REV016"
    REV_INVITE_INVALID = "REV017"
    REV_JOINED = "REV018"
    REV_MEMBERS_HEADER = "REV019"
    REV_MEMBER_LINE = "REV020"
    REV_MEMBER_REMOVED = "REV021"
    REV_NO_MEMBER = "REV022"
    REV_INVITE_REVOKED = "REV023"
    REV_NO_INVITE = "REV024"
    REV_HISTORY_HEADER = "REV025"
    REV_HISTORY_VERSION = "REV026"
    REV_HISTORY_EDITS = "REV027"
    REV_STATUS_SUBMITTED = "REV028"
    REV_STATUS_APPROVED = "REV029"
    REV_STATUS_RETURNED = "REV030"
    REV_DECISION_DETAIL = "REV031"
    REV_NOTHING_TO_REVIEW = "REV032"
    REV_AGENCY_TAKEN = "REV033"
    REV_ASK_REGION = "REV034"
    REV_CHOOSE_AGENCY = "REV035"
    REV_KEY_FIGURES = "REV036"
    REV_FINDINGS_HEADER = "REV037"
    REV_EXPLAINED_WARNING = "REV038"
    REV_CHANGES_HEADER = "REV039"
    REV_CHANGED_CELL = "REV040"
    REV_FIRST_SUBMISSION = "REV041"
    REV_NO_CHANGES = "REV042"
    REV_READ_ONLY = "REV043"
    REV_REMIND_EDITORS = "REV044"
    REV_REMIND_REVIEWERS = "REV045"
    REV_ROLE_ADMIN = "REV046"
    REV_ROLE_EDITOR = "REV047"
    REV_ROLE_REVIEWER = "REV048"
    REV_INVITE_ROLE = "REV049"
    REV_CHANGED_PART = "REV050"
    REV_ACTION_EDIT = "REV051"
    REV_ACTION_SUBMIT = "REV052"
    REV_ACTION_REVIEW = "REV053"
    REV_ACTION_MANAGE = "REV054"
    REV_LAST_ADMIN = "REV055"
    REV_ALREADY_MEMBER = "REV056"
    REV_MEMBER_LINE_NAMED = "REV057"
    REV_CALLED_WITH_POSITION = "REV058"
    REV_NAMED = "REV059"
    REV_NAME_USAGE = "REV060"

    # a supervising office (bot/office/supervision.py, roster.py, filing.py)
    SUP_ADDED = "SUP001"
    SUP_TAKEN = "SUP002"
    SUP_ADD_USAGE = "SUP003"
    SUP_NO_SUBORDINATES = "SUP004"
    SUP_ROSTER_HEADER = "SUP005"
    SUP_ROSTER_LINE = "SUP006"
    SUP_STATE_NOT_STARTED = "SUP007"
    SUP_STATE_DRAFTING = "SUP008"
    SUP_STATE_SUBMITTED = "SUP009"
    SUP_STATE_RETURNED = "SUP010"
    SUP_STATE_APPROVED = "SUP011"
    SUP_STATE_FILING = "SUP012"
    SUP_STATE_FILING_RETURNED = "SUP013"
    SUP_STATE_FILED = "SUP014"
    SUP_STATE_PUBLISHED = "SUP015"
    SUP_REMINDED = "SUP016"
    SUP_INDICATOR = "SUP017"
    SUP_INDICATOR_SMALL = "SUP018"
    SUP_NO_FIGURES = "SUP019"
    SUP_CHASED = "SUP020"
    SUP_CHASE_NONE = "SUP021"
    SUP_CHASE_NOTICE = "SUP022"
    SUP_FILING_ON = "SUP023"
    SUP_FILING_OFF = "SUP024"
    SUP_FILING_USAGE = "SUP025"
    SUP_FILING_REQUEST = "SUP026"
    SUP_FILED = "SUP027"
    SUP_FILED_NOTICE = "SUP028"
    SUP_FILING_RETURNED = "SUP029"
    SUP_FILING_RETURNED_NOTICE = "SUP030"
    SUP_SUMMED = "SUP031"
    SUP_SUM_CHECKS_OK = "SUP032"
    SUP_SUM_CHECKS_ERRORS = "SUP033"
    SUP_SUM_NONE = "SUP034"
    SUP_SUM_NO_REPORT = "SUP035"
    SUP_SUM_INDICATORS = "SUP036"
    SUP_PUBLISHED = "SUP037"
    SUP_PUBLISH_USAGE = "SUP038"
    SUP_DISCLOSURE_RATE = "SUP039"
    SUP_REVIEW_CORRECTION = "SUP040"
    SUP_LITIGATION_CORRECTION = "SUP041"
    SUP_YOY_NEW = "SUP042"
    SUP_BASIS_HANDLED = "SUP043"
    SUP_BASIS_CONCLUDED = "SUP044"
    SUP_BASIS_LAST_YEAR = "SUP045"
    SUP_DAYS_LEFT = "SUP046"
    SUP_DAYS_PASSED = "SUP047"
    SUP_ROSTER_FILE = "SUP048"
    SUP_ROSTER_COLUMNS = "SUP049"
    SUP_ADMIN_ONLY = "SUP050"
    SUP_PUBLISH_NO_REPORT = "SUP051"
    SUP_CHASE_UNREACHABLE = "SUP052"
    SUP_SCHEDULE_SET = "SUP053"
    SUP_SCHEDULE_USAGE = "SUP054"
    SUP_LARGEST_SHARES = "SUP055"
    SUP_SHARE = "SUP056"
    SUP_RETURNED_AGENCIES = "SUP057"
    SUP_CELL_SOURCES = "SUP058"
    SUP_CELL_UNKNOWN = "SUP059"
    SUP_ZERO_AGENCIES = "SUP060"
    SUP_PUBLISHED_SAME = "SUP061"
    SUP_PUBLISHED_DIFFERS = "SUP062"
    SUP_PUBLISHED_UNAPPROVED = "SUP063"
    SUP_PUBLISHED_DIFFERENCES = "SUP064"
    REV_AMBIGUOUS_MEMBER = "REV061"

    # the database (bot/store)
    STORE_UNREADABLE = "STO001"
    STORE_NEWER = "STO002"
    STORE_DAMAGED = "STO003"
    STORE_BUSY = "STO004"

    # command line (bot/frontends/cli.py)
    CLI_HEADER = "CLI001"
    CLI_SUMMARY = "CLI002"
    CLI_ERROR = "CLI003"
    CLI_WARNING = "CLI004"
    CLI_EXPLAINED = "CLI005"
    CLI_CLEAN = "CLI006"
    CLI_NO_PART = "CLI007"
    CLI_NO_REPORT = "CLI008"
    CLI_EXPORTED = "CLI009"
    CLI_EXISTS = "CLI010"
    CLI_LOADED = "CLI011"
    CLI_GRANTED = "CLI012"
    CLI_NO_AGENCY = "CLI013"
    CLI_BAD_ROLE = "CLI014"
    CLI_BAD_ZONE = "CLI015"

    # drafting (bot/drafting/render.py, bot/drafting/compose.py)
    DRF_UNKNOWN_FORMAT = "DRF001"
    DRF_GAP_CELL = "DRF002"
    DRF_OVERRIDDEN = "DRF003"
    DRF_SIGN_DATE = "DRF004"
    DRF_NO_OFFICE = "DRF005"
    DRF_PDF_FAILED = "DRF006"
    DRF_PDF_TIMEOUT = "DRF007"
    DRF_FONTS_MISSING = "DRF008"
    DRF_OPEN_GAPS = "DRF009"
    DRF_PREVIEW_ROW = "DRF050"
    DRF_PREVIEW_COLUMNS = "DRF051"
    DRF_PREVIEW_ZERO_ROWS = "DRF052"
    DRF_PREVIEW_GAPS = "DRF053"
    DRF_PREVIEW_GAP_LINE = "DRF054"
    DRF_PREVIEW_OPEN_ROWS = "DRF055"

    # telegram (bot/frontends/telegram_handlers.py)
    TG_PRIVATE_ONLY = "TG001"
    TG_ERROR = "TG004"
    TG_BAD_BUTTON = "TG005"
    TG_TEXT_ONLY = "TG006"
    TG_EDITED_IGNORED = "TG007"
    TG_NO_TOKEN = "TG009"
    TG_TOKEN_FILE = "TG010"
    TG_TOKEN_REJECTED = "TG011"
    TG_UNREACHABLE = "TG012"
    TG_WEBHOOK_UNAVAILABLE = "TG013"
    TG_BAD_URL = "TG014"
    TG_NO_DATABASE = "TG015"
    TG_BAD_REMIND_DAYS = "TG016"
    TG_FILE_TOO_LARGE = "TG017"
    TG_TOKEN_FILE_OPEN = "TG018"
    TG_FLOOD = "TG030"

    # importing (bot/importing/importer.py)
    IMP_UNREADABLE = "IMP001"
    IMP_UNSUPPORTED = "IMP002"
    IMP_EMPTY = "IMP003"
    IMP_BINARY = "IMP004"
    IMP_BROKEN = "IMP005"
    IMP_NO_TABLES = "IMP006"
    IMP_NO_TITLE = "IMP007"
    IMP_TOO_LARGE = "IMP008"
    IMP_WRITE_FAILED = "IMP009"
    IMP_SAME_FILE = "IMP010"
    IMP_FORMAT_2019 = "IMP011"
    IMP_TABLE_NOT_FOUND = "IMP012"
    IMP_ROW_COUNT = "IMP013"
    IMP_BAD_VALUE = "IMP014"
    IMP_2019_UNMAPPED = "IMP015"
    IMP_2019_DROPPED = "IMP016"
    IMP_2019_OTHER = "IMP017"
    IMP_STRAY = "IMP018"
    IMP_PARTIAL_ROW = "IMP019"
    IMP_PART_MISSING = "IMP020"
    IMP_DONE = "IMP021"
    IMP_MISSING_HEADER = "IMP022"
    IMP_MISSING_ROW = "IMP023"
    IMP_COMPLETE = "IMP024"
    IMP_NOTES_HEADER = "IMP025"
    IMP_AGG_MIXED_YEARS = "IMP026"
    IMP_AGG_DUPLICATE = "IMP027"
    IMP_AGG_INPUT = "IMP028"
    IMP_AGG_MISSING_HEADER = "IMP029"
    IMP_AGG_MISSING_CELL = "IMP030"
    IMP_AGG_DONE = "IMP031"
    IMP_CHAT_ASK = "IMP032"
    IMP_CHAT_PREVIOUS = "IMP033"
    IMP_CHAT_PREVIOUS_EXISTS = "IMP034"
    IMP_CHAT_FIGURES = "IMP035"
    IMP_CHAT_OTHER_YEAR = "IMP036"
    IMP_CHAT_NO_REPORT = "IMP037"
    IMP_CHAT_AGENCY_FROM_FILE = "IMP150"
    CHAT_PASTE_DOUBLED = "IMP151"
    IMP_CHAT_FIGURES_REFUSED = "IMP038"
    IMP_CHAT_UNREADABLE = "IMP039"
    # what no report is: refused before or while it is read (bot/importing/files.py, worker.py)
    IMP_UNZIPPED_TOO_LARGE = "IMP040"
    IMP_ZIP_RATIO = "IMP041"
    IMP_TOO_COMPLEX = "IMP042"
    IMP_READ_TIMEOUT = "IMP043"
    IMP_READ_MEMORY = "IMP044"
    IMP_READ_FAILED = "IMP045"
    # PDF (bot/importing/pdf.py)
    IMP_PDF_SCANNED = "IMP046"
    IMP_PDF_GARBLED = "IMP047"
    IMP_PDF_TOO_MANY_PAGES = "IMP048"
    IMP_PDF_SCANNED_PAGES = "IMP049"
    IMP_PDF_DOUBLED = "IMP050"
    IMP_CHAT_ASK_YEAR = "IMP051"
    IMP_PDF_GARBLED_PAGES = "IMP052"
    IMP_WRAPPED = "IMP053"


MESSAGES_DIR = PROMPTS_DIR / "messages"


class Catalogue:
    """Chinese texts by code, validated against :class:`Code`."""

    def __init__(self, texts: dict[Code, str], params: dict[Code, tuple[str, ...]]) -> None:
        self._texts = texts
        self._params = params

    @classmethod
    def load(cls, directory: Path = MESSAGES_DIR) -> Catalogue:
        """Load every ``*.yaml`` of ``directory``; raise PromptError on any mismatch."""
        texts: dict[Code, str] = {}
        params: dict[Code, tuple[str, ...]] = {}
        by_value = {code.value: code for code in Code}
        for path in sorted(directory.glob("*.yaml")):
            root = Node(path, load_yaml(path))
            for key, entry in root.pairs():
                if key not in by_value:
                    raise entry.error(f"unknown message code '{key}'")
                code = by_value[key]
                if code in texts:
                    raise entry.error(f"message code '{key}' is defined twice")
                entry.mapping(allowed=["name", "text", "params"])
                entry.get("name").text()
                text = entry.get("text").text()
                declared = tuple(entry.get("params", required=False, default=[]).texts())
                used = {f for _, f, _, _ in string.Formatter().parse(text) if f}
                if used != set(declared):
                    raise entry.get("text").error(
                        f"placeholders {sorted(used)} differ from params {sorted(declared)}"
                    )
                texts[code] = text.strip()
                params[code] = declared
        missing = [c.value for c in Code if c not in texts]
        if missing:
            raise Node(directory, None).error(f"no text for message code(s) {', '.join(missing)}")
        return cls(texts, params)

    def params(self, code: Code) -> tuple[str, ...]:
        """The parameter names the text of ``code`` expects."""
        return self._params[code]

    def format(self, code: Code, **params: object) -> str:
        """The Chinese text of ``code`` with its parameters filled in."""
        return self._texts[code].format(**{k: params[k] for k in self._params[code]})


@cache
def catalogue() -> Catalogue:
    """The shipped catalogue, loaded once."""
    return Catalogue.load()


def message(code: Code, **params: object) -> str:
    """Shortcut: the shipped Chinese text for ``code``."""
    return catalogue().format(code, **params)


class UserError(Exception):
    """An input an officer gave that cannot be accepted, with a code and its parameters."""

    def __init__(self, code: Code, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(f"{code.value}: {params}")

    def message(self) -> str:
        """The Chinese explanation shown to the officer."""
        return message(self.code, **self.params)
