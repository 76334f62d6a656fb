"""Agencies, members and the review workflow, through the service (both front ends' path)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.conversation.engine import Input
from bot.format.catalogue import Code
from bot.service.turns import Outgoing, Service
from bot.store.office import WorkflowStore
from bot.store.reports import Store
from tests.chat_script import SEED_SESSION
from tests.test_chat_journey import TODAY, fake_drafter

ADMIN, EDITOR, REVIEWER, OUTSIDER = "cli:admin", "cli:editor", "cli:reviewer", "cli:outsider"


class Desk:
    """Several officers on one service, as on one bot."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.svc = Service(store, drafter=fake_drafter(), today=lambda: TODAY)

    def say(self, user: str, text: str) -> list[Outgoing]:
        return self.svc.handle(user, Input(text=text), "test")

    def press(self, user: str, step: str, choice: str) -> list[Outgoing]:
        return self.svc.handle(user, Input(choice=choice, choice_step=step), "test")

    def play(self, user: str, lines: list[str]) -> list[Outgoing]:
        out = self.svc.handle(user, Input(resume=True), "test")
        for line in lines:
            out = self.say(user, line)
        return out

    def join(self, admin: str, user: str, role: str) -> list[Outgoing]:
        [invite] = [
            m for m in self.say(admin, f"邀请 {role}") if m.code is Code.REV_INVITE_CREATED
        ]
        code = invite.text.rsplit("/start ", 1)[1].strip()
        return self.say(user, f"/start {code}")


def codes(out: list[Outgoing]) -> list[Code | None]:
    return [m.code for m in out]


def request_step(out: list[Outgoing]) -> str:
    [request] = [m for m in out if m.code is Code.REV_REQUEST and m.choices]
    assert [c.name for c in request.choices] == ["approve", "return"]
    assert request.step is not None
    return request.step


@pytest.fixture
def desk() -> Iterator[Desk]:
    store = Store.open(None)
    yield Desk(store)
    store.close()


@pytest.fixture
def team(desk: Desk) -> Desk:
    """An admin who filled the whole report, an editor and a reviewer who joined."""
    desk.play(ADMIN, SEED_SESSION)
    assert codes(desk.join(ADMIN, EDITOR, "填报人"))[0] is Code.REV_JOINED
    assert codes(desk.join(ADMIN, REVIEWER, "审核人"))[0] is Code.REV_JOINED
    return desk


def test_submission_with_errors_is_refused(desk: Desk) -> None:
    desk.play(ADMIN, SEED_SESSION[:8])
    out = desk.say(ADMIN, "提交")
    assert out[0].code is Code.REV_SUBMIT_ERRORS
    assert WorkflowStore(desk.store).versions(1) == []


def test_invite_join_and_members(team: Desk) -> None:
    out = team.say(ADMIN, "成员")
    assert out[0].code is Code.REV_MEMBERS_HEADER
    assert "cli:editor（填报人）" in out[0].text
    assert "cli:reviewer（审核人）" in out[0].text
    # the editor sees the agency's report and can open it
    out = team.say(EDITOR, "/report")
    assert [c.label for c in out[-1].choices][:-1] == ["黔西南州工业和信息化局2023年"]
    # an invite is used once
    [invite] = [m for m in team.say(ADMIN, "邀请 审核人") if m.code is Code.REV_INVITE_CREATED]
    code = invite.text.rsplit("/start ", 1)[1].strip()
    assert team.say("cli:x", f"/start {code}")[0].code is Code.REV_JOINED
    assert team.say("cli:y", f"/start {code}")[0].code is Code.REV_INVITE_INVALID
    # a revoked invite is refused; only the admin manages members
    [invite] = [m for m in team.say(ADMIN, "邀请 填报人") if m.code is Code.REV_INVITE_CREATED]
    code = invite.text.rsplit("/start ", 1)[1].strip()
    assert team.say(EDITOR, f"撤销邀请 {code}")[0].code is Code.REV_FORBIDDEN
    assert team.say(ADMIN, f"撤销邀请 {code}")[0].code is Code.REV_INVITE_REVOKED
    assert team.say("cli:z", f"/start {code}")[0].code is Code.REV_INVITE_INVALID
    assert team.say(ADMIN, "移除成员 cli:x")[0].code is Code.REV_MEMBER_REMOVED
    assert "cli:x" not in team.say(ADMIN, "成员")[0].text


def test_outsider_learns_nothing(team: Desk) -> None:
    team.say(EDITOR, "/report")
    team.say(EDITOR, "黔西南州工业和信息化局2023年")
    submitted = team.say(EDITOR, "提交")
    assert submitted[0].code is Code.REV_SUBMITTED
    step = request_step(team.svc.handle(REVIEWER, Input(resume=True), "test"))
    out = team.play(OUTSIDER, [])
    assert out[-1].code is Code.CHAT_ASK_AGENCY  # no report to choose: none is visible
    for text in ("/report", "提交", "历史", "成员", "预览", "检查", "审核"):
        for message in team.say(OUTSIDER, text):
            assert "黔西南州" not in message.text
    # forged and replayed review presses do nothing
    assert codes(team.press(OUTSIDER, step, "approve")) == [Code.CHAT_EXPIRED]
    assert codes(team.press(OUTSIDER, "review:999", "approve")) == [Code.CHAT_EXPIRED]
    assert codes(team.press(EDITOR, step, "approve")) == [Code.CHAT_EXPIRED]
    assert WorkflowStore(team.store).versions(1)[0].status == "submitted"
    # an outsider cannot claim the agency by typing its name
    team.say(OUTSIDER, "黔西南州工业和信息化局")
    team.say(OUTSIDER, "3")
    team.say(OUTSIDER, "贵州省")
    out = team.say(OUTSIDER, "2023")
    assert out[0].code is Code.REV_AGENCY_TAKEN
    assert team.store.get_report(1).agency == "黔西南州工业和信息化局"


def test_return_fix_resubmit_approve(team: Desk) -> None:
    """Should carry a report through return with comments, fix, resubmit and approval."""
    ws = WorkflowStore(team.store)
    assert team.say(EDITOR, "/report")[-1].code is Code.CHAT_CHOOSE_REPORT
    team.say(EDITOR, "1")
    out = team.say(EDITOR, "提交")
    assert out[0].code is Code.REV_SUBMITTED
    assert "cli:reviewer" in out[0].text
    # the reviewer's queued request comes at their next turn, with the .docx, last
    inbox = team.svc.handle(REVIEWER, Input(resume=True), "test")
    [document] = [m.document for m in inbox if m.document]
    assert document[0].endswith("第1版.docx")
    assert inbox[-1].code is Code.REV_REQUEST
    assert "这是第一次提交" in inbox[-1].text
    step = request_step(inbox)
    # the reviewer cannot change the report
    team.say(REVIEWER, "/report")
    team.say(REVIEWER, "1")
    assert Code.REV_READ_ONLY in codes(team.say(REVIEWER, "修改 上年结转"))
    # 退回 with comments naming a cell; the editors are told
    assert codes(team.press(REVIEWER, step, "return")) == [Code.REV_ASK_COMMENTS]
    out = team.say(REVIEWER, "二、行政规范性文件·现行有效件数 应为 6")
    assert out[0].code is Code.REV_RETURNED
    for editor in (ADMIN, EDITOR):  # (the admin may review too: they got the request)
        inbox = team.svc.handle(editor, Input(resume=True), "test")
        [notice] = [m for m in inbox if m.code is Code.REV_RETURNED_NOTICE]
        assert "现行有效件数 应为 6" in notice.text
    # fix and resubmit: the reviewer sees what changed
    team.say(EDITOR, "修改 行政规范性文件")
    team.say(EDITOR, "0 0 6")
    assert team.say(EDITOR, "提交")[0].code is Code.REV_SUBMITTED
    inbox = team.svc.handle(REVIEWER, Input(resume=True), "test")
    summary = next(m.text for m in inbox if m.code is Code.REV_REQUEST)
    assert "与第 1 版相比的修改" in summary
    assert "二、行政规范性文件·现行有效件数：5 → 6" in summary
    step = request_step(inbox)
    # replaying the old version's buttons does nothing
    old = f"review:{ws.versions(1)[0].id}"
    assert team.press(REVIEWER, old, "approve")[0].code is Code.REV_ALREADY_DECIDED
    # the admin edited the report: they may not approve it
    assert Code.REV_OWN_EDITS in codes(team.press(ADMIN, step, "approve"))
    out = team.press(REVIEWER, step, "approve")
    assert out[0].code is Code.REV_APPROVED
    approved = ws.versions(1)[-1]
    assert approved.status == "approved"
    assert team.press(REVIEWER, step, "approve")[0].code is Code.REV_ALREADY_DECIDED
    # later edits never change the approved version
    team.say(EDITOR, "修改 行政规范性文件")
    team.say(EDITOR, "1 0 7")
    after = ws.versions(1)[-1]
    assert (after.data, after.hash, after.status) == (approved.data, approved.hash, "approved")
    assert "in_force: 6" in after.data
    # the whole history can be shown
    history = team.say(EDITOR, "历史")[0].text
    assert "第 1 版" in history
    assert "已退回" in history
    assert "现行有效件数 应为 6" in history
    assert "第 2 版" in history
    assert "已通过" in history
    assert "cli:editor 修改了" in history


def test_reminders_fire_after_a_restart(tmp_path: Path) -> None:
    """Should queue due reminders from the database, once each, even after a restart."""
    db = tmp_path / "r.db"
    store = Store.open(db)
    desk = Desk(store)
    desk.play(ADMIN, SEED_SESSION[:10])  # unfinished
    desk.join(ADMIN, REVIEWER, "审核人")
    store.close()
    store = Store.open(db)  # the bot was restarted
    desk = Desk(store)
    workflow = desk.svc.workflow
    assert workflow.queue_reminders(date(2024, 1, 10)) == 0  # too early
    assert workflow.queue_reminders(date(2024, 1, 20)) == 1  # 14 days or fewer: the admin
    assert workflow.queue_reminders(date(2024, 1, 21)) == 0  # the same reminder is sent once
    assert workflow.queue_reminders(date(2024, 1, 30)) == 1  # 1 day before
    inbox = desk.svc.handle(ADMIN, Input(resume=True), "test")
    reminders = [m.text for m in inbox if "提醒" in m.text]
    assert len(reminders) == 2
    assert "2024年1月31日" in reminders[0]
    store.close()
