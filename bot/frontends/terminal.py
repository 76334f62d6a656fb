"""The terminal front end: ``reportbot chat``.

Interactive on a terminal (numbered choices, a prompt, pasted blocks joined into one
message); on a pipe it reads one input per line and prints the replies, so a whole
session can be scripted. Lines between two lines of three double quotes (\"\"\") are
sent as one message in both modes (for pasting a table). ``/file PATH`` sends a file
(last year's report, or the filled-in workbook), as an attachment does in Telegram.
Documents are written to ``--out`` (default: ``data/exports``).
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.conversation.types import Input
from bot.format.catalogue import Code, message
from bot.service.turns import Outgoing, Service

BLOCK = '"""'
FILE_COMMAND = "/file "  # /file PATH sends a file, as an attachment would in Telegram
PASTE_WAIT = 0.05  # seconds: lines arriving together in a terminal are one paste


def read_inputs(stream: TextIO, interactive: bool) -> Iterator[str]:
    """Messages from ``stream``: lines, \"\"\" blocks, and (on a terminal) pastes."""
    block: list[str] | None = None
    while True:
        if interactive:
            sys.stdout.write("> ")
            sys.stdout.flush()
        line = stream.readline()
        if not line:
            if block:
                yield "\n".join(block)
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


def show(item: Outgoing, out_dir: Path, stream: TextIO) -> dict[str, str]:
    """Print one outgoing message; return the number → choice map it offers."""
    numbered: dict[str, str] = {}
    if item.document is not None:
        name, data = item.document
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / name
        path.write_bytes(data)
        stream.write(f"{item.text} {path}\n")
        return numbered
    if item.draft:  # a terminal shows the whole draft at once: one message
        stream.write(message(Code.CHAT_PREVIEW_HEADER, count=1) + "\n")
        stream.write(item.text.strip("\n") + "\n")
        return numbered
    if item.text:
        stream.write(item.text + "\n")
    for i, choice in enumerate(item.choices, 1):
        stream.write(f"  {i}. {choice.label}\n")
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
        for reply in service.handle(user, inp, "terminal"):
            offered = show(reply, out_dir, out)
            if offered:
                numbered, step, multi = offered, reply.step, reply.multi
        out.flush()

    send(Input(resume=True))
    try:
        for text in read_inputs(stream, interactive):
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
