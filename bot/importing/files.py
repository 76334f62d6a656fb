"""Read an uploaded file into a :class:`~bot.importing.text.Document`: sniff its type,
decode text (UTF-8, UTF-16, GB18030/GBK), and read Word (.docx) and Excel (.xlsx) files
(a PDF is read by :mod:`bot.importing.pdf`).

A Word table row is a line of its cells at their grid columns (``w:gridSpan``; the
continuation of a vertical merge is skipped), paragraphs and tables in body order. An
Excel sheet gives its name (a heading: the workbook of ``render --format xlsx`` names each
sheet after its part), then its rows; an empty cell there is missing, not 0.
:func:`read_document` raises :class:`~bot.importing.text.ImportFailed` for anything else.

Nothing is read without bound (a report is about 300 cells; these limits are far above
it): the file is at most :data:`MAX_BYTES`, a text or a page :data:`MAX_TEXT_BYTES`; a
Word or Excel file is refused from its zip directory before it is unpacked when its parts
would unpack to more than :data:`MAX_UNZIPPED` or one packs more than :data:`MAX_RATIO`
times (zipfile itself never unpacks more than the directory declares: a part that would
fails its CRC); a workbook is streamed (read-only), at most :data:`MAX_ROWS` rows and
:data:`MAX_GRID` cell places; every reader stops at
:data:`~bot.importing.text.MAX_CELLS` cells and :data:`~bot.importing.text.MAX_CHARS`
characters. What is left, a parser's own time and memory, is bounded by reading in a
separate process (:mod:`bot.importing.worker`).
"""

from __future__ import annotations

import os
import re
import stat
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import Path, PurePath
from typing import Any

from bot.format.catalogue import Code
from bot.importing.cells import squeeze
from bot.importing.text import (
    MAX_SPAN,
    Budget,
    Cell,
    Document,
    ImportFailed,
    Line,
    TooComplex,
    html_document,
    paragraph,
    text_lines,
)

MB = 1024 * 1024
MAX_BYTES = 20 * MB  # a file (what the Bot API lets a bot download)
MAX_TEXT_BYTES = 4 * MB  # a text or a web page (a report's text is 50 to 200 KB)
MAX_UNZIPPED = 50 * MB  # the parts of a .docx or .xlsx unpacked (a report's: about 1 MB)
MAX_RATIO = 100  # unpacked to packed size of one part over 1 MB (XML packs 5 to 20 times)
MAX_ROWS = 10_000  # rows of a workbook, the empty ones between too (a report's: about 100)
MAX_GRID = 500_000  # cell places those rows reach, gaps before a cell too
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx")
OTHER_KINDS = {
    ".doc": "Word 97-2003（.doc）",
    ".xls": "Excel 97-2003（.xls）",
    ".wps": "WPS（.wps）",
    ".et": "WPS 表格（.et）",
    ".ofd": "OFD",
}


# --- Word ----------------------------------------------------------------------------


def _w(tag: str) -> str:
    return "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}" + tag


def _docx_text(element: Any) -> str:
    """The text of a w:p: its w:t runs, w:br and w:cr as line breaks, w:tab as a space."""
    out = []
    for node in element.iter(_w("t"), _w("br"), _w("cr"), _w("tab")):
        if node.tag == _w("t"):
            out.append(node.text or "")
        else:
            out.append(" " if node.tag == _w("tab") else "\n")
    return "".join(out)


def _docx_prop(tc: Any, path: str) -> str | None:
    node = tc.find(path)
    return None if node is None else node.get(_w("val"), "")


def _grid_number(text: str | None, default: int) -> int:
    """A count of Word's grid columns (``w:gridSpan``, ``w:gridBefore``), at most
    :data:`~bot.importing.text.MAX_SPAN`."""
    return min(int(text[:6]), MAX_SPAN) if text and text.isdecimal() else default


def _docx_table(tbl: Any, out: list[Line], budget: Budget) -> None:
    for tr in tbl.iterchildren(_w("tr")):
        before = _docx_prop(tr, f"{_w('trPr')}/{_w('gridBefore')}")
        col = _grid_number(before, 0)
        cells: list[Cell] = []
        for tc in tr.iterchildren(_w("tc")):
            budget.take(1, 0)
            span = _grid_number(_docx_prop(tc, f"{_w('tcPr')}/{_w('gridSpan')}"), 1)
            merge = _docx_prop(tc, f"{_w('tcPr')}/{_w('vMerge')}")
            if tc.find(_w("tbl")) is not None:  # a layout cell holding a table
                _docx_body(tc, out, budget)
            elif merge is None or merge == "restart":
                text = " ".join(_docx_text(p) for p in tc.iterchildren(_w("p")))
                budget.take(0, len(text))
                cells.append(Cell(squeeze(text), col, span))
            col += span
        if cells:
            out.append(Line(tuple(cells), True, " ".join(c.text for c in cells)))


def _docx_body(parent: Any, out: list[Line], budget: Budget) -> None:
    for child in parent.iterchildren():
        if child.tag == _w("p"):
            for piece in _docx_text(child).split("\n"):
                if (line := paragraph(squeeze(piece))) is not None:
                    out.append(budget.line(line))
        elif child.tag == _w("tbl"):
            _docx_table(child, out, budget)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                _docx_body(content, out, budget)


def docx_document(data: bytes, budget: Budget | None = None) -> Document:
    """The paragraphs and table rows of a Word file, in body order."""
    from docx import Document as open_docx  # here: most commands never need python-docx

    lines: list[Line] = []
    _docx_body(open_docx(BytesIO(data)).element.body, lines, budget or Budget())
    return Document(tuple(lines), "docx")


# --- Excel ---------------------------------------------------------------------------


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value)


def xlsx_document(data: bytes, budget: Budget | None = None) -> Document:
    """Every sheet of a workbook: its name as a heading, then its rows (merges resolved).

    A row is every place from column A to the sheet's last column (an empty cell is a gap),
    but the rest of a merged cell; a value there is dropped, as Excel does."""
    from openpyxl import load_workbook  # here: most commands never need openpyxl
    from openpyxl.cell.read_only import ReadOnlyCell

    from bot.importing.xlsx_sheet import fill_sums, read_sheet_xml

    budget = budget or Budget()
    rows_left, places_left = MAX_ROWS, MAX_GRID
    workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    lines: list[Line] = []
    try:
        for ws in workbook.worksheets:
            if (line := paragraph(ws.title)) is not None:
                lines.append(budget.line(line))
            ws.reset_dimensions()  # the sheet's declared size may lie: go by its cells
            texts: dict[tuple[int, int], str] = {}
            width = 0
            for r, row in enumerate(ws.iter_rows(), start=1):
                rows_left -= 1
                places_left -= max(1, len(row))
                if rows_left < 0 or places_left < 0:
                    raise TooComplex
                for c in row:
                    if isinstance(c, ReadOnlyCell):  # a cell of the file, not a filler
                        width = max(width, c.column)
                        if text := squeeze(_xlsx_text(c.value)):
                            texts[r, c.column] = text
            with ws._get_source() as source:  # read-only openpyxl gives no merges: read them
                sheet = read_sheet_xml(source)
            fill_sums(texts, sheet.formulas)  # totals saved without their values
            merges = sheet.merges
            spans: dict[tuple[int, int], int] = {}
            covered: set[tuple[int, int]] = set()
            for min_row, min_col, max_row, max_col in merges:
                places_left -= (max_row - min_row + 1) * (max_col - min_col + 1)
                if places_left < 0:
                    raise TooComplex
                spans[min_row, min_col] = max_col - min_col + 1
                area = {(r, c) for r in range(min_row, max_row + 1)
                        for c in range(min_col, max_col + 1)}  # fmt: skip
                covered |= area - {(min_row, min_col)}  # as openpyxl: overlaps stay covered
                width = max(width, max_col)
            for r in sorted({r for r, c in texts if (r, c) not in covered}):
                budget.take(width, 0)
                cells = tuple(
                    Cell(texts.get((r, c), ""), c - 1, spans.get((r, c), 1))
                    for c in range(1, width + 1)
                    if (r, c) not in covered
                )
                text = " ".join(c.text for c in cells if c.text)
                budget.take(0, len(text))
                lines.append(Line(cells, True, text))
    finally:
        workbook.close()
    return Document(tuple(lines), "xlsx", blank_is_gap=True)


# --- bytes to document ---------------------------------------------------------------


def decode(data: bytes, name: str) -> str:
    """Text in UTF-8, UTF-16 (with BOM) or GB18030 (which covers GBK and GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    head = data[:4096]
    if b"\x00" in data or sum(b < 9 or 13 < b < 32 for b in head) > len(head) // 20:
        raise ImportFailed(Code.IMP_BINARY, path=name)
    declared = re.search(rb"charset\s*=\s*[\"']?\s*(gb2312|gbk|gb18030)", head, re.IGNORECASE)
    for encoding in ("gb18030", "utf-8-sig") if declared else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFailed(Code.IMP_BINARY, path=name)


def _megabytes(size: int) -> str:
    return f"{size / MB:.0f} MB" if size >= MB else f"{size / MB:.1f} MB"


def too_large(name: str, size: int | None, limit: int | None = None) -> ImportFailed:
    """The refusal of a file of ``size`` bytes (None: more than ``limit``, its size not
    known) over ``limit`` (:data:`MAX_BYTES` by default)."""
    limit = MAX_BYTES if limit is None else limit
    shown = f"> {_megabytes(limit)}" if size is None else _megabytes(size)
    return ImportFailed(Code.IMP_TOO_LARGE, path=name, size=shown, limit=_megabytes(limit))


def read_file(path: Path) -> bytes:
    """The bytes of ``path``, refused by its size before they are read (and never more
    than :data:`MAX_BYTES` read, whatever the size said: a pipe or a device has none)."""
    try:
        with path.open("rb") as file:
            status = os.fstat(file.fileno())
            if stat.S_ISREG(status.st_mode) and status.st_size > MAX_BYTES:
                raise too_large(str(path), status.st_size)
            data = file.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ImportFailed(
            Code.IMP_UNREADABLE, path=str(path), reason=exc.strerror or str(exc)
        ) from exc
    if len(data) > MAX_BYTES:
        raise too_large(str(path), None)
    return data


def _archive(name: str, data: bytes, suffix: str) -> set[str]:
    """The part names of a zip file, refused by its directory before anything is unpacked
    when it would unpack to more than MAX_UNZIPPED or a part packs more than MAX_RATIO."""
    try:
        infos = zipfile.ZipFile(BytesIO(data)).infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ImportFailed(
            Code.IMP_BROKEN,
            path=name,
            kind=suffix or "zip",
            reason=str(exc) or type(exc).__name__,
        ) from exc
    unpacked = sum(info.file_size for info in infos)
    if unpacked > MAX_UNZIPPED:
        raise ImportFailed(
            Code.IMP_UNZIPPED_TOO_LARGE,
            path=name,
            size=_megabytes(unpacked),
            limit=_megabytes(MAX_UNZIPPED),
        )
    for info in infos:
        if info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            ratio = info.file_size // max(info.compress_size, 1)
            raise ImportFailed(Code.IMP_ZIP_RATIO, path=name, ratio=ratio)
    return {info.filename for info in infos}


def _kind(name: str, data: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if suffix == ".pdf":
        raise ImportFailed(Code.IMP_BROKEN, path=name, kind=suffix, reason="不是 PDF 文件")
    if data.startswith(b"PK\x03\x04"):
        names = _archive(name, data, suffix)
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        raise ImportFailed(Code.IMP_UNSUPPORTED, path=name, kind=suffix or "zip")
    if suffix in (".docx", ".xlsx", ".xlsm"):
        raise ImportFailed(Code.IMP_BROKEN, path=name, kind=suffix, reason="不是 Office 文件")
    if suffix in OTHER_KINDS:
        raise ImportFailed(Code.IMP_UNSUPPORTED, path=name, kind=OTHER_KINDS[suffix])
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        return "txt"
    sniff = data[:2048].lower()
    return "html" if b"<html" in sniff or b"<table" in sniff or b"<!doctype" in sniff else "txt"


def read_document(name: str, data: bytes) -> Document:
    """The document in ``data`` (``name`` gives the type and names the file in messages)."""
    if len(data) > MAX_BYTES:
        raise too_large(name, len(data))
    if not data.strip():
        raise ImportFailed(Code.IMP_EMPTY, path=name)
    kind = _kind(name, data)
    if kind in ("txt", "html") and len(data) > MAX_TEXT_BYTES:
        raise too_large(name, len(data), MAX_TEXT_BYTES)
    text = decode(data, name) if kind in ("txt", "html") else ""
    try:
        if kind == "txt":
            return Document(tuple(text_lines(text)), "txt")
        if kind == "html":
            return html_document(text)
        if kind == "pdf":
            from bot.importing.pdf import pdf_document

            return pdf_document(name, data)
        return docx_document(data) if kind == "docx" else xlsx_document(data)
    except TooComplex:
        raise ImportFailed(Code.IMP_TOO_COMPLEX, path=name) from None
    except (MemoryError, ImportFailed):
        raise
    except Exception as exc:  # lxml, openpyxl and even html.parser raise many kinds
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "Unable to allocate" in reason:  # zlib (a PDF's stream) out of memory, wrapped
            raise ImportFailed(Code.IMP_READ_MEMORY, path=name) from exc
        raise ImportFailed(Code.IMP_BROKEN, path=name, kind="." + kind, reason=reason) from exc
