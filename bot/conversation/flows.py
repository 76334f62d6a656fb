"""The guided conversation as data: ``prompts/narrative.yaml`` and ``prompts/tables.yaml``.

Like an XLSForm, every question has ``name``, ``type``, ``label``, ``hint``, ``example``,
``required``, ``relevant``, ``constraint`` (with ``constraint_message``) and, for select
types, a ``choices`` list. :func:`load_flow` validates everything up front (unique names,
known types, defined choice lists, resolvable expressions, existing cells and rows) and
raises :class:`~bot.format.yaml_loading.PromptError` naming the file, the key and the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.conversation.expressions import Expression, ExpressionError, parse
from bot.conversation.session import Step as BuiltIn
from bot.format.model import ReportModel, model
from bot.format.yaml_loading import PROMPTS_DIR, Node, PromptError, load_yaml

NARRATIVE_TYPES = (
    "text",
    "list",
    "integer",
    "decimal",
    "select_one",
    "select_multiple",
    "counts",
)
TABLE_TYPES = ("cells", "row", "row4", "zero_table", "select_rows", "carry_forward", "select_one")
# derived variables an expression may use (computed by the engine from the report)
VARIABLES = frozenset({"may_make_rules", "apps_received", "has_previous"})
PART_ORDER = (
    "overview",
    "active",
    "applications",
    "review_litigation",
    "problems",
    "other_matters",
)

BUILT_IN = frozenset(s.value for s in BuiltIn)


@dataclass(frozen=True, slots=True)
class Choice:
    """One option of a select question: ``name`` is stored, ``label`` is shown."""

    name: str
    label: str
    mentions: tuple[str, ...] = ()  # words that name it in a report's text (微信 …)


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the conversation."""

    name: str
    part: str
    type: str
    label: str
    hint: str
    example: str
    required: bool = True
    relevant: Expression | None = None
    constraint: Expression | None = None
    constraint_message: str = ""
    choices: tuple[Choice, ...] = ()
    cells: tuple[str, ...] = ()
    row: str = ""
    standard: str = ""  # a standard sentence the officer may confirm ({subject}: 我局 …)
    of: str = ""  # counts: the select_multiple question whose choices are counted
    counted: tuple[str, ...] = ()  # counts: the choices that have a figure
    default: str = ""  # select_one: the choice most agencies give (taken with 全部确认)
    short: str = ""  # what the question is about, in a few words (收取信息处理费)

    @property
    def is_select(self) -> bool:
        """True for questions answered by choosing."""
        return self.type in ("select_one", "select_multiple")


@dataclass(frozen=True, slots=True)
class Flow:
    """Every step in journey order, grouped by part."""

    steps: tuple[Step, ...]

    def step(self, name: str) -> Step:
        """The step named ``name``."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def has(self, name: str) -> bool:
        """Whether a step of that name exists."""
        return any(step.name == name for step in self.steps)

    def counts_of(self, name: str) -> Step | None:
        """The ``counts`` question that gives a figure to choices of question ``name``."""
        return next((s for s in self.steps if s.type == "counts" and s.of == name), None)

    def part_steps(self, part: str) -> tuple[Step, ...]:
        """The steps of one part, in order."""
        return tuple(step for step in self.steps if step.part == part)


def _choices(root: Node) -> dict[str, tuple[Choice, ...]]:
    lists: dict[str, tuple[Choice, ...]] = {}
    for name, node in root.get("choices", required=False, default={}).pairs():
        items = []
        for item in node.items():
            item.mapping(allowed=["name", "label", "mentions"])
            mentions = tuple(item.get("mentions", required=False, default=[]).texts())
            items.append(Choice(item.get("name").text(), item.get("label").text(), mentions))
        if not items:
            raise node.error("a choice list needs at least one choice")
        lists[name] = tuple(items)
    return lists


def _expression(node: Node) -> Expression | None:
    if node.value is None:
        return None
    try:
        return parse(node.text())
    except ExpressionError as exc:
        raise node.error(f"invalid expression: {exc}") from exc


STEP_KEYS = [
    "name",
    "type",
    "label",
    "hint",
    "example",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "cells",
    "row",
    "standard",
    "of",
    "counted",
    "default",
    "short",
]


def _step(
    node: Node,
    part: str,
    types: tuple[str, ...],
    lists: dict[str, tuple[Choice, ...]],
    m: ReportModel,
) -> Step:
    node.mapping(allowed=STEP_KEYS)
    type_text = node.get("type").text().split()
    kind = type_text[0]
    if kind not in types:
        raise node.get("type").error(f"unknown type '{kind}'; allowed: {', '.join(types)}")
    choices: tuple[Choice, ...] = ()
    if kind in ("select_one", "select_multiple", "counts"):
        if len(type_text) != 2 or type_text[1] not in lists:
            raise node.get("type").error(
                f"'{kind}' needs a defined choice list, e.g. "
                f"'{kind} yes_no'; defined: {', '.join(lists)}"
            )
        choices = lists[type_text[1]]
    cells = tuple(node.get("cells", required=False, default=[]).texts())
    known = {c.path for c in m.active_cells}
    for cell in cells:
        if cell not in known:
            raise node.get("cells").error(f"unknown cell '{cell}'")
    if kind == "cells" and not cells:
        raise node.error("a 'cells' step needs a list of cells")
    counted = tuple(node.get("counted", required=False, default=[]).texts())
    of = node.get("of", required=False).opt_text()
    if kind == "counts" and (not of or not counted):
        raise node.error("a 'counts' step needs 'of' (a select_multiple question) and 'counted'")
    unknown = [c for c in counted if c not in {ch.name for ch in choices}]
    if unknown:
        raise node.get("counted").error(f"unknown choice '{unknown[0]}'")
    row = node.get("row", required=False).opt_text()
    if kind in ("row", "row4"):
        grid = m.applications if kind == "row" else m.review_litigation
        if row not in {r.key for r in grid.rows}:
            raise node.get("row").error(f"unknown row '{row}' of {grid.part}")
    example = node.get("example").value
    if not isinstance(example, str | int):
        raise node.get("example").error("expected an example answer")
    default = node.get("default", required=False).opt_text()
    names = [c.name for c in choices]
    if default and (kind != "select_one" or default not in names):
        raise node.get("default").error(
            f"a default is one of a select_one question's choices: {', '.join(names)}"
        )
    required = node.get("required", required=False, default=True).value
    if not isinstance(required, bool):
        raise node.get("required").error("expected true or false")
    return Step(
        name=node.get("name").text(),
        part=part,
        type=kind,
        label=node.get("label").text(),
        hint=node.get("hint").text(),
        example=str(example),
        required=required,
        relevant=_expression(node.get("relevant", required=False)),
        constraint=_expression(node.get("constraint", required=False)),
        constraint_message=node.get("constraint_message", required=False).opt_text(),
        choices=choices,
        cells=cells,
        row=row,
        standard=node.get("standard", required=False).opt_text(),
        of=of,
        counted=counted,
        default=default,
        short=node.get("short", required=False).opt_text(),
    )


def _load_steps(
    path: Path,
    key: str,
    types: tuple[str, ...],
    lists: dict[str, tuple[Choice, ...]],
    m: ReportModel,
) -> tuple[dict[str, list[Step]], dict[str, Node]]:
    root = Node(path, load_yaml(path))
    root.mapping(allowed=["choices", key])
    by_part: dict[str, list[Step]] = {}
    nodes: dict[str, Node] = {}
    for part, node in root.get(key).pairs():
        if part not in PART_ORDER:
            raise node.error(f"unknown part '{part}'; parts: {', '.join(PART_ORDER)}")
        for item in node.items():
            step = _step(item, part, types, lists, m)
            if step.name in nodes:
                raise item.get("name").error(f"duplicate name '{step.name}'")
            if step.name in BUILT_IN:  # the session could not tell the two apart
                raise item.get("name").error(f"'{step.name}' is the name of a built-in step")
            nodes[step.name] = item
            by_part.setdefault(part, []).append(step)
    return by_part, nodes


def load_flow(directory: Path = PROMPTS_DIR, m: ReportModel | None = None) -> Flow:
    """Load and validate the conversation from ``narrative.yaml`` and ``tables.yaml``."""
    m = m or model()
    narrative_path, tables_path = directory / "narrative.yaml", directory / "tables.yaml"
    narrative_root = Node(narrative_path, load_yaml(narrative_path))
    lists = _choices(narrative_root)
    prose, prose_nodes = _load_steps(narrative_path, "parts", NARRATIVE_TYPES, lists, m)
    tables, table_nodes = _load_steps(tables_path, "steps", TABLE_TYPES, lists, m)
    nodes = {**prose_nodes}
    for name, node in table_nodes.items():
        if name in nodes:
            raise node.get("name").error(f"name '{name}' is also used in {narrative_path.name}")
        nodes[name] = node
    steps = tuple(s for part in PART_ORDER for s in [*prose.get(part, []), *tables.get(part, [])])
    for step in steps:
        for attr in ("relevant", "constraint"):
            expr: Expression | None = getattr(step, attr)
            if expr is None:
                continue
            unknown = sorted(expr.answers - nodes.keys()) + sorted(expr.variables - VARIABLES)
            if unknown:
                raise nodes[step.name].get(attr).error(f"unknown name(s) {', '.join(unknown)}")
    if not steps:
        raise PromptError(directory, "", "the flow has no steps")
    return Flow(steps)


@cache
def flow() -> Flow:
    """The shipped flow, loaded once."""
    return load_flow()
