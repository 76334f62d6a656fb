"""The one store: SQLite through sqlite-utils, the only package that imports either.

``reports`` (:class:`Store`) keeps reports, answers, their history and the sessions, with
WAL and one transaction per turn; ``office`` keeps agencies, members, invites, submitted
versions, the outbox and reminders on the same connection; ``migrations`` upgrades the
schema step by step.
"""
