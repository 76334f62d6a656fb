"""Every update Telegram hands over is kept before it is acknowledged and answered once,
even across a crash; one officer's flood or slow replies never keep another waiting
(issue 13, parts 4 and 5). The real PTB Application, its update queue and its update
processing, on a SQLite file, with a recording request instead of the network."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.conversation.session import Change
from bot.format.catalogue import Code
from bot.frontends import telegram_handlers as handlers
from bot.frontends.settings import Settings
from bot.frontends.telegram_bot import App, Deps, build_application, replay
from bot.frontends.telegram_handlers import FLOOD_BACKLOG, deliver
from bot.service.intake import Read
from bot.service.turns import Service
from bot.store.inbox import Inbox
from bot.store.office import WorkflowStore
from bot.store.pruning import prune
from bot.store.reports import Store
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.telegram_fakes import (
    TOKEN,
    USER_ID,
    RecordingRequest,
    as_update,
    document_data,
    said,
    text_data,
)

OTHER = USER_ID + 1
LINES = ["/start", *SEED_SESSION[:3]]


def bot_on(path: Path, request: RecordingRequest) -> tuple[App, Store]:
    store = Store.open(path)
    service = Service(store, today=lambda: date(2024, 12, 20))
    return build_application(Settings(TOKEN), Deps(store, service), request=request), store


async def until(condition: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_updates_kept_before_a_crash_are_answered_once_after_it(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    first, store = bot_on(path, RecordingRequest())
    updates = [text_data(line) for line in LINES]
    async with first:  # the updater puts what it fetched; the process dies before handling
        for data in updates:
            await first.update_queue.put(as_update(data, first.bot))
    assert Inbox(store).unhandled() != []  # kept, and no turn ran
    store.close()

    request = RecordingRequest()
    second, store = bot_on(path, request)
    async with second:
        assert replay(second, Inbox(store)) == len(LINES)
        await second.start()
        await until(lambda: all(store.update_seen(str(u["update_id"])) for u in updates))
        # Telegram delivers them again (they were never confirmed): nothing more is said
        answered = len(request.of("sendMessage"))
        for data in updates:
            await second.update_queue.put(as_update(data, second.bot))
        await asyncio.sleep(0.3)
        assert len(request.of("sendMessage")) == answered
        await second.stop()
    assert [r.agency for r in store.list_reports()] == []  # the script stopped at the level
    assert said(request.calls, Code.REV_ASK_REGION)  # the last line, the level, was answered
    assert Inbox(store).unhandled() == []
    store.close()


async def test_a_flood_is_answered_once_and_keeps_nobody_waiting(tmp_path: Path) -> None:
    request = RecordingRequest()
    request.slow[USER_ID] = 0.2
    app, store = bot_on(tmp_path / "r.db", request)
    flood = [text_data("进度") for _ in range(3 * FLOOD_BACKLOG)]
    async with app:
        await app.start()
        for data in flood:
            await app.update_queue.put(as_update(data, app.bot))
        await asyncio.sleep(0.05)
        asked = time.monotonic()
        other = text_data("/start", user_id=OTHER)
        await app.update_queue.put(as_update(other, app.bot))
        await until(lambda: OTHER in request.at)
        assert request.at[OTHER] - asked < 3.0  # not behind 90 slow replies (18 s)
        await until(lambda: all(store.update_seen(str(u["update_id"])) for u in flood), 30)
        await app.stop()
    warnings = [c for c in request.of("sendMessage") if c.params["chat_id"] == USER_ID]
    flood_notices = [c for c in warnings if said([c], Code.TG_FLOOD, count=FLOOD_BACKLOG)]
    assert len(flood_notices) == 1
    assert Inbox(store).unhandled() == []  # dropped updates are recorded, never replayed
    store.close()


def test_old_handled_updates_messages_and_history_are_pruned(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.db")
    inbox = Inbox(store)
    inbox.keep(1, "{}")
    inbox.keep(2, "{}")
    store.seen_update("1")
    old = store.create_report("甲局", 2020, None, user="u", frontend="test")
    new = store.create_report("甲局", 2024, None, user="u", frontend="test")
    for rid in (old, new):
        store.apply(rid, [Change("active", "licensing", 1)], None, user="u", frontend="test")
    later = datetime.now(UTC) + timedelta(days=40)  # 2020 is more than 3 years back
    pruned = prune(store, days=30, history_years=3, now=later)
    assert (pruned.inbox, pruned.processed_updates) == (1, 1)  # 2 was never handled: kept
    assert [i for i, _ in inbox.unhandled()] == [2]
    assert store.history(old) == []  # its history goes, its answers stay
    assert store.get_report(old).active == {"licensing": 1}
    assert len(store.history(new)) == 1
    store.close()


async def test_a_slow_upload_keeps_nobody_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file that takes seconds to read (a hostile one, up to the worker's timeout) is
    read in a thread: another officer is answered meanwhile."""
    real = handlers.read_file

    def slow_read(name: str, data: bytes) -> Read:
        time.sleep(2.0)
        return real(name, data)

    monkeypatch.setattr(handlers, "read_file", slow_read)
    request = RecordingRequest()
    request.uploads["F1"] = "不是报告".encode()
    app, store = bot_on(tmp_path / "r.db", request)
    async with app:
        await app.start()
        for data in [text_data(line) for line in LINES]:  # a report open to send it to
            await app.update_queue.put(as_update(data, app.bot))
        upload = document_data("上年报告.txt")
        await app.update_queue.put(as_update(upload, app.bot))
        await asyncio.sleep(0.2)
        asked = time.monotonic()
        await app.update_queue.put(as_update(text_data("/start", user_id=OTHER), app.bot))
        await until(lambda: OTHER in request.at)
        assert request.at[OTHER] - asked < 1.0  # not after the 2 s read
        await until(lambda: store.update_seen(str(upload["update_id"])))
        await until(lambda: request.at[USER_ID] > request.at[OTHER])  # its reply came later
        await app.stop()
    store.close()


async def test_two_deliveries_at_once_send_each_queued_message_once(tmp_path: Path) -> None:
    """After a turn and in the delivery job, two deliveries may run at once (each awaits
    Telegram between messages): a queued message is taken by one of them only, and one
    Telegram refused for a passing reason goes with the next delivery."""
    request = RecordingRequest()
    request.slow[OTHER] = 0.05
    app, store = bot_on(tmp_path / "r.db", request)
    offices = WorkflowStore(store)
    for i in range(5):
        offices.notify(f"tg:{OTHER}", {"text": f"提醒{i}"})
    offices.notify("cli:zhang", {"text": "终端的消息"})
    service = app.bot_data["deps"].service
    async with app:
        await asyncio.gather(deliver(app.bot, service), deliver(app.bot, service))
        sent = [c.params["text"] for c in request.of("sendMessage")]
        assert sorted(sent) == [f"提醒{i}" for i in range(5)]
        assert [n.message["text"] for n in offices.undelivered()] == ["终端的消息"]
        request.failures["sendMessage"] = (500, "Internal Server Error")
        offices.notify(f"tg:{OTHER}", {"text": "稍后送达"})
        await deliver(app.bot, service)
        del request.failures["sendMessage"]
        await deliver(app.bot, service)
        assert [c.params["text"] for c in request.of("sendMessage")][-1] == "稍后送达"
    store.close()
