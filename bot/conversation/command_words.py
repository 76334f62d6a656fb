"""Commands at every prompt (帮助 /help, 修改 /edit …) and what their targets mean.

The words and descriptions live in ``prompts/commands.yaml``. A Chinese command word
is recognised when it is the whole message, or when it is followed by a space and a
target (so that prose such as “修改完善了制度” is never taken for a command).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.conversation.flows import Flow
from bot.conversation.journey import ROW_STEP
from bot.conversation.session import Change
from bot.format.model import ReportModel
from bot.format.report import Report
from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml

BRACKETS = str.maketrans("()（）", "（）（）")


@dataclass(frozen=True, slots=True)
class CommandSpec:
    """One command: its name (the slash command), words, description; whether it needs a
    target (转到 三) or may take one (导出, 导出 docx)."""

    name: str
    words: tuple[str, ...]
    description: str
    needs_argument: bool = False
    example: str = ""
    takes_argument: bool = False


@dataclass(frozen=True, slots=True)
class Command:
    """A command the user gave, with its argument."""

    name: str
    argument: str = ""


def load_commands(path: Path = PROMPTS_DIR / "commands.yaml") -> tuple[CommandSpec, ...]:
    """Load and validate the command list."""
    root = Node(path, load_yaml(path))
    specs = []
    for name, node in root.pairs():
        node.mapping(
            allowed=["words", "description", "needs_argument", "example", "takes_argument"]
        )
        specs.append(
            CommandSpec(
                name,
                tuple(node.get("words").texts()),
                node.get("description").text(),
                node.get("needs_argument", required=False).flag(),
                node.get("example", required=False).opt_text(),
                node.get("takes_argument", required=False).flag(),
            )
        )
    return tuple(specs)


@cache
def commands() -> tuple[CommandSpec, ...]:
    """The shipped commands."""
    return load_commands()


def spec(name: str) -> CommandSpec:
    """The command named ``name``."""
    return next(c for c in commands() if c.name == name)


def parse_command(text: str, step_type: str = "") -> Command | None:
    """The command in ``text``, or None when it is an answer."""
    text = text.strip()
    if re.match(r"/[A-Za-z]", text):  # a lone "/" is a (refused) figure, not a command
        head, _, rest = text[1:].partition(" ")
        head = head.split("@")[0].lower()
        known = {c.name for c in commands()}
        if head not in known:
            return Command("unknown", text)
        return Command(head, rest.strip())
    for command in commands():
        for word in command.words:
            if text == word:
                return Command(command.name)
            takes = command.needs_argument or command.takes_argument
            if takes and text.startswith(word):
                rest = text[len(word) :]
                if rest[:1] in (" ", "\u3000") or (rest and step_type not in ("text", "list")):
                    return Command(command.name, rest.strip())
    return None


def normalise(text: str) -> str:
    """Comparable form of a label: full-width brackets, no spaces or 、."""
    return re.sub(r"[\s、.．·]", "", text.translate(BRACKETS))


def resolve_part(target: str, m: ReportModel) -> str | None:
    """The part ``target`` names: 三, 3, 第三部分, 表三, or words of its heading."""
    value = normalise(target).removeprefix("第").removesuffix("部分").removeprefix("表")
    for i, part in enumerate(m.parts):
        if value in (part.number, str(i + 1), part.key) or (
            len(value) >= 2 and value in normalise(part.heading)
        ):
            return part.key
    return None


def resolve_edit(
    target: str, flow: Flow, report: Report, m: ReportModel
) -> tuple[str, list[Change]] | None:
    """The step that edits ``target`` (a cell, row or question) and changes it implies."""
    value = normalise(target.split("·")[0])
    if not value:
        return None
    if flow.has(target.strip()):
        return target.strip(), []
    app_rows = {
        "new": "t3_new",
        "carried_over": "t3_carried_over",
        "total": "t3_carry_forward",
        "carry_forward": "t3_carry_forward",
    }
    for row in m.applications.rows:
        label = normalise(row.label)
        if (
            value in (row.key, normalise(row.ref), label)
            or (len(value) >= 3 and value in normalise(row.ref))
            or (len(label) >= 4 and label in value)
        ):
            if row.key in app_rows:
                return app_rows[row.key], []
            chosen = list(report.answers.get("t3_rows") or [])
            changes = []
            if row.key not in chosen:
                order = [r.key for r in m.applications.dispositions]
                chosen = sorted([*chosen, row.key], key=order.index)
                changes = [
                    Change("answers", "t3_rows", chosen),
                    Change("applications", row.key, None),
                ]
            return ROW_STEP + row.key, changes
    for row in m.review_litigation.rows:
        if value in (row.key, normalise(row.ref), normalise(row.label)):
            return f"t4_{row.key}", [Change("answers", "t4_any", "yes")]
    for step in flow.steps:
        if step.type == "cells":
            cells = [c for c in m.active_cells if c.path in step.cells]
            if any(value in (normalise(c.ref), normalise(c.row_label), c.path) for c in cells):
                return step.name, []
    for step in flow.steps:
        if len(value) >= 2 and value in normalise(step.label):
            return step.name, []
    return None
