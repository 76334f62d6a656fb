"""Settings of ``reportbot run``: its options, the environment, and keeping secrets secret.

Imports no ``telegram`` so that registering the sub-command costs the other
sub-commands nothing: :func:`add_run_parser` only declares the options, and the caller
(:mod:`bot.frontends.cli`) names the command that runs the bot. The token is read from
``TELEGRAM_BOT_TOKEN`` (or ``--token-file``, with a warning when others may read that
file) and is kept out of every ``repr``, and :class:`TokenRedactor` keeps it out of every
log line.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import tzinfo
from pathlib import Path
from urllib.parse import quote, urlsplit

from bot.format.catalogue import Code, UserError, message
from bot.office.rules import CHINA_TIME, REMIND_DAYS
from bot.store.pruning import KEEP_DAYS, KEEP_HISTORY_YEARS

DEFAULT_DB = Path("data") / "reportbot.db"
# the umask of every command: the files it creates (the database, its WAL, exports) are
# its owner's only, for the database holds live invite codes
PRIVATE_UMASK = 0o077
TOKEN_ENV = "TELEGRAM_BOT_TOKEN"
SECRET_ENV = "TELEGRAM_WEBHOOK_SECRET"
BASE_URL_ENV = "TELEGRAM_API_BASE_URL"
FILE_URL_ENV = "TELEGRAM_API_FILE_URL"
TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_FILE_URL = "https://api.telegram.org/file/bot"


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram posts updates, and where this process listens for them."""

    url: str
    listen: str
    port: int
    secret_token: str = field(repr=False)

    @property
    def path(self) -> str:
        """The URL path the local web server answers (the webhook URL's path)."""
        return urlsplit(self.url).path.strip("/")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything ``reportbot run`` needs; ``webhook`` None means long polling."""

    token: str = field(repr=False)
    db: Path = DEFAULT_DB
    base_url: str = TELEGRAM_BASE_URL
    base_file_url: str = TELEGRAM_FILE_URL
    webhook: Webhook | None = None
    remind_days: tuple[int, ...] = REMIND_DAYS  # days before 31 January editors are reminded
    remind_every: float = 3600.0  # seconds between two looks for reminders due
    keep_days: int = KEEP_DAYS  # handled updates and delivered messages, then pruned
    keep_history_years: int = KEEP_HISTORY_YEARS  # a report's change history, by its year
    zone: tzinfo = CHINA_TIME  # the time officers read in 历史


DEFAULT_ZONE = "Asia/Shanghai"


def time_zone(name: str) -> tzinfo:
    """The time zone ``name`` (an IANA name such as Asia/Urumqi); China's time for the
    default, which needs no time-zone database. UserError for a name that is none."""
    if name in ("", DEFAULT_ZONE):
        return CHINA_TIME
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UserError(Code.CLI_BAD_ZONE, zone=name, default=DEFAULT_ZONE) from exc


def add_zone_option(p: argparse.ArgumentParser) -> None:
    """The ``--time-zone`` option of the commands that show times."""
    p.add_argument(
        "--time-zone",
        default=DEFAULT_ZONE,
        metavar="NAME",
        help="the time zone of the times officers read (default: %(default)s)",
    )


def _url(option: str, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UserError(Code.TG_BAD_URL, option=option, url=value)
    return value


def warn_if_readable(path: Path) -> None:
    """Warn on stderr when the group or others may read the file ``path`` (a secret)."""
    found = path.stat()
    mode = stat.S_IMODE(found.st_mode)
    if stat.S_ISREG(found.st_mode) and mode & (stat.S_IRGRP | stat.S_IROTH):
        print(message(Code.TG_TOKEN_FILE_OPEN, path=path, mode=f"{mode:04o}"), file=sys.stderr)


def read_token(args: argparse.Namespace, environ: Mapping[str, str]) -> str:
    """The bot token from ``--token-file`` or the environment; UserError if there is none.

    A token file the group or others may read is still used, with a warning on stderr.
    """
    if args.token_file:
        try:
            token = Path(args.token_file).read_text(encoding="utf-8").strip()
            warn_if_readable(Path(args.token_file))
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise UserError(Code.TG_TOKEN_FILE, path=args.token_file, reason=reason) from exc
    else:
        token = environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise UserError(Code.TG_NO_TOKEN)
    return token


def settings_from_args(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """Validated settings from the ``run`` options and the environment (UserError if not)."""
    token = read_token(args, environ)
    base_url = _url("--base-url", args.base_url or environ.get(BASE_URL_ENV) or TELEGRAM_BASE_URL)
    file_url = _url(
        "--base-file-url", args.base_file_url or environ.get(FILE_URL_ENV) or TELEGRAM_FILE_URL
    )
    webhook = None
    if args.webhook:
        secret = args.secret_token or environ.get(SECRET_ENV) or secrets.token_urlsafe(32)
        webhook = Webhook(_url("--webhook", args.webhook), args.listen, args.port, secret)
    try:
        days = tuple(
            sorted({int(d) for d in str(args.remind_days).split(",") if d.strip()}, reverse=True)
        )
    except ValueError as exc:
        raise UserError(Code.TG_BAD_REMIND_DAYS, value=args.remind_days) from exc
    if not days or min(days) < 0:
        raise UserError(Code.TG_BAD_REMIND_DAYS, value=args.remind_days)
    return Settings(
        token,
        Path(args.db),
        base_url,
        file_url,
        webhook,
        days,
        keep_days=max(1, int(args.keep_days)),
        keep_history_years=max(1, int(args.keep_history_years)),
        zone=time_zone(args.time_zone),
    )


def add_run_parser(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse.ArgumentParser:
    """Register ``reportbot run`` (the Telegram bot) on the sub-command parsers ``sub``;
    its parser, for the caller to set the command (``func``) that runs the bot."""
    p = sub.add_parser(
        "run",
        help="the Telegram bot (long polling; a webhook with --webhook)",
        description=f"Run the Telegram bot. The token is read from ${TOKEN_ENV} or --token-file.",
    )
    p.add_argument("--db", default=str(DEFAULT_DB), help="SQLite database (default: %(default)s)")
    p.add_argument(
        "--token-file", metavar="PATH", help=f"file holding the token (else ${TOKEN_ENV})"
    )
    p.add_argument(
        "--base-url",
        metavar="URL",
        help=f"Bot API URL ending in /bot (else ${BASE_URL_ENV}, else {TELEGRAM_BASE_URL})",
    )
    p.add_argument(
        "--base-file-url",
        metavar="URL",
        help=f"Bot API file URL (else ${FILE_URL_ENV}, else {TELEGRAM_FILE_URL})",
    )
    p.add_argument("--webhook", metavar="URL", help="receive updates at this public URL")
    p.add_argument("--listen", default="0.0.0.0", help="webhook: address to listen on")
    p.add_argument("--port", type=int, default=8443, help="webhook: port (default: %(default)s)")
    p.add_argument(
        "--secret-token",
        help=f"webhook: secret Telegram sends back (else ${SECRET_ENV}, else a random one)",
    )
    p.add_argument(
        "--remind-days",
        default=",".join(map(str, REMIND_DAYS)),
        metavar="DAYS",
        help="days before the 31 January deadline to remind editors (default: %(default)s)",
    )
    p.add_argument(
        "--keep-days",
        type=int,
        default=KEEP_DAYS,
        help="days handled updates and delivered messages are kept (default: %(default)s)",
    )
    p.add_argument(
        "--keep-history-years",
        type=int,
        default=KEEP_HISTORY_YEARS,
        help="years a report's change history is kept after its year (default: %(default)s)",
    )
    add_zone_option(p)
    return p


class TokenRedactor(logging.Filter):
    """Replaces secrets (the bot token) in log records, their arguments and tracebacks."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = sorted(
            {form for s in secrets if s for form in (s, quote(s, safe=""))}, key=len, reverse=True
        )
        self.handlers: list[logging.Handler] = []

    def redact(self, text: str) -> str:
        """``text`` without any of the secrets."""
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        try:
            record.msg, record.args = self.redact(record.getMessage()), None
        except (TypeError, ValueError):  # arguments that do not fit: redact what is there
            record.msg = self.redact(str(record.msg))
            record.args = tuple(self.redact(str(a)) for a in record.args or ())
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def install(self, logger: logging.Logger | None = None) -> TokenRedactor:
        """Attach to every handler of ``logger`` (the root logger): every record passes."""
        for handler in (logger or logging.getLogger()).handlers:
            handler.addFilter(self)
            self.handlers.append(handler)
        return self

    def remove(self) -> None:
        """Detach from the handlers :meth:`install` attached to."""
        for handler in self.handlers:
            handler.removeFilter(self)
        self.handlers = []
