"""The Word draft, read back with python-docx: 公文 typography, the three tables cell by cell."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO
from time import sleep
from typing import Any

import pytest
from docx import Document as read_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from openpyxl import load_workbook

from bot.drafting.prose import document
from bot.drafting.render import render
from bot.format.datafile import Report
from tests.helpers.drafts import (
    LONG,
    NASTY,
    Spans,
    answered_report,
    block_spans,
    cover,
    expected_figures,
    nasty_report,
    unique_report,
)


def load(report: Report) -> Any:
    return read_docx(BytesIO(render(report, "docx")))


def east_asian(style: Any) -> str | None:
    fonts = style.element.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def docx_spans(table: Any) -> Spans:
    """Origin cells of a Word table from its XML: gridSpan across, vMerge down."""
    spans: Spans = {}
    origin_at: dict[int, tuple[int, int]] = {}  # column -> origin of the open vertical merge
    for r, tr in enumerate(table._tbl.tr_lst):
        c = 0
        for tc in tr.tc_lst:
            span = tc.grid_span
            merge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
            text = "".join(t.text or "" for t in tc.iter(qn("w:t")))
            if merge is not None and merge.get(qn("w:val")) != "restart":
                row, col = origin_at[c]
                old_text, rowspan, colspan = spans[(row, col)]
                assert colspan == span
                spans[(row, col)] = (old_text, rowspan + 1, colspan)
            else:
                spans[(r, c)] = (text, 1, span)
                origin_at[c] = (r, c)
            c += span
    return spans


@pytest.mark.parametrize("build", [unique_report, answered_report])
def test_tables_reproduce_the_layout_cell_by_cell(build: Any) -> None:
    report = build()
    tables = load(report).tables
    blocks = list(document(report).tables())
    assert len(tables) == 3
    for table, block in zip(tables, blocks, strict=True):
        spans = docx_spans(table)
        assert spans == block_spans(block)
        assert len(cover(spans)) == block.n_rows * block.n_cols
        figures = expected_figures(report)[block.kind]
        assert {pos: spans[pos][0] for pos in figures} == figures


def test_seed_tables(seed: Report) -> None:
    tables = load(seed).tables
    for table, block in zip(tables, document(seed).tables(), strict=True):
        assert docx_spans(table) == block_spans(block)
    assert docx_spans(tables[1])[(15, 3)] == ("1", 1, 1)  # （四）1 本机关不掌握 · 自然人


def test_merged_headers_use_grid_span_and_vertical_merge() -> None:
    apps = load(unique_report()).tables[1]
    first = apps._tbl.tr_lst[0].tc_lst
    assert first[0].grid_span == 3
    assert first[0].tcPr.find(qn("w:vMerge")).get(qn("w:val")) == "restart"
    assert first[1].grid_span == 7
    below = apps._tbl.tr_lst[1].tc_lst[0]
    assert below.grid_span == 3
    assert below.tcPr.find(qn("w:vMerge")).get(qn("w:val")) is None
    review = load(unique_report()).tables[2]
    assert [tc.grid_span for tc in review._tbl.tr_lst[0].tc_lst] == [5, 10]
    assert [tc.grid_span for tc in review._tbl.tr_lst[1].tc_lst] == [1, 1, 1, 1, 1, 5, 5]


def test_header_rows_repeat_and_every_border_is_drawn() -> None:
    tables = load(unique_report()).tables
    for table, header_rows in zip(tables, (0, 3, 3), strict=True):
        flags = [
            tr.trPr is not None and tr.trPr.find(qn("w:tblHeader")) is not None
            for tr in table._tbl.tr_lst
        ]
        assert flags == [i < header_rows for i in range(len(flags))]
        borders = table._tbl.tblPr.find(qn("w:tblBorders"))
        assert {b.tag.split("}")[1]: b.get(qn("w:val")) for b in borders} == dict.fromkeys(
            ("top", "left", "bottom", "right", "insideH", "insideV"), "single"
        )
    style = load(unique_report()).styles["Report Table Text"]
    assert style.font.size == Pt(10.5)
    assert tables[1].rows[3].cells[3].paragraphs[0].style.name == "Report Table Text"


def test_page_is_a4_with_the_official_margins() -> None:
    section = load(answered_report()).sections[0]
    sizes = (
        section.page_width,
        section.page_height,
        section.top_margin,
        section.bottom_margin,
        section.left_margin,
        section.right_margin,
    )
    assert [round(x.mm, 1) for x in sizes] == [210, 297, 37, 35, 28, 26]  # stored in twips


def test_body_title_and_heading_typography() -> None:
    doc = load(answered_report())
    normal = doc.styles["Normal"]
    assert east_asian(normal) == "仿宋_GB2312"
    assert normal.font.name == "仿宋_GB2312"
    assert normal.font.size == Pt(16)
    fmt = normal.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.element.pPr.spacing.get(qn("w:line")) == "579"  # 28.95 pt in twips
    assert normal.element.pPr.ind.get(qn("w:firstLineChars")) == "200"
    assert fmt.first_line_indent == Pt(32)
    title = doc.paragraphs[0]
    # broken between the agency and the rest (a line break inside the one paragraph)
    assert title.text == "示例市示例区交通运输局\n2024年政府信息公开工作年度报告"
    assert title.style.name == "Report Title"
    assert east_asian(title.style) == "方正小标宋简体"
    assert title.style.font.size == Pt(22)
    assert title.style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    by_text = {p.text: p for p in doc.paragraphs}
    assert east_asian(by_text["一、总体情况"].style) == "黑体"
    assert east_asian(by_text["（一）主动公开"].style) == "楷体_GB2312"
    [body] = [p for text, p in by_text.items() if text.endswith("修订信息发布审核办法。")]
    assert body.style.name == "Normal"


def test_paragraphs_follow_the_document_model() -> None:
    report = answered_report()
    doc = load(report)
    model = document(report)
    expected = [model.title, model.opening.text]
    for section in model.sections:
        expected.append(section.title)
        expected += [p.text for p in section.paragraphs()]
    assert [p.text.replace("\n", "") for p in doc.paragraphs] == expected


def test_page_numbers_are_page_fields_outside() -> None:
    doc = load(answered_report())
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        assert paragraph.text == "— 1 —"
        instr = [t.text for t in paragraph._p.iter(qn("w:instrText"))]
        assert [i.strip() for i in instr] == ["PAGE"]
        assert east_asian(paragraph.style) == "宋体"
        assert paragraph.style.font.size == Pt(14)


def test_officer_text_gives_a_valid_document() -> None:
    doc = load(nasty_report())  # python-docx parses every part: the XML is valid
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "<script>alert(\"x\")</script> & 'quoted'" in text
    assert "😀🇨🇳" in text
    assert LONG in text
    assert NASTY not in text  # its control characters are gone
    assert "\x00" not in text
    assert "\x1b" not in text


def test_the_same_draft_is_the_same_file_every_time() -> None:
    """A .docx or .xlsx written again later is byte for byte the same file (a reviewer
    comparing two exports sees a change only where there is one), it still opens, and it
    says it was made on 1 January after the report year."""
    report = answered_report()
    first = {fmt: render(report, fmt) for fmt in ("docx", "xlsx")}
    sleep(2.1)  # zip entries are dated to 2 seconds, the properties to the second
    assert {fmt: render(report, fmt) for fmt in ("docx", "xlsx")} == first
    opening = datetime(report.year + 1, 1, 1, tzinfo=UTC)
    properties = read_docx(BytesIO(first["docx"])).core_properties
    assert (properties.created, properties.modified) == (opening, opening)
    assert properties.title.startswith(report.agency)
    workbook = load_workbook(BytesIO(first["xlsx"]))
    assert workbook.properties.created == opening.replace(tzinfo=None)
    assert len(workbook.sheetnames) == 3
    other = answered_report()
    other.active["normative_docs.issued"] = 99
    assert render(other, "docx") != first["docx"]
