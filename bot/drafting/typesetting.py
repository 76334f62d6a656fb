"""Typesetting decisions every format shares: where the title breaks, where gaps sit.

A 公文 title (GB/T 9704-2012, 7.3.3) may run over several lines, broken between words,
never inside one, in a balanced shape. :func:`title_lines` breaks the report title at
word boundaries into as few lines as fit the text block (20 characters of 2号 on a 156 mm
line), preferring the break between the agency's name and the rest, and otherwise the
most even lines. The Word title gets a line break between its lines; the web page keeps
each line together, so a phone breaks the title only between them.

:func:`gap_spans` cuts a text into plain runs and the visible gaps (【待填写：…】 and the
gap cell marker), so that Word and HTML can highlight exactly what waits for the officer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

TITLE_CHARS = 20  # 2号 (22 pt) characters on a 156 mm line
BODY_CHARS = 28  # 3号 (16 pt) characters a line (the document grid)
GAP_TEXT = re.compile(r"【待填写[^】]*】")
# Where an agency's name may break: after a place or an organ (市场 is a word, not 市).
_AGENCY_WORD = re.compile(
    r".+?(?:自治区|自治州|自治县|特别行政区|地区|街道办事处|人民政府|办公室|委员会|总局"
    r"|省|市(?!场)|州|盟|县|区|旗|乡|镇|街道|局|厅|委|办)"
)
# The words of "2023年政府信息公开工作年度报告" (and of any other title's tail).
_TAIL_WORD = re.compile(r"\d+年|政府信息公开|工作年度报告|年度报告|工作|.")


def text_width(text: str) -> float:
    """The width of ``text`` in full-width characters (a digit or Latin letter is half)."""
    return sum(0.5 if unicodedata.east_asian_width(ch) in "NaH" else 1.0 for ch in text)


def agency_words(agency: str) -> list[str]:
    """The words of an agency's name, as it may break between lines."""
    words = _AGENCY_WORD.findall(agency)
    rest = agency[sum(map(len, words)) :]
    return [*words, rest] if rest else words or [agency]


@dataclass(frozen=True)
class _Choice:
    lines: tuple[str, ...]
    cost: tuple[float, ...]


def title_lines(title: str, agency: str = "", chars: int = TITLE_CHARS) -> tuple[str, ...]:
    """``title`` in lines of at most ``chars`` characters, broken between words.

    The fewest lines win; among as many lines, a break right after ``agency`` (the name
    the title begins with), then the most even line widths. A single word wider than a
    line stands alone on its line (the renderer wraps it).
    """
    return _title_lines(title, agency, chars)


@cache
def _title_lines(title: str, agency: str, chars: int) -> tuple[str, ...]:
    if text_width(title) <= chars:
        return (title,)
    head = agency if agency and title.startswith(agency) else ""
    words = (agency_words(head) if head else []) + _TAIL_WORD.findall(title[len(head) :])
    preferred = len(head) if head else -1  # the break right after the agency's name
    best: dict[int, _Choice] = {0: _Choice((), ())}
    for end in range(1, len(words) + 1):
        options = []
        for start in range(end):
            before = best.get(start)
            line = "".join(words[start:end])
            if before is None or (text_width(line) > chars and end - start > 1):
                continue
            lines = (*before.lines, line)
            widths = [text_width(x) for x in lines]
            misses = sum(1 for i in _break_indexes(lines) if i != preferred)
            options.append(_Choice(lines, (len(lines), misses, max(widths) - min(widths))))
        if options:
            best[end] = min(options, key=lambda c: c.cost)
    return best[len(words)].lines


def _break_indexes(lines: tuple[str, ...]) -> list[int]:
    """The character offset at which each line after the first begins."""
    out, count = [], 0
    for line in lines[:-1]:
        count += len(line)
        out.append(count)
    return out


def gap_spans(text: str, gap_cell: str) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, is_gap)`` runs; gaps are 【待填写…】 and ``gap_cell``."""
    if text == gap_cell:
        return [(text, True)]
    out: list[tuple[str, bool]] = []
    at = 0
    for match in GAP_TEXT.finditer(text):
        if match.start() > at:
            out.append((text[at : match.start()], False))
        out.append((match.group(), True))
        at = match.end()
    if at < len(text):
        out.append((text[at:], False))
    return out
