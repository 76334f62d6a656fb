"""Text as it may be kept and shown: no control or bidi characters, and safe file names.

What an officer types (or a file's name) can carry characters that do harm where it is
shown later: terminal escapes (ESC, BEL …) that a colleague's terminal would obey, and
bidi controls (U+202E …) that show a text in another order than it is stored.
:func:`clean_text` drops them (keeping line breaks and tabs); the front ends apply it to
every text on entry and the terminal to every text it prints. :func:`safe_filename`
makes a name that cannot leave the folder it is written to.
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls and DEL, but for \t and \n; the bidi controls: embeddings and
# overrides (U+202A-U+202E), isolates (U+2066-U+2069) and the marks LRM, RLM and ALM
_UNCLEAN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# never in a file name: path separators, what Windows refuses, and line breaks and tabs
_NOT_IN_NAME = re.compile(r'[/\\:*?"<>|\t\n]')
FILENAME_BYTES = 200  # bytes of UTF-8: well under the 255 of common file systems
EXTENSION_CHARS = 10  # a suffix this short (ASCII letters and digits) is kept as the extension
DEFAULT_NAME = "document"


def clean_text(text: str) -> str:
    """``text`` without control characters (but for line breaks and tabs) and bidi controls.

    A carriage return goes too: a pasted Windows line end becomes a plain line break.
    """
    return _UNCLEAN.sub("", text)


def clean_data(value: Any) -> Any:
    """``value`` (data as YAML and JSON hold it) with :func:`clean_text` applied to every
    string in it, keys included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_data(k): clean_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_data(v) for v in value]
    return value


def _truncate(text: str, limit: int) -> str:
    """The longest prefix of ``text`` of at most ``limit`` bytes of UTF-8 (whole characters)."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", errors="ignore")


def safe_filename(name: str, limit: int = FILENAME_BYTES) -> str:
    """``name`` as a file name that stays in the folder it is written to.

    Cleaned (:func:`clean_text`), with path separators and the characters file systems
    refuse as ``_``, no leading dots or spaces (no ``..``, no hidden file), and at most
    ``limit`` bytes of UTF-8, cut in the stem so that the extension stays.
    """
    cleaned = _NOT_IN_NAME.sub("_", clean_text(name)).strip().lstrip(".").rstrip(". ")
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not stem or not (ext.isascii() and ext.isalnum()) or len(ext) > EXTENSION_CHARS:
        stem, ext = cleaned, ""
    suffix = f".{ext}" if ext else ""
    stem = _truncate(stem, limit - len(suffix.encode("utf-8"))).rstrip(". ")
    return f"{stem}{suffix}" if stem else f"{DEFAULT_NAME}{suffix}"
