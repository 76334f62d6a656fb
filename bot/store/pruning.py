"""Pruning what is no longer needed: handled updates, delivered messages, old history.

Run daily by the Telegram bot (``reportbot run --keep-days --keep-history-years``). The
answers of every report stay; what goes is the bookkeeping around them: updates handled
and messages delivered more than :data:`KEEP_DAYS` ago, and the change history of reports
whose year is more than :data:`KEEP_HISTORY_YEARS` back (their approved versions keep
their snapshots). Imports nothing heavy at module level, so settings can name the
defaults.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.store.reports import Store

KEEP_DAYS = 30  # handled updates and delivered messages are pruned after this long
KEEP_HISTORY_YEARS = 3  # a report's change history is kept this many years after its year


@dataclass(frozen=True, slots=True)
class Pruned:
    """How many rows a pruning removed, by table."""

    inbox: int
    processed_updates: int
    outbox: int
    history: int


def prune(
    store: Store,
    days: int = KEEP_DAYS,
    history_years: int = KEEP_HISTORY_YEARS,
    now: datetime | None = None,
) -> Pruned:
    """Remove handled updates and delivered messages older than ``days``, and the history
    of reports more than ``history_years`` before the current year; in one transaction."""
    now = now or datetime.now(UTC)
    cutoff = (now - timedelta(days=days)).isoformat()
    db = store.db
    with store.transaction():
        inbox = db.execute(
            "delete from inbox where received_at < ? and cast(update_id as text) in"
            " (select update_key from processed_updates)",
            [cutoff],
        ).rowcount
        processed = db.execute(
            "delete from processed_updates where at < ? and update_key not in"
            " (select cast(update_id as text) from inbox)",
            [cutoff],
        ).rowcount
        outbox = db.execute(
            "delete from outbox where delivered_at is not null and delivered_at < ?", [cutoff]
        ).rowcount
        history = db.execute(
            "delete from history where report_id in (select id from reports where year < ?)",
            [now.year - history_years],
        ).rowcount
    return Pruned(inbox, processed, outbox, history)
