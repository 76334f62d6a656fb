"""The database schema, one function per migration, applied in order by ``bot.store.reports``.

Plain functions over the ``sqlite_utils.Database`` the store passes in (this module does
not import ``sqlite_utils``: the store stays its only importer). A migration, once
released, is never edited: a change of schema is a new function at the end.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def m001_initial(db: Any) -> None:
    """Reports, answers, history, sessions and processed Telegram updates."""
    db.table("reports").create(
        {
            "id": int,
            "agency": str,
            "year": int,
            "agency_level": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null=["agency", "year", "created_at", "updated_at"],
        strict=True,
    )
    db.table("reports").create_index(["agency", "year"], unique=True)
    db.table("answers").create(
        {
            "report_id": int,
            "section": str,
            "key": str,
            "value": str,
            "updated_at": str,
            "updated_by": str,
            "frontend": str,
        },
        pk=("report_id", "section", "key"),
        foreign_keys=[("report_id", "reports", "id")],
        not_null=["report_id", "section", "key", "value", "updated_at", "updated_by", "frontend"],
        strict=True,
    )
    db.table("history").create(
        {
            "id": int,
            "report_id": int,
            "section": str,
            "key": str,
            "old": str,
            "new": str,
            "user": str,
            "frontend": str,
            "at": str,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
        not_null=["report_id", "section", "key", "user", "frontend", "at"],
        strict=True,
    )
    db.table("history").create_index(["report_id", "id"])
    db.table("sessions").create(
        {"user": str, "state": str, "updated_at": str},
        pk="user",
        not_null=["state", "updated_at"],
        strict=True,
    )
    db.table("processed_updates").create(
        {"update_key": str, "at": str}, pk="update_key", not_null=["at"], strict=True
    )


def m002_review_workflow(db: Any) -> None:
    """Agencies and their members, invites, submitted versions, an outbox, reminders sent.

    Existing reports keep working: ``reports.agency_id`` is filled in for them, each
    agency name becoming an agency with no members (an admin can be added by invite).
    """
    db.table("agencies").create(
        {
            "id": int,
            "name": str,
            "level": str,
            "region": str,
            "created_at": str,
            "created_by": str,
        },
        pk="id",
        not_null=["name", "created_at", "created_by"],
        strict=True,
    )
    db.table("agencies").create_index(["name"], unique=True)
    db.table("members").create(
        {"agency_id": int, "user": str, "role": str, "joined_at": str, "removed_at": str},
        pk=("agency_id", "user"),
        foreign_keys=[("agency_id", "agencies", "id")],
        not_null=["role", "joined_at"],
        strict=True,
    )
    db.table("members").create_index(["user"])
    db.table("invites").create(
        {
            "code": str,
            "agency_id": int,
            "role": str,
            "created_by": str,
            "created_at": str,
            "expires_at": str,
            "revoked_at": str,
            "used_by": str,
            "used_at": str,
        },
        pk="code",
        foreign_keys=[("agency_id", "agencies", "id")],
        not_null=["agency_id", "role", "created_by", "created_at", "expires_at"],
        strict=True,
    )
    db.table("versions").create(
        {
            "id": int,
            "report_id": int,
            "number": int,
            "status": str,
            "data": str,
            "hash": str,
            "submitted_by": str,
            "submitted_at": str,
            "decided_by": str,
            "decided_at": str,
            "comments": str,
        },
        pk="id",
        foreign_keys=[("report_id", "reports", "id")],
        not_null=["report_id", "number", "status", "data", "hash", "submitted_by", "submitted_at"],
        strict=True,
    )
    db.table("versions").create_index(["report_id", "number"], unique=True)
    db.table("outbox").create(
        {"id": int, "user": str, "message": str, "created_at": str, "delivered_at": str},
        pk="id",
        not_null=["user", "message", "created_at"],
        strict=True,
    )
    db.table("outbox").create_index(["user", "delivered_at"])
    db.table("reminders_sent").create(
        {"key": str, "at": str}, pk="key", not_null=["at"], strict=True
    )
    db.table("reports").add_column("agency_id", int, fk="agencies", fk_col="id")
    stamp = datetime.now(UTC).isoformat(timespec="microseconds")
    for (name,) in db.execute("select distinct agency from reports").fetchall():
        cursor = db.execute(
            "insert into agencies (name, created_at, created_by) values (?, ?, ?)",
            [name, stamp, "migration"],
        )
        db.execute("update reports set agency_id = ? where agency = ?", [cursor.lastrowid, name])


def m003_indexes(db: Any) -> None:
    """Indexes the filing season needs: nothing a turn reads grows with the reports.

    A user's reports are found through ``reports.agency_id``; undelivered messages through
    a partial index, so delivered ones (never deleted) cost nothing.
    """
    db.execute("create index if not exists idx_reports_agency_id on reports (agency_id)")
    db.execute(
        "create index if not exists idx_outbox_undelivered on outbox (id)"
        " where delivered_at is null"
    )


def m004_without_rowid(db: Any) -> None:
    """Sessions and processed updates as ``WITHOUT ROWID`` tables, keyed by their text key.

    Every turn writes one row of each; stored in the key's own b-tree, a write changes one
    b-tree instead of a table and its key index, so a turn's commit writes fewer pages.
    """
    tables = {
        "sessions": '"user" text primary key, state text not null, updated_at text not null',
        "processed_updates": "update_key text primary key, at text not null",
    }
    for name, columns in tables.items():
        db.execute(f"create table {name}_m004 ({columns}) strict, without rowid")
        db.execute(f"insert into {name}_m004 select * from {name}")
        db.execute(f"drop table {name}")
        db.execute(f"alter table {name}_m004 rename to {name}")


def m005_inbox(db: Any) -> None:
    """Updates as Telegram handed them over, kept before they are acknowledged.

    A row is written before the bot asks Telegram for the next updates (which confirms
    these) or answers the webhook; it is handled from there, so a killed process loses no
    update: at the next start, the rows not yet in ``processed_updates`` are handled.
    """
    db.execute(
        "create table inbox (update_id integer primary key, data text not null,"
        " received_at text not null) strict"
    )


def m006_member_names(db: Any) -> None:
    """Members' display names (from Telegram, or the terminal's --user), so that
    colleagues are named as people, not by ids."""
    db.execute('create table names ("user" text primary key, name text not null) strict')


def m007_given_names(db: Any) -> None:
    """The name and position an admin gives a member (称呼), read before the name their
    Telegram account shows, which keeps being recorded beside it."""
    db.execute("alter table names add column given text")
    db.execute("alter table names add column position text")


def m008_supervision(db: Any) -> None:
    """A supervising office and its subordinate agencies (``agencies.parent_id``), the
    office's settings (备案 required, its reminder days), the 备案 stage of an approved
    version (``filings``), and where an agency published its report (``publications``,
    with how many figures of the published file differ from the approved version).
    Reminders to subordinates are kept in ``reminders_sent`` (keys ``chase:<agency>:…``)."""
    db.execute("alter table agencies add column parent_id integer references agencies(id)")
    db.execute("create index idx_agencies_parent on agencies (parent_id)")
    db.execute(
        "create table offices (agency_id integer primary key references agencies(id),"
        " filing_required integer not null default 0, remind_days text) strict"
    )
    db.execute(
        "create table filings (version_id integer primary key references versions(id),"
        " office_id integer not null references agencies(id), status text not null,"
        " requested_at text not null, decided_by text, decided_at text, comments text) strict"
    )
    db.execute(
        "create table publications (report_id integer primary key references reports(id),"
        " url text not null, published_on text not null, recorded_by text not null,"
        " recorded_at text not null, differences integer) strict"
    )
