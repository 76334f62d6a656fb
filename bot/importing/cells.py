"""Cells of an imported report: what a cell's text says, as a label or as a figure.

Published tables are typed by hand and copied through web pages, so the same label comes
in many spellings: half- or full-width brackets and punctuation, numbering such as
``（一）``, ``(一)``, ``一、`` or ``1.``, line breaks inside a label. :func:`label_key`
reduces a label to its letters and digits, so spelling differences vanish. A figure cell
(:func:`read_value`) is a number, a zero marker (``/``, ``-``, ``—``, ``无`` or an empty
cell, which a published table uses for 0: spec §8) or a gap (the draft's ``—待填—``, or a
blank cell of a workbook the officer is still filling in), which is missing, never 0.
A figure a PDF prints broken over two lines by its narrow cell (``138`` over ``1``) comes
with its pieces joined by :data:`WRAP`: it is missing too, unless its row's total
confirms the figure the pieces make (:attr:`Value.wrapped`).

A :class:`Note` is something the import could not map, as a catalogue code with its
parameters, so tests and the chat use the code and the officer reads the Chinese text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from bot.format.catalogue import Code, UserError, message
from bot.format.figures import parse_count, parse_money

# Dashes, slashes and 无 that published tables print for 0 (spec §8).
_ZERO_MARK = re.compile(r"[/\\\-—–―−_~～]{1,3}|无")
_NUMBER = re.compile(
    r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:件|条|个|项|份|次|人次|万元|元)?"
)
_GAP_WORDS = ("待填", "未填", "待补")
_NUMBERING = re.compile(
    r"^\s*(?:[(（]\s*[一二三四五六七八九十\d]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．,，]"
    r"|\d+\s*[、.．)）])\s*"
)
_NON_WORD = re.compile(r"[\W_]+")
# Between the pieces of a figure broken over lines by the width of its cell (a soft
# hyphen: a word broken at the end of a line).
WRAP = "\u00ad"


def squeeze(text: str) -> str:
    """Whitespace collapsed, and dropped between two Chinese characters (line breaks of
    a label or a paragraph inside a cell); the characters themselves are kept as printed."""
    text = re.sub(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])", "", text)
    return re.sub(r"\s+", " ", text).strip()


def clean_text(text: str) -> str:
    """NFKC (full-width digits and brackets to ASCII), then :func:`squeeze`."""
    return squeeze(unicodedata.normalize("NFKC", text))


def strip_numbering(text: str) -> str:
    """``text`` without up to two leading numberings (``三、（一）予以公开`` → ``予以公开``)."""
    for _ in range(2):
        text = _NUMBERING.sub("", text, count=1)
    return text


def label_key(text: str) -> str:
    """A label reduced to letters and digits (numbering kept): what label matching compares."""
    return _NON_WORD.sub("", unicodedata.normalize("NFKC", text))


def body_key(text: str) -> str:
    """The key of the label's last whitespace-separated piece, numbering removed.

    ``三、本年度办理结果 （六）其他处理 3.其他`` (a row of the text draft) → ``其他``.
    """
    pieces = clean_text(text).split(" ")
    return label_key(strip_numbering(pieces[-1]))


@dataclass(frozen=True, slots=True)
class Value:
    """A figure cell: ``number`` is ``None`` for a gap (missing); ``blank`` marks a 0 marker.
    ``wrapped``: the figure a cell broken over lines makes (its ``number`` is None), for
    its row's total to confirm."""

    raw: str
    number: Decimal | None
    blank: bool = False
    wrapped: Decimal | None = None

    @property
    def shown(self) -> str:
        """The cell as printed, for notes (an empty cell is shown as 空白)."""
        return self.raw or "空白"


def read_value(text: str, *, blank_is_gap: bool = False) -> Value | None:
    """The figure a cell holds, or ``None`` when the cell is a label (text).

    ``blank_is_gap``: an empty cell is missing (a workbook being filled in), not 0.
    """
    raw = clean_text(text)
    pieces = raw.split(WRAP)
    if len(pieces) > 1 and all(p.isascii() and p.isdigit() for p in pieces):
        shown = " ".join(pieces)  # (a figure never begins with 0: then no figure at all)
        return Value(shown, None, wrapped=None if raw[0] == "0" else Decimal("".join(pieces)))
    raw = raw.replace(WRAP, "")  # elsewhere a soft hyphen is not printed
    if any(word in raw for word in _GAP_WORDS):
        return Value(raw, None)
    if not raw:
        return Value(raw, None if blank_is_gap else Decimal(0), blank=True)
    if _ZERO_MARK.fullmatch(raw):
        return Value(raw, Decimal(0), blank=True)
    if _NUMBER.fullmatch(raw):
        digits = re.sub(r"[^\d.+-]", "", raw)
        return Value(raw, Decimal(digits))
    return None


def to_count(value: Value) -> int | None:
    """The value as a count (件数), or None when it is a gap or not a count (-3, 1.5)."""
    if value.number is None:
        return None
    if value.blank:
        return 0
    try:
        return parse_count(value.raw)
    except UserError:
        return None


def to_money(value: Value) -> Decimal | None:
    """The value as 万元 (``3500元`` is 0.35), or None when it is a gap or not an amount."""
    if value.number is None:
        return None
    if value.blank:
        return Decimal(0)
    try:
        return parse_money(value.raw)
    except UserError:
        return None


@dataclass(frozen=True, slots=True)
class Note:
    """Something the import could not map, as a catalogue code and its parameters."""

    code: Code
    params: dict[str, object] = field(default_factory=dict)

    def text(self) -> str:
        """The Chinese note the officer reads."""
        return message(self.code, **self.params)


def shown_values(values: list[Value]) -> str:
    """Values as printed, for a note: ``0、/、3``."""
    return "、".join(v.shown for v in values) or "无"


_HALF_PUNCT = re.compile(r"(?<=[^\x00-\x7f])[,;:?!()]|[,;:?!()](?=[^\x00-\x7f])")
_FULL = str.maketrans(
    {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
)


def full_width_punctuation(text: str) -> str:
    """Half-width , ; : ? ! ( ) next to a Chinese character made full-width, as printed
    before a web page converted them (URLs and figures such as 1,234 are left alone)."""
    return _HALF_PUNCT.sub(lambda m: m[0].translate(_FULL), text)
