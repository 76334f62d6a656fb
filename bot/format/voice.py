"""How the draft speaks of the agency: the subject of its sentences and its website.

An experienced drafter never writes a sentence without a subject and never calls a
department's own site the 政府门户网站. Both depend on the agency: a 局 says 我局, a
区人民政府 says 我区, a township's or a government's site is its 政府门户网站. The rules
are data (``prompts/voice.yaml``); :func:`voice` applies them to one agency.

Public API: :func:`voice`, :class:`Voice`, :func:`load_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml


@dataclass(frozen=True, slots=True)
class Voice:
    """How one agency speaks of itself in its report.

    Attributes:
        subject: how it names itself inside a sentence (我局, 我区, 本机关).
        government: a government (人民政府, 街道办事处, a township), not a department.
        portal: the name of its website (政府门户网站 or 门户网站).
        agency: its full name.
    """

    subject: str
    government: bool
    portal: str
    agency: str = ""


@dataclass(frozen=True, slots=True)
class Rules:
    """The rules of ``prompts/voice.yaml``."""

    subjects: tuple[tuple[str, str], ...]
    default_subject: str
    government_suffixes: tuple[str, ...]
    government_levels: tuple[str, ...]
    portal_government: str
    portal_department: str


def load_rules(path: Path = PROMPTS_DIR / "voice.yaml") -> Rules:
    """Load and validate the voice rules."""
    root = Node(path, load_yaml(path))
    root.mapping(allowed=["subjects", "default_subject", "government", "portal"])
    subjects = []
    for item in root.get("subjects").items():
        item.mapping(allowed=["suffix", "subject"])
        subjects.append((item.get("suffix").text(), item.get("subject").text()))
    government = root.get("government")
    government.mapping(allowed=["suffixes", "levels"])
    portal = root.get("portal")
    portal.mapping(allowed=["government", "department"])
    return Rules(
        tuple(subjects),
        root.get("default_subject").text(),
        tuple(government.get("suffixes").texts()),
        tuple(government.get("levels").texts()),
        portal.get("government").text(),
        portal.get("department").text(),
    )


@cache
def rules() -> Rules:
    """The shipped rules, loaded once."""
    return load_rules()


def voice(agency: str, level: str | None = None, r: Rules | None = None) -> Voice:
    """How ``agency`` (at ``level``, a key of the report model's agency levels) speaks."""
    r = r or rules()
    name = agency.strip()
    subject = next((s for suffix, s in r.subjects if name.endswith(suffix)), r.default_subject)
    government = name.endswith(r.government_suffixes) or (level in r.government_levels)
    portal = r.portal_government if government else r.portal_department
    return Voice(subject, government, portal, name)
