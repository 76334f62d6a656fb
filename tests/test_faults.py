"""What ``reportbot run`` survives: kill -9, updates delivered twice, 429s, 5xx, timeouts.

The bot runs as a process against the fake Bot API server on 127.0.0.1
(``tests/helpers/fake_bot_api.py``). Several officers draft their reports at once, each in their
own private chat; what the bot must answer is known from an *oracle*: each officer's
conversation played on its own in-memory store through the same ``Service``. Every
wait is for an event (a number of messages in a chat, a process exit), never a tuned
sleep, and every random choice is seeded.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.error import BadRequest as TelegramBadRequest
from telegram.error import NetworkError, RetryAfter

from bot.conversation.types import Input
from bot.format.catalogue import Code, message
from bot.format.datafile import Report
from bot.frontends import telegram_bot as telegram_app
from bot.frontends import telegram_handlers
from bot.frontends.settings import Settings
from bot.frontends.telegram_bot import Deps, RetryingRequest, build_application
from bot.frontends.telegram_format import PARAGRAPH, Button, Document, messages, parse_callback
from bot.service.turns import Outgoing, Service
from bot.store.reports import Store
from tests.helpers.chat_script import SEED_SESSION, TABLE_MESSAGES
from tests.helpers.fake_bot_api import FakeBotApi, Sent, visible_text
from tests.helpers.telegram_fakes import USER_ID, RecordingRequest, as_update, text_data

TOKEN = "123:FAULTS"
SEED = 20241220
WAIT = 90.0  # seconds: generous, for a loaded machine; a wait returns as soon as it can


# --- what the bot must answer: the oracle -------------------------------------------------


@dataclass(frozen=True)
class Expected:
    """One message the bot must send: its visible text and its buttons."""

    text: str
    keyboard: tuple[tuple[Button, ...], ...] = ()


def telegram_messages(out: list[Outgoing]) -> list[Expected]:
    """The messages ``bot.frontends.telegram_handlers.send`` makes of the service's replies."""
    return [
        Expected(visible_text(m.caption or ""))
        if isinstance(m, Document)
        else Expected(visible_text(m.html), m.keyboard)
        for m in messages(out)
    ]


def seen(sent: Sent) -> Expected:
    """A message the fake server received, as an :class:`Expected`."""
    rows = (sent.keyboard or {}).get("inline_keyboard", [])
    keyboard = tuple(tuple(Button(b["text"], b["callback_data"]) for b in row) for row in rows)
    return Expected(sent.text, keyboard)


class Oracle:
    """One officer's conversation alone on an in-memory store: what the bot must do."""

    def __init__(self, user_id: int) -> None:
        self.user = f"tg:{user_id}"
        self.store = Store.open(None)
        self.service = Service(self.store)

    def handle(self, inp: Input) -> list[Expected]:
        return telegram_messages(self.service.handle(self.user, inp, telegram_handlers.FRONTEND))

    def report(self) -> Report:
        [info] = self.store.list_reports()
        return self.store.get_report(info.id)

    def history(self) -> int:
        [info] = self.store.list_reports()
        return len(self.store.history(info.id))


# --- the bot as a process, and the officers ----------------------------------------------


def run_command() -> list[str]:
    return [sys.executable, "-m", "bot.frontends.cli", "run"]


class BotProcess:
    """``reportbot run`` against the fake server; its output goes to a log file."""

    def __init__(self, api: FakeBotApi, tmp: Path) -> None:
        self.api, self.db, self.log = api, tmp / "r.db", tmp / "bot.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    def start(self) -> None:
        """Start, and wait until start-up is done (the command menu is set)."""
        menus = len(self.api.state.commands)
        env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
        env |= {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.api.base_url,
            "TELEGRAM_API_FILE_URL": self.api.file_url,
        }
        self.api.resume()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [*run_command(), "--db", str(self.db)], env=env, stdout=log, stderr=log
            )
        self.starts += 1
        self.api.wait(lambda state: len(state.commands) > menus or self.exited(), WAIT)
        assert not self.exited(), self.output()

    def exited(self) -> bool:
        return self.proc is not None and self.proc.poll() is not None

    def kill(self) -> None:
        """kill -9: nothing is closed or flushed."""
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait(WAIT)

    def stop(self) -> int:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(WAIT)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""


@dataclass
class Officer:
    """One agency's officer in their private chat, with the oracle of their conversation."""

    api: FakeBotApi
    user_id: int
    lines: list[str]
    pos: int = 0
    oracle: Oracle = field(init=False)
    expected: list[Expected] = field(default_factory=list)  # the turn in flight
    base: int = 0  # messages in the chat before the turn in flight
    update: dict[str, Any] = field(default_factory=dict)
    again: tuple[str, Any] = ("", None)  # how to send the turn's input again

    def __post_init__(self) -> None:
        self.oracle = Oracle(self.user_id)

    @property
    def agency(self) -> str:
        return self.lines[1]

    @property
    def done(self) -> bool:
        return self.pos >= len(self.lines)

    def received(self) -> list[Sent]:
        with self.api.cond:
            return [s for s in self.api.state.sent if s.chat_id == self.user_id]

    def answered(self) -> bool:
        """Whether every message of the turn in flight has arrived."""
        return len(self.received()) - self.base >= len(self.expected)

    def send_next(self) -> None:
        self.prepare(self.lines[self.pos])
        self.pos += 1
        self.queue()

    def send(self, line: str) -> None:
        self.prepare(line)
        self.queue()

    def prepare(self, line: str) -> None:
        """The next turn: press the button ``line`` names (by number or label) if offered,
        else type it; what the bot must answer comes from the oracle."""
        messages = self.received()
        self.base = len(messages)
        last = messages[-1] if messages else None
        labels = last.labels() if last is not None else []
        label = None
        if line.isdigit() and 1 <= int(line) <= len(labels):
            label = labels[int(line) - 1]
        elif line in labels:
            label = line
        if last is not None and label is not None:
            [data] = [b.data for row in seen(last).keyboard for b in row if b.label == label]
            parsed = parse_callback(data)
            assert parsed is not None
            step, choice = parsed
            self.expected = self.oracle.handle(Input(choice=choice, choice_step=step))
            self.again = ("press", (last, label))
        else:
            self.expected = self.oracle.handle(Input(text=line))
            self.again = ("say", line)

    def queue(self) -> None:
        """Send the prepared input to the bot (again, if it got no answer)."""
        kind, what = self.again
        self.update = (
            self.api.press(*what) if kind == "press" else self.api.say(what, self.user_id)
        )

    def got(self) -> list[Expected]:
        """The messages of the turn in flight received so far."""
        return [seen(s) for s in self.received()[self.base :]]

    def last_text(self) -> str:
        """The last reply the officer got (a message's replies are paragraphs)."""
        return self.received()[-1].last_reply()


PREVIEW_EVERY = 6  # answers between two previews (a preview is a turn of several messages)


def officers_for(api: FakeBotApi, count: int) -> list[Officer]:
    """Officers playing the chat script, asking for a preview now and then: a turn's
    replies mostly share one message, and a preview's header, draft and question do not,
    so a kill can fall in the middle of a turn."""
    lines = ["/start", *SEED_SESSION[1:]]
    created = SEED_SESSION.index("2023") + 1  # the first line after the report exists
    for at in range(len(lines) - 1, created, -PREVIEW_EVERY):
        lines.insert(at, "预览")
    return [
        Officer(api, USER_ID + 1 + i, [lines[0], f"示范县第{i + 1}局", *lines[1:]])
        for i in range(count)
    ]


def processed(bot: BotProcess, update_id: int) -> bool:
    """Whether the bot's database records the update as handled (its turn committed)."""
    with closing(sqlite3.connect(bot.db)) as db:
        row = db.execute(
            "select 1 from processed_updates where update_key = ?", [str(update_id)]
        ).fetchone()
    return row is not None


def wait_answered(api: FakeBotApi, officers: list[Officer], bot: BotProcess) -> None:
    """Until every officer's turn is answered (or the bot process has exited)."""
    api.wait(lambda _: all(o.answered() for o in officers) or bot.exited(), WAIT)


def check_store(bot: BotProcess, officers: list[Officer]) -> None:
    """The bot's database holds exactly the oracle's answers, history and sessions."""
    store = Store.open(bot.db)
    try:
        for officer in officers:
            if not officer.oracle.store.list_reports():
                continue
            [info] = [r for r in store.list_reports() if r.agency == officer.agency]
            assert store.get_report(info.id) == officer.oracle.report()
            assert len(store.history(info.id)) == officer.oracle.history()  # nothing twice
            user = f"tg:{officer.user_id}"
            ours, theirs = store.load_session(user), officer.oracle.store.load_session(user)
            assert ours is not None
            assert theirs is not None
            assert ours.report_id == info.id
            ours.report_id = theirs.report_id  # ids differ: several reports in one store
            assert ours == theirs
    finally:
        store.close()


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def bot(api: FakeBotApi, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(api, tmp_path)
    yield process
    if process.proc is not None and process.proc.poll() is None:
        process.kill()


# --- kill -9 at random points ---------------------------------------------------------------

CUT, LAST, BETWEEN = "cut", "last", "between"


@dataclass(frozen=True)
class KillPoint:
    """Where the bot is killed: in round ``round`` (or the first round after it where a
    turn sends two messages, for CUT) and how: CUT after a reply of a turn that has more to
    come, LAST at the last reply of a turn, BETWEEN after the round was answered."""

    round: int
    kind: str


def plan_kills(rng: random.Random, rounds: int, kinds: tuple[str, ...]) -> list[KillPoint]:
    """One kill point per kind, in distinct random rounds (not the first or the last)."""
    chosen = sorted(rng.sample(range(1, rounds - 2), len(kinds)))
    order = rng.sample(kinds, len(kinds))
    return [KillPoint(r, kind) for r, kind in zip(chosen, order, strict=True)]


def arm(api: FakeBotApi, bot: BotProcess, officer: Officer, reply: int) -> None:
    """Kill the bot (kill -9) when ``officer``'s reply number ``reply`` reaches the server.

    The server has recorded that message (the officer sees it) and not answered it yet.
    It stops confirming updates first, so that which updates Telegram delivers again is
    settled at the moment of the kill.
    """
    threshold = officer.base + reply + 1

    def hook(method: str, params: dict[str, Any]) -> None:
        if method not in ("sendMessage", "sendDocument"):
            return
        if int(params.get("chat_id", 0)) != officer.user_id:
            return
        if len(officer.received()) >= threshold and not bot.exited():
            api.on_call = None
            api.pause()
            bot.kill()

    api.on_call = hook


@pytest.mark.slow
def test_kill_9_at_random_points_loses_no_acknowledged_answer(
    api: FakeBotApi, bot: BotProcess
) -> None:
    """Three officers file at once; the bot is killed -9 at four seeded random points:
    in the middle of a turn's replies, at a turn's last reply, and between turns.
    Whatever the bot replied to is stored, nothing is handled twice, and after each
    restart every session resumes at the question it was at."""
    rng = random.Random(SEED)
    officers = officers_for(api, 3)
    rounds = len(officers[0].lines)
    kills = plan_kills(rng, rounds, (CUT, BETWEEN, LAST, CUT))
    bot.start()
    for r in range(rounds):
        active = [o for o in officers if not o.done]
        for officer in active:
            officer.prepare(officer.lines[officer.pos])
            officer.pos += 1
        kill = kills[0] if kills and kills[0].round <= r else None
        target = None
        if kill is not None and kill.kind in (CUT, LAST):
            fits = [o for o in active if kill.kind == LAST or len(o.expected) >= 2]
            if fits:
                target = rng.choice(fits)
                cut = rng.randrange(len(target.expected) - 1) if kill.kind == CUT else -1
                arm(api, bot, target, cut % len(target.expected))
        for officer in active:
            officer.queue()
        if target is not None:
            api.wait(lambda _: bot.exited(), WAIT)
        else:
            wait_answered(api, active, bot)
            assert not bot.exited(), bot.output()
        if kill is not None and kill.kind == BETWEEN:
            api.pause()
            bot.kill()
        if not bot.exited():
            for officer in active:
                assert officer.got() == officer.expected
            continue
        assert kill is not None
        kills.pop(0)
        cuts = restart_and_resume(api, bot, active, officers)
        # officers of different chats are handled at once: a kill may cut another
        # officer's replies as well, but the target's exactly when aimed at
        assert (target in cuts) == (kill.kind == CUT)
    assert kills == []
    assert bot.starts == 5
    for officer in officers:
        assert officer.last_text() == message(Code.CHAT_ALL_DONE)
    check_store(bot, officers)
    assert api.state.refused == []
    assert message(Code.TG_ERROR) not in [s.text for s in api.state.sent]
    assert bot.stop() == 0
    assert "Traceback" not in bot.output()


def restart_and_resume(
    api: FakeBotApi, bot: BotProcess, active: list[Officer], officers: list[Officer]
) -> list[Officer]:
    """After a kill in a round: restart, finish the round, resume every session; the
    officers whose replies were cut short.

    An update fetched (and so confirmed to Telegram) but not handled before the kill is
    in the bot's inbox and handled after the restart: nobody sends anything again."""
    cuts: list[Officer] = []
    for officer in active:
        got = officer.got()
        assert got == officer.expected[: len(got)]  # what did arrive was right
        if got == officer.expected:
            continue
        if got or processed(bot, officer.update["update_id"]):
            # stored before its replies (all or some lost with the process): not handled
            # again; the officer's next /start asks where they are
            cuts.append(officer)
    bot.start()
    waiting = [o for o in active if o not in cuts]
    wait_answered(api, waiting, bot)
    for officer in waiting:
        assert officer.got() == officer.expected
    check_store(bot, officers)  # every acknowledged answer is there, none twice
    before = {o.user_id: o.last_text() for o in officers}
    for cut in cuts:  # the question it was about to ask when it was killed
        before[cut.user_id] = cut.expected[-1].text.rsplit(PARAGRAPH, 1)[-1]
        api.redeliver(cut.update)  # Telegram delivers the cut update again: skipped
    for officer in officers:
        officer.send("/start")
    wait_answered(api, officers, bot)
    for officer in officers:
        assert officer.got() == officer.expected
        assert officer.last_text() == before[officer.user_id]  # resumes where it was
    check_store(bot, officers)
    return cuts


# --- the same update twice -----------------------------------------------------------------


async def test_update_delivered_twice_is_handled_once(tmp_path: Path) -> None:
    """One reply and one history entry, also for a copy and after reopening the store."""
    store = Store.open(tmp_path / "r.db")
    service = Service(store, today=lambda: date(2024, 12, 20))
    request = RecordingRequest()
    app = build_application(Settings(TOKEN), Deps(store, service), request=request)
    user = f"tg:{USER_ID}"
    async with app:
        table = SEED_SESSION.index(TABLE_MESSAGES[0])  # the first answer of table 二
        for line in ["/start", *SEED_SESSION[:table]]:
            await app.process_update(as_update(text_data(line), app.bot))
        [info] = store.list_reports()
        history = len(store.history(info.id))
        update = text_data(TABLE_MESSAGES[0])
        request.clear()
        await app.process_update(as_update(update, app.bot))
        assert request.texts()
        after = len(store.history(info.id))
        assert after > history
        session = store.load_session(user)
        for again in (update, dict(update)):
            request.clear()
            await app.process_update(as_update(again, app.bot))
            assert request.calls == []
        assert len(store.history(info.id)) == after
        assert store.load_session(user) == session
    reopened = Store.open(tmp_path / "r.db")  # a restarted bot sees it as handled
    try:
        assert reopened.seen_update(str(update["update_id"]))
    finally:
        reopened.close()


# --- 429, 5xx, timeouts, dropped connections -------------------------------------------------


@pytest.fixture
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(telegram_app, "RETRY_DELAY", 0.01)
    monkeypatch.setattr(telegram_app, "RETRY_DELAY_MAX", 0.05)


@pytest.mark.slow
@pytest.mark.usefixtures("fast_retries")
async def test_retrying_request_retries_5xx_timeouts_and_dropped_connections(
    api: FakeBotApi,
) -> None:
    api.inject("sendMessage", "status", times=2)
    api.inject("sendMessage", "status", status=502)
    api.inject("sendMessage", "drop")
    api.inject("sendMessage", "hang", delay=2.0)  # longer than the read timeout
    request = RetryingRequest(read_timeout=0.5)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        sent = await bot.send_message(USER_ID, "你好")
    assert sent.text == "你好"
    kinds = ["status", "status", "status", "drop", "hang"]
    assert api.state.faulted == [("sendMessage", kind) for kind in kinds]
    assert [s.text for s in api.state.sent] == ["你好"]  # carried out once


@pytest.mark.slow
@pytest.mark.usefixtures("fast_retries")
async def test_retrying_request_gives_up_and_keeps_4xx_final(api: FakeBotApi) -> None:
    async with Bot(TOKEN, base_url=api.base_url, request=RetryingRequest()) as bot:
        with pytest.raises(TelegramBadRequest):
            await bot.send_message(USER_ID, "字" * 4097)  # refused: not tried again
        assert api.methods().count("sendMessage") == 1
        api.inject("sendMessage", "status", times=telegram_app.NETWORK_RETRIES + 1)
        with pytest.raises(NetworkError):
            await bot.send_message(USER_ID, "x")
    assert len(api.state.faulted) == telegram_app.NETWORK_RETRIES + 1
    assert api.state.sent == []


@pytest.mark.slow
async def test_get_me_is_not_retried(api: FakeBotApi) -> None:
    """A broken Bot API at start-up stops start-up at once (with one line on stderr)."""
    api.inject("getMe", "status", times=10)
    bot = Bot(TOKEN, base_url=api.base_url, request=RetryingRequest())
    with pytest.raises(NetworkError):
        await bot.initialize()
    await bot.shutdown()
    assert api.state.faulted == [("getMe", "status")]


@pytest.mark.slow
@pytest.mark.usefixtures("fast_retries")
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter
async def test_application_waits_out_429_and_retries_failures(
    api: FakeBotApi, tmp_path: Path
) -> None:
    """The application as built for ``reportbot run``: its rate limiter and transport."""
    store = Store.open(tmp_path / "r.db")
    settings = Settings(TOKEN, base_url=api.base_url, base_file_url=api.file_url)
    app = build_application(settings, Deps(store, Service(store)))
    try:
        async with app:
            api.inject("sendMessage", "429", retry_after=1)
            api.inject("sendMessage", "status")
            api.inject("answerCallbackQuery", "429", retry_after=1)
            started = time.monotonic()
            await app.bot.send_message(USER_ID, "一")
            assert time.monotonic() - started >= 1.0  # waited retry_after
            api.inject("sendMessage", "drop")
            await app.bot.send_message(USER_ID, "二")
    finally:
        store.close()
    kinds = ["429", "status", "drop"]
    assert api.state.faulted == [("sendMessage", kind) for kind in kinds]
    assert [s.text for s in api.state.sent] == ["一", "二"]


@pytest.mark.slow
def test_429_500_and_timeouts_lose_nothing(api: FakeBotApi, bot: BotProcess) -> None:
    """Two officers draft their reports while the Bot API answers 429, 500 and 502, is
    slow, does not answer (the bot's request times out) or drops the connection: the
    bot waits or retries, does not crash, and every input gets its reply and is stored."""
    officers = officers_for(api, 2)
    confirm = officers[0].lines.index("确认")  # a round where both officers press a button
    faults: dict[int, list[tuple[str, str, dict[str, Any]]]] = {
        1: [("getUpdates", "status", {})],
        2: [("answerCallbackQuery", "status", {}), ("editMessageReplyMarkup", "drop", {})],
        4: [("sendMessage", "429", {"retry_after": 1})],
        6: [("sendMessage", "status", {"times": 2})],
        8: [("sendMessage", "slow", {"delay": 0.5})],
        10: [("sendMessage", "hang", {"delay": 6.0})],  # longer than PTB's 5 s read timeout
        12: [("sendMessage", "drop", {}), ("sendMessage", "status", {"status": 502})],
        confirm: [
            ("answerCallbackQuery", "429", {"retry_after": 1}),
            ("editMessageReplyMarkup", "status", {}),
        ],
    }
    injected = 0
    bot.start()
    for r in range(len(officers[0].lines)):
        for method, kind, how in faults.get(r, []):
            api.inject(method, kind, **how)
            injected += how.get("times", 1)
        for officer in officers:
            officer.send_next()
        wait_answered(api, officers, bot)
        assert not bot.exited(), bot.output()
        for officer in officers:
            assert officer.got() == officer.expected
    assert len(api.state.faulted) == injected  # every fault happened
    assert api.state.faults == []
    for officer in officers:
        assert officer.last_text() == message(Code.CHAT_ALL_DONE)
    check_store(bot, officers)
    assert all(api.state.queries.values())  # every button press was answered
    assert api.state.refused == []
    assert message(Code.TG_ERROR) not in [s.text for s in api.state.sent]
    assert bot.stop() == 0
    assert TOKEN not in bot.output()


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # RetryAfter
async def test_fake_api_faults_answer_as_telegram_does(api: FakeBotApi) -> None:
    """The fault modes themselves: a 429 carries ``parameters.retry_after``; a faulty
    call is not carried out; the calls after it are untouched."""
    async with Bot(TOKEN, base_url=api.base_url) as plain:
        api.inject("sendMessage", "429", retry_after=7)
        with pytest.raises(RetryAfter, match="Retry in 7 seconds"):
            await plain.send_message(USER_ID, "x")
        api.inject("sendMessage", "status")
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await plain.send_message(USER_ID, "x")
        await plain.send_message(USER_ID, "好")
    assert [s.text for s in api.state.sent] == ["好"]
    assert api.state.faulted == [("sendMessage", "429"), ("sendMessage", "status")]
