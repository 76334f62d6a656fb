"""Reading documents into lines of cells (bot.importing.text); what a cell says
(bot.importing.cells)."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from docx import Document as new_docx
from openpyxl import Workbook

from bot.importing.cells import (
    full_width_punctuation,
    label_key,
    read_value,
    strip_numbering,
    to_count,
    to_money,
)
from bot.importing.files import decode, docx_document, xlsx_document
from bot.importing.text import Line, html_document, split_line, text_lines


def texts(line: Line | None) -> list[str]:
    assert line is not None
    return [c.text for c in line.cells]


# --- plain text lines ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "cells", "table"),
    [
        ("规章\t0\t\t5", ["规章", "0", "", "5"], True),
        ("规章\t\t\t", ["规章", "", "", ""], True),  # trailing tabs are empty cells
        ("| 规章 | 0 | | 5 |", ["规章", "0", "", "5"], True),
        ("规章｜0｜1｜5", ["规章", "0", "1", "5"], True),
        ("规章：0／0／5", ["规章", "0", "0", "5"], False),
        ("行政事业性收费: 12.3456", ["行政事业性收费", "12.3456"], False),
        ("一、本年新收政府信息公开申请数量 46 12 5 3 5 4 75",
         ["一、本年新收政府信息公开申请数量", "46", "12", "5", "3", "5", "4", "75"], False),
        ("0 0 / — 1", ["0", "0", "/", "—", "1"], False),
        ("\t（一）主动公开信息120条。", ["（一）主动公开信息120条。"], False),
        ("联系电话：0859-3222222", ["联系电话：0859-3222222"], False),
    ],
)  # fmt: skip
def test_a_text_line_becomes_cells(raw: str, cells: list[str], table: bool) -> None:
    line = split_line(raw)
    assert texts(line) == cells
    assert line is not None
    assert line.table is table


@pytest.mark.parametrize("raw", ["", "   ", "|---|:---:|", "— 3 —", "- 12 -", "第2页 共5页"])
def test_blank_rules_and_page_footers_are_dropped(raw: str) -> None:
    assert split_line(raw) is None


def test_a_long_line_ending_in_a_tab_is_prose() -> None:
    text = (
        "本机关全年共收到政府信息公开申请二十件，均在法定期限内答复完毕，没有发生行政复议案件。\t"
    )
    line = split_line(text)
    assert line is not None
    assert not line.table


def test_text_file_lines_skip_blank_lines() -> None:
    assert [texts(x) for x in text_lines("规章\n\n0\n\n \n5 \n")] == [["规章"], ["0"], ["5"]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16"])
def test_text_encodings(encoding: str) -> None:
    text = "黔西南州示例局2023年政府信息公开工作年度报告"
    assert decode(text.encode(encoding), "r.txt").strip() == text


def test_declared_gb2312_page_is_decoded_as_such() -> None:
    page = "<meta charset='gb2312'><p>行政许可</p>".encode("gb2312")
    assert "行政许可" in decode(page, "r.html")


# --- HTML ---------------------------------------------------------------------------------


def test_html_cells_get_their_grid_columns_through_rowspans() -> None:
    page = """<table>
      <tr><td rowspan="2" colspan="2">note</td><td colspan="2">申请人情况</td></tr>
      <tr><td>自然人</td><td>总<br/>计</td></tr>
      <tr><td rowspan="2">三</td><td>（一）</td><td>1</td><td>2</td></tr>
      <tr><td>（二）</td><td></td><td>&nbsp;4 </td></tr>
    </table>"""
    lines = html_document(page).lines
    assert [[(c.text, c.col, c.span) for c in line.cells] for line in lines] == [
        [("note", 0, 2), ("申请人情况", 2, 2)],
        [("自然人", 2, 1), ("总计", 3, 1)],
        [("三", 0, 1), ("（一）", 1, 1), ("1", 2, 1), ("2", 3, 1)],
        [("（二）", 1, 1), ("", 2, 1), ("4", 3, 1)],
    ]
    assert all(line.table for line in lines)


def test_html_layout_table_keeps_prose_as_paragraphs_and_inner_tables_as_rows() -> None:
    page = """<html><head><title>标题_网站</title><script>var t = "<p>脚本</p>";</script>
      <style>p {}</style></head><body><table><tr><td>
      <p>一、总体情况</p><p>本年度 工作
      有序开展。</p><table><tr><td>行政许可</td><td>3</td></tr></table>
      <div>五、存在的主要问题及改进情况</div>
      </td></tr></table></body></html>"""
    document = html_document(page)
    assert document.title == "标题_网站"
    assert [(texts(line), line.table) for line in document.lines] == [
        (["一、总体情况"], False),
        (["本年度工作有序开展。"], False),
        (["行政许可", "3"], True),
        (["五、存在的主要问题及改进情况"], False),
    ]


# --- Word and Excel -----------------------------------------------------------------------


def test_docx_merged_cells_appear_once_at_their_grid_column() -> None:
    doc = new_docx()
    doc.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = doc.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "（三）不予公开"
    table.cell(0, 1).merge(table.cell(0, 2)).text = "合并"
    table.cell(1, 1).text = "1.属于国家秘密"
    table.cell(1, 2).paragraphs[0].text = "结果"
    table.cell(1, 2).add_paragraph("纠正")
    table.cell(2, 2).text = "7"
    buffer = BytesIO()
    doc.save(buffer)
    lines = docx_document(buffer.getvalue()).lines
    assert texts(lines[0]) == ["三、收到和处理政府信息公开申请情况"]
    assert [[(c.text, c.col, c.span) for c in line.cells] for line in lines[1:]] == [
        [("（三）不予公开", 0, 1), ("合并", 1, 2)],
        [("1.属于国家秘密", 1, 1), ("结果纠正", 2, 1)],
        [("", 0, 1), ("", 1, 1), ("7", 2, 1)],
    ]


def test_xlsx_sheets_merges_and_numbers() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "二、主动公开政府信息情况"
    ws["A1"] = "标题"
    ws.merge_cells("A1:C1")
    ws.append(["行政事业性收费", 12.3456, None])
    ws.append(["行政许可", 3.0, "/"])
    buffer = BytesIO()
    wb.save(buffer)
    document = xlsx_document(buffer.getvalue())
    assert document.blank_is_gap
    assert [[(c.text, c.col, c.span) for c in line.cells] for line in document.lines] == [
        [("二、主动公开政府信息情况", None, 1)],
        [("标题", 0, 3)],
        [("行政事业性收费", 0, 1), ("12.3456", 1, 1), ("", 2, 1)],
        [("行政许可", 0, 1), ("3", 1, 1), ("/", 2, 1)],
    ]


# --- one cell -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "count"),
    [("0", 0), ("/", 0), ("／", 0), ("-", 0), ("－", 0), ("—", 0), ("——", 0), ("无", 0),
     ("", 0), ("1,204", 1204), ("１２", 12), ("12件", 12), ("7\u2002", 7), (" 3 ", 3)],
)  # fmt: skip
def test_published_cells_as_counts(text: str, count: int) -> None:
    value = read_value(text)
    assert value is not None
    assert to_count(value) == count


@pytest.mark.parametrize("text", ["-3", "+2", "1.5", "3500元"])
def test_figures_that_are_no_count(text: str) -> None:
    value = read_value(text)
    assert value is not None
    assert value.number is not None
    assert to_count(value) is None


@pytest.mark.parametrize(
    "text", ["规章", "第二十条第（一）项", "一、总体情况", "2023年", "1.属于国家秘密"]
)
def test_labels_are_no_figures(text: str) -> None:
    assert read_value(text) is None


def test_gaps_are_missing_not_zero() -> None:
    for value in (read_value("—待填—"), read_value("", blank_is_gap=True)):
        assert value is not None
        assert value.number is None
        assert to_count(value) is None


@pytest.mark.parametrize(
    ("text", "money"),
    [("12.3456", Decimal("12.3456")), ("0.35万元", Decimal("0.35")), ("3500元", Decimal("0.35")),
     ("/", Decimal(0)), ("0.00", Decimal(0))],
)  # fmt: skip
def test_cells_as_money(text: str, money: Decimal) -> None:
    value = read_value(text)
    assert value is not None
    assert to_money(value) == money


def test_labels_compare_without_numbering_brackets_or_breaks() -> None:
    assert label_key("（二）部分公开（区分处理的，只计这一情形，不计其他情形）") == label_key(
        "(二)部分公开\n(区分处理的,只计这一情形,不计其他情形)"
    )
    assert strip_numbering("三、（一）予以公开") == "予以公开"
    assert strip_numbering("1.属于国家秘密") == "属于国家秘密"


def test_half_width_punctuation_next_to_chinese_becomes_full_width() -> None:
    assert (
        full_width_punctuation("2023年以来,本局(一)坚持;公开:")
        == "2023年以来，本局（一）坚持；公开："
    )
    assert full_width_punctuation("见 http://www.example.gov.cn/a?b=1 共1,234条") == (
        "见 http://www.example.gov.cn/a?b=1 共1,234条"
    )
