"""A supervising office's tables: its subordinate agencies, its settings (备案 required,
reminder days), the 备案 stage of approved versions, publications and reminders sent.

Works on the connection of a :class:`~bot.store.reports.Store` (whose migration
``m008_supervision`` creates these tables). Every write is one transaction, committed
before the method returns. A reminder to a subordinate is a row of ``reminders_sent``
keyed ``chase:<agency id>:<year>:<occasion>:<user>``, so it is sent once per occasion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.store.office import AgencyExists
from bot.store.reports import Store
from bot.store.rows import stamp_now

CHASE = "chase"  # the prefix of the reminder keys of subordinates


@dataclass(frozen=True, slots=True)
class Subordinate:
    """One subordinate agency and where its report of the year stands (None: not yet)."""

    agency_id: int
    name: str
    report_id: int | None = None
    version_id: int | None = None  # the latest submitted version
    version_status: str | None = None  # submitted | approved | returned
    approved_id: int | None = None  # the latest approved version
    filing_status: str | None = None  # of the latest version: submitted | approved | returned
    url: str | None = None
    published_on: date | None = None
    differences: int | None = None  # figures published unlike the approved version


@dataclass(frozen=True, slots=True)
class Filing:
    """The 备案 stage of an approved version at the office ``office_id``."""

    version_id: int
    office_id: int
    status: str  # submitted | approved | returned
    decided_by: str | None
    comments: str | None


def chase_key(agency_id: int, year: int, occasion: str, user: str) -> str:
    """The key a reminder to ``user`` of a subordinate is recorded under."""
    return f"{CHASE}:{agency_id}:{year}:{occasion}:{user}"


class SupervisionStore:
    """Typed access to a supervising office's tables."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    # --- subordinates and settings -------------------------------------------------------

    def add_subordinate(self, office_id: int, name: str, by: str) -> int:
        """Create the agency ``name`` under the office, with no members yet (its first
        admin joins by invite). Raises AgencyExists when the name is taken."""
        with self.store.transaction():
            if self.db.execute("select 1 from agencies where name = ?", [name]).fetchone():
                raise AgencyExists(name)
            cursor = self.db.execute(
                "insert into agencies (name, created_at, created_by, parent_id)"
                " values (?, ?, ?, ?)",
                [name, stamp_now(), by, office_id],
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def name(self, agency_id: int) -> str:
        """The name of an agency."""
        row = self.db.execute("select name from agencies where id = ?", [agency_id]).fetchone()
        return "" if row is None else str(row[0])

    def parent(self, agency_id: int) -> int | None:
        """The office the agency reports to, if any."""
        row = self.db.execute("select parent_id from agencies where id = ?", [agency_id])
        found = row.fetchone()
        return None if found is None or found[0] is None else int(found[0])

    def subordinate_ids(self, office_id: int) -> list[int]:
        """The ids of the office's subordinate agencies, by name."""
        rows = self.db.execute(
            "select id from agencies where parent_id = ? order by name", [office_id]
        ).fetchall()
        return [int(i) for (i,) in rows]

    def filing_required(self, office_id: int) -> bool:
        """Whether the office requires 备案 before its agencies publish."""
        row = self.db.execute(
            "select filing_required from offices where agency_id = ?", [office_id]
        ).fetchone()
        return bool(row and row[0])

    def set_filing_required(self, office_id: int, required: bool) -> None:
        """Record whether the office requires 备案."""
        with self.store.transaction():
            self.db.execute(
                "insert into offices (agency_id, filing_required) values (?, ?)"
                " on conflict (agency_id) do update"
                " set filing_required = excluded.filing_required",
                [office_id, int(required)],
            )

    def remind_days(self, office_id: int) -> tuple[int, ...] | None:
        """The days before the deadline the office reminds on, if it set them."""
        row = self.db.execute(
            "select remind_days from offices where agency_id = ?", [office_id]
        ).fetchone()
        if row is None or not row[0]:
            return None
        return tuple(int(d) for d in str(row[0]).split(","))

    def set_remind_days(self, office_id: int, days: tuple[int, ...]) -> None:
        """Record the days before the deadline the office reminds on."""
        with self.store.transaction():
            self.db.execute(
                "insert into offices (agency_id, remind_days) values (?, ?)"
                " on conflict (agency_id) do update set remind_days = excluded.remind_days",
                [office_id, ",".join(map(str, days))],
            )

    def offices(self) -> list[int]:
        """Every agency that has subordinates."""
        rows = self.db.execute(
            "select distinct parent_id from agencies where parent_id is not null order by 1"
        ).fetchall()
        return [int(i) for (i,) in rows]

    # --- where each subordinate stands (one query for the roster) ----------------------

    def subordinates(self, office_id: int, year: int) -> list[Subordinate]:
        """Every subordinate of the office with its report of ``year``, its latest
        version, its latest approved version, the 备案 of the latest and its publication."""
        rows = self.db.execute(
            "select a.id, a.name, r.id, v.id, v.status,"
            " (select max(id) from versions where report_id = r.id and status = 'approved'),"
            " f.status, p.url, p.published_on, p.differences from agencies a"
            " left join reports r on r.agency_id = a.id and r.year = ?"
            " left join versions v on v.id ="
            " (select max(id) from versions where report_id = r.id)"
            " left join filings f on f.version_id = v.id"
            " left join publications p on p.report_id = r.id"
            " where a.parent_id = ? order by a.name",
            [year, office_id],
        ).fetchall()
        return [
            Subordinate(
                int(r[0]),
                str(r[1]),
                r[2],
                r[3],
                r[4],
                r[5],
                r[6],
                r[7],
                date.fromisoformat(r[8]) if r[8] else None,
                r[9],
            )
            for r in rows
        ]

    # --- 备案 ------------------------------------------------------------------------------

    def request_filing(self, version_id: int, office_id: int) -> None:
        """Open the 备案 stage of an approved version (once)."""
        with self.store.transaction():
            self.db.execute(
                "insert or ignore into filings (version_id, office_id, status, requested_at)"
                " values (?, ?, 'submitted', ?)",
                [version_id, office_id, stamp_now()],
            )

    def filing(self, version_id: int) -> Filing | None:
        """The 备案 stage of a version, if it has one."""
        row = self.db.execute(
            "select version_id, office_id, status, decided_by, comments from filings"
            " where version_id = ?",
            [version_id],
        ).fetchone()
        return None if row is None else Filing(int(row[0]), int(row[1]), *row[2:])

    def pending_filings(self, office_id: int) -> list[int]:
        """The versions awaiting the office's 备案 decision."""
        rows = self.db.execute(
            "select version_id from filings where office_id = ? and status = 'submitted'"
            " order by version_id",
            [office_id],
        ).fetchall()
        return [int(v) for (v,) in rows]

    def decide_filing(self, version_id: int, status: str, user: str, comments: str | None) -> bool:
        """Record the office's decision; False if it was already decided."""
        with self.store.transaction():
            cursor = self.db.execute(
                "update filings set status = ?, decided_by = ?, decided_at = ?, comments = ?"
                " where version_id = ? and status = 'submitted'",
                [status, user, stamp_now(), comments, version_id],
            )
        return cursor.rowcount > 0

    # --- publication and reminders ---------------------------------------------------------

    def publish(
        self,
        report_id: int,
        url: str,
        published_on: date,
        by: str,
        differences: int | None = None,
    ) -> None:
        """Record where and when the agency published its report (the last one counts),
        and, when the published file was sent, how many of its figures differ from the
        approved version."""
        with self.store.transaction():
            self.db.execute(
                "insert into publications (report_id, url, published_on, recorded_by,"
                " recorded_at, differences) values (?, ?, ?, ?, ?, ?) on conflict (report_id)"
                " do update set url = excluded.url, published_on = excluded.published_on,"
                " recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at,"
                " differences = excluded.differences",
                [report_id, url, published_on.isoformat(), by, stamp_now(), differences],
            )

    def reminded(self, year: int) -> dict[int, list[datetime]]:
        """When each agency was reminded about its report of ``year`` (once per occasion,
        whoever of its members got it), oldest first."""
        rows = self.db.execute(
            "select key, at from reminders_sent where key >= ? and key < ? order by at",
            [f"{CHASE}:", f"{CHASE};"],
        ).fetchall()
        seen: dict[tuple[int, str], datetime] = {}
        for key, at in rows:
            _, agency, key_year, occasion, _user = str(key).split(":", 4)
            if int(key_year) == year:
                seen.setdefault((int(agency), occasion), datetime.fromisoformat(at))
        out: dict[int, list[datetime]] = {}
        for (agency_id, _), at in seen.items():
            out.setdefault(agency_id, []).append(at)
        return {a: sorted(times) for a, times in out.items()}
