"""What openpyxl's read-only mode leaves out of a sheet: merged ranges, and the totals of
a workbook saved without formula values.

A workbook of ``reportbot render --format xlsx`` holds its totals as ``=SUM(…)`` formulas
with their values; Excel and LibreOffice store the values again when they save. A program
that writes formulas only (openpyxl, some scripts) leaves them out, and a reader of values
would see an empty total. :func:`fill_sums` works out those totals, the plain ``SUM`` of
cells and ranges that :mod:`bot.drafting.xlsx_writer` writes, from the figures read, as
Excel would (an empty cell or a text adds 0), so that the file reads the same whichever
program saved it; any other formula without a value stays empty (missing, never guessed).

The sheet's XML is read once with expat, in constant memory (:func:`read_sheet_xml`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.parsers import expat

from openpyxl.utils.cell import coordinate_from_string, range_boundaries

Place = tuple[int, int]  # (row, column), 1-based
_SUM = re.compile(r"=?SUM\(([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?(?:,[A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)*)\)")
MAX_SUM_PLACES = 10_000  # a SUM over more places than this is not one of ours


@dataclass
class SheetXml:
    """A sheet's merged ranges (first row, first column, last row, last column) and its
    formulas saved without a value, by place."""

    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas: dict[Place, str] = field(default_factory=dict)


def read_sheet_xml(source: Any) -> SheetXml:
    """The merges and value-less formulas of the sheet XML ``source`` (a binary file)."""
    out = SheetXml()
    state: dict[str, Any] = {"ref": None, "in": None, "formula": [], "value": False}

    def start(tag: str, attrs: dict[str, str]) -> None:
        name = tag.rsplit("}", 1)[-1]
        if name == "mergeCell" and "ref" in attrs:
            min_col, min_row, max_col, max_row = range_boundaries(attrs["ref"])
            if None not in (min_col, min_row, max_col, max_row):
                out.merges.append((min_row, min_col, max_row, max_col))
        elif name == "c":
            state.update(ref=attrs.get("r"), formula=[], value=False)
        elif name in ("f", "v"):
            state["in"] = name

    def text(data: str) -> None:
        if state["in"] == "f":
            state["formula"].append(data)
        elif state["in"] == "v" and data.strip():
            state["value"] = True

    def end(tag: str) -> None:
        name = tag.rsplit("}", 1)[-1]
        if name in ("f", "v"):
            state["in"] = None
        elif name == "c" and state["formula"] and not state["value"] and state["ref"]:
            column, row = coordinate_from_string(state["ref"])
            col = range_boundaries(f"{column}1")[0]
            if col is not None:
                out.formulas[row, col] = "".join(state["formula"])

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.CharacterDataHandler = text
    parser.EndElementHandler = end
    parser.ParseFile(source)
    return out


def _places(formula: str) -> list[Place] | None:
    """The places a plain ``SUM`` formula adds up, or None for any other formula."""
    found = _SUM.fullmatch(formula.replace(" ", "").replace("$", ""))
    if found is None:
        return None
    places: list[Place] = []
    for part in found.group(1).split(","):
        min_col, min_row, max_col, max_row = range_boundaries(part)
        if min_col is None or min_row is None or max_col is None or max_row is None:
            return None
        rows, cols = range(min_row, max_row + 1), range(min_col, max_col + 1)
        if len(rows) * len(cols) + len(places) > MAX_SUM_PLACES:
            return None
        places += [(r, c) for r in rows for c in cols]
    return places


def _number(text: str | None) -> Decimal:
    """A cell's text as Excel's SUM takes it: a number, else 0."""
    try:
        return Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        return Decimal(0)


def fill_sums(texts: dict[Place, str], formulas: dict[Place, str]) -> None:
    """Put into ``texts`` the value of each plain ``SUM`` in ``formulas`` (a total of totals
    once those are known), unless it adds up a formula of another kind."""
    pending = {p: places for p, f in formulas.items() if (places := _places(f)) is not None}
    unknown = set(formulas) - set(pending)
    while pending:
        ready = [p for p, places in pending.items() if not any(x in pending for x in places)]
        if not ready:
            return  # formulas that add up each other: left empty
        for place in ready:
            places = pending.pop(place)
            if any(p in unknown for p in places):
                unknown.add(place)
                continue
            value = sum((_number(texts.get(p)) for p in places), Decimal(0))
            texts[place] = format(value.normalize(), "f") if value else "0"
