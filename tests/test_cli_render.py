"""`reportbot render FILE --format … -o OUT`: the same drafting the chat's 导出 uses."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as open_docx
from openpyxl import load_workbook

from bot.format.datafile import Report, save
from bot.frontends.cli import main


@pytest.mark.parametrize("fmt", ["docx", "html", "md", "txt", "xlsx"])
def test_render_every_format(tmp_path: Path, report: Report, fmt: str, capsys) -> None:
    source = tmp_path / "r.yaml"
    save(report, source)
    out = tmp_path / f"draft.{fmt}"
    assert main(["render", str(source), "--format", fmt, "-o", str(out)]) == 0
    data = out.read_bytes()
    if fmt == "docx":
        text = "\n".join(
            c.text for t in open_docx(io.BytesIO(data)).tables for row in t.rows for c in row.cells
        )
        assert "1204" in text  # 行政许可
    elif fmt == "xlsx":
        values = [
            c.value
            for ws in load_workbook(io.BytesIO(data)).worksheets
            for row in ws.iter_rows()
            for c in row
        ]
        assert 1204 in values
    else:
        text = data.decode("utf-8")
        assert "示例市示例区交通运输局2024年政府信息公开工作年度报告" in text
        assert "1204" in text
    assert str(out) in capsys.readouterr().out


def test_render_unreadable_exits_2(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"\x00\x01")
    assert main(["render", str(bad), "--format", "html", "-o", str(tmp_path / "x.html")]) == 2
    assert capsys.readouterr().err.strip()


def test_check_includes_draft_compliance(tmp_path: Path, report: Report, capsys) -> None:
    """Should flag prose copied from last year's report (内容雷同) when --previous is given."""
    last = Report(
        report.agency,
        report.year - 1,
        dict(report.active),
        {k: list(v) for k, v in report.applications.items()},
        dict(report.review_litigation),
        dict(report.narrative),
        dict(report.extra),
    )
    long_text = (
        "本年度我局围绕政务公开重点任务，完善制度、规范发布、强化监督，工作取得明显成效。" * 3
    )
    report.narrative["overview"] = long_text
    last.narrative["overview"] = long_text
    save(report, tmp_path / "this.yaml")
    save(last, tmp_path / "last.yaml")
    assert (
        main(["check", str(tmp_path / "this.yaml"), "--previous", str(tmp_path / "last.yaml")])
        == 0
    )
    assert "雷同" in capsys.readouterr().out


def test_render_with_gaps_writes_the_draft_and_exits_1(tmp_path: Path, capsys) -> None:
    """A script publishing drafts notices one that still waits for the officer."""
    from bot.format.catalogue import Code, message
    from tests.helpers.drafts import answered_report

    report = answered_report(platform=None)
    report.active.pop("licensing")
    source = tmp_path / "r.yaml"
    save(report, source)
    out = tmp_path / "draft.docx"
    assert main(["render", str(source), "--format", "docx", "-o", str(out)]) == 1
    assert out.read_bytes()[:2] == b"PK"
    assert message(Code.DRF_OPEN_GAPS, count=2) in capsys.readouterr().err


def test_render_signed(tmp_path: Path, report: Report) -> None:
    source = tmp_path / "r.yaml"
    save(report, source)
    out = tmp_path / "draft.docx"
    argv = ["render", str(source), "--format", "docx", "-o", str(out), "--sign", "2025-01-20"]
    assert main(argv) == 0
    paragraphs = [p.text for p in open_docx(io.BytesIO(out.read_bytes())).paragraphs]
    assert paragraphs[-2:] == [report.agency, "2025年1月20日"]
    with pytest.raises(SystemExit):
        main([*argv[:-1], "20 January"])
