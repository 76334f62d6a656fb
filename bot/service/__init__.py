"""The application service both front ends call.

``turns`` (:class:`Service`) runs one turn: authorise, run the pure engine, store its
changes in one transaction, then carry out the effects it returned (drafts, checks,
exports, the review workflow, files) in one loop; ``intake`` reads the files an officer
sends into the open report.
"""
