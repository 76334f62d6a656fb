"""The supervising office's tables: subordinates, settings, 备案, publications, reminders."""

from __future__ import annotations

from datetime import date

import pytest

from bot.store.office import AgencyExists, WorkflowStore
from bot.store.reports import Store
from bot.store.supervision import SupervisionStore, chase_key


def test_subordinates_and_where_they_stand(store: Store) -> None:
    ws, ss = WorkflowStore(store), SupervisionStore(store)
    office = ws.create_agency("某区政务公开办", "county", "", "cli:office")
    first = ss.add_subordinate(office, "某区教育局", "cli:office")
    ss.add_subordinate(office, "某区民政局", "cli:office")
    with pytest.raises(AgencyExists):
        ss.add_subordinate(office, "某区教育局", "cli:office")
    assert ss.parent(first) == office
    assert ss.parent(office) is None
    assert ss.offices() == [office]
    report = store.create_report("某区教育局", 2024, "county", user="cli:a", frontend="cli")
    version = ws.submit(report, "agency: x", "h", "cli:a")
    ws.decide(version.id, "approved", "cli:r", None)
    ss.request_filing(version.id, office)
    ss.publish(report, "https://example.gov.cn/1", date(2025, 1, 20), "cli:a")
    rows = {s.name: s for s in ss.subordinates(office, 2024)}
    assert rows["某区民政局"].report_id is None
    edu = rows["某区教育局"]
    assert (edu.version_status, edu.approved_id, edu.filing_status) == (
        "approved",
        version.id,
        "submitted",
    )
    assert edu.published_on == date(2025, 1, 20)
    assert ss.pending_filings(office) == [version.id]
    assert ss.decide_filing(version.id, "approved", "cli:o", None)
    assert not ss.decide_filing(version.id, "returned", "cli:o", "x")


def test_settings_and_reminders(store: Store) -> None:
    ws, ss = WorkflowStore(store), SupervisionStore(store)
    office = ws.create_agency("某区政务公开办", "county", "", "cli:office")
    assert not ss.filing_required(office)
    assert ss.remind_days(office) is None
    ss.set_filing_required(office, True)
    ss.set_remind_days(office, (10, 2))
    assert ss.filing_required(office)
    assert ss.remind_days(office) == (10, 2)
    agency = ss.add_subordinate(office, "某区教育局", "cli:office")
    assert ws.first_time(chase_key(agency, 2024, "d14", "cli:a"))
    assert ws.first_time(chase_key(agency, 2024, "d14", "cli:b"))
    assert not ws.first_time(chase_key(agency, 2024, "d14", "cli:a"))
    assert ws.first_time(chase_key(agency, 2023, "d7", "cli:a"))
    assert [len(v) for v in ss.reminded(2024).values()] == [1]
