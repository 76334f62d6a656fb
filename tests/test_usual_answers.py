"""Saying less where the answer is the usual one (issue 15): part 六 taken at once with
全部确认, the channels given with their counts, the year taken from last year's report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.conversation.flows import load_flow
from bot.drafting.render import render
from bot.format.agency_names import infer_level
from bot.format.catalogue import Code, message
from bot.format.yaml_loading import PromptError
from bot.frontends.terminal import FILE_COMMAND, run_chat
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.chat import (
    TODAY,
    codes,
    fake_drafter,
    last_question,
    play,
    say,
    service,
)
from tests.helpers.chat_script import PROMPTS, SEED_SESSION
from tests.helpers.factories import consistent_report

COUNTY = "县级（县、不设区的市、市辖区及其部门）"
FEE = SEED_SESSION[:24]  # at 是否收取信息处理费, the first question of 六


def answers(store: Store) -> dict[str, object]:
    [info] = store.list_reports()
    return store.get_report(info.id).answers


# --- 六 as most agencies write it -------------------------------------------------------


def test_entering_part_six_lists_its_usual_answers(store: Store) -> None:
    out = play(service(store), FEE)
    offer = [r.text for r in out if r.code is Code.CHAT_DEFAULTS_OFFER]
    assert len(offer) == 1
    assert "是否收取信息处理费：否" in offer[0]
    assert "本年度某某市某某区交通运输局未承办" not in offer[0]  # the voice, not the name
    assert "未承办人大代表建议和政协提案" in offer[0]
    assert message(Code.CHAT_CONFIRM_ALL) in [c.label for c in out[-1].choices]


@pytest.mark.parametrize("reply", ["全部确认", "都确认", "全部采用。", "3"])  # 3: the button
def test_confirm_all_answers_the_whole_part(store: Store, reply: str) -> None:
    svc = service(store)
    play(svc, FEE)
    out = say(svc, reply)
    assert Code.CHAT_DEFAULTS_TAKEN in codes(out)
    assert Code.CHAT_ALL_DONE in codes(out)  # 六 was the last part
    stored = answers(store)
    assert stored["fee_collected"] == "no"
    assert "各项任务均已按要求落实" in str(stored["work_points"])
    assert stored["innovations"] == ""
    assert stored["other_notes"] == ""


def test_confirm_all_after_an_answer_takes_only_what_is_left(store: Store) -> None:
    svc = service(store)
    play(svc, [*FEE, "2", "梳理年度重点任务12项，均已落实到位"])
    out = say(svc, "全部确认")
    assert Code.CHAT_DEFAULTS_TAKEN in codes(out)
    stored = answers(store)
    assert stored["work_points"] == "梳理年度重点任务12项，均已落实到位"  # kept
    assert "未承办" in str(stored["proposals"])


def test_a_fee_collected_is_asked_in_full_not_taken_by_default(store: Store) -> None:
    """After 是 to the fee, the figures it needs have no usual answer: 全部确认 there is
    not offered and reads as an answer the question refuses."""
    svc = service(store)
    out = play(svc, [*FEE, "是"])
    assert message(Code.CHAT_CONFIRM_ALL) not in [c.label for c in out[-1].choices]
    out = say(svc, "全部确认")
    assert Code.CHAT_DEFAULTS_TAKEN not in codes(out)
    assert "fee_notices" not in answers(store)


def test_parts_with_a_question_only_the_officer_can_answer_offer_nothing(
    store: Store,
) -> None:
    out = play(service(store), SEED_SESSION[:4])  # entering 一
    assert Code.CHAT_DEFAULTS_OFFER not in codes(out)
    out = play(service(store), [*SEED_SESSION[4:21]])  # through 五's questions
    assert Code.CHAT_DEFAULTS_OFFER not in codes(out)


def test_a_default_that_is_no_choice_fails_at_start_up(tmp_path: Path) -> None:
    prompts = Path(__file__).parent.parent / "prompts"
    for name in ("narrative.yaml", "tables.yaml"):
        (tmp_path / name).write_text((prompts / name).read_text(encoding="utf-8"), "utf-8")
    path = tmp_path / "narrative.yaml"
    path.write_text(path.read_text("utf-8").replace("default: 'no'", "default: 'maybe'"), "utf-8")
    with pytest.raises(PromptError, match=r"narrative\.yaml.*default"):
        load_flow(tmp_path)


# --- the channels with their counts --------------------------------------------------------


@pytest.mark.parametrize(
    "reply",
    [
        "门户网站 150 政务微信公众号 67",
        "门户网站150条、微信公众号67条",
        "门户网站发布150条，政务微信公众号发布67条。",
        "网站：150；微信公众号：67",
    ],
)
def test_channels_given_with_their_counts_answer_both_questions(store: Store, reply: str) -> None:
    svc = service(store)
    play(svc, PROMPTS["select_multiple"])
    out = say(svc, reply)
    assert Code.CHAT_CELLS_SAVED in codes(out)
    assert "主要内容和举措" in last_question(out)  # the count question is not asked
    stored = answers(store)
    assert stored["active_channels"] == ["portal", "wechat"]
    assert stored["active_count"] == {"portal": 150, "wechat": 67}


@pytest.mark.parametrize(
    ("reply", "code", "named"),
    [
        ("门户网站 150 政务微博", Code.CHAT_COUNT_MISSING, "“政务微博”"),  # counted, no figure
        ("抖音 30", Code.CHAT_BAD_CHOICE, "门户网站"),  # no such channel: the choices named
    ],
)
def test_channels_with_counts_are_refused_naming_what_is_wrong(
    store: Store, reply: str, code: Code, named: str
) -> None:
    svc = service(store)
    play(svc, PROMPTS["select_multiple"])
    out = say(svc, reply)
    assert codes(out)[0] is code
    assert named in out[0].text
    assert "active_channels" not in answers(store)  # nothing stored half-way


def test_an_uncounted_channel_needs_no_figure(store: Store) -> None:
    svc = service(store)
    play(svc, PROMPTS["select_multiple"])
    out = say(svc, "门户网站 150 政府公报")
    assert Code.CHAT_COUNT_NOT_USED not in codes(out)
    stored = answers(store)
    assert stored["active_channels"] == ["portal", "bulletin"]
    assert stored["active_count"] == {"portal": 150}


def test_a_figure_for_an_uncounted_channel_is_said_to_be_left_out(store: Store) -> None:
    svc = service(store)
    play(svc, PROMPTS["select_multiple"])
    out = say(svc, "门户网站 150 政府公报 12")
    assert Code.CHAT_COUNT_NOT_USED in codes(out)
    assert "“政府公报”" in next(r.text for r in out if r.code is Code.CHAT_COUNT_NOT_USED)
    assert answers(store)["active_count"] == {"portal": 150}


# --- the year from last year's report ----------------------------------------------------


def chat(store: Store, tmp_path: Path, lines: list[str]) -> str:
    out = io.StringIO()
    svc = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    run_chat(svc, "cli:officer", io.StringIO("\n".join(lines) + "\n"), out, tmp_path, False)
    return out.getvalue()


@pytest.mark.parametrize(("last_year", "asked"), [(TODAY.year - 1, False), (2021, True)])
def test_the_year_after_last_years_report_is_asked_only_when_the_date_disagrees(
    store: Store, tmp_path: Path, last_year: int, asked: bool
) -> None:
    last = tmp_path / "上年.docx"
    last.write_bytes(render(consistent_report(agency="某县交通运输局", year=last_year), "docx"))
    out = chat(store, tmp_path, [f"{FILE_COMMAND}{last}", "4"])
    asking = message(Code.CHAT_ASK_YEAR, default=last_year + 1)
    assert (asking.splitlines()[0] in out) is asked
    if not asked:
        assert message(Code.CHAT_YEAR_FROM_LAST, last=last_year, year=last_year + 1) in out
        assert sorted(r.year for r in store.list_reports()) == [last_year, last_year + 1]


# --- the agency's level: proposed from its name, changed with 修改 层级 --------------------


@pytest.mark.parametrize(
    ("name", "level"),
    [
        ("黔西南州工业和信息化局", "prefecture"),
        ("贵州省黔西南布依族苗族自治州人民政府", "prefecture"),
        ("贵州省黔西南布依族苗族自治州兴义市人民政府", "county"),
        ("某某市某某区交通运输局", "county"),
        ("上海市浦东新区人民政府", "county"),
        ("双江拉祜族佤族布朗族傣族自治县人民政府", "county"),
        ("贵阳市南明区花果园街道办事处", "township"),
        ("某某县某某镇人民政府", "township"),
        ("贵州省住房和城乡建设厅", "provincial"),  # 城乡 is no township
        ("贵州省市场监督管理局", "provincial"),  # 市场 is no city
        ("北京市交通委员会", "provincial"),
        ("国家统计局", "national"),
        # left to the officer: a 市 may or may not have districts; 杭州 without its 市;
        # a 盟; a local office of a national agency; no place at all
        ("某某市交通运输局", None),
        ("浙江省杭州市人民政府", None),
        ("苏州工业园区管理委员会", None),
        ("内蒙古自治区阿拉善盟行政公署", None),
        ("国家税务总局某某市某某区税务局", None),
        ("市场监督管理局", None),
    ],
)
def test_the_level_a_name_shows_only_where_it_leaves_no_doubt(
    name: str, level: str | None
) -> None:
    assert infer_level(name) == level


def test_the_level_its_name_shows_is_taken_with_yes(store: Store) -> None:
    svc = service(store)
    out = play(svc, ["某某县农业农村局"])
    assert message(Code.CHAT_LEVEL_FROM_NAME, level=COUNTY) in out[-1].text
    out = play(svc, ["好", "贵州省某某县", "好"])
    assert Code.CHAT_RULES_ZERO in codes(out)
    assert store.list_reports()[0].agency_level == "county"


def test_without_a_proposal_yes_is_no_level(store: Store) -> None:
    svc = service(store)
    out = play(svc, ["某某市交通运输局"])
    assert Code.CHAT_LEVEL_FROM_NAME.value not in out[-1].text
    assert message(Code.CHAT_LEVEL_FROM_NAME, level=COUNTY)[:6] not in out[-1].text
    assert codes(say(svc, "好"))[0] is Code.CHAT_BAD_CHOICE


def test_changing_the_level_asks_the_rules_again_and_returns(store: Store) -> None:
    svc = service(store)
    out = play(svc, ["某某县农业农村局", "4", "贵州省某某县", "2024", *SEED_SESSION[4:9]])
    here = last_question(out)
    assert store.get_report(1).active["rules.issued"] == 0  # a county makes no 规章
    out = say(svc, "修改 层级")
    assert codes(out)[-1] is Code.CHAT_ASK_LEVEL
    out = say(svc, "9")
    assert codes(out) == [Code.CHAT_BAD_CHOICE, Code.CHAT_ASK_LEVEL]  # nothing stored
    assert store.get_report(1).agency_level == "county"
    out = say(svc, "设区的市")
    assert Code.CHAT_LEVEL_CHANGED in codes(out)
    report = store.get_report(1)
    assert report.agency_level == "prefecture"
    assert "rules.issued" not in report.active  # to be asked now
    assert last_question(out) == here  # back where the officer was
    # kept for the agency's next report: its level is not asked again
    out = play(svc, ["/report", "新建报告"])
    assert Code.CHAT_ASK_YEAR in codes(out)
    assert Code.CHAT_ASK_LEVEL not in codes(out)


# --- last year's channels, read from its published text ------------------------------------


def test_last_years_channels_are_read_from_its_text_and_reused(
    store: Store, tmp_path: Path
) -> None:
    last = consistent_report(agency="某县交通运输局", year=TODAY.year - 1)
    last.narrative["overview"] = (
        "本年度，我局依托政府网站和政务微信公众号及时发布信息，在服务大厅设置查阅点。"
    )
    published = tmp_path / "上年.docx"
    published.write_bytes(render(last, "docx"))
    out = chat(store, tmp_path, [f"{FILE_COMMAND}{published}", "好", "跳过"])
    offered = message(
        Code.CHAT_LAST_CHOICE, answer="门户网站；政务微信公众号；公开栏、服务大厅等线下场所"
    )
    assert offered in out
    chat(store, tmp_path, ["沿用"])
    [info] = [r for r in store.list_reports() if r.year == TODAY.year]
    assert store.get_report(info.id).answers["active_channels"] == [
        "portal",
        "wechat",
        "noticeboard",
    ]
