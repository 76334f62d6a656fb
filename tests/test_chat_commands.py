"""Every command at every kind of prompt; bad answers re-ask with a code and store nothing."""

from __future__ import annotations

import pytest

from bot.conversation.flows import flow
from bot.format.catalogue import Code, message
from bot.store.reports import Store
from tests.helpers.chat import codes, grant, last_question, play, press, resume, say, service
from tests.helpers.chat_script import PROMPTS, SEED_SESSION
from tests.helpers.factories import consistent_report

S = SEED_SESSION
# the question of each set-up prompt: after a command the set-up goes on and asks it again
SETUP = {
    "setup_agency": Code.CHAT_ASK_AGENCY,
    "setup_level": Code.CHAT_ASK_LEVEL,
    "setup_region": Code.REV_ASK_REGION,
    "setup_year": Code.CHAT_ASK_YEAR,
    "choose_report": Code.CHAT_CHOOSE_REPORT,
}
COMMANDS = [
    "帮助",
    "/status",
    "状态",
    "上一步",
    "/skip",
    "转到 三",
    "修改 上年结转",
    "/preview",
    "检查",
    "导出",
    "取消",
    "/nonsense",
]

# commands that leave the officer where they were: what was shown is shown again
STAY = ("帮助", "/status", "状态", "/skip", "/preview", "检查", "/nonsense")
MENU = [Code.CHAT_PROGRESS_LINE, Code.CHAT_CONTINUE]
# what a prompt shows when no question is open (elsewhere: the question)
# (the completion hint is said once: an aside at "done" is not followed by it, issue 16)
SHOWN = {"done": [], "export": [Code.CHAT_EXPORT_ASK], "menu": MENU}
FINISHED = ("done", "export")  # every part is answered: 检查 finds nothing


def expected_codes(prompt: str, command: str) -> list[Code | None]:
    """The codes of the replies to ``command`` at ``prompt``, in order."""
    if prompt in SETUP:
        if command == "取消":  # the set-up starts over (at the report list, for a member)
            again = SETUP[prompt] if prompt == "choose_report" else Code.CHAT_ASK_AGENCY
            return [Code.CHAT_CANCELLED, again]
        said = {"帮助": [Code.CHAT_HELP], "/nonsense": [Code.CHAT_UNKNOWN_COMMAND]}
        return [*said.get(command, []), SETUP[prompt]]
    shown: list[Code | None] = [*SHOWN.get(prompt, [Code.CHAT_QUESTION])]
    if prompt == "text" and command in ("上一步", "/skip"):  # the first question, optional
        said = Code.CHAT_NO_BACK if command == "上一步" else Code.CHAT_SKIPPED
        return [said, Code.CHAT_QUESTION]
    if command == "/skip":  # every other question here is required
        if prompt == "done":  # nothing to skip, nothing else said: the hint again
            return [Code.CHAT_ALL_DONE]
        return shown if prompt in SHOWN else [Code.CHAT_SKIP_REQUIRED, *shown]
    moved: dict[str, list[Code | None]] = {
        "上一步": [Code.CHAT_QUESTION],
        "转到 三": [Code.CHAT_WENT_TO, Code.CHAT_QUESTION],
        "修改 上年结转": [Code.CHAT_QUESTION],
        "导出": [Code.CHAT_EXPORT_ASK],
        "取消": [Code.CHAT_CANCELLED, *MENU],
    }
    if command in moved:
        return moved[command]
    first = {
        "帮助": Code.CHAT_HELP,
        "/status": Code.CHAT_PROGRESS_LINE,
        "状态": Code.CHAT_PROGRESS_LINE,
        "/preview": None,  # the draft, announced and split by the front end
        "检查": Code.CHAT_CHECK_CLEAN if prompt in FINISHED else Code.CHAT_CHECK_SUMMARY,
        "/nonsense": Code.CHAT_UNKNOWN_COMMAND,
    }
    return [first[command], *shown]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("prompt", sorted(PROMPTS))
def test_every_command_at_every_prompt(store: Store, prompt: str, command: str) -> None:
    svc = service(store)
    before = play(svc, PROMPTS[prompt])
    out = say(svc, command)
    assert codes(out) == expected_codes(prompt, command)
    if prompt in SETUP:
        if command != "取消":
            assert out[-1].text == before[-1].text
        return
    if command in STAY and not (prompt == "text" and command == "/skip") and prompt != "done":
        assert out[-1].text == before[-1].text  # the question (or menu) shown again
    if command == "/preview":
        assert out[0].draft
    if command == "修改 上年结转":
        assert out[-1].step == "t3_carried_over"


REJECTED = ["-3", "1.5", "很多", "abc", "/", "9999999999", "1 2"]
NUMERIC = ("counts", "integer", "cells", "money", "row", "disposition_row", "row4", "decimal")
SINGLE = ("integer", "money", "decimal")  # one figure; the others ask for a row of them
WORDS = ("很多", "abc", "/")


def refusal(prompt: str, bad: str) -> Code:
    """Why ``bad`` is refused at ``prompt``: a row is refused for its length before its
    figures are read, unless a word in it is no figure at all."""
    if bad in WORDS:
        return Code.FIG_NOT_A_NUMBER
    if prompt not in SINGLE:
        return Code.FIG_ROW_LENGTH
    return {
        "-3": Code.FIG_NEGATIVE,
        "1.5": Code.FIG_FRACTION,
        "9999999999": Code.FIG_TOO_LARGE,
        "1 2": Code.FIG_NOT_A_NUMBER,
    }[bad]


@pytest.mark.parametrize("bad", REJECTED)
@pytest.mark.parametrize("prompt", NUMERIC)
def test_rejected_figure_gets_code_and_same_question(store: Store, prompt: str, bad: str) -> None:
    if bad == "1.5" and prompt in ("money", "decimal"):
        pytest.skip("1.5 万元 is a valid amount")
    if bad == "1 2" and prompt == "counts":
        pytest.skip("two channels chosen: a figure for each is the answer")
    svc = service(store)
    before = play(svc, PROMPTS[prompt])
    history = len(store.history(1))
    report = store.get_report(1)
    out = say(svc, bad)
    assert codes(out) == [refusal(prompt, bad), Code.CHAT_QUESTION]
    assert last_question(out) == last_question(before)
    assert len(store.history(1)) == history
    assert store.get_report(1) == report


def test_back_and_keep(store: Store) -> None:
    svc = service(store)
    play(svc, S[:7])
    out = say(svc, "上一步")
    assert "各渠道分别" in last_question(out)  # each channel its own figure, no total
    assert "当前已填：门户网站 150，政务微信公众号 67" in last_question(out)
    out = say(svc, "保留")
    assert out[0].code is Code.CHAT_KEPT
    assert "主要内容和举措" in last_question(out)


def test_skip_optional_only(store: Store) -> None:
    svc = service(store)
    play(svc, S[:4])
    out = say(svc, "跳过")  # the summary sentence is optional
    assert out[0].code is Code.CHAT_SKIPPED
    assert store.get_report(1).extra["answers"]["overview_intro"] == ""
    out = say(svc, "/skip")  # the channels are required
    assert out[0].code is Code.CHAT_SKIP_REQUIRED
    assert "通过哪些渠道" in last_question(out)


def test_edit_a_cell_returns_to_where_the_officer_was(store: Store) -> None:
    svc = service(store)
    play(svc, S[:20])
    out = say(svc, "修改 三、（四）1.本机关不掌握相关政府信息")
    assert "三、（四）1.本机关不掌握" in last_question(out)
    out = say(svc, "2 0 0 0 0 0")
    # the carry forward is computed again and must be confirmed: 一＋二－三 < 0 is refused
    assert Code.CHAT_OVER_HANDLED in codes(out)
    say(svc, "修改 一、本年新收政府信息公开申请数量")
    out = say(svc, "2 0 0 0 0 0")
    assert "结转下年度继续办理" in last_question(out)
    out = say(svc, "确认")
    assert "行政复议" in last_question(out)
    report = store.get_report(1)
    assert report.applications["total"] == [2, 0, 0, 0, 0, 0, 2]
    assert report.applications["carry_forward"] == [0] * 7


def test_edit_unselected_disposition_row_adds_it(store: Store) -> None:
    svc = service(store)
    play(svc, S[:20])
    out = say(svc, "修改 予以公开")
    assert "三、（一）予以公开" in last_question(out)
    assert "granted" in store.get_report(1).extra["answers"]["t3_rows"]


def test_goto_unknown_and_missing_argument(store: Store) -> None:
    svc = service(store)
    play(svc, S[:6])
    assert codes(say(svc, "转到 七"))[0] is Code.CHAT_GOTO_UNKNOWN
    assert codes(say(svc, "/goto"))[0] is Code.CHAT_NEEDS_ARGUMENT
    assert codes(say(svc, "修改 不存在的东西"))[0] is Code.CHAT_EDIT_UNKNOWN


def test_prose_starting_with_a_command_word_is_an_answer(store: Store) -> None:
    svc = service(store)
    play(svc, S[:4])
    play_to_list = [*S[4:7]]
    for line in play_to_list:
        say(svc, line)
    out = say(svc, "修改完善了信息发布制度")
    assert out[0].code is Code.CHAT_LIST_SAVED


def test_stale_button_is_expired(store: Store) -> None:
    svc = service(store)
    play(svc, S[:19])
    out = press(svc, "t3_rows", "1")
    assert out[0].code is Code.CHAT_EXPIRED
    out = press(svc, "t3_carry_forward", "确认")
    assert "行政复议" in last_question(out)


def test_warning_is_explained_or_corrected(store: Store) -> None:
    """Should ask to correct or explain a carried-over figure that differs from last year."""
    svc = service(store)
    play(svc, [*S[:3], "2022", *S[4:]])  # last year's report: nothing carried forward
    say(svc, "/report")
    say(svc, "新建报告")
    out = play(svc, ["2023", *S[4:15], "1 0 0 0 0 0"])
    assert Code.CHAT_NOTHING_CARRIED_OVER in codes(out)  # 0 as last year said, not asked
    report_id = store.find_report("黔西南州工业和信息化局", 2023)
    say(svc, "修改 上年结转")
    out = say(svc, "2 0 0 0 0 0")
    assert Code.CHAT_WARNING_ASK in codes(out)
    assert "二、上年结转·自然人" in out[-1].text
    out = say(svc, "2022年报告漏报一件跨年申请")
    assert out[0].code is Code.CHAT_EXPLAINED
    explanations = store.get_report(report_id).explanations
    assert explanations == {
        "table3.carried_over@applications.carried_over[0]": "2022年报告漏报一件跨年申请"
    }
    # correcting instead: a valid figure replaces the answer and the warning goes away
    say(svc, "修改 上年结转")
    out = say(svc, "0 0 0 0 0 0")
    assert Code.CHAT_WARNING_ASK not in codes(out)


def test_with_last_year_in_force_is_computed_from_two_figures(store: Store) -> None:
    """Issue 15: 现行有效 follows from last year's figure plus 制发 − 废止."""
    last = consistent_report(agency="黔西南州工业和信息化局", year=2022)
    store.import_report(last, user="cli:test", frontend="test")
    grant(store, S[0])
    svc = service(store)
    play(svc, ["/start", "2", S[1], S[3], *S[4:12]])  # at 行政规范性文件, last year 17
    out = say(svc, "3 1")
    assert Code.CHAT_IN_FORCE_COMPUTED in codes(out)
    report = store.get_report(store.find_report(S[0], 2023))
    assert report.active["normative_docs.in_force"] == 17 + 3 - 1
    say(svc, "修改 行政规范性文件")
    say(svc, "3 1 25")  # three figures: taken as typed
    report = store.get_report(store.find_report(S[0], 2023))
    assert report.active["normative_docs.in_force"] == 25


def test_a_reason_asked_for_is_asked_again_after_a_quit(store: Store) -> None:
    """Issue 15: after a quit and resume, the reason went to the next question."""
    svc = service(store)
    play(svc, [*S[:3], "2022", *S[4:]])
    say(svc, "/report")
    say(svc, "新建报告")
    play(svc, ["2023", *S[4:15], "1 0 0 0 0 0", "修改 上年结转"])
    assert Code.CHAT_WARNING_ASK in codes(say(svc, "2 0 0 0 0 0"))
    back = resume(svc)  # the terminal chat started again
    assert codes(back) == [Code.CHAT_RESUMED, Code.CHAT_WARNING_ASK]
    assert codes(say(svc, "2022年报告漏报一件跨年申请"))[0] is Code.CHAT_EXPLAINED
    report = store.get_report(store.find_report("黔西南州工业和信息化局", 2023))
    assert list(report.explanations.values()) == ["2022年报告漏报一件跨年申请"]


def test_last_year_prefills_carried_over_and_baselines(store: Store) -> None:
    """Should offer last year's carry forward, in-force count and problems."""
    last = consistent_report(agency="黔西南州工业和信息化局", year=2022)
    last.extra["answers"] = {"problems": ["公开形式单一", "解读不够及时"]}
    store.import_report(last, user="cli:test", frontend="test")
    svc = service(store)
    # a name never claims the loaded report's agency: the operator grants it
    assert codes(play(svc, S[:1])) == [Code.REV_AGENCY_TAKEN]
    grant(store, S[0])
    out = play(svc, ["/report", "2", S[1], S[3], *S[4:12]])  # a new report: level, year
    assert "上年报告的现行有效件数为 17 件" in last_question(out)
    out = play(svc, ["3 1 19", *S[13:16]])  # 17 + 3 - 1 = 19: no warning
    assert "上年报告“四、结转下年度继续办理”为 4 0 1 0 1 0（总计 6）" in last_question(out)
    out = say(svc, "确认")
    assert store.get_report(2).applications["carried_over"] == last.applications["carry_forward"]
    assert Code.CHAT_WARNING_ASK not in codes(out)
    out = say(svc, "修改 上年度报告提出的问题")
    offered = message(
        Code.CHAT_LAST_PROBLEMS, problems="1. 公开形式单一\n2. 解读不够及时", count=2
    )
    assert offered in last_question(out)


@pytest.mark.parametrize("prompt", ["text", "select_multiple", "cells", "row", "done"])
def test_export_with_a_format_sends_it_at_once_and_stays_at_the_question(
    store: Store, prompt: str
) -> None:
    svc = service(store)
    before = play(svc, PROMPTS[prompt])
    out = say(svc, "导出 docx")
    [doc] = [o for o in out if o.document is not None]
    assert doc.document is not None
    assert doc.document[0].endswith(".docx")
    if prompt != "done":
        assert last_question(out) == last_question(before)  # the question, asked again


def test_export_all_sends_every_draft_format_in_one_message(store: Store) -> None:
    svc = service(store)
    play(svc, S)
    out = say(svc, "导出 全部")
    names = [o.document[0].rsplit(".", 1)[1] for o in out if o.document is not None]
    assert names == ["docx", "pdf", "html", "md", "txt", "xlsx"]
    assert say(svc, "/export all")[-1].document is not None


def test_export_of_an_unknown_format_names_the_formats(store: Store) -> None:
    svc = service(store)
    play(svc, S[:4])
    out = say(svc, "导出 pdfx")
    assert Code.CHAT_EXPORT_UNKNOWN in codes(out)
    assert not [o for o in out if o.document is not None]


def test_goto_walks_the_whole_part_then_returns(store: Store) -> None:
    """Issue 15: 转到 五 left part 五 after one answer."""
    svc = service(store)
    play(svc, S)
    relevant = [s.name for s in flow().steps if s.part == "problems"]
    asked = [step_of(say(svc, "转到 五"))]
    for _ in relevant[1:]:
        asked.append(step_of(say(svc, "保留")))
    assert asked == relevant
    out = say(svc, "保留")  # the part is done: back to where the report stands
    assert Code.CHAT_ALL_DONE in codes(out)


def step_of(out: list) -> str:
    [step] = [o.step for o in out if o.code is Code.CHAT_QUESTION]
    assert step is not None
    return step


def test_the_one_message_path_is_told_entering_the_tables_and_in_help(store: Store) -> None:
    """Issue 15: sending this year's filled workbook fills all three tables, but nothing
    said so."""
    svc = service(store)
    out = play(svc, S[:11])  # the last answer of part 一: part 二 begins
    assert Code.CHAT_TABLES_IN_ONE_FILE in codes(out)
    assert Code.CHAT_TABLES_IN_ONE_FILE not in codes(say(svc, S[11]))  # once, not per question
    assert "导出 xlsx" in say(svc, "帮助")[0].text
