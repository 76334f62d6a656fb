"""The published layouts the import used to miss: a title wrapped over lines, table 四 as
three small tables, table 三 across a page break, figures in the millions, empty cells as
blank lines, and a cell whose <td> was dropped. Each is read whole, or left missing,
never guessed."""

from __future__ import annotations

import pytest

from bot.checks.rules import check
from bot.format.catalogue import Code
from bot.format.datafile import Report
from bot.format.figures import MAX_COUNT
from bot.format.model import model
from bot.importing import importer
from bot.importing.files import read_document
from bot.importing.importer import find_title, import_bytes
from bot.importing.text import Document, paragraph, text_lines
from bot.store.reports import Store
from tests.helpers.chat import codes, play, say, service
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.factories import consistent_report
from tests.helpers.import_fixtures import (
    Style,
    assert_same_tables,
    delimited_text,
    distinct_report,
    html_page,
    title,
    web_text,
)


@pytest.fixture(autouse=True)
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is read, not how it is bounded (tests/test_hostile_files.py: the bounds)."""

    def read(name: str, data: bytes) -> Document:
        return read_document(name, data)

    monkeypatch.setattr(importer, "read_document_bounded", read)


def one_cell_per_line(report: Report) -> list[str]:
    return web_text(report, blank_lines=False).splitlines()


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ["2025 年示例市人民政府办公厅政府信息公开", "工作年度报告"],
        ["示例市人民政府办公厅 2025 年政府信", "息公开工作年度报告"],
        ["示例市人民政府办公厅", "2 0 2 5 年政府信息公开工作年度报告"],
        ["示 例 市 人 民 政 府 办 公 厅", "2025 年 度 政 府 信 息 公 开", "工 作 年 度 报 告"],
    ],
    ids=["year first, wrapped", "wrapped inside a word", "agency above", "spaced out"],
)
def test_a_title_wrapped_or_spaced_names_agency_and_year(lines: list[str]) -> None:
    found = find_title(tuple(p for p in map(paragraph, [*lines, "一、总体情况"]) if p), "")
    assert found == ("示例市人民政府办公厅", 2025)


def test_a_report_with_its_title_wrapped_is_imported() -> None:
    source = distinct_report()
    lines = one_cell_per_line(source)
    assert lines[0] == title(source)
    wrapped = [f"{source.year} 年{source.agency}政府信息公开", "工作年度报告", *lines[1:]]
    assert_same_tables(import_bytes("r.txt", "\n".join(wrapped).encode()), source)


# --- table 四 as three small tables ------------------------------------------------------------

HEADINGS = {
    "review": "行政复议",
    "litigation_direct": "行政诉讼（未经复议直接起诉）",
    "litigation_after_review": "行政诉讼（复议后起诉）",
}


def with_table_4_split(lines: list[str], report: Report, rows_as: str) -> list[str]:
    """``lines`` with table 四 printed as three small tables under their headings: cells one
    per line (``cells``) or rows tab-separated (``rows``)."""
    start = lines.index("四、政府信息公开行政复议、行政诉讼情况") + 1
    end = next(n for n, line in enumerate(lines) if line.startswith("五、"))
    labels = [c.label for c in model().review_litigation.columns]
    split: list[str] = []
    for key, heading in HEADINGS.items():
        figures = [str(v) for v in report.review_litigation[key]]
        if rows_as == "cells":
            split += [heading, *labels, *figures]
        else:
            split += [heading, "\t".join(labels), "\t".join(figures)]
    return lines[:start] + split + lines[end:]


@pytest.mark.parametrize("rows_as", ["cells", "rows"])
def test_table_4_as_three_small_tables_under_headings(rows_as: str) -> None:
    source = distinct_report()
    source.review_litigation["review"][4] = 0  # printed wrong: kept as printed
    lines = with_table_4_split(one_cell_per_line(source), source, rows_as)
    result = import_bytes("r.txt", "\n".join(lines).encode())
    assert_same_tables(result, source)
    wrong = [f.cell for f in check(result.report) if f.code is Code.CHK_REVIEW_TOTAL]
    assert wrong == ["review_litigation.review[4]"]


def test_table_4_sub_tables_with_a_figure_lost_leave_that_row_missing() -> None:
    source = distinct_report()
    lines = with_table_4_split(one_cell_per_line(source), source, "cells")
    heading = lines.index(HEADINGS["litigation_direct"])
    lost = lines.index(str(source.review_litigation["litigation_direct"][2]), heading)
    result = import_bytes("r.txt", "\n".join(lines[:lost] + lines[lost + 1 :]).encode())
    grid = model().review_litigation
    assert "litigation_direct" not in result.report.review_litigation
    assert set(result.missing) == {grid.cell_ref("litigation_direct", c) for c in range(5)}
    assert result.report.review_litigation["review"] == source.review_litigation["review"]


# --- table 三 across a page break ---------------------------------------------------------------


def with_page_break(lines: list[str], marks: list[str]) -> list[str]:
    """``lines`` with ``marks`` (a page number) and table 三's header again before the row
    8.属于行政查询事项, as a table continued on the next page prints."""
    first = next(n for n, line in enumerate(lines) if "申请人情况" in line)
    header_end = next(n for n, line in enumerate(lines) if "本年新收" in line)
    header = lines[first - 1 : header_end] if lines[first - 1].startswith("（本列") else []
    header = header or lines[first:header_end]
    cut = next(n for n, line in enumerate(lines) if "行政查询" in line)
    return lines[:cut] + marks + header + lines[cut:]


@pytest.mark.parametrize("marks", [["- 7 -"], ["第 7 页 共 12 页"], [], ["7"]])
@pytest.mark.parametrize("layout", ["cells", "rows"])
def test_table_3_across_a_page_break(marks: list[str], layout: str) -> None:
    source = distinct_report()
    text = web_text(source, blank_lines=False) if layout == "cells" else delimited_text(source)
    lines = with_page_break(text.splitlines(), marks)
    assert_same_tables(import_bytes("r.txt", "\n".join(lines).encode()), source)


def test_a_bare_page_number_that_could_end_either_row_leaves_it_missing() -> None:
    """1 0 0 0 0 0 1 and a page number 1: without the last figure the row adds up, and
    without the first (0 0 0 0 0 1 1) too. Two readings: the row is not guessed."""
    source = consistent_report()
    row = "withheld_enforcement_file"
    source.applications[row] = [1, 0, 0, 0, 0, 0, 1]
    lines = one_cell_per_line(source)
    after = next(n for n, line in enumerate(lines) if "行政执法案卷" in line) + 8
    result = import_bytes("r.txt", "\n".join([*lines[:after], "1", *lines[after:]]).encode())
    assert row not in result.report.applications
    assert model().applications.cell_ref(row, 0) in result.missing
    assert Code.IMP_ROW_COUNT in result.codes
    assert (
        result.report.applications["withheld_admin_query"]
        == source.applications["withheld_admin_query"]
    )


# --- figures in the millions ---------------------------------------------------------------------


def large_report(level: str | None) -> Report:
    report = distinct_report()
    report.active["licensing"] = 11_398_889
    report.active["punishment"] = 6_937_489
    if level:
        report.extra["agency_level"] = level
    return report


def test_counts_in_the_millions_are_imported_and_confirmed_not_refused() -> None:
    source = large_report(None)
    for build in (web_text, delimited_text):
        result = import_bytes("r.txt", build(source).encode())
        assert_same_tables(result, source)
    assert import_bytes("r.html", html_page(source)).report.active == source.active


@pytest.mark.parametrize(
    ("level", "warned"),
    [("national", set()), ("prefecture", {"licensing", "punishment"}),
     ("county", {"licensing", "punishment"}), (None, {"licensing", "punishment"})],
)  # fmt: skip
def test_a_large_count_is_a_warning_by_the_agencys_level(
    level: str | None, warned: set[str]
) -> None:
    large = [f for f in check(large_report(level)) if f.code is Code.CHK_LARGE_FIGURE]
    assert {f.cell.removeprefix("active.") for f in large} == warned
    assert all(f.severity.value == "warning" for f in large)


def test_a_county_is_asked_about_a_count_a_city_may_report() -> None:
    report = distinct_report()
    report.active["licensing"] = 2_000_000
    report.extra["agency_level"] = "prefecture"
    assert not [f for f in check(report) if f.code is Code.CHK_LARGE_FIGURE]
    report.extra["agency_level"] = "county"
    [found] = [f for f in check(report) if f.code is Code.CHK_LARGE_FIGURE]
    assert found.params["found"] == "2,000,000"


def test_a_count_above_a_billion_is_not_imported() -> None:
    source = distinct_report()
    source.active["licensing"] = MAX_COUNT + 1
    result = import_bytes("r.txt", web_text(source).encode())
    assert "licensing" not in result.report.active
    assert Code.IMP_BAD_VALUE in result.codes


def test_a_large_count_typed_in_the_chat_is_asked_to_confirm(store: Store) -> None:
    svc = service(store)
    play(svc, SEED_SESSION[:13])  # a 设区的市 agency, up to 行政许可/处罚/强制
    out = say(svc, "11,398,889 6937489 0")
    assert Code.CHAT_WARNING_ASK in codes(out)
    assert "11,398,889" in out[-1].text
    report_id = store.find_report(SEED_SESSION[0], 2023)
    assert report_id is not None
    assert store.get_report(report_id).active["licensing"] == 11_398_889  # kept
    out = say(svc, "全市统一受理平台的办件量")
    assert out[0].code is Code.CHAT_EXPLAINED


# --- the two quirks: empty cells as blank lines, a dropped <td> ---------------------------------


@pytest.mark.parametrize("spaced", [False, True], ids=["single-spaced", "double-spaced"])
def test_empty_cells_copied_as_blank_lines_are_zero(spaced: bool) -> None:
    source = consistent_report()  # many zeros, printed as empty cells
    text = web_text(source, Style(zero=""), blank_lines=spaced)
    assert "\n\n\n" in text
    result = import_bytes("r.txt", text.encode())
    assert_same_tables(result, source)


def test_blank_lines_that_break_a_row_total_are_not_taken_as_cells() -> None:
    source = consistent_report()
    lines = web_text(source, Style(zero=""), blank_lines=False).split("\n")
    row = lines.index("二、上年结转政府信息公开申请数量")
    lines.insert(row + 2, "")  # one blank line more: the row no longer adds up
    result = import_bytes("r.txt", "\n".join(lines).encode())
    assert "carried_over" not in result.report.applications
    grid = model().applications
    assert grid.cell_ref("carried_over", 0) in result.missing


def test_blank_lines_between_paragraphs_change_nothing() -> None:
    source = distinct_report()
    lines = one_cell_per_line(source)
    assert_same_tables(import_bytes("r.txt", "\n\n".join(lines).encode()), source)
    assert text_lines("a\n\nb\n\nc")[1].text == "b"  # the usual gap is no cell


def test_a_cell_whose_td_was_dropped_is_read_in_its_place() -> None:
    source = distinct_report()
    page = html_page(source).decode()
    figure = f">{source.applications['new'][1]}<"
    at = page.index(figure)
    cell = page.rindex("<td", 0, at)
    dropped = page[:cell] + page[page.index("<p>", cell) :]  # <td …> gone, </td> left
    assert dropped.count("<td") == page.count("<td") - 1
    assert_same_tables(import_bytes("r.html", dropped.encode()), source)


# --- （六）其他处理 printed as one row ----------------------------------------

OTHER = ("other_no_correction", "other_no_fee", "other")


def with_other_as_one_row(source: Report, figures: list[int]) -> list[str]:
    """The report's lines with （六）其他处理 as one row of ``figures`` (its three rows gone)."""
    lines = one_cell_per_line(source)
    start = lines.index("（六）其他处理")
    end = lines.index("（七）总计")
    return [*lines[: start + 1], *map(str, figures), *lines[end:]]


def test_other_handling_printed_as_one_row_of_zeros_is_three_rows_of_zeros() -> None:
    source = consistent_report()
    apps = source.applications
    for key in OTHER:
        for c, value in enumerate(apps[key]):
            apps["total"][c] -= value
            apps["new"][c] -= value
        apps[key] = [0] * 7
    lines = with_other_as_one_row(source, [0] * 7)
    result = import_bytes("r.txt", "\n".join(lines).encode())
    assert_same_tables(result, source)  # counts are never negative: each row is 0
    assert Code.IMP_FORMAT_2019 not in result.codes


def test_other_handling_printed_as_one_row_of_figures_is_not_split() -> None:
    source = consistent_report()
    summed = [sum(source.applications[k][c] for k in OTHER) for c in range(7)]
    result = import_bytes("r.txt", "\n".join(with_other_as_one_row(source, summed)).encode())
    assert not set(OTHER) & set(result.report.applications)
    assert Code.IMP_2019_OTHER in result.codes
    assert result.report.applications["total"] == source.applications["total"]
