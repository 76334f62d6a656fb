"""Compliance of the draft: official headings (CHK016), last year's problems (CHK015), copied
prose (CHK014)."""

from __future__ import annotations

import dataclasses

from bot.drafting.compliance import compliance_findings, heading_findings, similarity
from bot.drafting.prose import document
from bot.format.catalogue import Code
from bot.format.datafile import Report
from bot.format.findings import Severity
from bot.format.model import model
from tests.helpers.drafts import answered_report
from tests.helpers.factories import consistent_report


def codes(report: Report, previous: Report | None = None) -> list[Code]:
    return [f.code for f in compliance_findings(report, previous, model())]


def last_year(**answers: object) -> Report:
    previous = answered_report(**answers)
    previous.year = 2023
    return previous


# --- CHK016 ----------------------------------------------------------------------------------


def test_composed_drafts_carry_all_six_headings(seed: Report) -> None:
    assert codes(answered_report()) == []
    assert codes(seed) == []
    assert codes(consistent_report()) == []


def test_a_missing_or_misplaced_heading_is_an_error() -> None:
    doc = document(answered_report())
    m = model()
    without = dataclasses.replace(doc, sections=doc.sections[:4] + doc.sections[5:])
    findings = heading_findings(without, m)
    assert [(f.code, f.severity, f.part) for f in findings] == [
        (Code.CHK_HEADING_MISSING, Severity.ERROR, "problems")
    ]
    assert findings[0].message() == "草稿中缺少官方标题“五、存在的主要问题及改进情况”。"
    renamed = dataclasses.replace(doc.sections[0], heading="总体")
    assert [
        f.part
        for f in heading_findings(
            dataclasses.replace(doc, sections=(renamed, *doc.sections[1:])), m
        )
    ] == ["overview"]
    swapped = (doc.sections[1], doc.sections[0], *doc.sections[2:])
    assert len(heading_findings(dataclasses.replace(doc, sections=swapped), m)) == 1


# --- CHK015 ----------------------------------------------------------------------------------


def test_last_years_problems_need_a_rectification() -> None:
    previous = last_year(problems=["网站栏目更新不及时"])
    report = answered_report(problems=["政策解读形式单一"], last_year_rectification=None)
    findings = [
        f
        for f in compliance_findings(report, previous, model())
        if f.code is not Code.CHK_SIMILAR_PROSE
    ]
    assert [(f.code, f.severity) for f in findings] == [
        (Code.CHK_RECTIFICATION_MISSING, Severity.WARNING)
    ]
    assert "网站栏目更新不及时" in findings[0].message()


def test_rectification_answer_or_mention_is_enough() -> None:
    previous = last_year(problems=["网站栏目更新不及时"])
    answered = answered_report(last_year_rectification=["建立栏目更新台账，每周检查"])
    assert Code.CHK_RECTIFICATION_MISSING not in codes(answered, previous)
    mentioned = answered_report()
    mentioned.extra["overrides"] = {"problems.problems": "去年指出的栏目更新问题已经解决。"}
    assert Code.CHK_RECTIFICATION_MISSING not in codes(mentioned, previous)


def test_no_rectification_needed_without_last_years_problems() -> None:
    report = answered_report()
    assert Code.CHK_RECTIFICATION_MISSING not in codes(report, None)
    empty = last_year()
    empty.extra["answers"].pop("problems")
    assert Code.CHK_RECTIFICATION_MISSING not in codes(report, empty)


def test_imported_last_year_narrative_counts() -> None:
    previous = consistent_report(year=2023)
    findings = compliance_findings(answered_report(), previous, model())
    assert [f.code for f in findings] == [Code.CHK_RECTIFICATION_MISSING]
    assert findings[0].params["problems"] == previous.narrative["problems"]


# --- CHK014 ----------------------------------------------------------------------------------


def test_copied_prose_is_flagged_even_with_new_years() -> None:
    previous = last_year(measures=["2024年每季度制作一期图解政策", "建立信息报送通报制度"])
    report = answered_report(measures=["2025年每季度制作一期图解政策", "建立信息报送通报制度"])
    findings = [
        f
        for f in compliance_findings(report, previous, model())
        if f.code is Code.CHK_SIMILAR_PROSE
    ]
    assert {f.part for f in findings} == {"overview", "problems", "other_matters"}
    assert all(f.severity is Severity.WARNING for f in findings)
    measures = [f for f in findings if f.cell == "paragraph.problems.measures"]
    assert [f.params["similarity"] for f in measures] == [100]
    assert measures[0].params["then"] == "五、存在的主要问题及改进情况"
    assert "内容雷同" in findings[0].message()


def test_a_paragraph_copied_into_another_part_is_flagged() -> None:
    """Should compare each paragraph with every paragraph of last year, whatever its part:
    last year's （三） copied word for word into this year's （四） is found."""
    words = [
        "建立政府信息公开属性源头认定机制，所有公文在起草环节明确公开属性",
        "按月清理过期信息",
    ]
    previous = last_year(info_management=words)
    report = answered_report(platform=words)
    findings = [
        f
        for f in compliance_findings(report, previous, model())
        if f.code is Code.CHK_SIMILAR_PROSE
    ]
    cells = {f.cell for f in findings}
    assert "paragraph.overview.platform" in cells
    [platform] = [f for f in findings if f.cell == "paragraph.overview.platform"]
    assert platform.params["then"] == "一、总体情况（三）政府信息管理"


def test_rewritten_prose_is_not_flagged() -> None:
    previous = last_year(
        active_items=["整理并公开历年交通规划文件", "发布道路养护计划"],
        info_management=["开展公开属性源头认定"],
        platform=["整合新媒体账号"],
        supervision=["邀请社会监督员评议公开工作"],
        problems=["互动回应不够及时"],
        measures=["建立留言办理时限制度"],
        work_points="年度要点任务8项，完成7项",
        proposals="承办政协提案2件，均已公开答复",
        overview_intro="去年工作以规范化为主线",
    )
    report = answered_report(last_year_rectification=["新开通留言回复提醒"])
    assert Code.CHK_SIMILAR_PROSE not in codes(report, previous)


def test_short_identical_parts_are_not_flagged() -> None:
    previous = consistent_report(year=2023)
    report = consistent_report()
    previous.narrative["other_matters"] = report.narrative["other_matters"] = "无。"
    findings = compliance_findings(report, previous, model())
    flagged = {f.part for f in findings if f.code is Code.CHK_SIMILAR_PROSE}
    assert "other_matters" not in flagged
    assert flagged == {"overview", "problems"}  # the factory prose is the same both years


def test_similarity_of_normalised_text() -> None:
    assert similarity("政务公开工作有序推进", "政务公开工作有序推进") == 1.0
    assert similarity("政务公开工作有序推进", "完全不同的一段文字内容") < 0.3
