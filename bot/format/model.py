"""The national report format as typed data, loaded from ``prompts/report.yaml``.

This module knows the parts of the report, every cell of tables 二, 三 and 四 with its
official label, unit and counting hint, and how a cell is named in a message
(``三、（七）总计·自然人``). It validates the YAML when loaded: a typo stops start-up with
the file, the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml, unique

FORMAT_ID = "gov-info-disclosure-annual-report/2021"
PART_KINDS = ("prose", "table")
SEPARATOR = "·"


@dataclass(frozen=True, slots=True)
class Part:
    """One of the six parts of the report."""

    key: str
    number: str
    heading: str
    kind: str
    unit: str = ""

    @property
    def title(self) -> str:
        """The official heading with its number, e.g. ``三、收到和处理政府信息公开申请情况``."""
        return f"{self.number}、{self.heading}"


@dataclass(frozen=True, slots=True)
class AgencyLevel:
    """An administrative level, whether agencies at it may make 规章, and the count above
    which a figure of its tables is implausible enough to confirm (``large_count``)."""

    key: str
    label: str
    may_make_rules: bool
    large_count: int


@dataclass(frozen=True, slots=True)
class Cell:
    """One figure of table 二, addressed by a dotted path (``rules.issued``, ``licensing``)."""

    path: str
    row_label: str
    column_label: str
    unit: str
    hint: str
    money: bool

    @property
    def ref(self) -> str:
        """How the cell is named in messages."""
        return f"二、{self.row_label}{SEPARATOR}{self.column_label}"


@dataclass(frozen=True, slots=True)
class ActiveGroup:
    """A block of table 二 under one 第二十条 article."""

    article: str
    header: tuple[str, ...]
    row_labels: tuple[str, ...]
    cells: tuple[Cell, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """A column of table 三 or 四."""

    key: str
    label: str
    computed: bool = False
    legal_person: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A row of table 三 or 四."""

    key: str
    label: str
    ref: str
    hint: str
    group: str = ""
    disposition: bool = False
    computed: bool = False


@dataclass(frozen=True, slots=True)
class Grid:
    """Table 三 or 四: rows × columns of counts, the last column being the row total."""

    part: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]

    def row(self, key: str) -> Row:
        """The row named ``key``."""
        for row in self.rows:
            if row.key == key:
                return row
        raise KeyError(key)

    def cell_ref(self, row_key: str, col: int) -> str:
        """How a cell is named in messages, e.g. ``三、（七）总计·自然人``."""
        return f"{self.row(row_key).ref}{SEPARATOR}{self.columns[col].label}"

    @property
    def width(self) -> int:
        """Number of columns, the total included."""
        return len(self.columns)

    @property
    def input_columns(self) -> tuple[Column, ...]:
        """The columns an officer types (all but the computed total)."""
        return tuple(c for c in self.columns if not c.computed)


@dataclass(frozen=True, slots=True)
class ApplicationsTable(Grid):
    """Table 三 with its header texts."""

    note: str = ""
    applicant_header: str = ""
    legal_person_header: str = ""
    results_header: str = ""

    disposition_rows: tuple[Row, ...] = field(init=False, default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "disposition_rows", tuple(r for r in self.rows if r.disposition))

    @property
    def dispositions(self) -> tuple[Row, ...]:
        """The 21 disposition rows summed by （七）总计 (worked out once: asked every turn)."""
        return self.disposition_rows


@dataclass(frozen=True, slots=True)
class ReportModel:
    """The whole format: parts, agency levels and the three tables."""

    format: str
    parts: tuple[Part, ...]
    levels: tuple[AgencyLevel, ...]
    active: tuple[ActiveGroup, ...]
    applications: ApplicationsTable
    review_litigation: Grid

    def part(self, key: str) -> Part:
        """The part named ``key``."""
        for part in self.parts:
            if part.key == key:
                return part
        raise KeyError(key)

    def level(self, key: str) -> AgencyLevel:
        """The agency level named ``key``."""
        for level in self.levels:
            if level.key == key:
                return level
        raise KeyError(key)

    @property
    def active_cells(self) -> tuple[Cell, ...]:
        """Every cell of table 二, in the official order."""
        return tuple(cell for group in self.active for cell in group.cells)


def _active_group(node: Node) -> ActiveGroup:
    node.mapping(allowed=["article", "header", "rows"])
    header = tuple(node.get("header").texts())
    cells: list[Cell] = []
    labels: list[str] = []
    rows = node.get("rows").items()
    unique([(r.get("key").text(), r) for r in rows])
    for row in rows:
        row.mapping(allowed=["key", "label", "hint", "unit", "money", "cells"])
        key, label = row.get("key").text(), row.get("label").text()
        labels.append(label)
        sub = row.get("cells", required=False)
        if sub.value is None:
            if len(header) != 2:
                raise row.error("a row without cells needs a header of exactly two labels")
            cells.append(
                Cell(
                    key,
                    label,
                    header[1],
                    row.get("unit").text(),
                    row.get("hint").text(),
                    row.get("money", required=False).flag(),
                )
            )
            continue
        subs = sub.items()
        if len(subs) != len(header) - 1:
            raise sub.error(f"expected {len(header) - 1} cells to match the header")
        for item in subs:
            item.mapping(allowed=["key", "label", "unit", "hint", "money"])
            cells.append(
                Cell(
                    f"{key}.{item.get('key').text()}",
                    label,
                    item.get("label").text(),
                    item.get("unit").text(),
                    item.get("hint").text(),
                    item.get("money", required=False).flag(),
                )
            )
    return ActiveGroup(node.get("article").text(), header, tuple(labels), tuple(cells))


def _columns(node: Node) -> tuple[Column, ...]:
    items = node.items()
    unique([(c.get("key").text(), c) for c in items])
    columns = []
    for item in items:
        item.mapping(allowed=["key", "label", "computed", "legal_person"])
        columns.append(
            Column(
                item.get("key").text(),
                item.get("label").text(),
                item.get("computed", required=False).flag(),
                item.get("legal_person", required=False).flag(),
            )
        )
    if not columns[-1].computed or any(c.computed for c in columns[:-1]):
        raise node.error("the last column, and only it, must be the computed total")
    return tuple(columns)


def _rows(node: Node) -> tuple[Row, ...]:
    items = node.items()
    unique([(r.get("key").text(), r) for r in items])
    rows = []
    for item in items:
        item.mapping(allowed=["key", "label", "ref", "hint", "group", "disposition", "computed"])
        rows.append(
            Row(
                item.get("key").text(),
                item.get("label").text(),
                item.get("ref").text(),
                item.get("hint").text(),
                item.get("group", required=False).opt_text(),
                item.get("disposition", required=False).flag(),
                item.get("computed", required=False).flag(),
            )
        )
    return tuple(rows)


def parse_model(root: Node) -> ReportModel:
    """Build the model from loaded YAML, raising PromptError on the first problem."""
    root.mapping(
        allowed=[
            "format",
            "parts",
            "agency_levels",
            "active",
            "applications",
            "results_header",
            "review_litigation",
        ]
    )
    fmt = root.get("format").text()
    if fmt != FORMAT_ID:
        raise root.get("format").error(f"expected '{FORMAT_ID}'")
    parts = []
    for item in root.get("parts").items():
        item.mapping(allowed=["key", "number", "heading", "kind", "unit"])
        kind = item.get("kind").text()
        if kind not in PART_KINDS:
            raise item.get("kind").error(f"expected one of {', '.join(PART_KINDS)}")
        parts.append(
            Part(
                item.get("key").text(),
                item.get("number").text(),
                item.get("heading").text(),
                kind,
                item.get("unit").text(),
            )
        )
    if len(parts) != 6:
        raise root.get("parts").error("the report has exactly six parts")
    levels = []
    for item in root.get("agency_levels").items():
        item.mapping(allowed=["key", "label", "may_make_rules", "large_count"])
        large = item.get("large_count")
        if not isinstance(large.value, int) or isinstance(large.value, bool) or large.value < 1:
            raise large.error("a positive whole number")
        levels.append(
            AgencyLevel(
                item.get("key").text(),
                item.get("label").text(),
                item.get("may_make_rules").flag(),
                large.value,
            )
        )
    active = root.get("active")
    active.mapping(allowed=["groups"])
    groups = tuple(_active_group(g) for g in active.get("groups").items())
    apps = root.get("applications")
    apps.mapping(allowed=["note", "applicant_header", "legal_person_header", "columns", "rows"])
    app_table = ApplicationsTable(
        "applications",
        _rows(apps.get("rows")),
        _columns(apps.get("columns")),
        note=apps.get("note").text(),
        applicant_header=apps.get("applicant_header").text(),
        legal_person_header=apps.get("legal_person_header").text(),
        results_header=root.get("results_header").text(),
    )
    rl = root.get("review_litigation")
    rl.mapping(allowed=["columns", "rows"])
    review = Grid("review_litigation", _rows(rl.get("rows")), _columns(rl.get("columns")))
    return ReportModel(fmt, tuple(parts), tuple(levels), groups, app_table, review)


def load_model(path: Path = PROMPTS_DIR / "report.yaml") -> ReportModel:
    """Load and validate the report model from ``path``."""
    return parse_model(Node(path, load_yaml(path)))


@cache
def model() -> ReportModel:
    """The shipped report model, loaded once."""
    return load_model()
