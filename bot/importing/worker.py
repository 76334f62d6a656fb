"""Read an uploaded file in a separate process, bounded in memory and in time.

:mod:`bot.importing.files` refuses what no report is before it parses (sizes, the zip
directory, cells and characters as they are read), but a parser's own cost (lxml,
openpyxl, html.parser) is only bounded here: :func:`read_document_bounded` runs
:func:`~bot.importing.files.read_document` in a child process, ``python -m
bot.importing.worker``, that limits its address space to :data:`MEMORY` before it reads
and is killed after :data:`TIMEOUT` seconds. The bytes go to the child on stdin (after a
one-line JSON header: the file's name and the limits), the document comes back on stdout
as JSON. A fresh interpreter, not ``multiprocessing``'s fork: the Telegram bot runs an
asyncio loop and threads, which a fork would copy mid-flight.

Whatever happens in the child is one coded refusal for the officer
(:class:`~bot.importing.text.ImportFailed`): the child's own refusals as it raised them,
:attr:`~bot.format.catalogue.Code.IMP_READ_TIMEOUT`,
:attr:`~bot.format.catalogue.Code.IMP_READ_MEMORY`, or
:attr:`~bot.format.catalogue.Code.IMP_READ_FAILED` for anything else (its error output is
logged). The child starts in about 50 ms (text and web pages) to 110 ms (Word, Excel);
a PDF of five pages takes about a second (pdfplumber reads each character's position).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.format.catalogue import Code
from bot.importing import files
from bot.importing.text import Cell, Document, ImportFailed, Line

TIMEOUT = 30.0  # seconds a file may take to read (a report takes well under one)
MEMORY = 1024 * files.MB  # the reader's address space (a report needs about 100 MB)
EXIT_MEMORY = 3  # the child ran out of memory
_ROOT = Path(__file__).resolve().parents[2]  # where the package ``bot`` is

log = logging.getLogger(__name__)


# --- the document as JSON ----------------------------------------------------------


def to_json(doc: Document) -> dict[str, Any]:
    """``doc`` as plain data (see :func:`from_json`)."""
    return {
        "kind": doc.kind,
        "blank_is_gap": doc.blank_is_gap,
        "title": doc.title,
        "scanned_pages": list(doc.scanned_pages),
        "garbled_pages": list(doc.garbled_pages),
        "lines": [
            [line.table, line.text, [[c.text, c.col, c.span] for c in line.cells]]
            for line in doc.lines
        ],
    }


def from_json(data: dict[str, Any]) -> Document:
    """The document :func:`to_json` gave."""
    lines = tuple(
        Line(tuple(Cell(text, col, span) for text, col, span in cells), table, text)
        for table, text, cells in data["lines"]
    )
    pages = tuple(data["scanned_pages"]), tuple(data["garbled_pages"])
    return Document(lines, data["kind"], data["blank_is_gap"], data["title"], *pages)


# --- the parent --------------------------------------------------------------------


def read_document_bounded(
    name: str, data: bytes, *, timeout: float | None = None, memory: int | None = None
) -> Document:
    """:func:`~bot.importing.files.read_document` in a child process of at most ``memory``
    bytes of address space (:data:`MEMORY`), killed after ``timeout`` seconds
    (:data:`TIMEOUT`); every failure is an :class:`~bot.importing.text.ImportFailed`."""
    timeout = TIMEOUT if timeout is None else timeout
    memory = MEMORY if memory is None else memory
    if len(data) > files.MAX_BYTES:  # before the bytes are copied anywhere
        raise files.too_large(name, len(data))
    header = json.dumps({"name": name, "memory": memory, "cpu": int(timeout) + 5})
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), env.get("PYTHONPATH")) if p)
    try:
        done = subprocess.run(
            [sys.executable or "python3", "-m", __name__],
            input=header.encode("utf-8", "surrogatepass") + b"\n" + data,
            capture_output=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child and waited for it
        raise ImportFailed(Code.IMP_READ_TIMEOUT, path=name, seconds=f"{timeout:g}") from None
    except OSError as exc:
        raise ImportFailed(Code.IMP_READ_FAILED, path=name, status=exc.strerror) from exc
    if done.returncode == 0:
        try:
            answer = json.loads(done.stdout.decode("utf-8", "surrogatepass"))
        except ValueError:
            answer = None
        if isinstance(answer, dict) and "document" in answer:
            return from_json(answer["document"])
        if isinstance(answer, dict) and "refused" in answer:
            raise ImportFailed(Code(answer["refused"]), **answer["params"])
    errors = done.stderr.decode("utf-8", "replace")
    if done.returncode == EXIT_MEMORY or "MemoryError" in errors:
        raise ImportFailed(Code.IMP_READ_MEMORY, path=name)
    log.warning("reading %r failed (exit %s): %s", name, done.returncode, errors[-2000:])
    raise ImportFailed(Code.IMP_READ_FAILED, path=name, status=done.returncode)


# --- the child ---------------------------------------------------------------------


def _limit(memory: int, cpu: int) -> None:
    """Lower this process's address space to ``memory`` and its CPU time to ``cpu``
    seconds (should the parent be gone and never kill it)."""
    import resource

    for kind, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_CPU, cpu)):
        _, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)
        resource.setrlimit(kind, (value, value))


def main() -> int:
    """The child: header and bytes on stdin, the document (or the refusal) on stdout."""
    stdin = sys.stdin.buffer
    header = json.loads(stdin.readline().decode("utf-8", "surrogatepass"))
    _limit(int(header["memory"]), int(header["cpu"]))
    data = stdin.read()
    try:
        answer: dict[str, Any] = {"document": to_json(files.read_document(header["name"], data))}
    except ImportFailed as exc:
        answer = {"refused": exc.code.value, "params": exc.params}
    except MemoryError:
        return EXIT_MEMORY
    del data
    try:
        out = json.dumps(answer, ensure_ascii=False, default=str)
        sys.stdout.buffer.write(out.encode("utf-8", "surrogatepass"))
    except MemoryError:
        return EXIT_MEMORY
    return 0


if __name__ == "__main__":
    sys.exit(main())
