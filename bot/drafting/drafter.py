"""The drafting a service and its workflow are given: one value, injected, replaceable.

Tests give a :class:`Drafter` of plain lambdas; the default one composes and renders for
real (python-docx and openpyxl load only when a Word or Excel file is written).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.drafting.prose import with_narrative
from bot.drafting.render import preview_text, render
from bot.format.report import Report


@dataclass(frozen=True)
class Drafter:
    """How drafts are made: the plain-text preview, rendered files, composed prose."""

    preview: Callable[[Report], str] = preview_text
    render: Callable[[Report, str], bytes] = render
    narrative: Callable[[Report], Report] = with_narrative
