"""The terminal front end: ``reportbot chat``.

Interactive on a terminal (numbered choices, a prompt, pasted blocks joined into one
message); on a pipe it reads one input per line and prints the replies, so a whole
session can be scripted. Lines between two lines of three double quotes (\"\"\") are
sent as one message in both modes (for pasting a table). ``/file PATH`` sends a file
(last year's report, or the filled-in workbook), as an attachment does in Telegram.
Documents are written to ``--out`` (default: ``data/exports``), under a safe file name
that cannot leave it. What the officer types is cleaned of control and bidi characters
before the engine sees it, and nothing printed carries them (a message queued earlier
could hold old data).
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from bot.conversation.types import Input
from bot.format.catalogue import Code, message
from bot.format.text_hygiene import clean_text, safe_filename
from bot.service.turns import Outgoing, Service
from bot.store.reports import StoreError

BLOCK = '"""'
FILE_COMMAND = "/file "  # /file PATH sends a file, as an attachment would in Telegram
PASTE_WAIT = 0.05  # seconds: lines arriving together in a terminal are one paste
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # an export never writes through a symbolic link


@dataclass(frozen=True, slots=True)
class Unclosed:
    """A \"\"\" block the input ended in (Ctrl-D in the middle of a paste): discarded."""

    lines: int


def read_inputs(stream: TextIO, interactive: bool) -> Iterator[str | Unclosed]:
    """Messages from ``stream``: lines, \"\"\" blocks, and (on a terminal) pastes; a block
    the input ends in is never sent half-pasted."""
    block: list[str] | None = None
    while True:
        if interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()
        line = stream.readline()
        if not line:
            if block is not None:
                yield Unclosed(len(block))
            return
        line = line.rstrip("\n")
        if line.strip() == BLOCK:
            if block is None:
                block = []
                continue
            yield "\n".join(block)
            block = None
            continue
        if block is not None:
            block.append(line)
            continue
        if interactive:
            lines = [line]
            while select.select([stream], [], [], PASTE_WAIT)[0]:
                more = stream.readline()
                if not more:
                    break
                lines.append(more.rstrip("\n"))
            line = "\n".join(lines)
        yield line


def export_path(out_dir: Path, name: str) -> Path:
    """Where a document called ``name`` is written: a safe file name directly in ``out_dir``."""
    path = out_dir / safe_filename(name)
    if (out_dir.resolve() / path.name).parent != out_dir.resolve():  # not with a safe name
        raise ValueError(f"export path {path} outside {out_dir}")
    return path


def write_document(out_dir: Path, name: str, data: bytes) -> str:
    """Write a document into ``out_dir`` (readable by its owner only, never through a
    symbolic link); the line that says where, or why it could not."""
    path = export_path(out_dir, name)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as file:
            file.write(data)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return message(Code.IMP_WRITE_FAILED, path=str(path), reason=reason)
    return str(path)


def show(item: Outgoing, out_dir: Path, stream: TextIO) -> dict[str, str]:
    """Print one outgoing message; return the number → choice map it offers."""

    def write(text: str) -> None:
        stream.write(clean_text(text) + "\n")

    numbered: dict[str, str] = {}
    if item.document is not None:
        name, data = item.document
        write(f"{item.text} {write_document(out_dir, name, data)}")
        return numbered
    if item.draft:  # a terminal shows the whole draft at once: one message
        write(message(Code.CHAT_PREVIEW_HEADER, count=1))
        write(item.text.strip("\n"))
        if item.choices:  # Telegram's button 完整表格; here, the command
            write(message(Code.CHAT_FULL_TABLES_HINT))
        return numbered
    if item.text:
        write(item.text)
    for i, choice in enumerate(item.choices, 1):
        write(f"  {i}. {choice.label}")
        numbered[str(i)] = choice.name
    return numbered


def run_chat(
    service: Service, user: str, stream: TextIO, out: TextIO, out_dir: Path, interactive: bool
) -> int:
    """The chat loop; returns the exit status."""
    numbered: dict[str, str] = {}
    step: str | None = None
    multi = False

    def send(inp: Input) -> None:
        nonlocal numbered, step, multi
        try:
            named = replace(inp, name=user.removeprefix("cli:"))
            replies = service.handle(user, named, "terminal")
        except StoreError:  # another process held the database past the busy timeout
            out.write(message(Code.STORE_BUSY) + "\n")
            out.flush()
            return
        for reply in replies:
            offered = show(reply, out_dir, out)
            if offered:
                numbered, step, multi = offered, reply.step, reply.multi
        out.flush()

    send(Input(resume=True))
    try:
        for typed in read_inputs(stream, interactive):
            if isinstance(typed, Unclosed):
                out.write(message(Code.CHAT_BLOCK_DISCARDED, lines=typed.lines) + "\n")
                continue
            text = clean_text(typed)  # nothing unclean reaches the engine or the store
            if not text.strip():
                continue
            key = text.strip()
            if key.startswith(FILE_COMMAND):
                path = Path(key.removeprefix(FILE_COMMAND).strip()).expanduser()
                try:
                    send(Input(document=(path.name, path.read_bytes())))
                except OSError as exc:
                    out.write(
                        message(
                            Code.IMP_CHAT_UNREADABLE,
                            name=path.name,
                            reason=exc.strerror or type(exc).__name__,
                        )
                        + "\n"
                    )
            elif key in numbered and not multi and step is not None:
                send(Input(choice=numbered[key], choice_step=step))
            else:
                send(Input(text=text))
    except KeyboardInterrupt:
        out.write("\n")
    return 0


def default_user() -> str:
    """The terminal user's name."""
    return os.environ.get("USER") or os.environ.get("USERNAME") or "officer"
