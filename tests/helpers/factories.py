"""Reports of our own for tests: consistent, complete, with fixture prose we wrote."""

from __future__ import annotations

from decimal import Decimal

from bot.format.datafile import Report
from bot.format.model import model

# Six applicant columns per disposition row, chosen so that most cells differ.
DISPOSITIONS = {
    "granted": [11, 3, 1, 0, 2, 1],
    "partly_granted": [4, 2, 0, 1, 0, 0],
    "withheld_state_secret": [1, 0, 0, 0, 0, 0],
    "withheld_law_forbids": [0, 1, 0, 0, 0, 0],
    "withheld_three_safety": [0, 0, 1, 0, 0, 0],
    "withheld_third_party": [2, 1, 0, 0, 0, 0],
    "withheld_internal_affairs": [1, 0, 0, 1, 0, 0],
    "withheld_process_info": [3, 0, 0, 0, 1, 0],
    "withheld_enforcement_file": [0, 0, 0, 0, 0, 1],
    "withheld_admin_query": [1, 1, 0, 0, 0, 0],
    "unavailable_not_held": [6, 2, 0, 0, 1, 0],
    "unavailable_needs_creation": [2, 0, 1, 0, 0, 0],
    "unavailable_unclear": [1, 0, 0, 0, 0, 1],
    "not_processed_petition": [5, 0, 0, 0, 0, 0],
    "not_processed_duplicate": [2, 1, 0, 0, 0, 0],
    "not_processed_publication": [0, 0, 0, 1, 0, 0],
    "not_processed_mass_repeat": [1, 0, 0, 0, 0, 0],
    "not_processed_confirm": [0, 1, 0, 0, 0, 0],
    "other_no_correction": [3, 0, 0, 0, 0, 0],
    "other_no_fee": [0, 0, 1, 0, 0, 0],
    "other": [2, 1, 0, 0, 0, 1],
}
CARRIED_OVER = [3, 1, 0, 0, 0, 0]
CARRY_FORWARD = [4, 0, 1, 0, 1, 0]


def with_total(values: list[int]) -> list[int]:
    """A row of six applicant figures with its 总计 appended."""
    return [*values, sum(values)]


def consistent_report(agency: str = "示例市示例区交通运输局", year: int = 2024) -> Report:
    """A report whose every identity holds."""
    apps = {key: with_total(v) for key, v in DISPOSITIONS.items()}
    total = [sum(DISPOSITIONS[k][c] for k in DISPOSITIONS) for c in range(6)]
    new = [t + f - o for t, f, o in zip(total, CARRY_FORWARD, CARRIED_OVER, strict=True)]
    apps.update(
        new=with_total(new),
        carried_over=with_total(CARRIED_OVER),
        total=with_total(total),
        carry_forward=with_total(CARRY_FORWARD),
    )
    ordered = {row.key: apps[row.key] for row in model().applications.rows}
    return Report(
        agency=agency,
        year=year,
        active={
            "rules.issued": 0,
            "rules.abolished": 0,
            "rules.in_force": 0,
            "normative_docs.issued": 3,
            "normative_docs.abolished": 1,
            "normative_docs.in_force": 17,
            "licensing": 1204,
            "punishment": 356,
            "enforcement": 12,
            "fees_wan_yuan": Decimal("12.3456"),
        },
        applications=ordered,
        review_litigation={
            "review": [2, 1, 0, 1, 4],
            "litigation_direct": [1, 0, 1, 0, 2],
            "litigation_after_review": [0, 0, 0, 1, 1],
        },
        narrative={
            "overview": "本年度，本局以制度建设为抓手推进政务公开。\n"
            f"（二）依申请公开方面。全年新收政府信息公开申请{new_total(new)}件。",
            "problems": "公开栏目更新不够及时。下一年度，本局将建立栏目更新台账。",
            "other_matters": "本年度未收取信息处理费。",
        },
        extra={"agency_level": "county"},
    )


def new_total(new: list[int]) -> int:
    """Sum of a row of six applicant figures."""
    return sum(new)
