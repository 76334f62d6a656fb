"""The draft as one document model, composed from a report; every output is rendered from it.

:class:`Document` holds the title, the opening paragraph and the six sections under their
official headings. A section's blocks are :class:`Paragraph` (prose, sub-part headings,
visible gaps) and :class:`~bot.drafting.tables.TableBlock` (tables 二, 三 and 四 in the
official layout, merged cells included, from :mod:`bot.drafting.tables`). The Word,
HTML, Markdown, text and XLSX drafts all read this model, so they can never disagree.

The prose comes from templates (``templates/prose/``); this module is pure and does not
know Jinja: :func:`compose` takes a ``prose`` callable that renders a template name to
text (:func:`bot.drafting.prose.document` supplies it). Template output is a list of paragraphs,
each opened by a marker line (see :data:`PARA`); a gap marker (:data:`GAP`) flags a
paragraph that still waits for the officer. Officer text is cleaned of control
characters before it reaches a template, so it can never forge either marker.

Precedence per part of the prose: the officer's structured answers (composed by the
template); else the part's text in ``report.narrative`` (an imported report), one
paragraph per line; else the template with every answer missing, i.e. visible gaps. A
paragraph id in ``report.extra["overrides"]`` replaces that paragraph's text wherever it
came from and sets :attr:`Paragraph.override`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from bot.drafting.tables import TableBlock, table_blocks
from bot.format.catalogue import Code, message
from bot.format.model import ReportModel
from bot.format.paragraphs import by_id
from bot.format.pasted import split_sections
from bot.format.report import NARRATIVE_KEYS, Report

# Marker line opening a paragraph in template output: \x1e id \x1f level \x1f source.
PARA = "\x1e"
FIELD = "\x1f"
# Marks the start of a gap text inside a paragraph (【待填写：…】 follows).
GAP = "\x1d"
# Characters officer text may not carry: C0/C1 controls but \n and \t, lone surrogates,
# the two non-characters XML forbids. \r is normalised to \n before this applies.
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_ASCII_WORD = re.compile(r"[0-9A-Za-z]")

PROSE_PARTS = NARRATIVE_KEYS  # overview, problems, other_matters
SOURCES = ("answers", "data", "narrative", "override")


def clean(text: str) -> str:
    """Officer text made safe for every format: newlines normalised, controls removed."""
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """Cleaned text as one line: lines stripped and joined, a space only between ASCII words."""
    out = ""
    for line in (ln.strip() for ln in clean(text).split("\n")):
        if not line:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(line[0]):
            out += " "
        out += line
    return out


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph of prose.

    Attributes:
        id: stable identifier, the key of an officer's override (``overview.active``).
        text: the text, one line, never empty.
        level: 0 for body text, 2 for a sub-part heading such as （一）主动公开.
        override: the officer replaced the composed text with their own.
        source: ``answers`` (composed from the officer's answers), ``data`` (fixed wording
            and table figures only), ``narrative`` (text of an imported report) or
            ``override``.
        gap: the paragraph shows a visible 【待填写】 gap instead of (some of) its content.
    """

    id: str
    text: str
    level: int = 0
    override: bool = False
    source: str = "answers"
    gap: bool = False


Block = Paragraph | TableBlock


@dataclass(frozen=True, slots=True)
class Section:
    """One of the six parts, under its official number and heading."""

    key: str
    number: str
    heading: str
    blocks: tuple[Block, ...]

    @property
    def title(self) -> str:
        """The official heading with its number, e.g. ``一、总体情况``."""
        return f"{self.number}、{self.heading}"

    def paragraphs(self) -> tuple[Paragraph, ...]:
        """The prose blocks of the section."""
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))


@dataclass(frozen=True, slots=True)
class Signature:
    """The 落款 closing a signed draft: the agency and the date, as printed."""

    agency: str
    date: str


@dataclass(frozen=True, slots=True)
class Document:
    """The whole draft: title, opening paragraph, six sections; the agency named in the
    title (where the title may break) and, when asked for, the 落款."""

    title: str
    opening: Paragraph
    sections: tuple[Section, ...]
    agency: str = ""
    signature: Signature | None = None

    def section(self, key: str) -> Section:
        """The section of part ``key``."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)

    def paragraphs(self) -> Iterator[Paragraph]:
        """Every paragraph, the opening first, in document order."""
        yield self.opening
        for section in self.sections:
            yield from section.paragraphs()

    def tables(self) -> Iterator[TableBlock]:
        """Every table, in document order."""
        for section in self.sections:
            yield from (b for b in section.blocks if isinstance(b, TableBlock))


# --- paragraphs ------------------------------------------------------------------------


def parse_paragraphs(text: str) -> list[Paragraph]:
    """Paragraphs from template output; empty ones are kept with empty text (see compose)."""
    out: list[Paragraph] = []
    lines: list[str] = []
    head: list[str] | None = None

    def close() -> None:
        if head is None:
            return
        body = "".join(lines)
        pid, level, source = head
        out.append(Paragraph(pid, body.replace(GAP, ""), int(level), False, source, GAP in body))

    for line in text.split("\n"):
        if line.startswith(PARA):
            close()
            head, lines = line[1:].strip().split(FIELD), []
            if len(head) != 3 or head[2] not in SOURCES:
                raise ValueError(f"bad paragraph marker {line!r}")
        elif line.strip(" \t"):  # not str.strip(): it would eat the GAP mark (\x1d)
            if head is None:
                raise ValueError(f"template text before the first paragraph marker: {line!r}")
            lines.append(line.strip(" \t"))
    close()
    return out


def narrative_paragraphs(part: str, text: str) -> list[Paragraph]:
    """An imported part's text, one paragraph per non-empty line. Where the text has the
    official sub-parts (（一）主动公开…（五）监督保障), each sub-part's heading is a heading
    and its text takes the id of the composed paragraph it stands for, so that 修改 （二）
    replaces it as it would a composed one; its introduction is the part's opening
    paragraph where the format has one (总体情况)."""
    intro, sections = split_sections(clean(text), part)
    if not sections:
        return numbered(f"{part}.text.", lines_of(intro), source="narrative", start=1)
    opening = f"{part}.intro"
    out = (
        numbered(opening, lines_of(intro), source="narrative")
        if by_id(opening) is not None
        else numbered(f"{part}.text.", lines_of(intro), source="narrative", start=1)
    )
    for section in sections:
        if section.heading:
            heading = one_line(section.heading)
            out.append(Paragraph(f"{section.target.id}.heading", heading, 2, source="narrative"))
        out += numbered(section.target.id, lines_of(section.text), source="narrative")
    return out


def imported_for_gaps(paragraphs: list[Paragraph], part: str, text: str) -> list[Paragraph]:
    """A part drafted from answers while its imported text exists (the officer began to
    redraft it): a paragraph still showing a gap keeps the imported sub-part of the same
    name (（三）政府信息管理 …) instead, so what is not answered again is not lost."""
    imported = narrative_paragraphs(part, text)
    out: list[Paragraph] = []
    for p in paragraphs:
        same = [q for q in imported if q.id == p.id or q.id.startswith(p.id + "+")]
        out += same if p.gap and same else [p]
    return out


def lines_of(text: str) -> list[str]:
    """The non-empty lines of ``text``, trimmed."""
    return [ln.strip() for ln in text.split("\n") if ln.strip()]


def numbered(
    pid: str,
    lines: list[str],
    *,
    source: str,
    start: int | None = None,
    level: int = 0,
    override: bool = False,
) -> list[Paragraph]:
    """One paragraph per line: ids ``pid``, ``pid+2``, ``pid+3`` … (the lines of one
    paragraph, as an officer's replacement of several lines is numbered), or with
    ``start``, ``pid1``, ``pid2`` … (separate paragraphs)."""

    def pid_of(i: int) -> str:
        if start is not None:
            return f"{pid}{start + i}"
        return pid if i == 0 else f"{pid}+{i + 1}"

    return [Paragraph(pid_of(i), ln, level, override, source) for i, ln in enumerate(lines)]


def overrides(report: Report) -> dict[str, str]:
    """The officer's replacement paragraphs by paragraph id (blank texts ignored)."""
    value = report.extra.get("overrides")
    if not isinstance(value, dict):
        return {}
    texts = {str(k): clean(str(v)).strip() for k, v in value.items() if v is not None}
    return {k: v for k, v in texts.items() if v}


def apply_overrides(paragraphs: list[Paragraph], texts: dict[str, str]) -> list[Paragraph]:
    """Replace overridden paragraphs (one per line of the override); drop empty ones."""
    out: list[Paragraph] = []
    for p in paragraphs:
        if p.id in texts:
            lines = [one_line(ln) for ln in texts[p.id].split("\n")]
            out += numbered(
                p.id, [ln for ln in lines if ln], source="override", level=p.level, override=True
            )
        elif "+" in p.id and p.id.split("+")[0] in texts:
            continue  # a further line of a replaced paragraph: replaced with it
        elif p.text:
            out.append(p)
    return out


Prose = Callable[[str], str]


def compose(report: Report, m: ReportModel, prose: Prose, answered: frozenset[str]) -> Document:
    """The draft of ``report``.

    ``prose(name)`` renders the template ``templates/prose/<name>.j2`` (``front`` for the
    title and opening, then one per prose part); ``answered`` names the prose parts for
    which the officer gave structured answers.
    """
    texts = overrides(report)
    front = {p.id: p for p in parse_paragraphs(prose("front"))}
    opening = apply_overrides([front["opening"]], texts)
    tables = table_blocks(report, m, message(Code.DRF_GAP_CELL))
    sections = []
    for part in m.parts:
        blocks: list[Block]
        if part.key in tables:
            blocks = [tables[part.key]]
        else:
            narrative = report.narrative.get(part.key, "")
            if part.key not in answered and narrative.strip():
                paragraphs = narrative_paragraphs(part.key, narrative)
            else:
                paragraphs = parse_paragraphs(prose(part.key))
                if narrative.strip():  # being redrafted: what is not answered yet stays
                    paragraphs = imported_for_gaps(paragraphs, part.key, narrative)
            blocks = list(apply_overrides(paragraphs, texts))
        sections.append(Section(part.key, part.number, part.heading, tuple(blocks)))
    return Document(
        front["title"].text, opening[0] if opening else front["opening"], tuple(sections)
    )


def part_texts(document: Document) -> dict[str, str]:
    """The prose of each part as one text, paragraphs on their own lines (for the checks)."""
    return {
        s.key: "\n".join(p.text for p in s.paragraphs())
        for s in document.sections
        if s.key in PROSE_PARTS
    }
