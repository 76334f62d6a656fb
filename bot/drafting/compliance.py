"""Compliance of the composed draft with the format notice (国办公开办函〔2021〕30号).

Three rules, each ``(report, previous, model) -> list[Finding]`` like those of
:mod:`bot.checks.rules`:

* CHK016 (error): the draft carries all six parts under their official headings, in order.
* CHK015 (warning): last year's report named problems, and this year's part 五 says
  nothing of their rectification (no rectification answer, no text mentioning 整改 or
  上年/去年).
* CHK014 (warning): a paragraph copies a paragraph of last year's report, whatever part
  that was in (内容雷同, which 30号 makes a ground for accountability): similarity of at
  least :data:`SIMILARITY` on normalised text. Only paragraphs the officer wrote or
  answered count (composed from answers, imported text, overrides; not a confirmed
  standard sentence); the bot's own wording and table sentences are the same every year
  by design. Digits and white space are ignored, so changing the year or a figure does
  not hide a copy.

The style of the draft is checked by :func:`bot.checks.style.style_findings` on the same
paragraphs; the fee statement of part 六 by :func:`bot.checks.rules.fee_statement`.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from bot.checks.rules import by_part, check
from bot.checks.style import Passage, style_findings
from bot.drafting.compose import PROSE_PARTS, Document
from bot.drafting.prose import document, with_narrative
from bot.drafting.prose_facts import answers, standards
from bot.format.catalogue import Code
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel, model
from bot.format.paragraphs import by_id
from bot.format.report import Report
from bot.format.voice import voice

SIMILARITY = 0.8
MIN_CHARS = 20  # shorter parts ("无。") are alike by nature
MAX_CHARS = 20_000  # bound the quadratic comparison
RECTIFICATION_WORDS = ("整改", "上年", "去年")
PROBLEMS_SHOWN = 60
QUOTE = 30
OFFICER_SOURCES = ("answers", "narrative", "override")
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


def passages(doc: Document) -> list[Passage]:
    """The body paragraphs of the prose parts (and the opening), each named by its part
    and the sub-heading it sits under, for the style check and the 雷同 check."""
    opening = by_id(doc.opening.id)
    named = opening.names[0] if opening else doc.opening.id
    out = [Passage(doc.opening.id, "", named, doc.opening.text)]
    for section in doc.sections:
        if section.key not in PROSE_PARTS:
            continue
        heading = ""
        for p in section.paragraphs():
            if p.level:
                heading = p.text
                continue
            out.append(Passage(p.id, section.key, section.title + heading, p.text, heading))
    return out


def _officer_paragraphs(report: Report, doc: Document) -> list[tuple[Passage, str]]:
    """This year's paragraphs the officer wrote or answered (not the bot's fixed wording,
    not a standard sentence), each with its text normalised for comparison."""
    standard = set(standards(voice(report.agency, report.agency_level)).values())
    sources = {p.id: p for p in doc.paragraphs()}
    out = []
    for passage in passages(doc):
        p = sources.get(passage.id)
        if p is None or p.source not in OFFICER_SOURCES or p.gap or p.text in standard:
            continue
        out.append((passage, _IGNORED.sub("", p.text)[:MAX_CHARS]))
    return out


def similarity(a: str, b: str) -> float:
    """SequenceMatcher ratio of two normalised texts (cheap bounds first)."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILARITY or matcher.quick_ratio() < SIMILARITY:
        return matcher.quick_ratio()
    return matcher.ratio()


def similar_prose(report: Report, doc: Document, before: Document) -> list[Finding]:
    """CHK014 for every paragraph that copies a paragraph of last year's report, whatever
    part that was in."""
    then = [(p, _IGNORED.sub("", p.text)[:MAX_CHARS]) for p in passages(before)]
    then = [(p, t) for p, t in then if len(t) >= MIN_CHARS]
    findings = []
    for now, text in _officer_paragraphs(report, doc):
        if len(text) < MIN_CHARS:
            continue
        best = max(((similarity(text, t), p) for p, t in then), default=None, key=lambda x: x[0])
        if best is None or best[0] < SIMILARITY:
            continue
        findings.append(
            Finding(
                "compliance.similar_prose",
                Code.CHK_SIMILAR_PROSE,
                Severity.WARNING,
                now.part,
                f"paragraph.{now.id}",
                {
                    "part": now.where,
                    "then": best[1].where or best[1].id,
                    "similarity": int(best[0] * 100),
                    "quote": now.text[:QUOTE],
                },
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
    report: Report,
    previous: Report | None,
    m: ReportModel,
    *,
    submitting: bool = False,
    doc: Document | None = None,
) -> list[Finding]:
    """The compliance and style findings of the draft composed from ``report``
    (CHK014–CHK016, STY001–STY008); ``doc``: that draft, when the caller has it already."""
    doc = document(report, m) if doc is None else doc
    findings = heading_findings(doc, m)
    subject = voice(report.agency, report.agency_level).subject
    findings += style_findings(passages(doc), subject, submitting=submitting)
    if previous is not None:
        findings += rectification(report, doc, previous)
        findings += similar_prose(report, doc, document(previous, m))
    return findings


def check_draft(
    report: Report,
    previous: Report | None = None,
    m: ReportModel | None = None,
    *,
    submitting: bool = False,
) -> list[Finding]:
    """Every check: the rules of the format on the data, then the compliance and the
    style of the draft (a 【待填写】 gap is a style warning only when ``submitting``).

    The prose parts are checked as composed from the officer's answers (what the draft
    will say), so a report filled in the chat is complete without a narrative text.
    """
    m = m or model()
    doc = document(report, m)  # composed once for both (the costly part of the checks)
    findings = check(with_narrative(report, m, doc), previous, m)
    found = compliance_findings(report, previous, m, submitting=submitting, doc=doc)
    return by_part(findings + found, m)
