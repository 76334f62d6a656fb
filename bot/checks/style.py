"""The style of the draft: what an experienced 办公室 drafter would rewrite.

Every rule reads the paragraphs of the composed draft (:class:`Passage`, built by
:mod:`bot.drafting.compliance`) and returns coded warnings (STY001–STY008):

* STY001 numbering doubled (“一是一是”, a paragraph repeating its sub-heading);
* STY002 a “label：无” line;
* STY003 half-width punctuation between Chinese characters;
* STY004 a sentence without a subject (“2025年，将着重做好以下工作”);
* STY005 several sentences in a row opening with the same characters;
* STY006 针对 twice in one sentence;
* STY007 a 【待填写】 gap left in a draft being submitted;
* STY008 总体情况 longer than the limit (a setting).

The settings are data (``prompts/style.yaml``). Pure.

Public API: :func:`style_findings`, :class:`Passage`, :class:`Settings`, :func:`settings`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.format.catalogue import Code
from bot.format.findings import Finding, Severity
from bot.format.pasted import CIRCLED, NUMERALS, half_width_marks
from bot.format.yaml_loading import PROMPTS_DIR, Node, load_yaml

QUOTE = 30  # characters quoted around what was found
GAP = "【待填写"
_MARKER = (
    rf"(?:[{NUMERALS}]{{1,3}}是|[（(][0-9{NUMERALS}]{{1,3}}[)）]"
    rf"|[0-9]{{1,2}}[.、．](?![0-9])|[{CIRCLED}])"
)
_DOUBLED = re.compile(rf"({_MARKER})\s*(?:{_MARKER})")
_SUB_HEADING = re.compile(rf"^[（(][{NUMERALS}]{{1,2}}[)）]")
_LABEL_NONE = re.compile(
    r"(?:^|(?<=[。；;]))([^。；;：:]{2,40})[：:]\s*(?:无|没有|暂无)\s*(?:[。；;.]|$)"
)
_SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]?")
_NUMBERED = re.compile(rf"^\s*{_MARKER}")


@dataclass(frozen=True, slots=True)
class Passage:
    """One paragraph of the draft as the style check reads it.

    Attributes:
        id: the paragraph id (the finding's address).
        part: the report part it belongs to.
        where: how a message names it (一、总体情况（二）依申请公开).
        text: the text.
        heading: the sub-heading it sits under ('' when none).
    """

    id: str
    part: str
    where: str
    text: str
    heading: str = ""


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings of ``prompts/style.yaml``."""

    overview_max_chars: int
    same_opening_run: int
    opening_chars: int
    subjectless_openings: tuple[str, ...]
    time_leads: tuple[str, ...]


def load_settings(path: Path = PROMPTS_DIR / "style.yaml") -> Settings:
    """Load and validate the style settings."""
    root = Node(path, load_yaml(path))
    keys = ["overview_max_chars", "same_opening_run", "opening_chars"]
    root.mapping(allowed=[*keys, "subjectless_openings", "time_leads"])
    numbers = []
    for key in keys:
        value = root.get(key).value
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise root.get(key).error("expected a whole number of at least 1")
        numbers.append(value)
    return Settings(
        numbers[0],
        numbers[1],
        numbers[2],
        tuple(root.get("subjectless_openings").texts()),
        tuple(root.get("time_leads").texts()),
    )


@cache
def settings() -> Settings:
    """The shipped settings, loaded once."""
    return load_settings()


def _quote(text: str, start: int, end: int) -> str:
    left = max(0, start - QUOTE // 3)
    return text[left : min(len(text), end + QUOTE)]


def _finding(code: Code, p: Passage, rule: str, n: int = 0, **params: object) -> Finding:
    cell = f"style.{p.id}" + (f"#{n}" if n else "")
    params = {"where": p.where, **params}
    return Finding(f"style.{rule}", code, Severity.WARNING, p.part, cell, params)


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` (ending in 。！？), stripped."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def _numbering(p: Passage) -> list[Finding]:
    match = _DOUBLED.search(p.text)
    if match:
        quote = _quote(p.text, match.start(), match.end())
        return [_finding(Code.STY_DOUBLED_NUMBERING, p, "doubled_numbering", quote=quote)]
    head = p.heading.split("）", 1)[-1]  # the sub-heading's words: 主动公开
    if p.heading and (_SUB_HEADING.match(p.text) or (head and p.text.startswith(head))):
        quote = p.text[:QUOTE]
        return [_finding(Code.STY_DOUBLED_NUMBERING, p, "doubled_heading", quote=quote)]
    return []


def _label_none(p: Passage) -> list[Finding]:
    return [
        _finding(Code.STY_LABEL_NONE, p, "label_none", i, quote=m.group(0).strip("。；; "))
        for i, m in enumerate(_LABEL_NONE.finditer(p.text))
    ][:1]


def _half_width(p: Passage) -> list[Finding]:
    marks = half_width_marks(p.text)
    if not marks:
        return []
    quote = _quote(p.text, marks[0], marks[0] + 1)
    return [_finding(Code.STY_HALF_WIDTH, p, "half_width", quote=quote)]


def _subject(p: Passage, s: Settings, subject: str) -> list[Finding]:
    lead = re.compile(rf"^(?:[0-9]{{4}}年(?:度)?|{'|'.join(map(re.escape, s.time_leads))})[，,]?")
    for sentence in sentences(p.text):
        if _NUMBERED.match(sentence):  # a numbered item: its list's lead has the subject
            continue
        body = lead.sub("", sentence, count=1)
        if body.startswith(s.subjectless_openings):
            quote = sentence[:QUOTE]
            return [_finding(Code.STY_NO_SUBJECT, p, "no_subject", quote=quote, subject=subject)]
    return []


def _zhendui(p: Passage) -> list[Finding]:
    for sentence in sentences(p.text):
        if sentence.count("针对") >= 2:
            quote = sentence[: QUOTE * 2]
            return [_finding(Code.STY_DOUBLED_ZHENDUI, p, "doubled_zhendui", quote=quote)]
    return []


def _gaps(p: Passage) -> list[Finding]:
    at = p.text.find(GAP)
    if at < 0:
        return []
    end = p.text.find("】", at)
    return [_finding(Code.STY_GAP_LEFT, p, "gap_left", quote=p.text[at : end + 1])]


def _openings(passages: Sequence[Passage], s: Settings) -> list[Finding]:
    """STY005 for every run of sentences in a part opening alike (numbered items aside)."""
    findings: list[Finding] = []
    run: list[tuple[Passage, str]] = []
    part = ""

    def close() -> None:
        if len(run) >= s.same_opening_run:
            p = run[0][0]
            findings.append(
                _finding(
                    Code.STY_SAME_OPENING,
                    p,
                    "same_opening",
                    len(findings) + 1,
                    count=len(run),
                    opening=run[0][1],
                )
            )

    for p in passages:
        if p.part != part:
            close()
            run, part = [], p.part
        for sentence in sentences(p.text):
            if _NUMBERED.match(sentence):
                close()
                run = []
                continue
            opening = sentence[: s.opening_chars]
            if run and run[-1][1] != opening:
                close()
                run = []
            run.append((p, opening))
    close()
    return findings


def style_findings(
    passages: Sequence[Passage],
    subject: str,
    *,
    submitting: bool = False,
    s: Settings | None = None,
) -> list[Finding]:
    """Every style warning of the draft's paragraphs (``subject``: how the agency names
    itself, suggested where a sentence has none)."""
    s = s or settings()
    findings: list[Finding] = []
    for p in passages:
        findings += _numbering(p) + _label_none(p) + _half_width(p)
        findings += _subject(p, s, subject) + _zhendui(p)
        if submitting:
            findings += _gaps(p)
    findings += _openings(passages, s)
    overview = [p for p in passages if p.part == "overview"]
    length = sum(len(p.text) for p in overview)
    if length > s.overview_max_chars:
        findings.append(
            Finding(
                "style.overview_long",
                Code.STY_OVERVIEW_LONG,
                Severity.WARNING,
                "overview",
                "style.overview",
                {"length": length, "limit": s.overview_max_chars},
            )
        )
    return findings
