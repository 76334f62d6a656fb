"""Table 三 pasted at its question in any layout ``reportbot import`` reads (issue 15): one
cell per line as a browser copies a web page, tab-separated as from Excel or WPS, or in
``|`` pipes; a missing or doubled row is named and nothing of a table that breaks an
identity is stored."""

from __future__ import annotations

import pytest

from bot.format.catalogue import Code, message
from bot.format.model import model
from bot.format.report import Report
from bot.store.reports import Store
from tests.helpers.chat import codes, play, say, service
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.import_fixtures import (
    LAYOUTS,
    Style,
    applications_rows,
    one_cell_per_line,
)

AT_TABLE_3 = SEED_SESSION[:15]


def stored(store: Store) -> dict[str, list[int]]:
    [info] = store.list_reports()
    return store.get_report(info.id).applications


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("style", [Style(), Style(zero="-"), Style(half_width=True)])
def test_a_whole_table_is_taken_in_any_layout(
    store: Store, seed: Report, layout: str, style: Style
) -> None:
    svc = service(store)
    play(svc, AT_TABLE_3)
    out = say(svc, LAYOUTS[layout](applications_rows(seed, style)))
    assert {Code.IMP_CHAT_FIGURES, Code.CHAT_PASTE_OK} & set(codes(out))
    assert stored(store) == seed.applications
    assert "行政复议" in out[-1].text  # on to table 四


def test_labels_broken_over_lines_as_a_web_page_prints_them(store: Store, seed: Report) -> None:
    svc = service(store)
    play(svc, AT_TABLE_3)
    say(svc, one_cell_per_line(applications_rows(seed, Style(split=True))))
    assert stored(store) == seed.applications


def test_a_missing_row_is_named_and_the_rest_kept(store: Store, seed: Report) -> None:
    svc = service(store)
    play(svc, AT_TABLE_3)
    rows = applications_rows(seed, Style())
    row = model().applications.row("withheld_state_secret")
    pasted = [r for r in rows if not any(text == row.label for text, _, _ in r)]
    out = say(svc, one_cell_per_line(pasted))
    said = "\n".join(o.text for o in out)
    assert message(Code.IMP_MISSING_ROW, row=row.ref, count=7) in said
    assert "withheld_state_secret" not in stored(store)
    assert stored(store)["new"] == seed.applications["new"]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_doubled_row_is_named_and_nothing_stored(
    store: Store, seed: Report, layout: str
) -> None:
    svc = service(store)
    play(svc, AT_TABLE_3)
    rows = applications_rows(seed, Style())
    row = model().applications.row("partly_granted")
    at = next(i for i, cells in enumerate(rows) if any(t == row.label for t, _, _ in cells))
    rows.insert(at, rows[at])
    out = say(svc, LAYOUTS[layout](rows))
    assert message(Code.CHAT_PASTE_DOUBLED, rows=row.ref) in [o.text for o in out]
    assert stored(store) == {}


def test_a_table_that_breaks_an_identity_is_not_stored(store: Store, seed: Report) -> None:
    broken = Report(seed.agency, seed.year, applications=dict(seed.applications))
    broken.applications["total"] = [5, 0, 0, 0, 0, 0, 5]  # 1 + 0 received, 5 handled
    svc = service(store)
    play(svc, AT_TABLE_3)
    for layout in LAYOUTS.values():
        out = say(svc, layout(applications_rows(broken, Style())))
        assert {Code.IMP_CHAT_FIGURES_REFUSED, Code.CHAT_PASTE_ERRORS} & set(codes(out))
        assert stored(store) == {}


def test_text_that_is_no_table_is_refused_as_before(store: Store) -> None:
    svc = service(store)
    play(svc, AT_TABLE_3)
    out = say(svc, "\n".join(f"第{i}行说明文字" for i in range(12)))
    assert Code.CHAT_PASTE_SHAPE in codes(out)
    assert stored(store) == {}
