"""HTML, Markdown and text drafts, chat chunks, escaping, determinism and the template contract."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from jinja2 import meta

from bot.drafting.prose import TEMPLATES_DIR, DraftContext, document, environment
from bot.drafting.render import FORMATS, TablePage, preview_text, render
from bot.drafting.tables import TableBlock
from bot.format.catalogue import Code, UserError, message
from bot.format.datafile import Report
from bot.format.model import model
from bot.frontends.telegram_format import split_text, utf16_len
from tests.helpers.drafts import (
    GAP_CELL,
    LONG,
    Spans,
    answered_report,
    block_spans,
    cover,
    expected_figures,
    nasty_report,
    unique_report,
)


class TableParser(HTMLParser):
    """Tables of an HTML page as lists of rows of (tag, text, rowspan, colspan)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[tuple[str, str, int, int]]]] = []
        self.cell: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = [tag, "", int(values.get("rowspan") or 1), int(values.get("colspan") or 1)]

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append(tuple(self.cell))
            self.cell = None


def html_spans(rows: list[list[tuple[str, str, int, int]]]) -> Spans:
    """Place HTML cells on the grid as a browser does (skipping slots taken by rowspans)."""
    taken: set[tuple[int, int]] = set()
    spans: Spans = {}
    for r, row in enumerate(rows):
        c = 0
        for _, text, rowspan, colspan in row:
            while (r, c) in taken:
                c += 1
            spans[(r, c)] = (text, rowspan, colspan)
            taken |= {(r + i, c + j) for i in range(rowspan) for j in range(colspan)}
            c += colspan
    return spans


def html_tables(html: str) -> list[Spans]:
    parser = TableParser()
    parser.feed(html)
    return [html_spans(t) for t in parser.tables]


def blocks(report: Report) -> list[TableBlock]:
    return list(document(report).tables())


# --- figures in every format ---------------------------------------------------------------


@pytest.mark.parametrize("build", [unique_report, answered_report])
def test_html_tables_reproduce_the_layout_cell_by_cell(build: Any) -> None:
    report = build()
    html = render(report, "html").decode()
    found = html_tables(html)
    assert len(found) == 3
    for block, spans in zip(blocks(report), found, strict=True):
        assert spans == block_spans(block)
        assert len(cover(spans)) == block.n_rows * block.n_cols
        figures = expected_figures(report)[block.kind]
        assert {pos: spans[pos][0] for pos in figures} == figures


def test_html_merged_headers_and_header_rows() -> None:
    html = render(unique_report(), "html").decode()
    apps, review = html_tables(html)[1:]
    assert apps[(0, 0)][1:] == (3, 3)
    assert apps[(0, 3)] == ("申请人情况", 1, 7)
    assert apps[(5, 0)] == ("三、本年度办理结果", 22, 1)
    assert review[(0, 5)] == ("行政诉讼", 1, 10)
    assert html.count("<thead>") == 2  # tables 三 and 四 repeat their header rows in print


def test_seed_figures_in_html_markdown_and_text(seed: Report) -> None:
    html = render(seed, "html").decode()
    for block, spans in zip(blocks(seed), html_tables(html), strict=True):
        assert spans == block_spans(block)
    md = render(seed, "md").decode()
    txt = render(seed, "txt").decode()
    assert "| 行政规范性文件 | 0 | 0 | 5 |" in md
    assert (
        "三、本年度办理结果 （四）无法提供 1.本机关不掌握相关政府信息：1／0／0／0／0／0／1" in txt
    )


def md_tables(md: str) -> list[list[list[str]]]:
    """Pipe tables of a Markdown text, separator rows dropped."""
    out: list[list[list[str]]] = []
    previous = ""
    for line in md.split("\n"):
        if line.startswith("|"):
            if not previous.startswith("|"):
                out.append([])
            if not re.fullmatch(r"\|(:?-+:?\|)+", line):
                out[-1].append([c.strip() for c in line.strip("|").split(" | ")])
        previous = line
    return out


def test_markdown_tables_have_full_labels_and_figures_in_order() -> None:
    report = unique_report()
    m = model()
    found = md_tables(render(report, "md").decode())
    assert len(found) == 4 + 1 + 1  # table 二 as one pipe table per article
    assert found[0][0] == ["第二十条第（一）项", "", "", ""]
    assert found[0][2] == [
        "规章",
        *(str(report.active[f"rules.{k}"]) for k in ("issued", "abolished", "in_force")),
    ]
    assert found[3][2] == ["行政事业性收费", "98.7654"]
    apps = found[4]
    assert apps[0][1:] == [
        "自然人",
        "法人或其他组织·商业企业",
        "法人或其他组织·科研机构",
        "法人或其他组织·社会公益组织",
        "法人或其他组织·法律服务机构",
        "法人或其他组织·其他",
        "总计",
    ]
    labels = {
        "withheld_state_secret": "三、本年度办理结果 （三）不予公开 1.属于国家秘密",
        "total": "三、本年度办理结果 （七）总计",
        "new": "一、本年新收政府信息公开申请数量",
    }
    for row, values in zip(
        apps[1:], (report.applications[r.key] for r in m.applications.rows), strict=True
    ):
        assert row[1:] == [str(v) for v in values]
    by_label = {row[0]: row for row in apps[1:]}
    for key, label in labels.items():
        assert by_label[label][1:] == [str(v) for v in report.applications[key]]
    review = found[5]
    assert review[0][0] == "行政复议·结果维持"
    assert review[0][5] == "行政诉讼·未经复议直接起诉·结果维持"
    assert review[1] == [
        str(v) for r in m.review_litigation.rows for v in report.review_litigation[r.key]
    ]


def test_text_lists_every_row_with_its_figures() -> None:
    report = unique_report()
    txt = render(report, "txt").decode()
    for row in model().applications.rows:
        values = "／".join(str(v) for v in report.applications[row.key])
        assert re.search(rf"{re.escape(row.label)}：{values}$", txt, re.MULTILINE)
    assert "行政诉讼·复议后起诉·总计：" in txt


def test_gaps_are_visible_in_every_text_format() -> None:
    report = unique_report()
    del report.active["punishment"]
    for fmt in ("html", "md", "txt"):
        assert "—待填—" in render(report, fmt).decode()


# --- safety and determinism --------------------------------------------------------------


def test_officer_text_is_escaped_in_html() -> None:
    html = render(nasty_report(), "html").decode()
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &#39;quoted&#39;" in html
    assert "测试&lt;局&gt;&amp;" in html
    assert "😀🇨🇳" in html
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", html)
    assert LONG in html


def test_officer_text_is_escaped_in_markdown() -> None:
    md = render(nasty_report(), "md").decode()
    assert "\\<script\\>" in md
    assert "<script>" not in md
    assert "\\| pipe \\| and \\*stars\\* \\_under\\_ \\# hash" in md
    assert "\n\\# not a heading" in md
    assert "\n1\\. item" in md
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f]", md)


def test_same_data_gives_byte_identical_drafts() -> None:
    for fmt in ("html", "md", "txt"):
        assert render(nasty_report(), fmt) == render(nasty_report(), fmt)
        assert render(unique_report(), fmt) == render(unique_report(), fmt)


def test_unknown_format_is_a_coded_error() -> None:
    with pytest.raises(UserError) as raised:
        render(unique_report(), "odt")
    assert raised.value.code is Code.DRF_UNKNOWN_FORMAT
    assert "docx" in raised.value.message()
    assert FORMATS == ("docx", "pdf", "html", "md", "txt", "xlsx")


# --- chat chunks ---------------------------------------------------------------------------


def test_preview_fits_telegram_messages_and_keeps_every_paragraph() -> None:
    report = nasty_report()
    text = preview_text(report)
    parts = split_text(text)
    assert len(parts) > 3
    assert all(0 < utf16_len(p) <= 4096 for p in parts)
    joined = "".join(parts).replace("\n", "")
    assert joined == text.replace("\n", "")
    paragraphs = [p.text for p in document(report).paragraphs()]
    assert all(p in text for p in paragraphs)  # the prose in full, overrides marked
    assert any(p.endswith(message(Code.DRF_OVERRIDDEN)) for p in text.split("\n"))


def test_split_at_paragraphs_then_lines_then_sentences_then_hard() -> None:
    paragraphs = ["甲" * 3000, "乙" * 3000]
    assert split_text("\n\n".join(paragraphs)) == paragraphs
    assert split_text("\n".join(paragraphs)) == paragraphs
    lines = "\n".join(["戊" * 1000] * 3)
    assert split_text("\n\n".join([lines, lines])) == [lines, lines]  # paragraphs first
    sentences = "。".join(["丙" * 1500] * 4) + "。"
    pieces = split_text(sentences)
    assert all(p.endswith("。") for p in pieces)
    assert "".join(pieces) == sentences
    assert [utf16_len(p) for p in split_text("丁" * 10_000)] == [4096, 4096, 1808]
    emoji = split_text("😀" * 3000)
    assert [len(p) for p in emoji] == [2048, 952]
    assert split_text("") == []
    assert split_text("短") == ["短"]


def test_short_report_is_one_chunk_per_4096(seed: Report) -> None:
    parts = split_text(preview_text(seed))
    assert parts[0].startswith("黔西南州工业和信息化局2023年政府信息公开工作年度报告")
    assert all(utf16_len(p) <= 4096 for p in parts)


# --- the template contract -------------------------------------------------------------------


def test_every_context_field_is_documented() -> None:
    for contract in (DraftContext, TablePage):
        for f in dataclasses.fields(contract):
            assert f.metadata.get("help"), f"{contract.__name__}.{f.name} has no help text"


@pytest.mark.parametrize(
    "path", sorted(p.relative_to(TEMPLATES_DIR).as_posix() for p in TEMPLATES_DIR.rglob("*.j2"))
)
def test_templates_use_only_documented_fields(path: str) -> None:
    env = environment()
    source = (TEMPLATES_DIR / path).read_text(encoding="utf-8")
    used = meta.find_undeclared_variables(env.parse(source))
    # a draft's templates read the DraftContext; a page's (templates/pages/) its own fields
    contract = TablePage if path.startswith("pages/") else DraftContext
    documented = {f.name for f in dataclasses.fields(contract)}
    assert used <= documented, f"{path} uses undocumented {sorted(used - documented)}"


def test_autoescape_is_on_for_html_templates_only() -> None:
    env = environment()
    assert (
        env.get_template("draft.html.j2")
        .render(document=document(nasty_report()), fragment=False, gap_cell=GAP_CELL)
        .count("<script>")
        == 0
    )
    assert env.from_string("{{ x }}").render(x="<b>") == "<b>"
    assert env.get_template("draft.md.j2").environment is env
    assert callable(env.autoescape)
    assert env.autoescape("draft.html.j2")
    assert not env.autoescape("draft.md.j2")
    assert not env.autoescape("prose/front.j2")


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_a_replaced_paragraph_is_marked_in_the_preview_never_in_a_file(fmt: str) -> None:
    """The mark tells the officer which paragraphs are their own; a file may be published."""
    report = nasty_report()
    mark = message(Code.DRF_OVERRIDDEN)
    assert mark in preview_text(report)
    assert mark not in render(report, fmt).decode("utf-8")
