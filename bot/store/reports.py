"""The one SQLite store: reports, their answers, the change history, sessions, updates.

This is the only module that imports ``sqlite_utils``. Every write is committed before the
method returns (SQLite ``COMMIT``; on file databases in WAL mode with
``synchronous=NORMAL``, which survives a killed process, though not necessarily a power
cut), so an answer is stored the moment it arrives. A ``Store`` wraps one connection and
must be used from the thread that opened it.

Answer values are stored as JSON text made with
:func:`bot.conversation.session.to_json_value` (Decimal money as ``{"$dec": "12.3456"}``,
never a float) and read back with :func:`bot.conversation.session.from_json_value`.
``None`` is never stored: a change to ``None`` deletes.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime
from functools import cache
from pathlib import Path
from types import TracebackType

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.conversation.session import (
    Change,
    Session,
    apply_change,
)
from bot.format.catalogue import Code, UserError
from bot.format.report import Report
from bot.format.text_hygiene import clean_data, clean_text
from bot.store import migrations as schema
from bot.store.rows import (
    HistoryEntry,
    ReportExists,
    ReportInfo,
    ReportNotFound,
    decode,
    encode,
    encode_change,
    info_from_row,
    report_changes,
    stamp_now,
)

CACHE_KIB = 64 * 1024  # SQLite's page cache per connection, in KiB
# assembled reports kept in memory, about 6 KB each: a season of 10,000 agencies with
# every officer at work at once keeps them all in about 60 MB (measured: peak 276 MB
# instead of 216, and 0.95 ms per update instead of 1.38, each turn assembling again)
KEPT_REPORTS = 16_384

migrations = Migrations("reportbot")
for _migration in (
    schema.m001_initial,
    schema.m002_review_workflow,
    schema.m003_indexes,
    schema.m004_without_rowid,
    schema.m005_inbox,
    schema.m006_member_names,
    schema.m007_given_names,
    schema.m008_supervision,
):
    migrations()(_migration)


StoreError = sqlite3.Error  # what opening or reading the database raises besides OSError
# how long a turn waits for another process's write (the terminal chat beside the bot)
BUSY_TIMEOUT_MS = 10_000


class NewerDatabase(Exception):
    """The database holds migrations this version does not know."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


class StoreRefused(UserError):
    """A database the store will not open: not SQLite, damaged, or from a newer version."""


@cache
def known_migrations() -> frozenset[str]:
    """The names of the migrations this version applies."""
    return frozenset(m.name for m in migrations.pending(Database(memory=True)))


def cleaned(report: Report) -> Report:
    """``report`` without control or bidi characters in its names and prose."""
    return replace(
        report,
        agency=clean_text(report.agency),
        narrative=clean_data(report.narrative),
        extra=clean_data(report.extra),
    )


class Store:
    """Reports, answers, history and sessions in one SQLite database."""

    def __init__(self, db: Database) -> None:
        """Wrap ``db``: turn on foreign keys, WAL on files, and apply pending migrations.

        Idempotent: migrations already applied to the database are not applied again.
        """
        self.db = db
        # assembled reports by id, with the stamp they are current for; least recently
        # used first, at most KEPT_REPORTS
        self._assembled: OrderedDict[int, tuple[datetime, Report]] = OrderedDict()
        db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys=ON")
        if not db.memory:
            db.enable_wal()
            db.execute("PRAGMA synchronous=NORMAL")
            # 64 MB of pages (SQLite's default is 2 MB): a season of 10,000 reports is
            # about 180 MB, and a turn touches pages of the report, the history and the
            # sessions all over it; kept here, they need no read() from the OS cache
            db.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        with self._atomic():  # two processes starting on a new database: one migrates
            unknown = {m.name for m in migrations.applied(db)} - known_migrations()
            if unknown:
                raise NewerDatabase(sorted(unknown))
            migrations.apply(db)

    @classmethod
    def open(cls, path: Path | str | None) -> Store:
        """Open (creating if needed) the database at ``path``; None or ":memory:" is in memory.

        Creates missing parent directories. Safe to call on an existing database, and by
        several processes at once. Raises :class:`StoreRefused` (a coded
        :class:`~bot.format.catalogue.UserError`) for a file that is not a SQLite database,
        one that fails SQLite's quick integrity check, or one written by a newer reportbot.
        """
        if path is None or str(path) == ":memory:":
            return cls(Database(memory=True))
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        db = Database(path)
        try:
            verdict = db.execute("PRAGMA quick_check").fetchone()
            if verdict is not None and verdict[0] != "ok":
                lines = [s for s in str(verdict[0]).splitlines() if not s.startswith("***")]
                reason = "；".join(lines)
                raise StoreRefused(Code.STORE_DAMAGED, path=str(path), reason=reason)
            return cls(db)
        except NewerDatabase as exc:
            db.close()
            raise StoreRefused(
                Code.STORE_NEWER, path=str(path), names="、".join(exc.names)
            ) from exc
        except sqlite3.DatabaseError as exc:  # not a database at all, or unreadable
            db.close()
            raise StoreRefused(Code.STORE_UNREADABLE, path=str(path), reason=str(exc)) from exc
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        """Close the connection; everything written is already committed."""
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- reports ---------------------------------------------------------------------

    def create_report(
        self, agency: str, year: int, agency_level: str | None, *, user: str, frontend: str
    ) -> int:
        """Create the report for (agency, year) and return its id, in one transaction.

        A given ``agency_level`` is also stored as the answer ("meta", "agency_level"),
        with a history entry. Raises ReportExists (and writes nothing) if it exists.
        """
        changes = (
            []
            if agency_level is None
            else [encode_change(Change("meta", "agency_level", agency_level))]
        )
        stamp = stamp_now()
        with self._atomic():
            report_id = self._insert_report(agency, year, stamp)
            self._write(report_id, changes, user, frontend, stamp)
        return report_id

    def find_report(self, agency: str, year: int) -> int | None:
        """The id of the report for (agency, year), or None. Read-only."""
        row = self.db.execute(
            "select id from reports where agency = ? and year = ?", [agency, year]
        ).fetchone()
        return None if row is None else int(row[0])

    def list_reports(self) -> list[ReportInfo]:
        """Every report, most recently changed first. Read-only."""
        rows = self.db.execute(
            "select id, agency, year, agency_level, updated_at from reports"
            " order by updated_at desc, id desc"
        ).fetchall()
        return [info_from_row(row) for row in rows]

    def report_info(self, report_id: int) -> ReportInfo:
        """The report's row; raises ReportNotFound. Read-only."""
        row = self.db.execute(
            "select id, agency, year, agency_level, updated_at from reports where id = ?",
            [report_id],
        ).fetchone()
        if row is None:
            raise ReportNotFound(report_id)
        return info_from_row(row)

    def get_report(self, report_id: int) -> Report:
        """The report assembled from its stored answers; raises ReportNotFound. Read-only."""
        return self.assembled(self.report_info(report_id))

    def assembled(self, info: ReportInfo) -> Report:
        """The report whose row ``info`` was just read (so that a caller that has the row
        need not read it again), assembled from its answers. Read-only.

        Every write bumps the report's ``updated_at``, so an assembled report is kept per
        id and stamp and handed out as a copy until the report changes; this store's own
        writes keep it current (:meth:`_write`), another process's are seen by their stamp.
        """
        cached = self._assembled.get(info.id)
        if cached is not None and cached[0] == info.updated_at:
            self._assembled.move_to_end(info.id)
            return cached[1].copy()
        report = Report(agency=info.agency, year=info.year)
        # rowid order is the order answers were first stored (an upsert keeps the rowid),
        # so the keys of ``extra`` come back in the order a data file had them.
        rows = self.db.execute(
            'select section, "key", value from answers where report_id = ? order by rowid',
            [info.id],
        ).fetchall()
        for section, key, value in rows:
            apply_change(report, Change(section, key, decode(value)))
        if info.agency_level is not None:
            report.extra.setdefault("agency_level", info.agency_level)
        self._keep(info.id, info.updated_at, report.copy())
        return report

    export_report = get_report

    def import_report(
        self, report: Report, *, user: str, frontend: str, replace: bool = False
    ) -> int:
        """Store a whole report (e.g. from a data file) and return its id, in one transaction.

        Creates the report for (report.agency, report.year); with ``replace`` an existing
        report's answers become exactly those of ``report`` (history records what changed;
        importing the same report again changes nothing). ``None`` values inside ``extra``
        are not stored. Raises ReportExists (and writes nothing) when it exists and
        ``replace`` is False; ValueError for a value JSON cannot hold.
        """
        report = cleaned(report)  # a file's names and prose, as the chat keeps typed text
        wanted = [encode_change(c) for c in report_changes(report)]
        stamp = stamp_now()
        with self._atomic():
            report_id = self.find_report(report.agency, report.year)
            if report_id is None:
                report_id = self._insert_report(report.agency, report.year, stamp)
            elif not replace:
                raise ReportExists(report.agency, report.year, report_id)
            keep = {(section, key) for section, key, _ in wanted}
            existing = self.db.execute(
                'select section, "key" from answers where report_id = ?', [report_id]
            ).fetchall()
            gone = [(s, k, None) for s, k in existing if (s, k) not in keep]
            self._write(report_id, gone + wanted, user, frontend, stamp)
        return report_id

    # --- answers ---------------------------------------------------------------------

    def apply(
        self,
        report_id: int | None,
        changes: Sequence[Change],
        session: Session | None,
        *,
        user: str,
        frontend: str,
    ) -> None:
        """Store changes and the session in ONE transaction, committed before returning.

        Each change upserts its answer (``None`` deletes it); a history entry is appended
        only when the stored value really changes, and the report's ``updated_at`` is
        bumped when anything changed. ("meta", "agency_level") also sets the report's
        level. Either everything is stored or nothing. Raises ValueError (before writing)
        for an unknown section, an empty key, an unstorable value or changes without a
        report; ReportNotFound for an unknown report. Re-applying the same changes is a
        no-op apart from saving the session.
        """
        encoded = [encode_change(c) for c in changes]
        if encoded and report_id is None:
            raise ValueError("changes need a report: report_id is None")
        saved = None if session is None else (session.user, encode(session.to_json()))
        stamp = stamp_now()
        with self._atomic():
            if report_id is not None and encoded:
                self._write(report_id, encoded, user, frontend, stamp)
            if saved is not None:
                self._write_session(*saved, stamp)

    def history(self, report_id: int) -> list[HistoryEntry]:
        """Every change of the report's answers, oldest first. Read-only."""
        rows = self.db.execute(
            'select section, "key", old, new, "user", frontend, at from history'
            " where report_id = ? order by id",
            [report_id],
        ).fetchall()
        return [
            HistoryEntry(s, k, decode(old), decode(new), u, f, datetime.fromisoformat(at))
            for s, k, old, new, u, f, at in rows
        ]

    # --- sessions and updates ----------------------------------------------------------

    def load_session(self, user: str) -> Session | None:
        """The user's saved session, or None. Read-only."""
        row = self.db.execute('select state from sessions where "user" = ?', [user]).fetchone()
        return None if row is None else Session.from_json(user, decode(row[0]))

    def save_session(self, session: Session) -> None:
        """Save (replace) the user's session; committed before returning. Idempotent."""
        state, stamp = encode(session.to_json()), stamp_now()
        with self._atomic():
            self._write_session(session.user, state, stamp)

    def update_seen(self, key: str) -> bool:
        """Whether an update key is recorded. Read-only."""
        row = self.db.execute(
            "select 1 from processed_updates where update_key = ?", [key]
        ).fetchone()
        return row is not None

    def transaction(self) -> AbstractContextManager[None]:
        """One transaction around several writes: everything in it is committed together
        when it ends, or nothing is.

        The store's own methods called inside it write straight into it, without a
        savepoint each (a turn makes several): an error from one of them is meant to end
        the whole transaction, so let it propagate.
        """
        return self._atomic()

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """A write transaction, begun IMMEDIATE (it takes the write lock at once, waiting up
        to :data:`BUSY_TIMEOUT_MS` for another process, so that no read can later fail to
        become a write), or nothing inside a transaction already open. When it rolls back,
        the assembled reports are forgotten (they may hold uncommitted changes)."""
        conn = self.db.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._assembled.clear()
            conn.rollback()
            raise
        conn.commit()

    def seen_update(self, key: str) -> bool:
        """Record an update key; True if it was already recorded. Atomic, committed."""
        with self._atomic():
            cursor = self.db.execute(
                "insert or ignore into processed_updates (update_key, at) values (?, ?)",
                [key, stamp_now()],
            )
        return cursor.rowcount == 0

    # --- inside a transaction ------------------------------------------------------------

    def _insert_report(self, agency: str, year: int, stamp: str) -> int:
        existing = self.find_report(agency, year)
        if existing is not None:
            raise ReportExists(agency, year, existing)
        row = self.db.execute("select id from agencies where name = ?", [agency]).fetchone()
        if row is None:  # a report loaded from a file: its agency has no members yet
            row = (
                self.db.execute(
                    "insert into agencies (name, created_at, created_by) values (?, ?, ?)",
                    [agency, stamp, "store"],
                ).lastrowid,
            )
        try:
            cursor = self.db.execute(
                "insert into reports (agency, year, created_at, updated_at, agency_id)"
                " values (?, ?, ?, ?, ?)",
                [agency, year, stamp, stamp, row[0]],
            )
        except sqlite3.IntegrityError as exc:  # created by another process meanwhile
            raise ReportExists(agency, year, self.find_report(agency, year)) from exc
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def _write(
        self,
        report_id: int,
        changes: Sequence[tuple[str, str, str | None]],
        user: str,
        frontend: str,
        stamp: str,
    ) -> None:
        """Upsert or delete each answer and log real changes; caller holds the transaction.

        Raises ReportNotFound for an unknown report. The report's assembled copy, if
        current, gets the same changes.

        Plain statements, not ``Table.upsert``: this runs on every answer, and sqlite-utils'
        table helpers inspect the schema at each call.
        """
        row = self.db.execute("select updated_at from reports where id = ?", [report_id])
        found = row.fetchone()
        if found is None:
            raise ReportNotFound(report_id)
        cached = self._assembled.pop(report_id, None)
        if cached is not None and cached[0] != datetime.fromisoformat(found[0]):
            cached = None  # changed by another process since it was assembled
        changed = False
        for section, key, new in changes:
            ident = {"report_id": report_id, "section": section, "key": key}
            where = 'report_id = :report_id and section = :section and "key" = :key'
            row = self.db.execute(f"select value from answers where {where}", ident).fetchone()
            old = None if row is None else row[0]
            if old == new:
                continue
            who = {"at": stamp, "user": user, "frontend": frontend, "old": old, "new": new}
            if new is None:
                self.db.execute(f"delete from answers where {where}", ident)
                cached = None  # reassembled: a deletion can change the order of ``extra``
            else:
                self.db.execute(
                    'insert into answers (report_id, section, "key", value, updated_at,'
                    " updated_by, frontend) values (:report_id, :section, :key, :new, :at,"
                    ' :user, :frontend) on conflict (report_id, section, "key") do update'
                    " set value = excluded.value, updated_at = excluded.updated_at,"
                    " updated_by = excluded.updated_by, frontend = excluded.frontend",
                    ident | who,
                )
                if cached is not None:
                    apply_change(cached[1], Change(section, key, decode(new)))
            self.db.execute(
                'insert into history (report_id, section, "key", old, new, "user", frontend, at)'
                " values (:report_id, :section, :key, :old, :new, :user, :frontend, :at)",
                ident | who,
            )
            if (section, key) == ("meta", "agency_level"):
                level = decode(new)
                self.db.execute(
                    "update reports set agency_level = ? where id = ?",
                    [level if isinstance(level, str) else None, report_id],
                )
            changed = True
        if changed:
            self.db.execute("update reports set updated_at = ? where id = ?", [stamp, report_id])
        if cached is not None:  # kept current: the next turn need not reassemble it
            at = datetime.fromisoformat(stamp) if changed else cached[0]
            self._keep(report_id, at, cached[1])

    def _keep(self, report_id: int, at: datetime, report: Report) -> None:
        self._assembled[report_id] = (at, report)
        self._assembled.move_to_end(report_id)
        if len(self._assembled) > KEPT_REPORTS:
            self._assembled.popitem(last=False)

    def _write_session(self, user: str, state: str, stamp: str) -> None:
        self.db.execute(
            'insert into sessions ("user", state, updated_at) values (?, ?, ?)'
            ' on conflict ("user") do update set state = excluded.state,'
            " updated_at = excluded.updated_at",
            [user, state, stamp],
        )
