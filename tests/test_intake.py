"""Files in the chat: last year's report as the baseline, this year's figures from a file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.conversation.types import Outgoing
from bot.drafting.render import render
from bot.format.catalogue import Code, message
from bot.format.datafile import Report
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.catalogue import mentions
from tests.helpers.chat import last_question, play, press, say, send_file, service
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.factories import consistent_report

AGENCY = SEED_SESSION[0]


@pytest.fixture
def svc(store: Store) -> Service:
    return service(store)


def test_last_year_pasted_then_offered(svc: Service) -> None:
    """Should take last year's report pasted as text, then offer its 结转 as 上年结转."""
    last = consistent_report(agency=AGENCY, year=2022)
    play(svc, SEED_SESSION[:4])
    out = say(svc, "导入上年报告")
    assert out[0].code is Code.IMP_CHAT_ASK
    out = say(svc, render(last, "txt").decode())
    assert out[0].code is Code.IMP_CHAT_PREVIOUS
    assert "概括本年度" in last_question(out)  # and the chat goes on where it was
    out = play(svc, [*SEED_SESSION[4:12], "3 1 19", *SEED_SESSION[13:16]])
    assert "上年报告“四、结转下年度继续办理”为 4 0 1 0 1 0（总计 6）" in last_question(out)


def test_a_file_of_another_year_or_garbage(svc: Service) -> None:
    play(svc, SEED_SESSION[:4])
    out = send_file(svc, "2020.html", render(consistent_report(agency=AGENCY, year=2020), "html"))
    assert out[0].code is Code.IMP_CHAT_OTHER_YEAR
    out = send_file(svc, "x.docx", b"\x00\x01garbage")
    assert out[0].code is Code.IMP_CHAT_UNREADABLE
    assert "概括本年度" in last_question(out)
    assert svc.store.find_report(AGENCY, 2020) is None


def test_this_years_workbook_fills_the_tables(svc: Service) -> None:
    """Should read this year's figures from the filled workbook, checked like typed ones."""
    play(svc, SEED_SESSION[:4])
    this = consistent_report(agency=AGENCY, year=2023)
    out = send_file(svc, "表格.xlsx", render(this, "xlsx"))
    assert out[0].code is Code.IMP_CHAT_FIGURES
    stored = svc.store.get_report(1)
    assert stored.applications == this.applications
    assert stored.review_litigation == this.review_litigation
    assert stored.active == this.active
    # the table questions are answered: the chat skips them
    out = play(svc, SEED_SESSION[4:11])
    assert "上年度报告提出的问题" in last_question(out)


def test_this_years_figures_with_an_error_are_refused(svc: Service) -> None:
    play(svc, SEED_SESSION[:4])
    this = consistent_report(agency=AGENCY, year=2023)
    this.applications["granted"][0] += 1
    out = send_file(svc, "表格.xlsx", render(this, "xlsx"))
    assert out[0].code is Code.IMP_CHAT_FIGURES_REFUSED
    assert "三、（一）予以公开·总计" in out[0].text
    assert svc.store.get_report(1).applications == {}


def test_last_years_report_sent_first_names_the_agency_and_the_year(
    svc: Service, store: Store
) -> None:
    """Issue 15: a file was refused before a report existed; now it starts the report."""
    play(svc, [])
    last = consistent_report(agency=AGENCY, year=2022)
    out = send_file(svc, "r.html", render(last, "html"))
    assert out[0].code is Code.IMP_CHAT_AGENCY_FROM_FILE
    assert out[-1].code is Code.CHAT_ASK_LEVEL  # a new agency: only its level, then the year
    out = say(svc, "自治州")
    assert mentions(out[-1].text, Code.CHAT_ASK_YEAR, default=2023)  # the year after it
    out = say(svc, "好")
    assert out[0].code is Code.CHAT_REPORT_CREATED
    assert store.find_report(AGENCY, 2022) is not None  # kept as last year's
    assert store.get_report(store.find_report(AGENCY, 2023)).agency_level == "prefecture"
    out = play(svc, ["转到 二", "修改 行政规范性文件"])
    assert "上年报告的现行有效件数" in last_question(out)


def test_a_file_first_never_claims_an_agency_of_others(svc: Service, store: Store) -> None:
    play(svc, [])
    send_file(svc, "r.html", render(consistent_report(agency=AGENCY, year=2022), "html"))
    out = send_file(
        svc, "r.html", render(consistent_report(agency=AGENCY, year=2022), "html"), "cli:other"
    )
    assert out[0].code is Code.REV_AGENCY_TAKEN
    assert len(store.list_reports()) == 1


@pytest.mark.slow
def test_terminal_sends_a_file(tmp_path: Path) -> None:
    last = tmp_path / "2022.docx"
    last.write_bytes(render(consistent_report(agency=AGENCY, year=2022), "docx"))
    proc = subprocess.run(
        [sys.executable, "-m", "bot.frontends.cli", "chat", "--db", str(tmp_path / "r.db")],
        input="\n".join([*SEED_SESSION[:4], f"/file {last}", f"/file {tmp_path}/none.docx"]),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert message(Code.IMP_CHAT_PREVIOUS, agency=AGENCY, year=2022) in proc.stdout
    assert mentions(proc.stdout, Code.IMP_CHAT_UNREADABLE, name="none.docx")


def send_untitled(svc: Service, year: int) -> tuple[Report, list[Outgoing]]:
    """A report of ``year`` sent as a file whose title line is gone."""
    play(svc, SEED_SESSION[:4])
    report = consistent_report(agency=AGENCY, year=year)
    text = render(report, "txt").decode()
    untitled = "\n".join(line for line in text.splitlines() if "年度报告" not in line)
    return report, send_file(svc, "报告.txt", untitled.encode())


def test_a_file_without_a_year_is_read_as_of_the_year_the_officer_names(svc: Service) -> None:
    """Should ask the year of a report whose title shows none, not guess or refuse it."""
    last, out = send_untitled(svc, 2022)
    assert out[-1].code is Code.IMP_CHAT_ASK_YEAR
    assert [c.name for c in out[-1].choices] == ["2022", "2023"]
    assert svc.store.find_report(AGENCY, 2022) is None  # nothing stored before the answer
    out = say(svc, "去年")
    assert out[0].code is Code.CHAT_BAD_YEAR
    assert out[-1].code is Code.IMP_CHAT_ASK_YEAR
    out = say(svc, "2022年")
    assert out[0].code is Code.IMP_CHAT_PREVIOUS
    stored = svc.store.find_report(AGENCY, 2022)
    assert stored is not None
    assert svc.store.get_report(stored).applications == last.applications
    assert "概括本年度" in last_question(out)  # and the chat goes on where it was


def test_the_year_of_a_file_can_be_chosen_with_a_button(svc: Service) -> None:
    this, out = send_untitled(svc, 2023)
    assert out[-1].code is Code.IMP_CHAT_ASK_YEAR
    out = press(svc, out[-1].step or "", "2023")
    assert out[0].code is Code.IMP_CHAT_FIGURES  # this year's figures, checked and kept
    assert svc.store.get_report(1).applications == this.applications


def test_last_years_paragraphs_are_offered_and_reused_with_a_word(store: Store) -> None:
    """Issue 15: last year's （三）–（五） paragraphs as a starting point, question by question."""
    from tests.helpers.published_pastes import EXAMPLE_SESSION

    scratch = Store.open(":memory:")
    play(service(scratch), EXAMPLE_SESSION)
    [info] = scratch.list_reports()
    last = scratch.get_report(info.id)
    scratch.close()
    svc = service(store)
    play(svc, [])
    send_file(svc, "2023.docx", render(last, "docx"))  # as published: text, no answers
    out = play(svc, ["3", "好", "跳过", "1 2", "160 70", "发布工业运行信息"])
    asked = last_question(out)
    assert mentions(asked, Code.CHAT_LAST_ANSWER)
    assert "三审三校" in asked  # last year's （三）, from its published text
    out = say(svc, "沿用")
    assert Code.CHAT_REUSED in [o.code for o in out]
    report = store.get_report(store.find_report(AGENCY, 2024) or 0)
    assert "三审三校" in "".join(report.extra["answers"]["info_management"])
