"""Recognise table 四 (行政复议, 行政诉讼) in the lines of its part.

Its columns are found by the grid columns of its header cells (group over result) where
the format knows them; else its rows by their labels (行政复议 0 0 0 0 0, or a group and
result per cell); else the three small tables some agencies print, each under its heading
with a header of its own, placed by that header; else its one run of 15 figures in the
official order. Blank lines are empty cells only where every group's total then holds.
Totals stay as printed.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.format.model import ReportModel
from bot.importing.cells import label_key
from bot.importing.labels import REVIEW_COLUMNS, review_column, review_group
from bot.importing.tables import Tables, Tok, adds_up, as_counts, count_note, take

_HEADER_WORDS = re.compile(r"(?:结果|维持|纠正|其他|尚未|审结|总计|合计)+")  # table 四's header


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
    return all(adds_up(run[n : n + width]) for n in range(0, len(run), width))


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
                count_note(tables, m.part("review_litigation").title, longest, size)
            return
        tables.found.add("review_litigation")
        rows = {k: list(full[0][n * width : (n + 1) * width]) for n, k in enumerate(keys)}
    tables.review_litigation.update(as_counts(rows, m.review_litigation, tables))
