"""Prose pasted from a published report, tidied on entry: the paste parser.

Officers paste paragraphs as they appear in last year's report or in a Word draft: with
their heading (“（一）主动公开方面。”), their own numbering (一是/二是, （1）, 1., ①),
half-width commas between Chinese characters, and lead-ins the draft writes itself
(“2024年，将着重做好以下工作：”). :func:`tidy` returns the text without all that, split
into its lead and its numbered items, and says what it did, so the officer can be
shown. :func:`split_sections` cuts a pasted whole section at its （一）…（五）
sub-headings. Pure; the vocabulary (heading words, template lead-ins) is data
(``prompts/paragraphs.yaml``, via :mod:`bot.format.paragraphs`).

Public API: :func:`tidy` → :class:`Paste`; :func:`split_sections` → :class:`Section`
list; :func:`fix_punctuation`, :func:`half_width_marks`, :func:`strip_heading`,
:func:`split_numbered`, :func:`drop_template_lead_in`; the action names of :data:`ACTIONS`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from bot.format.paragraphs import Target, Vocabulary, vocabulary

# what tidy() may have done, in the order it does it
HEADING, LEAD_IN, PUNCTUATION, NUMBERING = "heading", "lead_in", "punctuation", "numbering"
ACTIONS = (HEADING, LEAD_IN, PUNCTUATION, NUMBERING)

CJK = "\u3400-\u4dbf\u4e00-\u9fff"
_LEFT = rf"[{CJK}）”’》】]"  # a Chinese character or a closing full-width mark
_RIGHT = rf"[{CJK}（“‘《【0-9]"
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", ".": "。"}
_HALF_MARK = re.compile(rf"(?<={_LEFT})[ \t]*([,;:?!.])[ \t]*(?={_RIGHT}|\n|$)")
_HALF_OPEN = re.compile(rf"(?<=[{CJK}，。；：、])\s*\((?=[^()\n]{{0,40}}\))")
_HALF_CLOSE = re.compile(rf"(?<=[{CJK}0-9%])\)")
_SPACE_BETWEEN = re.compile(rf"(?<=[{CJK}，。；：、])[ \t\u3000]+(?=[{CJK}，。；：、])")

NUMERALS = "一二三四五六七八九十"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮"
_BOUNDARY = r"(?:^|(?<=[\n。；;：:！？!?，,\s]))"
# each numbering style: a pattern whose group 1 is the number, and how to read it
_STYLES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("shi", re.compile(_BOUNDARY + rf"([{NUMERALS}]{{1,3}})是(?!否)")),
    ("paren", re.compile(r"[（(]([0-9]{1,2})[)）]")),
    ("paren_cn", re.compile(rf"[（(]([{NUMERALS}]{{1,3}})[)）]")),
    ("dot", re.compile(_BOUNDARY + r"([0-9]{1,2})[.、．](?![0-9])")),
    ("circled", re.compile(rf"([{CIRCLED}])")),
    ("cn_comma", re.compile(r"(?:^|(?<=[\n。；;]))([一二三四五六七八九十]{1,3})、")),
)
_BULLET = re.compile(r"^[ \t]*[-•·*▪●][ \t]*", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Paste:
    """A pasted text, tidied.

    Attributes:
        text: the whole text, tidied (numbering kept as the officer wrote it).
        lead: the text before the first numbered item ('' when there is none); the whole
            text when nothing is numbered.
        items: the numbered items without their numbers (empty when nothing is numbered).
        actions: what was done, each one of :data:`ACTIONS`, in order.
        fixed: how many punctuation marks were made full-width.
    """

    text: str
    lead: str
    items: tuple[str, ...]
    actions: tuple[str, ...]
    fixed: int = 0

    def pieces(self) -> list[str]:
        """The lead (if any) and the items: what a list answer stores.

        A lead before numbered items ends with “：”, so the draft can tell it from an item.
        """
        if not self.items:
            return [self.lead] if self.lead else []
        lead = self.lead.rstrip("。；;，,：: ")
        return ([lead + "："] if lead else []) + list(self.items)


def _number(style: str, text: str) -> int:
    if style == "circled":
        return CIRCLED.index(text) + 1
    if text.isdecimal():
        return int(text)
    tens, _, units = text.rpartition("十")
    if "十" not in text:
        return NUMERALS.index(text) + 1 if len(text) == 1 else 0
    value = (NUMERALS.index(tens) + 1 if tens else 1) * 10
    return value + (NUMERALS.index(units) + 1 if units else 0)


def _run(style: str, pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The longest run 1, 2, 3 … of this style's markers, in order."""
    run: list[re.Match[str]] = []
    for match in pattern.finditer(text):
        n = _number(style, match.group(1))
        if n == len(run) + 1:
            run.append(match)
        elif n == 1 and len(run) < 2:
            run = [match]
    return run


def split_numbered(text: str) -> tuple[str, list[str]]:
    """(lead, items) of a text numbered 一是/二是, （1）, 1., ① or 一、 (runs from 1).

    A text is numbered when one style runs 1, 2 … at least twice, or a single item
    marked 1 starts the text; the style whose run starts first wins. Unnumbered text is
    returned whole as the lead.
    """
    best: list[re.Match[str]] = []
    for style, pattern in _STYLES:
        run = _run(style, pattern, text)
        starts = bool(run) and not text[: run[0].start()].strip()
        if (len(run) >= 2 or starts) and (not best or run[0].start() < best[0].start()):
            best = run
    if not best:
        return text.strip(), []
    lead = text[: best[0].start()].strip()
    items = []
    for i, match in enumerate(best):
        end = best[i + 1].start() if i + 1 < len(best) else len(text)
        item = text[match.end() : end].strip().rstrip("；;，,")
        if item:
            items.append(item)
    return lead, items


def half_width_marks(text: str) -> list[int]:
    """Positions of the half-width punctuation between Chinese characters in ``text``
    (what :func:`fix_punctuation` would make full-width)."""
    found = [m.start(1) for m in _HALF_MARK.finditer(text)]
    found += [m.end() - 1 for m in _HALF_OPEN.finditer(text)]
    return sorted(found)


def fix_punctuation(text: str) -> tuple[str, int]:
    """Half-width , ; : ? ! . ( ) between Chinese characters made full-width: (text, count)."""
    count = 0

    def full(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return _HALF_TO_FULL[match.group(1)]

    text = _HALF_MARK.sub(full, text)
    opened = len(_HALF_OPEN.findall(text))
    text = _HALF_OPEN.sub("（", text)
    if opened:
        text, closed = _HALF_CLOSE.subn("）", text)
        count += opened + closed
    text = _SPACE_BETWEEN.sub("", text)
    return text, count


@cache  # a handful of word lists, asked for on every pasted answer
def _heading_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(w) for w in words)
    number = rf"(?:[（(][{NUMERALS}]{{1,2}}[)）]|[{NUMERALS}]{{1,2}}[、.．])"
    return re.compile(
        rf"^\s*(?:{number}\s*(?:{alternatives})[^。：:\n]{{0,8}}?\s*(?:[。：:．.\n]|$)"
        rf"|(?:{alternatives})[^。：:\n]{{0,6}}?[：:\n]"
        rf"|(?:{alternatives})(?:方面|情况)[。．.])"
    )


@cache
def _section_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Where a sub-section headed by one of ``words`` starts: （二）依申请公开… at the start
    of a line or after a sentence."""
    alternatives = "|".join(re.escape(w) for w in words)
    return re.compile(
        rf"(?:^|(?<=[\n。]))\s*[（(][{NUMERALS}]{{1,2}}[)）]\s*[^。：:\n]{{0,8}}?(?:{alternatives})",
        re.MULTILINE,
    )


def strip_heading(text: str, words: tuple[str, ...]) -> tuple[str, bool]:
    """``text`` without a leading heading (（一）主动公开方面。 一、总体情况 存在问题：).

    A numbered heading (（一）…) of words not known is stripped up to its first full stop
    when that comes within 16 characters.
    """
    match = _heading_pattern(words).match(text) if words else None
    if match is None:
        match = re.match(rf"^\s*[（(][{NUMERALS}]{{1,2}}[)）][^。：:\n]{{0,16}}[。：:\n]", text)
    if match is None:
        return text, False
    return text[match.end() :].strip(), True


def drop_template_lead_in(text: str, lead_ins: tuple[str, ...]) -> tuple[str, bool]:
    """``text`` without a first clause that repeats a lead-in the template writes itself."""
    match = re.match(r"^[^。：:\n]{0,40}[：:]", text)
    if match and any(phrase in match.group(0) for phrase in lead_ins):
        rest = text[match.end() :].strip()
        return (rest, True) if rest else (text, False)
    return text, False


def tidy(text: str, vocab: Vocabulary | None = None) -> Paste:
    """A pasted text tidied: heading stripped, template lead-in dropped, punctuation
    made full-width, and split into its lead and numbered items."""
    vocab = vocab or vocabulary()
    actions: list[str] = []
    text = _BULLET.sub("", text.replace("\r\n", "\n").strip())
    text, stripped = strip_heading(text, vocab.headings)
    if stripped:
        actions.append(HEADING)
    text, dropped = drop_template_lead_in(text, vocab.template_lead_ins)
    if dropped:
        actions.append(LEAD_IN)
    text, fixed = fix_punctuation(text)
    if fixed:
        actions.append(PUNCTUATION)
    lead, items = split_numbered(text)
    if items:
        actions.append(NUMBERING)
    return Paste(text, lead, tuple(items), tuple(actions), fixed)


@dataclass(frozen=True, slots=True)
class Section:
    """One sub-section of a pasted whole section: the paragraph it belongs to, its text
    (heading stripped), and the heading as pasted."""

    target: Target
    text: str
    heading: str


def split_sections(
    text: str, part: str, vocab: Vocabulary | None = None
) -> tuple[str, list[Section]]:
    """(introduction, sub-sections) of a pasted whole section of ``part``.

    A sub-section starts at a line or sentence that opens with （一）…（五） followed by
    one of a paragraph's heading words; fewer than two sub-sections means the text is
    not a whole section, and the list is empty.
    """
    vocab = vocab or vocabulary()
    found: list[tuple[int, Target]] = []
    for target in vocab.targets:
        if target.part != part or not target.heading:
            continue
        match = _section_pattern(target.heading).search(text)
        if match:
            found.append((match.start(), target))
    if len(found) < 2:
        return text.strip(), []
    found.sort(key=lambda f: f[0])
    sections = []
    for i, (start, target) in enumerate(found):
        end = found[i + 1][0] if i + 1 < len(found) else len(text)
        chunk = text[start:end].strip()
        body, _ = strip_heading(chunk, vocab.headings)
        sections.append(Section(target, body, chunk[: len(chunk) - len(body)].strip()))
    return text[: found[0][0]].strip(), sections
