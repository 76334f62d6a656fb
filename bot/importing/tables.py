"""Recognise tables 二 and 三 in the lines of their part, by their labels (table 四:
:mod:`bot.importing.review_table`, with the stream of cells and the helpers here).

Rows are found by their label (any spelling, see :mod:`bot.importing.labels`), never by
position; the figures of a row are the figure cells after its label. In a table row
(HTML, Word, Excel, PDF, ``|`` or tab separated) they are those of that row; in text
copied from a web page (one cell per line) they are the run of figures that follows.
Where the format knows each cell's grid column, table 三's columns are located by their
header labels (自然人 … 总计), so a re-laid-out table still reads right; elsewhere the
official column order is assumed.

Nothing is guessed: a row whose figures do not fit its columns (a figure or a label
lost) keeps its cells missing, with a note of what was found. Where a second reading of
the same text exists, the row's total decides: blank lines count as empty cells, or one
figure too many (a page number) is left out, only where exactly that reading adds up.
The 2019 trial format (spec §4) is mapped where it maps, the rest is missing with a note;
（六）其他处理 printed as one row of zeros is its three rows of zeros (counts are never
negative). Totals stay as printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from bot.format.catalogue import Code
from bot.format.model import Grid, ReportModel
from bot.importing.cells import (
    Note,
    Value,
    clean_text,
    label_key,
    read_value,
    shown_values,
    strip_numbering,
    to_count,
    to_money,
)
from bot.importing.labels import (
    COLUMN_LABELS,
    KINDS_2021,
    LABELS_2019,
    OTHER_GROUP,
    ROWS_2019,
    active_columns,
    active_row,
    application_label,
    is_article,
)
from bot.importing.text import Line

Figure = int | Decimal
OTHER_ROWS = ("other_no_correction", "other_no_fee", "other")  # （六）其他处理 in 2021
_REMARK = re.compile(r"[(\[［].*[)\]］]")  # after NFKC: （…） is (…)


@dataclass(frozen=True, slots=True)
class Tok:
    """A cell in the stream: its text, line, grid column, and its figure if it is one."""

    text: str
    line: int
    col: int | None
    span: int
    multi: bool  # its line has several cells: the figures of its row are on that line
    value: Value | None
    blank_line: bool = False  # an empty cell printed as a blank line (text.BLANK)

    def covers(self, x: int | None) -> bool:
        """The cell spans grid column ``x``."""
        return self.col is not None and x is not None and self.col <= x < self.col + self.span


def tokens(lines: Sequence[Line], blank_is_gap: bool = False) -> list[Tok]:
    """The cells of ``lines`` as one stream."""
    return [
        Tok(
            cell.text,
            n,
            cell.col,
            cell.span,
            len(line.cells) > 1,
            read_value(cell.text, blank_is_gap=blank_is_gap),
            not line.text,
        )
        for n, line in enumerate(lines)
        for cell in line.cells
    ]


@dataclass
class Tables:
    """What was read: figures by cell, rows with ``None`` for missing cells, and notes."""

    active: dict[str, Figure] = field(default_factory=dict)
    applications: dict[str, list[int | None]] = field(default_factory=dict)
    review_litigation: dict[str, list[int | None]] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    found: set[str] = field(default_factory=set)  # parts whose table was recognised
    format_2019: bool = False

    def note(self, code: Code, **params: object) -> None:
        """Add a note."""
        self.notes.append(Note(code, params))


def continues(text: str, piece: str, official: Sequence[str]) -> bool:
    """``piece`` completes the label ``text``: together they begin one of the ``official``
    labels (a label broken over lines), or ``piece`` is a remark in brackets."""
    if _REMARK.fullmatch(clean_text(piece)):
        return True
    joined = label_key(strip_numbering(clean_text(text + piece)))
    return any(label_key(strip_numbering(o)).startswith(joined) for o in official)


def take(
    toks: list[Tok],
    i: int,
    label: Tok,
    official: Sequence[str] = (),
    text: str = "",
    blanks: bool = False,
) -> tuple[list[Tok], int]:
    """The figures after ``label`` (from ``toks[i]``) and the index after them.

    In a table row: the figure cells up to the next text cell of that row. In a stream:
    the whole run of figures, so a run too long for the row shows a lost label; blank
    lines are empty cells in it only with ``blanks``. Text before the first figure is
    passed over only where it :func:`continues` the label (``text``, when the label was
    itself pieced together).
    """
    out: list[Tok] = []
    text = text or label.text
    while i < len(toks):
        t = toks[i]
        if label.multi and t.line != label.line:
            break
        if t.blank_line and not blanks:
            pass
        elif t.value is not None:
            out.append(t)
        elif out or label.multi or not continues(text, t.text, official):
            break
        else:
            text += t.text
        i += 1
    return out, i


def with_blanks(
    toks: list[Tok], i: int, label: Tok, official: Sequence[str], text: str, n: int
) -> list[Tok] | None:
    """The ``n`` figures after ``label`` counting blank lines as empty cells (see
    :func:`~bot.importing.text.text_lines`), when that is exactly ``n`` and the row's total
    (its last figure, for ``n`` > 3) is the sum of the others; else None."""
    if label.multi or not any(t.blank_line for t in toks[i : i + 3 * n]):
        return None
    values, _ = take(toks, i, label, official, text, blanks=True)
    return values if len(values) == n and (n <= 3 or adds_up(values)) else None


def adds_up(values: list[Tok]) -> bool:
    """Every figure is a count, and the last is the sum of the others (a row's total)."""
    counts = [to_count(val(t)) for t in values]
    return None not in counts and sum(c or 0 for c in counts[:-1]) == counts[-1]


def fit(values: list[Tok], n: int) -> list[Tok] | None:
    """Exactly ``n`` figures (empty cells at the end of a row dropped), or None."""
    values = list(values)
    while len(values) > n and values[-1].value is not None and not values[-1].value.raw:
        values.pop()
    return values if len(values) == n else None


def one_extra(values: list[Tok], n: int) -> list[Tok] | None:
    """The row in a run of ``n`` + 1 figures (a page number, or a figure copied twice,
    before or after the row's own): the one reading, without the first figure or without
    the last, whose total (the last of ``n``) is the sum of the others. None when neither
    or both hold with different figures: the row cannot be told, and stays missing."""
    if len(values) != n + 1:
        return None
    readings = [r for r in (values[:-1], values[1:]) if adds_up(r)]
    shown = {tuple(val(t).raw for t in r) for r in readings}
    return readings[0] if len(shown) == 1 else None


def val(t: Tok) -> Value:
    assert t.value is not None
    return t.value


def count_note(tables: Tables, row: str, found: list[Tok], expected: int) -> None:
    values = shown_values([val(t) for t in found])
    tables.note(Code.IMP_ROW_COUNT, row=row, found=len(found), expected=expected, values=values)


def _stray_note(tables: Tables, part: str, stray: list[Tok]) -> None:
    shown = [val(t) for t in stray if not val(t).blank]
    if shown:
        values = shown_values(shown[:12]) + ("…" if len(shown) > 12 else "")
        tables.note(Code.IMP_STRAY, part=part, count=len(shown), values=values)


# --- table 二 --------------------------------------------------------------------------


def read_active(toks: list[Tok], m: ReportModel, tables: Tables) -> None:
    """Table 二 in the 2021 or the 2019 layout; columns as its header names them."""
    targets: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    for cell in m.active_cells:
        head, _, tail = cell.path.partition(".")
        targets.setdefault(head, []).append(tail or ("fees" if cell.money else "decisions"))
        labels[head] = cell.row_label
    columns: list[str] = []
    in_header = True
    done: set[str] = set()
    short: dict[str, tuple[str, list[Tok], int]] = {}
    stray: list[Tok] = []
    frag = ""  # the text before, when it matched nothing: a label broken over two cells
    i = 0
    while i < len(toks):
        t = toks[i]
        i += 1
        if t.value is not None:
            stray.append(t)
            frag = ""
            continue
        text = t.text
        row, kinds = active_row(text), active_columns(text)
        if row is None and not kinds and frag:
            text = frag + text
            row, kinds = active_row(text), active_columns(text)
        if row is None:
            frag = "" if kinds or is_article(text) else t.text
            if is_article(text):
                columns, in_header = [], True
            elif kinds:
                columns = columns if in_header else []
                columns.extend(kinds)  # in place: a header of many cells stays linear
                in_header = True
            continue
        frag = ""
        tables.found.add("active")
        in_header = False
        kinds = columns or targets.get(row) or ROWS_2019[row]
        official = [x for x in (labels.get(row), LABELS_2019.get(row)) if x]
        start = i
        values, i = take(toks, i, t, official, text)
        fitted = fit(values, len(kinds)) or with_blanks(toks, start, t, official, text, len(kinds))
        if row in done:
            stray += values
        elif fitted is None:
            short[row] = (text, values, len(kinds))
        else:
            done.add(row)
            _assign_active(row, kinds, fitted, targets.get(row, []), text, tables)
    for row, (label, values, expected) in short.items():
        if row not in done and row in targets:
            count_note(tables, label, values, expected)
    _stray_note(tables, m.part("active").title, stray)


def _assign_active(
    row: str, kinds: list[str], values: list[Tok], targets: list[str], label: str, tables: Tables
) -> None:
    """Put a row's figures in the cells their columns map to; note the rest."""
    unmapped = []
    for kind, t in zip(kinds, values, strict=True):
        if kind not in targets:
            unmapped.append(f"{COLUMN_LABELS.get(kind, kind)} {val(t).shown}")
            continue
        figure = to_money(val(t)) if kind == "fees" else to_count(val(t))
        if figure is not None:
            tables.active[row if kind in ("decisions", "fees") else f"{row}.{kind}"] = figure
        elif val(t).number is not None:
            cell = f"二、{label}·{COLUMN_LABELS[kind]}"
            tables.note(Code.IMP_BAD_VALUE, cell=cell, value=val(t).shown)
    if row in ROWS_2019 or any(k not in KINDS_2021 for k in kinds):
        tables.format_2019 = True
    lost = [f"“{COLUMN_LABELS[k]}”" for k in targets if k not in kinds]
    if unmapped and lost:
        found = "、".join(unmapped)
        tables.note(Code.IMP_2019_UNMAPPED, row=label, values=found, targets="".join(lost))
    elif unmapped:
        tables.note(Code.IMP_2019_DROPPED, row=label, values="、".join(unmapped))


# --- table 三 --------------------------------------------------------------------------


def read_applications(toks: list[Tok], m: ReportModel, tables: Tables) -> None:
    """Table 三 (2021 format; in the 2019 format （六）其他处理 is one row)."""
    grid = m.applications
    width = grid.width
    column_keys = [label_key(c.label) for c in grid.columns]
    header: dict[str, int] = {}  # column label -> grid column, from the header cells
    rows: dict[str, list[Tok | None]] = {}
    short: dict[str, list[Tok]] = {}
    stray: list[Tok] = []
    started, frag = False, ""

    i = 0
    while i < len(toks):
        t = toks[i]
        i += 1
        if t.value is not None:
            stray.append(t)
            frag = ""
            continue
        text = t.text
        hit = application_label(text, started)
        if hit is None and frag:
            text = frag + t.text
            hit = application_label(text, started)
        if hit is None:
            if not started and t.col is not None and label_key(t.text) in column_keys:
                header[label_key(t.text)] = t.col
            frag = t.text
            continue
        frag, (kind, key) = "", hit
        started = True
        tables.found.add("applications")
        if kind == "group":
            nxt = toks[i] if i < len(toks) else None
            if key != OTHER_GROUP or nxt is None or nxt.value is None:
                continue
            if t.multi and nxt.line != t.line:
                continue
            key = "other_2019"  # a row of figures after （六）其他处理: the 2019 format
        official = "（六）其他处理" if key == "other_2019" else grid.row(key).label
        start = i
        values, i = take(toks, i, t, [official], text)
        xs = [header.get(k) for k in column_keys]
        if rows.get(key):
            stray += values
        elif t.multi and None not in xs and len(set(xs)) == width:
            # By column label. A row short of a cell is not placed: in HTML and Word the
            # cells after a dropped one shift left (an empty Excel cell is still a cell).
            placed = [next((v for v in values if v.covers(x)), None) for x in xs]
            if None in placed:
                short[key] = values
            else:
                stray += [v for v in values if v not in placed]
                rows[key] = placed
        elif (fitted := fit(values, width)) is not None:
            rows[key] = list(fitted)
        elif (blanks := with_blanks(toks, start, t, [official], text, width)) is not None:
            rows[key] = list(blanks)
        elif not t.multi and (held := one_extra(values, width)) is not None:
            rows[key] = list(held)
            stray += [v for v in values if v not in held]
        else:
            short[key] = values
    if "other_2019" in rows:
        found = [val(t) for t in rows.pop("other_2019") if t]
        split = [k for k in OTHER_ROWS if k not in rows]
        if len(split) == len(OTHER_ROWS) and all(to_count(v) == 0 for v in found):
            # Counts are never negative: three rows whose sum is 0 are each 0.
            tables.applications.update({k: [0] * width for k in split})
        else:
            tables.format_2019 = True
            tables.note(Code.IMP_2019_OTHER, values=shown_values(found))
    for key, values in short.items():
        if key not in rows and key != "other_2019":
            count_note(tables, grid.row(key).ref, values, width)
    tables.applications.update(as_counts(rows, grid, tables))
    _stray_note(tables, m.part("applications").title, stray)


def as_counts(
    rows: dict[str, list[Tok | None]], grid: Grid, tables: Tables
) -> dict[str, list[int | None]]:
    """The rows as counts; a gap, or a figure that is no count (-3, 1.5), is None."""
    out: dict[str, list[int | None]] = {}
    for key, toks in rows.items():
        counts: list[int | None] = []
        for col, t in enumerate(toks):
            count = None if t is None else to_count(val(t))
            if t is not None and count is None and val(t).number is not None:
                tables.note(Code.IMP_BAD_VALUE, cell=grid.cell_ref(key, col), value=val(t).shown)
            counts.append(count)
        out[key] = counts
    return out
