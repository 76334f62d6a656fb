"""Drive the conversation through :class:`bot.service.turns.Service`, as a front end does.

``say`` sends one text and returns the replies; ``play`` resumes the officer's session
(as ``/start`` or opening the terminal chat does) and sends a script of answers, returning
the replies to the last one. ``fake_drafter`` stands in for the real drafting where a test
is not about the drafts: its preview and its files name the agency.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.conversation.types import DraftLine, Input
from bot.format.catalogue import Code
from bot.format.datafile import Report, from_data, parse_text
from bot.service.turns import Drafter, Outgoing, Service
from bot.store.office import WorkflowStore
from bot.store.reports import Store

USER = "cli:officer"
TODAY = date(2024, 12, 20)
FRONTEND = "test"


def fake_drafter() -> Drafter:
    """Drafts without the templates: the preview ``<agency>草稿``, a file ``<agency>.<fmt>``."""

    def preview(report: Any) -> tuple[DraftLine, ...]:
        return (DraftLine(f"{report.agency}草稿"),)

    return Drafter(preview, lambda report, fmt: f"{report.agency}.{fmt}".encode())


def service(store: Store) -> Service:
    """The service on ``store`` with the fake drafter, on :data:`TODAY`."""
    return Service(store, drafter=fake_drafter(), today=lambda: TODAY)


def say(svc: Service, text: str, user: str = USER) -> list[Outgoing]:
    """``user`` types ``text``: the replies."""
    return svc.handle(user, Input(text=text), FRONTEND)


def press(svc: Service, step: str, choice: str, user: str = USER) -> list[Outgoing]:
    """``user`` presses the button ``choice`` of the question ``step``: the replies."""
    return svc.handle(user, Input(choice=choice, choice_step=step), FRONTEND)


def send_file(svc: Service, name: str, data: bytes, user: str = USER) -> list[Outgoing]:
    """``user`` sends the file ``name``: the replies."""
    return svc.handle(user, Input(document=(name, data)), FRONTEND)


def resume(svc: Service, user: str = USER) -> list[Outgoing]:
    """``user`` comes back to the chat: what is waiting for them and the current question."""
    return svc.handle(user, Input(resume=True), FRONTEND)


def play(svc: Service, lines: list[str], user: str = USER) -> list[Outgoing]:
    """``user`` resumes the chat and types ``lines``: the replies to the last one."""
    out = resume(svc, user)
    for line in lines:
        out = say(svc, line, user)
    return out


def codes(out: list[Outgoing]) -> list[Code | None]:
    """The message codes of the replies, in order."""
    return [m.code for m in out]


def exported(svc: Service, user: str = USER) -> Report:
    """The officer's report as the chat exports it (YAML), read back."""
    say(svc, "导出", user)
    [doc] = [m for m in say(svc, "yaml", user) if m.document]
    report, findings = from_data(parse_text(doc.document[1].decode()))
    assert findings == []
    return report


QUESTIONS = (Code.CHAT_QUESTION, Code.CHAT_ASK_AGENCY, Code.REV_ASK_REGION)


def last_question(out: list[Outgoing]) -> str:
    """The last question the officer was asked (a question, a set-up prompt, a choice)."""
    return [m.text for m in out if m.code in QUESTIONS or m.choices][-1]


def grant(store: Store, agency: str, user: str = USER, role: str = "admin") -> None:
    """The operator's ``reportbot grant``: ``user`` joins the existing ``agency``."""
    offices = WorkflowStore(store)
    agency_id = offices.agency_id(agency)
    assert agency_id is not None
    offices.grant(agency_id, user, role)
