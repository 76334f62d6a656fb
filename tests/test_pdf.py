"""PDF output without depending on LibreOffice: ``render --format pdf`` and 导出 pdf say
clearly when there is no LibreOffice, warn about missing fonts, and a LibreOffice that
hangs is stopped whole. Stand-in ``soffice`` and ``fc-list`` scripts on ``PATH`` play the
programs (the real conversion is checked in ``test_publishable_visual.py``)."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.drafting import pdf
from bot.drafting.render import render
from bot.format.catalogue import Code, UserError, message
from bot.format.datafile import Report, save
from bot.frontends.cli import main
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.chat import TODAY, play, say
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.drafts import answered_report

FAKE_PDF = b"%PDF-1.6\n/CreationDate(D:20991231235959+01'00')\n%%EOF\n"


def program(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder as the whole ``PATH``, with only the tools the stand-in scripts use."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in ("cat", "sleep"):
        found = shutil.which(tool)
        assert found
        (folder / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(folder))
    pdf.installed_fonts.cache_clear()
    yield folder
    pdf.installed_fonts.cache_clear()


def fake_office(folder: Path, extra: str = "") -> None:
    """A ``soffice`` writing a tiny PDF next to the .docx it is given (the last argument)."""
    (folder / "fake.pdf").write_bytes(FAKE_PDF)
    body = f'for a; do last="$a"; done\ncat {folder / "fake.pdf"} > "${{last%.docx}}.pdf"\n'
    program(folder, "soffice", extra + body)


def data_file(tmp_path: Path, report: Report) -> Path:
    source = tmp_path / "r.yaml"
    save(report, source)
    return source


def test_without_libreoffice_render_says_how_to_install_it(
    bin_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.pdf"
    source = data_file(tmp_path, answered_report())
    assert main(["render", str(source), "--format", "pdf", "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [message(Code.DRF_NO_OFFICE)]
    assert "apt-get install libreoffice" in err[0]
    assert not out.exists()


def test_missing_fonts_are_named_and_the_pdf_is_written(
    bin_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_office(bin_dir)
    program(bin_dir, "fc-list", "echo 'Noto Serif CJK SC,Noto Serif CJK SC Regular'\necho 黑体\n")
    out = tmp_path / "r.pdf"
    source = data_file(tmp_path, answered_report())
    assert main(["render", str(source), "--format", "pdf", "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert message(Code.DRF_FONTS_MISSING, fonts="仿宋_GB2312、方正小标宋简体、楷体_GB2312") in err
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"D:20250101000000+00'00'" in data  # dated like the Office files: 1 January after
    assert len(data) == len(FAKE_PDF)  # the offsets of the PDF stay right


def test_no_warning_when_the_fonts_are_installed(bin_dir: Path) -> None:
    program(bin_dir, "fc-list", "".join(f"echo '{f}'\n" for f in pdf.REQUIRED_FONTS))
    assert pdf.missing_fonts() == []


def test_a_hanging_libreoffice_is_stopped_with_all_its_children(
    bin_dir: Path, tmp_path: Path
) -> None:
    marker = tmp_path / "child.pid"
    program(bin_dir, "soffice", f"sleep 60 &\necho $! > {marker}\nwait\n")
    started = time.monotonic()
    with pytest.raises(UserError) as raised:
        pdf.docx_to_pdf(b"PK", datetime(2025, 1, 1, tzinfo=UTC), timeout=1)
    assert raised.value.code is Code.DRF_PDF_TIMEOUT
    assert time.monotonic() - started < 10
    assert not running(int(marker.read_text()))  # the grandchild went with the group


def running(pid: int) -> bool:
    """Whether ``pid`` still runs (a killed process not yet reaped is a zombie: not)."""
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, ProcessLookupError):
            return False
        if state in ("Z", "X"):
            return False
        time.sleep(0.05)
    return True


def test_a_failing_libreoffice_is_a_coded_error(bin_dir: Path) -> None:
    program(bin_dir, "soffice", "exit 81\n")
    with pytest.raises(UserError) as raised:
        render(answered_report(), "pdf")
    assert raised.value.code is Code.DRF_PDF_FAILED


def test_export_pdf_in_the_chat(bin_dir: Path, store: Store) -> None:
    svc = Service(store, today=lambda: TODAY)  # the real drafting
    play(svc, SEED_SESSION[:4])
    say(svc, "导出")
    refused = say(svc, "pdf")
    assert refused[0].code is Code.DRF_NO_OFFICE  # said in Chinese, then the chat goes on
    assert not any(m.document for m in refused)
    fake_office(bin_dir)
    program(bin_dir, "fc-list", "echo 'Noto Sans CJK SC'\n")
    say(svc, "导出")
    out = say(svc, "pdf")
    assert [m.code for m in out][:2] == [Code.CHAT_EXPORT_READY, Code.DRF_FONTS_MISSING]
    name, data = out[0].document or ("", b"")
    assert name.endswith("年政府信息公开工作年度报告.pdf")
    assert data.startswith(b"%PDF")
