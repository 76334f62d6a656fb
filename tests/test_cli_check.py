"""`reportbot check`: findings in Chinese grouped by part, exit 0/1/2, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.format.catalogue import Code, message
from bot.format.datafile import Report, save
from bot.frontends.cli import main
from tests.helpers.factories import consistent_report


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_seed_exits_0_with_fee_warning(capsys, seed_path: Path) -> None:
    status, out, _ = run(capsys, "check", str(seed_path))
    assert status == 0
    assert "六、其他需要报告的事项" in out
    assert "信息处理费" in out


def test_error_exits_1_and_names_cell(capsys, tmp_path: Path, report: Report) -> None:
    report.applications["granted"][2] += 1
    path = tmp_path / "r.yaml"
    save(report, path)
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    assert "三、（一）予以公开·科研机构" in out
    assert out.index("三、收到和处理政府信息公开申请情况") < out.index("予以公开")


def test_json_output(capsys, tmp_path: Path, report: Report) -> None:
    report.extra["agency_level"] = "township"
    report.active["rules.in_force"] = 6
    path = tmp_path / "r.json"
    save(report, path)
    status, out, _ = run(capsys, "check", "--json", str(path))
    assert status == 1
    [result] = json.loads(out)
    assert result["errors"] == 1
    [finding] = result["findings"]
    assert finding["rule"] == "table2.rules_level"
    assert finding["cell"] == "active.rules.in_force"
    assert finding["code"] == "CHK005"


def test_previous_adds_cross_year_checks(capsys, tmp_path: Path, report: Report) -> None:
    last = consistent_report(year=report.year - 1)
    last.applications["carry_forward"] = [0, 0, 0, 0, 0, 0, 0]
    save(report, tmp_path / "this.yaml")
    save(last, tmp_path / "last.yaml")
    status, out, _ = run(capsys, "check", str(tmp_path / "this.yaml"))
    assert status == 0
    assert "上年结转" not in out
    status, out, _ = run(
        capsys, "check", str(tmp_path / "this.yaml"), "--previous", str(tmp_path / "last.yaml")
    )
    assert status == 0  # warnings only
    assert "“二、上年结转·自然人”应为 0" in out


def test_explained_warning_is_shown(capsys, tmp_path: Path, report: Report) -> None:
    report.narrative["other_matters"] = "无。"
    report.extra["explanations"] = {"part6.fee_statement@narrative.other_matters": "另行说明"}
    save(report, tmp_path / "r.yaml")
    status, out, _ = run(capsys, "check", str(tmp_path / "r.yaml"))
    assert status == 0
    assert "另行说明" in out


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b"agency: [", b"- a\n"])
def test_unreadable_exits_2_one_line(capsys, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    status, out, err = run(capsys, "check", str(path))
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_row_of_six_exits_1_with_finding(capsys, tmp_path: Path, report: Report) -> None:
    path = tmp_path / "r.yaml"
    save(report, path)
    text = path.read_text(encoding="utf-8")
    lines = [
        ln if not ln.startswith("  granted:") else "  granted: [1, 2, 3, 4, 5, 6]"
        for ln in text.splitlines()
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    assert message(Code.DATA_ROW_LENGTH, row="三、（一）予以公开", expected=7, found=6) in out


def test_several_files_worst_status_wins(capsys, tmp_path: Path, report: Report) -> None:
    save(report, tmp_path / "ok.yaml")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    status, out, _ = run(capsys, "check", str(tmp_path / "ok.yaml"), str(tmp_path / "empty.yaml"))
    assert status == 2
    assert message(Code.CLI_CLEAN) in out


@pytest.mark.slow
def test_console_script_no_traceback(tmp_path: Path) -> None:
    """Should run as a real process and print one line for a binary file."""
    path = tmp_path / "x.docx"
    path.write_bytes(bytes(range(256)))
    proc = subprocess.run(
        [sys.executable, "-m", "bot.frontends.cli", "check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip()
