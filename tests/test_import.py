"""Importing published reports: every cell that is there, every missing one listed, none
invented; the same report read alike from web text, HTML, Word and Excel."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.checks.rules import check
from bot.drafting.render import render
from bot.format.catalogue import Code
from bot.format.datafile import Report
from bot.format.model import model
from bot.importing import importer
from bot.importing.files import read_document
from bot.importing.importer import import_bytes, import_report
from bot.importing.text import Document, ImportFailed
from tests.helpers.factories import consistent_report
from tests.helpers.import_fixtures import (
    Style,
    applications_rows,
    assert_faithful,
    assert_same_tables,
    delimited_text,
    distinct_report,
    docx_bytes,
    html_page,
    relaid_xlsx,
    review_rows,
    table_html,
    title,
    web_text,
)
from tests.helpers.paths import PUBLISHED_TXT

Build = Callable[[Report], tuple[str, bytes]]


@pytest.fixture(autouse=True)
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is read, not how it is bounded: read in this process, 60 to 130 ms sooner
    each (tests/test_hostile_files.py holds the bounded reader to the same documents)."""

    def read(name: str, data: bytes) -> Document:
        return read_document(name, data)

    monkeypatch.setattr(importer, "read_document_bounded", read)


# --- the real published report -------------------------------------------------------------


@pytest.fixture
def published() -> Path:
    if not PUBLISHED_TXT.exists():
        pytest.skip("../shared/examples is not available")
    return PUBLISHED_TXT


def test_published_page_gives_the_seed_tables(published: Path, seed: Report) -> None:
    result = import_report(published)
    assert_same_tables(result, seed)
    assert result.notes == []


def test_published_page_gives_the_seed_prose(published: Path, seed: Report) -> None:
    narrative = import_report(published).report.narrative
    assert narrative == {k: v.strip() for k, v in seed.narrative.items()}


def test_published_page_is_checked_as_printed(published: Path, seed: Report) -> None:
    assert check(import_report(published).report) == check(seed)


# --- renderings of reports of our own ---------------------------------------------------------

RENDERINGS: dict[str, Build] = {
    "web text": lambda r: ("r.txt", web_text(r).encode()),
    "web text, no blank lines": lambda r: ("r.txt", web_text(r, blank_lines=False).encode()),
    "web text, split labels, half-width, padded figures": lambda r: (
        "r.txt",
        web_text(r, Style(split=True, half_width=True, pad="\u2002 ")).encode(),
    ),
    "tab-separated rows": lambda r: ("r.txt", delimited_text(r).encode()),
    "| separated rows": lambda r: ("r.txt", delimited_text(r, sep="|").encode()),
    "space-separated rows": lambda r: ("r.txt", delimited_text(r, sep=" ").encode("utf-16")),
    "HTML, split labels": lambda r: ("r.html", html_page(r, Style(split=True))),
    "HTML in a layout table, GBK": lambda r: (
        "r.htm",
        html_page(r, Style(split=True, half_width=True), layout_table=True, charset="gbk"),
    ),
    "Word, split labels": lambda r: ("r.docx", docx_bytes(r, Style(split=True))),
    "Word without suffix": lambda r: ("upload", docx_bytes(r)),
}


@pytest.mark.parametrize("build", RENDERINGS.values(), ids=RENDERINGS.keys())
def test_every_cell_and_part_is_read(build: Build) -> None:
    source = distinct_report()
    result = import_bytes(*build(source))
    assert_same_tables(result, source)
    assert result.notes == []
    assert result.report.narrative == source.narrative


@pytest.mark.parametrize("build", RENDERINGS.values(), ids=RENDERINGS.keys())
def test_figures_only_once_in_the_report_are_read_exactly(build: Build) -> None:
    source = consistent_report()  # many zeros: a misplaced figure would show
    assert_same_tables(import_bytes(*build(source)), source)


ZEROS = [
    ("r.txt", "/", web_text),
    ("r.txt", "-", web_text),
    ("r.txt", "—", web_text),
    ("r.txt", "无", web_text),
    ("r.txt", "", delimited_text),
    ("r.txt", "/", delimited_text),
    ("r.html", "", html_page),
    ("r.html", "—", html_page),
    ("r.docx", "", docx_bytes),
    ("r.docx", "－", docx_bytes),
]


@pytest.mark.parametrize(("name", "zero", "build"), ZEROS)
def test_blank_and_dash_cells_of_a_published_table_are_zero(
    name: str, zero: str, build: Callable[[Report, Style], str | bytes]
) -> None:
    source = consistent_report()
    data = build(source, Style(zero=zero))
    result = import_bytes(name, data.encode() if isinstance(data, str) else data)
    assert_same_tables(result, source)
    assert result.report.applications["withheld_state_secret"] == [1, 0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("fmt", ["html", "txt", "md", "docx", "xlsx"])
def test_drafts_rendered_by_reportbot_read_back(fmt: str) -> None:
    source = distinct_report()
    result = import_bytes(f"draft.{fmt}", render(source, fmt))
    assert_same_tables(result, source)
    if fmt != "xlsx":  # the workbook holds the tables only
        assert result.report.narrative == source.narrative


def test_workbook_cells_are_found_by_their_labels_after_a_relayout() -> None:
    source = distinct_report()
    result = import_bytes("filled.xlsx", relaid_xlsx(source))
    assert_same_tables(result, source)


def test_html_columns_are_found_by_their_header_labels_in_any_order() -> None:
    source = distinct_report()
    applications = applications_rows(source, Style())
    applications[2][:2] = applications[2][1::-1]  # 科研机构 before 商业企业
    for row in applications[3:]:
        row[-6:-4] = row[-5:-7:-1]  # and so their figures
    review = review_rows(source, Style())
    review[1][-2:] = review[1][:-3:-1]  # 复议后起诉 before 未经复议直接起诉
    review[3][5:] = review[3][10:] + review[3][5:10]
    page = "".join(
        f"<p>{p}</p>{table_html(t)}"
        for p, t in [(title(source), []), ("三、收到和处理政府信息公开申请情况", applications),
                     ("四、政府信息公开行政复议、行政诉讼情况", review)]
    )  # fmt: skip
    result = import_bytes("r.html", page.encode())
    assert result.report.applications == source.applications
    assert result.report.review_litigation == source.review_litigation


def test_unfilled_workbook_cells_are_missing_not_zero() -> None:
    source = distinct_report()
    del source.active["licensing"]  # rendered as the gap text —待填—
    del source.review_litigation["litigation_direct"]
    workbook = load_workbook(BytesIO(render(source, "xlsx")))
    sheet = workbook["三、收到和处理政府信息公开申请情况"]
    label = next(c for c in sheet["A"] if c.value == "二、上年结转政府信息公开申请数量")
    sheet.cell(label.row, 5).value = None  # the officer left 商业企业 empty
    sheet.cell(label.row, 6).value = "/"  # and wrote / for 0 in 科研机构
    buffer = BytesIO()
    workbook.save(buffer)
    result = import_bytes("filled.xlsx", buffer.getvalue())
    grid = model().applications
    expected = source.applications["carried_over"][:]
    expected[2] = 0
    # the total is a formula saved without its value: worked out as Excel would (empty adds 0)
    total = sum(v for i, v in enumerate(expected[:6]) if i != 1)
    assert result.partial["applications.carried_over"] == [
        expected[0],
        None,
        *expected[2:6],
        total,
    ]
    assert set(result.missing) == {
        "二、行政许可·本年处理决定数量",
        *(model().review_litigation.cell_ref("litigation_direct", c) for c in range(5)),
        *(grid.cell_ref("carried_over", c) for c in range(7)),
    }
    assert Code.IMP_PARTIAL_ROW in result.codes


# --- what is not there is missing, never invented ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "build"),
    [("r.txt", web_text), ("r.html", html_page), ("r.txt", delimited_text)],
    ids=["text", "html", "tab"],
)
def test_an_omitted_figure_makes_its_row_missing_with_a_note(
    name: str, build: Callable[[Report, Style], str | bytes]
) -> None:
    source = distinct_report()
    omit = frozenset({"applications.granted[2]", "review_litigation.review[1]"})
    data = build(source, Style(omit=omit))
    result = import_bytes(name, data.encode() if isinstance(data, str) else data)
    assert_faithful(result, source)
    grid, review = model().applications, model().review_litigation
    assert set(result.missing) == {
        *(grid.cell_ref("granted", c) for c in range(7)),
        *(review.cell_ref(k, c) for k in ("review", "litigation_direct",
                                           "litigation_after_review") for c in range(5)),
    }  # fmt: skip
    assert result.codes.count(Code.IMP_ROW_COUNT) == 2


def test_an_omitted_figure_of_table_2_makes_its_row_missing() -> None:
    source = distinct_report()
    result = import_bytes(
        "r.txt", web_text(source, Style(omit=frozenset({"active.rules.issued"}))).encode()
    )
    assert_faithful(result, source)
    assert set(result.missing) == {
        "二、规章·本年制发件数",
        "二、规章·本年废止件数",
        "二、规章·现行有效件数",
    }
    assert result.codes == [Code.IMP_ROW_COUNT]


def test_a_figure_that_is_no_count_is_missing_with_a_note() -> None:
    source = distinct_report()
    text = web_text(source).replace("\n\n1204\n\n", "\n\n12.5\n\n")
    granted = "\n\n".join(str(v) for v in source.applications["granted"])
    text = text.replace(granted, granted.replace("3", "-3", 1))
    result = import_bytes("r.txt", text.encode())
    assert_faithful(result, source)
    grid = model().applications
    assert set(result.missing) == {
        "二、行政许可·本年处理决定数量",
        *(grid.cell_ref("granted", c) for c in range(7)),
    }
    assert result.codes == [Code.IMP_BAD_VALUE, Code.IMP_BAD_VALUE, Code.IMP_PARTIAL_ROW]
    assert result.partial["applications.granted"] == [1, 2, None, 4, 5, 6, 21]
    assert "12.5" in result.notes[0]


def test_a_missing_table_is_reported_cell_by_cell() -> None:
    source = distinct_report()
    text = web_text(source)
    start = text.index("四、政府信息公开行政复议")
    text = text[:start] + text[text.index("五、存在的主要问题") :]
    result = import_bytes("r.txt", text.encode())
    assert_faithful(result, source)
    assert len(result.missing) == 15
    assert Code.IMP_TABLE_NOT_FOUND in result.codes


def test_a_printed_arithmetic_error_is_kept_for_check_to_find() -> None:
    source = distinct_report()
    source.applications["total"][0] += 10  # the publisher's typo
    result = import_bytes("r.html", html_page(source))
    assert result.report.applications["total"] == source.applications["total"]
    broken = {(f.rule, f.cell) for f in check(result.report)}
    assert ("table3.column_identity", "applications.total[0]") in broken
    assert ("table3.disposition_total", "applications.total[0]") in broken


def test_a_table_broken_by_a_page_break_and_a_repeated_header() -> None:
    source = distinct_report()
    text = web_text(source)
    header = "\n".join(["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
                        "社会公益组织", "法律服务机构", "其他"])  # fmt: skip
    for label in ("2.重复申请", "3.其他", "（七）总计"):
        text = text.replace(f"\n{label}\n", f"\n— 3 —\n{header}\n{label}\n", 1)
    result = import_bytes("r.txt", text.encode())
    assert_same_tables(result, source)


def test_parts_are_found_without_the_table_headings_and_with_heading_variants() -> None:
    source = distinct_report()
    text = web_text(source)
    for heading in ("二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"):
        text = text.replace(heading, "")
    text = text.replace(
        "四、政府信息公开行政复议、行政诉讼情况",
        "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况",
    )
    text = text.replace(
        "五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"
    )
    result = import_bytes("r.txt", text.encode())
    assert_same_tables(result, source)
    assert result.report.narrative == source.narrative


# --- the 2019 trial format ----------------------------------------------------------------------

FORMAT_2019 = {
    "text": lambda r: ("r.txt", web_text(r, Style(format_2019=True)).encode()),
    "html": lambda r: ("r.html", html_page(r, Style(format_2019=True))),
    "word": lambda r: ("r.docx", docx_bytes(r, Style(format_2019=True))),
}


@pytest.mark.parametrize("build", FORMAT_2019.values(), ids=FORMAT_2019.keys())
def test_2019_format_maps_what_maps_and_notes_the_rest(build: Build) -> None:
    source = distinct_report()
    result = import_bytes(*build(source))
    report = result.report
    assert report.active == {
        k: source.active[k] for k in ("licensing", "punishment", "enforcement")
    }
    others = ("other_no_correction", "other_no_fee", "other")
    assert report.applications == {k: v for k, v in source.applications.items() if k not in others}
    assert report.review_litigation == source.review_litigation
    grid = model().applications
    assert set(result.missing) == {
        *(c.ref for c in model().active_cells if c.path not in report.active),
        *(grid.cell_ref(k, c) for k in others for c in range(7)),
    }
    codes = result.codes
    assert codes[0] == Code.IMP_FORMAT_2019
    assert codes.count(Code.IMP_2019_UNMAPPED) == 3  # 规章, 规范性文件, 行政事业性收费
    assert codes.count(Code.IMP_2019_DROPPED) == 5  # the rest of 许可/处罚/强制, 其他事项, 采购
    assert codes.count(Code.IMP_2019_OTHER) == 1
    other = [sum(source.applications[k][c] for k in others) for c in range(7)]
    [note] = [n for n in result.issues if n.code is Code.IMP_2019_OTHER]
    assert note.params["values"] == "、".join(map(str, other))


# --- robustness: a line lost or doubled in copying never turns into a wrong figure ----------
# (Two faults can conspire to read right and be wrong: a row that lost a figure and a
# neighbour that lost its label read as one full row. No reader can tell; ``check`` can.)

SOURCE = distinct_report()
LINES = web_text(SOURCE, Style(split=True), blank_lines=False).splitlines()


def faithful_or_refused(lines: list[str]) -> None:
    """The import is faithful, or refused because the title line was lost."""
    try:
        result = import_bytes("r.txt", "\n".join(lines).encode())
    except ImportFailed as exc:
        code = exc.code
    else:
        assert_faithful(result, SOURCE)
        return
    assert code is Code.IMP_NO_TITLE


@pytest.mark.slow
def test_a_lost_line_never_invents_a_figure() -> None:
    for n in range(len(LINES)):
        faithful_or_refused(LINES[:n] + LINES[n + 1 :])


@pytest.mark.slow
def test_a_doubled_line_never_invents_a_figure() -> None:
    for n in range(len(LINES)):
        faithful_or_refused(LINES[: n + 1] + LINES[n:])


def test_money_is_exact_decimal() -> None:
    source = distinct_report()
    source.active["fees_wan_yuan"] = Decimal("0.0035")
    value = import_bytes("r.html", html_page(source)).report.active["fees_wan_yuan"]
    assert isinstance(value, Decimal)
    assert value == Decimal("0.0035")
