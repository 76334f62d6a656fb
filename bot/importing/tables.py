"""Recognise tables 二, 三 and 四 in the lines of their part, by their labels.

Rows are found by their label (any spelling, see :mod:`bot.importing.labels`), never by
position; the figures of a row are the figure cells after its label. In a table row
(HTML, Word, Excel, ``|`` or tab separated) they are those of that row; in text copied
from a web page (one cell per line) they are the run of figures that follows. Where the
format knows each cell's grid column, table 三's columns are located by their header
labels (自然人 … 总计) and table 四's by its group and result labels, so a re-laid-out
table still reads right; elsewhere the official column order is assumed.

Nothing is guessed: a row whose figures do not fit its columns (a figure or a label
lost) keeps its cells missing, with a note of what was found. The 2019 trial format
(spec §4) is mapped where it maps, the rest is missing with a note. Totals stay as printed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
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
    REVIEW_COLUMNS,
    ROWS_2019,
    active_columns,
    active_row,
    application_label,
    is_article,
    review_column,
    review_group,
)
from bot.importing.text import Line

Figure = int | Decimal
_HEADER_WORDS = re.compile(r"(?:结果|维持|纠正|其他|尚未|审结|总计|合计)+")  # table 四's header
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
    if len(values) != n:
        return None
    counts = [to_count(_val(t)) for t in values]
    if n > 3 and (None in counts or sum(c or 0 for c in counts[:-1]) != counts[-1]):
        return None
    return values


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
    readings = []
    for reading in (values[:-1], values[1:]):
        counts = [to_count(_val(t)) for t in reading]
        if None not in counts and sum(c or 0 for c in counts[:-1]) == counts[-1]:
            readings.append(reading)
    shown = {tuple(_val(t).raw for t in r) for r in readings}
    return readings[0] if len(shown) == 1 else None


def _val(t: Tok) -> Value:
    assert t.value is not None
    return t.value


def _count_note(tables: Tables, row: str, found: list[Tok], expected: int) -> None:
    values = shown_values([_val(t) for t in found])
    tables.note(Code.IMP_ROW_COUNT, row=row, found=len(found), expected=expected, values=values)


def _stray_note(tables: Tables, part: str, stray: list[Tok]) -> None:
    shown = [_val(t) for t in stray if not _val(t).blank]
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
            _count_note(tables, label, values, expected)
    _stray_note(tables, m.part("active").title, stray)


def _assign_active(
    row: str, kinds: list[str], values: list[Tok], targets: list[str], label: str, tables: Tables
) -> None:
    """Put a row's figures in the cells their columns map to; note the rest."""
    unmapped = []
    for kind, t in zip(kinds, values, strict=True):
        if kind not in targets:
            unmapped.append(f"{COLUMN_LABELS.get(kind, kind)} {_val(t).shown}")
            continue
        figure = to_money(_val(t)) if kind == "fees" else to_count(_val(t))
        if figure is not None:
            tables.active[row if kind in ("decisions", "fees") else f"{row}.{kind}"] = figure
        elif _val(t).number is not None:
            cell = f"二、{label}·{COLUMN_LABELS[kind]}"
            tables.note(Code.IMP_BAD_VALUE, cell=cell, value=_val(t).shown)
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
        found = [_val(t) for t in rows.pop("other_2019") if t]
        split = [k for k in OTHER_ROWS if k not in rows]
        if len(split) == len(OTHER_ROWS) and all(to_count(v) == 0 for v in found):
            # Counts are never negative: three rows whose sum is 0 are each 0.
            tables.applications.update({k: [0] * width for k in split})
        else:
            tables.format_2019 = True
            tables.note(Code.IMP_2019_OTHER, values=shown_values(found))
    for key, values in short.items():
        if key not in rows and key != "other_2019":
            _count_note(tables, grid.row(key).ref, values, width)
    tables.applications.update(_counts(rows, grid, tables))
    _stray_note(tables, m.part("applications").title, stray)


def _counts(
    rows: dict[str, list[Tok | None]], grid: Grid, tables: Tables
) -> dict[str, list[int | None]]:
    """The rows as counts; a gap, or a figure that is no count (-3, 1.5), is None."""
    out: dict[str, list[int | None]] = {}
    for key, toks in rows.items():
        counts: list[int | None] = []
        for col, t in enumerate(toks):
            count = None if t is None else to_count(_val(t))
            if t is not None and count is None and _val(t).number is not None:
                tables.note(Code.IMP_BAD_VALUE, cell=grid.cell_ref(key, col), value=_val(t).shown)
            counts.append(count)
        out[key] = counts
    return out


# --- table 四 --------------------------------------------------------------------------


def _review_by_grid(toks: list[Tok], keys: list[str]) -> dict[str, list[Tok | None]] | None:
    """Table 四 located by its header cells' grid columns, when every column is named."""
    above: dict[int, Tok] = {}  # grid column -> the last group cell over it on a line above
    pending: list[Tok] = []  # the group cells of the current line
    where: dict[tuple[str, int], int] = {}
    last = -1
    for t in toks:
        if pending and t.line != pending[0].line:
            for g in pending:
                assert g.col is not None
                above.update(dict.fromkeys(range(g.col, g.col + g.span), g))
            pending = []
        col = review_column(t.text) if t.value is None and t.col is not None else None
        if col is None and t.value is None and t.col is not None and review_group(t.text):
            pending.append(t)
        if col is None or t.col is None:
            continue
        over = above.get(t.col)
        group = review_group(t.text) or (review_group(over.text) if over else None)
        if group is not None:
            where[(group, col)] = t.col
            last = max(last, t.line)
    if len(where) != 5 * len(keys) or len(set(where.values())) != len(where):
        return None
    data = [t for t in toks if t.value is not None and t.line > last and t.col is not None]
    if not data:
        return None
    first = [t for t in data if t.line == data[0].line]
    out: dict[str, list[Tok | None]] = {k: [None] * 5 for k in keys}
    for (group, col), x in where.items():
        out[group][col] = next((t for t in first if t.covers(x)), None)
    # A row short of a cell is not placed (see read_applications).
    return None if any(None in row for row in out.values()) else out


def _result_header(toks: list[Tok], i: int) -> tuple[list[int], int]:
    """The result columns named from ``toks[i]`` on (结果维持 … 总计: the header of a
    sub-table of table 四 under its heading) and the index after them."""
    columns: list[int] = []
    start = i
    while i < len(toks) and toks[i].value is None and review_group(toks[i].text) is None:
        key = label_key(toks[i].text)
        named = {col for word, col in REVIEW_COLUMNS if word in key}
        col = named.pop() if len(named) == 1 else None
        if col is None or col in columns:
            break
        columns.append(col)
        i += 1
    if columns:
        return columns, i
    # Labels of narrow columns broken over two lines and read line by line (结果结果其他
    # 尚未总计 / 维持纠正结果审结): the columns cannot be told apart, the official order is
    # assumed, as wherever a format gives no columns.
    while i < len(toks) and toks[i].value is None:
        if not _HEADER_WORDS.fullmatch(label_key(toks[i].text)):
            break
        i += 1
    return (list(range(5)), i) if i > start else ([], start)


def _review_by_labels(toks: list[Tok], width: int) -> dict[str, list[Tok | None]]:
    """Rows labelled by group (行政复议 0 0 0 0 0), cells by group and result, or table
    四 as three small tables, each under its heading (行政复议, 行政诉讼（未经复议直接起诉）,
    行政诉讼（复议后起诉）) with a header of its own: a row placed by that header."""
    out: dict[str, list[Tok | None]] = {}
    for i, t in enumerate(toks):
        group = review_group(t.text) if t.value is None else None
        if group is None:
            continue
        col = review_column(t.text)
        header, after = _result_header(toks, i + 1) if col is None else ([], i + 1)
        if header:
            values, _ = take(toks, after, replace(t, multi=False))  # rows below
            if len(header) == width and len(values) == width:
                row = out.setdefault(group, [None] * width)
                for c, v in zip(header, values, strict=True):
                    row[c] = v
            continue
        values, _ = take(toks, i + 1, t)
        if len(values) == (1 if col is not None else width):
            start = col or 0
            out.setdefault(group, [None] * width)[start : start + len(values)] = values
    return out


def _runs(toks: list[Tok], blanks: bool) -> list[list[Tok]]:
    """The runs of figures between text cells (blank lines in them as empty cells, or
    passed over)."""
    runs: list[list[Tok]] = [[]]
    for t in toks:
        if t.value is None:
            runs.append([])
        elif blanks or not t.blank_line:
            runs[-1].append(t)
    return runs


def _totals_hold(run: list[Tok], width: int) -> bool:
    """Each group of ``width`` figures ends with the sum of the others."""
    counts = [to_count(_val(t)) for t in run]
    groups = [counts[n : n + width] for n in range(0, len(counts), width)]
    return all(None not in g and sum(c or 0 for c in g[:-1]) == g[-1] for g in groups)


def read_review(toks: list[Tok], m: ReportModel, tables: Tables) -> None:
    """Table 四: by grid columns, by row or cell labels, or as its one run of 15 figures."""
    keys = [r.key for r in m.review_litigation.rows]
    width = m.review_litigation.width
    if any(t.value is None and (review_group(t.text) or review_column(t.text) is not None)
           for t in toks):  # fmt: skip
        tables.found.add("review_litigation")
    rows = _review_by_grid(toks, keys) or _review_by_labels(toks, width)
    if not rows:
        size = width * len(keys)
        runs = _runs(toks, blanks=False)
        full = [r for r in runs if len(r) == size]
        if len(full) != 1:  # blank lines as empty cells, where every group's total holds
            runs_blank = _runs(toks, blanks=True)
            full = [r for r in runs_blank if len(r) == size and _totals_hold(r, width)]
        if len(full) != 1:
            longest = max(runs, key=len)
            if longest:
                _count_note(tables, m.part("review_litigation").title, longest, size)
            return
        tables.found.add("review_litigation")
        rows = {k: list(full[0][n * width : (n + 1) * width]) for n, k in enumerate(keys)}
    tables.review_litigation.update(_counts(rows, m.review_litigation, tables))
