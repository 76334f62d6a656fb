"""Compliance of the composed draft with the format notice (国办公开办函〔2021〕30号).

Three rules, each ``(report, previous, model) -> list[Finding]`` like those of
:mod:`bot.checks.rules`:

* CHK016 (error): the draft carries all six parts under their official headings, in order.
* CHK015 (warning): last year's report named problems, and this year's part 五 says
  nothing of their rectification (no rectification answer, no text mentioning 整改 or
  上年/去年).
* CHK014 (warning): a prose part copies last year's (内容雷同, which 30号 makes a ground
  for accountability): similarity of at least :data:`SIMILARITY` on normalised text. Only
  prose the officer wrote counts (the text and list answers, imported text, overrides); the
  bot's own wording and table sentences are the same every year by design. Digits and
  white space are ignored, so changing the year or a figure does not hide a copy.

The fee statement of part 六 is checked by :func:`bot.checks.rules.fee_statement`.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.checks.rules import by_part, check
from bot.drafting.compose import PROSE_PARTS, Document
from bot.drafting.prose import document, with_narrative
from bot.drafting.prose_facts import answers, prose_steps
from bot.format.catalogue import Code
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel, model
from bot.format.report import Report

SIMILARITY = 0.8
MIN_CHARS = 20  # shorter parts ("无。") are alike by nature
MAX_CHARS = 20_000  # bound the quadratic comparison
RECTIFICATION_WORDS = ("整改", "上年", "去年")
PROBLEMS_SHOWN = 60
OFFICER_SOURCES = ("narrative", "override")
_IGNORED = re.compile(r"[\s0-9０-９]+")


def heading_findings(doc: Document, m: ReportModel) -> list[Finding]:
    """CHK016 for every official heading missing from ``doc`` or out of its place."""
    present = [s.title for s in doc.sections]
    findings = []
    position = 0
    for part in m.parts:
        try:
            position = present.index(part.title, position) + 1
        except ValueError:
            findings.append(
                Finding(
                    "compliance.heading",
                    Code.CHK_HEADING_MISSING,
                    Severity.ERROR,
                    part.key,
                    f"heading.{part.key}",
                    {"heading": part.title},
                )
            )
    return findings


def officer_text(report: Report, doc: Document, part: str) -> str:
    """What the officer wrote for a prose part, normalised for comparison."""
    values = answers(report)
    pieces = [
        p.text for p in doc.section(part).paragraphs() if p.source in OFFICER_SOURCES and not p.gap
    ]
    for step in prose_steps():
        value = values.get(step.name) if step.part == part else None
        if step.type in ("text", "list") and value:
            pieces += value if isinstance(value, list) else [value]
    return _IGNORED.sub("", "".join(pieces))[:MAX_CHARS]


def similarity(a: str, b: str) -> float:
    """SequenceMatcher ratio of two normalised texts (cheap bounds first)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return matcher.quick_ratio()
    return matcher.ratio()


def similar_prose(
    report: Report, doc: Document, previous: Report, before: Document
) -> list[Finding]:
    """CHK014 for every prose part that copies last year's."""
    findings = []
    for key in PROSE_PARTS:
        now, then = officer_text(report, doc, key), officer_text(previous, before, key)
        if min(len(now), len(then)) < MIN_CHARS:
            continue
        ratio = similarity(now, then)
        if ratio >= SIMILARITY:
            findings.append(
                Finding(
                    "compliance.similar_prose",
                    Code.CHK_SIMILAR_PROSE,
                    Severity.WARNING,
                    key,
                    f"narrative.{key}",
                    {"part": doc.section(key).title, "similarity": int(ratio * 100)},
                )
            )
    return findings


def last_year_problems(previous: Report) -> str:
    """What last year's report named as problems (its part 五, or its problems answer)."""
    text = previous.narrative.get("problems", "").strip()
    if text:
        return text
    return "；".join(answers(previous).get("problems") or [])


def rectification(report: Report, doc: Document, previous: Report) -> list[Finding]:
    """CHK015 when last year's problems are known and part 五 is silent on them."""
    problems = last_year_problems(previous)
    if not problems:
        return []
    if answers(report).get("last_year_rectification"):
        return []
    text = "".join(p.text for p in doc.section("problems").paragraphs() if not p.gap)
    if any(word in text for word in RECTIFICATION_WORDS):
        return []
    shown = " ".join(problems.split())
    if len(shown) > PROBLEMS_SHOWN:
        shown = shown[:PROBLEMS_SHOWN] + "…"
    return [
        Finding(
            "compliance.rectification",
            Code.CHK_RECTIFICATION_MISSING,
            Severity.WARNING,
            "problems",
            "narrative.problems",
            {"problems": shown},
        )
    ]


def compliance_findings(
    report: Report, previous: Report | None, m: ReportModel, doc: Document | None = None
) -> list[Finding]:
    """The compliance findings of the draft composed from ``report`` (CHK014–CHK016);
    ``doc``: that draft, when the caller has it already."""
    doc = document(report, m) if doc is None else doc
    findings = heading_findings(doc, m)
    if previous is not None:
        findings += rectification(report, doc, previous)
        findings += similar_prose(report, doc, previous, document(previous, m))
    return findings


def check_draft(
    report: Report, previous: Report | None = None, m: ReportModel | None = None
) -> list[Finding]:
    """Every check: the rules of the format on the data, then the compliance of the draft.

    The prose parts are checked as composed from the officer's answers (what the draft
    will say), so a report filled in the chat is complete without a narrative text.
    """
    m = m or model()
    doc = document(report, m)  # composed once for both (the costly part of the checks)
    findings = check(with_narrative(report, m, doc), previous, m)
    return by_part(findings + compliance_findings(report, previous, m, doc), m)
