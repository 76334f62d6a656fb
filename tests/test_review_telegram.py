"""The review workflow through the real Telegram ``Application``: two editors, a reviewer
and an outsider, offline (a recording request answers the Bot API)."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import CallbackContext

from bot.format.catalogue import Code, message
from bot.format.model import model
from bot.frontends import telegram_bot as telegram_app
from bot.frontends.settings import Settings
from bot.frontends.telegram_bot import App, Deps, build_application, remind
from bot.service.turns import Service
from bot.store.office import WorkflowStore
from bot.store.reports import Store
from tests.helpers.catalogue import mentions
from tests.helpers.chat import TODAY, fake_drafter
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.telegram_fakes import (
    TOKEN,
    Call,
    RecordingRequest,
    as_update,
    button_data,
    buttons,
    officer_data,
    text_data,
    texts,
)

ADMIN, EDITOR, REVIEWER, OUTSIDER = 1001, 1002, 1003, 1004
ALL = (ADMIN, EDITOR, REVIEWER, OUTSIDER)
AGENCY, YEAR = SEED_SESSION[0], int(SEED_SESSION[3])
IN_FORCE = next(c.ref for c in model().active_cells if c.path == "normative_docs.in_force")
APPROVE, RETURN = message(Code.REV_APPROVE), message(Code.REV_RETURN)


class Office:
    """Four officers on one bot."""

    def __init__(self, app: App, request: RecordingRequest, store: Store) -> None:
        self.app, self.request, self.store = app, request, store

    async def send(self, data: dict[str, Any]) -> list[Call]:
        before = len(self.request.calls)
        await self.app.process_update(as_update(data, self.app.bot))
        return self.request.calls[before:]

    async def say(self, user: int, text: str) -> list[Call]:
        return await self.send(text_data(text, user_id=user))

    async def play(self, user: int, lines: list[str]) -> list[Call]:
        calls = await self.say(user, "/start")
        for line in lines:
            calls = await self.say(user, line)
        return calls

    async def press(self, user: int, call: Call, label: str) -> list[Call]:
        data = next(b["callback_data"] for b in buttons(call) if b["text"] == label)
        return await self.send(button_data(data, call.result, user_id=user))

    async def join(self, user: int, role: str) -> list[Call]:
        calls = await self.say(ADMIN, f"邀请 {role}")
        link = re.search(r"https://t\.me/(\w+)\?start=(\S+)", text(calls))
        assert link is not None
        assert link.group(1) == "reportbot"  # the bot's own username (getMe)
        return await self.say(user, f"/start {link.group(2)}")


def to(calls: list[Call], user: int) -> list[Call]:
    return [c for c in calls if int(c.params.get("chat_id", 0)) == user]


def text(calls: list[Call]) -> str:
    return "\n".join(texts(calls))


def request_call(calls: list[Call], user: int) -> Call:
    [call] = [c for c in to(calls, user) if [b["text"] for b in buttons(c)] == [APPROVE, RETURN]]
    return call


@pytest.fixture
async def office(tmp_path: Path) -> AsyncIterator[Office]:
    store = Store.open(tmp_path / "r.db")
    service = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    request = RecordingRequest()
    app = build_application(Settings(TOKEN), Deps(store, service), request=request)
    async with app:
        await app.post_init(app)  # type: ignore[misc]
        yield Office(app, request, store)
    store.close()


async def test_two_editors_a_reviewer_and_an_outsider(office: Office) -> None:
    ws = WorkflowStore(office.store)
    # the admin starts the report; an unfinished report cannot be submitted
    await office.play(ADMIN, SEED_SESSION[:10])
    assert mentions(text(await office.say(ADMIN, "提交")), Code.REV_SUBMIT_ERRORS)
    assert ws.versions(1) == []
    for line in SEED_SESSION[10:]:
        await office.say(ADMIN, line)
    joined = text(await office.join(EDITOR, "填报人"))
    assert mentions(joined, Code.REV_JOINED, role=message(Code.REV_ROLE_EDITOR), agency=AGENCY)
    joined = text(await office.join(REVIEWER, "审核人"))
    assert mentions(joined, Code.REV_JOINED, role=message(Code.REV_ROLE_REVIEWER), agency=AGENCY)

    # the outsider sees nothing of the agency, and forged presses do nothing
    calls = await office.play(OUTSIDER, ["/report", "历史", "审核", "预览"])
    assert "黔西南州" not in text(to(office.request.calls, OUTSIDER))

    # the second editor opens the report and submits it
    await office.say(EDITOR, "/report")
    await office.say(EDITOR, "1")
    calls = await office.say(EDITOR, "提交")
    assert mentions(text(to(calls, EDITOR)), Code.REV_SUBMITTED, number=1)
    sent = to(calls, REVIEWER)  # delivered to the reviewer at once
    assert [c.method for c in sent] == ["sendDocument", "sendMessage"]
    assert sent[0].files["document"][0].endswith("第1版.docx")
    first = request_call(calls, REVIEWER)
    assert len(first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]) <= 64

    forged = [
        button_data(b["callback_data"], first.result, user_id=OUTSIDER) for b in buttons(first)
    ]
    for data in forged:
        calls = await office.send(data)
        assert message(Code.CHAT_EXPIRED) in text(calls)
    calls = await office.press(EDITOR, first, APPROVE)  # an editor may not approve: told why
    role, action = message(Code.REV_ROLE_EDITOR), message(Code.REV_ACTION_REVIEW)
    assert message(Code.REV_FORBIDDEN, role=role, action=action) in text(calls)
    assert ws.versions(1)[0].status == "submitted"

    # 退回 with comments: both editors are told
    calls = await office.press(REVIEWER, first, RETURN)
    assert message(Code.REV_ASK_COMMENTS) in text(calls)
    comments = "三、（四）1.本机关不掌握·自然人 请核对台账"
    calls = await office.say(REVIEWER, comments)
    assert mentions(text(to(calls, REVIEWER)), Code.REV_RETURNED, number=1)
    for editor in (ADMIN, EDITOR):
        notice = text(to(calls, editor))
        assert mentions(notice, Code.REV_RETURNED_NOTICE, number=1, comments=comments)

    # fix, resubmit: the reviewer sees what changed
    await office.say(EDITOR, "修改 行政规范性文件")
    await office.say(EDITOR, "0 0 6")
    calls = await office.say(EDITOR, "提交")
    second = request_call(calls, REVIEWER)
    changed = message(Code.REV_CHANGED_CELL, cell=IN_FORCE, old=5, new=6)
    assert changed in html.unescape(second.params["text"]).splitlines()

    # approve; a replayed press and the old version's buttons change nothing
    calls = await office.press(REVIEWER, second, APPROVE)
    assert mentions(text(calls), Code.REV_APPROVED, number=2)
    assert mentions(text(to(calls, EDITOR)), Code.REV_APPROVED_NOTICE, agency=AGENCY, number=2)
    approved = ws.versions(1)[-1]
    assert approved.status == "approved"
    decided = text(await office.press(REVIEWER, second, APPROVE))
    status = message(Code.REV_STATUS_APPROVED)
    assert mentions(decided, Code.REV_ALREADY_DECIDED, number=2, status=status)
    decided = text(await office.press(REVIEWER, first, APPROVE))
    status = message(Code.REV_STATUS_RETURNED)
    assert mentions(decided, Code.REV_ALREADY_DECIDED, number=1, status=status)
    assert message(Code.CHAT_EXPIRED) in text(
        await office.send(
            button_data(buttons(second)[0]["callback_data"], second.result, user_id=OUTSIDER)
        )
    )

    # later edits never touch the approved version
    await office.say(ADMIN, "修改 行政规范性文件")
    await office.say(ADMIN, "1 0 7")
    again = ws.versions(1)[-1]
    assert (again.data, again.hash) == (approved.data, approved.hash)

    # members, history and the review queue, for everyone: colleagues by name, and no
    # message anyone received in the whole run names anyone by a raw id
    for user in (ADMIN, EDITOR, REVIEWER):
        await office.say(user, "历史")
        await office.say(user, "审核")
    members = text(await office.say(ADMIN, "成员"))
    assert all(officer_data(u)["first_name"] in members for u in (ADMIN, EDITOR, REVIEWER))
    ids = "|".join(map(str, ALL))
    raw_id = re.compile(rf"tg:\d+|(?<![\w-])(?:{ids})(?!\d)")
    for call in office.request.calls:
        shown = str(call.params.get("text") or call.params.get("caption") or "")
        assert not raw_id.search(shown), shown


async def test_reminders_fire_after_a_restart(tmp_path: Path) -> None:
    """Should remind the editors of an unfinished report from the database after a restart."""
    db = tmp_path / "r.db"
    store = Store.open(db)
    service = Service(store, drafter=fake_drafter(), today=lambda: date(2024, 1, 20))
    request = RecordingRequest()
    app = build_application(Settings(TOKEN), Deps(store, service), request=request)
    async with app:
        office = Office(app, request, store)
        await office.play(ADMIN, SEED_SESSION[:10])
    store.close()

    store = Store.open(db)  # a new process on the same database
    service = Service(store, drafter=fake_drafter(), today=lambda: date(2024, 1, 20))
    request = RecordingRequest()
    app = build_application(Settings(TOKEN), Deps(store, service), request=request)
    async with app:
        await remind(CallbackContext(app))
        reminders = to(request.of("sendMessage"), ADMIN)
        assert len(reminders) == 1
        [reminder] = texts(reminders)
        assert mentions(reminder, Code.REV_REMIND_EDITORS, agency=AGENCY, deadline="2024年1月31日")
        await remind(CallbackContext(app))  # sent once only
        assert len(to(request.of("sendMessage"), ADMIN)) == 1
    store.close()


async def test_messages_queued_by_another_process_are_delivered_by_the_delivery_job(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A decision queued by the terminal chat on the same database reaches the Telegram
    officer within seconds, with no Telegram update to carry it; a turn that queues
    nothing for anyone does not send it."""
    monkeypatch.setattr(telegram_app, "DELIVER_EVERY", 0.05)
    db = tmp_path / "r.db"
    store = Store.open(db)
    service = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    request = RecordingRequest()
    app = build_application(Settings(TOKEN), Deps(store, service), request=request)
    code = Code.REV_RETURNED_NOTICE
    notice = message(code, agency="某局", year=2023, number=1, by="王科长", comments="请核对")
    async with app:
        office = Office(app, request, store)
        await office.say(ADMIN, "/start")
        terminal = Store.open(db)  # the terminal chat, another process on the same file
        WorkflowStore(terminal).notify(f"tg:{ADMIN}", {"text": notice, "code": code.value})
        terminal.close()
        await office.say(EDITOR, "/start")  # someone else's turn: it queued nothing
        assert notice not in text(request.calls)
        await app.post_init(app)  # type: ignore[misc]  # schedules the jobs
        assert app.job_queue is not None
        for job in app.job_queue.get_jobs_by_name("reminders"):
            job.schedule_removal()  # the reminder job delivers too, but only every hour
        await app.start()  # the job queue runs
        for _ in range(100):
            if notice in text(to(request.calls, ADMIN)):
                break
            await asyncio.sleep(0.05)
        await app.stop()
    assert text(to(request.calls, ADMIN)).count(notice) == 1
    store.close()
