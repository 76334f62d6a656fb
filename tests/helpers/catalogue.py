"""Match replies against the message catalogue when some parameters are not known.

``message(code, **params)`` gives a reply's exact text when every parameter is known. When
some are not (a time stamp, a generated invite code, a list of reviewers), ``pattern``
makes the catalogue text a regular expression: the known parameters filled in, any text
for the others (as named groups), so that a test asserts the code and never copies wording.
"""

from __future__ import annotations

import re

from bot.format.catalogue import Code, catalogue, message

LINE = r"[^\n]*?"  # any text within a line


def _regex(code: Code, any_text: str, known: dict[str, object]) -> str:
    marks = {p: f"\x00{p}\x00" for p in catalogue().params(code) if p not in known}
    text = re.escape(message(code, **known, **marks))
    for name, mark in marks.items():
        text = text.replace(re.escape(mark), f"(?P<{name}>{any_text})", 1)
        text = text.replace(re.escape(mark), f"(?P={name})")
    return text


def pattern(code: Code, **known: object) -> re.Pattern[str]:
    """The whole text of ``code``: ``known`` parameters filled in, any text for the others
    (several lines too); use ``fullmatch``."""
    return re.compile(_regex(code, ".*?", known), re.DOTALL)


def mentions(text: str, code: Code, **known: object) -> re.Match[str] | None:
    """A reply of ``code`` in ``text`` (a chat's output): from the start of a line to the end
    of one, the parameters not ``known`` any text within a line."""
    reply = _regex(code, LINE, known)
    return re.search(rf"(?:^|(?<=\n)){reply}(?=\n|$)", text)
