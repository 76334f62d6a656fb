"""Files built to hurt the importer are refused with one coded line, quickly and in little
memory: a .docx and a .xlsx that unpack to hundreds of MB, a page of 100,000 wide cells, a
19 MB text, a 200 MB file; every caller (the library, ``reportbot import``, a file sent
in the chat) gets the bounds, and nothing is stored.

The hostile files are built here, in ``tmp_path``, in streaming chunks (the tests stay
small in memory). The parse runs in a child process with its own memory limit and timeout
(:mod:`bot.importing.worker`); the command line is run under a 1.5 GB address-space limit.
"""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from docx import Document as new_docx
from openpyxl import Workbook

from bot.drafting.render import render
from bot.format.catalogue import Code
from bot.importing import files, text, worker
from bot.importing.files import read_document
from bot.importing.importer import import_bytes, import_report
from bot.importing.text import ImportFailed
from bot.importing.worker import read_document_bounded
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.catalogue import pattern
from tests.helpers.chat import play, send_file, service
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.import_fixtures import distinct_report, docx_bytes, html_page, web_text
from tests.helpers.paths import PUBLISHED_PDF, PUBLISHED_TXT
from tests.helpers.pdf_files import deflate_bomb, handmade_pdf

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
CLI_MEMORY = 1536 * MB  # the address space the command line may use, the reader's included
WITHIN = 60.0  # seconds any refusal may take

PARAGRAPH = (
    "<w:p><w:r><w:t>示例县人民政府2023年政府信息公开工作年度报告</w:t></w:r></w:p>".encode()
)
ROW = b'<row><c t="inlineStr"><is><t>1</t></is></c><c><v>2</v></c></row>'


# --- building the files ----------------------------------------------------------------


def docx_skeleton() -> bytes:
    doc = new_docx()
    doc.add_paragraph("x")
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def xlsx_skeleton() -> bytes:
    wb = Workbook()
    wb.active["A1"] = "x"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def with_part(
    skeleton: bytes, member: str, body: Callable[[], bytes], size: int, path: Path
) -> Path:
    """``skeleton`` (a .docx or .xlsx) written to ``path`` with the body of its ``member``
    (``<w:body>`` or ``<sheetData>``) replaced by about ``size`` bytes of ``body()`` chunks,
    streamed: the test never holds more than a chunk."""
    source = zipfile.ZipFile(BytesIO(skeleton))
    original = source.read(member)
    opening = b"<w:body>" if member.startswith("word/") else b"<sheetData>"
    head, _, _ = original.partition(opening)
    closing = (
        b"</w:body></w:document>" if member.startswith("word/") else b"</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            if info.filename != member:
                out.writestr(info, source.read(info))
                continue
            with out.open(member, "w", force_zip64=True) as part:
                part.write(head + opening)
                written = 0
                while written < size:
                    chunk = body()
                    part.write(chunk)
                    written += len(chunk)
                part.write(closing)
    return path


def repeated(item: bytes) -> Callable[[], bytes]:
    block = item * (MB // len(item))
    return lambda: block


def docx_bomb(path: Path, size: int = 512 * MB) -> Path:
    """A .docx of ~1.8 MB whose word/document.xml is ``size`` bytes of paragraphs."""
    paragraphs = repeated(PARAGRAPH)
    return with_part(docx_skeleton(), "word/document.xml", paragraphs, size, path)


def xlsx_bomb(path: Path, size: int = 168 * MB) -> Path:
    """A .xlsx of ~0.5 MB whose first sheet is ``size`` bytes of rows."""
    return with_part(xlsx_skeleton(), "xl/worksheets/sheet1.xml", repeated(ROW), size, path)


def wide_cells_html(path: Path) -> Path:
    """1.6 MB: one table row of 100,000 cells, each 200 columns wide."""
    path.write_bytes(b"<html><body><table><tr>" + b"<td colspan=200>" * 100_000 + b"</tr></table>")
    return path


def big_text(path: Path, size: int = 19 * MB) -> Path:
    """A text of ``size`` bytes: a published report over and over."""
    page = web_text(distinct_report()).encode()
    with path.open("wb") as out:
        for _ in range(size // len(page)):
            out.write(page)
    return path


def noisy_paragraphs() -> bytes:
    """About 1 MB of paragraphs of text that packs only about 4 times (no zip bomb)."""
    letters = os.urandom(MB // 2).translate(bytes(b"0123"[i % 4] for i in range(256)))
    pieces = (letters[i : i + 40] for i in range(0, len(letters), 40))
    return b"".join(b"<w:p><w:r><w:t>" + piece + b"</w:t></w:r></w:p>" for piece in pieces)


HOSTILE: dict[str, tuple[Callable[[Path], Path], Code]] = {
    "docx zip bomb": (lambda d: docx_bomb(d / "bomb.docx"), Code.IMP_UNZIPPED_TOO_LARGE),
    "xlsx zip bomb": (lambda d: xlsx_bomb(d / "bomb.xlsx"), Code.IMP_UNZIPPED_TOO_LARGE),
    "100k wide cells": (lambda d: wide_cells_html(d / "cells.html"), Code.IMP_TOO_COMPLEX),
    "19 MB text": (lambda d: big_text(d / "big.txt"), Code.IMP_TOO_LARGE),
}


def refusal(caught: pytest.ExceptionInfo[ImportFailed], code: Code, name: str) -> None:
    assert caught.value.code is code
    assert pattern(code, path=name).fullmatch(caught.value.message())


# --- the library: import_bytes, import_report ------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE.keys())
def test_hostile_files_are_refused_by_the_library(case: str, tmp_path: Path) -> None:
    build, code = HOSTILE[case]
    path = build(tmp_path)
    start = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        import_report(path)
    refusal(caught, code, str(path))
    with pytest.raises(ImportFailed) as caught:
        import_bytes(path.name, path.read_bytes())
    refusal(caught, code, path.name)
    assert time.monotonic() - start < WITHIN


def test_a_zip_bomb_is_refused_by_its_directory(tmp_path: Path) -> None:
    for path in (docx_bomb(tmp_path / "b.docx", 60 * MB), xlsx_bomb(tmp_path / "b.xlsx", 60 * MB)):
        with pytest.raises(ImportFailed) as caught:
            import_bytes(path.name, path.read_bytes())
        refusal(caught, Code.IMP_UNZIPPED_TOO_LARGE, path.name)


def test_a_part_packed_beyond_any_real_one_is_refused(tmp_path: Path) -> None:
    path = docx_bomb(tmp_path / "r.docx", 20 * MB)  # under 50 MB unpacked, but 300 to 1
    with pytest.raises(ImportFailed) as caught:
        import_bytes(path.name, path.read_bytes())
    refusal(caught, Code.IMP_ZIP_RATIO, path.name)


def test_a_zip_directory_that_lies_about_sizes_unpacks_no_more(tmp_path: Path) -> None:
    """The directory says 1,000 bytes for 8 MB of paragraphs: the checks pass, and zipfile
    unpacks no more than declared (the part then fails its CRC), so the declared sizes
    are a true bound."""
    data = bytearray(docx_bomb(tmp_path / "r.docx", 8 * MB).read_bytes())
    at = data.find(b"PK\x01\x02")  # the central directory's entries
    while not data[at + 46 :].startswith(b"word/document.xml"):
        at = data.find(b"PK\x01\x02", at + 4)
    data[at + 24 : at + 28] = (1000).to_bytes(4, "little")  # its uncompressed size
    start = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        import_bytes("r.docx", bytes(data))
    assert caught.value.code is Code.IMP_BROKEN
    assert time.monotonic() - start < 5


def test_spans_are_capped_and_cells_counted() -> None:
    wide = "<td colspan=99999 rowspan=99999>x</td>"
    page = f"<table><tr>{wide}<td>y</td></tr><tr><td>z</td></tr></table>".encode()
    doc = read_document("r.html", page)
    rows = [line.cells for line in doc.lines]
    assert rows[0][0].span == text.MAX_SPAN
    assert rows[0][1].col == text.MAX_SPAN  # y after the capped span
    assert rows[1][0].col == text.MAX_SPAN  # z after the columns x holds below
    cells = "<td>1</td>" * (text.MAX_CELLS + 1)
    with pytest.raises(ImportFailed) as caught:
        read_document("r.html", f"<table><tr>{cells}</tr></table>".encode())
    assert caught.value.code is Code.IMP_TOO_COMPLEX


def test_text_and_pages_are_capped_far_below_19_mb() -> None:
    line = b"1\t2\n"
    data = line * (files.MAX_TEXT_BYTES // len(line) + 1)
    for name in ("r.txt", "r.html"):
        with pytest.raises(ImportFailed) as caught:
            read_document(name, data)
        refusal(caught, Code.IMP_TOO_LARGE, name)
    # under the size cap, a text of more lines than any report is too complex
    with pytest.raises(ImportFailed) as caught:
        read_document("r.txt", b"0\n" * (text.MAX_CELLS + 1))
    assert caught.value.code is Code.IMP_TOO_COMPLEX
    with pytest.raises(ImportFailed) as caught:  # one line of 100,000 tab-separated cells
        read_document("r.txt", b"\t" * 100_000 + b"x")
    assert caught.value.code is Code.IMP_TOO_COMPLEX


def test_a_docx_of_more_paragraphs_than_any_report_is_too_complex(tmp_path: Path) -> None:
    path = with_part(
        docx_skeleton(), "word/document.xml", noisy_paragraphs, 4 * MB, tmp_path / "r.docx"
    )
    with pytest.raises(ImportFailed) as caught:
        import_bytes(path.name, path.read_bytes())
    refusal(caught, Code.IMP_TOO_COMPLEX, path.name)


def sheet(rows: bytes, merges: bytes = b"") -> bytes:
    """A workbook whose first sheet is ``rows`` (and ``merges``), without its <dimension>."""
    source = zipfile.ZipFile(BytesIO(xlsx_skeleton()))
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head = data.partition(b"<sheetData>")[0]
                head = re.sub(rb"<dimension[^>]*/>", b"", head)
                data = head + b"<sheetData>" + rows + b"</sheetData>" + merges + b"</worksheet>"
            out.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("rows", "merges"),
    [
        (ROW * (files.MAX_ROWS + 1), b""),  # rows beyond any report
        (
            b'<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576">'
            b"<v>1</v></c></row>",
            b"",
        ),  # a cell in Excel's last place
        (
            b'<row r="1"><c r="A1"><v>1</v></c></row>',
            b'<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>',
        ),
    ],
    ids=["many rows", "last cell", "huge merge"],
)
def test_a_workbook_is_streamed_with_a_row_cap(rows: bytes, merges: bytes) -> None:
    start = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        read_document("r.xlsx", sheet(rows, merges))
    assert caught.value.code is Code.IMP_TOO_COMPLEX
    assert time.monotonic() - start < 5


def test_a_workbook_reads_as_before_merges_gaps_and_all() -> None:
    rows = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="D1"><v>4</v></c></row>'
        b'<row r="3"><c r="B3"><v>2.5</v></c><c r="C3" s="0"/><c r="F3"/></row>'
        b'<row r="4"><c r="A4"><v>7</v></c><c r="B4"><v>8</v></c></row>'
    )
    merges = b'<mergeCells count="1"><mergeCell ref="A4:B5"/></mergeCells>'
    doc = read_document("r.xlsx", sheet(rows, merges))
    got = [[(c.text, c.col, c.span) for c in line.cells] for line in doc.lines[1:]]
    blank = [("", c, 1) for c in range(6)]
    assert got == [
        [("a", 0, 1), blank[1], blank[2], ("4", 3, 1), blank[4], blank[5]],
        [blank[0], ("2.5", 1, 1), blank[2], blank[3], blank[4], blank[5]],
        [("7", 0, 2), blank[2], blank[3], blank[4], blank[5]],  # B4 is the merge's rest
    ]
    assert doc.lines[0].text == "Sheet"


# --- the size before the read ------------------------------------------------------------


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as out:
        out.truncate(size)  # takes no disk space
    return path


def test_a_200_mb_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = sparse(tmp_path / "big.txt", 200 * MB)
    tracemalloc.start()
    try:
        with pytest.raises(ImportFailed) as caught:
            import_report(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    refusal(caught, Code.IMP_TOO_LARGE, str(path))
    assert peak < MB


def test_a_file_without_a_size_is_read_no_further_than_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(files, "MAX_BYTES", 1000)
    with pytest.raises(ImportFailed) as caught:
        import_report(Path("/dev/zero"))  # a device: no size, no end
    refusal(caught, Code.IMP_TOO_LARGE, "/dev/zero")


# --- the worker: memory, time, crashes, what it gives back --------------------------------


def test_a_reader_over_its_time_is_killed() -> None:
    """html.parser (of Python 3.11.7) takes 20 s on this 120 KB page: its quadratic
    re-scans of an attribute never closed."""
    page = b"<html>" + b"<a b='" * 20_000
    start = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        read_document_bounded("r.html", page, timeout=0.5)
    refusal(caught, Code.IMP_READ_TIMEOUT, "r.html")
    assert time.monotonic() - start < 5


@pytest.mark.slow
def test_a_pdf_whose_page_inflates_beyond_memory_is_refused() -> None:
    """600 KB of a page's content deflated from 600 MB: refused in one coded line, in
    the reader's memory, quickly."""
    data = handmade_pdf([deflate_bomb(600)], deflated=True)
    start = time.monotonic()
    with pytest.raises(ImportFailed) as caught:
        import_bytes("bomb.pdf", data)
    refusal(caught, Code.IMP_READ_MEMORY, "bomb.pdf")
    assert time.monotonic() - start < WITHIN


@pytest.mark.slow
def test_a_reader_over_its_memory_is_refused(tmp_path: Path) -> None:
    """30 MB of Word XML needs a few hundred MB parsed: refused within 100 MB (and, with
    the default limit, read and found too complex)."""
    path = with_part(
        docx_skeleton(), "word/document.xml", noisy_paragraphs, 30 * MB, tmp_path / "r.docx"
    )
    data = path.read_bytes()
    with pytest.raises(ImportFailed) as caught:
        read_document_bounded("r.docx", data, memory=100 * MB)
    refusal(caught, Code.IMP_READ_MEMORY, "r.docx")
    with pytest.raises(ImportFailed) as caught:
        read_document_bounded("r.docx", data)
    refusal(caught, Code.IMP_TOO_COMPLEX, "r.docx")


def test_a_reader_that_dies_is_one_coded_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "executable", "/bin/false")
    with pytest.raises(ImportFailed) as caught:
        read_document_bounded("r.txt", b"x")
    refusal(caught, Code.IMP_READ_FAILED, "r.txt")


@cache
def cases() -> dict[str, tuple[str, bytes]]:
    report = distinct_report()
    out = {
        "txt": ("r.txt", web_text(report).encode()),
        "html": ("r.html", html_page(report)),
        "docx": ("r.docx", docx_bytes(report)),
        "xlsx": ("r.xlsx", render(report, "xlsx")),
        "draft docx": ("d.docx", render(report, "docx")),
        "draft html": ("d.html", render(report, "html")),
    }
    if PUBLISHED_TXT.exists():
        out["published"] = (PUBLISHED_TXT.name, PUBLISHED_TXT.read_bytes())
    if PUBLISHED_PDF.exists():
        out["published pdf"] = (PUBLISHED_PDF.name, PUBLISHED_PDF.read_bytes())
    return out


@pytest.mark.parametrize("case", cases(), ids=cases().keys())
def test_the_worker_reads_exactly_what_the_reader_reads(case: str) -> None:
    name, data = cases()[case]
    assert read_document_bounded(name, data) == read_document(name, data)


# --- the command line and the chat ---------------------------------------------------------


def reportbot_import(path: Path, out: Path, memory: int = CLI_MEMORY) -> tuple[int, str, str]:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "import", str(path), "-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=WITHIN,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (memory, memory)),
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("case", HOSTILE, ids=HOSTILE.keys())
def test_reportbot_import_refuses_in_one_line(case: str, tmp_path: Path) -> None:
    build, code = HOSTILE[case]
    path = build(tmp_path)
    out = tmp_path / "out.yaml"
    start = time.monotonic()
    status, stdout, stderr = reportbot_import(path, out)
    assert time.monotonic() - start < WITHIN
    assert "Traceback" not in stderr
    assert (status, stdout) == (2, "")
    assert len(stderr.strip().splitlines()) == 1
    assert pattern(code, path=str(path)).fullmatch(stderr.strip())
    assert not out.exists()


@pytest.mark.slow
def test_reportbot_import_stats_a_200_mb_file_before_reading_it(tmp_path: Path) -> None:
    """In 150 MB of address space: reading the file whole would not fit."""
    path = sparse(tmp_path / "big.html", 200 * MB)
    status, stdout, stderr = reportbot_import(path, tmp_path / "o.yaml", memory=150 * MB)
    assert "Traceback" not in stderr
    assert (status, stdout) == (2, "")
    assert pattern(Code.IMP_TOO_LARGE, path=str(path)).fullmatch(stderr.strip())


@pytest.fixture
def svc(store: Store) -> Service:
    return service(store)


def test_a_file_sent_in_the_chat_is_read_within_the_time_limit(
    svc: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page html.parser takes 2 s over (see above), with the limit at 0.3 s."""
    monkeypatch.setattr(worker, "TIMEOUT", 0.3)
    play(svc, SEED_SESSION[:4])
    before = svc.store.get_report(1)
    start = time.monotonic()
    out = send_file(svc, "上年报告.html", b"<html>" + b"<a b='" * 6_000)
    assert time.monotonic() - start < 1.5
    assert out[0].code is Code.IMP_CHAT_UNREADABLE
    assert re.search(pattern(Code.IMP_READ_TIMEOUT, path="上年报告.html").pattern, out[0].text)
    assert svc.store.get_report(1) == before


def test_a_zip_bomb_sent_in_the_chat_is_refused_and_nothing_stored(
    svc: Service, tmp_path: Path
) -> None:
    play(svc, SEED_SESSION[:4])
    before = svc.store.get_report(1)
    out = send_file(svc, "上年报告.docx", docx_bomb(tmp_path / "b.docx", 60 * MB).read_bytes())
    assert out[0].code is Code.IMP_CHAT_UNREADABLE
    reason = pattern(Code.IMP_UNZIPPED_TOO_LARGE, path="上年报告.docx").pattern
    assert re.search(reason, out[0].text)
    assert svc.store.get_report(1) == before
    assert svc.store.find_report(before.agency, before.year - 1) is None
