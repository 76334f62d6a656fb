"""The store keeps every answer the moment it arrives, atomically, with its history."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from pathlib import Path
from typing import Any

import pytest

import bot.store.reports as store_module
import bot.store.rows as rows_module
from bot.conversation.session import Change, LiveWarning, Session, SetupAnswers, Step
from bot.format.datafile import Report, dumps
from bot.store.reports import HistoryEntry, ReportExists, ReportNotFound, Store, migrations
from tests.helpers.factories import consistent_report

ROOT = Path(__file__).resolve().parent.parent
AGENCY = "示例市示例区交通运输局"
OpenStore = Callable[..., Store]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the file store lives; its parent directory does not exist yet."""
    return tmp_path / "data" / "reportbot.db"


@pytest.fixture
def open_store(db_path: Path) -> Iterator[OpenStore]:
    """Open any number of stores on ``db_path`` (or another path); all closed afterwards."""
    opened: list[Store] = []

    def _open(path: Path | str | None = db_path) -> Store:
        store = Store.open(path)
        opened.append(store)
        return store

    yield _open
    for store in opened:
        store.close()


@pytest.fixture
def file_store(open_store: OpenStore) -> Store:
    """A store on a file in ``tmp_path``."""
    return open_store()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """Every timestamp is one second after the previous one; returns those handed out."""
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    ticks = (start + timedelta(seconds=i) for i in count())
    handed: list[datetime] = []

    def now() -> datetime:
        handed.append(next(ticks))
        return handed[-1]

    monkeypatch.setattr(rows_module, "now", now)
    return handed


def full_report(agency: str = AGENCY, year: int = 2024) -> Report:
    """The consistent report plus every kind of extra section."""
    report = consistent_report(agency, year)
    report.extra.update(
        explanations={"table3.carry_forward_rise": "本年度受理申请集中在年底。"},
        overrides={"table2.fees": "accepted"},
        answers={
            "channels": ["政府网站", "政务新媒体", "新闻发布会"],
            "fee_basis": {"amount": Decimal("0.50"), "items": [Decimal("0.25"), 1]},
            "has_hearing": False,
            "staff": 3,
        },
        contact="办公室 0000-0000000",
    )
    return report


def table_rows(store: Store, table: str) -> list[dict[str, Any]]:
    return list(store.db.query(f"select * from {table}"))


# --- opening and migrations --------------------------------------------------------


def test_open_file__creates_parents_wal_and_foreign_keys(db_path: Path, file_store: Store) -> None:
    assert db_path.exists()
    assert file_store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert file_store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


@pytest.mark.parametrize("path", [None, ":memory:"])
def test_open_memory(open_store: OpenStore, path: str | None) -> None:
    store = open_store(path)
    assert store.db.memory
    assert {"reports", "answers", "history", "sessions", "processed_updates"} <= set(
        store.db.table_names()
    )


def test_migrations_apply_once_and_are_idempotent(open_store: OpenStore) -> None:
    first = open_store()
    rid = first.create_report(AGENCY, 2024, "county", user="cli:a", frontend="cli")
    first.close()
    second = open_store()
    Store(second.db)  # wrapping the same connection again changes nothing
    assert [m.name for m in migrations.applied(second.db)] == [
        "m001_initial",
        "m002_review_workflow",
        "m003_indexes",
        "m004_without_rowid",
        "m005_inbox",
        "m006_member_names",
        "m007_given_names",
        "m008_supervision",
    ]
    assert migrations.pending(second.db) == []
    assert second.report_info(rid).agency_level == "county"


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "insert into answers values (99, 'active', 'licensing', '1', 'now', 'u', 'cli')"
        )


# --- reports -----------------------------------------------------------------------


def test_create_report__stores_level_as_answer_and_refuses_duplicates(store: Store) -> None:
    rid = store.create_report(AGENCY, 2024, "county", user="tg:1", frontend="telegram")
    assert store.find_report(AGENCY, 2024) == rid
    assert store.find_report(AGENCY, 2023) is None
    assert store.get_report(rid) == Report(AGENCY, 2024, extra={"agency_level": "county"})
    [entry] = store.history(rid)
    assert (entry.section, entry.key, entry.old, entry.new) == (
        "meta",
        "agency_level",
        None,
        "county",
    )
    with pytest.raises(ReportExists) as info:
        store.create_report(AGENCY, 2024, None, user="tg:2", frontend="telegram")
    assert info.value.report_id == rid
    assert len(store.list_reports()) == 1


def test_unknown_report(store: Store) -> None:
    with pytest.raises(ReportNotFound):
        store.report_info(42)
    with pytest.raises(ReportNotFound):
        store.get_report(42)
    with pytest.raises(ReportNotFound):
        store.apply(42, [Change("active", "licensing", 1)], None, user="u", frontend="cli")


def test_several_reports_per_database(store: Store, clock: list[datetime]) -> None:
    ids = {
        (agency, year): store.create_report(agency, year, None, user="u", frontend="cli")
        for agency in (AGENCY, "示例市教育局")
        for year in (2023, 2024)
    }
    assert len(set(ids.values())) == 4
    first = ids[(AGENCY, 2023)]
    store.apply(first, [Change("active", "licensing", 7)], None, user="u", frontend="cli")
    listed = store.list_reports()
    assert listed[0].id == first  # most recently changed first
    assert [info.updated_at for info in listed] == sorted(
        (info.updated_at for info in listed), reverse=True
    )
    assert listed[0].updated_at.tzinfo is not None
    for key, rid in ids.items():
        assert store.find_report(*key) == rid
        assert store.get_report(rid).active == ({"licensing": 7} if rid == first else {})


# --- apply -------------------------------------------------------------------------


def test_apply__upsert_delete_and_history_only_on_real_change(store: Store) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="cli:a", frontend="cli")

    def put(value: Any, user: str = "tg:1", frontend: str = "telegram") -> None:
        change = Change("active", "fees_wan_yuan", value)
        store.apply(rid, [change], None, user=user, frontend=frontend)

    put(Decimal("1.20"))
    put(Decimal("1.20"))  # same value again: stored once, no history
    put(Decimal("3.5"), user="cli:b", frontend="cli")
    put(None)
    put(None)  # deleting what is gone: no history
    assert "fees_wan_yuan" not in store.get_report(rid).active
    assert [(e.old, e.new, e.user, e.frontend) for e in store.history(rid)] == [
        (None, Decimal("1.20"), "tg:1", "telegram"),
        (Decimal("1.20"), Decimal("3.5"), "cli:b", "cli"),
        (Decimal("3.5"), None, "tg:1", "telegram"),
    ]
    assert table_rows(store, "answers") == []


def test_apply__answer_row_records_who_and_where(store: Store) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")
    store.apply(
        rid,
        [Change("applications", "new", [1, 2, 3, 4, 5, 6, 21])],
        None,
        user="tg:7",
        frontend="telegram",
    )
    [row] = table_rows(store, "answers")
    assert row["value"] == "[1, 2, 3, 4, 5, 6, 21]"
    assert (row["updated_by"], row["frontend"]) == ("tg:7", "telegram")
    assert datetime.fromisoformat(row["updated_at"]).tzinfo is not None


def test_apply__updated_at_bumped_only_when_something_changed(
    store: Store, clock: list[datetime]
) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")
    created = store.report_info(rid).updated_at
    change = [Change("narrative", "problems", "栏目更新不及时。")]
    store.apply(rid, change, None, user="u", frontend="cli")
    changed = store.report_info(rid).updated_at
    store.apply(rid, change, Session("u", rid), user="u", frontend="cli")
    assert created < changed == store.report_info(rid).updated_at
    assert store.history(rid)[-1].at == changed


def test_apply__meta_agency_level_updates_the_report(store: Store) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")
    level = [Change("meta", "agency_level", "city")]
    store.apply(rid, level, None, user="u", frontend="cli")
    assert store.report_info(rid).agency_level == "city"
    assert store.get_report(rid).agency_level == "city"
    store.apply(rid, [Change("meta", "agency_level", None)], None, user="u", frontend="cli")
    assert store.report_info(rid).agency_level is None
    assert "agency_level" not in store.get_report(rid).extra


@pytest.mark.parametrize(
    "bad",
    [
        Change("bogus", "x", 1),
        Change("active", "", 1),
        Change("active", "licensing", object()),
        Change("active", "licensing", float("nan")),
        Change("answers", "q", {"when": datetime(2024, 1, 1, tzinfo=UTC)}),
    ],
)
def test_apply__invalid_change_raises_before_anything_is_written(
    store: Store, bad: Change
) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")
    before = store.report_info(rid)
    changes = [Change("active", "licensing", 1), bad, Change("active", "punishment", 2)]
    with pytest.raises(ValueError, match=r"."):
        store.apply(rid, changes, Session("u", rid), user="u", frontend="cli")
    assert store.get_report(rid).active == {}
    assert store.history(rid) == []
    assert store.load_session("u") is None
    assert store.report_info(rid) == before


def test_apply__unstorable_session_raises_before_anything_is_written(store: Store) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")
    session = Session("u", rid, pending=SetupAnswers(datetime(2024, 1, 1, tzinfo=UTC)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="datetime"):
        store.apply(rid, [Change("active", "licensing", 1)], session, user="u", frontend="cli")
    assert store.get_report(rid).active == {}
    assert store.load_session("u") is None


def test_apply__changes_without_a_report_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="report"):
        store.apply(None, [Change("active", "licensing", 1)], None, user="u", frontend="cli")
    store.apply(None, [], Session("u", step=Step.CHOOSE_REPORT), user="u", frontend="cli")
    assert store.load_session("u") == Session("u", step=Step.CHOOSE_REPORT)


def test_apply__database_failure_mid_transaction_leaves_nothing(store: Store) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")
    store.apply(rid, [Change("active", "licensing", 1)], None, user="u", frontend="cli")
    before = (store.get_report(rid), store.history(rid), store.report_info(rid))
    # The third change is refused by the database after two have been written.
    store.db.execute(
        "create trigger refuse before insert on answers when new.\"key\" = 'boom'"
        " begin select raise(abort, 'refused'); end"
    )
    changes = [
        Change("active", "licensing", 2),
        Change("active", "punishment", 3),
        Change("active", "boom", 4),
    ]
    with pytest.raises(sqlite3.IntegrityError, match="refused"):
        store.apply(rid, changes, Session("u", rid), user="u", frontend="cli")
    after = (store.get_report(rid), store.history(rid), store.report_info(rid))
    assert after == before
    assert store.load_session("u") is None


def test_apply__failure_while_saving_session_rolls_back_answers(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    rid = store.create_report(AGENCY, 2024, None, user="u", frontend="cli")

    def fail(self: Store, user: str, state: str, stamp: str) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Store, "_write_session", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        store.apply(
            rid, [Change("active", "licensing", 5)], Session("u", rid), user="u", frontend="cli"
        )
    assert store.get_report(rid).active == {}
    assert store.history(rid) == []
    assert not store.db.conn.in_transaction


# --- sessions and persistence ------------------------------------------------------


def test_session_round_trip(store: Store) -> None:
    session = Session(
        "tg:1",
        report_id=None,
        step=Step.QUESTION,
        question="active.fees",
        history=["active.licensing", "active.fees"],
        pending=LiveWarning("carried_over", "active.fees"),
        return_to="review",
    )
    store.save_session(session)
    store.save_session(session)
    assert store.load_session("tg:1") == session
    assert store.load_session("tg:2") is None
    assert len(table_rows(store, "sessions")) == 1


def test_persistence_across_close_and_reopen(open_store: OpenStore) -> None:
    first = open_store()
    rid = first.create_report(AGENCY, 2024, "county", user="tg:1", frontend="telegram")
    first.apply(
        rid,
        [Change("active", "licensing", 1204)],
        Session("tg:1", rid, Step.QUESTION, "q2"),
        user="tg:1",
        frontend="telegram",
    )
    first.close()
    second = open_store()
    assert second.get_report(rid).active == {"licensing": 1204}
    assert second.load_session("tg:1") == Session("tg:1", rid, Step.QUESTION, "q2")


def test_applied_answers_are_visible_to_a_new_store_without_closing(open_store: OpenStore) -> None:
    first = open_store()
    rid = first.create_report(AGENCY, 2024, None, user="tg:1", frontend="telegram")
    first.apply(
        rid,
        [Change("active", "licensing", 1)],
        Session("tg:1", rid, Step.QUESTION, "q2"),
        user="tg:1",
        frontend="telegram",
    )
    second = open_store()  # the first is never closed, as if the process had been killed
    assert second.get_report(rid).active == {"licensing": 1}
    assert second.load_session("tg:1") == Session("tg:1", rid, Step.QUESTION, "q2")
    first.apply(rid, [Change("active", "punishment", 2)], None, user="tg:1", frontend="telegram")
    assert second.get_report(rid).active == {"licensing": 1, "punishment": 2}


def test_kept_report_matches_one_reassembled_from_the_database(open_store: OpenStore) -> None:
    """The report a store keeps current through its own writes (so a turn need not
    reassemble it) is always the one a fresh store reads, down to the order of its keys:
    over seeded random answers, changes, deletions and skipped writes."""
    rng = random.Random(2024)
    store = open_store()
    rid = store.create_report(AGENCY, 2024, "county", user="u", frontend="cli")
    figures, texts, data = [0, 7, Decimal("1.25")], ["本年度", "无。"], [["网站"], {"n": 2}, 3]
    keys = [
        ("active", "licensing", figures), ("active", "fees_wan_yuan", figures),
        ("applications", "new", [[1, 0, 0, 0, 0, 0, 1], [2] * 7]),
        ("narrative", "overview", texts), ("answers", "channels", data),
        ("answers", "staff", data), ("explanations", "table3.carry_forward_rise", texts),
        ("overrides", "table2.fees", ["accepted"]), ("meta", "contact", texts),
        ("meta", "agency_level", ["county", "township"]),
    ]  # fmt: skip
    for step in range(300):
        if step % 50 == 0:
            store.get_report(rid).active["licensing"] = -1  # a caller's copy, not the kept one
        batch = []
        for section, key, choices in rng.choices(keys, k=rng.randint(1, 3)):
            batch.append(Change(section, key, rng.choice([None, *choices])))
        store.apply(rid, batch, None, user="u", frontend="cli")
        fresh = open_store()
        assert dumps(store.get_report(rid)) == dumps(fresh.get_report(rid)), step
        fresh.close()


def test_reports_kept_in_memory_are_bounded(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """However many reports a long-running bot touches, it keeps only the most recently
    used assembled; the others are read again, unchanged."""
    monkeypatch.setattr(store_module, "KEPT_REPORTS", 3)
    ids = [
        store.create_report(f"示例局{i}", 2024, None, user="u", frontend="cli") for i in range(6)
    ]
    for i, rid in enumerate(ids):
        store.apply(rid, [Change("active", "licensing", i)], None, user="u", frontend="cli")
        store.get_report(rid)
    assert len(store._assembled) == 3
    assert [store.get_report(rid).active["licensing"] for rid in ids] == list(range(6))


@pytest.mark.slow
def test_answers_survive_a_killed_process(db_path: Path, open_store: OpenStore) -> None:
    script = textwrap.dedent(
        """
        import os, sys
        from bot.conversation.session import Change, Session, Step
        from bot.store.reports import Store
        store = Store.open(sys.argv[1])
        rid = store.create_report("甲", 2024, None, user="tg:1", frontend="telegram")
        session = Session("tg:1", rid, Step.QUESTION, "q2")
        store.apply(rid, [Change("active", "licensing", 5)], session,
                    user="tg:1", frontend="telegram")
        os._exit(9)  # no close, no cleanup
        """
    )
    proc = subprocess.run(
        [sys.executable, "-c", script, str(db_path)], cwd=ROOT, capture_output=True, check=False
    )
    assert proc.returncode == 9, proc.stderr.decode()
    store = open_store()
    rid = store.find_report("甲", 2024)
    assert rid is not None
    assert store.get_report(rid).active == {"licensing": 5}
    assert store.load_session("tg:1") == Session("tg:1", rid, Step.QUESTION, "q2")


# --- import and export -------------------------------------------------------------


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_import_export_round_trip(request: pytest.FixtureRequest, kind: str) -> None:
    store: Store = request.getfixturevalue("store" if kind == "memory" else "file_store")
    report = full_report()
    rid = store.import_report(report, user="cli:a", frontend="cli")
    exported = store.export_report(rid)
    assert exported == report
    assert dumps(exported) == dumps(report)
    assert type(exported.active["fees_wan_yuan"]) is Decimal
    assert type(exported.active["licensing"]) is int
    assert exported.extra["answers"]["fee_basis"]["amount"] == Decimal("0.50")
    assert store.report_info(rid).agency_level == "county"
    assert {e.frontend for e in store.history(rid)} == {"cli"}


def test_import__exists_unless_replace(store: Store) -> None:
    rid = store.import_report(full_report(), user="u", frontend="cli")
    with pytest.raises(ReportExists):
        store.import_report(full_report(), user="u", frontend="cli")
    logged = len(store.history(rid))
    assert store.import_report(full_report(), user="u", frontend="cli", replace=True) == rid
    assert len(store.history(rid)) == logged  # same report again: nothing changed

    changed = full_report()
    changed.active["licensing"] = 1300
    del changed.extra["explanations"]
    del changed.extra["agency_level"]
    store.import_report(changed, user="tg:9", frontend="telegram", replace=True)
    assert store.export_report(rid) == changed
    assert store.report_info(rid).agency_level is None
    new = store.history(rid)[logged:]
    assert sorted((e.section, e.key, e.old, e.new) for e in new) == [
        ("active", "licensing", 1204, 1300),
        ("explanations", "table3.carry_forward_rise", "本年度受理申请集中在年底。", None),
        ("meta", "agency_level", "county", None),
    ]
    assert all(isinstance(e, HistoryEntry) and e.user == "tg:9" for e in new)


def test_import__several_reports(store: Store) -> None:
    ids = {
        store.import_report(full_report(agency, year), user="u", frontend="cli")
        for agency in (AGENCY, "示例市教育局")
        for year in (2023, 2024)
    }
    assert len(ids) == 4
    for info in store.list_reports():
        assert store.export_report(info.id) == full_report(info.agency, info.year)


# --- Telegram updates --------------------------------------------------------------


def test_seen_update_dedupes(open_store: OpenStore) -> None:
    store = open_store()
    assert store.seen_update("tg:1001") is False
    assert store.seen_update("tg:1001") is True
    assert store.seen_update("tg:1002") is False
    store.close()
    assert open_store().seen_update("tg:1001") is True


def test_m002_gives_existing_reports_an_agency(tmp_path: Path) -> None:
    """Should upgrade a database of the first schema: each report gets its agency."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    from bot.store import migrations as schema

    path = tmp_path / "old.db"
    old = Migrations("reportbot")
    old()(schema.m001_initial)
    db = Database(path)
    old.apply(db)
    db.execute(
        "insert into reports (agency, year, created_at, updated_at) values (?, ?, ?, ?)",
        ["某县民政局", 2023, "2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00+00:00"],
    )
    db.conn.commit()
    db.close()
    store = Store.open(path)
    try:
        agency = store.db.execute("select id, name from agencies").fetchall()
        assert [name for _, name in agency] == ["某县民政局"]
        assert store.db.execute("select agency_id from reports").fetchone()[0] == agency[0][0]
        assert store.get_report(1).agency == "某县民政局"
    finally:
        store.close()


def test_m004_keeps_sessions_and_processed_updates(tmp_path: Path) -> None:
    """Should upgrade a database of the third schema: an officer's session and the updates
    already handled are kept, and a handled update is still skipped."""
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

    from bot.store import migrations as schema

    path = tmp_path / "old.db"
    old = Migrations("reportbot")
    for migration in (schema.m001_initial, schema.m002_review_workflow, schema.m003_indexes):
        old()(migration)
    db = Database(path)
    old.apply(db)
    state = '{"report_id": null, "step": "setup_level", "pending": {}, "history": []}'
    db.execute("insert into sessions values ('tg:1', ?, '2024-01-01T00:00:00+00:00')", [state])
    db.execute("insert into processed_updates values ('42', '2024-01-01T00:00:00+00:00')")
    db.conn.commit()
    db.close()
    store = Store.open(path)
    try:
        assert store.load_session("tg:1") == Session("tg:1", step=Step.SETUP_LEVEL)
        assert store.update_seen("42")
        assert store.seen_update("42")  # already recorded
        assert not store.seen_update("43")
        sql = store.db.execute("select sql from sqlite_master where name = 'sessions'")
        assert "without rowid" in sql.fetchone()[0].lower()
    finally:
        store.close()


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (
            "select r.id from reports r join members m on m.agency_id = r.agency_id"
            ' where m."user" = ? and m.removed_at is null',
            "idx_reports_agency_id",
        ),
        ("select id from outbox where delivered_at is null order by id", "idx_outbox_undelivered"),
    ],
)
def test_what_every_turn_reads_uses_an_index(store: Store, query: str, index: str) -> None:
    """Should never scan a table that grows with the season (reports, delivered messages)."""
    params = ["x"] if "?" in query else []
    plan = " ".join(
        row[3] for row in store.db.execute("explain query plan " + query, params).fetchall()
    )
    assert index in plan
    assert "SCAN r" not in plan
