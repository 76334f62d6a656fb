"""The Telegram front end: ``reportbot run``, a python-telegram-bot ``Application``.

The only module that imports ``telegram``. It translates updates into engine inputs
(a message is ``Input(text=...)``, a button is ``Input(choice=..., choice_step=...)``),
runs them through :class:`~bot.service.turns.Service` (which commits every change before it
returns) and sends the replies: HTML-escaped text split at 4096 characters, inline
keyboards, documents. Private chats only; each update is handled once even if
Telegram delivers it again; the token never reaches a log line or an error message.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from http import HTTPStatus
from importlib.util import find_spec
from typing import Any

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ApplicationHandlerStop,
    BaseRateLimiter,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.conversation.command_words import spec
from bot.conversation.types import Input
from bot.format.catalogue import Code, UserError, message
from bot.format.yaml_loading import PromptError
from bot.frontends.settings import Settings, TokenRedactor, add_run_parser, settings_from_args
from bot.frontends.telegram_format import Button, Document, menu_commands, messages, parse_callback
from bot.office.rules import REMIND_DAYS
from bot.service.turns import Outgoing, Service, load_prompts
from bot.store.reports import Store, StoreError

__all__ = ["Deps", "add_run_parser", "build_application", "cmd_run", "main"]

FRONTEND = "telegram"
USER_PREFIX = "tg:"
REMIND_DAYS_KEY = "remind_days"
REMIND_EVERY_KEY = "remind_every"
DELIVER_EVERY = 5.0  # seconds between two looks at the outbox by the delivery job
DEPS = "deps"
EXIT_FAILED = 2
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
log = logging.getLogger("bot.frontends.telegram_bot")  # also when run as __main__
App = Application[Any, Any, Any, Any, Any, Any]
Context = ContextTypes.DEFAULT_TYPE
RATE_LIMIT_RETRIES = 5  # a 429 is waited out (its retry_after) and sent again, this often
NETWORK_RETRIES = 6  # a 5xx, a timeout or a dropped connection: tried again this often,
RETRY_DELAY, RETRY_DELAY_MAX = 0.5, 10.0  # after 0.5, 1, 2, 4, 8, 10 s (25.5 s in all)


@dataclass
class Deps:
    """What the handlers share, kept in ``application.bot_data``."""

    store: Store
    service: Service


def deps(context: Context) -> Deps:
    """The application's :class:`Deps`."""
    found = context.bot_data[DEPS]
    assert isinstance(found, Deps)
    return found


def user_key(update: Update) -> str:
    """The officer's id for the service."""
    assert update.effective_user is not None
    return f"{USER_PREFIX}{update.effective_user.id}"


# --- sending --------------------------------------------------------------------------


@lru_cache(maxsize=256)
def markup(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """The inline keyboard of ``rows``, or None (made once: the same few keyboards recur,
    and PTB's objects are immutable)."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in rows]
    )


async def send(bot: Bot, chat_id: int, out: Iterable[Outgoing]) -> None:
    """Send the service's replies in order: text with keyboards, and documents."""
    for sent in messages(out):
        if isinstance(sent, Document):
            await bot.send_document(
                chat_id,
                InputFile(sent.data, filename=sent.name),
                caption=sent.caption,
                parse_mode=ParseMode.HTML,
            )
        else:
            await bot.send_message(
                chat_id,
                sent.html,
                parse_mode=ParseMode.HTML,
                reply_markup=markup(sent.keyboard),
                link_preview_options=NO_PREVIEW,
            )


async def say(update: Update, context: Context, code: Code, **params: object) -> None:
    """Send one coded message to the update's chat."""
    assert update.effective_chat is not None
    await send(context.bot, update.effective_chat.id, [Outgoing(message(code, **params), code)])


async def turn(update: Update, context: Context, inp: Input) -> None:
    """One turn of the conversation: the service stores everything, then we reply.

    The turn recorded its update in its own transaction, so no later handler group runs
    (:func:`mark_handled` would only write it again).
    """
    assert update.effective_chat is not None
    service = deps(context).service
    out = service.handle(user_key(update), inp, FRONTEND, str(update.update_id))
    await send(context.bot, update.effective_chat.id, out)
    await deliver(context.bot, service, if_queued=True)
    raise ApplicationHandlerStop


async def deliver(bot: Bot, service: Service, *, if_queued: bool = False) -> None:
    """Send the messages queued for other officers (review requests, decisions, reminders).

    After a turn (``if_queued``) only when the turn queued one; the delivery job looks
    every :data:`DELIVER_EVERY` seconds anyway (messages queued by another process, such
    as the terminal chat, and those that failed). A message is marked delivered once
    Telegram took it (or the officer blocked the bot); on any other failure it stays
    queued and goes with the next delivery.
    """
    for notice_id, user, out in service.undelivered(if_queued=if_queued):
        if not user.startswith(USER_PREFIX):
            continue  # a terminal user: shown when they next open the chat
        try:
            await send(bot, int(user.removeprefix(USER_PREFIX)), out)
        except Forbidden:
            log.info("user %s blocked the bot; their message %s is dropped", user, notice_id)
        except TelegramError as exc:
            log.warning("message %s for %s not delivered yet: %s", notice_id, user, exc)
            continue
        service.delivered(notice_id)


async def deliver_queued(context: Context) -> None:
    """The delivery job: send whatever is queued."""
    await deliver(context.bot, deps(context).service)


async def remind(context: Context) -> None:
    """The reminder job: queue what is due (each reminder once), then deliver it.

    Due reminders are found in the database, so a reminder that fell due while the bot
    was stopped is sent at the next look after it starts.
    """
    found = deps(context)
    days = context.bot_data.get(REMIND_DAYS_KEY, REMIND_DAYS)
    found.service.workflow.queue_reminders(found.service.today(), days)
    await deliver(context.bot, found.service)


# --- guards (group -1 runs before the handlers) ----------------------------------------


async def guard(update: Update, context: Context) -> None:
    """What every update goes through first (one handler group: each group costs)."""
    await drop_duplicate(update, context)
    await private_only(update, context)


async def drop_duplicate(update: Update, context: Context) -> None:
    """Stop an update Telegram delivers again (e.g. after a restart) being handled twice.

    A turn records its update in the same transaction as its answers; other updates are
    recorded once handled (:func:`mark_handled`). An update cut short by a crash before
    that commit is handled again, not lost.
    """
    if deps(context).store.update_seen(str(update.update_id)):
        log.info("update %s was already handled; skipped", update.update_id)
        raise ApplicationHandlerStop


async def mark_handled(update: Update, context: Context) -> None:
    """Record an update that did not go through a turn (a group, an edit, a photo …)."""
    deps(context).store.seen_update(str(update.update_id))


async def private_only(update: Update, context: Context) -> None:
    """Outside a private chat, say once that the bot works only there, and do nothing."""
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    if not deps(context).store.seen_update(f"not-private:{chat.id}"):
        try:
            await say(update, context, Code.TG_PRIVATE_ONLY)
        except Forbidden:
            log.info("could not tell chat %s that the bot works only in private", chat.id)
    raise ApplicationHandlerStop


# --- handlers -------------------------------------------------------------------------


async def on_text(update: Update, context: Context) -> None:
    """A typed message (an answer, a Chinese command word or a /command)."""
    assert update.message is not None
    assert update.message.text is not None
    await turn(update, context, Input(text=update.message.text))


async def on_button(update: Update, context: Context) -> None:
    """A pressed inline button: answer it, remove its keyboard, and take the choice."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    try:  # a press too old to answer is still taken: the engine decides if it expired
        await query.answer(message(Code.TG_BAD_BUTTON) if parsed is None else None)
    except TelegramError as exc:
        log.info("button press %s not answered: %s", query.id, exc)
    if query.message is not None:  # so that a used keyboard cannot be pressed again
        try:
            await context.bot.edit_message_reply_markup(
                chat_id=query.message.chat.id, message_id=query.message.message_id
            )
        except BadRequest as exc:  # already removed, or too old to edit
            log.debug("keyboard of message %s kept: %s", query.message.message_id, exc)
    if parsed is None:
        log.warning("unreadable button data from %s: %r", user_key(update), query.data)
        return
    step, choice = parsed
    await turn(update, context, Input(choice=choice, choice_step=step))


MAX_DOCUMENT = 20 * 1024 * 1024  # the Bot API lets bots download files up to 20 MB


async def on_document(update: Update, context: Context) -> None:
    """A file the officer sent: last year's report, or this year's figures (the service
    reads it; nothing in it is taken without every identity of the format holding)."""
    assert update.message is not None
    document = update.message.document
    assert document is not None
    name = document.file_name or "document"
    if document.file_size is not None and document.file_size > MAX_DOCUMENT:
        await say(update, context, Code.TG_FILE_TOO_LARGE, name=name)
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    await turn(update, context, Input(document=(name, data)))


async def on_edited(update: Update, context: Context) -> None:
    """An edited message: the stored answer stays; say how to change it."""
    await say(update, context, Code.TG_EDITED_IGNORED, example=spec("edit").example)


async def on_other(update: Update, context: Context) -> None:
    """A photo, sticker, voice message …: ask for text."""
    await say(update, context, Code.TG_TEXT_ONLY)


async def on_error(update: object, context: Context) -> None:
    """Log the error with its context (never the token) and answer the officer politely."""
    upd = update if isinstance(update, Update) else None
    if upd is None and isinstance(context.error, NetworkError):  # polling: PTB retries
        log.warning("Telegram Bot API not reachable, retrying: %s", context.error)
        return
    user = upd.effective_user if upd else None
    chat = upd.effective_chat if upd else None
    log.error(
        "update %s from user %s failed",
        upd.update_id if upd else None,
        user.id if user else None,
        exc_info=context.error,
    )
    if upd is not None and chat is not None and chat.type == ChatType.PRIVATE:
        try:
            await say(upd, context, Code.TG_ERROR)
        except TelegramError as exc:
            log.warning(
                "could not tell user %s about the error: %s", user.id if user else None, exc
            )
    raise ApplicationHandlerStop  # no further handler group runs for a failed update


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


async def post_init(app: App) -> None:
    """Publish the command menu; invite links name this bot; look for due reminders."""
    await app.bot.set_my_commands(menu_commands())
    found = app.bot_data.get(DEPS)
    if isinstance(found, Deps):
        username = app.bot.username
        found.service.workflow.invite_link = lambda code: f"https://t.me/{username}?start={code}"
    if app.job_queue is not None:
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
        # One update at a time, in the order received (PTB's default, kept on purpose):
        # a turn reads and writes the officer's session, so turns must not interleave.
        .concurrent_updates(False)
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
    except (OSError, StoreError) as exc:
        print(message(Code.TG_NO_DATABASE, path=settings.db, reason=exc), file=sys.stderr)
        return EXIT_FAILED
    return start(build_application(settings, Deps(store, Service(store))), settings)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m bot.frontends.telegram_bot run …`` (the same as ``reportbot run …``)."""
    parser = argparse.ArgumentParser(prog="reportbot")
    add_run_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return cmd_run(args)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
