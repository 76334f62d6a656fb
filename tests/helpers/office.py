"""Several officers of one agency on one service: the admin, an editor, a reviewer."""

from __future__ import annotations

from dataclasses import replace

from bot.conversation.types import Input
from bot.format.catalogue import Code
from bot.format.model import model
from bot.service.turns import Outgoing
from bot.store.reports import Store
from tests.helpers import chat
from tests.helpers.catalogue import pattern
from tests.helpers.chat import codes
from tests.helpers.chat_script import SEED_SESSION

ADMIN, EDITOR, REVIEWER, OUTSIDER = "cli:admin", "cli:editor", "cli:reviewer", "cli:outsider"
AGENCY, YEAR = SEED_SESSION[0], int(SEED_SESSION[3])
IN_FORCE = next(c.ref for c in model().active_cells if c.path == "normative_docs.in_force")


class Desk:
    """Several officers on one service, as on one bot; ``names`` are the names their
    accounts show (sent with every message, as Telegram's are)."""

    def __init__(self, store: Store, names: dict[str, str] | None = None) -> None:
        self.store = store
        self.svc = chat.service(store)
        self.names = names or {}

    def send(self, user: str, inp: Input) -> list[Outgoing]:
        return self.svc.handle(user, replace(inp, name=self.names.get(user, "")), chat.FRONTEND)

    def say(self, user: str, text: str) -> list[Outgoing]:
        return self.send(user, Input(text=text))

    def press(self, user: str, step: str, choice: str) -> list[Outgoing]:
        return self.send(user, Input(choice=choice, choice_step=step))

    def resume(self, user: str) -> list[Outgoing]:
        return self.send(user, Input(resume=True))

    def play(self, user: str, lines: list[str]) -> list[Outgoing]:
        out = self.send(user, Input(resume=True))
        for line in lines:
            out = self.say(user, line)
        return out

    def invite(self, admin: str, role: str) -> str:
        """The code of a new invite for ``role``."""
        [invite] = [
            m for m in self.say(admin, f"邀请 {role}") if m.code is Code.REV_INVITE_CREATED
        ]
        found = pattern(Code.REV_INVITE_CREATED, role=role).fullmatch(invite.text)
        assert found is not None
        return found["invite_code"]

    def join(self, admin: str, user: str, role: str) -> list[Outgoing]:
        return self.say(user, f"/start {self.invite(admin, role)}")


def request_step(out: list[Outgoing]) -> str:
    [request] = [m for m in out if m.code is Code.REV_REQUEST and m.choices]
    assert [c.name for c in request.choices] == ["approve", "return"]
    assert request.step is not None
    return request.step


def make_team(desk: Desk) -> Desk:
    """An admin who filled the whole report, an editor and a reviewer who joined."""
    desk.play(ADMIN, SEED_SESSION)
    assert codes(desk.join(ADMIN, EDITOR, "填报人"))[0] is Code.REV_JOINED
    assert codes(desk.join(ADMIN, REVIEWER, "审核人"))[0] is Code.REV_JOINED
    return desk
