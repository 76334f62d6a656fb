"""How the service's replies look in Telegram, without importing ``telegram``.

Every text is HTML-escaped (messages are sent with ``parse_mode=HTML`` and everything
shown came from an officer or the engine) and split into messages of at most 4096
characters, as Telegram counts them (UTF-16 code units after entity parsing), at
paragraph boundaries. A turn's replies are sent as few messages as fit: consecutive texts
(an acknowledgement and the next question) share one message, which carries the last one's
buttons. Choices become inline buttons whose ``callback_data``
(``c|<step>|<choice>``, at most 64 bytes) names the step the keyboard belongs to, so the
engine can tell a stale press; a multiple choice, or one whose data would not fit, is
shown as a numbered list the officer answers by typing numbers. Data a press brings back
is read only in that form: a step name (or ``review:<id>``), a printable choice, and no
number longer than a database id. The draft's own text (a preview) is split here, at
paragraphs, lines, then sentence ends, into messages of its own after a header that says
how many there are. A document is sent under a safe file name (no path, no control or
bidi characters, at most 200 bytes).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.conversation.command_words import commands
from bot.conversation.flows import Choice
from bot.conversation.types import DraftLine
from bot.format.catalogue import Code, message
from bot.format.text_hygiene import safe_filename
from bot.service.turns import Outgoing

TEXT_LIMIT = 4096  # characters of a message, after entity parsing
CAPTION_LIMIT = 1024  # characters of a document's caption
CALLBACK_LIMIT = 64  # bytes of a button's callback_data
CALLBACK_PREFIX = "c"
# a step: a name of the flow or a built-in step, or one with a number (review:<version id>);
# a number in callback data has at most 18 digits (it fits SQLite's 64-bit integers)
STEP_NAME = re.compile(r"[A-Za-z0-9_]+(?::[0-9]{1,18})?")
LONG_NUMBER = re.compile(r"[0-9]{19}")
# the command menu, in this order
MENU = ("start", "help", "report", "status", "preview", "check", "export", "submit", "cancel")
SHORT_LABEL = 6  # labels this short are laid out three to a row
PER_ROW = 3


@dataclass(frozen=True, slots=True)
class Button:
    """One inline button: what it shows and the callback data it sends."""

    label: str
    data: str


@dataclass(frozen=True, slots=True)
class Chunk:
    """One text message to send: HTML text and, on the last chunk, the keyboard.

    ``size`` is the length Telegram counts (of the text after entity parsing); ``alone``
    keeps a piece of the draft (and a reply without a message code) in messages of its own.
    """

    html: str
    keyboard: tuple[tuple[Button, ...], ...] = ()
    size: int = 0
    alone: bool = False


@dataclass(frozen=True, slots=True)
class Document:
    """A file to send, with its escaped caption (None: its text follows as messages)."""

    name: str
    data: bytes
    caption: str | None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units: an emoji counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def escape(text: str) -> str:
    """``text`` safe inside an HTML-mode message: <, > and & as entities."""
    return html.escape(text, quote=False)


def callback_data(step: str, choice: str) -> str | None:
    """The callback data of a button for ``choice`` of ``step``; None if over 64 bytes."""
    data = f"{CALLBACK_PREFIX}|{step}|{choice}"
    return data if len(data.encode("utf-8")) <= CALLBACK_LIMIT else None


def parse_callback(data: str | None) -> tuple[str, str] | None:
    """``(step, choice)`` of callback data made by :func:`callback_data`, else None (also
    for data no button of ours carries: a step that is no name, a choice with a control,
    bidi or other unprintable character, a number too long to be an id)."""
    if not data or len(data.encode("utf-8")) > CALLBACK_LIMIT:
        return None
    prefix, _, rest = data.partition("|")
    step, _, choice = rest.partition("|")
    if prefix != CALLBACK_PREFIX or not STEP_NAME.fullmatch(step) or not choice.strip():
        return None
    if not choice.isprintable() or LONG_NUMBER.search(choice):
        return None
    return step, choice


_SENTENCE = re.compile(r"[^。！？!?；;]*(?:[。！？!?；;]+[”’」』）)]*|$)")


def _paragraphs(text: str) -> list[str]:
    return text.split("\n\n")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


# how a text too long for one message is cut, coarsest first: (separator, parts)
LEVELS: tuple[tuple[str, Callable[[str], list[str]]], ...] = (
    ("\n\n", _paragraphs),
    ("\n", _lines),
    ("", _sentences),
    ("", list),  # hard: between any two characters
)


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    sep, parts = LEVELS[level]
    gap = utf16_len(sep)
    pieces: list[str] = []
    current, size = "", 0
    for part in parts(text):
        finer = [part] if utf16_len(part) <= limit else _split(part, limit, level + 1)
        for piece in finer:
            width = utf16_len(piece)
            if not current:
                current, size = piece, width
            elif size + gap + width <= limit:
                current, size = f"{current}{sep}{piece}", size + gap + width
            else:
                pieces.append(current)
                current, size = piece, width
    pieces.append(current)
    return pieces


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """``text`` in pieces of at most ``limit`` UTF-16 units, as few as fit.

    Cut between paragraphs, else between lines, else after a sentence's end (。！？；),
    else between characters; a separator at a cut is dropped, nothing else is, and blank
    pieces are left out.
    """
    return [p for p in _split(text, limit, 0) if p.strip()]


def numbered(choices: tuple[Choice, ...]) -> str:
    """The choices as a numbered list, one per line."""
    return "\n".join(f"{i}. {choice.label or choice.name}" for i, choice in enumerate(choices, 1))


def keyboard(choices: tuple[Choice, ...], step: str) -> tuple[tuple[Button, ...], ...] | None:
    """Inline buttons for ``choices`` of ``step``; None if some data would not fit."""
    buttons = []
    for choice in choices:
        data = callback_data(step, choice.name)
        if data is None:
            return None
        buttons.append(Button(choice.label or choice.name, data))
    per_row = PER_ROW if all(len(b.label) <= SHORT_LABEL for b in buttons) else 1
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def draft_pieces(lines: tuple[DraftLine, ...]) -> list[tuple[str, int]]:
    """The preview's lines packed into as few messages as fit: (HTML, size) each.

    Headings are bold, and a line set off has an empty line before it, as in
    :func:`bot.drafting.preview.plain`; a line too long for one message is cut as
    :func:`split_text` cuts.
    """
    units: list[tuple[str, int, bool]] = []  # (html, size, set off)
    for line in lines:
        for piece in split_text(line.text):
            html_piece = f"<b>{escape(piece)}</b>" if line.heading else escape(piece)
            units.append((html_piece, utf16_len(piece), line.set_off))
    pieces: list[tuple[str, int]] = []
    for text, size, set_off in units:
        sep = "\n\n" if set_off else "\n"
        if pieces and pieces[-1][1] + len(sep) + size <= TEXT_LIMIT:
            last, last_size = pieces[-1]
            pieces[-1] = (f"{last}{sep}{text}", last_size + len(sep) + size)
        else:
            pieces.append((text, size))
    return pieces


def draft_chunks(out: Outgoing) -> list[Chunk]:
    """The draft's text as messages of its own, announced by a header giving their count;
    the last carries the preview's button (完整表格)."""
    lines = out.lines or tuple(DraftLine(p) for p in split_text(out.text.strip("\n")))
    pieces = draft_pieces(lines)
    header = message(Code.CHAT_PREVIEW_HEADER, count=len(pieces))
    sent = [Chunk(escape(header), (), utf16_len(header))]
    sent += [Chunk(text, (), size, True) for text, size in pieces]
    keys = keyboard(out.choices, out.step) if out.choices and out.step else None
    if keys and len(sent) > 1:
        sent[-1] = Chunk(sent[-1].html, keys, sent[-1].size, True)
    return sent


def chunks(out: Outgoing) -> list[Chunk]:
    """The messages that show ``out`` (a text message; documents are sent apart)."""
    if out.draft:
        return draft_chunks(out)
    text = out.text
    keys: tuple[tuple[Button, ...], ...] | None = ()
    if out.choices and out.step is not None and not out.multi:
        keys = keyboard(out.choices, out.step)
    if out.choices and (not keys or not text.strip()):
        text = f"{text}\n{numbered(out.choices)}" if text else numbered(out.choices)
    alone = out.code is None
    pieces = [Chunk(escape(p), (), utf16_len(p), alone) for p in split_text(text)]
    if pieces and keys:
        pieces[-1] = Chunk(pieces[-1].html, keys, pieces[-1].size, alone)
    return pieces


PARAGRAPH = "\n\n"  # between two replies sharing a message


def messages(out: Iterable[Outgoing]) -> list[Chunk | Document]:
    """The messages that show a turn's replies, in order, as few as Telegram allows.

    A coded reply joins the message before it when that message is a coded reply without
    buttons and the two fit in one message; a reply's buttons stay on the message that ends
    with it. The draft's text (replies without a code) keeps messages of its own.
    """
    sent: list[Chunk | Document] = []
    for item in out:
        if item.document is not None:
            name, data = item.document
            text = caption(item)
            sent.append(Document(safe_filename(name), data, text))
            if text is not None:
                continue  # else the text follows as messages: too long for a caption
        for chunk in chunks(item):
            last = sent[-1] if sent else None
            size = chunk.size + len(PARAGRAPH)
            if (
                isinstance(last, Chunk)
                and not (last.keyboard or last.alone or chunk.alone)
                and last.size + size <= TEXT_LIMIT
            ):
                joined = f"{last.html}{PARAGRAPH}{chunk.html}"
                sent[-1] = Chunk(joined, chunk.keyboard, last.size + size)
            else:
                sent.append(chunk)
    return sent


def caption(out: Outgoing) -> str | None:
    """The escaped caption of a document, or None when the text is too long for one."""
    fits = out.text.strip() and utf16_len(out.text) <= CAPTION_LIMIT
    return escape(out.text) if fits else None


def menu_commands() -> list[tuple[str, str]]:
    """``(command, description)`` of the command menu, from ``prompts/commands.yaml``."""
    described = {c.name: c.description for c in commands()}
    return [(name, described[name]) for name in MENU if name in described]
