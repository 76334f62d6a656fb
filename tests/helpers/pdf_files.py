"""PDF files for the import tests: LibreOffice's PDF of a rendered .docx draft, and small
PDFs written by hand (pages without text, a font without a Unicode map, many pages).

No PDF is kept in the repository: each is made when a test runs.
"""

from __future__ import annotations

import shutil
import subprocess
import zlib
from pathlib import Path

import pytest

TIMEOUT = 180


def soffice() -> str:
    """LibreOffice's program, or the test is skipped (with the reason shown)."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.skip("LibreOffice (soffice) is not installed: no PDF can be made from a .docx")
    return found


def office_pdf(docx: bytes, folder: Path, name: str = "draft") -> bytes:
    """The PDF LibreOffice exports of the Word file ``docx`` (made in ``folder``)."""
    office = soffice()
    folder.mkdir(parents=True, exist_ok=True)
    source = folder / f"{name}.docx"
    source.write_bytes(docx)
    subprocess.run(
        [
            office,
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    return (folder / f"{name}.pdf").read_bytes()


def chromium_pdf(html: bytes, folder: Path) -> bytes:
    """The PDF headless Chromium prints of the web page ``html`` (made in ``folder``)."""
    found = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    if found is None:
        pytest.skip("Chromium is not installed: no PDF can be printed from a web page")
    folder.mkdir(parents=True, exist_ok=True)
    page, printed = folder / "draft.html", folder / "draft.pdf"
    page.write_bytes(html)
    subprocess.run(
        [
            found,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={folder / 'profile'}",
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    return printed.read_bytes()


HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
# A composite font with no ToUnicode map and no known character collection: what a text
# extractor meets in a PDF whose fonts were embedded as bare glyphs ((cid:N) codes).
NO_UNICODE = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+Bare /Encoding /Identity-H "
    b"/DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+Bare "
    b"/CIDSystemInfo << /Registry (Bare) /Ordering (Glyphs) /Supplement 0 >> "
    b"/DW 1000 >>] >>"
)


def handmade_pdf(
    pages: list[bytes], font: bytes = HELVETICA, deflated: bool = False, cmap: bytes = b""
) -> bytes:
    """A PDF of A4 pages, each with the content stream given (``b""``: a page with no
    text, as a scan's page without its image); ``deflated``: the streams are given
    compressed (FlateDecode); ``cmap``: the font's ToUnicode map (object 4)."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # the page tree, once the pages are numbered
        font,
    ]
    if cmap:
        objects.append(f"<< /Length {len(cmap)} >>\nstream\n".encode() + cmap + b"\nendstream")
    kids = []
    for content in pages:
        page = len(objects) + 1
        kids.append(f"{page} 0 R".encode())
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents "
            + f"{page + 1} 0 R".encode()
            + b" >>"
        )
        flate = " /Filter /FlateDecode" if deflated else ""
        objects.append(
            f"<< /Length {len(content)}{flate} >>\nstream\n".encode() + content + b"\nendstream"
        )
    objects[1] = b"<< /Type /Pages /Kids [" + b" ".join(kids) + f"] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def text_page(*lines: str) -> bytes:
    """A content stream printing ``lines`` (ASCII) in Helvetica, one under the other."""
    shown = b" ".join(f"({line}) Tj 0 -16 Td".encode() for line in lines)
    return b"BT /F1 12 Tf 72 760 Td " + shown + b" ET"


def glyph_page(count: int) -> bytes:
    """A content stream of ``count`` glyphs of a font without a Unicode map."""
    glyphs = "".join(f"{n % 200 + 1:04X}" for n in range(count))
    return b"BT /F1 12 Tf 72 760 Td <" + glyphs.encode() + b"> Tj ET"


def deflate_bomb(megabytes: int) -> bytes:
    """A content stream that inflates to ``megabytes`` MB of spaces (a few hundred KB
    deflated), made a megabyte at a time."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    return b"".join(packer.compress(chunk) for _ in range(megabytes)) + packer.flush()


def chinese_pdf(lines: list[str], twice: float | None = None, unmapped: str = "") -> bytes:
    """A page printing ``lines`` in a composite font with a ToUnicode map (a CID for each
    character, 12 pt wide); ``twice``: every character drawn again that many points to the
    right, as fake bold is (0.3: over itself; 6: half a character aside); ``unmapped``:
    characters the map leaves out (extracted as ``(cid:N)``)."""
    chars = sorted({c for line in lines for c in line})
    cid = {c: n + 1 for n, c in enumerate(chars)}
    mapped = [c for c in chars if c not in unmapped]
    pairs = "".join(f"<{cid[c]:04X}> <{ord(c):04X}>\n" for c in mapped)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /Made def "
        "1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(mapped)} beginbfchar\n{pairs}endbfchar endcmap "
        "CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    font = NO_UNICODE.replace(b"/Encoding", b"/ToUnicode 4 0 R /Encoding")
    shown = []
    for row, line in enumerate(lines):
        for column, char in enumerate(line):
            for shift in (0.0,) if twice is None else (0.0, twice):
                x, y = 72 + 12 * column + shift, 760 - 20 * row
                shown.append(f"BT /F1 12 Tf {x:.1f} {y} Td <{cid[char]:04X}> Tj ET")
    return handmade_pdf([" ".join(shown).encode()], font, cmap=cmap)


def ruled_table_page(rows: list[list[str]], widths: list[float]) -> bytes:
    """A content stream of a table ruled round every cell (Helvetica 12 pt, ASCII), the
    columns ``widths`` points wide; the lines of a cell's text (``"138\\n1"``) one under
    the other, 4 pt from its left edge."""
    out, top = [], 760.0
    for row in rows:
        height = 8 + 14 * max(text.count("\n") + 1 for text in row)
        left = 72.0
        for text, width in zip(row, widths, strict=True):
            out.append(f"{left:.1f} {top - height:.1f} {width:.1f} {height:.1f} re S")
            for n, line in enumerate(text.split("\n")):
                y = top - 15 - 14 * n
                out.append(f"BT /F1 12 Tf {left + 4:.1f} {y:.1f} Td ({line}) Tj ET")
            left += width
        top -= height
    return "\n".join(out).encode()
