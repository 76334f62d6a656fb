"""Agencies, members, invites, submitted versions, the outbox and reminders, in SQLite.

Works on the connection of a :class:`~bot.store.reports.Store` (whose migrations create these
tables), so ``bot/store.py`` stays the only module that imports ``sqlite_utils``. Every
write is one transaction, committed before the method returns. Versions are
append-only snapshots: their data and content hash never change once written; only
the decision on a submitted version is recorded, once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.store.reports import Store
from bot.store.rows import ReportInfo, info_from_row, stamp_now


class LastAdmin(Exception):
    """The change would leave an agency with members but no admin."""


class AgencyExists(Exception):
    """An agency of that name already exists."""


@dataclass(frozen=True, slots=True)
class Membership:
    """A user's role in one agency."""

    agency_id: int
    agency: str
    role: str
    user: str = ""
    level: str = ""


@dataclass(frozen=True, slots=True)
class Name:
    """How a user is named: as their account shows (``shown``), and as an admin named
    them (``given``, with their ``position``), which is read first."""

    shown: str
    given: str | None = None
    position: str | None = None


@dataclass(frozen=True, slots=True)
class Invite:
    """An invite code and its state."""

    code: str
    agency_id: int
    role: str
    expires_at: datetime
    revoked: bool
    used_by: str | None


@dataclass(frozen=True, slots=True)
class Version:
    """A submitted snapshot of a report: immutable data, its hash, and the decision."""

    id: int
    report_id: int
    number: int
    status: str  # submitted | approved | returned
    data: str
    hash: str
    submitted_by: str
    submitted_at: datetime
    decided_by: str | None
    comments: str | None
    decided_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Notice:
    """A message waiting in the outbox for ``user``."""

    id: int
    user: str
    message: dict[str, Any]


class WorkflowStore:
    """Typed access to the review-workflow tables of a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db
        # whether this process queued a message since the outbox was last read (True at
        # first: messages left from before a restart are looked for once)
        self.notified = True

    # --- agencies and members ----------------------------------------------------------

    def create_agency(self, name: str, level: str, region: str, admin: str) -> int:
        """Create the agency with ``admin`` as its first member.

        Raises AgencyExists when an agency of that name exists, with members or without
        (one made for a loaded report, or whose members all left): a name never claims an
        agency; joining is by invite, or by the operator's ``reportbot grant``.
        """
        stamp = stamp_now()
        with self.store.transaction():
            if self.agency_id(name) is not None:
                raise AgencyExists(name)
            cursor = self.db.execute(
                "insert into agencies (name, level, region, created_at, created_by)"
                " values (?, ?, ?, ?, ?)",
                [name, level, region, stamp, admin],
            )
            assert cursor.lastrowid is not None
            agency_id = cursor.lastrowid
            self._add_member(agency_id, admin, "admin", stamp)
        return agency_id

    def grant(self, agency_id: int, user: str, role: str) -> None:
        """The operator's grant: make ``user`` a member with ``role`` (the CLI's
        ``reportbot grant``); raises LastAdmin rather than demote the only admin."""
        with self.store.transaction():
            if role != "admin" and self._only_admin(agency_id, user):
                raise LastAdmin(user)
            self._add_member(agency_id, user, role, stamp_now())

    def set_level(self, agency_id: int, level: str) -> None:
        """Record the agency's level if it has none (an agency made by loading a report)."""
        with self.store.transaction():
            self.db.execute(
                "update agencies set level = ? where id = ? and coalesce(level, '') = ''",
                [level, agency_id],
            )

    def change_level(self, agency_id: int, level: str) -> None:
        """Record the agency's level, whatever it was (修改 层级)."""
        with self.store.transaction():
            self.db.execute("update agencies set level = ? where id = ?", [level, agency_id])

    def level(self, agency_id: int) -> str:
        """The agency's level ('' when not known yet)."""
        row = self.db.execute("select level from agencies where id = ?", [agency_id]).fetchone()
        return str(row[0] or "") if row is not None else ""

    def agency_id(self, name: str) -> int | None:
        """The id of the agency named ``name``."""
        row = self.db.execute("select id from agencies where name = ?", [name]).fetchone()
        return None if row is None else int(row[0])

    def memberships(self, user: str) -> list[Membership]:
        """The agencies ``user`` belongs to, with the role in each."""
        rows = self.db.execute(
            "select a.id, a.name, m.role, a.level from members m join agencies a"
            ' on a.id = m.agency_id where m."user" = ? and m.removed_at is null order by a.name',
            [user],
        ).fetchall()
        return [Membership(int(i), name, role, user, level or "") for i, name, role, level in rows]

    def role(self, user: str, agency_id: int) -> str | None:
        """The user's role in the agency, or None for an outsider."""
        row = self.db.execute(
            'select role from members where agency_id = ? and "user" = ? and removed_at is null',
            [agency_id, user],
        ).fetchone()
        return None if row is None else str(row[0])

    def members(self, agency_id: int) -> list[Membership]:
        """The current members of the agency."""
        rows = self.db.execute(
            'select a.id, a.name, m.role, m."user" from members m join agencies a'
            " on a.id = m.agency_id where m.agency_id = ? and m.removed_at is null"
            ' order by m.joined_at, m."user"',
            [agency_id],
        ).fetchall()
        return [Membership(int(i), name, role, user) for i, name, role, user in rows]

    def set_name(self, user: str, name: str) -> None:
        """Record how ``user`` is called (their Telegram name, or the terminal's --user)."""
        with self.store.transaction():
            self.db.execute(
                'insert into names ("user", name) values (?, ?)'
                ' on conflict ("user") do update set name = excluded.name',
                [user, name],
            )

    def give_name(self, user: str, name: str, position: str) -> None:
        """Record the name and position an admin gives ``user`` (称呼)."""
        with self.store.transaction():
            self.db.execute(
                'insert into names ("user", name, given, position) values (?, ?, ?, ?)'
                ' on conflict ("user") do update set given = excluded.given,'
                " position = excluded.position",
                [user, name, name, position or None],
            )

    def names(self, users: Iterable[str]) -> dict[str, Name]:
        """The recorded names of ``users`` (those without one are left out)."""
        wanted = sorted(set(users))
        if not wanted:
            return {}
        rows = self.db.execute(
            'select "user", name, given, position from names'
            f' where "user" in ({", ".join("?" * len(wanted))})',
            wanted,
        ).fetchall()
        return {str(u): Name(str(n), g, p) for u, n, g, p in rows}

    def remove_member(self, agency_id: int, user: str) -> bool:
        """Remove a member; False if they were not one. Raises LastAdmin for the only admin
        of the agency (who would leave it to be claimed by nobody)."""
        with self.store.transaction():
            if self._only_admin(agency_id, user):
                raise LastAdmin(user)
            cursor = self.db.execute(
                'update members set removed_at = ? where agency_id = ? and "user" = ?'
                " and removed_at is null",
                [stamp_now(), agency_id, user],
            )
        return cursor.rowcount > 0

    def _only_admin(self, agency_id: int, user: str) -> bool:
        """Whether ``user`` is the agency's one admin."""
        admins = self.db.execute(
            'select "user" from members where agency_id = ? and role = ? and removed_at is null',
            [agency_id, "admin"],
        ).fetchall()
        return [str(a) for (a,) in admins] == [user]

    def _add_member(self, agency_id: int, user: str, role: str, stamp: str) -> None:
        self.db.execute(
            'insert into members (agency_id, "user", role, joined_at) values (?, ?, ?, ?)'
            ' on conflict (agency_id, "user") do update set role = excluded.role,'
            " joined_at = excluded.joined_at, removed_at = null",
            [agency_id, user, role, stamp],
        )

    # --- invites ---------------------------------------------------------------------

    def create_invite(
        self, code: str, agency_id: int, role: str, by: str, expires_at: datetime
    ) -> None:
        """Store a new invite code."""
        with self.store.transaction():
            self.db.execute(
                "insert into invites (code, agency_id, role, created_by, created_at, expires_at)"
                " values (?, ?, ?, ?, ?, ?)",
                [code, agency_id, role, by, stamp_now(), expires_at.isoformat()],
            )

    def invite(self, code: str) -> Invite | None:
        """The invite with this code, or None."""
        row = self.db.execute(
            "select code, agency_id, role, expires_at, revoked_at, used_by from invites"
            " where code = ?",
            [code],
        ).fetchone()
        if row is None:
            return None
        code, agency_id, role, expires, revoked, used_by = row
        return Invite(
            code,
            int(agency_id),
            role,
            datetime.fromisoformat(expires),
            revoked is not None,
            used_by,
        )

    def use_invite(self, code: str, user: str) -> str:
        """Make ``user`` a member by a valid invite (the caller has checked it); returns
        the role they now have. An invite never changes the role of a member: it is then
        left unused, for the colleague it was meant for."""
        stamp = stamp_now()
        with self.store.transaction():
            invite = self.invite(code)
            assert invite is not None
            current = self.role(user, invite.agency_id)
            if current is not None:
                return current
            self.db.execute(
                "update invites set used_by = ?, used_at = ? where code = ?", [user, stamp, code]
            )
            self._add_member(invite.agency_id, user, invite.role, stamp)
            return invite.role

    def revoke_invite(self, code: str, agency_id: int) -> bool:
        """Revoke an unused invite of the agency; False if there is none."""
        with self.store.transaction():
            cursor = self.db.execute(
                "update invites set revoked_at = ? where code = ? and agency_id = ?"
                " and revoked_at is null and used_by is null",
                [stamp_now(), code, agency_id],
            )
        return cursor.rowcount > 0

    # --- reports of a user -----------------------------------------------------------

    def reports_and_roles(self, user: str) -> list[tuple[ReportInfo, str]]:
        """The reports of the agencies ``user`` belongs to, each with the user's role there,
        most recently changed first (one query: every turn asks)."""
        rows = self.db.execute(
            "select r.id, r.agency, r.year, r.agency_level, r.updated_at, m.role from reports r"
            ' join members m on m.agency_id = r.agency_id where m."user" = ?'
            " and m.removed_at is null order by r.updated_at desc, r.id desc",
            [user],
        ).fetchall()
        return [(info_from_row(row[:5]), str(row[5])) for row in rows]

    def agency_of_report(self, report_id: int) -> int | None:
        """The agency a report belongs to."""
        row = self.db.execute("select agency_id from reports where id = ?", [report_id]).fetchone()
        return None if row is None or row[0] is None else int(row[0])

    def editors_of(self, report_id: int) -> set[str]:
        """Everyone who ever changed an answer of the report."""
        rows = self.db.execute(
            'select distinct "user" from history where report_id = ?', [report_id]
        ).fetchall()
        return {str(u) for (u,) in rows}

    # --- versions --------------------------------------------------------------------

    def submit(self, report_id: int, data: str, digest: str, user: str) -> Version:
        """Append a submitted version (number = last + 1)."""
        stamp = stamp_now()
        with self.store.transaction():
            last = self.db.execute(
                "select max(number) from versions where report_id = ?", [report_id]
            ).fetchone()[0]
            version_id = self.db.execute(
                "insert into versions (report_id, number, status, data, hash, submitted_by,"
                " submitted_at) values (?, ?, 'submitted', ?, ?, ?, ?)",
                [report_id, (last or 0) + 1, data, digest, user, stamp],
            ).lastrowid
        assert version_id is not None
        version = self.version(version_id)
        assert version is not None
        return version

    def decide(self, version_id: int, status: str, user: str, comments: str | None) -> bool:
        """Record the decision on a submitted version; False if it was already decided."""
        with self.store.transaction():
            cursor = self.db.execute(
                "update versions set status = ?, decided_by = ?, decided_at = ?, comments = ?"
                " where id = ? and status = 'submitted'",
                [status, user, stamp_now(), comments, version_id],
            )
        return cursor.rowcount > 0

    def version(self, version_id: int) -> Version | None:
        """One version."""
        rows = self._versions("id = ?", [version_id])
        return rows[0] if rows else None

    def versions(self, report_id: int) -> list[Version]:
        """Every version of a report, oldest first."""
        return self._versions("report_id = ?", [report_id])

    def pending_versions(self) -> list[Version]:
        """Submitted versions awaiting a decision."""
        return self._versions("status = 'submitted'", [])

    def _versions(self, where: str, params: list[Any]) -> list[Version]:
        rows = self.db.execute(
            "select id, report_id, number, status, data, hash, submitted_by, submitted_at,"
            f" decided_by, comments, decided_at from versions where {where} order by id",
            params,
        ).fetchall()
        return [
            Version(
                int(r[0]),
                int(r[1]),
                int(r[2]),
                r[3],
                r[4],
                r[5],
                r[6],
                datetime.fromisoformat(r[7]),
                r[8],
                r[9],
                datetime.fromisoformat(r[10]) if r[10] else None,
            )
            for r in rows
        ]

    # --- outbox and reminders ----------------------------------------------------------

    def notify(self, user: str, message: dict[str, Any]) -> None:
        """Queue a message for ``user`` (delivered by their front end)."""
        with self.store.transaction():
            self.db.execute(
                'insert into outbox ("user", message, created_at) values (?, ?, ?)',
                [user, json.dumps(message, ensure_ascii=False), stamp_now()],
            )
        self.notified = True

    def undelivered(self, user: str | None = None) -> list[Notice]:
        """Queued messages (of one user, or of everyone), oldest first."""
        where, params = ('and "user" = ?', [user]) if user is not None else ("", [])
        rows = self.db.execute(
            f'select id, "user", message from outbox where delivered_at is null {where}'
            " order by id",
            params,
        ).fetchall()
        return [Notice(int(i), u, json.loads(m)) for i, u, m in rows]

    def claim(self, prefix: str) -> list[Notice]:
        """Take the queued messages of the users whose id starts with ``prefix`` for
        sending: marked delivered in the same transaction that reads them, so that two
        deliveries at once (after a turn, and the delivery job) never send one twice.
        A message whose sending failed is put back with :meth:`release`."""
        with self.store.transaction():
            rows = self.db.execute(
                'select id, "user", message from outbox where delivered_at is null'
                ' and substr("user", 1, ?) = ? order by id',
                [len(prefix), prefix],
            ).fetchall()
            if rows:
                self.db.execute(
                    "update outbox set delivered_at = ? where id in"
                    f" ({', '.join('?' * len(rows))})",
                    [stamp_now(), *(int(r[0]) for r in rows)],
                )
        return [Notice(int(i), u, json.loads(m)) for i, u, m in rows]

    def request_text(self, version_id: int) -> str | None:
        """The text of the review request first queued for a version, if any."""
        row = self.db.execute(
            "select json_extract(message, '$.text') from outbox"
            " where json_extract(message, '$.version') = ? order by id limit 1",
            [version_id],
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def release(self, notice_id: int) -> None:
        """Put a claimed message back in the queue (its sending failed)."""
        with self.store.transaction():
            self.db.execute("update outbox set delivered_at = null where id = ?", [notice_id])

    def delivered(self, notice_id: int) -> None:
        """Mark one queued message as delivered."""
        with self.store.transaction():
            self.db.execute(
                "update outbox set delivered_at = ? where id = ?", [stamp_now(), notice_id]
            )

    def first_time(self, key: str) -> bool:
        """Record a reminder key; True the first time it is seen."""
        with self.store.transaction():
            cursor = self.db.execute(
                "insert or ignore into reminders_sent (key, at) values (?, ?)", [key, stamp_now()]
            )
        return cursor.rowcount == 1
