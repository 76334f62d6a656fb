"""Every route checks who is asking: files, agency names, admins, invites, queued messages
and forged buttons (issue 13, "Authorization")."""

from __future__ import annotations

import pytest

from bot.drafting.render import render
from bot.format.catalogue import Code
from bot.format.report import Report
from bot.store.office import WorkflowStore
from bot.store.reports import Store
from tests.helpers import chat
from tests.helpers.chat import codes
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.factories import consistent_report
from tests.helpers.office import ADMIN, AGENCY, EDITOR, REVIEWER, YEAR, Desk, make_team


@pytest.fixture
def team(store: Store) -> Desk:
    return make_team(Desk(store))


def open_report(desk: Desk, user: str) -> None:
    desk.say(user, "/report")
    desk.say(user, f"{AGENCY}{YEAR}年")


def figures_file(year: int) -> bytes:
    """A published report of the agency (as text) with other figures than the team's."""
    return render(consistent_report(agency=AGENCY, year=year), "txt")


@pytest.mark.parametrize("year", [YEAR, YEAR - 1])  # this year's figures, last year's report
def test_a_reviewers_file_changes_nothing(team: Desk, year: int) -> None:
    open_report(team, REVIEWER)
    before = team.store.list_reports()
    report = team.store.get_report(before[0].id)
    out = chat.send_file(team.svc, "报告.txt", figures_file(year), REVIEWER)
    assert codes(out)[0] is Code.REV_READ_ONLY
    assert team.store.list_reports() == before
    assert team.store.get_report(before[0].id) == report


def test_a_reviewer_cannot_start_an_import(team: Desk) -> None:
    open_report(team, REVIEWER)
    assert codes(team.say(REVIEWER, "导入上年报告"))[0] is Code.REV_READ_ONLY
    out = team.say(REVIEWER, "2022年某局政府信息公开工作年度报告")  # not read as a report
    assert Code.IMP_CHAT_PREVIOUS not in codes(out)


def test_an_editors_file_is_still_read(team: Desk) -> None:
    open_report(team, EDITOR)
    out = chat.send_file(team.svc, "上年报告.txt", figures_file(YEAR - 1), EDITOR)
    assert codes(out)[0] is Code.IMP_CHAT_PREVIOUS


def test_a_name_never_claims_an_agency_without_members(store: Store) -> None:
    store.import_report(Report(AGENCY, YEAR - 1), user="cli:operator", frontend="cli")
    svc = chat.service(store)
    out = chat.play(svc, SEED_SESSION[:1])  # the name: told at once (issue 16)
    assert codes(out) == [Code.REV_AGENCY_TAKEN]
    assert codes(chat.play(svc, SEED_SESSION[1:4]))[0] is not Code.CHAT_REPORT_CREATED
    assert WorkflowStore(store).memberships(chat.USER) == []
    assert [r.year for r in store.list_reports()] == [YEAR - 1]


def test_the_operator_grants_an_agency_and_its_level_is_asked_once(store: Store) -> None:
    store.import_report(Report(AGENCY, YEAR - 1), user="cli:operator", frontend="cli")
    chat.grant(store, AGENCY)
    svc = chat.service(store)
    chat.play(svc, ["/report", "2"])  # a new report of the granted agency
    assert codes(chat.say(svc, SEED_SESSION[1]))[0] is Code.CHAT_ASK_YEAR  # level; no region
    assert Code.CHAT_REPORT_CREATED in codes(chat.say(svc, SEED_SESSION[3]))
    [agency] = WorkflowStore(store).memberships(chat.USER)
    assert (agency.role, agency.level) == ("admin", "prefecture")


def test_the_last_admin_cannot_leave(team: Desk) -> None:
    assert codes(team.say(ADMIN, f"移除成员 {ADMIN}"))[0] is Code.REV_LAST_ADMIN
    roles = {m.user: m.role for m in WorkflowStore(team.store).members(1)}
    assert roles[ADMIN] == "admin"


def test_the_last_admin_is_not_demoted_by_a_grant(team: Desk) -> None:
    offices = WorkflowStore(team.store)
    with pytest.raises(Exception, match=ADMIN):
        offices.grant(1, ADMIN, "reviewer")
    assert offices.role(ADMIN, 1) == "admin"


def test_an_invite_never_changes_a_members_role(team: Desk) -> None:
    code = team.invite(ADMIN, "审核人")
    assert codes(team.say(ADMIN, f"/start {code}"))[0] is Code.REV_ALREADY_MEMBER
    assert WorkflowStore(team.store).role(ADMIN, 1) == "admin"
    # the invite is still there for the colleague it was meant for
    assert codes(team.say("cli:new", f"/start {code}"))[0] is Code.REV_JOINED


def test_a_removed_member_gets_nothing_queued_before(team: Desk) -> None:
    open_report(team, EDITOR)
    assert codes(team.say(EDITOR, "提交"))[0] is Code.REV_SUBMITTED
    assert codes(team.say(ADMIN, f"移除成员 {REVIEWER}"))[0] is Code.REV_MEMBER_REMOVED
    out = team.resume(REVIEWER)
    assert Code.REV_REQUEST not in codes(out)
    assert not any(m.document for m in out)


@pytest.mark.parametrize("version", ["99999999999999999999", "１", "-1", "1e3", ""])
def test_a_forged_review_button_is_refused_politely(team: Desk, version: str) -> None:
    out = team.press(REVIEWER, f"review:{version}", "approve")
    assert codes(out)[0] is Code.CHAT_EXPIRED
