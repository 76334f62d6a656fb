"""The golden corpus: drafts an experienced 办公室 drafter would publish as they are.

The example report (黔西南州工业和信息化局 2023) is drafted through the chat with its
paragraphs pasted as a published text prints them; five other profiles (nothing received,
all granted, only unavailable, a township, a busy city bureau) are composed from their
answers. Each draft is held to its expected text in ``tests/golden/<name>.txt`` (read and
reviewed as a drafter would), and the checks, the style check included, find nothing.

Run with ``REPORTBOT_GOLDEN=update`` to rewrite the expected texts after a deliberate
change of the wording; then read the difference before committing it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from bot.drafting.compliance import check_draft
from bot.drafting.render import render
from bot.format.catalogue import Code
from bot.service.turns import Service
from bot.store.reports import Store
from tests.golden.profiles import PROFILES
from tests.helpers.chat import TODAY, codes, exported, play, say
from tests.helpers.published_pastes import EXAMPLE_BY_PARAGRAPH, EXAMPLE_SESSION

GOLDEN = Path(__file__).parent / "golden"
CJK = "\u4e00-\u9fff"


def expect(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.txt"
    if os.environ.get("REPORTBOT_GOLDEN") == "update":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"the draft differs from {path.name}"


def prose_of(text: str) -> str:
    """The prose of a plain-text draft (tables left out)."""
    return "\n".join(ln for ln in text.splitlines() if "／" not in ln and "：" not in ln[:12])


def assert_reads_like_a_drafter(text: str) -> None:
    """What the officer would otherwise rewrite in Word."""
    assert not re.search("[\x00-\x08\x0b-\x1f]", text)  # no template marker leaks
    prose = prose_of(text)
    assert not re.search(r"([一二三四五六七八九十]是)\1", prose)  # numbering not doubled
    assert not re.search(rf"[{CJK}][,;:]\s*[{CJK}]", prose)  # full-width punctuation
    assert "：无。" not in prose  # no label：无 line
    assert "【待填写" not in prose


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_golden_profile(name: str) -> None:
    """Should compose each profile's draft as reviewed, with no finding of any check."""
    report = PROFILES[name]()
    text = render(report, "txt").decode("utf-8")
    expect(name, text)
    assert_reads_like_a_drafter(text)
    assert check_draft(report, submitting=True) == []


def test_the_example_report_drafted_with_published_pastes(store: Store) -> None:
    """Should turn paragraphs pasted as published (headings, numbering, half-width commas)
    into a draft with no style warning and no finding at all."""
    svc = Service(store, today=lambda: TODAY)
    out = play(svc, EXAMPLE_SESSION)
    assert codes(out)[-1] is Code.CHAT_ALL_DONE
    say(svc, "导出")
    [file] = [m for m in say(svc, "txt") if m.document]
    text = file.document[1].decode("utf-8")
    expect("example", text)
    assert_reads_like_a_drafter(text)
    assert "（一）主动公开方面" not in text  # the pasted headings are not repeated
    report = exported(svc)
    assert check_draft(report, submitting=True) == []


def test_the_example_report_pasted_paragraph_by_paragraph(store: Store) -> None:
    """Should give the same draft when each paragraph is pasted at its own question, with
    its heading, and （二） over the composed paragraph."""
    svc = Service(store, today=lambda: TODAY)
    play(svc, EXAMPLE_BY_PARAGRAPH)
    say(svc, "导出")
    [file] = [m for m in say(svc, "txt") if m.document]
    assert file.document[1].decode("utf-8") == (GOLDEN / "example.txt").read_text("utf-8")
    assert check_draft(exported(svc), submitting=True) == []
