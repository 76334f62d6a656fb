"""Office files (.docx, .xlsx) whose bytes depend only on what they hold.

A Word or Excel file is a zip package. python-docx and openpyxl date every zip entry and
the document's "created" and "modified" properties with the moment of writing, so the
same draft gave different bytes each time: a reviewer comparing two exports, or the
supervising office comparing a file with its checksum, saw a change where there was none.
:func:`stable` rewrites the package with every entry dated alike and both properties set
to a date that belongs to the report (1 January after its year, when the filing season
opens), keeping the order and content of the entries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from io import BytesIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

CORE_PROPERTIES = "docProps/core.xml"
ENTRY_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry
_DATED = re.compile(rb"(<dcterms:(created|modified)\b[^>]*>)[^<]*(</dcterms:\2>)")


def season_opening(year: int) -> datetime:
    """1 January after the report year: the date the drafts of ``year`` carry."""
    return datetime(year + 1, 1, 1, tzinfo=UTC)


def stable(data: bytes, when: datetime) -> bytes:
    """The package ``data`` rewritten so that its bytes depend only on its content."""
    stamp = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()

    def dated(name: str, body: bytes) -> bytes:
        if name == CORE_PROPERTIES:
            return _DATED.sub(lambda m: m.group(1) + stamp + m.group(3), body)
        return body

    return rewrite(data, dated)


def rewrite(data: bytes, edit: Callable[[str, bytes], bytes]) -> bytes:
    """The package ``data`` with each entry's content passed through ``edit(name, body)``,
    in the same order, every entry dated alike."""
    out = BytesIO()
    with ZipFile(BytesIO(data)) as source, ZipFile(out, "w", ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = edit(info.filename, source.read(info))
            entry = ZipInfo(info.filename, date_time=ENTRY_TIME)
            entry.compress_type = ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, body)
    return out.getvalue()
