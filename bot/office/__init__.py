"""The office around a report: members, review and the supervising office.

``rules`` holds the review rules, pure (who may do what, content hashes, what changed,
when to remind); ``workflow`` applies them to the store (invites, submit, approve or
return, history, the outbox, reminders); ``aggregate`` sums many agencies' tables for a
supervising office.
"""
