"""The XLSX of the three tables, read back with openpyxl: layout, merges, numbers."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.drafting.prose import document
from bot.drafting.render import render
from bot.drafting.xlsx_writer import FIRST_ROW, MONEY_FORMAT, sheet_title
from bot.format.datafile import Report
from bot.format.model import model
from tests.helpers.drafts import (
    GAP_CELL,
    UNIQUE_FEES,
    Spans,
    answered_report,
    block_spans,
    expected_figures,
    unique_report,
)


def load(report: Report) -> Any:
    return load_workbook(BytesIO(render(report, "xlsx")), data_only=True)  # values as saved


def sheet_spans(ws: Any, n_rows: int, n_cols: int) -> Spans:
    """Origin cells of the table below the title row, from values and merged ranges."""
    merged = {
        (r.min_row, r.min_col): (r.max_row - r.min_row + 1, r.max_col - r.min_col + 1)
        for r in ws.merged_cells.ranges
        if r.min_row >= FIRST_ROW
    }
    covered = {
        (row, col)
        for (r0, c0), (h, w) in merged.items()
        for row in range(r0, r0 + h)
        for col in range(c0, c0 + w)
    } - set(merged)
    spans: Spans = {}
    for row in range(FIRST_ROW, FIRST_ROW + n_rows):
        for col in range(1, n_cols + 1):
            if (row, col) in covered:
                assert ws.cell(row, col).value is None
                continue
            value = ws.cell(row, col).value
            text = value if isinstance(value, str) else format(Decimal(str(value)), "f")
            spans[(row - FIRST_ROW, col - 1)] = (text, *merged.get((row, col), (1, 1)))
    return spans


@pytest.mark.parametrize("build", [unique_report, answered_report])
def test_sheets_reproduce_the_layout_and_figures(build: Any) -> None:
    report = build()
    wb = load(report)
    blocks = list(document(report).tables())
    assert wb.sheetnames == [model().part(b.kind).title for b in blocks]
    for ws, block in zip(wb.worksheets, blocks, strict=True):
        assert ws.cell(1, 1).value.endswith(model().part(block.kind).title)
        assert sheet_spans(ws, block.n_rows, block.n_cols) == block_spans(block)
        for (row, col), text in expected_figures(report)[block.kind].items():
            value = ws.cell(FIRST_ROW + row, 1 + col).value
            assert isinstance(value, int | float)
            assert not isinstance(value, bool)
            assert Decimal(str(value)) == Decimal(text)


def test_merged_header_ranges() -> None:
    wb = load(unique_report())
    apps, review = wb.worksheets[1], wb.worksheets[2]
    ranges = {str(r) for r in apps.merged_cells.ranges}
    assert {
        "A2:C4",
        "D2:J2",
        "D3:D4",
        "E3:I3",
        "J3:J4",
        "A7:A28",
        "B9:B16",
        "B28:C28",
        "A29:C29",
    } <= ranges
    assert {"A2:E2", "F2:O2", "F3:J3", "K3:O3", "A3:A4"} <= {
        str(r) for r in review.merged_cells.ranges
    }
    assert apps.print_title_rows == "$2:$4"  # header rows repeat when printed


def test_money_is_a_number_shown_with_two_to_four_decimals() -> None:
    ws = load(unique_report()).worksheets[0]
    fees = ws.cell(FIRST_ROW + 13, 2)
    assert fees.value == pytest.approx(float(UNIQUE_FEES))
    assert fees.number_format == MONEY_FORMAT
    assert ws.cell(FIRST_ROW + 6, 2).number_format == "0"


def test_unanswered_cells_hold_the_gap_text() -> None:
    report = unique_report()
    del report.applications["new"]
    ws = load(report).worksheets[1]
    assert [ws.cell(FIRST_ROW + 3, c).value for c in range(4, 11)] == [GAP_CELL] * 7


def test_seed_workbook(seed: Report) -> None:
    ws = load(seed).worksheets[1]
    assert ws.cell(FIRST_ROW + 3, 4).value == 1  # 一、本年新收 · 自然人
    assert ws.cell(FIRST_ROW + 15, 10).value == 1  # （四）1 本机关不掌握 · 总计


def test_sheet_titles_are_valid() -> None:
    assert sheet_title("a/b[c]:d*e?f\\g" + "长" * 40) == "abcdefg" + "长" * 24


def raw(report: Report) -> Any:
    """The workbook as a spreadsheet program sees it: formulas, protection, print set-up."""
    return load_workbook(BytesIO(render(report, "xlsx")))


def test_fees_show_two_to_four_decimals() -> None:
    assert MONEY_FORMAT == "0.00##"  # 12.35 stays 12.35, 12.3456 shows whole, never 12.3500


def test_totals_are_sums_that_keep_their_values() -> None:
    report = answered_report()  # every total adds up
    formulas = raw(report)["三、收到和处理政府信息公开申请情况"]
    values = load(report)["三、收到和处理政府信息公开申请情况"]
    new = FIRST_ROW + 3  # 一、本年新收: its 总计 adds up its row
    assert formulas.cell(new, 10).value == f"=SUM(D{new}:I{new})"
    assert values.cell(new, 10).value == report.applications["new"][6]
    total = next(r for r in range(1, 40) if formulas.cell(r, 2).value == "（七）总计")
    assert formulas.cell(total, 4).value == f"=SUM(D{FIRST_ROW + 5}:D{total - 1})"
    assert values.cell(total, 4).value == report.applications["total"][0]
    review = raw(report)["四、政府信息公开行政复议、行政诉讼情况"]
    assert review.cell(FIRST_ROW + 3, 5).value == f"=SUM(A{FIRST_ROW + 3}:D{FIRST_ROW + 3})"


def test_a_total_that_does_not_add_up_is_kept_as_printed() -> None:
    report = answered_report()
    report.applications["new"][6] += 1  # a printed error, for the checks to find
    ws = raw(report)["三、收到和处理政府信息公开申请情况"]
    assert ws.cell(FIRST_ROW + 3, 10).value == report.applications["new"][6]


def test_labels_and_totals_are_locked_figures_open() -> None:
    ws = raw(answered_report())["三、收到和处理政府信息公开申请情况"]
    assert ws.protection.sheet
    assert ws.cell(FIRST_ROW + 3, 1).protection.locked  # a label
    assert ws.cell(FIRST_ROW + 3, 10).protection.locked  # a total
    assert not ws.cell(FIRST_ROW + 3, 4).protection.locked  # a figure the officer types
    gaps = unique_report()
    del gaps.applications["new"]
    ws = raw(gaps)["三、收到和处理政府信息公开申请情况"]
    assert not ws.cell(FIRST_ROW + 3, 10).protection.locked  # a gap to fill in


def test_print_set_up_follows_the_report() -> None:
    wb = raw(unique_report())
    for ws, orientation in zip(wb.worksheets, ("portrait", "portrait", "landscape"), strict=True):
        margins = ws.page_margins
        mm = [round(x * 25.4) for x in (margins.top, margins.bottom, margins.left, margins.right)]
        assert mm == [37, 35, 28, 26]
        assert ws.page_setup.orientation == orientation
        assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert wb.worksheets[1].page_setup.fitToHeight == 1  # table 三 on one page


def test_rows_are_as_high_as_their_wrapped_labels() -> None:
    ws = raw(unique_report())["三、收到和处理政府信息公开申请情况"]
    heights = {
        ws.cell(r, c).value: ws.row_dimensions[r].height
        for r in range(FIRST_ROW, FIRST_ROW + 26)
        for c in (1, 2, 3)
        if isinstance(ws.cell(r, c).value, str)
    }
    short, long = heights["1.属于国家秘密"], heights["5.要求行政机关确认或重新出具已获取信息"]
    assert short
    assert long >= 2 * short - 5  # two lines where one is not enough


def test_an_agency_named_like_a_formula_stays_text() -> None:
    report = unique_report()
    report.agency = '=HYPERLINK("http://x","点击")'
    ws = raw(report).worksheets[0]
    assert ws.cell(1, 1).data_type == "s"
    assert ws.cell(1, 1).value.startswith('=HYPERLINK("http://x","点击")')


def test_a_workbook_saved_without_formula_values_imports_the_same() -> None:
    """A program that writes formulas only (openpyxl, a script) drops the totals' values:
    the import works them out as Excel would, so the figures come back the same."""
    from bot.importing.importer import import_bytes

    report = answered_report()
    resaved = BytesIO()
    raw(report).save(resaved)
    result = import_bytes("resaved.xlsx", resaved.getvalue())
    assert result.missing == []
    assert result.report.applications == report.applications
    assert result.report.review_litigation == report.review_litigation
