"""Importing PDFs: the published example read cell for cell, drafts exported to PDF by
LibreOffice read back, nothing invented when a line is lost or doubled, and what cannot be
read (scans, text without a Unicode map, too many pages) refused with its own message."""

from __future__ import annotations

import copy
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from bot.checks.rules import check
from bot.drafting.render import render
from bot.format.catalogue import Code
from bot.format.datafile import Report, load
from bot.format.model import model
from bot.importing import importer, pdf
from bot.importing.files import read_document
from bot.importing.importer import ImportResult, import_bytes, import_document, import_report
from bot.importing.pdf import MAX_PAGES, broken_characters, doubled
from bot.importing.text import Document, ImportFailed, Line
from tests.helpers.drafts import answered_report, unique_report
from tests.helpers.factories import consistent_report
from tests.helpers.import_fixtures import (
    assert_faithful,
    assert_same_tables,
    cells,
    distinct_report,
    title,
    web_text,
)
from tests.helpers.paths import PUBLISHED_PDF, PUBLISHED_PDF_TRUTH
from tests.helpers.pdf_files import (
    NO_UNICODE,
    chinese_pdf,
    chromium_pdf,
    glyph_page,
    handmade_pdf,
    office_pdf,
    text_page,
)

TABLES = ("active", "applications", "review_litigation")


def findings(report: Report, parts: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    """What ``check`` finds (in ``parts`` only, when given)."""
    found = [f for f in check(report) if not parts or f.part in parts]
    return [(f.code.value, f.cell, f.message()) for f in found]


# --- the published example -----------------------------------------------------------------


@pytest.fixture(scope="module")
def published() -> tuple[ImportResult, Report]:
    if not PUBLISHED_PDF.exists() or not PUBLISHED_PDF_TRUTH.exists():
        pytest.skip("../shared/examples (hzq-2023.pdf and .yaml) is not available")
    truth, problems = load(PUBLISHED_PDF_TRUTH)
    assert problems == []
    return import_report(PUBLISHED_PDF), truth  # in the bounded reader, as the CLI reads


def test_the_published_pdf_gives_every_cell_of_its_figures(
    published: tuple[ImportResult, Report],
) -> None:
    result, truth = published
    assert_same_tables(result, truth)
    assert cells(result.report) == cells(truth)
    assert result.notes == []
    assert {k: v.strip() for k, v in result.report.narrative.items()} == {
        k: v.strip() for k, v in truth.narrative.items()
    }


def test_check_names_the_two_wrong_totals_the_pdf_prints(
    published: tuple[ImportResult, Report],
) -> None:
    result, truth = published
    assert findings(result.report) == findings(truth)
    wrong = {f.cell for f in check(result.report) if f.code is Code.CHK_REVIEW_TOTAL}
    assert wrong == {"review_litigation.review[4]", "review_litigation.litigation_after_review[4]"}


# --- drafts exported to PDF by LibreOffice -------------------------------------------------


def with_zeros() -> Report:
    """A report with rows of zeros and figures in the thousands (many equal cells)."""
    report = consistent_report(agency="示例省示例市人民政府办公室", year=2024)
    report.active["licensing"] = 11398
    report.applications["withheld_state_secret"] = [0] * 7
    return report


DRAFTS = {
    "distinct": distinct_report,
    "consistent": consistent_report,
    "zeros": with_zeros,
    "answered": answered_report,  # the chat's drafts, with its prose
    "unique": unique_report,
}


@pytest.fixture(scope="module")
def draft_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, bytes]]:
    folder = tmp_path_factory.mktemp("pdf")
    out = {}
    for name, make in DRAFTS.items():
        report = make()
        out[name] = report, office_pdf(render(report, "docx"), folder / name)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", DRAFTS)
def test_a_draft_exported_to_pdf_reads_back(
    draft_pdfs: dict[str, tuple[Report, bytes]], name: str
) -> None:
    source, data = draft_pdfs[name]
    result = import_bytes("draft.pdf", data)
    assert_same_tables(result, source)
    if source.narrative:  # (the chat's drafts compose their prose from the answers)
        assert {k: v.splitlines() for k, v in result.report.narrative.items()} == {
            k: v.splitlines() for k, v in source.narrative.items()
        }
    parts = () if source.narrative else TABLES
    assert findings(result.report, parts) == findings(source, parts)


@pytest.mark.slow
def test_a_web_draft_printed_to_pdf_by_chromium_reads_back(tmp_path: Path) -> None:
    """Chromium's PDFs map many characters to Kangxi radicals (⾏ for 行): read as printed."""
    source = distinct_report()
    result = import_bytes("printed.pdf", chromium_pdf(render(source, "html"), tmp_path))
    assert_same_tables(result, source)
    assert result.report.narrative == source.narrative


@pytest.mark.slow
def test_a_title_in_the_page_header_names_the_report(tmp_path: Path) -> None:
    source = distinct_report()
    doc = open_docx(BytesIO(render(source, "docx")))
    heading = next(p for p in doc.paragraphs if "年度报告" in p.text)
    heading._element.getparent().remove(heading._element)
    doc.sections[0].header.paragraphs[0].text = title(source)
    out = BytesIO()
    doc.save(out)
    result = import_bytes("header.pdf", office_pdf(out.getvalue(), tmp_path))
    assert_same_tables(result, source)


def rule(table: Any) -> None:
    """Ruled lines round every cell of a Word table."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{edge}")
        line.set(qn("w:val"), "single")
        line.set(qn("w:sz"), "4")
        borders.append(line)
    table._tbl.tblPr.append(borders)


def split_review_table(docx: bytes, report: Report, ruled: bool) -> bytes:
    """The draft with table 四 printed as three small tables, each under its heading with
    a header of its own (as some agencies print it), with ruled lines or without."""
    doc = open_docx(BytesIO(docx))
    grid = model().review_litigation
    old = next(t for t in doc.tables if "复议后起诉" in "".join(c.text for c in t._cells))
    anchor = old._element
    headings = ("行政复议", "行政诉讼（未经复议直接起诉）", "行政诉讼（复议后起诉）")
    for heading, row in zip(headings, grid.rows, strict=True):
        paragraph = doc.add_paragraph(heading)
        table = doc.add_table(rows=2, cols=grid.width)
        if ruled:
            rule(table)
        for c, column in enumerate(grid.columns):
            table.cell(0, c).text = column.label
            table.cell(1, c).text = str(report.review_litigation[row.key][c])
        anchor.addprevious(paragraph._element)
        anchor.addprevious(table._element)
    anchor.getparent().remove(anchor)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_table_4_as_three_small_tables_under_headings_in_a_pdf(
    tmp_path: Path, ruled: bool
) -> None:
    source = distinct_report()
    docx = split_review_table(render(source, "docx"), source, ruled)
    assert_same_tables(import_bytes("split.docx", docx), source)  # Word itself too
    result = import_bytes("split.pdf", office_pdf(docx, tmp_path))
    assert_same_tables(result, source)


# --- nothing invented: a line lost or doubled in what was extracted -------------------------


@pytest.fixture(scope="module")
def extracted(draft_pdfs: dict[str, tuple[Report, bytes]]) -> tuple[Report, Document]:
    source, data = draft_pdfs["distinct"]
    return source, read_document("draft.pdf", data)


def faithful_or_refused(doc: Document, source: Report) -> None:
    """The import is faithful, or refused because the title line was lost."""
    try:
        result = import_document(doc, "draft.pdf")
    except ImportFailed as exc:
        refused: Code | None = exc.code
    else:
        refused = None
        assert_faithful(result, source)
    assert refused in (None, Code.IMP_NO_TITLE)


def as_text(lines: list[Line]) -> Document:
    """The extracted lines as the text of a .txt file (what a PDF's text copied gives)."""
    return read_document("draft.txt", "\n".join(line.text for line in lines).encode())


@pytest.mark.slow
@pytest.mark.parametrize("fault", ["lost", "doubled"])
def test_a_line_lost_or_doubled_in_a_pdf_never_invents_a_figure(
    extracted: tuple[Report, Document], fault: str
) -> None:
    source, doc = extracted
    lines = list(doc.lines)
    for n in range(len(lines)):
        changed = lines[:n] + lines[n + 1 :] if fault == "lost" else lines[: n + 1] + lines[n:]
        faithful_or_refused(Document(tuple(changed), "pdf"), source)
        faithful_or_refused(as_text(changed), source)


@pytest.mark.slow
@pytest.mark.parametrize("name", DRAFTS)
def test_read_without_its_ruled_lines_a_pdf_gives_no_wrong_figure(
    draft_pdfs: dict[str, tuple[Report, bytes]], name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As if the tables had no ruled lines (text by lines only): rows whose labels wrap
    are missing, and nothing is invented."""
    source, data = draft_pdfs[name]
    monkeypatch.setattr(pdf, "_table_rows", lambda table, edges: [])
    result = import_document(read_document("draft.pdf", data), "draft.pdf")
    assert_faithful(result, source)
    assert len(result.missing) < len(cells(source)) // 4  # most rows are still read


# --- what cannot be read -------------------------------------------------------------------


def test_a_scanned_pdf_is_refused_without_ocr() -> None:
    with pytest.raises(ImportFailed) as caught:
        import_bytes("scan.pdf", handmade_pdf([b"", b""]))
    assert caught.value.code is Code.IMP_PDF_SCANNED


def test_pages_without_text_are_named() -> None:
    doc = read_document("part.pdf", handmade_pdf([text_page("Annual report"), b"", b""]))
    assert doc.scanned_pages == (2, 3)


def test_pages_without_text_or_with_characters_lost_are_notes_of_the_import() -> None:
    source = distinct_report()
    text = read_document("r.txt", web_text(source).encode())
    doc = Document(text.lines, "pdf", scanned_pages=(3, 4), garbled_pages=(2,))
    result = import_document(doc, "r.pdf")
    assert_same_tables(result, source)
    notes = {n.code: n.params for n in result.issues}
    assert notes[Code.IMP_PDF_SCANNED_PAGES] == {"pages": "3、4"}
    assert notes[Code.IMP_PDF_GARBLED_PAGES] == {"pages": "2"}


def test_a_few_characters_without_unicode_are_named_and_never_a_figure() -> None:
    lines = [LINES[0], *["本年度本县持续推进政务公开工作各项制度不断健全"] * 6, "规章 7"]
    doc = read_document("few.pdf", chinese_pdf(lines, unmapped="7"))
    assert doc.garbled_pages == (1,)
    assert "(cid:" in doc.lines[-1].text  # the 7 is not read as any figure


def test_text_without_a_unicode_map_is_refused_not_guessed() -> None:
    with pytest.raises(ImportFailed) as caught:
        import_bytes("glyphs.pdf", handmade_pdf([glyph_page(60)], NO_UNICODE))
    assert caught.value.code is Code.IMP_PDF_GARBLED
    assert caught.value.params["pages"] == "1"


def test_a_pdf_of_too_many_pages_is_refused_before_it_is_read() -> None:
    with pytest.raises(ImportFailed) as caught:
        import_bytes("book.pdf", handmade_pdf([b""] * (MAX_PAGES + 1)))
    assert caught.value.code is Code.IMP_PDF_TOO_MANY_PAGES


LINES = ["示例县人民政府2024年政府信息公开工作年度报告", "一、总体情况"]


def test_fake_bold_drawn_over_itself_reads_once() -> None:
    doc = read_document("bold.pdf", chinese_pdf(LINES, twice=0.3))
    assert [line.text for line in doc.lines] == LINES


def test_fake_bold_drawn_aside_is_refused_not_read_twice() -> None:
    with pytest.raises(ImportFailed) as caught:
        import_bytes("bold.pdf", chinese_pdf(LINES, twice=6.0))
    assert caught.value.code is Code.IMP_PDF_DOUBLED
    assert str(caught.value.params["example"]).startswith("示示例例县县")


def test_broken_and_doubled_text_is_recognised() -> None:
    assert broken_characters("规章 (cid:12)(cid:7) 0 \ufffd") == 3
    assert broken_characters("规章（第3条） 0 0 0") == 0
    assert doubled("政政府府信信息息公公开开")
    assert not doubled("政府信息公开工作年度报告")
    assert not doubled("1100 2200")  # figures alone: no sign of doubling


def test_a_pdf_in_the_bounded_reader() -> None:
    """The child process reads PDFs too (pdfplumber within its memory and time)."""
    with pytest.raises(ImportFailed) as caught:
        importer.import_bytes("scan.pdf", handmade_pdf([b""]))
    assert caught.value.code is Code.IMP_PDF_SCANNED


def test_the_document_survives_the_worker_round_trip() -> None:
    from bot.importing.worker import from_json, to_json

    doc = read_document("part.pdf", handmade_pdf([text_page("Annual report"), b""]))
    assert from_json(copy.deepcopy(to_json(doc))) == doc
