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
    return load_workbook(BytesIO(render(report, "xlsx")))


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


def test_money_is_a_number_with_four_decimals() -> None:
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
