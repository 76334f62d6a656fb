"""The prose of the draft: the project's one Jinja environment and the composed document.

This module owns the Jinja environment (``templates/``, ``StrictUndefined``, autoescape
for ``.html`` templates only), its filters, and the template context,
:class:`DraftContext`, whose every field is documented (a contract test holds each
template to it). Everything an officer reads in Chinese is in ``templates/`` or
``prompts/``. :func:`document` composes the draft every format is rendered from;
:func:`with_narrative` puts its prose into the report data file. Nothing here writes an
Office file: :mod:`bot.drafting.render` does, and checking a report needs only this.

Public API: :func:`document`, :func:`with_narrative`, :func:`paragraph_text`,
:func:`render_template`, :func:`draft_context`, :func:`environment`, :class:`DraftContext`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from bot.conversation.words import is_word
from bot.drafting.compose import PROSE_PARTS, Document, compose, one_line
from bot.drafting.prose_facts import (
    Channel,
    Requests,
    answered_parts,
    answers,
    channels,
    choice_labels,
    lead_split,
    requests,
    standards,
)
from bot.drafting.tables import TableBlock, TableCell, figure_text
from bot.drafting.typesetting import gap_spans, title_lines
from bot.format.catalogue import Code, message
from bot.format.model import SEPARATOR, Part, ReportModel, model
from bot.format.report import Report
from bot.format.voice import Voice, voice

TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
_TRAILING = "。．.；;，,、：:！!？? \t"


# --- the template context ------------------------------------------------------------------

ANSWERS_HELP = (
    "Every prose question of prompts/narrative.yaml by name, normalised: text → str, list → "
    "list[str], integer → int, decimal → Decimal, select_one → choice name, select_multiple → "
    "list of choice names, counts → {choice name: int}; None when unanswered"
)
LABELS_HELP = "For each select question, the labels of the chosen options (maybe empty)"
REQUESTS_HELP = (
    "Figures of tables 三 and 四 for the 依申请公开 paragraph (see Requests); the prose "
    "states no other figure of these tables"
)
DOCUMENT_HELP = (
    "The composed draft (title, opening, sections of Paragraph / TableBlock); None while the "
    "prose templates themselves are rendered"
)


@dataclass(frozen=True)
class DraftContext:
    """Everything a template in ``templates/`` may use; nothing else is passed.

    Each field's ``metadata["help"]`` documents it for template authors; a contract test
    holds every template to these fields.
    """

    agency: str = field(metadata={"help": "机关名称 as in the title, control characters removed"})
    year: int = field(metadata={"help": "The year reported on (int)"})
    parts: tuple[Part, ...] = field(metadata={"help": "The six official parts, in order"})
    answers: dict[str, Any] = field(metadata={"help": ANSWERS_HELP})
    labels: dict[str, list[str]] = field(metadata={"help": LABELS_HELP})
    answered: frozenset[str] = field(metadata={"help": "The prose parts with any answer"})
    requests: Requests = field(metadata={"help": REQUESTS_HELP})
    gap_cell: str = field(metadata={"help": "The visible marker of an unanswered table cell"})
    voice: Voice = field(
        metadata={"help": "How the agency speaks of itself: subject (我局), portal, government"}
    )
    channels: tuple[Channel, ...] = field(
        metadata={"help": "The chosen channels of 主动公开 with their counts (see Channel)"}
    )
    standards: dict[str, str] = field(
        metadata={"help": "The standard sentence of each question that has one, in the voice"}
    )
    document: Document | None = field(default=None, metadata={"help": DOCUMENT_HELP})
    fragment: bool = field(
        default=False,
        metadata={"help": "HTML: the article alone, every style inline (for a web editor)"},
    )

    def variables(self) -> dict[str, Any]:
        """The fields as template variables (shallow: model objects keep their methods)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def draft_context(report: Report, m: ReportModel) -> DraftContext:
    """The context of the prose templates (``document`` not yet composed)."""
    v = voice(report.agency, report.agency_level)
    values = answers(report, v)
    return DraftContext(
        agency=one_line(report.agency),
        year=report.year,
        parts=m.parts,
        answers=values,
        labels=choice_labels(values),
        answered=answered_parts(values),
        requests=requests(report, m),
        gap_cell=message(Code.DRF_GAP_CELL),
        voice=v,
        channels=channels(values, v),
        standards=standards(v),
    )


# --- the Jinja environment -----------------------------------------------------------------


DIGITS = "零一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))


def chinese_numeral(n: int) -> str:
    """``n`` in Chinese numerals as counted in prose: 十二, 一百零五, 一千零一十."""
    if n < 0 or n >= 10_000:
        return str(n)
    if n < 20:  # 十, 十一 … 十九: no 一 before 十
        return DIGITS[n] if n < 10 else "十" + (DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in UNITS:
        digit = n // value % 10
        if digit == 0:
            zero = zero or bool(out)
            continue
        out += ("零" if zero else "") + DIGITS[digit] + unit
        zero = False
    return out


def _is_html(name: str | None) -> bool:
    return name is not None and name.endswith((".html", ".html.j2"))


def clause(text: Any) -> str:
    """Filter: text without trailing punctuation, so a template can end it as it needs."""
    return str(text).rstrip(_TRAILING)


def sentence(text: Any) -> str:
    """Filter: text ending in a full stop (kept if it already ends a sentence)."""
    text = str(text).rstrip(" \t")
    return text if text.endswith(("。", "！", "？", "!", "?", "…", "”")) else clause(text) + "。"


_HAS_SUBJECT = re.compile(
    r"我|本机关|本单位|本[局委办厅区县市镇乡署院]|该"
    r"|^[\u4e00-\u9fff]{1,8}?(?:局|委员会|厅|办公室|人民政府|中心|署|街道办事处)"
)
_TIME_LEAD = re.compile(r"^((?:\d{4}年|本年度|今年|全年|下一步|一年来)[，,]?)")


def with_subject(text: Any, who: Voice | str) -> str:
    """Filter: ``text`` given the agency's subject when its first clause has none.

    ``who`` is the agency's :class:`Voice` (or just its subject; '' leaves text as it is).

    “按上级要点梳理任务” → “我局按上级要点梳理任务”; “本年度，梳理…” → “本年度，我局梳理…”.
    Text whose first clause names the subject, 我…, 本机关 or 本单位 is kept as it is.
    """
    line = str(text)
    subject, agency = (who.subject, who.agency) if isinstance(who, Voice) else (who, "")
    first = re.split(r"[，,。；;：:]", line, maxsplit=1)[0]
    if not subject or _HAS_SUBJECT.search(first) or subject in first:
        return line
    if agency and agency in first:
        return line
    lead = _TIME_LEAD.match(line)
    if lead:
        rest = line[lead.end() :]
        head = re.split(r"[，,。；;：:]", rest, maxsplit=1)[0]
        if _HAS_SUBJECT.search(head) or subject in head or (agency and agency in head):
            return line
        return lead.group(1).rstrip("，,") + "，" + subject + rest
    return subject + line


def none_word(value: Any) -> bool:
    """Test: the answer says “nothing” (无, 没有 …) and so makes no sentence."""
    return isinstance(value, str) and is_word("none", value)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|#&!~])")
_MD_LINE_START = re.compile(r"^(\s*)(?:([-+=])|(\d+)([.)]))")


def md(text: Any) -> str:
    """Filter: inline text escaped for Markdown (no markup, no raw HTML, safe in a table)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


def _escape_marker(match: re.Match[str]) -> str:
    space, sign, number, dot = match.groups()
    return space + (f"\\{sign}" if sign else f"{number}\\{dot}")


def md_block(text: Any) -> str:
    """Filter: a paragraph escaped for Markdown, a list marker at its start too."""
    return _MD_LINE_START.sub(_escape_marker, md(text))


@dataclass(frozen=True, slots=True)
class FlatTable:
    """A table with merged cells flattened, for Markdown and plain text.

    ``header`` names the columns (merged header labels joined with ·); each row holds the
    full row label (when ``labelled``) and then the cell texts.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    labelled: bool


def _distinct(cells: list[TableCell]) -> list[TableCell]:
    out: list[TableCell] = []
    for cell in cells:
        if not any(cell is seen for seen in out):
            out.append(cell)
    return out


def flatten(block: TableBlock) -> tuple[FlatTable, ...]:
    """Filter: a table as simple tables.

    Table 二 (no header rows) becomes one table per 第二十条 article, its caption as the
    header. Tables 三 and 四 become one table each: a column is named by the header cells
    above it (a header spanning every data column adds nothing and is left out), a row by
    all its label cells.
    """
    grid = block.grid()
    if block.header_rows == 0:
        groups: list[tuple[str, list[tuple[str, ...]]]] = []
        for row in grid:
            cells = _distinct(row)
            if len(cells) == 1 and cells[0].colspan == block.n_cols:
                groups.append((cells[0].text, []))
            else:
                groups[-1][1].append(tuple(c.text for c in cells))
        out = []
        for caption, rows in groups:
            width = max(len(r) for r in rows)
            out.append(
                FlatTable(
                    (caption,) + ("",) * (width - 1),
                    tuple(r + ("",) * (width - len(r)) for r in rows),
                    True,
                )
            )
        return tuple(out)
    data = range(block.label_cols, block.n_cols)
    header = [grid[0][0].text] if block.label_cols else []
    for c in data:
        above = _distinct([grid[r][c] for r in range(block.header_rows)])
        header.append(SEPARATOR.join(x.text for x in above if x.colspan < len(data)))
    rows = []
    for r in range(block.header_rows, block.n_rows):
        label = " ".join(c.text for c in _distinct(grid[r][: block.label_cols]))
        rows.append(((label,) if block.label_cols else ()) + tuple(grid[r][c].text for c in data))
    return (FlatTable(tuple(header), tuple(rows), bool(block.label_cols)),)


GAP_MARK = '<mark style="background: #fff3b0; color: inherit;">{}</mark>'


def gaps(text: str, gap_cell: str) -> Markup:
    """Filter (HTML): ``text`` escaped, each visible gap in a highlighted ``<mark>``."""
    return Markup("").join(
        Markup(GAP_MARK).format(piece) if gap else escape(piece)
        for piece, gap in gap_spans(text, gap_cell)
    )


@cache
def environment() -> Environment:
    """The project's one Jinja environment."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        undefined=StrictUndefined,
        autoescape=_is_html,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,
    )
    env.filters.update(
        clause=clause,
        sentence=sentence,
        md=md,
        md_block=md_block,
        flat=flatten,
        figure=figure_text,
        chinese_numeral=chinese_numeral,
        lead_split=lead_split,
        with_subject=with_subject,
        gaps=gaps,
        title_lines=title_lines,
    )
    env.tests["none_word"] = none_word
    return env


def render_template(name: str, ctx: DraftContext) -> str:
    """Render ``templates/<name>`` with the context's fields."""
    return environment().get_template(name).render(ctx.variables())


# --- the composed draft ----------------------------------------------------------------------


def document(report: Report, m: ReportModel | None = None) -> Document:
    """The composed draft of ``report`` (the one model every format is rendered from)."""
    m = m or model()
    ctx = draft_context(report, m)
    doc = compose(report, m, lambda name: render_template(f"prose/{name}.j2", ctx), ctx.answered)
    return replace(doc, agency=ctx.agency)


def paragraph_text(report: Report, pid: str, m: ReportModel | None = None) -> str:
    """The current text of paragraph ``pid`` of the draft (its lines, when the officer's
    replacement has several); '' when the draft has no such paragraph now."""
    doc = document(report, m)
    lines = [p.text for p in doc.paragraphs() if p.id == pid or p.id.startswith(pid + "+")]
    return "\n".join(lines)


def with_narrative(
    report: Report, m: ReportModel | None = None, doc: Document | None = None
) -> Report:
    """A copy of ``report`` whose ``narrative`` holds the composed prose of each part.

    This is what a report data file written from the chat carries: the final text of
    parts 一, 五 and 六. A part with a gap (a question not answered yet) is left out, as
    the data file's rule is that a missing key means "not answered yet". Text the report
    already carries (an imported report) is kept as it is. ``doc``: the report's composed
    draft, when the caller has it already.
    """
    doc = document(report, m) if doc is None else doc
    narrative = dict(report.narrative)
    for section in doc.sections:
        paragraphs = section.paragraphs()
        composed = section.key in PROSE_PARTS and section.key not in narrative
        if composed and paragraphs and not any(p.gap for p in paragraphs):
            narrative[section.key] = "\n".join(p.text for p in paragraphs if p.level == 0)
    return replace(report, narrative=narrative)
