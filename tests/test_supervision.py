"""A supervising office with five subordinate agencies, end to end through the service:
the roster's states, 备案, chasing on the office's schedule, and the region's sum."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from bot.conversation.types import Input
from bot.drafting.render import render
from bot.format.catalogue import Code, message
from bot.format.model import model
from bot.format.report import Report
from bot.frontends.telegram_format import callback_data, parse_callback
from bot.service.turns import Outgoing
from bot.store.office import WorkflowStore
from bot.store.reports import Store
from bot.store.supervision import SupervisionStore
from tests.helpers.catalogue import pattern
from tests.helpers.chat import codes, last_question
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.office import YEAR, Desk, request_step

OFFICE, OFFICE_ADMIN = "某区政务公开办", "cli:office"
NAMES = ("某区教育局", "某区民政局", "某区财政局", "某区卫健委", "某区交通局")
ADMINS = tuple(f"cli:a{i}" for i in range(5))
REVIEWERS = tuple(f"cli:r{i}" for i in range(5))
URL = "https://www.example.gov.cn/xxgk/2023.html"


class Clock:
    """The service's day, moved by the test."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def region(store: Store) -> tuple[Desk, Clock]:
    """The office with its report open, 备案 required, five subordinates whose admins
    joined; the first four filled the whole report and have a reviewer."""
    desk, clock = Desk(store), Clock(date(YEAR + 1, 1, 10))
    desk.svc.today = clock
    desk.play(OFFICE_ADMIN, [OFFICE, *SEED_SESSION[1:4]])
    assert desk.say(OFFICE_ADMIN, "备案 需要")[0].code is Code.SUP_FILING_ON
    out = desk.say(OFFICE_ADMIN, "下级 添加 " + "、".join(NAMES))
    assert codes(out)[:5] == [Code.SUP_ADDED] * 5
    for name, admin, text in zip(NAMES, ADMINS, out, strict=False):
        found = pattern(Code.SUP_ADDED, agency=name).fullmatch(text.text)
        assert found is not None
        assert desk.say(admin, f"/start {found['invite_code']}")[0].code is Code.REV_JOINED
    for admin, reviewer in zip(ADMINS[:4], REVIEWERS, strict=False):
        desk.play(admin, SEED_SESSION[1:])
        assert codes(desk.join(admin, reviewer, "审核人"))[0] is Code.REV_JOINED
    return desk, clock


def states(desk: Desk) -> list[tuple[str, str]]:
    """The roster's (agency, state) pairs in its order; checks the workbook agrees."""
    out = desk.say(OFFICE_ADMIN, "名单")
    assert out[0].code is Code.SUP_ROSTER_HEADER
    lines = out[0].text.splitlines()[1:]
    found = [pattern(Code.SUP_ROSTER_LINE).fullmatch(line) for line in lines]
    pairs = [(f["agency"], f["state"]) for f in found if f is not None]
    assert len(pairs) == len(NAMES)
    assert out[1].document is not None
    sheet = load_workbook(BytesIO(out[1].document[1])).active
    assert [(r[1], r[2]) for r in sheet.iter_rows(min_row=2, values_only=True)] == pairs
    assert out[2].document is not None
    assert out[2].document[0].endswith(".html")
    page = out[2].document[1].decode("utf-8")
    cells = re.findall(r"<tr><td>\d+</td><td>(.*?)</td><td>(.*?)</td>", page)
    assert [(a, html.unescape(st)) for a, st in cells] == pairs
    return pairs


def filing_step(out: list[Outgoing], agency: str) -> str:
    """The step of the 备案 request about ``agency``, whose buttons survive Telegram."""
    [request] = [m for m in out if m.code is Code.SUP_FILING_REQUEST and agency in m.text]
    assert request.step is not None
    for choice in request.choices:
        data = callback_data(request.step, choice.name)
        assert parse_callback(data) == (request.step, choice.name)
    return request.step


def summed(store: Store, office_report: int) -> Report:
    """The cell-wise sum of every subordinate's latest approved version, added here."""
    ws, m = WorkflowStore(store), model()
    office = ws.agency_of_report(office_report)
    assert office is not None
    total = Report(OFFICE, YEAR)
    for sub in SupervisionStore(store).subordinates(office, YEAR):
        if sub.approved_id is None:
            continue
        version = ws.version(sub.approved_id)
        assert version is not None
        snap = Desk(store).svc.workflow.snapshot(version)
        for cell in m.active_cells:
            total.active[cell.path] = total.active.get(cell.path, 0) + snap.active[cell.path]
        for name in ("applications", "review_litigation"):
            mine = getattr(total, name)
            for key, values in getattr(snap, name).items():
                mine[key] = [
                    a + b for a, b in zip(mine.get(key, [0] * len(values)), values, strict=True)
                ]
    return total


def tables(report: Report) -> tuple[object, ...]:
    return report.active, report.applications, report.review_litigation


def test_an_office_and_five_agencies(region: tuple[Desk, Clock]) -> None:
    desk, _ = region
    s = {code: message(code) for code in (Code.SUP_STATE_NOT_STARTED, Code.SUP_STATE_SUBMITTED)}
    drafting = message(Code.SUP_STATE_DRAFTING, percent=100)
    assert sorted(states(desk)) == sorted(
        [(n, drafting) for n in NAMES[:4]] + [(NAMES[4], s[Code.SUP_STATE_NOT_STARTED])]
    )
    for admin in ADMINS[:4]:
        assert desk.say(admin, "提交")[0].code is Code.REV_SUBMITTED
    assert states(desk)[0] == (NAMES[4], s[Code.SUP_STATE_NOT_STARTED])  # most urgent
    assert {st for _, st in states(desk)[1:]} == {s[Code.SUP_STATE_SUBMITTED]}
    # three approved by their reviewers, one returned
    for reviewer in REVIEWERS[:3]:
        desk.press(reviewer, request_step(desk.resume(reviewer)), "approve")
    desk.press(REVIEWERS[3], request_step(desk.resume(REVIEWERS[3])), "return")
    assert codes(desk.say(REVIEWERS[3], "现行有效件数应为 6")) == [Code.REV_RETURNED]
    # 备案 at the office: one approved and published, one approved, one returned
    inbox = desk.resume(OFFICE_ADMIN)
    again = desk.say(OFFICE_ADMIN, "审核")  # the requests, shown again
    assert codes(again).count(Code.SUP_FILING_REQUEST) == 3
    for name in NAMES[:2]:
        out = desk.press(OFFICE_ADMIN, filing_step(inbox, name), "approve")
        assert codes(out)[0] is Code.SUP_FILED
    out = desk.press(OFFICE_ADMIN, filing_step(inbox, NAMES[2]), "return")
    assert codes(out) == [Code.REV_ASK_COMMENTS]
    assert codes(desk.say(OFFICE_ADMIN, "第五部分未写整改情况"))[0] is Code.SUP_FILING_RETURNED
    notices = desk.resume(ADMINS[2])
    assert Code.SUP_FILING_RETURNED_NOTICE in codes(notices)
    assert Code.SUP_FILED_NOTICE in codes(desk.resume(ADMINS[0]))
    assert codes(desk.say(ADMINS[0], f"已公开 {URL} 2024-01-20"))[0] is Code.SUP_PUBLISHED
    assert states(desk) == [
        (NAMES[4], s[Code.SUP_STATE_NOT_STARTED]),
        (NAMES[3], message(Code.SUP_STATE_RETURNED)),  # (as urgent: by name)
        (NAMES[2], message(Code.SUP_STATE_FILING_RETURNED)),
        (NAMES[1], message(Code.SUP_STATE_FILED)),
        (NAMES[0], message(Code.SUP_STATE_PUBLISHED, date="2024-01-20", url=URL)),
    ]
    # the returned one is fixed, submitted again, approved: awaiting 备案
    desk.say(ADMINS[3], "修改 行政规范性文件")
    desk.say(ADMINS[3], "0 0 6")
    assert desk.say(ADMINS[3], "提交")[0].code is Code.REV_SUBMITTED
    desk.press(REVIEWERS[3], request_step(desk.resume(REVIEWERS[3])), "approve")
    assert (NAMES[3], message(Code.SUP_STATE_FILING)) in states(desk)


def test_the_laggard_is_reminded_once_per_scheduled_day(region: tuple[Desk, Clock]) -> None:
    desk, clock = region
    for admin, reviewer in zip(ADMINS[:4], REVIEWERS, strict=False):
        desk.say(admin, "提交")
        desk.press(reviewer, request_step(desk.resume(reviewer)), "approve")
    chase = desk.svc.supervision.chase_due
    deadline = date(YEAR + 1, 1, 31)
    sent = []
    for day in range(1, 32):
        clock.day = date(YEAR + 1, 1, day)
        sent += [day] * chase(clock.day)
        sent += [day] * chase(clock.day)  # the job runs again the same day: nothing more
    assert [deadline.day - day for day in sent] == [14, 7, 3, 1]
    inbox = desk.resume(ADMINS[4])
    assert codes(inbox).count(Code.SUP_CHASE_NOTICE) == 4
    assert all(Code.SUP_CHASE_NOTICE not in codes(desk.resume(a)) for a in ADMINS[:4])
    # the office sees who was reminded, when; and reminds the laggard at once
    [line] = [ln for ln in desk.say(OFFICE_ADMIN, "名单")[0].text.splitlines() if NAMES[4] in ln]
    found = pattern(Code.SUP_ROSTER_LINE).fullmatch(line)
    assert found is not None
    assert found["reminded"].count("、") == 3
    out = desk.say(OFFICE_ADMIN, "催报")
    assert out[0].text == message(Code.SUP_CHASED, count=1, agencies=NAMES[4], people=1)


def test_the_office_sets_its_schedule(region: tuple[Desk, Clock]) -> None:
    desk, clock = region
    assert desk.say(OFFICE_ADMIN, "催报 十天")[0].code is Code.SUP_SCHEDULE_USAGE
    assert desk.say(OFFICE_ADMIN, "催报 10 2")[0].code is Code.SUP_SCHEDULE_SET
    sent = []
    for day in range(1, 32):
        clock.day = date(YEAR + 1, 1, day)
        sent += [day] * desk.svc.supervision.chase_due(clock.day)
        desk.svc.workflow.queue_reminders(clock.day)  # the agencies' own: not for these
    # every agency is behind (none submitted): its admin is reminded (its reviewer is not)
    assert sent == [21] * 5 + [29] * 5
    inbox = desk.resume(ADMINS[0])
    assert codes(inbox).count(Code.SUP_CHASE_NOTICE) == 2
    assert not [m for m in inbox if pattern(Code.REV_REMIND_EDITORS).fullmatch(m.text)]


def test_the_region_sums_the_approved_versions(region: tuple[Desk, Clock]) -> None:
    desk, _ = region
    store = desk.store
    office_report = store.find_report(OFFICE, YEAR)
    assert office_report is not None
    assert codes(desk.say(OFFICE_ADMIN, "汇总下级"))[0] is Code.SUP_SUM_NONE
    for admin, reviewer in zip(ADMINS[:3], REVIEWERS, strict=False):
        desk.say(admin, "提交")
        desk.press(reviewer, request_step(desk.resume(reviewer)), "approve")
    desk.say(ADMINS[3], "提交")  # submitted, not approved: not in the sum
    out = desk.say(OFFICE_ADMIN, "汇总下级")
    assert out[0].code is Code.SUP_SUMMED
    assert out[0].text.endswith(message(Code.SUP_SUM_CHECKS_OK))
    [shares] = [m.text for m in out if m.code is Code.SUP_LARGEST_SHARES]
    assert all(f"{name} " in shares for name in NAMES[:3])
    # the office's own narrative questions offer what the sum shows
    asked = last_question(desk.say(OFFICE_ADMIN, "修改 overview_intro"))
    assert message(Code.CHAT_REGION_SUGGESTIONS, lines=shares) in asked
    first = store.get_report(office_report)
    assert tables(first) == tables(summed(store, office_report))
    seed = store.get_report(store.find_report(NAMES[0], YEAR) or 0)
    assert first.applications["new"] == [3 * v for v in seed.applications["new"]]
    # each cell says which agencies it comes from
    new = seed.applications["new"][-1]
    assert new > 0
    out = desk.say(OFFICE_ADMIN, "来源 一、本年新收申请")[0]
    assert out.code is Code.SUP_CELL_SOURCES
    found = pattern(Code.SUP_CELL_SOURCES).fullmatch(out.text)
    assert found is not None
    assert (found["total"], found["count"]) == (str(3 * new), "3")
    assert sorted(found["agencies"].split("、")) == sorted(f"{n} {new}" for n in NAMES[:3])
    assert desk.say(OFFICE_ADMIN, "来源 第九张表")[0].code is Code.SUP_CELL_UNKNOWN
    # a later edit changes nothing until it is approved again
    desk.say(ADMINS[0], "修改 行政规范性文件")
    desk.say(ADMINS[0], "0 0 9")
    desk.say(OFFICE_ADMIN, "汇总下级")
    assert tables(store.get_report(office_report)) == tables(first)
    desk.say(ADMINS[0], "提交")
    desk.press(REVIEWERS[0], request_step(desk.resume(REVIEWERS[0])), "approve")
    desk.say(OFFICE_ADMIN, "汇总下级")
    again = store.get_report(office_report)
    assert tables(again) == tables(summed(store, office_report))
    assert again.active != first.active


def test_a_break_against_last_years_sum_is_flagged(region: tuple[Desk, Clock]) -> None:
    desk, _ = region
    last = Report(OFFICE, YEAR - 1, {"normative_docs.in_force": 1})
    desk.store.import_report(last, user="cli:office", frontend="cli")
    desk.say(ADMINS[0], "提交")
    desk.press(REVIEWERS[0], request_step(desk.resume(REVIEWERS[0])), "approve")
    out = desk.say(OFFICE_ADMIN, "汇总下级")
    assert out[0].code is Code.SUP_SUMMED
    assert not out[0].text.endswith(message(Code.SUP_SUM_CHECKS_OK))


def test_only_the_offices_admin_manages_it(region: tuple[Desk, Clock]) -> None:
    desk, _ = region
    assert codes(desk.join(OFFICE_ADMIN, "cli:office-reviewer", "审核人"))[0] is Code.REV_JOINED
    for command in ("名单", "催报", "备案 不需要", "下级 添加 某区水务局", "汇总下级"):
        assert desk.say("cli:office-reviewer", command)[0].code is Code.REV_FORBIDDEN
    assert desk.say(OFFICE_ADMIN, "进度 全部")[0].code is Code.SUP_ROSTER_HEADER
    # an agency's admin has no subordinates of its own
    assert desk.say(ADMINS[0], "名单")[0].code is Code.SUP_NO_SUBORDINATES
    assert desk.say(OFFICE_ADMIN, "下级 添加")[0].code is Code.SUP_ADD_USAGE
    assert desk.say(OFFICE_ADMIN, "下级")[0].code is Code.CHAT_NEEDS_ARGUMENT
    assert desk.say(OFFICE_ADMIN, "下级 添加 某区教育局")[0].code is Code.SUP_TAKEN
    assert desk.say(OFFICE_ADMIN, "备案 也许")[0].code is Code.SUP_FILING_USAGE
    assert desk.say(ADMINS[0], "已公开 明天")[0].code is Code.SUP_PUBLISH_USAGE
    assert desk.say(ADMINS[0], f"已公开 {URL} 2024-02-30")[0].code is Code.SUP_PUBLISH_USAGE
    out = desk.say(ADMINS[0], "已公开 https://x.gov.cn/2024/01/02/r.html 2024年1月25日")
    assert out[0].text == message(
        Code.SUP_PUBLISHED,
        agency=NAMES[0],
        year=YEAR,
        date="2024-01-25",
        url="https://x.gov.cn/2024/01/02/r.html",
    )
    # an agency's name never becomes markup on the roster's page
    assert desk.say(OFFICE_ADMIN, "下级 添加 <b>某局</b>")[0].code is Code.SUP_ADDED
    document = desk.say(OFFICE_ADMIN, "名单")[2].document
    assert document is not None
    assert "&lt;b&gt;某局&lt;/b&gt;" in document[1].decode("utf-8")
    assert "<b>" not in document[1].decode("utf-8")


@pytest.mark.slow
def test_the_roster_page_renders_in_chromium(region: tuple[Desk, Clock], tmp_path: Path) -> None:
    chromium = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    if chromium is None:
        pytest.skip("chromium / chromium-browser / google-chrome is not installed")
    desk, _ = region
    document = desk.say(OFFICE_ADMIN, "名单")[2].document
    assert document is not None
    page, shot = tmp_path / "roster.html", tmp_path / "roster.png"
    page.write_bytes(document[1])
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1200,800",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", page.as_uri()],
        check=True,
        capture_output=True,
        text=True,
        timeout=180,
    ).stdout
    assert all(name in text for name in NAMES)


def test_a_list_of_agencies_sent_as_a_file(store: Store) -> None:
    desk = Desk(store)
    desk.play(OFFICE_ADMIN, [OFFICE, *SEED_SESSION[1:4]])
    book = Workbook()
    sheet = book.active
    for row in (["序号", "机关名称"], [1, "某区水务局"], [2, "某区林业局"], [3, "<某区气象局>"]):
        sheet.append(row)
    data = BytesIO()
    book.save(data)
    sent = Input(text="下级 添加", document=("下级机关.xlsx", data.getvalue()))
    out = desk.svc.handle(OFFICE_ADMIN, sent, "cli")
    added = [pattern(Code.SUP_ADDED).fullmatch(m.text) for m in out if m.code is Code.SUP_ADDED]
    assert [found["agency"] for found in added if found] == [
        "某区水务局",
        "某区林业局",
        "<某区气象局>",
    ]
    text = Input(text="下级 添加 某区审计局", document=("名单.txt", "某区统计局\n".encode()))
    out = desk.svc.handle(OFFICE_ADMIN, text, "cli")
    assert len([m for m in out if m.code is Code.SUP_ADDED]) == 2
    broken = Input(text="下级 添加", document=("名单.xlsx", b"not a workbook"))
    out = desk.svc.handle(OFFICE_ADMIN, broken, "cli")
    assert out[0].code is not Code.SUP_ADDED
    assert out[0].text


def test_the_published_file_is_checked_against_the_approved_version(
    region: tuple[Desk, Clock],
) -> None:
    desk, _ = region
    desk.say(ADMINS[0], "提交")
    desk.press(REVIEWERS[0], request_step(desk.resume(REVIEWERS[0])), "approve")
    ws = desk.svc.workflow.ws
    report_id = desk.store.find_report(NAMES[0], YEAR)
    assert report_id is not None
    approved = desk.svc.workflow.snapshot(ws.versions(report_id)[-1])
    caption = f"已公开 {URL} 2024-01-20"
    same = Input(text=caption, document=("报告.txt", render(approved, "txt")))
    out = desk.svc.handle(ADMINS[0], same, "cli")
    assert codes(out)[:2] == [Code.SUP_PUBLISHED, Code.SUP_PUBLISHED_SAME]
    changed = approved.copy()
    changed.active["licensing"] = approved.active["licensing"] + 7
    unlike = Input(text=caption, document=("报告.txt", render(changed, "txt")))
    out = desk.svc.handle(ADMINS[0], unlike, "cli")
    assert codes(out)[:2] == [Code.SUP_PUBLISHED, Code.SUP_PUBLISHED_DIFFERS]
    assert out[1].text.splitlines()[0] == message(Code.SUP_PUBLISHED_DIFFERS, count=1)
    published = message(Code.SUP_STATE_PUBLISHED, date="2024-01-20", url=URL)
    note = message(Code.SUP_PUBLISHED_DIFFERENCES, count=1)
    assert (NAMES[0], published + note) in states(desk)
