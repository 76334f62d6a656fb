"""Render a report as a draft: Word, HTML, Markdown, plain text or an XLSX of the tables.

Every format is rendered from the one composed document (:func:`bot.drafting.prose.document`):
HTML, Markdown and text through the templates ``templates/draft.<format>.j2``, Word and
Excel through :mod:`bot.drafting.docx_writer` and :mod:`bot.drafting.xlsx_writer`, which
are imported only when such a file is written (python-docx and openpyxl take long to
load, and checking or previewing a report needs neither). The same report always gives
byte-identical files.

Public API: :func:`render`, :func:`preview_text`, :data:`FORMATS`, and :class:`Drafter`,
the drafting a service and its workflow are given (tests give one of plain lambdas).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from bot.conversation.types import DraftLine
from bot.drafting.compose import Document
from bot.drafting.preview import plain, preview
from bot.drafting.prose import (
    document,
    draft_context,
    environment,
    render_template,
    with_narrative,
)
from bot.drafting.stable_zip import season_opening, stable
from bot.format.catalogue import Code, UserError
from bot.format.model import model
from bot.format.report import Report

FORMATS = ("docx", "html", "md", "txt", "xlsx")


def office_file(doc: Document, fmt: str, year: int) -> bytes:
    """The Word (``docx``) or Excel (``xlsx``) file of ``doc``, the same bytes every time."""
    if fmt == "docx":
        from bot.drafting.docx_writer import write_docx

        data = write_docx(doc)
    else:
        from bot.drafting.xlsx_writer import write_xlsx

        data = write_xlsx(doc)
    return stable(data, season_opening(year))


def render(report: Report, fmt: str) -> bytes:
    """The draft of ``report`` in ``fmt`` (one of :data:`FORMATS`), as the file's bytes.

    Raises :class:`~bot.format.catalogue.UserError` (``DRF001``) for an unknown format.
    """
    if fmt not in FORMATS:
        raise UserError(Code.DRF_UNKNOWN_FORMAT, fmt=fmt, formats="、".join(FORMATS))
    m = model()
    doc = document(report, m)
    if fmt in ("docx", "xlsx"):
        return office_file(doc, fmt, report.year)
    ctx = replace(draft_context(report, m), document=doc)
    return render_template(f"draft.{fmt}.j2", ctx).encode("utf-8")


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


@dataclass(frozen=True)
class Drafter:
    """How drafts are made: the chat's preview, rendered files, composed prose."""

    preview: Callable[[Report], tuple[DraftLine, ...]] = preview
    render: Callable[[Report, str], bytes] = render
    narrative: Callable[[Report], Report] = with_narrative
