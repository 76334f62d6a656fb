"""Telegram without a network, for the benchmark: updates as the Bot API delivers them and
a request that answers every Bot API call with canned JSON.

A copy of the little the season needs from the test suite's fakes
(``tests/helpers/telegram_fakes.py``): the benchmark does not import the tests.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "报告助手", "username": "reportbot"}
OFFICER = {"is_bot": False, "first_name": "王", "language_code": "zh-hans"}
DATE = 1_734_652_800  # 2024-12-20

_ids = itertools.count(1)


def next_id() -> int:
    """A fresh update, message or query id."""
    return next(_ids)


def chat_data(chat_id: int) -> dict[str, Any]:
    """A private chat (positive id) or a supergroup."""
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": OFFICER["first_name"]}
    return {"id": chat_id, "type": "supergroup", "title": "办公室群"}


def officer_data(user_id: int) -> dict[str, Any]:
    """The Telegram user of the officer ``user_id``."""
    return {"id": user_id, **OFFICER}


def text_data(text: str, *, user_id: int) -> dict[str, Any]:
    """An update with a message the officer ``user_id`` typed in their private chat
    (a /command gets its bot_command entity)."""
    message: dict[str, Any] = {
        "message_id": next_id(),
        "date": DATE,
        "chat": chat_data(user_id),
        "from": officer_data(user_id),
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": next_id(), "message": message}


def button_data(data: str, bot_message: dict[str, Any], user_id: int) -> dict[str, Any]:
    """An update for the officer ``user_id`` pressing the button ``data`` under ``bot_message``."""
    query = {
        "id": str(next_id()),
        "from": officer_data(user_id),
        "chat_instance": "ci-1",
        "message": bot_message,
        "data": data,
    }
    return {"update_id": next_id(), "callback_query": query}


class CannedRequest(BaseRequest):
    """Answers every Bot API call at once with canned ``{"ok": true, "result": ...}`` JSON."""

    def __init__(self) -> None:
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
        params = request_data.parameters if request_data else {}
        return 200, json.dumps({"ok": True, "result": self.result(name, params)}).encode()

    def result(self, name: str, params: dict[str, Any]) -> Any:
        """The canned result of one method."""
        if name == "getMe":
            return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False}
        if name in ("sendMessage", "sendDocument"):
            chat_id = int(params["chat_id"])
            sent: dict[str, Any] = {
                "message_id": next(self._message_ids),
                "date": DATE,
                "chat": chat_data(chat_id),
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
        return True
