"""The paste parser (bot/format/pasted.py) and the agency's voice (bot/format/voice.py)."""

from __future__ import annotations

import pytest

from bot.format.pasted import (
    HEADING,
    LEAD_IN,
    NUMBERING,
    PUNCTUATION,
    fix_punctuation,
    split_numbered,
    split_sections,
    tidy,
)
from bot.format.voice import voice


@pytest.mark.parametrize(
    "text",
    [
        "一是公开预算信息。二是更新机构职能。三是发布政策解读。",
        "（1）公开预算信息；（2）更新机构职能；（3）发布政策解读。",
        "1.公开预算信息\n2.更新机构职能\n3.发布政策解读",
        "①公开预算信息；②更新机构职能；③发布政策解读",
        "(1)公开预算信息(2)更新机构职能(3)发布政策解读",
    ],
)
def test_existing_numbering_is_recognised(text: str) -> None:
    lead, items = split_numbered(text)
    assert lead == ""
    assert [i.rstrip("。；;") for i in items] == ["公开预算信息", "更新机构职能", "发布政策解读"]


def test_unnumbered_text_and_decimals_stay_whole() -> None:
    assert split_numbered("收取信息处理费0.35万元，统一规范3.1节内容。") == (
        "收取信息处理费0.35万元，统一规范3.1节内容。",
        [],
    )
    assert split_numbered("统一是我们的目标。")[1] == []


def test_a_lead_before_numbered_items_is_kept_apart() -> None:
    paste = tidy("2025年，我局将突出重点。一是加强学习。二是加大宣传。")
    assert paste.lead == "2025年，我局将突出重点。"
    assert paste.pieces() == ["2025年，我局将突出重点：", "加强学习。", "加大宣传。"]
    assert paste.actions == (NUMBERING,)


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("（一）主动公开方面。全年公开信息120条。", "全年公开信息120条。"),
        ("（二）依申请公开情况\n全年受理申请3件。", "全年受理申请3件。"),
        ("一、总体情况\n本年度我局工作有序。", "本年度我局工作有序。"),
        ("存在的主要问题：宣传不够。", "宣传不够。"),
        ("（五）监督保障。我局开展培训2次。", "我局开展培训2次。"),
    ],
)
def test_leading_headings_are_stripped(text: str, rest: str) -> None:
    paste = tidy(text)
    assert paste.text == rest
    assert paste.actions[0] == HEADING


def test_a_template_lead_in_is_dropped() -> None:
    paste = tidy("2025年，将着重做好以下工作：2025年，我局将加强学习。")
    assert paste.text == "2025年，我局将加强学习。"
    assert LEAD_IN in paste.actions


def test_half_width_punctuation_between_chinese_is_made_full_width() -> None:
    text, count = fix_punctuation("行政处罚56件,行政许可1234件;其中(含变更)3件:完成?是!")
    assert text == "行政处罚56件，行政许可1234件；其中（含变更）3件：完成？是！"
    assert count == 7
    assert fix_punctuation("共1,234件，version 2.0, ok")[1] == 0  # figures and English kept
    assert PUNCTUATION in tidy("宣传不够,形式单一").actions


def test_a_whole_section_is_split_at_its_sub_headings() -> None:
    text = (
        "本年度我局工作有序。\n（一）主动公开方面。一是甲。二是乙。\n"
        "（三）政府信息管理情况。严格审核。\n（四）政府信息公开平台建设方面。改版网站。"
    )
    intro, sections = split_sections(text, "overview")
    assert intro == "本年度我局工作有序。"
    assert [(s.target.id, s.text) for s in sections] == [
        ("overview.active", "一是甲。二是乙。"),
        ("overview.management", "严格审核。"),
        ("overview.platform", "改版网站。"),
    ]
    assert split_sections("（一）主动公开方面。只有一个小标题。", "overview")[1] == []


@pytest.mark.parametrize(
    ("agency", "level", "subject", "portal"),
    [
        ("黔西南州工业和信息化局", "prefecture", "我局", "门户网站"),
        ("示例市示例区人民政府", "county", "我区", "政府门户网站"),
        ("示例县示例镇人民政府", "township", "我镇", "政府门户网站"),
        ("示例市发展和改革委员会", "prefecture", "我委", "门户网站"),
        ("示例市人民政府办公室", "prefecture", "我办", "门户网站"),
        ("示例县档案馆", "county", "本机关", "门户网站"),
        ("示例街道办事处", "township", "我街道", "政府门户网站"),
    ],
)
def test_the_agency_speaks_of_itself_by_its_kind(
    agency: str, level: str, subject: str, portal: str
) -> None:
    v = voice(agency, level)
    assert (v.subject, v.portal) == (subject, portal)
