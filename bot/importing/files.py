"""Read an uploaded file into a :class:`~bot.importing.text.Document`: sniff its type,
decode text (UTF-8, UTF-16, GB18030/GBK), and read Word (.docx) and Excel (.xlsx) files.

A Word table row is a line of its cells at their grid columns (``w:gridSpan``; the
continuation of a vertical merge is skipped), paragraphs and tables in body order. An
Excel sheet gives its name (a heading: the workbook of ``render --format xlsx`` names each
sheet after its part), then its rows; an empty cell there is missing, not 0.
:func:`read_document` raises :class:`~bot.importing.text.ImportFailed` for anything else.
"""

from __future__ import annotations

import re
import zipfile
from decimal import Decimal
from io import BytesIO
from pathlib import PurePath
from typing import Any

from bot.format.catalogue import Code
from bot.importing.cells import squeeze
from bot.importing.text import (
    Cell,
    Document,
    ImportFailed,
    Line,
    html_document,
    paragraph,
    text_lines,
)

MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml", ".jsp", ".php", ".asp", ".aspx")
OTHER_KINDS = {
    ".doc": "Word 97-2003（.doc）",
    ".xls": "Excel 97-2003（.xls）",
    ".pdf": "PDF",
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


def _docx_table(tbl: Any, out: list[Line]) -> None:
    for tr in tbl.iterchildren(_w("tr")):
        before = _docx_prop(tr, f"{_w('trPr')}/{_w('gridBefore')}")
        col = int(before) if before and before.isdigit() else 0
        cells: list[Cell] = []
        for tc in tr.iterchildren(_w("tc")):
            span_text = _docx_prop(tc, f"{_w('tcPr')}/{_w('gridSpan')}")
            span = int(span_text) if span_text and span_text.isdigit() else 1
            merge = _docx_prop(tc, f"{_w('tcPr')}/{_w('vMerge')}")
            if tc.find(_w("tbl")) is not None:  # a layout cell holding a table
                _docx_body(tc, out)
            elif merge is None or merge == "restart":
                text = " ".join(_docx_text(p) for p in tc.iterchildren(_w("p")))
                cells.append(Cell(squeeze(text), col, span))
            col += span
        if cells:
            out.append(Line(tuple(cells), True, " ".join(c.text for c in cells)))


def _docx_body(parent: Any, out: list[Line]) -> None:
    for child in parent.iterchildren():
        if child.tag == _w("p"):
            for piece in _docx_text(child).split("\n"):
                if (line := paragraph(squeeze(piece))) is not None:
                    out.append(line)
        elif child.tag == _w("tbl"):
            _docx_table(child, out)
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                _docx_body(content, out)


def docx_document(data: bytes) -> Document:
    """The paragraphs and table rows of a Word file, in body order."""
    from docx import Document as open_docx  # here: most commands never need python-docx

    lines: list[Line] = []
    _docx_body(open_docx(BytesIO(data)).element.body, lines)
    return Document(tuple(lines), "docx")


# --- Excel ---------------------------------------------------------------------------


def _xlsx_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(repr(value)))
    return str(value)


def xlsx_document(data: bytes) -> Document:
    """Every sheet of a workbook: its name as a heading, then its rows (merges resolved)."""
    from openpyxl import load_workbook  # here: most commands never need openpyxl
    from openpyxl.cell.cell import MergedCell

    workbook = load_workbook(BytesIO(data), data_only=True)
    lines: list[Line] = []
    for ws in workbook.worksheets:
        if (line := paragraph(ws.title)) is not None:
            lines.append(line)
        spans = {(r.min_row, r.min_col): r.max_col - r.min_col + 1 for r in ws.merged_cells.ranges}
        for row in ws.iter_rows():
            cells = tuple(
                Cell(squeeze(_xlsx_text(c.value)), c.column - 1, spans.get((c.row, c.column), 1))
                for c in row
                if not isinstance(c, MergedCell)  # the rest of a merged cell
            )
            if any(c.text for c in cells):
                lines.append(Line(cells, True, " ".join(c.text for c in cells if c.text)))
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


def _kind(name: str, data: bytes) -> str:
    suffix = PurePath(name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        try:
            names = set(zipfile.ZipFile(BytesIO(data)).namelist())
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise ImportFailed(
                Code.IMP_BROKEN,
                path=name,
                kind=suffix or "zip",
                reason=str(exc) or type(exc).__name__,
            ) from exc
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
    if not data.strip():
        raise ImportFailed(Code.IMP_EMPTY, path=name)
    if len(data) > MAX_BYTES:
        raise ImportFailed(
            Code.IMP_TOO_LARGE,
            path=name,
            size=f"{len(data) // 1048576} MB",
            limit=f"{MAX_BYTES // 1048576} MB",
        )
    kind = _kind(name, data)
    if kind == "txt":
        return Document(tuple(text_lines(decode(data, name))), "txt")
    if kind == "html":
        return html_document(decode(data, name))
    try:
        return docx_document(data) if kind == "docx" else xlsx_document(data)
    except Exception as exc:  # python-docx, openpyxl and lxml raise many kinds on bad files
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ImportFailed(Code.IMP_BROKEN, path=name, kind="." + kind, reason=reason) from exc
