"""Import a published report (.txt, .html, .docx, .pdf, .xlsx) into a report data file.

:func:`import_report` (a path) and :func:`import_bytes` (an upload in the chat) read the
title (agency and year), the six parts by their headings, every cell of tables 二, 三 and
四 (:mod:`bot.importing.tables`) and the prose of 一, 五 and 六. Nothing is invented: a cell
that is not in the document is listed in :attr:`ImportResult.missing` and left out of the
report (missing, never 0); what was found but cannot be mapped (the 2019 trial format, a
row with too few figures) is explained in :attr:`ImportResult.notes`. Totals are kept as
printed, so ``reportbot check`` finds the printed arithmetic errors.

A file that is not a readable report raises :class:`~bot.importing.text.ImportFailed`, and
so does one that is too large or too complex to be one, before it takes much memory or
time (:mod:`bot.importing.files`, :mod:`bot.importing.worker`).
``reportbot import FILE -o OUT`` (:mod:`bot.frontends.cli`) writes the result to a report
data file and prints :func:`describe`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.format.catalogue import Code, message
from bot.format.model import Grid, ReportModel, model
from bot.format.report import FIRST_YEAR, LAST_YEAR, Report
from bot.importing.cells import Note, clean_text, full_width_punctuation, label_key
from bot.importing.files import read_file
from bot.importing.labels import ANCHORS, CHROME, HEADING_WORDS
from bot.importing.review_table import read_review
from bot.importing.tables import Tables, read_active, read_applications, tokens
from bot.importing.text import Document, ImportFailed, Line
from bot.importing.worker import read_document_bounded

_HEADING = re.compile(r"^\s*([一二三四五六])\s*[、.．,，]\s*(.+)$")
_TITLE = re.compile(
    r"(?P<agency>.*?)\s*(?P<year>[0-9０-９]{4}|[〇○零一二三四五六七八九]{4})\s*"
    r"年度?\s*(?:的)?\s*政府信息公开\s*(?:工作)?\s*年度?\s*报告"
)
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>[0-9０-９]{4}|[〇○零一二三四五六七八九]{4})年度?(?P<agency>[^\W\d_]{2,60}?)"
    r"(?:的)?政府信息公开(?:工作)?年度?报告"
)
_DATE = re.compile(r"\d{4}\s*年\s*\d{1,2}\s*月(\s*\d{1,2}\s*日)?")
_CHINESE_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" + "9")


@dataclass
class ImportResult:
    """The imported report, the cells not found, and what could not be mapped.

    ``missing`` names exactly the cells of tables 二, 三 and 四 that the report lacks, as
    messages name cells (``三、（一）予以公开·自然人``); ``issues`` are the notes as codes;
    ``partial`` holds the figures of rows found only in part (``applications.granted`` → a
    list with ``None`` for each cell not found): a data file holds whole rows only, so
    such a row is missing as a whole, and the chat can offer these figures back.
    """

    report: Report
    missing: list[str] = field(default_factory=list)
    issues: list[Note] = field(default_factory=list)
    partial: dict[str, list[int | None]] = field(default_factory=dict)

    @property
    def notes(self) -> list[str]:
        """The notes in Chinese, as the officer reads them."""
        return [note.text() for note in self.issues]

    @property
    def codes(self) -> list[Code]:
        """The catalogue codes of the notes (what tests and the chat branch on)."""
        return [note.code for note in self.issues]

    @property
    def complete(self) -> bool:
        """Every cell of tables 二, 三 and 四 was found."""
        return not self.missing


@dataclass(frozen=True, slots=True)
class Region:
    """The lines of one part (after its heading) and text that followed the heading."""

    lines: tuple[Line, ...]
    lead: str = ""


# --- title and parts -------------------------------------------------------------------


def find_heading(text: str, m: ReportModel) -> tuple[str, str] | None:
    """``(part key, text after the heading)`` when ``text`` is one of the six headings."""
    found = _HEADING.match(text.strip().lstrip("#>* ").rstrip("* "))  # Markdown: ## 一、…
    if not found:
        return None
    key = next(p.key for p in m.parts if p.number == found[1])
    body = found[2].strip()
    cut = min((body.find(p) for p in "。：:" if 0 < body.find(p) <= 30), default=-1)
    heading, rest = (body[:cut], body[cut + 1 :].strip()) if cut > 0 else (body, "")
    if not any(word in label_key(heading) for word in HEADING_WORDS[key]):
        return None
    return (key, rest) if len(label_key(heading)) <= 30 else None


def find_parts(lines: tuple[Line, ...], m: ReportModel) -> dict[str, Region]:
    """The region of each part found, by heading, else by the first label of its table."""
    order = [p.key for p in m.parts]
    starts: dict[str, tuple[int, int, str]] = {}  # key -> (first line, heading line, lead)
    last = -1
    for n, line in enumerate(lines):
        hit = find_heading(line.text, m) if len(line.cells) == 1 else None
        if hit and order.index(hit[0]) > last:
            starts[hit[0]] = (n + 1, n, hit[1])
            last = order.index(hit[0])
    for key, words in ANCHORS.items():
        if key in starts:
            continue
        before = [starts[k][0] for k in order[: order.index(key)] if k in starts]
        after = [starts[k][1] for k in order[order.index(key) + 1 :] if k in starts]
        low, high = max(before, default=0), min(after, default=len(lines))
        for n in range(low, high):
            text = label_key(lines[n].text)
            if len(text) <= 60 and any(w in text for w in words):
                starts[key] = (n, n, "")
                break
    ordered = sorted(starts.items(), key=lambda kv: kv[1][0])
    regions = {}
    for index, (key, (first, _, lead)) in enumerate(ordered):
        end = ordered[index + 1][1][1] if index + 1 < len(ordered) else len(lines)
        regions[key] = Region(lines[first:end], lead)
    return regions


def _title_year(text: str) -> int | None:
    year = int(clean_text(text).translate(_CHINESE_DIGITS))
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _title_in(text: str) -> tuple[str, str] | None:
    """(agency, year) of a title 〔agency〕〔year〕年政府信息公开工作年度报告 or
    〔year〕年〔agency〕政府信息公开工作年度报告 in ``text`` (spaces dropped)."""
    text = re.sub(r"\s+", "", text)
    if len(text) > 120:
        return None
    found = _TITLE.search(text) or _TITLE_YEAR_FIRST.search(text)
    return (found["agency"], found["year"]) if found else None


def find_title(lines: tuple[Line, ...], fallback: str) -> tuple[str | None, int | None]:
    """Agency and year from the title 〔agency〕〔year〕年政府信息公开工作年度报告 (or the
    year first), in the first lines: on one line, wrapped over two or three, the agency
    on the line before; else in ``fallback`` (the page title or a PDF's page header)."""
    head = lines[:60]
    candidates: list[tuple[str, str]] = []  # (text, the line before it)
    wrapped: list[tuple[str, str]] = []  # a title wrapped over two or three lines
    for n, line in enumerate(head):
        before = head[n - 1].text if n else ""
        candidates += [(c.text, before) for c in line.cells]
        following = [x.text for x in head[n + 1 : n + 3] if len(x.cells) == 1]
        if len(line.cells) == 1:
            wrapped += [("".join([line.text, *following[:k]]), before) for k in (1, 2)]
    for text, before in [*candidates, *wrapped, (fallback, "")]:
        found = _title_in(text)
        if found:
            agency = re.sub(r"^[\W_]+|[\W_]+$", "", found[0]).removesuffix("关于")
            agency = agency or (before if len(before) <= 40 else "")
            if 2 <= len(agency) <= 60:
                return agency, _title_year(found[1])
    return None, None


# --- prose -----------------------------------------------------------------------------


def narrative(region: Region, agency: str, last: bool) -> str:
    """The prose of a part: its paragraphs (tables left out), without the page around it."""
    out: list[str] = []
    for text in [region.lead, *(line.text for line in region.lines if not line.table)]:
        text = text.strip()
        if not text:
            continue
        if len(text) <= 60 and any(word in text for word in CHROME):
            if last:
                break
            continue
        out.append(full_width_punctuation(text))
    while last and out and (out[-1] == agency or _DATE.fullmatch(clean_text(out[-1]))):
        out.pop()
    return "\n".join(out)


# --- the import ------------------------------------------------------------------------


def import_document(
    doc: Document,
    name: str,
    *,
    agency: str | None = None,
    year: int | None = None,
    m: ReportModel | None = None,
) -> ImportResult:
    """The report in ``doc``; ``agency``/``year`` override the title's."""
    m = m or model()
    regions = find_parts(doc.lines, m)
    tables = Tables()
    for key, reader in (
        ("active", read_active),
        ("applications", read_applications),
        ("review_litigation", read_review),
    ):
        if key in regions:
            reader(tokens(regions[key].lines, doc.blank_is_gap), m, tables)
    if not tables.found:
        raise ImportFailed(Code.IMP_NO_TABLES, path=name)
    title_agency, title_year = find_title(doc.lines, doc.title)
    agency, year = agency or title_agency, year or title_year
    if agency is None or year is None:
        what = (
            "机关名称和年度"
            if agency is None and year is None
            else ("机关名称" if agency is None else "年度")
        )
        raise ImportFailed(Code.IMP_NO_TITLE, path=name, what=what)
    report = Report(agency=agency, year=year, active=dict(tables.active))
    issues = [Note(Code.IMP_FORMAT_2019)] if tables.format_2019 else []
    for code, numbers in (
        (Code.IMP_PDF_SCANNED_PAGES, doc.scanned_pages),
        (Code.IMP_PDF_GARBLED_PAGES, doc.garbled_pages),
    ):
        if numbers:
            issues.append(Note(code, {"pages": "、".join(map(str, numbers))}))
    issues += [
        Note(Code.IMP_TABLE_NOT_FOUND, {"part": m.part(k).title})
        for k in ("active", "applications", "review_litigation")
        if k not in tables.found
    ]
    result = ImportResult(report, issues=issues + tables.notes)
    result.missing = [c.ref for c in m.active_cells if c.path not in report.active]
    _put_rows(result, m.applications, tables.applications)
    _put_rows(result, m.review_litigation, tables.review_litigation)
    for part in m.parts:
        if part.kind == "prose":
            text = (
                narrative(regions[part.key], agency, part.key == m.parts[-1].key)
                if part.key in regions
                else ""
            )
            if text:
                report.narrative[part.key] = text
            else:
                result.issues.append(Note(Code.IMP_PART_MISSING, {"part": part.title}))
    return result


def _put_rows(result: ImportResult, grid: Grid, found: dict[str, list[int | None]]) -> None:
    """Complete rows into the report, every cell of the others into ``missing``: a data
    file holds whole rows only, so the figures of a partly found row go to ``partial``."""
    for row in grid.rows:
        values = found.get(row.key) or [None] * grid.width
        gaps = sum(v is None for v in values)
        if not gaps:
            result.report.grid(grid)[row.key] = [v for v in values if v is not None]
            continue
        result.missing += [grid.cell_ref(row.key, c) for c in range(grid.width)]
        if gaps < grid.width:
            result.partial[f"{grid.part}.{row.key}"] = values
            params = {"row": row.ref, "missing": gaps, "found": grid.width - gaps}
            result.issues.append(Note(Code.IMP_PARTIAL_ROW, params))


def import_bytes(
    filename: str, data: bytes, *, agency: str | None = None, year: int | None = None
) -> ImportResult:
    """Import an uploaded file; ``filename`` gives its type and names it in messages. It
    is read in a separate process, bounded in memory and time (:mod:`bot.importing.worker`)."""
    doc = read_document_bounded(filename, data)
    return import_document(doc, filename, agency=agency, year=year)


def import_report(
    path: Path, *, agency: str | None = None, year: int | None = None
) -> ImportResult:
    """Import the report in ``path`` (.txt, .html, .docx, .pdf or .xlsx), refused by its size
    before it is read, then read as :func:`import_bytes` reads."""
    doc = read_document_bounded(str(path), read_file(path))
    return import_document(doc, str(path), agency=agency, year=year)


def describe(result: ImportResult, m: ReportModel | None = None) -> list[str]:
    """Lines telling the officer what is missing (whole rows once) and the notes."""
    m = m or model()
    lines: list[str] = []
    missing = set(result.missing)
    if missing:
        lines.append(message(Code.IMP_MISSING_HEADER, count=len(missing)))
        lines += [f"  {c.ref}" for c in m.active_cells if c.ref in missing]
        for grid in (m.applications, m.review_litigation):
            for row in grid.rows:
                refs = [grid.cell_ref(row.key, c) for c in range(grid.width)]
                gaps = [r for r in refs if r in missing]
                if len(gaps) == grid.width:
                    lines.append(
                        "  " + message(Code.IMP_MISSING_ROW, row=row.ref, count=grid.width)
                    )
                else:
                    lines += [f"  {r}" for r in gaps]
    else:
        lines.append(message(Code.IMP_COMPLETE))
    if result.issues:
        lines.append(message(Code.IMP_NOTES_HEADER))
        lines += [f"  - {text}" for text in result.notes]
    return lines
