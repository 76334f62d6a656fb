"""The document model: prose composed from answers, narrative fallback, gaps, overrides and
the three tables in the official layout (spec §4–§6, written out here by hand).

The fixture reports and layout helpers the drafting tests share are in
``tests/helpers/drafts.py``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from bot.checks.prose import prose_findings
from bot.drafting.compliance import check_draft
from bot.drafting.compose import Document, Paragraph, clean, one_line, part_texts
from bot.drafting.prose import document
from bot.drafting.prose_facts import answers
from bot.drafting.tables import TableBlock, figure_text
from bot.format.datafile import Report
from bot.format.model import model
from tests.helpers.drafts import (
    ACTIVE_POSITIONS,
    GAP_CELL,
    IMPORTED_OVERVIEW,
    answered_report,
    block_spans,
    cover,
    expected_figures,
    unique_report,
)
from tests.helpers.factories import consistent_report


def tables(doc: Document) -> dict[str, TableBlock]:
    return {t.kind: t for t in doc.tables()}


def texts(doc: Document, key: str) -> list[str]:
    return [p.text for p in doc.section(key).paragraphs()]


def paragraph(doc: Document, pid: str) -> Paragraph:
    return next(p for p in doc.paragraphs() if p.id == pid)


# --- the official layout -------------------------------------------------------------------


def test_applications_layout_is_the_official_one() -> None:
    block = tables(document(unique_report()))["applications"]
    spans = block_spans(block)
    g = model().applications
    assert (block.n_rows, block.n_cols, block.header_rows, block.label_cols) == (28, 10, 3, 3)
    assert spans[(0, 0)] == (g.note, 3, 3)
    assert spans[(0, 3)] == ("申请人情况", 1, 7)
    assert spans[(1, 3)] == ("自然人", 2, 1)
    assert spans[(1, 4)] == ("法人或其他组织", 1, 5)
    assert spans[(1, 9)] == ("总计", 2, 1)
    assert [spans[(2, c)][0] for c in range(4, 9)] == [
        "商业企业",
        "科研机构",
        "社会公益组织",
        "法律服务机构",
        "其他",
    ]
    assert spans[(3, 0)] == ("一、本年新收政府信息公开申请数量", 1, 3)
    assert spans[(4, 0)] == ("二、上年结转政府信息公开申请数量", 1, 3)
    assert spans[(5, 0)] == ("三、本年度办理结果", 22, 1)
    assert spans[(5, 1)] == ("（一）予以公开", 1, 2)
    assert spans[(6, 1)][1:] == (1, 2)
    assert spans[(7, 1)] == ("（三）不予公开", 8, 1)
    assert spans[(15, 1)] == ("（四）无法提供", 3, 1)
    assert spans[(18, 1)] == ("（五）不予处理", 5, 1)
    assert spans[(23, 1)] == ("（六）其他处理", 3, 1)
    assert spans[(23, 2)][0].startswith("1.申请人无正当理由逾期不补正")
    assert spans[(26, 1)] == ("（七）总计", 1, 2)
    assert spans[(27, 0)] == ("四、结转下年度继续办理", 1, 3)
    assert len(cover(spans)) == 28 * 10


def test_review_layout_is_the_official_one() -> None:
    block = tables(document(unique_report()))["review_litigation"]
    spans = block_spans(block)
    assert (block.n_rows, block.n_cols, block.header_rows, block.label_cols) == (4, 15, 3, 0)
    assert spans[(0, 0)] == ("行政复议", 1, 5)
    assert spans[(0, 5)] == ("行政诉讼", 1, 10)
    assert spans[(1, 5)] == ("未经复议直接起诉", 1, 5)
    assert spans[(1, 10)] == ("复议后起诉", 1, 5)
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert [spans[(1, c)] for c in range(5)] == [(t, 2, 1) for t in results]
    assert [spans[(2, c)][0] for c in range(5, 15)] == results * 2
    assert len(cover(spans)) == 4 * 15


def test_active_layout_has_the_four_article_blocks() -> None:
    block = tables(document(unique_report()))["active"]
    spans = block_spans(block)
    assert (block.n_rows, block.n_cols) == (14, 4)
    for row, article in ((0, "（一）"), (4, "（五）"), (7, "（六）"), (11, "（八）")):
        assert spans[(row, 0)] == (f"第二十条第{article}项", 1, 4)
        assert spans[(row + 1, 0)][0] == "信息内容"
    assert [spans[(1, c)][0] for c in (1, 2, 3)] == [
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
    ]
    assert spans[(5, 1)] == ("本年处理决定数量", 1, 3)
    assert spans[(12, 1)] == ("本年收费金额（单位：万元）", 1, 3)
    assert [spans[(r, 0)][0] for r in (2, 3, 6, 9, 10, 13)] == [
        "规章",
        "行政规范性文件",
        "行政许可",
        "行政处罚",
        "行政强制",
        "行政事业性收费",
    ]
    assert spans[(6, 1)][1:] == (1, 3)
    assert len(cover(spans)) == 14 * 4


def test_every_figure_sits_in_its_official_row_and_column() -> None:
    report = unique_report()
    blocks = tables(document(report))
    for kind, figures in expected_figures(report).items():
        spans = block_spans(blocks[kind])
        assert {pos: spans[pos][0] for pos in figures} == figures
        numbers = {(c.row, c.col) for c in blocks[kind].cells if c.value is not None}
        assert numbers == set(figures)


def test_unanswered_cells_show_the_gap_never_zero() -> None:
    report = unique_report()
    del report.active["licensing"]
    del report.applications["granted"]
    report.review_litigation = {}
    blocks = tables(document(report))
    licensing = block_spans(blocks["active"])[ACTIVE_POSITIONS["licensing"]]
    assert licensing == (GAP_CELL, 1, 3)
    granted = [c for c in blocks["applications"].cells if c.row == 5 and c.col >= 3]
    assert [(c.text, c.gap, c.value) for c in granted] == [(GAP_CELL, True, None)] * 7
    assert all(c.gap for c in blocks["review_litigation"].cells if c.row == 3)


def test_money_is_printed_exactly() -> None:
    assert figure_text(Decimal("0.3500")) == "0.35"
    assert figure_text(Decimal("12")) == "12"
    assert figure_text(Decimal("1E+2")) == "100"
    assert figure_text(0) == "0"


# --- title, opening, headings ----------------------------------------------------------------


def test_title_opening_and_six_official_sections() -> None:
    doc = document(answered_report())
    m = model()
    assert doc.title == "示例市示例区交通运输局2024年政府信息公开工作年度报告"
    opening = doc.opening.text
    for needed in (
        "《中华人民共和国政府信息公开条例》",
        "国办公开办函〔2021〕30号",
        "2024年1月1日至2024年12月31日",
        *(p.heading for p in m.parts),
    ):
        assert needed in opening
    assert [s.title for s in doc.sections] == [p.title for p in m.parts]
    assert [type(b).__name__ for s in doc.sections[1:4] for b in s.blocks] == ["TableBlock"] * 3


def test_overview_has_the_five_sub_parts_as_level_two_headings() -> None:
    doc = document(answered_report())
    headings = [p.text for p in doc.section("overview").paragraphs() if p.level == 2]
    assert headings == [
        "（一）主动公开",
        "（二）依申请公开",
        "（三）政府信息管理",
        "（四）政府信息公开平台建设",
        "（五）监督保障",
    ]


def test_list_answers_are_numbered() -> None:
    doc = document(answered_report())
    assert paragraph(doc, "overview.platform").text == (
        "一是门户网站政务公开栏目完成改版。二是新增无障碍浏览功能。三是上线政策问答库。"
    )
    assert paragraph(doc, "overview.management").text == "我局修订信息发布审核办法。"  # a subject
    eleven = [f"第{i}项工作。" for i in range(1, 12)]
    text = paragraph(document(answered_report(supervision=eleven)), "overview.supervision").text
    assert text.startswith("一是第1项工作。二是")
    assert "十是第10项工作。十一是第11项工作。" in text


def test_single_item_sub_parts_in_a_row_say_the_subject_once_and_no_connective() -> None:
    """Each of （三）–（五） stands under its own heading: no 同时，/此外， as if it followed
    the one before, and 我局 not three times over (STY005)."""
    report = answered_report(
        info_management=["修订信息发布审核办法"],
        platform=["优化门户网站栏目"],
        supervision=["组织业务培训2次"],
    )
    doc = document(report)
    parts = ("management", "platform", "supervision")
    said = [paragraph(doc, f"overview.{k}").text for k in parts]
    assert said == ["我局修订信息发布审核办法。", "优化门户网站栏目。", "组织业务培训2次。"]
    assert not [f for f in check_draft(report) if f.rule == "style.same_opening"]


def test_active_paragraph_names_channels_and_count() -> None:
    """Should state each channel's own figure (no cross-channel total), the agency as the
    subject, and the site as a department's 门户网站 or a government's 政府门户网站."""
    text = paragraph(document(answered_report()), "overview.active").text
    assert text.startswith(
        "我局通过门户网站主动公开政府信息236条，通过政务微信公众号发布信息58条。一是"
    )
    assert "294" not in text
    government = answered_report()
    government.agency = "示例市示例区人民政府"
    text = paragraph(document(government), "overview.active").text
    assert text.startswith("我区通过政府门户网站主动公开政府信息236条")


# --- the 依申请公开 paragraph ------------------------------------------------------------------


def stated_figures(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"(\d+)件", text)]


def table_figures(report: Report) -> set[int]:
    """Figures a sentence may state: cells, and sums of a group of table 三 / of 行政诉讼."""
    m = model()
    found = {v for row in report.applications.values() for v in row}
    found |= {v for row in report.review_litigation.values() for v in row}
    suits = [report.review_litigation[k] for k in ("litigation_direct", "litigation_after_review")]
    found |= {a + b for a, b in zip(*suits, strict=True)}  # 行政诉讼 by result
    for group in {r.group for r in m.applications.rows if r.group}:
        members = [r.key for r in m.applications.rows if r.group == group]
        found.add(sum(report.applications[k][-1] for k in members))
    found.add(
        sum(
            report.review_litigation[k][-1]
            for k in ("litigation_direct", "litigation_after_review")
        )
    )
    return found


@pytest.mark.parametrize("build", [answered_report, unique_report])
def test_applications_paragraph_states_only_table_figures(build: Any) -> None:
    report = build()
    text = paragraph(document(report), "overview.applications").text
    rows = report.applications
    assert f"共收到政府信息公开申请{rows['new'][-1]}件" in text
    assert f"上年结转申请{rows['carried_over'][-1]}件" in text
    assert f"全年办结{rows['total'][-1]}件" in text
    assert f"{rows['carry_forward'][-1]}件结转下年度" in text
    assert set(stated_figures(text)) <= table_figures(report)
    assert paragraph(document(report), "overview.applications").source == "data"
    assert "法定期限" not in text  # replies in time: no table or question says so


@pytest.mark.parametrize("build", [answered_report, unique_report])
def test_composed_prose_never_contradicts_the_tables(build: Any) -> None:
    report = build()
    checked = Report(
        report.agency,
        report.year,
        applications=report.applications,
        review_litigation=report.review_litigation,
        narrative=part_texts(document(report)),
    )
    assert prose_findings(checked, model()) == []


def test_outcome_shares_only_when_useful() -> None:
    text = paragraph(document(answered_report()), "overview.applications").text
    assert "予以公开18件（占24.7%）" in text
    assert "不予公开15件（占20.5%，其中属于国家秘密1件" in text
    few = answered_report()
    for key, values in few.applications.items():
        few.applications[key] = [
            1 if v and key in ("new", "total", "granted") else 0 for v in values
        ]
    text = paragraph(document(few), "overview.applications").text
    assert "占" not in text
    assert "该申请予以公开" in text
    assert "均" not in text  # never 均 for a single application


def test_no_applications_and_no_reviews_are_said_in_words() -> None:
    report = answered_report()
    report.applications = {k: [0] * 7 for k in report.applications}
    report.review_litigation = {k: [0] * 5 for k in report.review_litigation}
    text = paragraph(document(report), "overview.applications").text
    assert "未收到政府信息公开申请" in text
    assert "未发生因政府信息公开引起的行政复议和行政诉讼" in text
    assert stated_figures(text) == []


def test_incomplete_table_is_said_visibly_without_figures() -> None:
    report = answered_report()
    del report.applications["withheld_third_party"]
    del report.review_litigation["litigation_direct"]
    p = paragraph(document(report), "overview.applications")
    assert p.gap
    assert "三、（三）4.保护第三方合法权益" in p.text
    assert "四、行政诉讼·未经复议直接起诉" in p.text
    assert p.text.count("【待填写：") == 2
    assert stated_figures(p.text) == []


# --- part 六, gaps, narrative, overrides -----------------------------------------------------


def test_fee_statement_always_comes_first_in_part_six() -> None:
    no = texts(document(answered_report()), "other_matters")
    assert no[0] == (
        "依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），我局本年度未收取信息处理费。"
    )
    yes = document(answered_report(fee_collected="yes", fee_notices=3, fee_amount="0.3500"))
    assert "我局本年度发出收费通知3件，收取信息处理费0.35万元。" in texts(yes, "other_matters")[0]
    missing = document(answered_report(fee_collected=None))
    fee = paragraph(missing, "other_matters.fee")
    assert fee.gap
    assert "信息处理费" in fee.text
    ids = [p.id for p in document(answered_report()).section("other_matters").paragraphs()]
    assert ids == ["other_matters.fee", "other_matters.work_points", "other_matters.proposals"]


def test_unanswered_part_without_narrative_shows_gaps_not_text() -> None:
    report = answered_report()
    for name in ("problems", "measures"):
        del report.extra["answers"][name]
    paragraphs = document(report).section("problems").paragraphs()
    assert [p.text for p in paragraphs] == [
        "【待填写：本年度存在的主要问题】",
        "【待填写：下一年度的改进措施】",
    ]
    assert all(p.gap for p in paragraphs)
    overview = document(answered_report(platform=None)).section("overview")
    gap = next(p for p in overview.paragraphs() if p.id == "overview.platform")
    assert gap.gap
    assert gap.text == "【待填写：政府信息公开平台建设情况】"


def test_an_empty_report_is_all_gaps_and_no_invented_prose() -> None:
    doc = document(Report("某县某局", 2024))
    body = [p for s in doc.sections for p in s.paragraphs() if p.level == 0]
    assert body
    assert all(p.gap for p in body), [p.text for p in body if not p.gap]
    assert paragraph(doc, "overview.intro").text == "【待填写：本年度政府信息公开工作的总体情况】"
    assert all(c.gap for t in doc.tables() for c in t.cells if not c.header and c.is_figure)


def test_narrative_text_is_used_when_a_part_has_no_answers() -> None:
    report = consistent_report()
    report.extra["answers"] = {"fee_collected": "no"}
    doc = document(report)
    overview = doc.section("overview").paragraphs()
    assert [p.text for p in overview] == report.narrative["overview"].split("\n")
    assert {p.source for p in overview} == {"narrative"}
    assert texts(doc, "problems") == [report.narrative["problems"]]
    # part 六 has an answer, so it is composed (with gaps) instead of the narrative
    assert texts(doc, "other_matters")[0].endswith("本年度未收取信息处理费。")


def test_seed_report_uses_its_published_prose(seed: Report) -> None:
    """Every word as published, in order; the official sub-parts set as headings."""
    doc = document(seed)
    for key in ("overview", "problems", "other_matters"):
        lines = [ln.strip() for ln in seed.narrative[key].split("\n") if ln.strip()]
        assert "".join(texts(doc, key)) == "".join(lines)
    headings = [p.text for p in doc.section("overview").paragraphs() if p.level == 2]
    assert headings[:2] == ["（一）主动公开方面。", "（二）依申请公开方面。"]


def test_a_sub_part_of_imported_prose_is_replaced_by_its_name() -> None:
    """修改 （二） of an imported 总体情况: its text (both its lines) replaced under its
    heading, the rest kept as published."""
    report = consistent_report()
    report.narrative = {"overview": IMPORTED_OVERVIEW}
    report.extra["overrides"] = {"overview.applications": "全年收到申请2件。\n均已办结。"}
    doc = document(report)
    said = texts(doc, "overview")
    assert said[:3] == [
        "本年度，我局坚持以公开为常态，扎实推进政务公开。",
        "（一）主动公开方面。",
        "通过门户网站发布信息80条。",
    ]
    at = said.index("（二）依申请公开方面。")
    assert said[at + 1 : at + 4] == ["全年收到申请2件。", "均已办结。", "（三）政府信息管理方面。"]
    assert paragraph(doc, "overview.applications").override
    assert "另有一段补充说明。" not in said  # the sub-part's second line went with it
    assert said[-1] == "组织业务培训1次。"
    assert paragraph(doc, "overview.intro").text.startswith("本年度")  # 修改 总体情况


def test_a_part_being_redrafted_keeps_the_imported_text_of_what_is_not_answered() -> None:
    """Answering one question of an imported 总体情况 drafts it from answers; the imported
    sub-parts of the questions not answered again stay, never gaps."""
    report = answered_report()
    report.narrative = {"overview": IMPORTED_OVERVIEW}
    answers = report.extra["answers"]
    for name in ("info_management", "platform", "supervision"):
        del answers[name]
    doc = document(report)
    assert paragraph(doc, "overview.intro").text.startswith("本年度，本局把政务公开")  # answered
    assert paragraph(doc, "overview.management").text == "落实信息发布审核制度。"  # imported
    assert paragraph(doc, "overview.supervision").text == "组织业务培训1次。"
    assert not [p for p in doc.section("overview").paragraphs() if p.gap]


def test_override_replaces_a_paragraph_and_is_marked() -> None:
    report = answered_report()
    report.extra["overrides"] = {
        "overview.platform": "网站改版由本局自行完成。\n\n同步上线移动端页面。",
        "other_matters.innovations": "开设“政策直通车”栏目。",
        "opening": "  ",
        "no.such.paragraph": "ignored",
    }
    doc = document(report)
    section = doc.section("overview").paragraphs()
    replaced = [p for p in section if p.id.startswith("overview.platform") and p.level == 0]
    assert [(p.id, p.text, p.override, p.source) for p in replaced] == [
        ("overview.platform", "网站改版由本局自行完成。", True, "override"),
        ("overview.platform+2", "同步上线移动端页面。", True, "override"),
    ]
    assert paragraph(doc, "other_matters.innovations").override
    assert not doc.opening.override
    overridden = {p.id for p in doc.paragraphs() if p.override}
    assert overridden == {"overview.platform", "overview.platform+2", "other_matters.innovations"}


def test_officer_text_is_cleaned() -> None:
    dirty = "a\x00b\x07c\x1b\x1e\x1d\r\nd\ud800e\ufffe"
    assert clean(dirty) == "abc\nde"
    assert one_line("first line\nsecond\n\n第三行") == "first line second第三行"
    doc = document(answered_report(work_points="完成\x1e任务\x1d\x0b12项"))
    assert paragraph(doc, "other_matters.work_points").text.endswith("完成任务12项。")


def test_stored_answers_are_normalised_for_the_templates() -> None:
    report = answered_report(
        active_count={"portal": "236", "nosuch": 3},
        active_channels="wechat portal nosuch",
        platform="第一项\n\n第二项\r\n",
        fee_collected="maybe",
        fee_amount="abc",
        fee_notices=True,
        work_points=["分两行", "写的回答"],
    )
    values = answers(report)
    assert values["active_count"] == {"portal": 236}
    assert values["active_channels"] == ["wechat", "portal"]
    assert values["platform"] == ["第一项", "第二项"]
    assert values["fee_collected"] is None
    assert values["fee_amount"] is None
    assert values["fee_notices"] is None
    assert values["work_points"] == "分两行写的回答"
    assert answers(answered_report(fee_amount="0.3500"))["fee_amount"] == Decimal("0.3500")
    assert answers(Report("某局", 2024, extra={"answers": "not a mapping"}))["platform"] is None


def _varied(rows: dict[str, list[int]], carried: list[int], forward: list[int]) -> str:
    from tests.golden.profiles import _table3, all_granted

    report = all_granted()
    report.applications = _table3(rows, carried, forward)
    return paragraph(document(report), "overview.applications").text


ONE = [1, 0, 0, 0, 0, 0]
NONE = [0, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("rows", "carried", "forward", "said", "unsaid"),
    [
        ({"granted": ONE}, NONE, NONE, "经审查，该申请予以公开", "均"),
        ({"granted": [3, 0, 0, 0, 0, 0]}, NONE, NONE, "办结的3件申请均予以公开", "从办理结果看"),
        (
            {"unavailable_not_held": ONE},
            NONE,
            NONE,
            "无法提供（本机关不掌握相关政府信息）",
            "1件、",
        ),
        ({"granted": [2, 0, 0, 0, 0, 0]}, [2, 0, 0, 0, 0, 0], NONE, "未收到新的", "上年结转申请0"),
        ({}, NONE, [3, 0, 0, 0, 0, 0], "均在办理中，结转下年度继续办理", "办结0件"),
        ({}, NONE, NONE, "未收到政府信息公开申请", "0件"),
    ],
)
def test_the_applications_paragraph_follows_the_figures(
    rows: dict[str, list[int]], carried: list[int], forward: list[int], said: str, unsaid: str
) -> None:
    """Should write as a drafter does for one application, none, all alike, only carried
    over, all still pending: no 均 for one, no zero enumerated."""
    text = _varied(rows, carried, forward)
    assert said in text
    assert unsaid not in text
    assert not re.search(r"[^0-9]0件", text)
