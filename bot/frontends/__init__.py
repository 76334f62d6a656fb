"""The ways in: thin adapters that turn what a user does into engine inputs and replies
into messages.

``cli`` is the ``reportbot`` command (all of argparse lives here and in ``settings``);
``terminal`` is the chat on a terminal; ``telegram_bot`` the python-telegram-bot
application, the only module that imports ``telegram``; ``telegram_format`` lays replies
out as Telegram messages (HTML, buttons, splitting at 4,096 characters).
"""
