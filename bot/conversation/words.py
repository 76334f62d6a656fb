"""What an officer's words mean, whatever the question: the vocabulary of
``prompts/words.yaml`` (yes and no, 确认, 沿用, the export formats …) and the choices of a
question named by number, label, a word, or any part of one label alone.

Pure; the vocabulary is validated when first loaded.
"""

from __future__ import annotations

import re
from functools import cache

from bot.conversation.effects import EXPORT_FORMATS
from bot.conversation.flows import Choice
from bot.format.catalogue import Code, UserError
from bot.format.figures import split_values
from bot.format.model import ReportModel
from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml

WORD_LISTS = (
    "reuse",
    "confirm",
    "confirm_all",
    "none",
    "all_zero",
    "keep",
    "all_formats",
    "yes",
    "no",
    *(f"format_{f}" for f in EXPORT_FORMATS),
    "filing_required",
    "filing_not_required",
    "add_subordinates",
    "agency_list_heading",
    "level_target",
)
FIGURE_UNIT = re.compile(r"(\d)\s*[条篇件个则]")  # 160条 → 160
FIGURE_TOKENS = re.compile(r"\d+|[^\d\s、，,；;:：。]+")  # names and figures, apart
MIN_PART = 2  # characters of a part of a choice's label that names it
NUMBERING = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）])?\d*[.．、]?")


@cache
def words() -> dict[str, frozenset[str]]:
    """The vocabulary of ``prompts/words.yaml``, validated when first loaded."""
    path = PROMPTS_DIR / "words.yaml"
    root = Node(path, load_yaml(path))
    root.mapping(allowed=list(WORD_LISTS))
    return {name: frozenset(root.get(name).texts()) for name in WORD_LISTS}


def is_word(kind: str, text: str) -> bool:
    """Whether ``text`` is one of the words of list ``kind`` (one of :data:`WORD_LISTS`)."""
    return text.strip().lower().rstrip("。!！") in words()[kind]


def is_confirm(text: str) -> bool:
    """Whether ``text`` is a yes/confirm word."""
    return is_word("confirm", text)


def match_choices(
    step_choices: tuple[Choice, ...], text: str, *, many: bool, example: str
) -> list[str]:
    """Choice names for ``text``: numbers (1-based), labels, names, a word of
    ``prompts/words.yaml`` for 是/否 (有, 没有 …), or any part of one label alone; with
    ``many``, several of these separated by spaces, 、，, or ;."""
    text = text.strip().rstrip("。!！")
    whole = _choice(step_choices, text)
    values = [text] if whole is not None or not many else split_values(text)
    names = []
    for value in values:
        found = _choice(step_choices, value.strip())
        if found is None:
            raise bad_choice(step_choices, value, example)
        if found not in names:
            names.append(found)
    return names


def choices_with_figures(
    step_choices: tuple[Choice, ...], text: str, *, example: str
) -> list[tuple[str, int | None]] | None:
    """Choices each named with a figure after it (门户网站 150 政务微信公众号 67, or
    门户网站发布160条、微信公众号70条): (name, figure or None) in the order given. None when
    ``text`` is not of that form (no figure, or a figure before any name); a name that
    matches no choice is refused as at the question."""
    text = FIGURE_UNIT.sub(r"\1 ", text.strip().rstrip("。!！"))
    tokens = FIGURE_TOKENS.findall(text)
    if not any(t.isdecimal() for t in tokens) or tokens[0].isdecimal():
        return None
    found: list[tuple[str, int | None]] = []
    for token in tokens:
        if token.isdecimal():
            if found[-1][1] is not None:
                return None  # two figures for one name
            found[-1] = (found[-1][0], int(token))
            continue
        name = _choice(step_choices, token)
        if name is None:
            raise bad_choice(step_choices, token, example)
        if all(n != name for n, _ in found):  # （APP、小程序） names one choice twice
            found.append((name, None))
    return found


def bad_choice(step_choices: tuple[Choice, ...], value: str, example: str) -> UserError:
    """The refusal of ``value``, naming the choices that would be accepted."""
    options = "；".join(f"{i}. {c.label or c.name}" for i, c in enumerate(step_choices, 1))
    return UserError(Code.CHAT_BAD_CHOICE, value=value.strip(), options=options, example=example)


def _choice(step_choices: tuple[Choice, ...], value: str) -> str | None:
    """The one choice ``value`` names, or None."""
    if not value:
        return None
    if value.isdecimal() and 1 <= int(value) <= len(step_choices):
        return step_choices[int(value) - 1].name  # a number no place is a part (2022年)
    folded = value.lower()
    for choice in step_choices:
        if folded in (choice.name.lower(), choice.label.lower()):
            return choice.name
    names = {c.name for c in step_choices}
    for answer in ("yes", "no"):
        if answer in names and folded in words()[answer]:
            return answer
    if len(value) < MIN_PART:
        return None
    parts = [c for c in step_choices if value in c.label or _core(c.label) in value]
    if len(parts) > 1:  # 设区的市 names 设区的市、自治州, not 县级（…不设区的市…）
        parts = [c for c in parts if c.label.startswith(value)] or parts
    return parts[0].name if len(parts) == 1 else None


def _core(label: str) -> str:
    """A label without its numbering (（四）1.本机关不掌握 → 本机关不掌握), which the
    official wording of the row contains."""
    core = NUMBERING.sub("", label)
    return core if len(core) >= MIN_PART else label


def disposition_choices(m: ReportModel) -> tuple[Choice, ...]:
    """The 21 disposition rows of table 三 as choices."""
    return tuple(Choice(r.key, r.ref.removeprefix("三、")) for r in m.applications.dispositions)
