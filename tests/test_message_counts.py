"""How many messages an officer sends for a whole report (issue 15), pinned.

The example report, from the start to every format exported, in at most 20 messages
(13 today), through the terminal chat and through Telegram; the same agency's next year,
last year's report sent first, to a .docx in at most 12 (11 today). The officer takes
the fast paths the chat tells them about: part 一 pasted whole, the channels with their
counts, the tables as one workbook, part 六 as most agencies write it (全部确认). Each
script below is the whole conversation: a change that needs one more message leaves the
report unfinished, or the script longer than the pinned count, and fails here.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.conversation.flows import flow
from bot.conversation.journey import Facts, progress
from bot.drafting.render import render
from bot.format.report import Report
from bot.frontends.telegram_bot import App
from bot.frontends.terminal import BLOCK, FILE_COMMAND, run_chat
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.chat import TODAY, fake_drafter, play, service
from tests.helpers.published_pastes import EXAMPLE_SESSION
from tests.helpers.telegram_fakes import (
    RecordingRequest,
    as_update,
    button_data,
    buttons,
    document_data,
    labels,
    running_app,
    text_data,
)

FIRST_YEAR_LIMIT = 20  # the target
FIRST_YEAR_MESSAGES = 13  # what it takes today (the terminal), pinned so it only comes down
TABLES = slice(8, 18)  # the ten answers of tables 二 to 四 in the example session
FORMATS = ["docx", "html", "md", "pdf", "txt", "xlsx"]  # what 导出 全部 sends
WORKBOOK = "表格.xlsx"


def example_workbook() -> bytes:
    """The example report's three tables as the workbook of ``导出 xlsx``, filled in."""
    return render(example_report(), "xlsx")


def first_year_script() -> list[str | None]:
    """The officer's messages after the greeting; None is the workbook sent as a file:
    the example session, the channels given with their counts and part 六 taken as most
    agencies write it."""
    head = EXAMPLE_SESSION[: TABLES.start]
    assert head[-2:] == ["1 2", "150 67"]  # the channels, then their counts
    problems = EXAMPLE_SESSION[TABLES.stop : TABLES.stop + 3]  # 五's three questions
    return [*head[:-2], "门户网站 150 政务微信公众号 67", None, *problems, "全部确认", "导出 全部"]


def assert_finished(store: Store, year: int | None = None) -> None:
    """Every part of the report (the one, or the one of ``year``) is answered."""
    [info] = [r for r in store.list_reports() if year in (None, r.year)]
    parts = progress(flow(), store.get_report(info.id), Facts(has_previous=year is not None))
    assert all(p.done == p.total for p in parts), parts


def terminal(store: Store, tmp_path: Path, script: list[str | Path]) -> str:
    """Play ``script`` in the terminal chat: texts typed (pasted as a block when they
    have several lines), files sent with /file; what the chat printed."""
    lines: list[str] = []
    for message in script:
        if isinstance(message, Path):
            lines.append(f"{FILE_COMMAND}{message}")
        elif "\n" in message:
            lines += [BLOCK, message, BLOCK]  # one message: a pasted block
        else:
            lines.append(message)
    out = io.StringIO()
    svc = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    run_chat(svc, "cli:officer", io.StringIO("\n".join(lines) + "\n"), out, tmp_path, False)
    return out.getvalue()


def test_the_example_report_in_the_terminal(store: Store, tmp_path: Path) -> None:
    workbook = tmp_path / WORKBOOK
    workbook.write_bytes(example_workbook())
    script = [workbook if m is None else m for m in first_year_script()]
    terminal(store, tmp_path, script)
    assert len(script) <= min(FIRST_YEAR_LIMIT, FIRST_YEAR_MESSAGES)  # it starts by itself
    assert_finished(store)
    written = sorted(p.suffix.lstrip(".") for p in tmp_path.glob("*年度报告.*"))
    assert written == [f for f in FORMATS if f != "pdf"] or written == FORMATS


@pytest.fixture
async def app(store: Store) -> AsyncIterator[tuple[App, RecordingRequest]]:
    svc = Service(store, drafter=fake_drafter(), today=lambda: TODAY)
    async with running_app(store, svc) as run:
        yield run


async def test_the_example_report_in_telegram(
    app: tuple[App, RecordingRequest], store: Store
) -> None:
    application, request = app
    request.uploads["F1"] = example_workbook()
    messages = [
        text_data("/start"),
        *(document_data(WORKBOOK) if m is None else text_data(m) for m in first_year_script()),
    ]
    for data in messages:
        await application.process_update(as_update(data, application.bot))
    assert len(messages) <= min(FIRST_YEAR_LIMIT, FIRST_YEAR_MESSAGES + 1)  # and /start
    assert_finished(store)
    sent = [c.files["document"][0] for c in request.of("sendDocument")]
    assert sorted(name.rsplit(".", 1)[1] for name in sent) == FORMATS


# --- the second year ---------------------------------------------------------------------

SECOND_YEAR_LIMIT = 12  # the target
SECOND_YEAR_MESSAGES = 11  # what it takes today, pinned so that it only comes down
NEXT_YEAR = 2024


def test_the_next_year_with_last_years_report_sent_first(store: Store, tmp_path: Path) -> None:
    """The same agency's next year: last year's report (the example, as its .docx) sent
    first names the agency; this year's tables come as one workbook."""
    last = tmp_path / "2023年报告.docx"
    last.write_bytes(render(example_report(), "docx"))
    workbook = tmp_path / WORKBOOK
    workbook.write_bytes(render(replace(example_report(), year=NEXT_YEAR), "xlsx"))
    script: list[str | Path] = [
        last,  # names the agency, is kept as last year's; the year is the one after it
        "好",  # the level its name shows (a published report does not say it)
        EXAMPLE_SESSION[4],  # 一、总体情况, pasted whole
        "确认",
        "门户网站160条、微信公众号70条",  # the channels with their counts
        workbook,
        "1. 已开通图解栏目\n2. 已组织两次条例宣讲",  # last year's problems, item by item
        *EXAMPLE_SESSION[19:21],  # 五: problems and measures
        "全部确认",  # 六 as most agencies write it
        "导出 docx",
    ]
    out = terminal(store, tmp_path, script)
    assert len(script) <= min(SECOND_YEAR_MESSAGES, SECOND_YEAR_LIMIT), out
    assert_finished(store, NEXT_YEAR)
    assert list(tmp_path.glob("*2024年政府信息公开工作年度报告.docx"))


async def test_the_next_year_in_telegram_with_buttons(
    app: tuple[App, RecordingRequest], store: Store
) -> None:
    """The same in Telegram: the level and 六's usual answers are buttons pressed."""
    application, request = app
    request.uploads["F1"] = render(example_report(), "docx")
    request.uploads["F2"] = render(replace(example_report(), year=NEXT_YEAR), "xlsx")
    level = "设区的市、自治州（及其部门）"
    script: list[dict[str, object] | str] = [
        document_data("2023年报告.docx", file_id="F1"),
        level,  # a button
        text_data(EXAMPLE_SESSION[4]),
        text_data("确认"),
        text_data("门户网站 160 政务微信公众号 70"),
        document_data(WORKBOOK, file_id="F2"),
        text_data("1. 已开通图解栏目\n2. 已组织两次条例宣讲"),
        *map(text_data, EXAMPLE_SESSION[19:21]),
        "全部确认",  # a button
        text_data("导出 docx"),
    ]
    for action in script:
        if isinstance(action, str):
            [call] = [c for c in request.of("sendMessage") if action in labels(c)][-1:]
            data = next(b["callback_data"] for b in buttons(call) if b["text"] == action)
            action = button_data(data, call.result)
        await application.process_update(as_update(action, application.bot))
    assert len(script) <= min(SECOND_YEAR_MESSAGES, SECOND_YEAR_LIMIT)
    assert_finished(store, NEXT_YEAR)
    [info] = [r for r in store.list_reports() if r.year == NEXT_YEAR]
    answers = store.get_report(info.id).answers
    assert answers["active_count"] == {"portal": 160, "wechat": 70}
    assert answers["fee_collected"] == "no"
    [sent] = [c.files["document"][0] for c in request.of("sendDocument")]
    assert sent.endswith("2024年政府信息公开工作年度报告.docx")


def example_report() -> Report:
    """The example report as the chat drafts it."""
    store = Store.open(":memory:")
    try:
        play(service(store), EXAMPLE_SESSION)
        [info] = store.list_reports()
        return store.get_report(info.id)
    finally:
        store.close()
