"""A fake Telegram Bot API server on 127.0.0.1 (stdlib ``http.server`` in a thread).

It serves one bot (``/bot<token>/<method>``; any other token gets 401) and one officer:
the test queues what the officer does (:meth:`FakeBotApi.say`, :meth:`FakeBotApi.press`),
the bot long-polls ``getUpdates`` for it, and every reply is kept with its keyboard.
Like Telegram, it refuses (400 ``Bad Request: ...``) what the real API would refuse:
HTML that is not well formed or uses other tags than Telegram's, texts over 4096
characters (captions over 1024) after entity parsing, callback data over 64 bytes,
buttons without text, a callback query answered twice, an edit that changes nothing
(removing the keyboard of a message that has none), an edit of a message in another chat.

Methods: getMe, deleteWebhook, setWebhook, getUpdates, sendMessage, sendDocument (multipart; the
file's bytes are kept), answerCallbackQuery, editMessageReplyMarkup, setMyCommands.

Faults, for the tests of what the bot survives (:meth:`FakeBotApi.inject`): the next calls
of a method are answered 429 with ``parameters.retry_after`` (Telegram's flood control),
500 (or another status), slowly, not at all (the connection is held, then closed: the
bot's request times out) or by dropping the connection. A faulty call is not carried
out. Several officers can talk to the bot, each in their own private chat (``user_id``).
:meth:`FakeBotApi.replay` sends a press the way a client can forge or replay one: any
callback data, under a message as it stands now (its keyboard perhaps gone), by anyone.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.frontends.telegram_format import PARAGRAPH  # how the bot joins replies sharing a message
from tests.helpers.telegram_fakes import BOT_USER, DATE, USER_ID, chat_data, officer_data

TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_LIMIT, ANSWER_LIMIT = 4096, 1024, 64, 200
TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
    "code", "pre", "blockquote", "tg-emoji",
}  # fmt: skip
TAG = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)"
    r"((?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]+|#x[0-9a-fA-F]+);")
FAULTS = ("429", "status", "slow", "hang", "drop")


class BadRequest(Exception):
    """A request the real Bot API refuses with 400."""


def _check_attributes(name: str, raw: str) -> None:
    attrs = {
        m.group(1).lower(): m.group(2) or m.group(3) or m.group(4) or ""
        for m in ATTR.finditer(raw)
    }
    allowed = {
        "a": {"href"},
        "span": {"class"},
        "code": {"class"},
        "blockquote": {"expandable"},
        "tg-emoji": {"emoji-id"},
    }.get(name, set())
    if set(attrs) - allowed:
        raise BadRequest(f'can\'t parse entities: unsupported attribute in tag "{name}"')
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise BadRequest('can\'t parse entities: tag "span" must have class "tg-spoiler"')
    if name == "a" and not attrs.get("href"):
        raise BadRequest('can\'t parse entities: tag "a" must have attribute href')
    if name == "code" and "class" in attrs and not attrs["class"].startswith("language-"):
        raise BadRequest('can\'t parse entities: bad class of tag "code"')


def visible_text(text: str) -> str:
    """The text Telegram shows for HTML ``text``; BadRequest if Telegram cannot parse it."""
    out: list[str] = []
    stack: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        offset = len(text[:i].encode())
        if char == "<":
            match = TAG.match(text, i)
            if match is None:
                raise BadRequest(
                    f"can't parse entities: unexpected character at byte offset {offset}"
                )
            closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
            if name not in TAGS:
                raise BadRequest(
                    f"can't parse entities: unsupported start tag {name!r} at byte offset {offset}"
                )
            if closing:
                if attrs.strip() or not stack or stack[-1] != name:
                    raise BadRequest(
                        f"can't parse entities: unexpected end tag at byte offset {offset}"
                    )
                stack.pop()
            else:
                _check_attributes(name, attrs)
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = ENTITY.match(text, i)
            if match is None:
                raise BadRequest(f"can't parse entities: unescaped & at byte offset {offset}")
            out.append(html.unescape(match.group(0)))
            i = match.end()
        elif char == ">":
            raise BadRequest(f"can't parse entities: unescaped > at byte offset {offset}")
        else:
            out.append(char)
            i += 1
    if stack:
        raise BadRequest(
            f"can't parse entities: can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(out)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def shown(text: str, parse_mode: str | None, limit: int, what: str) -> str:
    """The visible text, checked against Telegram's limits."""
    visible = visible_text(text) if parse_mode == "HTML" else text
    if parse_mode not in (None, "HTML"):
        raise BadRequest(f"unsupported parse_mode {parse_mode}")
    if utf16_len(visible) > limit:
        raise BadRequest(f"{what} is too long")
    return visible


def check_keyboard(markup: Any) -> None:
    """Inline keyboards as Telegram accepts them."""
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not isinstance(rows, list):
        raise BadRequest("can't parse reply keyboard markup JSON object")
    for row in rows:
        for button in row:
            if not str(button.get("text", "")).strip():
                raise BadRequest("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_LIMIT:
                raise BadRequest("BUTTON_DATA_INVALID")


@dataclass
class Sent:
    """A message the bot sent, as it stands (its keyboard goes when removed)."""

    message_id: int
    chat_id: int
    text: str
    keyboard: dict[str, Any] | None = None
    document: tuple[str, bytes] | None = None

    def as_message(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "from": BOT_USER,
            "chat": chat_data(self.chat_id),
            "date": DATE,
        }
        if self.document is not None:
            data["document"] = {
                "file_id": f"D{self.message_id}",
                "file_unique_id": "DU",
                "file_name": self.document[0],
            }
            data["caption"] = self.text
        else:
            data["text"] = self.text
        if self.keyboard is not None:
            data["reply_markup"] = self.keyboard
        return data

    def labels(self) -> list[str]:
        rows = (self.keyboard or {}).get("inline_keyboard", [])
        return [b["text"] for row in rows for b in row]

    def begins(self, reply: str) -> bool:
        """Whether the message opens with ``reply`` (replies sharing one are paragraphs)."""
        return self.text == reply or self.text.startswith(reply + PARAGRAPH)

    def ends(self, reply: str) -> bool:
        """Whether the message closes with ``reply`` (e.g. the question it asks)."""
        return self.text == reply or self.text.endswith(PARAGRAPH + reply)

    def last_reply(self) -> str:
        """The last paragraph: the question a message asks after an acknowledgement."""
        return self.text.rsplit(PARAGRAPH, 1)[-1]


@dataclass
class Fault:
    """How the server answers the next ``times`` calls of ``method`` ("*": any but getUpdates).

    ``kind`` is one of :data:`FAULTS`: "429" (flood control: ``retry_after`` seconds),
    "status" (HTTP ``status``, 500 unless given), "slow" (carried out, answered after
    ``delay`` seconds), "hang" (not carried out; the connection is held ``delay`` seconds,
    then closed without an answer) or "drop" (not carried out; the connection is closed).
    """

    method: str
    kind: str
    times: int = 1
    retry_after: int = 1
    status: int = 500
    delay: float = 0.0

    def answer(self) -> tuple[int, dict[str, Any]]:
        """The status and body of a "429" or "status" fault."""
        if self.kind == "429":
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": f"Too Many Requests: retry after {self.retry_after}",
                "parameters": {"retry_after": self.retry_after},
            }
        description = "Internal Server Error" if self.status == 500 else "Bad Gateway"
        return self.status, {"ok": False, "error_code": self.status, "description": description}


@dataclass
class State:
    """Everything the server knows; guarded by ``FakeBotApi.cond``."""

    updates: list[dict[str, Any]] = field(default_factory=list)  # not yet confirmed
    delivered: set[int] = field(default_factory=set)
    sent: list[Sent] = field(default_factory=list)
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    queries: dict[str, bool] = field(default_factory=dict)  # callback query id -> answered
    commands: list[list[dict[str, str]]] = field(default_factory=list)
    last_reply: float = 0.0  # when a message or document was last sent (or refused)
    last_delivery: float = 0.0
    faults: list[Fault] = field(default_factory=list)  # still to happen, in order
    faulted: list[tuple[str, str]] = field(default_factory=list)  # (method, kind) that happened
    paused: bool = False  # getUpdates neither confirms nor delivers (see FakeBotApi.pause)
    webhook: dict[str, Any] = field(default_factory=dict)  # what setWebhook was given


class Server(ThreadingHTTPServer):
    """The HTTP server; a bot that goes away (killed) is no error worth a traceback."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class FakeBotApi:
    """The server; use as a context manager. ``base_url`` ends in ``/bot`` as PTB expects."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.cond = threading.Condition()
        self.state = State()
        self.stopping = False
        # called with (method, params) after a call was carried out, before it is answered
        self.on_call: Callable[[str, dict[str, Any]], None] | None = None
        self._ids = itertools.count(1)
        self.server = Server(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/bot"

    @property
    def file_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/file/bot"

    def __enter__(self) -> FakeBotApi:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.cond:
            self.stopping = True
            self.cond.notify_all()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    # --- the officer ------------------------------------------------------------------

    def _queue(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        with self.cond:
            update = {"update_id": next(self._ids), kind: payload}
            self.state.updates.append(update)
            self.cond.notify_all()
            return update

    def say(self, text: str, user_id: int = USER_ID) -> dict[str, Any]:
        """The officer ``user_id`` types ``text`` in their private chat with the bot."""
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "from": officer_data(user_id),
            "chat": chat_data(user_id),
            "date": DATE,
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self._queue("message", message)

    def press(self, sent: Sent, label: str) -> dict[str, Any]:
        """The officer of ``sent``'s chat presses its button ``label`` (still there)."""
        with self.cond:
            rows = (sent.keyboard or {}).get("inline_keyboard", [])
            found = [b for row in rows for b in row if b["text"] == label]
            assert found, f"no button {label!r} under message {sent.message_id}"
            query_id = str(next(self._ids))
            self.state.queries[query_id] = False
            query = {
                "id": query_id,
                "from": officer_data(sent.chat_id),
                "chat_instance": "ci",
                "message": sent.as_message(),
                "data": found[0]["callback_data"],
            }
        return self._queue("callback_query", query)

    def replay(self, sent: Sent, data: str, user_id: int | None = None) -> dict[str, Any]:
        """A press of ``data`` under ``sent`` as it stands now, button or not: a replayed
        or forged press, by ``user_id`` (default: the officer of ``sent``'s chat)."""
        with self.cond:
            query_id = str(next(self._ids))
            self.state.queries[query_id] = False
            query = {
                "id": query_id,
                "from": officer_data(sent.chat_id if user_id is None else user_id),
                "chat_instance": "ci",
                "message": sent.as_message(),
                "data": data,
            }
        return self._queue("callback_query", query)

    def redeliver(self, update: dict[str, Any]) -> None:
        """Deliver an update again, as Telegram does when it was not confirmed."""
        with self.cond:
            self.state.delivered.discard(update["update_id"])
            self.state.updates.append(update)
            self.cond.notify_all()

    # --- faults -----------------------------------------------------------------------

    def inject(self, method: str, kind: str, times: int = 1, **how: Any) -> Fault:
        """Make the next ``times`` calls of ``method`` fail as ``kind`` (see :class:`Fault`)."""
        assert kind in FAULTS, kind
        fault = Fault(method, kind, times, **how)
        with self.cond:
            self.state.faults.append(fault)
        return fault

    def _take_fault(self, method: str) -> Fault | None:
        with self.cond:
            for fault in self.state.faults:
                if fault.method == method or (fault.method == "*" and method != "getUpdates"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self.state.faults.remove(fault)
                    self.state.faulted.append((method, fault.kind))
                    self.cond.notify_all()
                    return fault
        return None

    def _sleep(self, seconds: float) -> None:
        """Wait ``seconds``, or less when the server stops."""
        with self.cond:
            self.cond.wait_for(lambda: self.stopping, timeout=seconds)

    def pause(self) -> None:
        """Until :meth:`resume`, getUpdates confirms nothing and delivers nothing.

        A test that kills the bot pauses first, so that no request the dead bot had
        already sent can still confirm updates: which updates Telegram will deliver again
        is then settled at the moment of the kill.
        """
        with self.cond:
            self.state.paused = True
            self.cond.notify_all()

    def resume(self) -> None:
        with self.cond:
            self.state.paused = False
            self.cond.notify_all()

    def pending(self) -> list[dict[str, Any]]:
        """The updates not yet confirmed (Telegram delivers them again)."""
        with self.cond:
            return list(self.state.updates)

    # --- waiting ----------------------------------------------------------------------

    def wait(self, predicate: Callable[[State], bool], timeout: float = 20) -> None:
        """Block until ``predicate(state)`` holds."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not predicate(self.state):
                left = deadline - time.monotonic()
                assert left > 0, "timed out waiting for the bot"
                self.cond.wait(min(left, 0.05))

    def settle(self, *, reply: bool = True, quiet: float = 0.25, timeout: float = 20) -> None:
        """Wait until every queued update was fetched and handled (replies have stopped)."""

        def done(state: State) -> bool:
            fetched = all(u["update_id"] in state.delivered for u in state.updates)
            replied = state.last_reply >= state.last_delivery or not reply
            last = max(state.last_reply, state.last_delivery)
            return fetched and replied and time.monotonic() - last >= quiet

        self.wait(done, timeout)

    @contextmanager
    def turn(self, *, reply: bool = True) -> Iterator[list[Sent]]:
        """Collect the messages sent while the block's updates are handled."""
        with self.cond:
            before = len(self.state.sent)
        out: list[Sent] = []
        yield out
        self.settle(reply=reply)
        with self.cond:
            out += self.state.sent[before:]

    def methods(self) -> list[str]:
        with self.cond:
            return [method for method, _ in self.state.calls]

    # --- the Bot API ------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body are two writes: without TCP_NODELAY, Nagle's algorithm and
            # the client's delayed ACK hold every answer back ~40 ms
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self.do_POST()

            def do_POST(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if len(body) < length:  # the sender died mid-request: as Telegram, drop it
                    self.close_connection = True
                    return
                prefix, _, method = parts.path.rpartition("/")
                fault = api._take_fault(method) if prefix == f"/bot{api.token}" else None
                if fault is not None and fault.kind in ("hang", "drop"):
                    api._sleep(fault.delay)
                    self.close_connection = True  # no answer at all
                    return
                if fault is not None and fault.kind == "slow":
                    api._sleep(fault.delay)
                if fault is not None and fault.kind in ("429", "status"):
                    status, answer = fault.answer()
                elif prefix != f"/bot{api.token}":
                    status, answer = (
                        401,
                        {"ok": False, "error_code": 401, "description": "Unauthorized"},
                    )
                else:
                    params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                    params.update(parse_body(self.headers.get("Content-Type", ""), body))
                    status, answer = api.dispatch(method, params)
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot went away (killed, or it cancelled a long poll)

        return Handler

    def dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        if method != "getUpdates":
            with self.cond:
                self.state.calls.append((method, params))
        try:
            result = handler(params)
        except BadRequest as exc:
            with self.cond:
                self.state.refused.append((method, str(exc)))
                self.state.last_reply = time.monotonic()
                self.cond.notify_all()
            return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"}
        if self.on_call is not None and method != "getUpdates":
            self.on_call(method, params)
        return 200, {"ok": True, "result": result}

    def api_getMe(self, params: dict[str, Any]) -> Any:
        return {**BOT_USER, "can_join_groups": False, "can_read_all_group_messages": False}

    def api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    def api_setWebhook(self, params: dict[str, Any]) -> Any:
        self.state.webhook = dict(params)
        return True

    def api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = as_json(params.get("commands"))
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", command.get("command", "")):
                raise BadRequest("BOT_COMMAND_INVALID")
            if not 1 <= len(command.get("description", "")) <= 256:
                raise BadRequest("BOT_COMMAND_DESCRIPTION_INVALID")
        with self.cond:
            self.state.commands.append(commands)
            self.cond.notify_all()
        return True

    def api_getUpdates(self, params: dict[str, Any]) -> Any:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 30)
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + timeout
        with self.cond:
            if self.state.paused:
                return []
            if offset > 0:  # confirms every update before it
                self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
            while (
                not self.state.updates
                and not self.stopping
                and not self.state.paused
                and time.monotonic() < deadline
            ):
                self.cond.wait(deadline - time.monotonic())
            if self.state.paused:
                return []
            batch = sorted(self.state.updates, key=lambda u: u["update_id"])[:limit]
            if batch:
                self.state.delivered |= {u["update_id"] for u in batch}
                self.state.last_delivery = time.monotonic()
                self.cond.notify_all()
            return batch

    def _send(self, params: dict[str, Any], text: str, document: tuple[str, bytes] | None) -> Any:
        chat_id = int(params["chat_id"])
        markup = as_json(params.get("reply_markup")) if params.get("reply_markup") else None
        if markup is not None:
            check_keyboard(markup)
        with self.cond:
            sent = Sent(next(self._ids), chat_id, text, markup, document)
            self.state.sent.append(sent)
            self.state.last_reply = time.monotonic()
            self.cond.notify_all()
            return sent.as_message()

    def api_sendMessage(self, params: dict[str, Any]) -> Any:
        text = shown(str(params.get("text", "")), params.get("parse_mode"), TEXT_LIMIT, "message")
        if not text.strip():
            raise BadRequest("message text is empty")
        return self._send(params, text, None)

    def api_sendDocument(self, params: dict[str, Any]) -> Any:
        document = params.get("document")
        if not isinstance(document, tuple):
            raise BadRequest("there is no document in the request")
        caption = shown(
            str(params.get("caption", "")), params.get("parse_mode"), CAPTION_LIMIT, "caption"
        )
        return self._send(params, caption, document)

    def api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id"))
        if len(str(params.get("text", ""))) > ANSWER_LIMIT:
            raise BadRequest("MESSAGE_TOO_LONG")
        with self.cond:
            if self.state.queries.get(query_id, True):
                raise BadRequest(
                    "query is too old and response timeout expired or query ID is invalid"
                )
            self.state.queries[query_id] = True
            self.cond.notify_all()
        return True

    def api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        markup = as_json(params.get("reply_markup")) if params.get("reply_markup") else None
        if markup is not None:
            check_keyboard(markup)
        with self.cond:
            found = [
                s
                for s in self.state.sent
                if s.message_id == int(params.get("message_id", 0))
                and s.chat_id == int(params.get("chat_id", 0))
            ]
            if not found:  # also a message of another chat
                raise BadRequest("message to edit not found")
            if found[0].keyboard == markup:  # e.g. removing a keyboard that is not there
                raise BadRequest(
                    "message is not modified: specified new message content and reply markup"
                    " are exactly the same as a current content and reply markup of the message"
                )
            found[0].keyboard = markup
            self.cond.notify_all()
            return found[0].as_message()


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Parameters of a JSON, form or multipart body; files as ``(file name, bytes)``."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(body))
    if content_type.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\n\r\n".encode()
        message = BytesParser(policy=policy.HTTP).parsebytes(head + body)
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            filename = part.get_filename()
            params[str(name)] = (filename, data) if filename is not None else data.decode()
        return params
    return {k: v[-1] for k, v in parse_qs(body.decode(), keep_blank_values=True).items()}
