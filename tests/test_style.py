"""The style check (bot/checks/style.py): what a drafter would rewrite, as coded warnings,
in 检查, at submission and in ``reportbot check``."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.checks.style import Passage, settings, style_findings
from bot.drafting.compliance import check_draft
from bot.format.catalogue import Code
from bot.format.findings import Severity
from tests.helpers.drafts import answered_report


def found(*texts: str, part: str = "overview", heading: str = "", **kw: object) -> list[Code]:
    passages = [
        Passage(f"{part}.p{i}", part, "一、总体情况", t, heading) for i, t in enumerate(texts)
    ]
    return [f.code for f in style_findings(passages, "我局", **kw)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("一是一是围绕中心工作公开信息。二是二是公开预算。", Code.STY_DOUBLED_NUMBERING),
        ("政务公开工作要点落实情况：无。", Code.STY_LABEL_NONE),
        ("我局公开行政处罚56件,行政许可1234件。", Code.STY_HALF_WIDTH),
        ("2025年，将着重做好以下工作：加强学习。", Code.STY_NO_SUBJECT),
        (
            "针对上年度报告提出的问题，整改如下：针对公开形式单一，开通公众号。",
            Code.STY_DOUBLED_ZHENDUI,
        ),
    ],
)
def test_each_fault_is_a_coded_warning(text: str, code: Code) -> None:
    assert found(text) == [code]
    [finding] = style_findings([Passage("x", "overview", "一、总体情况", text)], "我局")
    assert finding.severity is Severity.WARNING
    assert "一、总体情况" in finding.message()


def test_a_paragraph_repeating_its_sub_heading_is_doubled() -> None:
    assert found("（一）主动公开方面。全年公开信息120条。", heading="（一）主动公开") == [
        Code.STY_DOUBLED_NUMBERING
    ]
    assert found("主动公开方面，全年公开信息120条。", heading="（一）主动公开") == [
        Code.STY_DOUBLED_NUMBERING
    ]


def test_three_sentences_in_a_row_with_the_same_opening() -> None:
    assert found("本年度公开信息120条。本年度受理申请3件。本年度开展培训2次。") == [
        Code.STY_SAME_OPENING
    ]
    assert found("本年度公开信息120条。", "本年度受理申请3件。", "本年度开展培训2次。") == [
        Code.STY_SAME_OPENING
    ]
    assert found("本年度公开信息120条。全年受理申请3件。本年度开展培训2次。") == []
    assert found("本年度公开信息。一是甲。二是乙。本年度受理申请。本年度培训。") == []


def test_gaps_count_only_when_submitting() -> None:
    text = "【待填写：监督保障情况】"
    assert found(text) == []
    assert found(text, submitting=True) == [Code.STY_GAP_LEFT]


def test_the_overview_limit_is_a_setting() -> None:
    long = "我局公开信息。全年受理申请。同时开展培训。" * 60  # 1,200 characters
    assert found(long) == [Code.STY_OVERVIEW_LONG]
    assert found(long, part="problems") == []
    assert found(long, s=replace(settings(), overview_max_chars=2000)) == []


def test_check_finds_the_style_of_a_pasted_label_none_and_the_submission_gap() -> None:
    """Should report the faults of the draft through check_draft, as 检查 and reportbot
    check show them; a gap only counts when the draft is being submitted."""
    report = answered_report(work_points="政务公开工作要点落实情况：无")
    report.extra["overrides"] = {"overview.platform": "一是一是优化栏目,二是新增专栏。"}
    codes = {f.code for f in check_draft(report)}
    assert {Code.STY_DOUBLED_NUMBERING, Code.STY_HALF_WIDTH} <= codes
    gap = answered_report()
    del gap.extra["answers"]["supervision"]
    assert Code.STY_GAP_LEFT not in {f.code for f in check_draft(gap)}
    assert Code.STY_GAP_LEFT in {f.code for f in check_draft(gap, submitting=True)}
