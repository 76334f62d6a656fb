"""The members of an agency: joining by invite, and an admin's commands on them (邀请,
成员, 移除成员, 称呼, 撤销邀请); how colleagues are named in messages.

Every command is authorised here from the user's membership, never from what a button or
a command claims.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.conversation.command_words import spec
from bot.conversation.effects import Invite, Members, NameMember, RemoveMember, RevokeInvite
from bot.conversation.session import Session
from bot.conversation.types import Outgoing, say
from bot.format.catalogue import Code, UserError, message
from bot.office.rules import INVITE_DAYS, call, can, forbidden, role_from_text, role_name
from bot.store.office import LastAdmin, WorkflowStore

log = logging.getLogger(__name__)
MAX_GIVEN_NAME = 100  # characters of 称呼's argument: a name and a position
Management = Invite | Members | RemoveMember | NameMember | RevokeInvite


@dataclass
class Membership:
    """Members of the agencies of one store; invites made with ``invite_link``."""

    ws: WorkflowStore
    invite_link: Callable[[str], str]

    # --- who is who -------------------------------------------------------------------

    def called(self, *users: str) -> str:
        """How colleagues read ``users``: their names (an id only for one without)."""
        names = self.ws.names(users)
        return "、".join(call(names[u]) if u in names else u for u in users)

    def member_named(self, agency_id: int, text: str) -> str:
        """The member ``text`` names: their id, their name as the member list shows it or
        as their account or an admin gave it, or their @username; else ``text``.
        UserError (REV_AMBIGUOUS_MEMBER) when it names several."""
        members = [mb.user for mb in self.ws.members(agency_id)]
        if text in members:
            return text
        names = self.ws.names(members)
        named = [u for u, n in names.items() if text in (call(n), n.shown, n.given)]
        if not named and text.startswith("@"):
            named = [u for u, n in names.items() if text in n.shown.split()]
        if len(named) > 1:
            raise UserError(Code.REV_AMBIGUOUS_MEMBER, name=text, ids="、".join(sorted(named)))
        return named[0] if named else text

    def join(self, user: str, code: str) -> list[Outgoing]:
        """Become a member by an invite code (a deep link's start parameter)."""
        invite = self.ws.invite(code.strip())
        now = datetime.now(UTC)
        if invite is None or invite.revoked or invite.used_by or invite.expires_at < now:
            log.info("invalid invite code used by %s", user)
            return [say(Code.REV_INVITE_INVALID)]
        role = self.ws.use_invite(invite.code, user)
        agency = next(
            a.agency for a in self.ws.memberships(user) if a.agency_id == invite.agency_id
        )
        if role != invite.role:  # a member already: the invite changes nobody's role
            return [say(Code.REV_ALREADY_MEMBER, agency=agency, role=role_name(role))]
        return [say(Code.REV_JOINED, role=role_name(invite.role), agency=agency)]

    # --- an admin's commands ------------------------------------------------------------

    def managed_agency(self, user: str, session: Session) -> int | list[Outgoing]:
        """The agency an admin's command is about: the open report's, or the user's only
        agency; else the message refusing it."""
        report_id = session.report_id
        agencies = self.ws.memberships(user)
        agency_id = (
            self.ws.agency_of_report(report_id)
            if report_id is not None
            else (agencies[0].agency_id if len(agencies) == 1 else None)
        )
        if agency_id is None:
            return [say(Code.CHAT_NO_REPORT)]
        role = self.ws.role(user, agency_id)
        assert role is not None
        if not can(role, "manage"):
            return [Outgoing(forbidden(role, "manage"), Code.REV_FORBIDDEN)]
        return agency_id

    def manage(self, user: str, session: Session, command: Management) -> list[Outgoing]:
        """Manage the members of the open report's agency, or of the user's only agency."""
        agency_id = self.managed_agency(user, session)
        if not isinstance(agency_id, int):
            return agency_id
        try:
            return self.manage_members(user, agency_id, command)
        except UserError as exc:  # a name two members share
            return [Outgoing(exc.message(), exc.code)]

    def manage_members(self, user: str, agency_id: int, command: Management) -> list[Outgoing]:
        """Carry out an admin's command on the agency's members."""
        match command:
            case Invite(role=wanted):
                return self.invite(user, agency_id, wanted)
            case Members():
                return self.members(agency_id)
            case RemoveMember(user=member):
                member = self.member_named(agency_id, member.strip())
                try:
                    removed = self.ws.remove_member(agency_id, member)
                except LastAdmin:
                    return [say(Code.REV_LAST_ADMIN, user=self.called(member))]
                code = Code.REV_MEMBER_REMOVED if removed else Code.REV_NO_MEMBER
                return [say(code, user=self.called(member))]
            case NameMember(argument=argument):
                return self.give_name(agency_id, argument)
            case RevokeInvite(code=invite_code):
                revoked = self.ws.revoke_invite(invite_code.strip(), agency_id)
                code = Code.REV_INVITE_REVOKED if revoked else Code.REV_NO_INVITE
                return [say(code, invite_code=invite_code.strip())]

    def give_name(self, agency_id: int, argument: str) -> list[Outgoing]:
        """称呼: the member the first word names gets the name and position that follow."""
        words = argument.split()
        if len(words) < 2 or len(argument) > MAX_GIVEN_NAME:
            return [say(Code.REV_NAME_USAGE, example=spec("name").example)]
        member = self.member_named(agency_id, words[0])
        if member not in {mb.user for mb in self.ws.members(agency_id)}:
            return [say(Code.REV_NO_MEMBER, user=words[0])]
        before = self.called(member)
        self.ws.give_name(member, words[1], " ".join(words[2:]))
        return [say(Code.REV_NAMED, user=before, name=self.called(member))]

    def invite(self, user: str, agency_id: int, argument: str) -> list[Outgoing]:
        """Create an invite code for an editor or a reviewer."""
        role = role_from_text(argument)
        if role is None:
            return [say(Code.REV_INVITE_ROLE)]
        code = secrets.token_urlsafe(9)
        self.ws.create_invite(
            code, agency_id, role, user, datetime.now(UTC) + timedelta(days=INVITE_DAYS)
        )
        return [
            say(
                Code.REV_INVITE_CREATED,
                role=role_name(role),
                days=INVITE_DAYS,
                link=self.invite_link(code),
                invite_code=code,
            )
        ]

    def members(self, agency_id: int) -> list[Outgoing]:
        """The members of the agency."""
        members = self.ws.members(agency_id)
        names = {u: call(n) for u, n in self.ws.names(mb.user for mb in members).items()}
        shared = {n for n in names.values() if list(names.values()).count(n) > 1}
        lines = [message(Code.REV_MEMBERS_HEADER, agency=members[0].agency if members else "")]
        for mb in members:  # an id only where the admin needs it to tell members apart
            role, name = role_name(mb.role), names.get(mb.user)
            if name is None:
                lines.append(message(Code.REV_MEMBER_LINE, user=mb.user, role=role))
            elif name in shared:
                lines.append(
                    message(Code.REV_MEMBER_LINE_NAMED, name=name, role=role, user=mb.user)
                )
            else:
                lines.append(message(Code.REV_MEMBER_LINE, user=name, role=role))
        return [Outgoing("\n".join(lines), Code.REV_MEMBERS_HEADER)]
