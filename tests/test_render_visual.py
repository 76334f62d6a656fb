"""The drafts open in real programs: LibreOffice converts the .docx to PDF, headless Chromium
renders the HTML. Each test skips when its program is not installed."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from bot.drafting.render import render
from tests.helpers.drafts import answered_report, unique_report
from tests.helpers.pdf_files import office_pdf

pytestmark = pytest.mark.slow

TIMEOUT = 180


def program(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip(f"{' / '.join(names)} is not installed")


def pdf_pages(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


def test_docx_converts_to_pdf(tmp_path: Path) -> None:
    program("libreoffice", "soffice")
    office_pdf(render(unique_report(), "docx"), tmp_path)
    pdf = tmp_path / "draft.pdf"
    assert pdf.exists()
    assert pdf_pages(pdf) >= 3  # prose, then the three tables
    pdftotext = shutil.which("pdftotext")
    if pdftotext:
        text = subprocess.run(
            [pdftotext, "-layout", str(pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        ).stdout
        assert "三、收到和处理政府信息公开申请情况" in text
        assert re.search(r"—\s*2\s*—", text)  # the PAGE field was evaluated on page 2


def test_html_renders_in_chromium(tmp_path: Path) -> None:
    chromium = program("chromium", "chromium-browser", "google-chrome")
    page = tmp_path / "draft.html"
    page.write_bytes(render(answered_report(), "html"))
    shot, printed = tmp_path / "draft.png", tmp_path / "draft.pdf"
    base = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    subprocess.run(
        [*base, "--window-size=1000,1400", f"--screenshot={shot}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    header = shot.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", header[16:24]) == (1000, 1400)
    subprocess.run(
        [*base, "--no-pdf-header-footer", f"--print-to-pdf={printed}", page.as_uri()],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert pdf_pages(printed) >= 3  # A4 pages from the @media print stylesheet
