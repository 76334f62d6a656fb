"""Telegram without a network: a recording ``BaseRequest`` and updates as Telegram sends them.

``RecordingRequest`` implements PTB's public ``BaseRequest`` interface; it records every
Bot API call as ``(method, parameters, files)`` and answers with canned
``{"ok": true, "result": ...}`` JSON. The ``*_data`` builders make update dicts exactly as
the Bot API delivers them (also served by ``tests/helpers/fake_bot_api.py``); ``as_update`` turns
one into a ``telegram.Update`` bound to a bot, as PTB does with real updates.
``buttons``, ``labels``, ``texts`` and ``said`` read the recorded calls.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, Update
from telegram.request import BaseRequest, RequestData

from bot.format.catalogue import Code, message
from bot.frontends.settings import Settings
from bot.frontends.telegram_bot import App, Deps, build_application
from bot.service.turns import Service
from bot.store.reports import Store

TOKEN = "123456:AAE-secret-token-for-tests-only-xyz"
BOT_ID = 4242
USER_ID = 777001
GROUP_ID = -100123
DATE = 1_734_652_800  # 2024-12-20
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "报告助手", "username": "reportbot"}
OFFICER = {"id": USER_ID, "is_bot": False, "first_name": "王", "language_code": "zh-hans"}

_ids = itertools.count(1)


def next_id() -> int:
    """A fresh update, message or query id."""
    return next(_ids)


def chat_data(chat_id: int = USER_ID, chat_type: str = "private") -> dict[str, Any]:
    if chat_type == "private":
        return {"id": chat_id, "type": "private", "first_name": OFFICER["first_name"]}
    return {"id": chat_id, "type": chat_type, "title": "办公室群"}


SURNAMES = ("赵", "钱", "孙", "李", "周", "吴", "郑", "冯")  # other officers' first names


def officer_data(user_id: int = USER_ID) -> dict[str, Any]:
    """The Telegram user of an officer: :data:`OFFICER`, or another one with ``user_id``
    (named by it: consecutive ids have different names)."""
    if user_id == USER_ID:
        return OFFICER
    return {**OFFICER, "id": user_id, "first_name": SURNAMES[user_id % len(SURNAMES)]}


def message_data(
    text: str | None = None,
    *,
    chat_id: int | None = None,
    chat_type: str = "private",
    user_id: int = USER_ID,
    **extra: Any,
) -> dict[str, Any]:
    """A message from the officer ``user_id`` (a /command gets its bot_command entity).

    ``chat_id`` defaults to ``user_id``: a private chat has the id of the user.
    """
    data: dict[str, Any] = {
        "message_id": next_id(),
        "date": DATE,
        "chat": chat_data(user_id if chat_id is None else chat_id, chat_type),
        "from": officer_data(user_id),
        **extra,
    }
    if text is not None:
        data["text"] = text
        if text.startswith("/"):
            length = len(text.split()[0])
            data["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return data


def update_data(kind: str = "message", **payload: Any) -> dict[str, Any]:
    """An update of ``kind`` (message, edited_message, callback_query …)."""
    return {"update_id": next_id(), kind: payload}


def text_data(
    text: str, *, chat_id: int | None = None, chat_type: str = "private", user_id: int = USER_ID
) -> dict[str, Any]:
    """An update with a message the officer ``user_id`` typed."""
    return update_data(
        "message", **message_data(text, chat_id=chat_id, chat_type=chat_type, user_id=user_id)
    )


def document_data(
    file_name: str,
    mime_type: str = "application/octet-stream",
    file_id: str = "F1",
    caption: str | None = None,
) -> dict[str, Any]:
    """An update with a file the officer sent (its content: ``RecordingRequest.uploads``),
    with a ``caption`` if given."""
    document = {
        "file_id": file_id,
        "file_unique_id": file_id,
        "file_name": file_name,
        "mime_type": mime_type,
    }
    extra = {} if caption is None else {"caption": caption}
    return update_data("message", **message_data(document=document, **extra))


def button_data(data: str, bot_message: dict[str, Any], user_id: int = USER_ID) -> dict[str, Any]:
    """An update for the officer ``user_id`` pressing the button ``data`` under ``bot_message``."""
    query = {
        "id": str(next_id()),
        "from": officer_data(user_id),
        "chat_instance": "ci-1",
        "message": bot_message,
        "data": data,
    }
    return update_data("callback_query", **query)


def as_update(data: dict[str, Any], bot: Bot) -> Update:
    """``data`` as PTB builds it from the Bot API (bound to ``bot``)."""
    update = Update.de_json(data, bot)
    assert update is not None
    return update


@dataclass
class Call:
    """One Bot API request: method, parameters and uploaded files (name -> bytes)."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    result: Any = None


class RecordingRequest(BaseRequest):
    """Records Bot API calls and answers them without a network."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.failures: dict[str, tuple[int, str]] = {}  # method -> (HTTP status, description)
        self.uploads: dict[str, bytes] = {}  # file_id -> content the officer "sent"
        self.slow: dict[int, float] = {}  # chat id -> seconds Telegram takes per message
        self.at: dict[int, float] = {}  # chat id -> when its last message was sent
        self._message_ids = itertools.count(5000)

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

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
        name = url.rsplit("/", 1)[-1]
        if "/file/bot" in url:  # downloading a file the officer sent: its path is its id
            return 200, self.uploads[name]
        params = dict(request_data.parameters) if request_data else {}
        files: dict[str, tuple[str, bytes]] = {}
        if request_data is not None and request_data.contains_files:
            for key, value in request_data.multipart_data.items():
                files[key] = (str(value[0]), bytes(value[1]))  # type: ignore[arg-type]
        if name == "sendMessage":
            chat = int(params["chat_id"])
            if chat in self.slow:
                await asyncio.sleep(self.slow[chat])
            self.at[chat] = time.monotonic()
        call = Call(name, params, files)
        self.calls.append(call)
        if name in self.failures:
            status, description = self.failures[name]
            body = {"ok": False, "error_code": status, "description": description}
            return status, json.dumps(body).encode()
        call.result = self.result(name, params)
        return 200, json.dumps({"ok": True, "result": call.result}).encode()

    def result(self, name: str, params: dict[str, Any]) -> Any:
        """The canned result of one method."""
        if name == "getMe":
            return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False}
        if name in ("sendMessage", "sendDocument"):
            chat_id = int(params["chat_id"])
            sent: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": DATE,
                "chat": chat_data(chat_id, "private" if chat_id > 0 else "supergroup"),
                "from": BOT_USER,
            }
            if name == "sendMessage":
                sent["text"] = params["text"]
                if "reply_markup" in params:
                    sent["reply_markup"] = params["reply_markup"]
            else:
                sent["document"] = {"file_id": "D1", "file_unique_id": "DU1"}
            return sent
        if name == "getUpdates":
            return []
        if name == "getFile":
            file_id = str(params["file_id"])
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_size": len(self.uploads[file_id]),
                "file_path": file_id,
            }
        return True

    # --- reading what was sent --------------------------------------------------------

    def of(self, *methods: str) -> list[Call]:
        """The calls of these methods, in order."""
        return [c for c in self.calls if c.method in methods]

    def texts(self) -> list[str]:
        """Texts of the sent messages, in order."""
        return [str(c.params["text"]) for c in self.of("sendMessage")]

    def clear(self) -> None:
        self.calls.clear()


def buttons(call: Call) -> list[dict[str, Any]]:
    """The inline buttons of a sent message, row after row."""
    markup = call.params.get("reply_markup") or {"inline_keyboard": []}
    return [b for row in markup["inline_keyboard"] for b in row]


def labels(call: Call) -> list[str]:
    """The labels of a sent message's buttons."""
    return [b["text"] for b in buttons(call)]


def texts(calls: list[Call]) -> list[str]:
    """The texts of the sent messages, as the officer reads them (HTML unescaped)."""
    return [html.unescape(c.params["text"]) for c in calls if c.method == "sendMessage"]


def said(calls: list[Call], code: Code, **params: Any) -> bool:
    """Whether a reply of ``code`` was sent: alone, heading a longer text, or as one of
    the replies sharing a message (each begins a paragraph)."""
    text = message(code, **params)
    return any(f"\n\n{text}\n" in f"\n\n{t}\n" for t in texts(calls))


@asynccontextmanager
async def running_app(
    store: Store, service: Service
) -> AsyncIterator[tuple[App, RecordingRequest]]:
    """The real application of ``service``, started as ``reportbot run`` starts it, with a
    recording request in place of the network."""
    request = RecordingRequest()
    app = build_application(Settings(TOKEN), Deps(store, service), request=request)
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        yield app, request
