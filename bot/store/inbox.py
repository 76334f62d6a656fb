"""The durable inbox of Telegram updates (pruned by :mod:`bot.store.pruning`).

Telegram forgets an update once the bot has confirmed it (by asking for the next ones,
or by answering the webhook). :class:`Inbox` keeps each update in SQLite before that
happens; a turn records its update as processed in the same transaction as its answers
(``Store.seen_update``), so the updates kept but not processed are exactly those a
killed process never finished, and the next start handles them. Works on the connection
of a :class:`~bot.store.reports.Store`.
"""

from __future__ import annotations

from bot.store.reports import Store
from bot.store.rows import stamp_now


class Inbox:
    """Updates kept before they are acknowledged, on the store's connection."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def keep(self, update_id: int, data: str) -> bool:
        """Keep an update (its JSON) unless kept already; committed before returning.
        Returns whether it was new."""
        with self.store.transaction():
            cursor = self.db.execute(
                "insert or ignore into inbox (update_id, data, received_at) values (?, ?, ?)",
                [update_id, data, stamp_now()],
            )
        return cursor.rowcount > 0

    def unhandled(self) -> list[tuple[int, str]]:
        """The updates kept but never processed, oldest first: (update id, JSON)."""
        rows = self.db.execute(
            "select update_id, data from inbox where cast(update_id as text) not in"
            " (select update_key from processed_updates) order by update_id"
        ).fetchall()
        return [(int(i), str(d)) for i, d in rows]
