"""The vocabulary of a report: every official label is recognised, in every spelling."""

from __future__ import annotations

import pytest

from bot.format.model import model
from bot.importing.importer import find_heading, find_parts, find_title
from bot.importing.labels import (
    active_columns,
    active_row,
    application_label,
    review_column,
    review_group,
)
from bot.importing.text import Cell, Line, paragraph

HALF = str.maketrans("（）：，、“”", '():,,""')


def spellings(label: str) -> list[str]:
    """The label as printed by different publishers."""
    return [label, label.translate(HALF), label.replace("、", "."), f" {label}\u3000"]


@pytest.mark.parametrize("row", model().applications.rows, ids=lambda r: r.key)
def test_every_row_label_of_table_3_names_its_row(row: object) -> None:
    for text in spellings(row.label):  # type: ignore[attr-defined]
        assert application_label(text) == ("row", row.key)  # type: ignore[attr-defined]


def test_group_labels_of_table_3_are_groups() -> None:
    groups = {r.group for r in model().applications.rows if r.group}
    assert {application_label(g) for g in groups} == {("group", g[3:]) for g in groups}
    assert application_label("三、本年度办理结果") == ("group", "本年度办理结果")


def test_column_headers_of_table_3_are_not_rows_before_the_first_row() -> None:
    for column in model().applications.columns:
        assert application_label(column.label, started=False) is None
    assert application_label("（七）总计") == ("row", "total")
    assert application_label("3.其他") == ("row", "other")


def test_every_label_of_table_2_names_its_row_and_columns() -> None:
    for group in model().active:
        assert active_columns("".join(group.header[1:])) == [
            c.path.partition(".")[2] or ("fees" if c.money else "decisions")
            for c in group.cells[: len(group.header) - 1]
        ]
        for cell in group.cells:
            assert active_row(cell.row_label) == cell.path.partition(".")[0]
    assert active_row("规章（县级无此项）") == "rules"
    assert active_row("规范性文件") == "normative_docs"
    assert active_columns("上一年项目数量(指2019年事项数)") == ["previous"]
    assert active_columns("本年增/减(减用负值表示,如-8)") == ["change"]


def test_every_label_of_table_4() -> None:
    m = model().review_litigation
    for row in m.rows:
        assert review_group(row.label) == row.key
        assert review_group(f"{row.group}·{row.label}") == row.key
    for n, column in enumerate(m.columns):
        assert review_column(column.label) == n
        assert review_column(column.label[:2] + "\n" + column.label[2:]) == n
    assert review_group("行政诉讼") is None


# --- headings and title -------------------------------------------------------------------


@pytest.mark.parametrize("part", model().parts, ids=lambda p: p.key)
def test_every_official_heading(part: object) -> None:
    title = part.title  # type: ignore[attr-defined]
    assert find_heading(title, model()) == (part.key, "")  # type: ignore[attr-defined]
    assert find_heading(f"## {title}", model()) == (part.key, "")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("二、行政机关主动公开政府信息情况", "active"),
        ("三.行政机关收到和处理政府信息公开申请情况", "applications"),
        ("四、政府信息公开行政复议和行政诉讼情况", "review_litigation"),
        ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "review_litigation"),
        ("五、政府信息公开工作存在的主要问题及改进情况", "problems"),
    ],
)
def test_heading_variants(text: str, key: str) -> None:
    assert find_heading(text, model()) == (key, "")


@pytest.mark.parametrize(
    "text",
    ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果",
     "四、结转下年度继续办理", "（一）主动公开方面。", "一是加强业务学习。"],
)  # fmt: skip
def test_rows_of_table_3_and_sub_parts_are_no_headings(text: str) -> None:
    assert find_heading(text, model()) is None


def test_a_heading_and_its_text_in_one_paragraph() -> None:
    text = "六、其他需要报告的事项。本年度未收取信息处理费，也未发出收费通知。"
    assert find_heading(text, model()) == (
        "other_matters",
        "本年度未收取信息处理费，也未发出收费通知。",
    )


def lines(*texts: str) -> tuple[Line, ...]:
    return tuple(line for t in texts if (line := paragraph(t)) is not None)


@pytest.mark.parametrize(
    ("texts", "agency", "year"),
    [
        (["示例县教育局2022年政府信息公开工作年度报告"], "示例县教育局", 2022),
        (["示例县教育局2022年度政府信息公开工作年度报告"], "示例县教育局", 2022),
        (["《示例县教育局２０２２年政府信息公开工作年度报告》"], "示例县教育局", 2022),
        (["示例县教育局二〇二二年政府信息公开工作年度报告"], "示例县教育局", 2022),
        (["示例县教育局", "2022年政府信息公开工作年度报告"], "示例县教育局", 2022),
        (["首页", "示例县教育局 2022 年政府信息公开年度报告"], "示例县教育局", 2022),
    ],
)
def test_title_gives_agency_and_year(texts: list[str], agency: str, year: int) -> None:
    assert find_title(lines(*texts), "") == (agency, year)


def test_title_from_the_page_title_when_the_text_has_none() -> None:
    found = find_title(
        lines("一、总体情况"), "示例县教育局2022年政府信息公开工作年度报告_示例县政府网"
    )
    assert found == ("示例县教育局", 2022)
    assert find_title(lines("一、总体情况", "本年度工作有序开展。"), "") == (None, None)


def test_tables_are_found_by_their_labels_when_their_headings_are_missing() -> None:
    doc = lines("标题", "一、总体情况", "正文", "第二十条第（一）项", "规章",
                "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
                "行政复议", "五、存在的主要问题及改进情况", "问题")  # fmt: skip
    regions = find_parts(doc, model())
    assert [line.text for line in regions["overview"].lines] == ["正文"]
    assert [line.text for line in regions["active"].lines] == ["第二十条第（一）项", "规章"]
    assert len(regions["applications"].lines) == 1
    assert [line.text for line in regions["review_litigation"].lines] == ["行政复议"]
    assert "other_matters" not in regions


def test_a_table_row_is_never_a_heading() -> None:
    row = Line((Cell("四、政府信息公开行政复议、行政诉讼情况"), Cell("0")), True, "")
    assert find_parts((row,), model()) == {}
