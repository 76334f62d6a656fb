"""The draft as PDF: the Word file converted by LibreOffice, headless, in a bounded child.

Offices send PDFs to reviewers and publish them. The PDF is the .docx of
:mod:`bot.drafting.docx_writer` converted by ``soffice --headless --convert-to pdf`` with a
profile of its own (a LibreOffice the officer has open is never disturbed), in a new
process group that is killed whole after :data:`TIMEOUT` seconds. LibreOffice embeds
the fonts it uses; a font the draft names but the machine lacks is substituted, and
:func:`missing_fonts` says which (from ``fc-list``) so that the officer is warned.

The PDF's creation date and document id are set from the report (its bytes depend only
on the draft and the LibreOffice version), like the Office files of
:mod:`bot.drafting.stable_zip`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from tempfile import TemporaryDirectory
from xml.sax.saxutils import escape

from bot.drafting.docx_package import FONT_TABLE
from bot.format.catalogue import Code, UserError

OFFICE_PROGRAMS = ("soffice", "libreoffice")
TIMEOUT = 120.0  # seconds; a first start of LibreOffice with a new profile takes ~5-20 s
# The fonts a 公文 must be printed in (the others of FONT_TABLE fall back gracefully).
REQUIRED_FONTS = ("仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312")
SYSTEM_FONTS_CONF = "/etc/fonts/fonts.conf"
# What stands in for each font the draft names when it is missing, best first.
FALLBACKS = {
    "仿宋_GB2312": ("仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC"),
    "方正小标宋简体": ("华文中宋", "STZhongsong", "Noto Serif CJK SC"),
    "黑体": ("SimHei", "Noto Sans CJK SC"),
    "楷体_GB2312": ("楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"),
    "宋体": ("SimSun", "Noto Serif CJK SC"),
}
_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\s*\(D:)(\d{14})([+-]\d\d'\d\d')?")
_ID = re.compile(rb"(/ID\s*\[\s*<)([0-9A-Fa-f]{32})(>\s*<)([0-9A-Fa-f]{32})(>)")
_CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]{32})")
assert set(REQUIRED_FONTS) <= {name for name, _ in FONT_TABLE}


def find_program(names: tuple[str, ...]) -> str | None:
    """The first of the programs ``names`` on ``PATH``, or None."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def office_program() -> str | None:
    """The LibreOffice program on ``PATH``, or None."""
    return find_program(OFFICE_PROGRAMS)


@cache
def installed_fonts() -> frozenset[str] | None:
    """The font family names fontconfig knows (every language's name), or None when
    ``fc-list`` is not installed."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        listed = subprocess.run(
            [program, ":", "family"], capture_output=True, timeout=30, check=True
        ).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip() for line in listed.splitlines() for name in line.split(","))


def missing_fonts() -> list[str]:
    """The fonts of :data:`REQUIRED_FONTS` this machine lacks (none when it cannot tell)."""
    fonts = installed_fonts()
    return [] if fonts is None else [f for f in REQUIRED_FONTS if f not in fonts]


def docx_to_pdf(
    docx: bytes, when: datetime, *, timeout: float = TIMEOUT, kind: str = "docx"
) -> bytes:
    """The PDF of the Word file ``docx`` (or of an Office file of another ``kind``, such as
    ``xlsx``: the workbook as printed), dated ``when``.

    Raises :class:`~bot.format.catalogue.UserError`: ``DRF005`` without LibreOffice,
    ``DRF006`` when it fails, ``DRF007`` after ``timeout`` seconds.
    """
    program = office_program()
    if program is None:
        raise UserError(Code.DRF_NO_OFFICE)
    with TemporaryDirectory(prefix="reportbot-pdf-") as tmp:
        folder = Path(tmp)
        source = folder / f"draft.{kind}"
        source.write_bytes(docx)
        command = [
            program,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        status = _run(command, timeout, folder)
        target = folder / "draft.pdf"
        if status != 0 or not target.is_file():
            raise UserError(Code.DRF_PDF_FAILED, status=status)
        return _stable(target.read_bytes(), when, docx)


def fallbacks() -> str:
    """A fontconfig file: the machine's own, and for each 公文 font it lacks the nearest
    common one, ending with the simplified-Chinese Noto CJK (not fontconfig's default
    pick, the Japanese one, whose forms of some characters differ)."""
    rules = "".join(
        f'<alias binding="same"><family>{font}</family><accept>'
        + "".join(f"<family>{escape(f)}</family>" for f in others)
        + "</accept></alias>"
        for font, others in FALLBACKS.items()
    )
    return (
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        f'<include ignore_missing="yes">{SYSTEM_FONTS_CONF}</include>{rules}</fontconfig>'
    )


def _run(command: list[str], timeout: float, home: Path) -> int:
    """Run ``command`` in a process group of its own, at home in ``home`` (nothing is
    written to the officer's home) with the font fallbacks of :func:`fallbacks`; kill the
    whole group on time-out."""
    fonts = home / "fonts.conf"
    fonts.write_text(fallbacks(), encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "FONTCONFIG_FILE": str(fonts)}
    try:
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env=env,
        )
    except OSError as exc:
        raise UserError(Code.DRF_PDF_FAILED, status=exc.strerror) from exc
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # soffice is a script: its office runs below it
        proc.wait()
        raise UserError(Code.DRF_PDF_TIMEOUT, seconds=f"{timeout:g}") from None


def _stable(pdf: bytes, when: datetime, source: bytes) -> bytes:
    """``pdf`` with its dates set to ``when`` (UTC), its id and checksum derived from
    ``source``.

    Every replacement has the length of what it replaces: the cross-reference table
    gives byte offsets, which stay right."""
    digits = when.astimezone(UTC).strftime("%Y%m%d%H%M%S").encode()
    digest = hashlib.md5(source, usedforsecurity=False).hexdigest().upper().encode()

    def date(m: re.Match[bytes]) -> bytes:
        return m.group(1) + digits + (b"+00'00'" if m.group(3) else b"")

    pdf = _DATE.sub(date, pdf)
    pdf = _CHECKSUM.sub(lambda m: m.group(1) + digest, pdf)
    return _ID.sub(lambda m: m.group(1) + digest + m.group(3) + digest + m.group(5), pdf)
