"""Channel figures as officers state them: one figure per chosen channel, never a total."""

from __future__ import annotations

from bot.format.catalogue import Code
from bot.store.reports import Store
from tests.helpers.chat import codes, last_question, play, say, service
from tests.helpers.chat_script import PROMPTS


def test_each_channel_gets_its_own_figure(store: Store) -> None:
    svc = service(store)
    out = play(svc, PROMPTS["counts"])
    assert "依次为：门户网站、政务微信公众号" in last_question(out)
    assert codes(say(svc, "150"))[0] is Code.FIG_ROW_LENGTH  # one figure for two channels
    assert codes(say(svc, "150 67"))[0] is Code.CHAT_CELLS_SAVED
    answers = store.get_report(1).extra["answers"]
    assert answers["active_count"] == {"portal": 150, "wechat": 67}


def test_a_channel_added_later_is_asked_for_its_figure(store: Store) -> None:
    svc = service(store)
    play(svc, [*PROMPTS["counts"], "150 67"])
    say(svc, "修改 active_channels")
    out = say(svc, "1 2 3")  # 政务微博 too
    assert "依次为：门户网站、政务微信公众号、政务微博" in last_question(out)
    say(svc, "150 67 12")
    answers = store.get_report(1).extra["answers"]
    assert answers["active_count"] == {"portal": 150, "wechat": 67, "weibo": 12}


def test_no_counted_channel_means_no_count_question(store: Store) -> None:
    svc = service(store)
    out = play(svc, [*PROMPTS["select_multiple"], "4 6"])  # 政府公报, 公开栏
    assert "主要内容和举措" in last_question(out)
