"""``reportbot run`` as a real process against a fake Bot API server on 127.0.0.1.

An officer drafts the seed report over Telegram (pressing the buttons the bot offers,
typing otherwise), the bot is killed and restarted in the middle, and the .docx export
arrives over HTTP and holds the seed's figures. Start-up failures are one line.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest as TelegramBadRequest
from telegram.error import InvalidToken

from bot.format.catalogue import Code, message
from bot.format.datafile import Report
from bot.format.model import model
from bot.frontends.cli import build_parser
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.fake_bot_api import BadRequest, FakeBotApi, Sent, visible_text
from tests.helpers.telegram_fakes import USER_ID

TOKEN = "123:FAKE"
T4_ANY = SEED_SESSION.index("确认") + 1  # the question of table 四, asked with 是/否 buttons


def run_command() -> list[str]:
    """``reportbot run`` once bot/cli.py registers it, else the module's own entry point."""
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    module = "bot.frontends.cli" if "run" in sub.choices else "bot.frontends.telegram_bot"
    return [sys.executable, "-m", module, "run"]


def environment(api: FakeBotApi, token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env |= {"TELEGRAM_API_BASE_URL": api.base_url, "TELEGRAM_API_FILE_URL": api.file_url}
    if token is not None:
        env["TELEGRAM_BOT_TOKEN"] = token
    return env


class BotProcess:
    """The bot as a subprocess; its output goes to a log file."""

    def __init__(self, api: FakeBotApi, tmp: Path, token: str | None = TOKEN) -> None:
        self.api, self.db, self.log, self.token = api, tmp / "r.db", tmp / "bot.log", token
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start and wait until the command menu is set (start-up done)."""
        menus = len(self.api.state.commands)
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*run_command(), "--db", str(self.db)],
                env=environment(self.api, self.token),
                stdout=log,
                stderr=log,
            )
        self.api.wait(lambda state: len(state.commands) > menus or self.exited())

    def exited(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def kill(self) -> None:
        """Kill -9: nothing is closed; every answer is already committed."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(10)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(20)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


class Officer:
    """Plays the officer in the private chat."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.last: list[Sent] = []
        self.last_update: dict[str, Any] = {}

    def say(self, text: str) -> list[Sent]:
        with self.api.turn() as out:
            self.last_update = self.api.say(text)
        self.last = out
        return out

    def press(self, sent: Sent, label: str) -> list[Sent]:
        with self.api.turn() as out:
            self.last_update = self.api.press(sent, label)
        self.last = out
        return out

    def answer(self, line: str) -> list[Sent]:
        """Press the button ``line`` names (by number or label) if the question has one."""
        question = self.last[-1]
        labels = question.labels()
        if line.isdigit() and 1 <= int(line) <= len(labels):
            return self.press(question, labels[int(line) - 1])
        if line in labels:
            return self.press(question, line)
        return self.say(line)


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def bots(api: FakeBotApi, tmp_path: Path) -> Iterator[list[BotProcess]]:
    """Bot processes of a test; any still running at the end is killed."""
    started: list[BotProcess] = []
    yield started
    for bot in started:
        if bot.proc is not None and bot.proc.poll() is None:
            bot.kill()


def numeric_rows(table: Any, width: int) -> list[list[int]]:
    rows = []
    for row in table.rows:
        cells = [c.text.strip() for c in row.cells][-width:]
        if len(cells) == width and all(c.isdigit() for c in cells):
            rows.append([int(c) for c in cells])
    return rows


@pytest.mark.slow
def test_officer_drafts_the_report_over_telegram(
    api: FakeBotApi, bots: list[BotProcess], tmp_path: Path, seed: Report
) -> None:
    bot = BotProcess(api, tmp_path)
    bots.append(bot)
    bot.start()
    officer = Officer(api)
    assert [s.text for s in officer.say("/start")] == [message(Code.CHAT_ASK_AGENCY)]
    for line in SEED_SESSION[:T4_ANY]:
        officer.answer(line)
    question = officer.last[-1]
    assert question.labels() == ["是", "否"]
    # the year was typed, not pressed, so its button is still there to press after the restart
    [year] = [s for s in api.state.sent if s.labels() and s.labels()[0].isdigit()]
    assert year.text == message(Code.CHAT_ASK_YEAR, default=year.labels()[0])

    bot.kill()
    bot.start()
    with api.turn(reply=False) as out:  # Telegram delivers the last update again
        api.redeliver(officer.last_update)
    assert out == []
    resumed = officer.say("/start")[-1]
    assert resumed.ends(question.last_reply())  # resumes at the same question
    assert resumed.labels() == question.labels()
    out = officer.press(year, year.labels()[0])  # a stale button from before the restart
    assert out[0].begins(message(Code.CHAT_EXPIRED))
    assert out[-1].ends(question.last_reply())
    out = officer.press(question, "否")  # still the current question: the press works
    assert out[0].begins(message(Code.CHAT_TABLE4_ZERO))
    for line in SEED_SESSION[T4_ANY + 1 :]:
        officer.answer(line)
    assert officer.last[-1].ends(message(Code.CHAT_ALL_DONE))

    officer.say("/export")
    [document] = [s.document for s in officer.answer("docx") if s.document]
    assert document[0] == f"{seed.agency}{seed.year}年政府信息公开工作年度报告.docx"
    tables = docx.Document(io.BytesIO(document[1])).tables
    m = model()
    assert numeric_rows(tables[1], 7) == [seed.applications[r.key] for r in m.applications.rows]
    assert numeric_rows(tables[2], 15) == [
        [n for r in m.review_litigation.rows for n in seed.review_litigation[r.key]]
    ]
    [docs] = [
        [c.text for c in row.cells]
        for row in tables[0].rows
        if row.cells[0].text == "行政规范性文件"
    ]
    assert docs[1:] == [
        str(seed.active[f"normative_docs.{k}"]) for k in ("issued", "abolished", "in_force")
    ]

    assert api.state.refused == []  # Telegram accepted every request
    assert all(api.state.queries.values())  # every button press was answered
    assert bot.stop() == 0
    assert "Traceback" not in bot.output()
    assert TOKEN not in bot.output()
    assert "FAKE" not in bot.output()


@pytest.mark.slow
def test_rejected_token_is_one_line(
    api: FakeBotApi, bots: list[BotProcess], tmp_path: Path
) -> None:
    bot = BotProcess(api, tmp_path, token="999:WRONG-TOKEN")
    bots.append(bot)
    bot.start()
    assert bot.proc is not None
    assert bot.proc.wait(20) != 0
    assert bot.output() == message(Code.TG_TOKEN_REJECTED, url=api.base_url) + "\n"


@pytest.mark.slow
def test_missing_token_is_one_line(
    api: FakeBotApi, bots: list[BotProcess], tmp_path: Path
) -> None:
    bot = BotProcess(api, tmp_path, token=None)
    bots.append(bot)
    bot.start()
    assert bot.proc is not None
    assert bot.proc.wait(20) != 0
    assert bot.output() == message(Code.TG_NO_TOKEN) + "\n"


# --- the fake server refuses what Telegram refuses ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a < b",
        "a > b",
        "AT&T",
        "<b>bold",
        "<b><i>x</b></i>",
        "<script>x</script>",
        '<span class="x">x</span>',
        "<a>x</a>",
        "</b>",
    ],
)
def test_fake_api_refuses_what_telegram_cannot_parse(text: str) -> None:
    with pytest.raises(BadRequest, match="can't parse entities"):
        visible_text(text)


def test_fake_api_parses_telegram_html() -> None:
    text = '<b>粗</b><i>斜</i><a href="https://x.cn?a=1&amp;b=2">链</a><tg-spoiler>隐</tg-spoiler>'
    assert visible_text(text + " &lt;&gt;&amp;&quot;&#39;&#x4e00;") == "粗斜链隐 <>&\"'一"
    assert visible_text('<pre><code class="language-python">x</code></pre>') == "x"


@pytest.mark.slow
async def test_fake_api_enforces_limits_over_http(api: FakeBotApi) -> None:
    bot = Bot(TOKEN, base_url=api.base_url)
    async with bot:
        sent = await bot.send_message(USER_ID, "&lt;" * 4096, parse_mode="HTML")
        assert sent.text == "<" * 4096  # 4096 characters after entity parsing
        with pytest.raises(TelegramBadRequest, match=r"(?i)too long"):
            await bot.send_message(USER_ID, "字" * 4097)
        with pytest.raises(TelegramBadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(USER_ID, "1 < 2", parse_mode="HTML")
        long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="d" * 65)]])
        with pytest.raises(TelegramBadRequest, match=r"(?i)button_data_invalid"):
            await bot.send_message(USER_ID, "x", reply_markup=long_data)
        empty = InlineKeyboardMarkup([[InlineKeyboardButton(" ", callback_data="d")]])
        with pytest.raises(TelegramBadRequest, match=r"(?i)button_text_empty"):
            await bot.send_message(USER_ID, "x", reply_markup=empty)
        with pytest.raises(TelegramBadRequest, match=r"(?i)not modified"):
            await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=sent.message_id)
    with pytest.raises(InvalidToken):
        async with Bot("1:WRONG", base_url=api.base_url):
            pass
    assert [m for m, _ in api.state.refused] == ["sendMessage"] * 4 + ["editMessageReplyMarkup"]


@pytest.mark.slow
def test_webhook_mode_takes_updates_with_the_secret_only(api: FakeBotApi, tmp_path: Path) -> None:
    """Should register the webhook with its secret, answer updates posted with it, and
    refuse (without handling) updates posted without it."""
    import json
    import socket
    import urllib.error
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/hook"
    log = tmp_path / "bot.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                *run_command(),
                "--db",
                str(tmp_path / "r.db"),
                "--webhook",
                url,
                "--listen",
                "127.0.0.1",
                "--port",
                str(port),
                "--secret-token",
                "s3cret",
            ],
            env=environment(api, TOKEN),
            stdout=out,
            stderr=out,
        )
    try:
        api.wait(lambda state: bool(state.webhook) and bool(state.commands))
        assert api.state.webhook["url"] == url
        assert api.state.webhook["secret_token"] == "s3cret"

        def post(secret: str) -> int:
            update = {
                "update_id": 90001 if secret == "s3cret" else 90002,
                "message": {
                    "message_id": 1,
                    "date": 1_734_652_800,
                    "text": "/start",
                    "chat": {"id": 777001, "type": "private"},
                    "from": {"id": 777001, "is_bot": False, "first_name": "王"},
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            request = urllib.request.Request(
                url,
                json.dumps(update).encode(),
                method="POST",
                headers={
                    "Content-Type": "application/json",
                    "X-Telegram-Bot-Api-Secret-Token": secret,
                },
            )
            for _ in range(50):  # the server may still be starting
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        return int(response.status)
                except urllib.error.HTTPError as exc:
                    return int(exc.code)
                except OSError:
                    time.sleep(0.1)
            raise AssertionError("the webhook server did not answer")

        assert post("wrong") == 403
        assert post("s3cret") == 200
        api.wait(lambda state: any(s.text == message(Code.CHAT_ASK_AGENCY) for s in state.sent))
        assert sum(s.text == message(Code.CHAT_ASK_AGENCY) for s in api.state.sent) == 1
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(20)
    assert "Traceback" not in log.read_text(encoding="utf-8", errors="replace")


@pytest.mark.slow
async def test_replayed_and_forged_presses_are_accepted_by_telegram(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """A press replayed on a message whose keyboard is gone, and one forged by another
    officer on this officer's message: the bot asks Telegram nothing it refuses, answers
    each press in the presser's chat, and leaves the other officer's keyboard alone."""
    from bot.frontends.settings import Settings
    from bot.frontends.telegram_bot import Deps, build_application
    from bot.service.turns import Service
    from bot.store.reports import Store
    from tests.helpers.chat import TODAY, fake_drafter
    from tests.helpers.telegram_fakes import as_update

    other = USER_ID + 1
    store = Store.open(tmp_path / "r.db")
    service = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    settings = Settings(TOKEN, base_url=api.base_url, base_file_url=api.file_url)
    app = build_application(settings, Deps(store, service))
    try:
        async with app:
            for text in ("/start", SEED_SESSION[0]):
                await app.process_update(as_update(api.say(text), app.bot))
            [level] = [s for s in api.state.sent if s.keyboard]
            data = level.keyboard["inline_keyboard"][2][0]["callback_data"]  # type: ignore[index]
            forged = api.replay(level, data, user_id=other)
            await app.process_update(as_update(forged, app.bot))
            assert level.keyboard is not None  # the officer's keyboard is still there
            assert {s.chat_id for s in api.state.sent} == {USER_ID, other}
            pressed = api.press(level, level.labels()[2])
            await app.process_update(as_update(pressed, app.bot))
            assert level.keyboard is None  # removed by the officer's own press
            before = len(api.state.sent)
            await app.process_update(as_update(api.replay(level, data), app.bot))
            [again] = api.state.sent[before:]
            assert again.chat_id == USER_ID
            assert again.begins(message(Code.CHAT_EXPIRED))
    finally:
        store.close()
    assert api.state.refused == []  # Telegram accepted every request
    assert all(api.state.queries.values())  # every press was answered
    assert message(Code.TG_ERROR) not in [s.text for s in api.state.sent]
