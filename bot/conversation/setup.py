"""Choosing or creating a report: the agency (created by its first officer, who becomes its
admin), its level and region, and the year reported on.

:class:`Onboarding` extends the turn with the set-up steps; the service creates the
agency and the report the engine asks for (``Outcome.create``).
"""

from __future__ import annotations

from bot.conversation.answers import is_confirm, match_choices
from bot.conversation.flows import Choice
from bot.conversation.turn import Turn
from bot.conversation.types import NewReport, level_choices
from bot.format.catalogue import Code, UserError, message

MAX_AGENCY, MAX_REGION = 60, 40


class Onboarding(Turn):
    """The set-up steps before a report is open."""

    def resume_setup(self) -> None:
        """Without an open report: ask the set-up question the user is at."""
        where, pending = self.session.step, self.session.pending
        if where == "setup_level" and "agency" in pending:
            self.ask_level()
        elif where == "setup_region" and "level" in pending:
            self.out.say(Code.REV_ASK_REGION)
        elif where == "setup_year" and "level" in pending:
            self.ask_year()
        elif where == "setup_choose_agency":
            self.ask_agency()
        elif where == "setup_agency":
            self.out.say(Code.CHAT_ASK_AGENCY)
        elif self.ctx.reports:
            choices = (
                *(Choice(str(r.id), f"{r.agency}{r.year}年") for r in self.ctx.reports),
                Choice("new", message(Code.CHAT_NEW_REPORT)),
            )
            self.session.step = "choose_report"
            self.choose(Code.CHAT_CHOOSE_REPORT, choices, "choose_report")
        else:
            self.new_report()

    def new_report(self) -> None:
        """Start a new report: for the user's agency, or for an agency they create."""
        agencies = self.ctx.agencies
        if len(agencies) == 1:
            self.pick_agency(agencies[0].id)
        elif agencies:
            self.session.step = "setup_choose_agency"
            self.ask_agency()
        else:
            self.session.step = "setup_agency"
            self.session.pending = {}
            self.out.say(Code.CHAT_ASK_AGENCY)

    def pick_agency(self, agency_id: int) -> None:
        """A new report for an agency the user belongs to: only the year is asked."""
        agency = next(a for a in self.ctx.agencies if a.id == agency_id)
        self.session.pending = {
            "agency": agency.name,
            "level": agency.level,
            "agency_id": agency.id,
        }
        self.session.step = "setup_year"
        self.ask_year()

    def ask_agency(self) -> None:
        """Ask which of the user's agencies a new report is for."""
        choices = tuple(Choice(str(a.id), a.name) for a in self.ctx.agencies)
        self.choose(Code.REV_CHOOSE_AGENCY, choices, "setup_choose_agency")

    def ask_level(self) -> None:
        """Ask the agency's level."""
        self.choose(Code.CHAT_ASK_LEVEL, level_choices(self.m), "setup_level")

    def ask_year(self) -> None:
        """Ask the year reported on, last year by default."""
        default = self.ctx.today.year - 1
        self.choose(
            Code.CHAT_ASK_YEAR,
            (Choice(str(default), str(default)),),
            "setup_year",
            default=default,
        )

    def setup(self, step_name: str, text: str) -> None:
        """One answer of the set-up."""
        pending = self.session.pending
        value = text.strip()
        if step_name == "choose_report":
            self.choose_report(value)
        elif step_name == "setup_choose_agency":
            try:
                [chosen] = match_choices(
                    tuple(Choice(str(a.id), a.name) for a in self.ctx.agencies),
                    value,
                    many=False,
                    example="1",
                )
            except UserError as exc:
                self.out.say(exc.code, **exc.params)
                self.ask_agency()
                return
            self.pick_agency(int(chosen))
        elif step_name == "setup_agency":
            agency = " ".join(text.split())
            if not 2 <= len(agency) <= MAX_AGENCY:
                self.out.say(Code.CHAT_BAD_AGENCY)
                return
            self.session.pending = {"agency": agency}
            self.session.step = "setup_level"
            self.ask_level()
        elif step_name == "setup_level":
            try:
                [level] = match_choices(level_choices(self.m), value, many=False, example="4")
            except UserError as exc:
                self.out.say(exc.code, **exc.params)
                self.ask_level()
                return
            self.session.pending = {**pending, "level": level}
            self.session.step = "setup_region"
            self.out.say(Code.REV_ASK_REGION)
        elif step_name == "setup_region":
            region = " ".join(text.split())
            if not 2 <= len(region) <= MAX_REGION:
                self.out.say(Code.REV_ASK_REGION)
                return
            self.session.pending = {**pending, "region": region}
            self.session.step = "setup_year"
            self.ask_year()
        else:
            self.choose_year(value)

    def choose_report(self, value: str) -> None:
        """Open one of the user's reports, or start a new one."""
        ids = {str(r.id) for r in self.ctx.reports}
        labels = {f"{r.agency}{r.year}年": str(r.id) for r in self.ctx.reports}
        numbered = [str(r.id) for r in self.ctx.reports] + ["new"]
        if value.isdigit() and 1 <= int(value) <= len(numbered) and value not in ids:
            value = numbered[int(value) - 1]
        value = labels.get(value, value)
        if value in ids:
            self.session.report_id = int(value)
            self.session.step = "start"
            self.out.open_report = int(value)
        elif value in ("new", message(Code.CHAT_NEW_REPORT)):
            self.new_report()
        else:
            self.out.say(Code.CHAT_BAD_CHOICE, value=value, example="1")
            self.resume()

    def choose_year(self, value: str) -> None:
        """The year: the report is then created (or opened) by the service."""
        pending = self.session.pending
        default = self.ctx.today.year - 1
        value = value.removesuffix("年")
        if is_confirm(value) or value == str(default):
            year = default
        elif value.isdigit() and 2008 <= int(value) <= self.ctx.today.year:
            year = int(value)
        else:
            self.out.say(Code.CHAT_BAD_YEAR, value=value, example=default)
            return
        self.session.pending = {}
        self.session.step = "start"
        self.out.create = NewReport(
            pending["agency"],
            pending["level"],
            year,
            pending.get("region", ""),
            pending.get("agency_id"),
        )
