"""Prose against tables: figures the prose states that contradict tables 三 and 四.

Published reports often say "全年共收到申请12件" above a table that counts 11. This
module reads the figures the prose attributes to applications received, carried over,
handled, carried forward, single outcomes, reviews and lawsuits, and compares each with
the table. It is deliberately conservative: a number is attributed only to the nearest
keyword before it in the same clause, and clauses about 建议/提案 are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.format.catalogue import Code, UserError
from bot.format.figures import parse_count
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel
from bot.format.report import NARRATIVE_KEYS, Report

NUMBER = r"[0-9０-９]+|[零〇一二两三四五六七八九十百千万]+"
COUNTED = re.compile(rf"({NUMBER})\s*(?:件|起|宗|个)")
CLAUSE = re.compile(r"[^。；;！!\n]+")
SKIP = ("建议", "提案", "主动公开")


@dataclass(frozen=True, slots=True)
class Claim:
    """A kind of figure the prose can state, and where it lives in the tables."""

    keywords: tuple[str, ...]
    cells: tuple[tuple[str, str], ...]  # (part, row) whose total-column values are summed
    needs_application: bool = True  # the clause must speak of 申请
    alternatives: tuple[tuple[tuple[str, str], ...], ...] = ()


APPS, RL = "applications", "review_litigation"
WITHHELD = tuple(
    (APPS, k)
    for k in (
        "withheld_state_secret",
        "withheld_law_forbids",
        "withheld_three_safety",
        "withheld_third_party",
        "withheld_internal_affairs",
        "withheld_process_info",
        "withheld_enforcement_file",
        "withheld_admin_query",
    )
)


def _group(prefix: str, keys: str) -> tuple[tuple[str, str], ...]:
    return tuple((APPS, f"{prefix}{k}") for k in keys.split())


UNAVAILABLE = _group("unavailable_", "not_held needs_creation unclear")
NOT_PROCESSED = _group("not_processed_", "petition duplicate publication mass_repeat confirm")
OTHER = _group("", "other_no_correction other_no_fee other")
CLAIMS: tuple[Claim, ...] = (
    # group names first: on a tie (不予处理 / 处理) the earlier claim wins
    Claim(("不予处理",), NOT_PROCESSED),
    Claim(("其他处理",), OTHER),
    Claim(("无法提供",), UNAVAILABLE),
    Claim(("上年结转",), ((APPS, "carried_over"),)),
    Claim(
        ("结转下年", "结转至下", "结转到下", "转入下年", "结转下一年"), ((APPS, "carry_forward"),)
    ),
    Claim(("新收", "收到", "受理", "接收"), ((APPS, "new"),)),
    Claim(
        ("办结", "答复", "办理", "处理"),
        ((APPS, "total"),),
        alternatives=(((APPS, "new"), (APPS, "carried_over")),),
    ),
    Claim(("予以公开", "全部公开"), ((APPS, "granted"),)),
    Claim(("部分公开",), ((APPS, "partly_granted"),)),
    Claim(("不予公开",), WITHHELD),
    Claim(("不掌握", "信息不存在"), ((APPS, "unavailable_not_held"),)),
    Claim(("行政复议", "复议"), ((RL, "review"),), needs_application=False),
    Claim(
        ("行政诉讼", "诉讼", "起诉"),
        ((RL, "litigation_direct"), (RL, "litigation_after_review")),
        needs_application=False,
    ),
)
NO_REVIEW = re.compile(r"(?:没有|未|无)[^，,。；]{0,6}?复议")
NO_LAWSUIT = re.compile(r"(?:没有|未|无)[^，,。；]{0,10}?诉讼")


def _total(report: Report, cells: tuple[tuple[str, str], ...]) -> int | None:
    total = 0
    for part, row in cells:
        values = (report.applications if part == APPS else report.review_litigation).get(row)
        if values is None:
            return None
        total += values[-1]
    return total


def _ref(m: ReportModel, cells: tuple[tuple[str, str], ...]) -> str:
    grid = {APPS: m.applications, RL: m.review_litigation}
    return "＋".join(grid[p].cell_ref(r, grid[p].width - 1) for p, r in cells)


def _claim_at(segment: str, clause: str) -> Claim | None:
    best: tuple[int, Claim] | None = None
    for claim in CLAIMS:
        if claim.needs_application and "申请" not in clause:
            continue
        for word in claim.keywords:
            pos = segment.rfind(word)
            if pos >= 0 and (best is None or pos + len(word) > best[0]):
                best = (pos + len(word), claim)
    return best[1] if best else None


def _stated(clause: str) -> list[tuple[Claim, int, str]]:
    """(claim, figure, quote) for every figure of ``clause`` attributable to a claim."""
    out = []
    start = 0
    for match in COUNTED.finditer(clause):
        segment = clause[start : match.start()]
        start = match.end()
        claim = _claim_at(segment, clause)
        if claim is None:
            continue
        try:
            figure = parse_count(match.group(1))
        except UserError:
            continue
        out.append((claim, figure, clause.strip()[:60]))
    for pattern, claim in ((NO_REVIEW, CLAIMS[-2]), (NO_LAWSUIT, CLAIMS[-1])):
        if pattern.search(clause):
            out.append((claim, 0, clause.strip()[:60]))
    return out


def edited(report: Report) -> str:
    """The paragraphs the officer replaced in the chat (``extra["overrides"]``), joined."""
    value = report.extra.get("overrides")
    return "\n".join(str(v) for v in value.values()) if isinstance(value, dict) else ""


def prose_findings(
    report: Report, m: ReportModel, parts: tuple[str, ...] = NARRATIVE_KEYS
) -> list[Finding]:
    """Figures in the prose that contradict tables 三 and 四: an error in a paragraph the
    officer replaced (the draft would publish it as their own statement), else a warning
    (a published report's text, read back)."""
    findings = []
    officer = edited(report)
    for part in parts:
        for clause in CLAUSE.findall(report.narrative.get(part, "")):
            if any(word in clause for word in SKIP):
                continue
            for claim, figure, quote in _stated(clause):
                options = [claim.cells, *claim.alternatives]
                totals = [t for t in (_total(report, c) for c in options) if t is not None]
                if not totals or figure in totals:
                    continue
                severe = bool(officer) and clause.strip() in officer
                findings.append(
                    Finding(
                        "prose.against_tables",
                        Code.CHK_PROSE_FIGURE,
                        Severity.ERROR if severe else Severity.WARNING,
                        part,
                        f"narrative.{part}:{claim.cells[0][1]}",
                        {
                            "quote": quote,
                            "found": figure,
                            "cell": _ref(m, claim.cells),
                            "expected": totals[0],
                        },
                    )
                )
    return findings
