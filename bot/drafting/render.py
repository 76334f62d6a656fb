"""Render a report as a draft: Word, PDF, HTML, Markdown, plain text or an XLSX of the tables.

Every format is rendered from the one composed document (:func:`bot.drafting.prose.document`):
HTML, Markdown and text through the templates ``templates/draft.<format>.j2``, Word and
Excel through :mod:`bot.drafting.docx_writer` and :mod:`bot.drafting.xlsx_writer`, which
are imported only when such a file is written (python-docx and openpyxl take long to
load, and checking or previewing a report needs neither); the PDF is the Word file
converted by LibreOffice (:mod:`bot.drafting.pdf`). The same report always gives
byte-identical files. The web page comes whole or, with ``fragment``, as the bare
``<article>`` a web editor pastes.

Public API: :func:`render`, :func:`preview_text`, :func:`open_gaps`, :data:`FORMATS`, and
:class:`Drafter`,
the drafting a service and its workflow are given (tests give one of plain lambdas).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

from bot.conversation.types import DraftLine
from bot.drafting.compose import Document, Signature
from bot.drafting.preview import plain, preview
from bot.drafting.prose import (
    document,
    draft_context,
    environment,
    paragraph_text,
    render_template,
    with_narrative,
)
from bot.drafting.stable_zip import season_opening, stable
from bot.drafting.typesetting import GAP_TEXT
from bot.format.catalogue import Code, UserError, message
from bot.format.model import model
from bot.format.report import Report

FORMATS = ("docx", "pdf", "html", "md", "txt", "xlsx")


def office_file(doc: Document, fmt: str, year: int) -> bytes:
    """The Word (``docx``), PDF or Excel (``xlsx``) file of ``doc``, the same bytes every
    time (the PDF: on the same LibreOffice)."""
    if fmt in ("docx", "pdf"):
        from bot.drafting.docx_writer import write_docx

        data = stable(write_docx(doc), season_opening(year))
        if fmt == "pdf":
            from bot.drafting.pdf import docx_to_pdf

            return docx_to_pdf(data, season_opening(year))
        return data
    from bot.drafting.xlsx_writer import write_xlsx

    return stable(write_xlsx(doc), season_opening(year))


def signature(agency: str, when: date) -> Signature:
    """The 落款 of ``agency`` dated ``when``."""
    return Signature(
        agency, message(Code.DRF_SIGN_DATE, year=when.year, month=when.month, day=when.day)
    )


def render(report: Report, fmt: str, *, sign: date | None = None, fragment: bool = False) -> bytes:
    """The draft of ``report`` in ``fmt`` (one of :data:`FORMATS`), as the file's bytes;
    signed by the agency on ``sign`` (the 落款) when given; for ``html`` with ``fragment``,
    the article alone (no page around it, no style sheet: every style is inline).

    Raises :class:`~bot.format.catalogue.UserError`: ``DRF001`` for an unknown format,
    ``DRF005``-``DRF007`` when a PDF cannot be made (:func:`bot.drafting.pdf.docx_to_pdf`).
    """
    if fmt not in FORMATS:
        raise UserError(Code.DRF_UNKNOWN_FORMAT, fmt=fmt, formats="、".join(FORMATS))
    m = model()
    doc = document(report, m)
    if sign is not None:
        doc = replace(doc, signature=signature(doc.agency, sign))
    if fmt in ("docx", "pdf", "xlsx"):
        return office_file(doc, fmt, report.year)
    ctx = replace(draft_context(report, m), document=doc, fragment=fragment)
    return render_template(f"draft.{fmt}.j2", ctx).encode("utf-8")


def open_gaps(report: Report) -> int:
    """How many visible gaps (【待填写…】 and empty cells) the draft of ``report`` shows."""
    doc = document(report)
    prose = sum(len(GAP_TEXT.findall(p.text)) for p in doc.paragraphs())
    return prose + sum(c.gap for table in doc.tables() for c in table.cells)


@dataclass(frozen=True, slots=True)
class TablePage:
    """The fields of ``templates/pages/table.html.j2``: a read-only page of one table."""

    title: str = field(metadata={"help": "the page's title and heading"})
    note: str = field(metadata={"help": "a line under the heading (may be empty)"})
    header: list[str] = field(metadata={"help": "the column headings"})
    rows: list[list[str | int | None]] = field(metadata={"help": "the rows, plain values"})


def table_page(
    title: str, note: str, header: list[str], rows: list[list[str | int | None]]
) -> bytes:
    """A standalone read-only web page of one table (a roster)."""
    page = TablePage(title, note, header, rows)
    fields = {name: getattr(page, name) for name in page.__slots__}
    return environment().get_template("pages/table.html.j2").render(fields).encode("utf-8")


def preview_text(report: Report) -> str:
    """The chat's preview as plain text, as the terminal shows it."""
    return plain(preview(report))


def _missing_fonts() -> list[str]:
    from bot.drafting.pdf import missing_fonts

    return missing_fonts()


@dataclass(frozen=True)
class Drafter:
    """How drafts are made: the chat's preview, rendered files, composed prose, and the
    fonts a PDF made here would lack."""

    preview: Callable[[Report], tuple[DraftLine, ...]] = preview
    render: Callable[[Report, str], bytes] = render
    narrative: Callable[[Report], Report] = with_narrative
    paragraph: Callable[[Report, str], str] = paragraph_text
    missing_fonts: Callable[[], list[str]] = _missing_fonts
