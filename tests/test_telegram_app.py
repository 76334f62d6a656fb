"""The Telegram front end through the real ``Application``, offline.

Each test feeds updates to ``app.process_update`` and asserts on the Bot API requests a
``RecordingRequest`` recorded (and on the store). Texts are compared with the catalogue
(``message(Code...)``), never with copied wording.
"""

from __future__ import annotations

import argparse
import html
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.conversation.command_words import commands, spec
from bot.conversation.flows import Choice, flow
from bot.conversation.journey import step_choices
from bot.conversation.types import DraftLine, Input
from bot.format.catalogue import Code, UserError, message
from bot.format.model import model
from bot.frontends.settings import Settings, TokenRedactor, add_run_parser, settings_from_args
from bot.frontends.telegram_bot import App, Deps, build_application, main
from bot.frontends.telegram_format import (
    CALLBACK_LIMIT,
    TEXT_LIMIT,
    Chunk,
    Document,
    callback_data,
    escape,
    keyboard,
    menu_commands,
    messages,
    parse_callback,
    split_text,
    utf16_len,
)
from bot.service.turns import Drafter, Outgoing, Service
from bot.store.reports import Store
from tests.helpers.chat import TODAY, fake_drafter
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.telegram_fakes import (
    GROUP_ID,
    TOKEN,
    USER_ID,
    Call,
    RecordingRequest,
    as_update,
    button_data,
    buttons,
    document_data,
    labels,
    message_data,
    running_app,
    said,
    text_data,
    texts,
    update_data,
)

LONG_PARAGRAPH = "本年度依法公开政府信息，" * 100  # 1,200 characters
OFFICER_NAME = "王"  # the fakes' officer's Telegram first name, as colleagues read it


class Officer:
    """Plays the officer: sends updates through the app, returns the calls they caused."""

    def __init__(self, app: App, request: RecordingRequest, service: Service) -> None:
        self.app, self.request, self.service = app, request, service
        self.turns: list[tuple[str, Input, str, list[Outgoing]]] = []
        handle = service.handle

        def spy(
            user: str, inp: Input, frontend: str, update_key: str | None = None, read: Any = None
        ) -> list[Outgoing]:
            out = handle(user, inp, frontend, update_key, read)
            self.turns.append((user, inp, frontend, out))
            return out

        service.handle = spy  # type: ignore[method-assign]

    def codes(self) -> set[Code | None]:
        """Codes of what the service said in the last turn."""
        return {o.code for o in self.turns[-1][3]}

    async def send(self, data: dict[str, Any]) -> list[Call]:
        before = len(self.request.calls)
        await self.app.process_update(as_update(data, self.app.bot))
        return self.request.calls[before:]

    async def say(self, text: str, **kw: Any) -> list[Call]:
        return await self.send(text_data(text, **kw))

    async def play(self, lines: list[str]) -> list[Call]:
        calls = await self.say("/start")
        for line in lines:
            calls = await self.say(line)
        return calls

    def keyboard_call(self, label: str) -> Call:
        """The latest message offering a button labelled ``label``."""
        for call in reversed(self.request.of("sendMessage")):
            if label in labels(call):
                return call
        raise AssertionError(f"no button {label!r} offered")

    async def press(self, label: str, call: Call | None = None) -> list[Call]:
        call = call or self.keyboard_call(label)
        data = next(b["callback_data"] for b in buttons(call) if b["text"] == label)
        return await self.send(button_data(data, call.result))

    def session_step(self) -> str:
        session = self.service.store.load_session(f"tg:{USER_ID}")
        assert session is not None
        return session.key


@pytest.fixture
async def officer(store: Store) -> AsyncIterator[Officer]:
    service = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    async with running_app(store, service) as (app, request):
        yield Officer(app, request, service)


# --- start-up -------------------------------------------------------------------------


async def test_command_menu_has_the_chinese_descriptions(officer: Officer) -> None:
    [call] = officer.request.of("setMyCommands")
    menu = [(c["command"], c["description"]) for c in call.params["commands"]]
    names = [name for name, _ in menu]
    assert names == [
        "start",
        "help",
        "report",
        "status",
        "preview",
        "check",
        "export",
        "submit",
        "cancel",
    ]
    described = {c.name: c.description for c in commands()}
    for name, description in menu:
        assert description == described[name]


async def test_post_shutdown_closes_the_store(store: Store) -> None:
    service = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    app = build_application(Settings(TOKEN), Deps(store, service), request=RecordingRequest())
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
    assert "deps" not in app.bot_data
    with pytest.raises(Exception, match="closed"):
        store.list_reports()


# --- setup with buttons ---------------------------------------------------------------


@pytest.mark.parametrize("word", ["/start", "开始"])
async def test_start_asks_for_the_agency_in_html(officer: Officer, word: str) -> None:
    [call] = await officer.say(word)
    [(user, inp, frontend, _)] = officer.turns
    expected = Input(text=word, name=OFFICER_NAME)
    assert (user, inp, frontend) == (f"tg:{USER_ID}", expected, "telegram")
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == USER_ID
    assert call.params["parse_mode"] == "HTML"
    assert html.unescape(call.params["text"]) == message(Code.CHAT_ASK_AGENCY)


async def test_level_and_year_buttons_create_the_report(officer: Officer) -> None:
    await officer.say("/start")
    calls = await officer.say("某某县农业农村局")
    [level_call] = [c for c in calls if buttons(c)]
    asked = html.unescape(level_call.params["text"]).splitlines()
    assert asked[0] == message(Code.CHAT_ASK_LEVEL)
    county = "县级（县、不设区的市、市辖区及其部门）"
    assert asked[1] == message(Code.CHAT_LEVEL_FROM_NAME, level=county)
    markup = level_call.params["reply_markup"]["inline_keyboard"]
    assert all(len(row) == 1 for row in markup)  # long labels: one button per row
    assert [b["callback_data"] for b in buttons(level_call)][3] == "c|setup_level|county"
    calls = await officer.press("县级（县、不设区的市、市辖区及其部门）")
    pressed = Input(choice="county", choice_step="setup_level", name=OFFICER_NAME)
    assert officer.turns[-1][1] == pressed
    assert [c.method for c in calls[:2]] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[1].params == {
        "chat_id": USER_ID,
        "message_id": level_call.result["message_id"],
    }  # no reply_markup: the keyboard is removed
    assert said(calls, Code.REV_ASK_REGION)
    calls = await officer.say("贵州省某某县")
    assert said(calls, Code.CHAT_ASK_YEAR, default=2024)  # in December: this year's
    assert labels(calls[-1]) == ["2024", "2023"]
    calls = await officer.press("2023")
    assert said(calls, Code.CHAT_REPORT_CREATED, agency="某某县农业农村局", year=2023)
    assert said(calls, Code.CHAT_RULES_ZERO, level="县级（县、不设区的市、市辖区及其部门）")
    assert officer.service.store.list_reports()[0].agency_level == "county"
    calls = await officer.say("修改 层级")  # a level to correct: its buttons again
    assert labels(calls[-1])[2] == "设区的市、自治州（及其部门）"
    calls = await officer.press("设区的市、自治州（及其部门）")
    assert said(calls, Code.CHAT_LEVEL_CHANGED, level="设区的市、自治州（及其部门）")
    assert officer.service.store.list_reports()[0].agency_level == "prefecture"


async def test_every_button_press_is_answered(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:1])
    for label in ("县级（县、不设区的市、市辖区及其部门）", "2023"):
        calls = await officer.press(label)
        [answer] = [c for c in calls if c.method == "answerCallbackQuery"]
        assert answer.params.get("text") is None
        if label != "2023":
            await officer.say("贵州省某某县")


# --- commands -------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["/help", "帮助"])
async def test_help(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    assert said(await officer.say(word), Code.CHAT_HELP)


@pytest.mark.parametrize("word", ["/status", "进度"])
async def test_status(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    header = message(Code.CHAT_PROGRESS_HEADER, agency=SEED_SESSION[0], year=2023)
    assert any(t.startswith(header) for t in texts(await officer.say(word)))


@pytest.mark.parametrize("word", ["/preview", "预览"])
async def test_preview(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    calls = await officer.say(word)
    assert said(calls, Code.CHAT_PREVIEW_HEADER, count=1)
    assert f"{SEED_SESSION[0]}草稿" in texts(calls)


@pytest.mark.parametrize("word", ["/check", "检查"])
async def test_check(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    calls = await officer.say(word)
    assert officer.codes() == {Code.CHAT_CHECK_SUMMARY, Code.CHAT_QUESTION}
    # the summary and the question asked again share one message, in the service's order
    [sent] = texts(calls)
    assert sent == "\n\n".join(o.text for o in officer.turns[-1][3])


@pytest.mark.parametrize("word", ["/export", "导出"])
async def test_export_buttons_send_a_document(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    calls = await officer.say(word)
    [ask] = [c for c in calls if buttons(c)]
    assert html.unescape(ask.params["text"]) == message(Code.CHAT_EXPORT_ASK)
    rows = ask.params["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in rows] == [
        ["docx", "pdf", "html"],
        ["md", "txt", "xlsx"],
        ["yaml", message(Code.CHAT_EXPORT_ALL)],
    ]
    calls = await officer.press("docx")
    [doc] = [c for c in calls if c.method == "sendDocument"]
    name = f"{SEED_SESSION[0]}2023年政府信息公开工作年度报告.docx"
    assert doc.files["document"] == (name, f"{SEED_SESSION[0]}.docx".encode())
    assert html.unescape(doc.params["caption"]) == message(Code.CHAT_EXPORT_READY, name=name)
    assert doc.params["parse_mode"] == "HTML"


@pytest.mark.parametrize("word", ["/cancel", "取消"])
async def test_cancel_shows_the_menu_whose_buttons_work(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    calls = await officer.say(word)
    assert said(calls, Code.CHAT_CANCELLED)
    [menu] = [c for c in calls if buttons(c)]
    assert labels(menu)[0] == message(Code.CHAT_CONTINUE)
    assert officer.session_step() == "menu"
    calls = await officer.press(labels(menu)[3])  # a part: 三、收到和处理政府信息公开申请情况
    assert said(calls, Code.CHAT_WENT_TO, title=labels(menu)[3])
    assert officer.session_step().startswith("t3_")


@pytest.mark.parametrize("word", ["/report", "切换报告"])
async def test_report_lists_the_reports(officer: Officer, word: str) -> None:
    await officer.play(SEED_SESSION[:4])
    calls = await officer.say(word)
    assert said(calls, Code.CHAT_CHOOSE_REPORT)
    await officer.press(f"{SEED_SESSION[0]}2023年")
    chosen = Input(choice="report:1", choice_step="choose_report", name=OFFICER_NAME)
    assert officer.turns[-1][1] == chosen
    assert officer.codes() == {Code.CHAT_QUESTION}
    assert officer.session_step() == "overview_intro"


async def test_unknown_command_is_answered_by_the_engine(officer: Officer) -> None:
    calls = await officer.say("/frobnicate")
    assert said(calls, Code.CHAT_UNKNOWN_COMMAND, command="/frobnicate")


# --- kinds of buttons -----------------------------------------------------------------


async def test_multiple_choice_is_numbered_and_answered_by_typing(officer: Officer) -> None:
    calls = await officer.play(SEED_SESSION[:5])
    [question] = [c for c in calls if "1. 门户网站" in html.unescape(c.params.get("text", ""))]
    assert "reply_markup" not in question.params
    assert "2. 政务微信公众号" in html.unescape(question.params["text"])
    await officer.say("1 2")
    assert officer.session_step() == "active_count"


async def test_confirm_button(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:19])
    assert officer.session_step() == "t3_carry_forward"
    calls = await officer.press("确认")
    assert said(calls, Code.CHAT_SAVED)
    assert officer.session_step() == "t4_any"


async def test_yes_no_button(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:20])
    call = officer.keyboard_call("否")
    assert labels(call) == ["是", "否"]
    assert call.params["reply_markup"]["inline_keyboard"] == [
        [
            {"text": "是", "callback_data": "c|t4_any|yes"},
            {"text": "否", "callback_data": "c|t4_any|no"},
        ]
    ]
    calls = await officer.press("否")
    assert said(calls, Code.CHAT_TABLE4_ZERO)


async def test_done_buttons_after_the_last_answer(officer: Officer) -> None:
    calls = await officer.play(SEED_SESSION)
    [done] = [c for c in calls if buttons(c)]
    assert labels(done) == ["预览", "检查", "导出"]
    calls = await officer.press("导出")
    assert said(calls, Code.CHAT_EXPORT_ASK)


async def test_stale_button_answers_expired_and_asks_again(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:1])
    level = officer.keyboard_call("省级（省、自治区、直辖市及其部门）")
    await officer.press("县级（县、不设区的市、市辖区及其部门）", level)
    calls = await officer.press("省级（省、自治区、直辖市及其部门）", level)  # pressed again
    assert [c.method for c in calls[:2]] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert said(calls, Code.CHAT_EXPIRED)
    assert said(calls, Code.REV_ASK_REGION)
    assert officer.session_step() == "setup_region"


@pytest.mark.parametrize(
    "data", ["garbage", "c|only-step", "c||choice", "x|setup_level|county", "c|" + "x" * 70]
)
async def test_forged_callback_data_is_refused(officer: Officer, data: str) -> None:
    await officer.play(SEED_SESSION[:1])
    level = officer.keyboard_call("国务院部门")
    calls = await officer.send(button_data(data, level.result))
    assert [c.method for c in calls] == ["answerCallbackQuery", "editMessageReplyMarkup"]
    assert calls[0].params["text"] == message(Code.TG_BAD_BUTTON)
    assert officer.session_step() == "setup_level"


async def test_keyboard_already_gone_is_not_an_error(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:1])
    officer.request.failures["editMessageReplyMarkup"] = (
        400,
        "Bad Request: message is not modified",
    )
    calls = await officer.press("国务院部门")
    assert said(calls, Code.REV_ASK_REGION)
    assert not said(calls, Code.TG_ERROR)


def test_every_choice_of_the_flow_fits_callback_data() -> None:
    m = model()
    for step in flow().steps:
        choices = step_choices(step, m)
        if not choices:
            continue
        rows = keyboard(choices, step.name)
        assert rows is not None, step.name
        for button in (b for row in rows for b in row):
            assert len(button.data.encode()) <= CALLBACK_LIMIT
            assert parse_callback(button.data) is not None
            assert button.label


def test_callback_data_round_trip_and_limit() -> None:
    assert parse_callback(callback_data("t3_carry_forward", "确认")) == (
        "t3_carry_forward",
        "确认",
    )
    assert parse_callback("c|step|a|b") == ("step", "a|b")
    assert callback_data("s" * 40, "c" * 30) is None
    assert parse_callback(None) is None


# --- other messages -------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["txt", "html", "docx"])
async def test_last_years_report_sent_as_a_file(officer: Officer, fmt: str) -> None:
    """Should read last year's report from a file and offer its figures as the baseline."""
    from bot.drafting.render import render
    from tests.helpers.factories import consistent_report

    await officer.play(SEED_SESSION[:4])
    last = consistent_report(agency=SEED_SESSION[0], year=2022)
    officer.request.uploads["F1"] = render(last, fmt)
    calls = await officer.send(document_data(f"2022年报告.{fmt}"))
    assert said(calls, Code.IMP_CHAT_PREVIOUS, agency=SEED_SESSION[0], year=2022)
    stored = officer.service.store.find_report(SEED_SESSION[0], 2022)
    assert stored is not None
    assert officer.service.store.get_report(stored).applications == last.applications


async def test_a_list_of_agencies_sent_with_the_caption_of_a_command(officer: Officer) -> None:
    """Should take a file captioned 下级 添加 for the list of agencies it names."""
    await officer.play(SEED_SESSION[:4])
    officer.request.uploads["F1"] = "某区水务局\n某区林业局\n".encode()
    await officer.send(document_data("下级机关.txt", "text/plain", caption="下级 添加"))
    assert officer.codes() == {Code.SUP_ADDED, Code.CHAT_QUESTION}
    assert officer.service.store.db.execute(
        "select count(*) from agencies where parent_id is not null"
    ).fetchone() == (2,)


@pytest.mark.slow
async def test_last_years_report_sent_as_a_pdf(officer: Officer, tmp_path: Path) -> None:
    """Should read last year's report from the PDF LibreOffice makes of a Word draft."""
    from bot.drafting.render import render
    from tests.helpers.factories import consistent_report
    from tests.helpers.pdf_files import office_pdf

    await officer.play(SEED_SESSION[:4])
    last = consistent_report(agency=SEED_SESSION[0], year=2022)
    officer.request.uploads["F1"] = office_pdf(render(last, "docx"), tmp_path)
    calls = await officer.send(document_data("2022年报告.pdf", "application/pdf"))
    assert said(calls, Code.IMP_CHAT_PREVIOUS, agency=SEED_SESSION[0], year=2022)
    stored = officer.service.store.find_report(SEED_SESSION[0], 2022)
    assert stored is not None
    assert officer.service.store.get_report(stored).review_litigation == last.review_litigation


async def test_unreadable_file_is_refused_politely(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:4])
    officer.request.uploads["F1"] = bytes(range(256)) * 4
    calls = await officer.send(document_data("报告.docx"))
    assert any(t.startswith("无法读取文件 报告.docx") for t in texts(calls))
    assert not said(calls, Code.TG_ERROR)


async def test_photo_and_edited_messages(officer: Officer) -> None:
    photo = [{"file_id": "P", "file_unique_id": "PU", "width": 1, "height": 1}]
    [call] = await officer.send(update_data("message", **message_data(photo=photo)))
    assert html.unescape(call.params["text"]) == message(Code.TG_TEXT_ONLY)
    edited = update_data("edited_message", **message_data("0 0 5", edit_date=1))
    [call] = await officer.send(edited)
    assert html.unescape(call.params["text"]) == message(
        Code.TG_EDITED_IGNORED, example=spec("edit").example
    )


@pytest.mark.parametrize("chat_type", ["group", "supergroup"])
async def test_group_chat_is_told_once_and_ignored(officer: Officer, chat_type: str) -> None:
    [call] = await officer.say("/start", chat_id=GROUP_ID, chat_type=chat_type)
    assert call.params["chat_id"] == GROUP_ID
    assert html.unescape(call.params["text"]) == message(Code.TG_PRIVATE_ONLY)
    assert await officer.say("帮助", chat_id=GROUP_ID, chat_type=chat_type) == []
    assert officer.service.store.load_session(f"tg:{USER_ID}") is None


async def test_channel_post_is_told_once(officer: Officer) -> None:
    post = {
        "message_id": 1,
        "date": 0,
        "chat": {"id": -100999, "type": "channel", "title": "频道"},
        "text": "hi",
    }
    calls = await officer.send(update_data("channel_post", **post))
    assert texts(calls) == [message(Code.TG_PRIVATE_ONLY)]
    assert await officer.send(update_data("channel_post", **post)) == []


async def test_duplicated_update_is_handled_once(officer: Officer) -> None:
    await officer.play(SEED_SESSION[:4])
    update = text_data("150")
    first = await officer.send(update)
    assert first
    assert await officer.send(update) == []
    assert await officer.send(dict(update)) == []


# --- safety ---------------------------------------------------------------------------


async def test_officer_text_is_escaped(officer: Officer) -> None:
    await officer.say("/start")
    agency = "A<b>局&</b>"
    await officer.say(agency)
    await officer.say("4")
    await officer.say("贵州省某某县")
    calls = await officer.say("2023")
    created = [c.params["text"] for c in calls if "已创建" in c.params.get("text", "")]
    [first, *_] = created[0].split("\n\n")  # the question that follows shares the message
    assert first == escape(message(Code.CHAT_REPORT_CREATED, agency=agency, year=2023))
    assert "A&lt;b&gt;局&amp;&lt;/b&gt;" in created[0]


async def test_long_text_is_split_at_paragraphs(officer: Officer, store: Store) -> None:
    paragraphs = [f"第{i}段。" + LONG_PARAGRAPH for i in range(9)]  # ~10,800 characters
    draft = tuple(DraftLine(p) for p in paragraphs)
    officer.service.drafter = Drafter(lambda report: draft, fake_drafter().render)
    await officer.play(SEED_SESSION[:4])
    calls = await officer.say("预览")
    chunks = texts(calls)[1:-1]  # between the header and the question asked again
    assert len(chunks) == 3
    assert said(calls, Code.CHAT_PREVIEW_HEADER, count=3)
    assert all(utf16_len(c) <= TEXT_LIMIT for c in chunks)
    assert "\n".join(chunks) == "\n".join(paragraphs)


def test_split_text_lines_then_hard() -> None:
    line = "一" * 5000
    assert split_text(line, 4096) == ["一" * 4096, "一" * 904]
    emoji = "😀" * 3000  # 2 UTF-16 units each
    assert [utf16_len(p) for p in split_text(emoji, 4096)] == [4096, 1904]
    lines = "\n".join(["行" * 3000, "行" * 3000])
    assert split_text(lines, 4096) == ["行" * 3000, "行" * 3000]
    assert split_text("  \n ") == []


def test_replies_share_a_message_where_they_fit() -> None:
    """An acknowledgement and the question after it come as one message with the
    question's buttons; a message with buttons, the draft's own text and a message that
    would pass 4096 characters (an emoji counting 2) are never joined."""
    yes_no = (Choice("yes", "是"), Choice("no", "否"))
    ack = Outgoing("已记录<1>。", Code.CHAT_EXPLAINED)
    ask = Outgoing("有没有？", Code.CHAT_QUESTION, yes_no, "t4_any")
    [one] = messages([ack, ask])
    assert isinstance(one, Chunk)
    assert one.html == "已记录&lt;1&gt;。\n\n有没有？"
    assert [b.label for row in one.keyboard for b in row] == ["是", "否"]
    assert len(messages([ask, ack])) == 2  # the buttons stay under their question
    draft = Outgoing("某局2023年政府信息公开工作年度报告")  # no code: a piece of the draft
    assert len(messages([ack, draft, ask])) == 3
    near = Outgoing("😀" * 2046, Code.CHAT_EXPLAINED)  # 4092 units: "\n\n" and 2 more fit
    assert [m.size for m in messages([near, Outgoing("好的", Code.CHAT_EXPLAINED)])] == [4096]
    assert len(messages([near, Outgoing("好的呀", Code.CHAT_EXPLAINED)])) == 2
    document = Outgoing("导出完成", Code.CHAT_EXPORT_READY, document=("r.docx", b"PK"))
    assert [type(m) for m in messages([ack, document, ask])] == [Chunk, Document, Chunk]


async def test_error_in_a_handler_is_logged_without_the_token_and_answered(
    officer: Officer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(
        user: str, inp: Input, frontend: str, update_key: str | None = None, read: Any = None
    ) -> list[Any]:
        raise RuntimeError(f"database gone while calling https://api.telegram.org/bot{TOKEN}/x")

    redactor = TokenRedactor(TOKEN).install()
    try:
        monkeypatch.setattr(officer.service, "handle", boom)
        update = text_data("帮助")
        with caplog.at_level(logging.ERROR):
            calls = await officer.send(update)
    finally:
        redactor.remove()
    assert texts(calls) == [message(Code.TG_ERROR)]
    [record] = [r for r in caplog.records if r.name == "bot.frontends.telegram_bot"]
    assert f"update {update['update_id']} from user {USER_ID} failed" in record.getMessage()
    assert "RuntimeError" in caplog.text
    assert TOKEN not in caplog.text
    assert "<redacted>" in caplog.text


def test_redactor_hides_the_token_in_messages_arguments_and_tracebacks(
    caplog: pytest.LogCaptureFixture,
) -> None:
    redactor = TokenRedactor(TOKEN, "webhook-secret-123").install()
    httpx_log = logging.getLogger("httpx")
    try:
        with caplog.at_level(logging.INFO):
            httpx_log.info(
                'HTTP Request: POST %s "HTTP/1.1 200 OK"', f"https://x/bot{TOKEN}/getMe"
            )
            try:
                raise ValueError(f"The token `{TOKEN}` was rejected by the server.")
            except ValueError:
                logging.getLogger("telegram.ext").exception("failed: %s", "webhook-secret-123")
    finally:
        redactor.remove()
    assert TOKEN not in caplog.text
    assert "webhook-secret-123" not in caplog.text
    assert "rejected by the server" in caplog.text
    assert all(TOKEN not in r.getMessage() for r in caplog.records)


# --- settings and the command line -------------------------------------------------------


def run_args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    add_run_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(["run", *argv])


def test_settings_from_environment() -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "http://127.0.0.1:8081/bot"}
    settings = settings_from_args(run_args("--db", "x.db"), env)
    assert (settings.token, settings.db, settings.base_url) == (
        TOKEN,
        Path("x.db"),
        env["TELEGRAM_API_BASE_URL"],
    )
    assert settings.base_file_url == "https://api.telegram.org/file/bot"
    assert settings.webhook is None
    assert TOKEN not in repr(settings)


def test_webhook_settings_generate_a_secret(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    args = run_args(
        "--token-file",
        str(token_file),
        "--webhook",
        "https://example.org/reportbot",
        "--port",
        "88",
    )
    settings = settings_from_args(args, {})
    assert settings.token == TOKEN
    assert settings.webhook is not None
    assert (settings.webhook.path, settings.webhook.port, settings.webhook.listen) == (
        "reportbot",
        88,
        "0.0.0.0",
    )
    assert len(settings.webhook.secret_token) >= 32
    given = settings_from_args(args, {"TELEGRAM_WEBHOOK_SECRET": "s3cret"})
    assert given.webhook is not None
    assert given.webhook.secret_token == "s3cret"
    assert "s3cret" not in repr(given)


@pytest.mark.parametrize(
    ("argv", "env", "code"),
    [
        ((), {}, Code.TG_NO_TOKEN),
        ((), {"TELEGRAM_BOT_TOKEN": "  "}, Code.TG_NO_TOKEN),
        (("--token-file", "/nonexistent/token"), {}, Code.TG_TOKEN_FILE),
        (("--webhook", "example.org/hook"), {"TELEGRAM_BOT_TOKEN": TOKEN}, Code.TG_BAD_URL),
        (("--base-url", "localhost:8081"), {"TELEGRAM_BOT_TOKEN": TOKEN}, Code.TG_BAD_URL),
    ],
)
def test_bad_settings_are_coded(argv: tuple[str, ...], env: dict[str, str], code: Code) -> None:
    with pytest.raises(UserError) as raised:
        settings_from_args(run_args(*argv), env)
    assert raised.value.code is code


def test_missing_token_is_one_line_and_a_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run", "--db", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert err == message(Code.TG_NO_TOKEN) + "\n"


def test_webhook_without_tornado_is_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setattr("bot.frontends.telegram_bot.find_spec", lambda name: None)
    assert main(["run", "--db", ":memory:", "--webhook", "https://example.org/hook"]) == 2
    assert capsys.readouterr().err == message(Code.TG_WEBHOOK_UNAVAILABLE) + "\n"


def test_menu_commands_are_valid_bot_commands() -> None:
    for name, description in menu_commands():
        assert name.islower()
        assert 1 <= len(name) <= 32
        assert 1 <= len(description) <= 256


async def test_press_too_old_to_answer_is_still_taken(officer: Officer) -> None:
    """Should take a press whose answerCallbackQuery fails (e.g. "query is too old")."""
    await officer.play(SEED_SESSION[:1])
    officer.request.failures["answerCallbackQuery"] = (400, "Bad Request: query is too old")
    calls = await officer.press("县级（县、不设区的市、市辖区及其部门）")
    assert said(calls, Code.REV_ASK_REGION)
    assert not said(calls, Code.TG_ERROR)


async def test_a_turn_that_failed_is_handled_when_delivered_again(officer: Officer) -> None:
    """Should record an update only with its turn: one that failed half-way stores nothing
    and is handled in full when Telegram delivers it again."""
    await officer.play(SEED_SESSION[:4])
    store = officer.service.store
    before = len(store.history(1))
    real = officer.service.workflow.take_inbox

    def crash(user: str) -> list[dict[str, object]]:  # fails after the answer was applied
        raise RuntimeError("process died")

    officer.service.workflow.take_inbox = crash  # type: ignore[method-assign]
    update = text_data("本年度政务公开工作稳步推进。")
    calls = await officer.send(update)
    assert said(calls, Code.TG_ERROR)
    assert len(store.history(1)) == before  # the whole turn was rolled back
    assert not store.update_seen(str(update["update_id"]))
    officer.service.workflow.take_inbox = real  # type: ignore[method-assign]
    calls = await officer.send(update)  # Telegram delivers it again
    assert said(calls, Code.CHAT_SAVED)
    assert len(store.history(1)) == before + 1
    assert store.update_seen(str(update["update_id"]))
    assert await officer.send(update) == []  # and once handled, never again


# --- forged, replayed and orphaned presses (issue 13) ---------------------------------

OTHER_USER = USER_ID + 1


async def test_forged_review_press_with_a_huge_version_is_refused_politely(
    officer: Officer,
) -> None:
    await officer.play(SEED_SESSION[:1])
    level = officer.keyboard_call("国务院部门")
    data = "c|review:99999999999999999999|approve"
    calls = await officer.send(button_data(data, level.result))
    assert calls[0].method == "answerCallbackQuery"
    assert calls[0].params["text"] == message(Code.TG_BAD_BUTTON)
    assert not said(calls, Code.TG_ERROR)
    assert officer.session_step() == "setup_level"


@pytest.mark.parametrize(
    "data",
    [
        "c|review:99999999999999999999|approve",  # no version id is that long
        "c|review:²|approve",
        "c|setup_year|20231111111111111111111",
        "c|../setup_level|county",
        "c|setup level|county",
        "c|setup_level|county\x1b[2J",
        "c|setup_level|\u202ecounty",
        "c|setup_level| ",
    ],
)
def test_parse_callback_refuses_what_no_button_of_ours_carries(data: str) -> None:
    assert parse_callback(data) is None


def test_parse_callback_takes_review_presses() -> None:
    assert parse_callback("c|review:123456789012345678|return") == (
        "review:123456789012345678",
        "return",
    )


@pytest.mark.parametrize("message_kind", ["absent", "inaccessible"])
async def test_press_without_its_message_is_answered_in_the_pressers_chat(
    officer: Officer, message_kind: str
) -> None:
    """Telegram leaves the message out of a press on a message too old to send, or sends
    it as inaccessible (date 0): the press is still taken, answered in the presser's chat."""
    await officer.play(SEED_SESSION[:1])
    level = officer.keyboard_call("国务院部门")
    data = next(b["callback_data"] for b in buttons(level) if b["text"] == "国务院部门")
    update = button_data(data, level.result)
    if message_kind == "absent":
        del update["callback_query"]["message"]
    else:
        update["callback_query"]["message"] = {
            "chat": level.result["chat"],
            "message_id": level.result["message_id"],
            "date": 0,
        }
    calls = await officer.send(update)
    assert calls[0].method == "answerCallbackQuery"
    assert "editMessageReplyMarkup" not in [c.method for c in calls]
    assert said(calls, Code.REV_ASK_REGION)
    assert not said(calls, Code.TG_ERROR)
    assert {c.params["chat_id"] for c in calls if c.method == "sendMessage"} == {USER_ID}


async def test_press_on_a_message_without_keyboard_edits_nothing(officer: Officer) -> None:
    """A replayed press names a message whose keyboard is gone: Telegram would refuse to
    remove it again ("message is not modified"), so the bot does not ask."""
    await officer.play(SEED_SESSION[:1])
    level = officer.keyboard_call("国务院部门")
    data = next(b["callback_data"] for b in buttons(level) if b["text"] == "国务院部门")
    bare = {k: v for k, v in level.result.items() if k != "reply_markup"}
    calls = await officer.send(button_data(data, bare))
    assert calls[0].method == "answerCallbackQuery"
    assert "editMessageReplyMarkup" not in [c.method for c in calls]
    assert said(calls, Code.REV_ASK_REGION)


async def test_forged_press_on_another_users_message_stays_in_the_pressers_chat(
    officer: Officer,
) -> None:
    await officer.play(SEED_SESSION[:1])
    level = officer.keyboard_call("国务院部门")
    data = next(b["callback_data"] for b in buttons(level) if b["text"] == "国务院部门")
    calls = await officer.send(button_data(data, level.result, user_id=OTHER_USER))
    assert calls[0].method == "answerCallbackQuery"
    assert "editMessageReplyMarkup" not in [c.method for c in calls]  # their keyboard stays
    chats = {c.params["chat_id"] for c in calls if c.method in ("sendMessage", "sendDocument")}
    assert chats == {OTHER_USER}
    assert officer.session_step() == "setup_level"  # the officer's own session is untouched


async def test_typed_control_and_bidi_characters_never_reach_the_engine(
    officer: Officer,
) -> None:
    await officer.say("/start")
    await officer.say("某某县\x1b[2J农业\u202e农村局\x07")
    [*_, (_, inp, _, _)] = officer.turns
    assert inp == Input(text="某某县[2J农业农村局", name=OFFICER_NAME)


async def test_document_names_are_safe_file_names(officer: Officer) -> None:
    await officer.play(["../../某局/x", "4", "贵州省某某县", "2023"])
    await officer.say("导出")
    calls = await officer.press("docx")
    [doc] = [c for c in calls if c.method == "sendDocument"]
    name = doc.files["document"][0]
    assert name == "_.._某局_x2023年政府信息公开工作年度报告.docx"
