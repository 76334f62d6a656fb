"""What officers naturally type is taken (issue 15): yes/no in their words, choices by any
unambiguous part of their text, several choices in one message, commands with arguments.

Each reply is sent at the prompt it answers; none may be refused."""

from __future__ import annotations

import pytest

from bot.format.catalogue import Code
from bot.store.reports import Store
from tests.helpers.chat import codes, play, say, service
from tests.helpers.chat_script import PROMPTS, SEED_SESSION
from tests.helpers.factories import consistent_report
from tests.helpers.import_fixtures import LAYOUTS, Style, applications_rows, one_cell_per_line

# what "not taken" looks like: the answer refused, the command not understood
REFUSALS = {
    Code.CHAT_BAD_CHOICE,
    Code.CHAT_BAD_YEAR,
    Code.CHAT_EXPORT_UNKNOWN,
    Code.CHAT_UNKNOWN_COMMAND,
    Code.CHAT_EDIT_UNKNOWN,
    Code.CHAT_GOTO_UNKNOWN,
    Code.CHAT_NEEDS_ARGUMENT,
    Code.CHAT_PASTE_SHAPE,
    Code.CHAT_DONE_UNMATCHED,
    *(c for c in Code if c.name.startswith("FIG_")),
}
FEE = [*SEED_SESSION[:24]]  # at 是否收取信息处理费
FIGURES = consistent_report()

CORPUS: list[tuple[str, str]] = [
    # the agency's level, by part of its label
    ("setup_level", "县级"),
    ("setup_level", "设区的市"),
    ("setup_level", "省级"),
    ("setup_level", "乡镇"),
    ("setup_level", "自治州"),
    # the year
    ("setup_year", "好"),
    ("setup_year", "2023年"),
    ("setup_year", "2024"),
    # channels: several, by their text or numbers, with any separator
    ("select_multiple", "门户网站、微信公众号"),
    ("select_multiple", "政府门户网站，政务微博"),
    ("select_multiple", "门户网站 微信公众号"),
    ("select_multiple", "1、2"),
    ("select_multiple", "1，2，3"),
    ("select_multiple", "网站"),
    ("select_multiple", "微博"),
    ("select_multiple", "政府门户网站"),
    ("select_multiple", "公报,新闻发布会"),
    # and with their counts, both questions at once
    ("select_multiple", "门户网站 150 政务微信公众号 67"),
    ("select_multiple", "门户网站发布150条、微信公众号67条"),
    # 六 as most agencies write it
    ("usual_answers", "全部确认"),
    ("usual_answers", "都确认"),
    ("usual_answers", "否"),
    # 有没有复议诉讼: yes and no as officers say them
    ("select_one", "有"),
    ("select_one", "没有"),
    ("select_one", "无"),
    ("select_one", "否"),
    ("select_one", "是的"),
    ("select_one", "没"),
    ("select_one", "不是"),
    ("select_one", "2"),
    ("select_one", "没有。"),
    # the disposition rows, by part of their label
    ("select_rows", "不掌握"),
    ("select_rows", "本机关不掌握相关政府信息、重复申请"),
    ("select_rows", "予以公开 部分公开"),
    # commands with arguments, at any prompt
    ("text", "导出 docx"),
    ("text", "导出 全部"),
    ("cells", "导出 .xlsx"),
    ("row", "/export html"),
    ("text", "转到 三"),
    ("text", "转到 第五部分"),
    ("text", "转到 存在的主要问题"),
    ("row", "修改 上年结转"),
    ("done", "修改 三、（一）予以公开"),
    ("done", "导出 全部"),
    ("done", "预览"),
    ("menu", "继续"),
    ("menu", "三"),
    ("export", "全部"),
    ("export", "Word"),
    # table 三 pasted whole, in every layout the importer reads
    *(("row", paste(applications_rows(FIGURES, Style()))) for paste in LAYOUTS.values()),
    ("row", one_cell_per_line(applications_rows(FIGURES, Style(zero="-", split=True)))),
]


@pytest.mark.parametrize(("prompt", "reply"), CORPUS)
def test_a_natural_reply_is_taken(store: Store, prompt: str, reply: str) -> None:
    svc = service(store)
    play(svc, PROMPTS[prompt])
    refused = REFUSALS.intersection(codes(say(svc, reply)))
    assert not refused, f"{reply!r} at {prompt}: {refused}"


@pytest.mark.parametrize(
    ("reply", "stored"), [("否", "no"), ("没有收取", "no"), ("收取了", "yes")]
)
def test_yes_and_no_in_words_are_stored_as_such(store: Store, reply: str, stored: str) -> None:
    svc = service(store)
    play(svc, FEE)
    say(svc, reply)
    [report] = store.list_reports()
    assert store.get_report(report.id).extra["answers"]["fee_collected"] == stored


def test_the_corpus_is_large_enough() -> None:
    assert len(CORPUS) >= 40


def test_an_ambiguous_part_is_refused_naming_every_choice(store: Store) -> None:
    svc = service(store)
    play(svc, PROMPTS["select_multiple"])
    [refusal] = [o for o in say(svc, "政务") if o.code is Code.CHAT_BAD_CHOICE]
    assert "政务微信公众号" in refusal.text
    assert "政务微博" in refusal.text


def test_text_after_the_report_is_complete_is_never_swallowed(store: Store) -> None:
    svc = service(store)
    play(svc, SEED_SESSION)
    out = say(svc, "本年度我局继续深化政务公开。")
    assert codes(out) == [Code.CHAT_DONE_UNMATCHED]
