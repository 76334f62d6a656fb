"""The terminal front end: ``reportbot chat``.

Interactive on a terminal (numbered choices, a prompt, pasted blocks joined into one
message); on a pipe it reads one input per line and prints the replies, so a whole
session can be scripted. Lines between two lines of three double quotes (\"\"\") are
sent as one message in both modes (for pasting a table). Documents are written to
``--out`` (default: ``data/exports``).
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from bot.engine import Input
from bot.service import Outgoing, Service

BLOCK = '"""'
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


def show(message: Outgoing, out_dir: Path, stream: TextIO) -> dict[str, str]:
    """Print one outgoing message; return the number → choice map it offers."""
    numbered: dict[str, str] = {}
    if message.document is not None:
        name, data = message.document
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / name
        path.write_bytes(data)
        stream.write(f"{message.text} {path}\n")
        return numbered
    if message.text:
        stream.write(message.text + "\n")
    for i, choice in enumerate(message.choices, 1):
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
        for message in service.handle(user, inp, "terminal"):
            offered = show(message, out_dir, out)
            if offered:
                numbered, step, multi = offered, message.step, message.multi
        out.flush()

    send(Input(resume=True))
    try:
        for text in read_inputs(stream, interactive):
            if not text.strip():
                continue
            key = text.strip()
            if key in numbered and not multi and step is not None:
                send(Input(choice=numbered[key], choice_step=step))
            else:
                send(Input(text=text))
    except KeyboardInterrupt:
        out.write("\n")
    return 0


def default_user() -> str:
    """The terminal user's name."""
    return os.environ.get("USER") or os.environ.get("USERNAME") or "officer"
