"""The Telegram front end: ``reportbot run``, a python-telegram-bot ``Application``.

The only package that imports ``telegram`` is :mod:`bot.frontends`. This module builds the
application around the handlers of :mod:`~bot.frontends.telegram_handlers` (a transport
that retries what fails on the way, Telegram's rate limits, the reminder and delivery
jobs) and runs it with long polling or a webhook; the token never reaches a log line or
an error message.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from http import HTTPStatus
from importlib.util import find_spec
from typing import Any

from telegram import (
    Update,
)
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    BaseRateLimiter,
    CallbackQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.format.catalogue import Code, UserError, message
from bot.format.yaml_loading import PromptError
from bot.frontends.settings import (
    PRIVATE_UMASK,
    Settings,
    TokenRedactor,
    add_run_parser,
    settings_from_args,
)
from bot.frontends.telegram_format import menu_commands
from bot.frontends.telegram_handlers import (
    DEPS,
    REMIND_DAYS_KEY,
    REMIND_EVERY_KEY,
    Context,
    Deps,
    deliver_queued,
    deps,
    guard,
    log,
    mark_handled,
    on_button,
    on_document,
    on_edited,
    on_error,
    on_other,
    on_text,
    remind,
)
from bot.service.turns import Service, load_prompts
from bot.store.inbox import Inbox
from bot.store.pruning import KEEP_DAYS, KEEP_HISTORY_YEARS, prune
from bot.store.reports import Store, StoreError

__all__ = ["App", "Deps", "add_run_parser", "build_application", "cmd_run", "main", "remind"]

EXIT_FAILED = 2
RATE_LIMIT_RETRIES = 5  # a 429 is waited out (its retry_after) and sent again, this often
NETWORK_RETRIES = 6  # a 5xx, a timeout or a dropped connection: tried again this often,
RETRY_DELAY, RETRY_DELAY_MAX = 0.5, 10.0  # after 0.5, 1, 2, 4, 8, 10 s (25.5 s in all)
DELIVER_EVERY = 5.0  # seconds between two looks at the outbox by the delivery job
KEEP_KEY = "keep"
PRUNE_EVERY = 24 * 3600.0  # seconds between two prunings of old updates and messages
CONCURRENT_UPDATES = 64  # updates handled at once (of different chats; see Deps.lock)
App = Application[Any, Any, Any, Any, Any, Any]


# --- the application ------------------------------------------------------------------


class RetryingRequest(HTTPXRequest):
    """PTB's HTTP transport, trying a request again when it fails on the way.

    A 5xx answer, a timeout or a dropped connection is retried (:data:`NETWORK_RETRIES`
    times, waiting longer each time), so that a short outage of the Bot API delays the
    replies instead of losing them. A reply whose answer timed out after Telegram took it
    may arrive twice: better than not at all. ``getMe``, the token check at start-up, is
    not retried, so that a wrong URL or a dead network stops start-up at once. A 429 is
    the rate limiter's (it waits ``retry_after``); other 4xx answers are final.
    """

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]  # the URL holds the token: log only the method
        retries = 0 if endpoint == "getMe" else NETWORK_RETRIES
        delay, attempt = RETRY_DELAY, 0
        while True:
            try:
                code, payload = await super().do_request(
                    url,
                    method,
                    request_data,
                    read_timeout,
                    write_timeout,
                    connect_timeout,
                    pool_timeout,
                )
            except NetworkError as exc:  # TimedOut, or the connection failed
                if attempt >= retries:
                    raise
                reason = str(exc) or type(exc).__name__
            else:
                if code < HTTPStatus.INTERNAL_SERVER_ERROR or attempt >= retries:
                    return code, payload
                reason = f"HTTP {code}"
            attempt += 1
            log.warning("%s failed (%s); try %d in %.1f s", endpoint, reason, attempt + 1, delay)
            await asyncio.sleep(delay)
            delay = min(2 * delay, RETRY_DELAY_MAX)


class DurableQueue(asyncio.Queue[object]):
    """PTB's update queue, keeping every update in the store's inbox as it is put.

    The updater puts each update it fetches here before it asks Telegram for the next
    ones (which confirms these), and the webhook server before it answers Telegram: so an
    update Telegram hands over is in SQLite before Telegram forgets it, and a process
    killed before handling it handles it at the next start (:func:`replay`).
    """

    def __init__(self, inbox: Inbox) -> None:
        super().__init__()
        self.inbox = inbox

    def put_nowait(self, item: object) -> None:
        if isinstance(item, Update):
            self.inbox.keep(item.update_id, json.dumps(item.to_dict(), ensure_ascii=False))
        super().put_nowait(item)


def replay(app: App, inbox: Inbox) -> int:
    """Queue the updates kept but never handled (a killed process); how many."""
    unhandled = inbox.unhandled()
    for _, data in unhandled:
        update = Update.de_json(json.loads(data), app.bot)
        if update is not None:
            app.update_queue.put_nowait(update)
    if unhandled:
        log.info("%d updates kept before a stop are handled now", len(unhandled))
    return len(unhandled)


async def prune_daily(context: Context) -> None:
    """Daily: forget handled updates, delivered messages and old history (the settings')."""
    days, years = context.bot_data.get(KEEP_KEY, (KEEP_DAYS, KEEP_HISTORY_YEARS))
    log.info("pruned %s", prune(deps(context).store, days, years))


async def post_init(app: App) -> None:
    """Publish the command menu; invite links name this bot; handle the updates a stop
    left; look for due reminders."""
    await app.bot.set_my_commands(menu_commands())
    found = app.bot_data.get(DEPS)
    if isinstance(found, Deps):
        username = app.bot.username
        found.service.workflow.invite_link = lambda code: f"https://t.me/{username}?start={code}"
        replay(app, Inbox(found.store))
    if app.job_queue is not None:
        app.job_queue.run_repeating(prune_daily, interval=PRUNE_EVERY, first=60.0, name="pruning")
        every = float(app.bot_data.get(REMIND_EVERY_KEY, 3600.0))
        app.job_queue.run_repeating(remind, interval=every, first=1.0, name="reminders")
        app.job_queue.run_repeating(
            deliver_queued, interval=DELIVER_EVERY, first=DELIVER_EVERY, name="delivery"
        )


async def post_shutdown(app: App) -> None:
    """Close the store (everything in it is already committed)."""
    found = app.bot_data.pop(DEPS, None)
    if isinstance(found, Deps):
        found.store.close()


def build_application(
    settings: Settings,
    found: Deps,
    *,
    request: BaseRequest | None = None,
    rate_limiter: BaseRateLimiter[Any] | None = None,
) -> App:
    """The bot: handlers, error handler, rate limiter, ``found`` in ``bot_data``.

    ``request`` replaces the HTTP transport (tests), ``rate_limiter`` Telegram's flood
    limits (e.g. unthrottled, to measure the bot's own cost).
    """
    if rate_limiter is None:  # Telegram's flood limits; a 429 is waited out and sent again
        rate_limiter = AIORateLimiter(max_retries=RATE_LIMIT_RETRIES)
    builder = (
        ApplicationBuilder()
        .token(settings.token)
        .base_url(settings.base_url)
        .base_file_url(settings.base_file_url)
        # Updates of different chats at once, so that one officer's flood or upload never
        # keeps another waiting; each chat's in order, under its lock (telegram_handlers).
        .concurrent_updates(CONCURRENT_UPDATES)
        .update_queue(DurableQueue(Inbox(found.store)))
        .rate_limiter(rate_limiter)
        .post_init(post_init)
        .post_shutdown(post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    else:  # getUpdates keeps PTB's transport: the updater retries it by itself
        builder = builder.request(RetryingRequest())
    app: App = builder.build()
    app.bot_data[DEPS] = found
    app.bot_data[REMIND_DAYS_KEY] = settings.remind_days
    app.bot_data[REMIND_EVERY_KEY] = settings.remind_every
    app.bot_data[KEEP_KEY] = (settings.keep_days, settings.keep_history_years)
    app.add_handler(TypeHandler(Update, guard), group=-1)
    app.add_handler(TypeHandler(Update, mark_handled), group=1)
    message_only = filters.UpdateType.MESSAGE
    handlers: list[Any] = [
        CallbackQueryHandler(on_button),
        MessageHandler(message_only & filters.TEXT, on_text),
        MessageHandler(message_only & filters.Document.ALL, on_document),
        MessageHandler(filters.UpdateType.EDITED_MESSAGE, on_edited),
        MessageHandler(message_only, on_other),
    ]
    app.add_handlers(handlers)
    app.add_error_handler(on_error)
    return app


# --- running --------------------------------------------------------------------------


def start(app: App, settings: Settings) -> int:
    """Check the token, then serve until stopped (SIGINT/SIGTERM); the exit status."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(app.initialize())  # getMe: a bad token fails here, quietly
    except TelegramError as exc:
        loop.run_until_complete(app.bot.shutdown())
        loop.run_until_complete(post_shutdown(app))
        loop.close()
        if isinstance(exc, InvalidToken):
            print(message(Code.TG_TOKEN_REJECTED, url=settings.base_url), file=sys.stderr)
        else:
            reason = TokenRedactor(settings.token).redact(str(exc))
            print(
                message(Code.TG_UNREACHABLE, url=settings.base_url, reason=reason), file=sys.stderr
            )
        return EXIT_FAILED
    hook = settings.webhook
    if hook is None:
        app.run_polling()  # updates sent while the bot was down are answered, not dropped
    else:
        app.run_webhook(
            listen=hook.listen,
            port=hook.port,
            url_path=hook.path,
            webhook_url=hook.url,
            secret_token=hook.secret_token,
        )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``reportbot run``: the Telegram bot on the SQLite database."""
    try:
        settings = settings_from_args(args, os.environ)
        if settings.webhook is not None and find_spec("tornado") is None:
            raise UserError(Code.TG_WEBHOOK_UNAVAILABLE)
        load_prompts()
    except UserError as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_FAILED
    except PromptError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level="INFO")
    # httpx logs every request URL at INFO, and those URLs hold the token
    logging.getLogger("httpx").setLevel(logging.WARNING)
    secrets = [settings.token] + ([settings.webhook.secret_token] if settings.webhook else [])
    TokenRedactor(*secrets).install()
    try:
        store = Store.open(settings.db)
    except UserError as exc:  # not a database, damaged, or from a newer reportbot
        print(exc.message(), file=sys.stderr)
        return EXIT_FAILED
    except (OSError, StoreError) as exc:
        print(message(Code.TG_NO_DATABASE, path=settings.db, reason=exc), file=sys.stderr)
        return EXIT_FAILED
    service = Service(store, zone=settings.zone)
    return start(build_application(settings, Deps(store, service)), settings)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.frontends.telegram_bot run …`` (the same as ``reportbot run …``)."""
    parser = argparse.ArgumentParser(prog="reportbot")
    add_run_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    umask = os.umask(PRIVATE_UMASK)  # the database and its WAL: the owner's only
    try:
        return cmd_run(args)
    except KeyboardInterrupt:
        return 130
    finally:
        os.umask(umask)


if __name__ == "__main__":
    sys.exit(main())
