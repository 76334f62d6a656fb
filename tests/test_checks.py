"""Every rule of the format, named: each finding names the cell, expected and found values.

Rules: table3.column_identity, table3.row_total, table3.disposition_total,
table3.suspect_cell, table4.group_total, table2.rules_level, table2.in_force_trend,
table3.carried_over, prose.against_tables, complete.*, part6.fee_statement.
"""

from __future__ import annotations

import copy
import itertools

import pytest

from bot.checks.rules import addr, check
from bot.format.catalogue import Code
from bot.format.datafile import Report
from bot.format.findings import Severity, has_errors
from bot.format.model import model
from tests.helpers.factories import consistent_report

M = model()
TABLE3 = [(r.key, c) for r in M.applications.rows for c in range(M.applications.width)]
TABLE4 = [(r.key, c) for r in M.review_litigation.rows for c in range(M.review_litigation.width)]


def raised(report: Report, part: str, row: str, col: int, by: int = 1) -> Report:
    """A copy of ``report`` with one cell raised."""
    bad = copy.deepcopy(report)
    bad.grid(M.applications if part == "applications" else M.review_litigation)[row][col] += by
    return bad


def codes(findings: list) -> list[Code]:
    return [f.code for f in findings]


def test_seed__only_fee_warning(seed: Report) -> None:
    """Should pass the real report with one warning: part 六 does not state the fee."""
    findings = check(seed)
    assert codes(findings) == [Code.CHK_FEE_STATEMENT]
    assert findings[0].severity is Severity.WARNING
    assert not has_errors(findings)


def test_own_report__clean(report: Report) -> None:
    assert check(report) == []


@pytest.mark.parametrize(("row", "col"), TABLE3)
@pytest.mark.parametrize("which", ["seed", "own"])
def test_table3_cell_raised__names_cell(row: str, col: int, which: str, request) -> None:
    """Should name exactly the raised cell of table 三 and the broken rule."""
    base = request.getfixturevalue("seed") if which == "seed" else consistent_report()
    findings = check(raised(base, "applications", row, col))
    assert has_errors(findings)
    target = addr("applications", row, col)
    suspects = [f for f in findings if f.code is Code.CHK_SUSPECT_CELL]
    assert [f.cell for f in suspects] == [target]
    assert M.applications.cell_ref(row, col) in suspects[0].message()
    assert suspects[0].params["expected"] == base.applications[row][col]
    broken = {f.rule for f in findings if f.rule.startswith("table3.")}
    # 一＋二＝三（七）＋四 holds across rows one, two, 三（七） and four; the dispositions add
    # up to 三（七）: raising 三（七） breaks both
    identities = {
        "new": {"table3.column_identity"},
        "carried_over": {"table3.column_identity"},
        "carry_forward": {"table3.column_identity"},
        "total": {"table3.column_identity", "table3.disposition_total"},
    }.get(row, {"table3.disposition_total"})
    assert broken == {"table3.suspect_cell", "table3.row_total", *identities}
    assert all(
        target in f.cells
        for f in findings
        if f.rule.startswith("table3.row")
        or f.rule in ("table3.column_identity", "table3.disposition_total")
    )


@pytest.mark.parametrize(("row", "col"), TABLE4)
@pytest.mark.parametrize("which", ["seed", "own"])
def test_table4_cell_raised__names_cell(row: str, col: int, which: str, request) -> None:
    base = request.getfixturevalue("seed") if which == "seed" else consistent_report()
    findings = [
        f
        for f in check(raised(base, "review_litigation", row, col))
        if f.code is Code.CHK_REVIEW_TOTAL
    ]
    assert len(findings) == 1
    finding = findings[0]
    assert finding.severity is Severity.ERROR
    assert addr("review_litigation", row, col) in finding.cells
    text = finding.message()
    assert M.review_litigation.row(row).ref in text
    if col < 4:  # the raised figure is named with its column in the sum
        label = M.review_litigation.columns[col].label
        assert f"{label} {base.review_litigation[row][col] + 1}" in text


def test_column_identity_message_gives_expected_and_found(report: Report) -> None:
    bad = raised(report, "applications", "carry_forward", 0)
    bad.applications["carry_forward"][6] += 1  # keep the row total right
    finding = next(f for f in check(bad) if f.rule == "table3.column_identity")
    assert finding.cell == "applications.total[0]"
    assert finding.params["expected"] == report.applications["total"][0] - 1
    assert finding.params["found"] == report.applications["total"][0]
    assert "三、（七）总计·自然人" in finding.message()


@pytest.mark.parametrize(
    ("level", "error"),
    [("county", True), ("township", True), ("prefecture", False), ("national", False)],
)
def test_rules_above_zero_by_level(report: Report, level: str, error: bool) -> None:
    report.extra["agency_level"] = level
    report.active["rules.in_force"] = 2
    report.active["rules.issued"] = 2
    findings = [f for f in check(report) if f.rule == "table2.rules_level"]
    assert bool(findings) is error
    if error:
        assert {f.cell for f in findings} == {"active.rules.in_force", "active.rules.issued"}
        assert all(f.severity is Severity.ERROR for f in findings)
        assert "二、规章·现行有效件数" in findings[0].message() + findings[1].message()


def test_previous_year__carried_over_and_in_force(report: Report) -> None:
    previous = consistent_report(year=report.year - 1)
    previous.applications["carry_forward"] = [3, 1, 0, 0, 0, 0, 4]
    previous.active["normative_docs.in_force"] = 15
    findings = check(report, previous)
    assert [f.cell for f in findings if f.rule == "table3.carried_over"] == []
    assert [f.cell for f in findings if f.rule == "table2.in_force_trend"] == []
    previous.applications["carry_forward"] = [2, 1, 0, 0, 0, 1, 4]
    previous.active["normative_docs.in_force"] = 16
    findings = check(report, previous)
    carried = [f for f in findings if f.rule == "table3.carried_over"]
    assert [f.cell for f in carried] == [
        "applications.carried_over[0]",
        "applications.carried_over[5]",
    ]
    assert carried[0].params == {"cell": "二、上年结转·自然人", "expected": 2, "found": 3}
    trend = [f for f in findings if f.rule == "table2.in_force_trend"]
    assert [(f.params["expected"], f.params["found"]) for f in trend] == [(18, 17)]
    assert all(f.severity is Severity.WARNING for f in carried + trend)
    assert check(report) == []  # without last year, no cross-year findings


def test_missing_is_not_zero(report: Report) -> None:
    del report.applications["withheld_admin_query"]
    del report.active["licensing"]
    report.narrative["problems"] = " "
    findings = check(report)
    missing = {f.cell for f in findings if f.code is Code.CHK_MISSING_CELL}
    assert missing == {"applications.withheld_admin_query", "active.licensing"}
    assert {f.cell for f in findings if f.code is Code.CHK_MISSING_PART} == {"narrative.problems"}
    # the disposition sum is not checked with a term missing: no invented zero
    assert not [f for f in findings if f.rule == "table3.disposition_total"]


def test_whole_table_missing_is_one_finding(report: Report) -> None:
    report.review_litigation = {}
    findings = check(report)
    assert [f.code for f in findings] == [Code.CHK_MISSING_TABLE]
    assert "四、政府信息公开行政复议、行政诉讼情况" in findings[0].message()


@pytest.mark.parametrize(
    ("prose", "flagged"),
    [
        ("全年共收到政府信息公开申请76件。", [("new", 76)]),
        ("全年新收政府信息公开申请75件，上年结转4件。", []),
        ("上年结转申请5件。", [("carried_over", 5)]),
        ("本年度共办结申请七十八件。", [("total", 78)]),
        ("本年度共办结申请79件。", []),  # new + carried over, an accepted reading
        ("其中予以公开18件，部分公开7件。", []),
        ("申请中予以公开19件。", [("granted", 19)]),
        ("本年度被申请行政复议3起，行政诉讼3件。", [("review", 3)]),
        ("本年度没有发生行政复议和行政诉讼。", [("review", 0), ("litigation_direct", 0)]),
        ("承办人大代表建议收到申请12件。", []),
        ("通过门户网站主动公开信息150条。", []),
    ],
)
def test_prose_against_tables(report: Report, prose: str, flagged: list) -> None:
    report.narrative["overview"] = prose
    found = [f for f in check(report) if f.rule == "prose.against_tables"]
    assert [(f.cell.split(":")[1], f.params["found"]) for f in found] == flagged
    assert all(f.severity is Severity.WARNING for f in found)


def test_fee_statement(report: Report) -> None:
    report.narrative["other_matters"] = "无。"
    assert codes(check(report)) == [Code.CHK_FEE_STATEMENT]
    report.narrative["other_matters"] = "本年度收取信息处理费0.02万元。"
    assert check(report) == []


def test_every_message_formats(report: Report) -> None:
    """Should format every finding's Chinese message with its own parameters."""
    bad = copy.deepcopy(report)
    for row, col in itertools.islice(TABLE3, 0, None, 17):
        bad.applications[row][col] += 2
    bad.review_litigation["review"][0] += 1
    for finding in check(bad):
        assert finding.message()
