"""`reportbot import`: a data file, missing cells and notes, exit 0/1/2; any bad input is
one coded line, never a traceback."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document as new_docx
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import bot.importing.files
from bot.format.catalogue import Code
from bot.format.datafile import Report, load
from bot.frontends.cli import main
from bot.importing.importer import import_bytes, import_report
from bot.importing.text import ImportFailed
from tests.helpers.import_fixtures import Style, distinct_report, html_page, run_cli, web_text
from tests.helpers.paths import PUBLISHED_TXT


def docx_of(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    doc = new_docx()
    for text in paragraphs:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, text in enumerate(row):
                grid.cell(r, c).text = text
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def zip_of(name: str) -> bytes:
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


def empty_workbook() -> bytes:
    wb = Workbook()
    wb.active.append(["姓名", "电话"])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


NEWS = "<html><body><h1>示例县召开政务公开工作会议</h1><p>会议要求……</p></body></html>"
NOT_A_REPORT = {
    "binary": ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
    "control bytes": ("r.txt", bytes(range(1, 32)) * 20),
    "empty": ("r.txt", b""),
    "blank": ("r.html", b" \n\t \n"),
    "HTML without tables": ("news.html", NEWS.encode()),
    "text without a report": ("notes.txt", "会议纪要\n一、会议内容\n二、下一步工作\n".encode()),
    "docx with no report": ("memo.docx", docx_of("关于开展政务公开培训的通知", "各科室：……")),
    "docx with another table": (
        "list.docx",
        docx_of("通讯录", table=[["姓名", "电话"], ["张三", "1"]]),
    ),
    "xlsx with no report": ("book.xlsx", empty_workbook()),
    "corrupt docx": ("r.docx", b"PK\x03\x04" + b"\x00" * 64),
    "text named docx": ("r.docx", "不是 Word 文件".encode()),
    "zip of something else": ("r.zip", zip_of("a.txt")),
    "old Word": ("r.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
    "corrupt PDF": ("r.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"),
    "text named pdf": ("r.pdf", "不是 PDF 文件".encode()),
    "no title": ("r.txt", web_text(distinct_report()).split("\n", 1)[1].encode()),
}
CODES = {
    "binary": Code.IMP_BINARY,
    "control bytes": Code.IMP_BINARY,
    "empty": Code.IMP_EMPTY,
    "blank": Code.IMP_EMPTY,
    "HTML without tables": Code.IMP_NO_TABLES,
    "text without a report": Code.IMP_NO_TABLES,
    "docx with no report": Code.IMP_NO_TABLES,
    "docx with another table": Code.IMP_NO_TABLES,
    "xlsx with no report": Code.IMP_NO_TABLES,
    "corrupt docx": Code.IMP_BROKEN,
    "text named docx": Code.IMP_BROKEN,
    "zip of something else": Code.IMP_UNSUPPORTED,
    "old Word": Code.IMP_UNSUPPORTED,
    "corrupt PDF": Code.IMP_BROKEN,
    "text named pdf": Code.IMP_BROKEN,
    "no title": Code.IMP_NO_TITLE,
}


@pytest.mark.parametrize("case", NOT_A_REPORT, ids=NOT_A_REPORT.keys())
def test_what_is_not_a_report_is_a_coded_error(case: str) -> None:
    name, data = NOT_A_REPORT[case]
    with pytest.raises(ImportFailed) as caught:
        import_bytes(name, data)
    assert caught.value.code is CODES[case]
    assert name in caught.value.message()


@pytest.mark.parametrize("case", NOT_A_REPORT, ids=NOT_A_REPORT.keys())
def test_cli_says_one_line_and_exits_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data = NOT_A_REPORT[case]
    (tmp_path / name).write_bytes(data)
    status, out, err = run_cli(
        capsys, "import", str(tmp_path / name), "-o", str(tmp_path / "o.yaml")
    )
    assert status == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert not (tmp_path / "o.yaml").exists()


def test_unreadable_paths(tmp_path: Path) -> None:
    for path in (tmp_path / "absent.txt", tmp_path):
        with pytest.raises(ImportFailed) as caught:
            import_report(path)
        assert caught.value.code is Code.IMP_UNREADABLE


def test_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot.importing.files, "MAX_BYTES", 1000)
    with pytest.raises(ImportFailed) as caught:
        import_bytes("r.txt", b"x" * 1001)
    assert caught.value.code is Code.IMP_TOO_LARGE


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(["r.txt", "r.html", "r.docx", "r.xlsx", "r"]))
def test_any_bytes_import_or_fail_with_a_code(data: bytes, name: str) -> None:
    try:
        import_bytes(name, data)
    except ImportFailed as exc:
        text = exc.message()  # a catalogue text exists for the code
        assert "\n" not in text.strip()


WORDS = ["规章", "行政许可", "第二十条第（一）项", "本年制发件数", "1.属于国家秘密", "（七）总计",
         "其他", "总计", "（六）其他处理", "行政复议", "复议后起诉", "结果维持", "0", "3", "/", "",
         "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
         "示例局2023年政府信息公开工作年度报告", "四、政府信息公开行政复议、行政诉讼情况",
         "1.5", "-2", "—待填—", "\t", "|"]  # fmt: skip


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=80), st.sampled_from(["r.txt", "r.html"]))
def test_any_jumble_of_report_words_imports_or_fails_with_a_code(
    words: list[str], name: str
) -> None:
    text = "\n".join(words) if name == "r.txt" else "<table><tr><td>" + "</td><td>".join(words)
    try:
        result = import_bytes(name, text.encode())
    except ImportFailed as exc:
        message = exc.message()
        assert "\n" not in message.strip()
        return
    assert result.report.agency
    assert len(result.missing) == len(set(result.missing))


# --- successful imports ------------------------------------------------------------------------


def test_published_page_to_data_file_then_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed: Report
) -> None:
    if not PUBLISHED_TXT.exists():
        pytest.skip("../shared/examples is not available")
    out = tmp_path / "imported.yaml"
    status, stdout, _ = run_cli(capsys, "import", str(PUBLISHED_TXT), "-o", str(out))
    assert status == 0
    assert "黔西南州工业和信息化局2023年" in stdout
    report, findings = load(out)
    assert findings == []
    assert (report.active, report.applications, report.review_litigation) == (
        seed.active, seed.applications, seed.review_litigation)  # fmt: skip
    assert main(["check", str(out)]) == 0


def test_missing_cells_and_notes_are_printed_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "2020.html"
    source.write_bytes(html_page(distinct_report(), Style(format_2019=True)))
    out = tmp_path / "2020.json"
    status, stdout, err = run_cli(capsys, "import", str(source), "-o", str(out))
    assert (status, err) == (1, "")
    assert "以下 28 项在原文中没有找到" in stdout
    assert "二、规章·本年制发件数" in stdout
    assert "“三、（六）3.其他”整行（7 项）" in stdout
    assert "2019 年试行格式" in stdout
    report, _ = load(out)
    assert "other" not in report.applications
    assert report.active["licensing"] == 1204


def test_arithmetic_errors_as_printed_reach_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = distinct_report()
    report.review_litigation["review"][4] = 99  # printed total of 行政复议 wrong
    (tmp_path / "r.txt").write_text(web_text(report), encoding="utf-8")
    status, _, _ = run_cli(
        capsys, "import", str(tmp_path / "r.txt"), "-o", str(tmp_path / "r.yaml")
    )
    assert status == 0
    assert main(["check", str(tmp_path / "r.yaml")]) == 1
    assert "四、行政复议·总计" in capsys.readouterr().out


def test_agency_and_year_given_when_the_title_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data = NOT_A_REPORT["no title"]
    (tmp_path / name).write_bytes(data)
    out = tmp_path / "r.yaml"
    argv = ["import", str(tmp_path / name), "-o", str(out), "--agency", "某局", "--year", "2023"]
    status, _, _ = run_cli(capsys, *argv)
    assert status == 0
    report, _ = load(out)
    assert (report.agency, report.year) == ("某局", 2023)


def test_output_must_not_overwrite_the_input_and_must_be_writable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "r.txt"
    source.write_text(web_text(distinct_report()), encoding="utf-8")
    for out in (source, tmp_path / "no" / "such" / "dir.yaml"):
        status, stdout, err = run_cli(capsys, "import", str(source), "-o", str(out))
        assert (status, stdout) == (2, "")
        assert len(err.strip().splitlines()) == 1
    assert source.read_text(encoding="utf-8").startswith("示例市")
