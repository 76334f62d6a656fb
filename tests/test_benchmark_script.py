"""The season benchmark's copy of the chat script still completes a report.

``benchmarks/season.py`` does not import the tests, so it plays its own copy of the chat
script (``benchmarks/officer_script.py``); when the conversation changes and
``tests/helpers/chat_script.py`` with it, this test says that the copy must change too.
"""

from __future__ import annotations

from benchmarks.officer_script import SEED_SESSION as OFFICER_SCRIPT
from bot.format.catalogue import Code
from bot.store.reports import Store
from tests.helpers.chat import play, service


def test_benchmark_script_completes_a_report(store: Store) -> None:
    out = play(service(store), OFFICER_SCRIPT)
    assert out[-1].code is Code.CHAT_ALL_DONE
    [info] = store.list_reports()
    assert (info.agency, info.year) == (OFFICER_SCRIPT[0], int(OFFICER_SCRIPT[3]))
