"""The guided conversation, pure: ``handle(flow, session, input, context) -> Outcome``.

The questions as data (``flows``, ``expressions``, from ``prompts/*.yaml``), the
officer's session (``session``), what goes in and out of a turn (``types``), what an
answer means (``answers``), where the officer is (``journey``), the command words
(``command_words``), and the turn itself: ``turn`` (state and navigation), ``setup``
(choosing or creating a report), ``commands`` (what each command does) and ``engine``
(routing one input). No Telegram, no SQL, no files, no drafting: side effects are
returned as typed values (:mod:`bot.conversation.effects`) for the service to carry out.
"""
