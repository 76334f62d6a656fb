"""`reportbot aggregate`: the cell-wise sum of many agencies' reports, and who has errors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.checks.rules import check
from bot.format.catalogue import Code
from bot.format.datafile import Report, load, save
from bot.format.findings import Severity
from bot.format.model import model
from bot.office.aggregate import AggregateError, Source, aggregate, read_source
from tests.helpers.factories import consistent_report
from tests.helpers.import_fixtures import cells, distinct_report, run_cli


def agencies(n: int) -> list[Report]:
    """``n`` consistent reports of one year, each scaled differently, fees with cents."""
    out = []
    for k in range(n):
        report = distinct_report() if k % 2 else consistent_report(year=2023)
        report.agency = f"示例县第{k + 1}局"
        report.applications = {key: [v * (k + 1) for v in row]
                               for key, row in report.applications.items()}  # fmt: skip
        report.active["fees_wan_yuan"] = Decimal("0.1") * (k + 1) + Decimal("0.0001")
        out.append(report)
    return out


def write(tmp_path: Path, reports: list[Report]) -> list[str]:
    paths = []
    for n, report in enumerate(reports):
        path = tmp_path / f"{n}.yaml"
        save(report, path)
        paths.append(str(path))
    return paths


def test_the_sum_is_cell_wise() -> None:
    reports = agencies(5)
    result = aggregate([Source(f"{n}.yaml", r) for n, r in enumerate(reports)])
    summed = cells(result.report)
    assert set(summed) == set(cells(reports[0]))
    for ref, value in summed.items():
        assert value == sum((cells(r)[ref] for r in reports), start=type(value)(0))
    assert result.report.active["fees_wan_yuan"] == Decimal("1.5005")
    assert result.missing == {}
    assert (result.report.agency, result.report.year) == ("汇总", 2023)


def test_the_sum_of_consistent_reports_is_consistent() -> None:
    result = aggregate([Source(f"{n}", r) for n, r in enumerate(agencies(4))], "示例县汇总")
    arithmetic = [f for f in check(result.report) if f.rule.startswith(("table3", "table4"))]
    assert arithmetic == []


def test_a_cell_missing_in_one_input_is_missing_in_the_sum() -> None:
    reports = agencies(3)
    del reports[1].active["licensing"]
    del reports[2].applications["granted"]
    result = aggregate([Source(f"{n}.yaml", r) for n, r in enumerate(reports)])
    assert "licensing" not in result.report.active
    assert "granted" not in result.report.applications
    grid = model().applications
    assert result.missing == {
        "二、行政许可·本年处理决定数量": ["1.yaml"],
        **{grid.cell_ref("granted", c): ["2.yaml"] for c in range(7)},
    }
    assert result.report.extra["aggregate"]["missing"]["二、行政许可·本年处理决定数量"] == [
        "1.yaml"
    ]


def test_inputs_of_different_years_are_refused() -> None:
    reports = agencies(2)
    reports[1].year = 2022
    with pytest.raises(AggregateError) as caught:
        aggregate([Source("a", reports[0]), Source("b", reports[1])])
    assert caught.value.code is Code.IMP_AGG_MIXED_YEARS
    assert "2022、2023" in caught.value.message()


def test_the_same_agency_twice_is_refused() -> None:
    report = consistent_report(year=2023)
    with pytest.raises(AggregateError) as caught:
        aggregate([Source("a.yaml", report), Source("b.yaml", report)])
    assert caught.value.code is Code.IMP_AGG_DUPLICATE


def test_inputs_with_errors_are_named(tmp_path: Path) -> None:
    reports = agencies(3)
    reports[2].applications["total"][0] += 1
    sources = [read_source(Path(p)) for p in write(tmp_path, reports)]
    result = aggregate(sources)
    counts = [i["errors"] for i in result.report.extra["aggregate"]["inputs"]]
    assert counts[:2] == [0, 0]
    assert counts[2] > 0
    assert all(f.severity is Severity.ERROR for f in sources[2].errors)
    assert {i["agency"] for i in result.report.extra["aggregate"]["inputs"]} == {
        r.agency for r in reports
    }


def test_cli_writes_the_sum_and_lists_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = agencies(3)
    reports[1].applications["granted"][0] += 1
    paths = write(tmp_path, reports)
    out = tmp_path / "sum.yaml"
    status, stdout, err = run_cli(
        capsys, "aggregate", *paths, "-o", str(out), "--agency", "示例县"
    )
    assert (status, err) == (1, "")
    lines = stdout.splitlines()
    assert lines[0].startswith(f"{paths[0]}：示例县第1局 2023年，0 个错误")
    assert "示例县第2局" in lines[1]
    assert "三、（一）予以公开·总计" in stdout
    assert "其中 1 个文件有错误" in lines[-1]
    summed, findings = load(out)
    assert findings == []
    assert summed.agency == "示例县"
    assert summed.extra["aggregate"]["inputs"][1]["errors"] > 0


def test_cli_clean_inputs_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = write(tmp_path, agencies(2))
    status, _, _ = run_cli(capsys, "aggregate", *paths, "-o", str(tmp_path / "sum.json"))
    assert status == 0
    assert load(tmp_path / "sum.json")[0].active["fees_wan_yuan"] == Decimal("0.3002")


@pytest.mark.parametrize("problem", ["mixed years", "unreadable", "not a report", "output=input"])
def test_cli_refusals_are_one_line_and_exit_2(
    problem: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = agencies(2)
    out = tmp_path / "sum.yaml"
    if problem == "mixed years":
        reports[1].year = 2022
    paths = write(tmp_path, reports)
    if problem == "unreadable":
        paths.append(str(tmp_path / "absent.yaml"))
    elif problem == "not a report":
        (tmp_path / "x.yaml").write_text("- a list\n", encoding="utf-8")
        paths.append(str(tmp_path / "x.yaml"))
    elif problem == "output=input":
        out = Path(paths[0])
    status, stdout, err = run_cli(capsys, "aggregate", *paths, "-o", str(out))
    assert (status, stdout) == (2, "")
    assert len(err.strip().splitlines()) == 1
    assert problem == "output=input" or not out.exists()
