"""The chat's preview: the draft as it reads, tables in brief, gaps listed with their
command; in Telegram bold headings, at most two messages for the example report, and a
button for the full tables."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.drafting.preview import plain, preview
from bot.drafting.render import Drafter
from bot.format.catalogue import Code, message
from bot.format.model import model
from bot.format.report import Report
from bot.service.turns import Service
from bot.store.reports import Store
from tests.helpers.catalogue import pattern
from tests.helpers.chat import TODAY
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.drafts import unique_report
from tests.helpers.telegram_fakes import (
    RecordingRequest,
    as_update,
    button_data,
    buttons,
    labels,
    running_app,
    text_data,
)


def row_line(label: str, values: list[int]) -> str:
    return message(Code.DRF_PREVIEW_ROW, label=label, values="／".join(map(str, values)))


def test_every_figure_other_than_zero_is_shown_and_zero_rows_are_counted(seed: Report) -> None:
    text = plain(preview(seed))
    m = model()
    shown = [r for r in m.applications.rows if any(seed.applications[r.key])]
    for row in shown:
        assert row_line(row.ref, seed.applications[row.key]) in text
    for key in ("total", "carry_forward"):  # always shown, zero or not
        row = m.applications.row(key)
        assert row_line(row.ref, seed.applications[key]) in text
    left_out = len(m.applications.rows) - len({*(r.key for r in shown), "total", "carry_forward"})
    assert message(Code.DRF_PREVIEW_ZERO_ROWS, count=left_out) in text
    zero_row = m.applications.row("withheld_state_secret")
    assert zero_row.ref not in text
    for cell in m.active_cells:
        assert cell.row_label in text
    assert message(Code.DRF_PREVIEW_GAPS, count=1).split("1")[0] not in text  # nothing to fill


def test_distinct_figures_all_appear() -> None:
    report = unique_report()
    text = plain(preview(report))
    for values in report.applications.values():
        assert "／".join(map(str, values)) in text
    for values in report.review_litigation.values():
        assert "／".join(map(str, values)) in text


def test_gaps_are_marked_in_place_and_listed_with_the_command_that_fills_them(
    seed: Report,
) -> None:
    applications = {k: v for k, v in seed.applications.items() if k != "new"}
    review = {k: v for k, v in seed.review_litigation.items() if k != "review"}
    active = {k: v for k, v in seed.active.items() if k != "licensing"}
    partial = replace(
        seed, applications=applications, review_litigation=review, active=active, narrative={}
    )
    lines = preview(partial)
    text = plain(lines)
    gap = message(Code.DRF_GAP_CELL)
    assert message(Code.DRF_PREVIEW_OPEN_ROWS, count=1) in text  # table 三: counted
    assert f"行政复议：{gap}" in text  # table 四 and 二: in place
    assert row_line("行政许可", []).removesuffix("：") + f"：{gap}件" in text
    gap_line = pattern(Code.DRF_PREVIEW_GAP_LINE)
    listed = [line.text for line in lines if gap_line.fullmatch(line.text)]
    assert any("转到 三" in line for line in listed)
    assert any("转到 四" in line for line in listed)
    assert (
        message(Code.DRF_PREVIEW_GAP_LINE, part="二、主动公开政府信息情况", count=1, number="二")
        in listed
    )
    assert any("转到 一" in line for line in listed)  # the prose is not written yet


def test_headings_are_marked_for_the_front_end(seed: Report) -> None:
    lines = preview(seed)
    headings = [line.text for line in lines if line.heading]
    assert headings[0].endswith("年度报告")
    assert [h for h in headings if h[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")] == [
        f"{p.number}、{p.heading}" for p in model().parts
    ]


# --- in Telegram, through the real Application --------------------------------------------


@pytest.fixture
async def chat(store: Store) -> AsyncIterator[tuple[object, RecordingRequest]]:
    async with running_app(store, Service(store, drafter=Drafter(), today=lambda: TODAY)) as run:
        yield run


async def send(app: object, request: RecordingRequest, data: dict[str, object]) -> list:
    before = len(request.calls)
    await app.process_update(as_update(data, app.bot))  # type: ignore[attr-defined]
    return request.calls[before:]


async def test_example_preview_is_two_messages_at_most_with_bold_headings_and_a_button(
    chat: tuple[object, RecordingRequest], seed: Report
) -> None:
    app, request = chat
    for line in ["/start", *SEED_SESSION]:
        await send(app, request, text_data(line))
    calls = await send(app, request, text_data("预览"))
    sent = [str(c.params["text"]) for c in calls if c.method == "sendMessage"]
    header = next(t for t in sent if pattern(Code.CHAT_PREVIEW_HEADER).fullmatch(t))
    count = int("".join(ch for ch in header if ch.isdigit()))
    assert count <= 2
    draft = sent[sent.index(header) + 1 : sent.index(header) + 1 + count]
    assert draft[0].startswith(f"<b>{html.escape(seed.agency)}")
    assert "<b>三、收到和处理政府信息公开申请情况</b>" in "\n".join(draft)
    joined = html.unescape("\n".join(draft))
    for row in model().applications.rows:
        if any(seed.applications[row.key]):
            assert row_line(row.ref, seed.applications[row.key]) in joined
    [with_button] = [c for c in calls if message(Code.CHAT_FULL_TABLES) in labels(c)]
    data = next(b["callback_data"] for b in buttons(with_button))
    pressed = await send(app, request, button_data(data, with_button.result))
    [(name, content)] = [c.files["document"] for c in pressed if c.method == "sendDocument"]
    assert name.endswith(".xlsx")
    assert content[:2] == b"PK"
