"""The Word draft as an agency would publish it: pagination, title, grid, language,
honest properties, highlighted gaps and the 落款 (read back from the package XML)."""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO
from typing import Any
from zipfile import ZipFile

import pytest
from docx import Document as read_docx
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn

from bot.drafting.render import render
from bot.drafting.typesetting import TITLE_CHARS, text_width, title_lines
from bot.format.datafile import Report
from tests.helpers.drafts import GAP_CELL, answered_report, unique_report

TAIL = "2023年政府信息公开工作年度报告"


def load(report: Report, **options: Any) -> Any:
    return read_docx(BytesIO(render(report, "docx", **options)))


def part(report: Report, name: str) -> str:
    with ZipFile(BytesIO(render(report, "docx"))) as package:
        return package.read(name).decode("utf-8")


def keeps_with_next(tr: Any) -> bool:
    paragraphs = list(tr.iter(qn("w:p")))
    return bool(paragraphs) and all(
        p.pPr is not None and p.pPr.keepNext is not None for p in paragraphs
    )


def test_every_table_moves_whole_to_the_next_page() -> None:
    """Rows never split and each keeps with the next, so a table that does not fit where
    it starts begins on a new page, under its heading."""
    doc = load(unique_report())
    for table in doc.tables:
        rows = table._tbl.tr_lst
        assert all(tr.trPr.find(qn("w:cantSplit")) is not None for tr in rows)
        assert [keeps_with_next(tr) for tr in rows] == [True] * (len(rows) - 1) + [False]
    headings = [p for p in doc.paragraphs if p.style.name == "Report Heading 1"]
    assert headings
    assert all(p.style.paragraph_format.keep_with_next for p in headings)


@pytest.mark.parametrize(
    ("agency", "lines"),
    [
        ("黔西南州工业和信息化局", ("黔西南州工业和信息化局", TAIL)),
        ("某局", ("某局" + TAIL,)),
        ("某市市场监督管理局", ("某市市场监督管理局", TAIL)),
    ],
)
def test_the_title_breaks_after_the_agency(agency: str, lines: tuple[str, ...]) -> None:
    assert title_lines(agency + TAIL, agency) == lines


def test_a_long_title_breaks_between_words_into_even_lines() -> None:
    agency = "某某省某某市某某县某某镇人民政府办公室综合科学技术协会"
    lines = title_lines(agency + TAIL, agency)
    assert "".join(lines) == agency + TAIL
    assert all(text_width(line) <= TITLE_CHARS for line in lines)
    assert len(lines) == 3
    words = (
        "某某省",
        "某某市",
        "某某县",
        "某某镇",
        "人民政府",
        "办公室",
        "2023年",
        "政府信息公开",
    )
    joined = "|".join(lines)
    assert all(w in joined for w in words)  # no word cut by a break


def test_the_page_has_a_line_grid_and_the_body_fits_28_characters() -> None:
    doc = load(answered_report())
    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 22 lines of 28.95 pt
    spacing = int(doc.styles["Normal"].element.rPr.find(qn("w:spacing")).get(qn("w:val")))
    width_twips = 11906 - 1587 - 1474
    pitch = 16 * 20 + spacing
    assert 28 * pitch <= width_twips < 29 * pitch


def test_the_document_is_chinese_with_chinese_theme_fonts() -> None:
    styles = part(answered_report(), "word/styles.xml")
    assert re.search(r'<w:lang [^>]*w:eastAsia="zh-CN"', styles)
    theme = part(answered_report(), "word/theme/theme1.xml")
    assert "ＭＳ" not in theme
    assert '<a:ea typeface="仿宋_GB2312"/>' in theme
    settings = part(answered_report(), "word/settings.xml")
    assert 'w:eastAsia="zh-CN"' in settings
    assert "ja-JP" not in settings
    assert "ＭＳ" not in part(answered_report(), "word/fontTable.xml")


def test_the_properties_name_the_agency_and_the_report() -> None:
    report = answered_report()
    data = render(report, "docx")
    props = read_docx(BytesIO(data)).core_properties
    assert props.author == report.agency
    assert props.title == f"{report.agency}{report.year}年政府信息公开工作年度报告"
    assert "python-docx" not in (props.comments or "")
    with ZipFile(BytesIO(data)) as package:
        app = package.read("docProps/app.xml").decode()
        assert not any("thumbnail" in n for n in package.namelist())
    assert "Microsoft" not in app
    assert "reportbot" in app


def test_gaps_are_highlighted() -> None:
    report = answered_report(platform=None)  # a prose gap
    report.active.pop("licensing")  # and a table gap
    doc = load(report)
    marked = [
        r.text
        for p in doc.paragraphs
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert marked
    assert all(t.startswith("【待填写") for t in marked)
    cells = [
        r.text
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
        if r.font.highlight_color == WD_COLOR_INDEX.YELLOW
    ]
    assert cells
    assert set(cells) == {GAP_CELL}
    plain = [r for p in doc.paragraphs for r in p.runs if "【" not in r.text]
    assert all(r.font.highlight_color is None for r in plain)


def test_signed_draft_ends_with_agency_and_date() -> None:
    report = answered_report()
    doc = load(report, sign=date(2025, 1, 20))
    *_, blank, agency, day = doc.paragraphs
    assert (blank.text, agency.text, day.text) == ("", report.agency, "2025年1月20日")
    right = [int(p._p.pPr.ind.get(qn("w:rightChars"))) for p in (agency, day)]
    # the date two characters in from the edge or more, starting two right of the agency
    assert right[1] >= 200
    starts = (right[0] + 100 * text_width(agency.text), right[1] + 100 * text_width(day.text))
    assert starts[0] - starts[1] == 200
    assert report.agency not in [p.text for p in load(report).paragraphs[-3:]]
