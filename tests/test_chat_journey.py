"""An officer's whole report through the conversation, and resuming after a kill."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.checks.rules import check
from bot.conversation.flows import flow
from bot.conversation.journey import Facts, next_step, plan, progress
from bot.format.catalogue import Code, message
from bot.format.datafile import Report
from bot.frontends.telegram_format import split_text, utf16_len
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.chat import (
    TODAY,
    codes,
    exported,
    grant,
    last_question,
    play,
    resume,
    say,
    service,
)
from tests.helpers.chat_script import SEED_SESSION, TABLE_MESSAGES
from tests.helpers.drafts import IMPORTED_OVERVIEW
from tests.helpers.factories import consistent_report


def test_whole_seed_report_in_few_messages(store: Store, seed: Report) -> None:
    """Should reproduce every table of seed-2023.yaml in ≤40 messages (≤15 for tables)."""
    svc = Service(store, today=lambda: TODAY)  # the real drafting
    out = play(svc, SEED_SESSION)
    assert out[-1].code is Code.CHAT_ALL_DONE
    assert len(SEED_SESSION) <= 40
    assert len(TABLE_MESSAGES) <= 15
    report = exported(svc)
    assert (report.agency, report.year) == (seed.agency, seed.year)
    assert report.active == seed.active
    assert report.applications == seed.applications
    assert report.review_litigation == seed.review_litigation
    # the data file carries the composed prose: the report is complete and consistent
    assert set(report.narrative) == {"overview", "problems", "other_matters"}
    assert "本年度未收取信息处理费" in report.narrative["other_matters"]
    assert check(report) == []
    checked = say(svc, "检查")
    assert checked[0].code is Code.CHAT_CHECK_CLEAN
    preview = say(svc, "预览")
    assert preview[0].draft  # the whole draft: the front end announces and splits it
    chunks = split_text(preview[0].text)
    assert chunks
    assert all(utf16_len(c) <= 4096 for c in chunks)
    assert "黔西南州工业和信息化局2023年政府信息公开工作年度报告" in chunks[0]
    say(svc, "导出")
    [docx] = [m.document for m in say(svc, "docx") if m.document]
    assert docx[0].endswith(".docx")
    assert docx[1][:2] == b"PK"  # a zip container


def test_table3_pasted_at_once(store: Store, report: Report) -> None:
    """Should take the whole of table 三 pasted from Excel (labels and tabs) in one message."""
    from bot.format.model import model

    svc = service(store)
    play(svc, SEED_SESSION[:15])
    rows = [
        f"{row.label}\t" + "\t".join(map(str, report.applications[row.key]))
        for row in model().applications.rows
    ]
    out = say(svc, "\n".join(["申请人情况\t自然人\t商业企业", *rows]))
    assert out[0].code is Code.CHAT_PASTE_OK
    assert "四、本年度有没有" in last_question(out)
    assert exported(svc).applications == report.applications


def test_pasted_table_with_error_is_refused_and_named(store: Store, report: Report) -> None:
    from bot.format.model import model

    svc = service(store)
    play(svc, SEED_SESSION[:15])
    report.applications["granted"][1] += 1
    rows = ["\t".join(map(str, report.applications[row.key])) for row in model().applications.rows]
    out = say(svc, "\n".join(rows))
    assert out[0].code is Code.CHAT_PASTE_ERRORS
    assert "三、（一）予以公开·总计" in out[0].text
    assert "三、本年新收政府信息公开申请数量" in last_question(out)
    assert "new" not in store.get_report(1).applications


@pytest.mark.parametrize("cut", range(len(SEED_SESSION) + 1))
def test_kill_between_answers_loses_nothing(tmp_path: Path, seed: Report, cut: int) -> None:
    """Should resume at the same question after the process dies between two answers."""
    db = tmp_path / "r.db"
    first = Store.open(db)
    before = play(service(first), SEED_SESSION[:cut])
    # the first process is gone without closing anything; a new one opens the same file
    second = Store.open(db)
    svc = service(second)
    resumed = resume(svc)
    if cut:
        assert last_question(resumed) == last_question(before)
    for line in SEED_SESSION[cut:]:
        say(svc, line)
    assert exported(svc).applications == seed.applications
    first.close()
    second.close()


def test_several_reports_per_database(store: Store) -> None:
    """Should keep agencies × years apart, each officer seeing only their agency's reports."""
    svc = service(store)
    play(svc, SEED_SESSION[:4])
    out = say(svc, "/report")
    assert out[-1].code is Code.CHAT_CHOOSE_REPORT
    say(svc, "新建报告")  # the officer's agency is known: only the year is asked
    out = say(svc, "2022")
    assert out[0].code is Code.CHAT_REPORT_CREATED
    other = "cli:colleague"
    out = play(svc, ["某某县农业农村局", "4", "贵州省某某县", "好"], user=other)
    assert out[0].code is Code.CHAT_REPORT_CREATED
    assert out[1].code is Code.CHAT_RULES_ZERO
    assert sorted((r.agency, r.year) for r in store.list_reports()) == [
        ("某某县农业农村局", 2024),  # in December, this year's report
        ("黔西南州工业和信息化局", 2022),
        ("黔西南州工业和信息化局", 2023),
    ]
    county = store.find_report("某某县农业农村局", 2024)
    assert store.get_report(county).active == {
        "rules.issued": 0,
        "rules.abolished": 0,
        "rules.in_force": 0,
    }
    say(svc, "/report")
    out = say(svc, "黔西南州工业和信息化局2023年")
    assert "概括本年度" in last_question(out)
    # the colleague's list holds only their own agency's report
    out = say(svc, "/report", user=other)
    assert [c.label for c in out[-1].choices][:-1] == ["某某县农业农村局2024年"]


def test_a_report_is_chosen_by_its_place_in_the_list_or_a_part_of_its_name(
    store: Store,
) -> None:
    """A typed number is the report's place in the list shown, whatever its id."""
    svc = service(store)
    play(svc, SEED_SESSION[:4])  # report 1: 2023
    play(svc, ["/report", "新建报告", "2022"])  # report 2: 2022
    listed = [c.label for c in say(svc, "/report")[-1].choices]
    second = store.find_report(SEED_SESSION[0], int(listed[1][-5:-1]))
    say(svc, "2")
    assert store.load_session("cli:officer").report_id == second
    say(svc, "/report")
    say(svc, "2022")  # a part of one name alone
    assert store.load_session("cli:officer").report_id == store.find_report(SEED_SESSION[0], 2022)
    say(svc, "/report")
    out = say(svc, "2021")
    assert codes(out)[0] is Code.CHAT_BAD_CHOICE
    assert message(Code.CHAT_NEW_REPORT) in out[0].text  # an officer may start one


def test_same_agency_and_year_opens_existing(store: Store) -> None:
    svc = service(store)
    play(svc, SEED_SESSION[:5])
    say(svc, "/report")
    say(svc, "新建报告")
    out = say(svc, "2023")
    assert out[0].code is Code.CHAT_REPORT_OPENED
    assert "（一）主动公开：本年度通过哪些渠道" in last_question(out)


def test_a_report_loaded_whole_is_complete_until_a_part_is_redrafted(store: Store) -> None:
    """A data file loaded with its prose and tables asks nothing (its text stands, its
    tables answer the questions about them); once a question of a part is answered, the
    part is drafted from answers and its other questions are asked."""
    loaded = consistent_report(agency="某县交通运输局")
    store.import_report(loaded, user="cli:load", frontend="cli")
    grant(store, loaded.agency)
    svc = service(store)
    say(svc, "/start")
    out = say(svc, "1")  # the report, from the list
    assert Code.CHAT_ALL_DONE in codes(out)
    say(svc, "转到 一")
    out = say(svc, "本年度，我局以制度建设为抓手推进政务公开。")
    assert "（一）主动公开" in last_question(out)  # the rest of 一 is asked now
    out = play(svc, ["转到 六"])
    assert "信息处理费" in last_question(out)  # walked on request, though not owed


def test_redrafting_an_imported_part_asks_only_what_its_text_lacks() -> None:
    """The imported 总体情况 has its five sub-parts: answering the opening again asks the
    channels (no sub-part says them as answers), never (三)–(五), kept from the text."""
    report = consistent_report()
    report.narrative = {"overview": IMPORTED_OVERVIEW}
    report.extra["answers"] = {"overview_intro": "本年度，我局以公开促规范。"}
    steps = [s for s in plan(flow(), report) if s.part == "overview"]
    asked = []
    while (step := next_step(steps, report, Facts(), None)) is not None:
        asked.append(step.name)
        report.extra["answers"][step.name] = {} if step.type == "counts" else ["x"]
    assert asked == ["active_channels"]
    [overview] = [p for p in progress(flow(), report, Facts()) if p.key == "overview"]
    assert overview.done == overview.total
