"""Every paragraph of the draft edited in the chat (修改 / 恢复), and the edited text
checked like any other: the export carries it, and a figure it states that the tables
contradict is an error of 检查 and of ``reportbot check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.conversation.session import Step
from bot.drafting.compliance import check_draft
from bot.format.catalogue import Code
from bot.format.datafile import save
from bot.format.findings import Severity
from bot.frontends.cli import main
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.chat import TODAY, USER, codes, exported, play, say
from tests.helpers.published_pastes import EXAMPLE_SESSION

NEW_TEXT = "本段由办公室重写：我局全年未出现群众反映信息公开不及时的情况。"


@pytest.fixture
def drafted(store: Store) -> Service:
    """The example report drafted through the chat, with the real drafter."""
    svc = Service(store, today=lambda: TODAY)
    play(svc, EXAMPLE_SESSION)
    return svc


def exported_text(svc: Service) -> str:
    say(svc, "导出")
    [file] = [m for m in say(svc, "txt") if m.document]
    return file.document[1].decode("utf-8")


@pytest.mark.parametrize(
    ("target", "composed"),
    [
        ("（二）", "全年共收到政府信息公开申请1件"),  # pasted in, then replaced again
        ("依申请公开", "全年共收到政府信息公开申请1件"),
        ("存在的主要问题", "对照群众期待仍有差距"),
        ("改进措施", "一是抓好业务学习"),
        ("主动公开", "一是依托门户网站"),
        ("（四）", "对门户网站栏目进行梳理调整"),
        ("开头", "本报告依据《中华人民共和国政府信息公开条例》"),
        ("信息处理费", "我局本年度未收取信息处理费"),
        ("工作要点", "逐项分解任务"),
        ("建议提案", "未承办人大代表建议和政协提案"),
    ],
)
def test_any_paragraph_is_replaced_and_restored(
    drafted: Service, target: str, composed: str
) -> None:
    """Should show the paragraph's text, take the replacement into the export, and give
    the composed text back on 恢复."""
    assert composed in exported_text(drafted)
    out = say(drafted, f"修改 {target}")
    assert codes(out)[:2] == [Code.PST_PARAGRAPH_CURRENT, Code.PST_PARAGRAPH_ASK]
    assert composed in out[0].text
    assert codes(say(drafted, NEW_TEXT))[0] is Code.PST_PARAGRAPH_SAVED
    text = exported_text(drafted)
    assert NEW_TEXT in text
    assert composed not in text
    if target not in ("（二）", "依申请公开"):  # those were pasted: nothing composed to restore
        assert codes(say(drafted, f"恢复 {target}"))[0] is Code.PST_PARAGRAPH_RESTORED
        text = exported_text(drafted)
        assert composed in text
        assert NEW_TEXT not in text


def test_restoring_the_applications_paragraph_gives_the_tables_sentences(
    drafted: Service,
) -> None:
    """Should compose （二） from the tables again once the pasted text is dropped."""
    assert codes(say(drafted, "恢复 （二）"))[0] is Code.PST_PARAGRAPH_RESTORED
    assert "经审查，该申请无法提供" in exported_text(drafted)
    assert codes(say(drafted, "恢复 （二）"))[0] is Code.PST_PARAGRAPH_NOT_EDITED


def test_a_replacement_is_tidied_and_keep_changes_nothing(drafted: Service) -> None:
    say(drafted, "修改 （三）")
    out = say(drafted, "（三）政府信息管理方面。我局严格执行发布审核,未发生泄密事件。")
    assert codes(out)[:2] == [Code.PST_PARAGRAPH_SAVED, Code.PST_TIDIED]
    text = exported_text(drafted)
    assert "我局严格执行发布审核，未发生泄密事件。" in text
    assert "（三）政府信息管理方面" not in text
    say(drafted, "修改 （三）")
    assert codes(say(drafted, "保留"))[0] is Code.PST_PARAGRAPH_KEPT
    assert "我局严格执行发布审核，未发生泄密事件。" in exported_text(drafted)


def test_unknown_paragraphs_are_refused_with_an_example(drafted: Service) -> None:
    assert codes(say(drafted, "恢复 不存在的段落"))[0] is Code.PST_PARAGRAPH_UNKNOWN
    assert codes(say(drafted, "修改 不存在的段落"))[0] is Code.CHAT_EDIT_UNKNOWN


def test_a_contradicting_figure_in_an_edited_paragraph_is_an_error(
    drafted: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Should make 检查 and ``reportbot check`` report an error when an edited paragraph
    states a figure the tables contradict (table 三 counts 1 application, not 3)."""
    say(drafted, "修改 依申请公开")
    say(drafted, "全年共收到政府信息公开申请3件，均已按时答复。")
    report = exported(drafted)
    [finding] = [f for f in check_draft(report) if f.code is Code.CHK_PROSE_FIGURE]
    assert finding.severity is Severity.ERROR
    assert finding.params["found"] == 3
    assert finding.params["expected"] == 1
    out = say(drafted, "检查")
    assert out[0].code is Code.CHAT_CHECK_SUMMARY
    path = tmp_path / "edited.yaml"
    save(report, path)
    assert main(["check", str(path), "--json"]) == 1
    [result] = json.loads(capsys.readouterr().out)
    errors = [f for f in result["findings"] if f["severity"] == "error"]
    assert [f["code"] for f in errors] == [Code.CHK_PROSE_FIGURE.value]


def test_the_same_figure_in_an_edited_paragraph_passes(drafted: Service, tmp_path: Path) -> None:
    say(drafted, "修改 依申请公开")
    say(drafted, "全年共收到政府信息公开申请1件，已按时答复。")
    report = exported(drafted)
    assert check_draft(report) == []
    path = tmp_path / "edited.yaml"
    save(report, path)
    assert main(["check", str(path)]) == 0


def test_a_pasted_section_not_confirmed_is_an_ordinary_answer(store: Store) -> None:
    """Should split a pasted whole section only when the officer confirms."""
    svc = Service(store, today=lambda: TODAY)
    out = play(svc, [*EXAMPLE_SESSION[:4], EXAMPLE_SESSION[4]])
    assert out[0].code is Code.PST_SECTIONS_FOUND
    out = say(svc, "本年度，我局政府信息公开工作稳步推进。")
    assert out[0].code is Code.CHAT_SAVED
    answers = store.get_report(1).extra["answers"]
    assert answers["overview_intro"] == "本年度，我局政府信息公开工作稳步推进。"
    assert "active_items" not in answers


def test_editing_another_paragraph_midway_returns_where_the_officer_was(
    drafted: Service,
) -> None:
    say(drafted, "修改 （三）")
    out = say(drafted, "修改 （四）")
    assert codes(out)[:2] == [Code.PST_PARAGRAPH_CURRENT, Code.PST_PARAGRAPH_ASK]
    say(drafted, NEW_TEXT)
    assert NEW_TEXT in exported_text(drafted)
    session = drafted.store.load_session(USER)
    assert session is not None
    assert session.step is Step.DONE  # where the officer was before the first 修改


def test_a_pasted_section_is_confirmed_only_at_its_question(store: Store) -> None:
    svc = Service(store, today=lambda: TODAY)
    play(svc, [*EXAMPLE_SESSION[:4], EXAMPLE_SESSION[4], "转到 五"])
    say(svc, "确认")  # an answer to part 五's question, not the split
    answers = store.get_report(1).extra.get("answers", {})
    assert "active_items" not in answers


@pytest.mark.parametrize(
    ("target", "composed"),
    [
        ("一、总体情况", "紧扣全州工业经济运行"),
        ("五", "对照群众期待仍有差距"),
        ("(三)", "三审三校"),
        ("（一）主动公开", "依托门户网站"),
        ("其他需要报告的事项", "未收取信息处理费"),
    ],
)
def test_part_and_paragraph_headings_name_a_paragraph(
    drafted: Service, target: str, composed: str
) -> None:
    out = say(drafted, f"修改 {target}")
    assert out[0].code is Code.PST_PARAGRAPH_CURRENT
    assert composed in out[0].text
