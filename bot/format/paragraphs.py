"""The paragraphs of the prose parts as officers name them (``prompts/paragraphs.yaml``).

Used to find the paragraph a 修改 / 恢复 names, to recognise a heading at the start of a
pasted text, to split a pasted section at its sub-headings, and to know the lead-ins the
templates write themselves. Pure data; validated when loaded.

Public API: :func:`targets`, :func:`find`, :func:`by_id`, :class:`Target`, :class:`Vocabulary`,
:func:`vocabulary`, :func:`comparable`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml

BRACKETS = str.maketrans("()", "（）")


@dataclass(frozen=True, slots=True)
class Target:
    """One paragraph an officer can name.

    Attributes:
        id: the paragraph id of the composed draft (``overview.applications``).
        names: what the officer may type to name it.
        heading: heading words a pasted text may start with (stripped) or be split at.
        answer: the question a pasted sub-section answers ('' : it replaces the paragraph).
    """

    id: str
    names: tuple[str, ...]
    heading: tuple[str, ...] = ()
    answer: str = ""

    @property
    def part(self) -> str:
        """The report part of the paragraph (``overview``); '' for the opening."""
        return self.id.split(".")[0] if "." in self.id else ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Everything of ``prompts/paragraphs.yaml``."""

    targets: tuple[Target, ...]
    template_lead_ins: tuple[str, ...]
    own_lead_starts: tuple[str, ...]

    @property
    def headings(self) -> tuple[str, ...]:
        """Every heading word of every paragraph, longest first."""
        words = {w for t in self.targets for w in t.heading}
        return tuple(sorted(words, key=len, reverse=True))


def comparable(text: str) -> str:
    """A name as compared: brackets full-width, no spaces, 、 or trailing punctuation."""
    return re.sub(r"[\s、.．·：:。]", "", text.translate(BRACKETS))


def load_vocabulary(path: Path = PROMPTS_DIR / "paragraphs.yaml") -> Vocabulary:
    """Load and validate ``prompts/paragraphs.yaml``."""
    root = Node(path, load_yaml(path))
    root.mapping(allowed=["paragraphs", "template_lead_ins", "own_lead_starts"])
    targets = []
    seen: dict[str, str] = {}
    for pid, node in root.get("paragraphs").pairs():
        node.mapping(allowed=["names", "heading", "answer"])
        names = tuple(node.get("names").texts())
        for name in names:
            key = comparable(name)
            if key in seen:
                raise node.get("names").error(f"'{name}' already names {seen[key]}")
            seen[key] = pid
        heading = node.get("heading", required=False)
        targets.append(
            Target(
                pid,
                names,
                tuple(heading.texts()) if heading.value is not None else (),
                node.get("answer", required=False).opt_text(),
            )
        )
    return Vocabulary(
        tuple(targets),
        tuple(root.get("template_lead_ins").texts()),
        tuple(root.get("own_lead_starts").texts()),
    )


@cache
def vocabulary() -> Vocabulary:
    """The shipped vocabulary, loaded once."""
    return load_vocabulary()


def targets() -> tuple[Target, ...]:
    """Every paragraph an officer can name."""
    return vocabulary().targets


def by_id(pid: str, vocab: Vocabulary | None = None) -> Target | None:
    """The paragraph of id ``pid``, or None."""
    return next((t for t in (vocab or vocabulary()).targets if t.id == pid), None)


def find(name: str, vocab: Vocabulary | None = None) -> Target | None:
    """The paragraph ``name`` names exactly (after :func:`comparable`), or None."""
    key = comparable(name)
    if not key:
        return None
    for target in (vocab or vocabulary()).targets:
        if key in (comparable(n) for n in target.names):
            return target
    return None
