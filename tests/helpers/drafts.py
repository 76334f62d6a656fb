"""Reports for the drafting tests and the official layout written out by hand.

``answered_report`` is the consistent factory report with structured answers in place of
its prose; ``unique_report`` has a different figure in every cell; ``nasty_report`` has
officer text that must be escaped. ``expected_figures``, ``block_spans`` and ``cover``
say where each figure sits in the official tables and check a rendering's merged cells.
"""

from __future__ import annotations

import itertools
from copy import deepcopy
from decimal import Decimal
from typing import Any

from bot.drafting.tables import TableBlock
from bot.format.catalogue import Code, message
from bot.format.datafile import Report
from bot.format.model import model
from tests.helpers.factories import consistent_report

GAP_CELL = message(Code.DRF_GAP_CELL)
UNIQUE_FEES = Decimal("98.7654")
# Where each figure of table 二 sits (row, column), as in spec §4: four article blocks of a
# caption row, a 信息内容 header row and their rows.
ACTIVE_POSITIONS = {
    "rules.issued": (2, 1),
    "rules.abolished": (2, 2),
    "rules.in_force": (2, 3),
    "normative_docs.issued": (3, 1),
    "normative_docs.abolished": (3, 2),
    "normative_docs.in_force": (3, 3),
    "licensing": (6, 1),
    "punishment": (9, 1),
    "enforcement": (10, 1),
    "fees_wan_yuan": (13, 1),
}

# Fixture prose of our own (never from a published report).
ANSWERS: dict[str, Any] = {
    "overview_intro": "本年度，本局把政务公开融入交通建设管理全过程",
    "active_channels": ["portal", "wechat"],
    "active_count": {"portal": 236, "wechat": 58},
    "active_items": ["开设农村公路建设专栏，集中发布项目批复和进度", "每月更新执法人员名录"],
    "info_management": ["修订信息发布审核办法"],
    "platform": ["门户网站政务公开栏目完成改版", "新增无障碍浏览功能", "上线政策问答库"],
    "supervision": ["召开政务公开专题会议2次", "将政务公开纳入科室年度考核"],
    "problems": ["政策解读以文字为主，图解和视频较少", "基层站所信息报送不够及时"],
    "measures": ["每季度制作一期图解政策", "建立信息报送通报制度"],
    "fee_collected": "no",
    "work_points": "对照年度要点梳理任务15项，已全部完成",
    "proposals": "承办人大代表建议4件，办理结果均已公开",
}


def answered_report(**answers: Any) -> Report:
    """The consistent factory report, its prose replaced by structured answers."""
    report = consistent_report()
    report.narrative = {}
    report.extra["answers"] = {**deepcopy(ANSWERS), **answers}
    return report


def unique_report() -> Report:
    """Every cell of tables 二, 三 and 四 a different figure (the tables need not add up)."""
    m = model()
    counter = itertools.count(1)
    active: dict[str, int | Decimal] = {
        c.path: next(counter) for c in m.active_cells if not c.money
    }
    active["fees_wan_yuan"] = UNIQUE_FEES
    apps = {r.key: [next(counter) for _ in m.applications.columns] for r in m.applications.rows}
    rl = {
        r.key: [next(counter) for _ in m.review_litigation.columns]
        for r in m.review_litigation.rows
    }
    return Report(
        "测试县测试局",
        2025,
        active=active,
        applications=apps,
        review_litigation=rl,
        extra={"answers": deepcopy(ANSWERS)},
    )


def expected_figures(report: Report) -> dict[str, dict[tuple[int, int], str]]:
    """Each table's figures by (row, column) of the official layout, from the model order."""
    m = model()
    active = {ACTIVE_POSITIONS[p]: str(v) for p, v in report.active.items()}
    apps = {
        (3 + i, 3 + c): str(v)
        for i, r in enumerate(m.applications.rows)
        for c, v in enumerate(report.applications.get(r.key, []))
    }
    width = m.review_litigation.width
    review = {
        (3, width * i + c): str(v)
        for i, r in enumerate(m.review_litigation.rows)
        for c, v in enumerate(report.review_litigation.get(r.key, []))
    }
    return {"active": active, "applications": apps, "review_litigation": review}


Spans = dict[tuple[int, int], tuple[str, int, int]]


def block_spans(block: TableBlock) -> Spans:
    """(row, col) → (text, rowspan, colspan) of every origin cell of a table block."""
    return {(c.row, c.col): (c.text, c.rowspan, c.colspan) for c in block.cells}


def cover(spans: Spans) -> dict[tuple[int, int], tuple[int, int]]:
    """Every grid position → the origin it belongs to; fails on overlaps."""
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for (row, col), (_, rowspan, colspan) in spans.items():
        for r in range(row, row + rowspan):
            for c in range(col, col + colspan):
                assert (r, c) not in out, f"overlap at {(r, c)}"
                out[(r, c)] = (row, col)
    return out


# Officer text that must be escaped or cut, in every format.

NASTY = (
    '<script>alert("x")</script> & \'quoted\' "double" <b>bold</b> 😀🇨🇳 '
    "tab\there ctrl\x00\x01\x08\x0b\x0c\x1b\x7f end"
)
LONG = "很长的一段话，没有句号" * 1000  # 10,000 characters, no sentence end


def nasty_report() -> Report:
    """Officer text with markup, quotes, emoji, control characters and 10,000 characters."""
    report = answered_report(
        overview_intro=NASTY,
        work_points=LONG,
        active_items=[NASTY, "| pipe | and *stars* _under_ # hash"],
    )
    report.agency = "测试<局>&\x00"
    report.extra["overrides"] = {"overview.supervision": f"{NASTY}\n# not a heading\n1. item"}
    return report


# an imported 总体情况 with its five official sub-parts (fixture prose, not a real report's)
IMPORTED_OVERVIEW = """本年度，我局坚持以公开为常态，扎实推进政务公开。
（一）主动公开方面。通过门户网站发布信息80条。
（二）依申请公开方面。全年收到申请2件，均在法定时限内答复。
另有一段补充说明。
（三）政府信息管理方面。落实信息发布审核制度。
（四）平台建设方面。优化门户网站栏目。
（五）监督保障方面。组织业务培训1次。"""
