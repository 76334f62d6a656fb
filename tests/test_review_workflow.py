"""Agencies, members and the review workflow, through the service (both front ends' path)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.format.catalogue import Code, message
from bot.frontends.cli import main
from bot.store.office import WorkflowStore
from bot.store.reports import Store
from tests.helpers import chat
from tests.helpers.catalogue import pattern
from tests.helpers.chat import codes
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.office import (
    ADMIN,
    AGENCY,
    EDITOR,
    IN_FORCE,
    OUTSIDER,
    REVIEWER,
    YEAR,
    Desk,
    make_team,
    request_step,
)


@pytest.fixture
def desk(store: Store) -> Desk:
    return Desk(store)


@pytest.fixture
def team(desk: Desk) -> Desk:
    """An admin who filled the whole report, an editor and a reviewer who joined."""
    return make_team(desk)


def test_submission_with_errors_is_refused(desk: Desk) -> None:
    desk.play(ADMIN, SEED_SESSION[:8])
    out = desk.say(ADMIN, "提交")
    assert out[0].code is Code.REV_SUBMIT_ERRORS
    assert WorkflowStore(desk.store).versions(1) == []


def test_invite_join_and_members(team: Desk) -> None:
    out = team.say(ADMIN, "成员")
    assert out[0].code is Code.REV_MEMBERS_HEADER
    assert out[0].text.splitlines() == [
        message(Code.REV_MEMBERS_HEADER, agency=AGENCY),
        message(Code.REV_MEMBER_LINE, user=ADMIN, role=message(Code.REV_ROLE_ADMIN)),
        message(Code.REV_MEMBER_LINE, user=EDITOR, role=message(Code.REV_ROLE_EDITOR)),
        message(Code.REV_MEMBER_LINE, user=REVIEWER, role=message(Code.REV_ROLE_REVIEWER)),
    ]
    # the editor sees the agency's report and can open it
    out = team.say(EDITOR, "/report")
    assert [c.label for c in out[-1].choices][:-1] == [f"{AGENCY}{YEAR}年"]
    # an invite is used once
    code = team.invite(ADMIN, "审核人")
    assert team.say("cli:x", f"/start {code}")[0].code is Code.REV_JOINED
    assert team.say("cli:y", f"/start {code}")[0].code is Code.REV_INVITE_INVALID
    # a revoked invite is refused; only the admin manages members
    code = team.invite(ADMIN, "填报人")
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
    step = request_step(team.resume(REVIEWER))
    out = team.play(OUTSIDER, [])
    assert out[-1].code is Code.CHAT_ASK_AGENCY  # no report to choose: none is visible
    for text in ("/report", "提交", "历史", "成员", "预览", "检查", "审核"):
        for reply in team.say(OUTSIDER, text):
            assert "黔西南州" not in reply.text
    # forged and replayed review presses do nothing
    assert codes(team.press(OUTSIDER, step, "approve")) == [Code.CHAT_EXPIRED]
    assert codes(team.press(OUTSIDER, "review:999", "approve")) == [Code.CHAT_EXPIRED]
    # a member who may not review is told why, in terms of the role (issue 16)
    assert codes(team.press(EDITOR, step, "approve")) == [Code.REV_FORBIDDEN]
    assert codes(team.say(EDITOR, "审核"))[0] is Code.REV_FORBIDDEN
    assert WorkflowStore(team.store).versions(1)[0].status == "submitted"
    # an outsider cannot claim the agency by typing its name, and is told at once
    out = team.say(OUTSIDER, "黔西南州工业和信息化局")
    assert out[0].code is Code.REV_AGENCY_TAKEN
    assert team.store.get_report(1).agency == "黔西南州工业和信息化局"


def test_return_fix_resubmit_approve(team: Desk) -> None:
    """Should carry a report through return with comments, fix, resubmit and approval."""
    ws = WorkflowStore(team.store)
    assert team.say(EDITOR, "/report")[-1].code is Code.CHAT_CHOOSE_REPORT
    team.say(EDITOR, "1")
    out = team.say(EDITOR, "提交")
    assert out[0].code is Code.REV_SUBMITTED
    submitted = pattern(Code.REV_SUBMITTED, number=1).fullmatch(out[0].text)
    assert submitted is not None
    assert REVIEWER in submitted["reviewers"]
    # the reviewer's queued request comes at their next turn, with the .docx, last
    inbox = team.resume(REVIEWER)
    [document] = [m.document for m in inbox if m.document]
    assert document[0].endswith("第1版.docx")
    assert inbox[-1].code is Code.REV_REQUEST
    request = pattern(Code.REV_REQUEST, agency=AGENCY, year=YEAR, number=1, by=EDITOR)
    found = request.fullmatch(inbox[-1].text)
    assert found is not None
    assert found["summary"].splitlines()[-1] == message(Code.REV_FIRST_SUBMISSION)
    step = request_step(inbox)
    # the reviewer cannot change the report
    team.say(REVIEWER, "/report")
    team.say(REVIEWER, "1")
    assert Code.REV_READ_ONLY in codes(team.say(REVIEWER, "修改 上年结转"))
    # 退回 with comments naming a cell; the editors are told
    assert codes(team.press(REVIEWER, step, "return")) == [Code.REV_ASK_COMMENTS]
    comments = f"{IN_FORCE} 应为 6"
    out = team.say(REVIEWER, comments)
    assert codes(out) == [Code.REV_RETURNED]
    assert out[0].text == message(Code.REV_RETURNED, number=1)
    for editor in (ADMIN, EDITOR):  # (the admin may review too: they got the request)
        inbox = team.resume(editor)
        [notice] = [m for m in inbox if m.code is Code.REV_RETURNED_NOTICE]
        assert notice.text == message(
            Code.REV_RETURNED_NOTICE,
            agency=AGENCY,
            year=YEAR,
            number=1,
            by=REVIEWER,
            comments=comments,
        )
    # fix and resubmit: the reviewer sees what changed
    team.say(EDITOR, "修改 行政规范性文件")
    team.say(EDITOR, "0 0 6")
    assert team.say(EDITOR, "提交")[0].code is Code.REV_SUBMITTED
    inbox = team.resume(REVIEWER)
    summary = next(m.text for m in inbox if m.code is Code.REV_REQUEST).splitlines()
    assert summary[-2:] == [
        message(Code.REV_CHANGES_HEADER, number=1),
        message(Code.REV_CHANGED_CELL, cell=IN_FORCE, old=5, new=6),
    ]
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
    history = team.say(EDITOR, "历史")[0]
    assert history.code is Code.REV_HISTORY_HEADER
    header, first, second, *edits = history.text.splitlines()
    assert header == message(Code.REV_HISTORY_HEADER, agency=AGENCY, year=YEAR)
    returned = message(Code.REV_STATUS_RETURNED)
    version = pattern(Code.REV_HISTORY_VERSION, number=1, by=EDITOR, status=returned)
    found = version.fullmatch(first)
    assert found is not None
    assert comments in found["decision"]
    # every decision says who and when, in China's time (issue 16: the time was empty)
    returned_at = ws.versions(1)[0].decided_at
    assert returned_at is not None
    detail = message(
        Code.REV_DECISION_DETAIL,
        by=REVIEWER,
        at=returned_at.astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M"),
        comments=f"：{comments}",
    )
    assert found["decision"] == detail
    approved_status = message(Code.REV_STATUS_APPROVED)
    version = pattern(Code.REV_HISTORY_VERSION, number=2, by=EDITOR, status=approved_status)
    assert version.fullmatch(second)
    assert any(pattern(Code.REV_HISTORY_EDITS, user=EDITOR).fullmatch(line) for line in edits)


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
    inbox = desk.resume(ADMIN)
    # (queued reminders reach the officer without their code: matched by the catalogue text)
    due = pattern(Code.REV_REMIND_EDITORS, agency=AGENCY, year=YEAR, deadline="2024年1月31日")
    assert [bool(due.fullmatch(m.text)) for m in inbox if m.code is None] == [True, True]
    store.close()


def test_every_member_sees_the_history(team: Desk) -> None:
    """历史 also for a reviewer, who has no report open (issue 16)."""
    team.say(EDITOR, "/report")
    team.say(EDITOR, f"{AGENCY}{YEAR}年")
    assert codes(team.say(EDITOR, "提交"))[0] is Code.REV_SUBMITTED
    for member in (REVIEWER, EDITOR, ADMIN):
        out = team.say(member, "历史")
        assert out[0].code is Code.REV_HISTORY_HEADER, member
    # an aside does not send the reviewer their queue (and its .docx) again
    out = team.say(REVIEWER, "历史")
    assert Code.REV_REQUEST not in codes(out)
    assert not any(m.document for m in out)
    assert codes(team.say(OUTSIDER, "历史"))[0] is Code.CHAT_NO_REPORT


def test_a_reviewer_lands_on_the_review_queue_and_never_on_a_new_report(team: Desk) -> None:
    """Issue 16: reviewers were offered 新建报告 after joining and after every 审核."""
    code = team.invite(ADMIN, "审核人")
    joined = team.say("cli:reviewer2", f"/start {code}")
    assert codes(joined)[0] is Code.REV_JOINED
    assert Code.REV_NOTHING_TO_REVIEW in codes(joined)
    offered = [c.label for m in joined for c in m.choices]
    assert message(Code.CHAT_NEW_REPORT) not in offered
    assert Code.CHAT_ASK_AGENCY not in codes(joined)
    refused = team.say("cli:reviewer2", message(Code.CHAT_NEW_REPORT))
    assert codes(refused)[0] is Code.REV_FORBIDDEN
    listed = [c for m in joined for c in m.choices if m.code is Code.CHAT_CHOOSE_REPORT_TO_READ]
    assert listed  # the reports it may read
    past = team.say("cli:reviewer2", str(len(listed) + 1))  # no such entry in the list
    assert codes(past)[0] is Code.CHAT_BAD_CHOICE
    assert message(Code.CHAT_NEW_REPORT) not in past[0].text


def test_review_again_repeats_the_whole_request(team: Desk) -> None:
    """Issue 16: 审核 re-sent a 46-character line instead of the notice with the key
    figures, the findings and what changed."""
    team.say(EDITOR, "/report")
    team.say(EDITOR, f"{AGENCY}{YEAR}年")
    team.say(EDITOR, "提交")
    first = [m for m in team.resume(REVIEWER) if m.code is Code.REV_REQUEST]
    again = team.say(REVIEWER, "审核")
    requests = [m for m in again if m.code is Code.REV_REQUEST]
    assert [m.text for m in requests] == [first[-1].text]
    assert requests[0].choices
    assert any(m.document for m in again)
    assert again[-1].code is Code.REV_REQUEST  # its buttons are the ones at hand


def test_colleagues_are_named_as_people(store: Store) -> None:
    """Issue 16: members, submissions, requests and history named ids (tg:100000002)."""
    desk = make_team(Desk(store, {ADMIN: "张主任", EDITOR: "李科员", REVIEWER: "王审核"}))
    say = desk.say
    members = say(ADMIN, "成员")[0].text
    assert "李科员" in members
    assert EDITOR not in members  # 移除成员 and 称呼 take the name
    say(EDITOR, "称呼 张主任 张三")  # refused: an editor may not; and namesakes are told apart
    say(ADMIN, "称呼 李科员 张主任")
    assert EDITOR in say(ADMIN, "成员")[0].text
    assert say(ADMIN, "称呼 张主任 李科员")[0].code is Code.REV_AMBIGUOUS_MEMBER
    assert say(ADMIN, f"称呼 {EDITOR} 李科员")[0].code is Code.REV_NAMED
    submitted = say(ADMIN, "提交")[0]
    assert submitted.code is Code.REV_SUBMITTED
    assert "王审核" in submitted.text
    assert REVIEWER not in submitted.text
    request = next(m for m in say(REVIEWER, "审核") if m.code is Code.REV_REQUEST)
    assert "张主任" in request.text
    assert ADMIN not in request.text
    history = say(REVIEWER, "历史")[0].text
    assert "张主任" in history
    assert ADMIN not in history
    assert say(ADMIN, "移除成员 李科员")[0].code is Code.REV_MEMBER_REMOVED
    assert EDITOR not in say(ADMIN, "成员")[0].text


def test_an_admin_names_a_member_with_their_position_and_it_is_used_everywhere(
    store: Store,
) -> None:
    """Issue 16: 称呼 @user 张三 办公室主任."""
    desk = make_team(
        Desk(store, {ADMIN: "Zhang @zhang", EDITOR: "li", REVIEWER: "Wang Fang @wangf"})
    )
    say = desk.say
    named = say(ADMIN, "称呼 @wangf 王芳 办公室主任")[0]
    assert named.code is Code.REV_NAMED
    called = message(Code.REV_CALLED_WITH_POSITION, name="王芳", position="办公室主任")
    assert called in named.text
    assert say(ADMIN, "称呼 li 李明")[0].code is Code.REV_NAMED  # by the name shown
    say(REVIEWER, "/start")  # the account's name is recorded again: the given one stays
    assert called in say(ADMIN, "成员")[0].text
    assert called in say(ADMIN, "提交")[0].text
    assert "李明" in say(ADMIN, "成员")[0].text
    assert say(EDITOR, "称呼 @zhang 张三")[0].code is Code.REV_FORBIDDEN  # admins only
    assert say(ADMIN, "称呼 @nobody 某某")[0].code is Code.REV_NO_MEMBER
    assert say(ADMIN, "称呼 @wangf")[0].code is Code.REV_NAME_USAGE
    assert say(ADMIN, "移除成员 王芳")[0].code is Code.REV_MEMBER_REMOVED


def test_history_sums_edits_per_person_per_day_in_the_agency_time_zone(store: Store) -> None:
    """Issue 16: every history line has its date and time, in the configured time zone."""
    desk = Desk(store)
    desk.svc = chat.service(store)
    desk.svc.workflow.zone = ZoneInfo("Asia/Urumqi")  # UTC+6: `--time-zone Asia/Urumqi`
    make_team(desk)
    yesterday = "2024-12-19T17:30:00+00:00"  # 2024-12-19 23:30 in Urumqi, 12-20 01:30 in Beijing
    store.db.execute("update history set at = ? where id <= 10", [yesterday])
    desk.say(EDITOR, "/report")
    desk.say(EDITOR, f"{AGENCY}{YEAR}年")
    desk.say(EDITOR, "修改 行政规范性文件")
    desk.say(EDITOR, "1 0 7")
    assert codes(desk.say(EDITOR, "提交"))[0] is Code.REV_SUBMITTED
    lines = desk.say(REVIEWER, "历史")[0].text.splitlines()
    edits = [m for line in lines if (m := pattern(Code.REV_HISTORY_EDITS).fullmatch(line))]
    assert [(m["day"], m["user"]) for m in edits][:1] == [("2024-12-19", ADMIN)]
    assert {m["user"] for m in edits} == {ADMIN, EDITOR}
    assert len({m["day"] for m in edits}) == 2
    assert edits[0]["times"] == "23:30"  # all of that day's changes at one minute
    assert all(re.fullmatch(r"\d\d:\d\d(–\d\d:\d\d)?", m["times"]) for m in edits)
    version = store.db.execute("select submitted_at from versions").fetchone()[0]
    local = datetime.fromisoformat(version).astimezone(ZoneInfo("Asia/Urumqi"))
    assert local.strftime("%Y-%m-%d %H:%M") in lines[1]


def test_an_unknown_time_zone_is_refused_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["chat", "--db", str(tmp_path / "r.db"), "--time-zone", "Mars/Base"])
    assert status == 2
    assert capsys.readouterr().err.strip() == message(
        Code.CLI_BAD_ZONE, zone="Mars/Base", default="Asia/Shanghai"
    )
    assert not (tmp_path / "r.db").exists()
