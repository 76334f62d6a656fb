"""The Telegram front end's handlers: updates in, the service's replies out.

Each handler translates an update into an engine input (a message is
``Input(text=...)``, a button is ``Input(choice=..., choice_step=...)``, a file is
``Input(document=...)``), runs it through :class:`~bot.service.turns.Service` (which
commits every change before it returns) and sends the replies: HTML-escaped text split
at 4096 characters, inline keyboards, documents. The guards run first: private chats
only, each update handled once even when Telegram delivers it again. Messages queued for
other users go out right after the turn that queued them, and by a job every few seconds.

Text is cleaned of control and bidi characters before the engine sees it. A button press
is answered in the presser's own private chat, whatever message it names (a forged or a
replayed press, or one whose message Telegram no longer sends); the pressed message's
keyboard is removed only when the message is in that chat and still has one.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError
from telegram.ext import (
    ApplicationHandlerStop,
    ContextTypes,
)

from bot.conversation.command_words import spec
from bot.conversation.types import Input
from bot.conversation.types import say as say_out
from bot.format.catalogue import Code, message
from bot.format.text_hygiene import clean_text
from bot.frontends.telegram_format import Button, Document, messages, parse_callback
from bot.office.rules import REMIND_DAYS
from bot.service.intake import read_file
from bot.service.turns import Outgoing, Service
from bot.store.reports import Store

FRONTEND = "telegram"
USER_PREFIX = "tg:"
REMIND_DAYS_KEY = "remind_days"
REMIND_EVERY_KEY = "remind_every"
DEPS = "deps"
MAX_NAME = 40  # characters of a display name kept
# updates of one chat that may wait for their turn: a person typing or pasting never has
# this many waiting at once; a flood (a script, a stuck key) has, and the rest is dropped
FLOOD_BACKLOG = 30
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
log = logging.getLogger("bot.frontends.telegram_bot")  # the front end's log, one name
Context = ContextTypes.DEFAULT_TYPE


@dataclass
class Deps:
    """What the handlers share, kept in ``application.bot_data``: the store, the service,
    one lock per chat (updates of different chats are handled at once, each chat's in
    order) and how many updates each chat has waiting (a flood is answered once and the
    rest dropped, so that it never fills the bot's hands)."""

    store: Store
    service: Service
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)
    waiting: Counter[int] = field(default_factory=Counter)
    warned: set[int] = field(default_factory=set)

    def lock(self, chat_id: int) -> asyncio.Lock:
        """The lock of one chat (made when first needed)."""
        return self.locks.setdefault(chat_id, asyncio.Lock())


def deps(context: Context) -> Deps:
    """The application's :class:`Deps`."""
    found = context.bot_data[DEPS]
    assert isinstance(found, Deps)
    return found


def user_key(update: Update) -> str:
    """The officer's id for the service."""
    assert update.effective_user is not None
    return f"{USER_PREFIX}{update.effective_user.id}"


def display_name(update: Update) -> str:
    """How colleagues will read the officer: their Telegram name (and @username)."""
    who = update.effective_user
    if who is None:
        return ""
    name = " ".join(p for p in (who.first_name, who.last_name) if p)
    if who.username:
        name = f"{name} @{who.username}" if name else f"@{who.username}"
    return clean_text(name).strip()[:MAX_NAME]


def reply_chat(update: Update) -> int:
    """The chat the replies go to: a button press is answered in the presser's private
    chat (whose id is the user's), never in the chat of the message it names."""
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    assert update.effective_chat is not None
    return update.effective_chat.id


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
    await send(context.bot, reply_chat(update), [Outgoing(message(code, **params), code)])


async def turn(update: Update, context: Context, inp: Input) -> None:
    """One turn of the conversation: the service stores everything, then we reply.

    The turn recorded its update in its own transaction, so no later handler group runs
    (:func:`mark_handled` would only write it again).
    """
    found = deps(context)
    service, chat_id = found.service, reply_chat(update)
    inp = replace(inp, name=display_name(update))
    if found.waiting[chat_id] >= FLOOD_BACKLOG:  # said once; dropped, and recorded as such
        found.store.seen_update(str(update.update_id))
        if chat_id not in found.warned:
            found.warned.add(chat_id)
            await send(context.bot, chat_id, [say_out(Code.TG_FLOOD, count=FLOOD_BACKLOG)])
        raise ApplicationHandlerStop
    found.waiting[chat_id] += 1
    try:
        async with found.lock(chat_id):
            # reading a file may take seconds: in a thread, so others are answered meanwhile
            sent = inp.document
            read = await asyncio.to_thread(read_file, *sent) if sent is not None else None
            out = service.handle(user_key(update), inp, FRONTEND, str(update.update_id), read)
            await send(context.bot, chat_id, out)
    finally:
        found.waiting[chat_id] -= 1
        if not found.waiting[chat_id]:  # nothing waiting: forget the chat's count and warning
            del found.waiting[chat_id]
            found.warned.discard(chat_id)
    await deliver(context.bot, service, if_queued=True)
    raise ApplicationHandlerStop


async def deliver(bot: Bot, service: Service, *, if_queued: bool = False) -> None:
    """Send the messages queued for other officers (review requests, decisions, reminders).

    After a turn (``if_queued``) only when the turn queued one; the delivery job looks
    every :data:`DELIVER_EVERY` seconds anyway (messages queued by another process, such
    as the terminal chat, and those that failed). Each message is taken from the queue
    before it is sent, so two deliveries at once never send it twice; when Telegram
    refuses it for a passing reason it goes back, and with the next delivery (a message
    for an officer who blocked the bot is dropped). Terminal users' messages stay queued:
    they are shown when they next open the chat.
    """
    for notice_id, user, out in service.claim_queued(USER_PREFIX, if_queued=if_queued):
        try:
            await send(bot, int(user.removeprefix(USER_PREFIX)), out)
        except Forbidden:
            log.info("user %s blocked the bot; their message %s is dropped", user, notice_id)
        except TelegramError as exc:
            log.warning("message %s for %s not delivered yet: %s", notice_id, user, exc)
            service.release(notice_id)


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
    found.service.supervision.chase_due(found.service.today())  # on each office's schedule
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
    """Outside a private chat, say once that the bot works only there, and do nothing.

    A button press is judged by its presser, not by the message it names: it is answered
    in the presser's private chat (:func:`reply_chat`).
    """
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE or update.callback_query is not None:
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
    await turn(update, context, Input(text=clean_text(update.message.text)))


async def on_button(update: Update, context: Context) -> None:
    """A pressed inline button: answer it, remove its keyboard, and take the choice."""
    query = update.callback_query
    assert query is not None
    parsed = parse_callback(query.data)
    try:  # a press too old to answer is still taken: the engine decides if it expired
        await query.answer(message(Code.TG_BAD_BUTTON) if parsed is None else None)
    except TelegramError as exc:
        log.info("button press %s not answered: %s", query.id, exc)
    pressed = own_keyboard(query)
    if pressed is not None:  # so that a used keyboard cannot be pressed again
        try:
            await context.bot.edit_message_reply_markup(
                chat_id=pressed.chat.id, message_id=pressed.message_id
            )
        except BadRequest as exc:  # too old to edit, or removed by a press just before
            log.debug("keyboard of message %s kept: %s", pressed.message_id, exc)
    if parsed is None:
        log.warning("unreadable button data from %s: %r", user_key(update), query.data)
        return
    step, choice = parsed
    await turn(update, context, Input(choice=choice, choice_step=step))


def own_keyboard(query: CallbackQuery) -> Message | None:
    """The pressed message, if its keyboard is to be removed: a message Telegram still
    sends (not an inaccessible one), in the presser's private chat, with a keyboard."""
    pressed = query.message
    if not isinstance(pressed, Message) or pressed.reply_markup is None:
        return None
    if pressed.chat.type != ChatType.PRIVATE or pressed.chat.id != query.from_user.id:
        log.warning(
            "press by %s names message %s of chat %s",
            query.from_user.id,
            pressed.message_id,
            pressed.chat.id,
        )
        return None
    return pressed


MAX_DOCUMENT = 20 * 1024 * 1024  # the Bot API lets bots download files up to 20 MB


async def on_document(update: Update, context: Context) -> None:
    """A file the officer sent: last year's report, or this year's figures (the service
    reads it; nothing in it is taken without every identity of the format holding)."""
    assert update.message is not None
    document = update.message.document
    assert document is not None
    name = clean_text(document.file_name or "") or "document"
    if document.file_size is not None and document.file_size > MAX_DOCUMENT:
        await say(update, context, Code.TG_FILE_TOO_LARGE, name=name)
        return
    data = bytes(await (await document.get_file()).download_as_bytearray())
    caption = clean_text(update.message.caption or "")  # 下级 添加: a list of agencies
    await turn(update, context, Input(text=caption, document=(name, data)))


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
    private = chat is not None and chat.type == ChatType.PRIVATE
    if upd is not None and (private or upd.callback_query is not None):
        try:
            await say(upd, context, Code.TG_ERROR)
        except TelegramError as exc:
            log.warning(
                "could not tell user %s about the error: %s", user.id if user else None, exc
            )
    raise ApplicationHandlerStop  # no further handler group runs for a failed update
