"""Commands at every prompt: 帮助, 进度, 上一步, 跳过, 转到, 修改, 预览, 检查, 导出, 取消.

:class:`Commands` extends the turn with what each command does; the words that name
them are in ``prompts/commands.yaml`` (parsed by ``bot/commands.py``).
"""

from __future__ import annotations

from bot.conversation.answers import match_choices
from bot.conversation.command_words import Command, commands, resolve_edit, resolve_part, spec
from bot.conversation.flows import Choice
from bot.conversation.journey import find_step
from bot.conversation.session import Change
from bot.conversation.setup import Onboarding
from bot.conversation.types import EXPORT_FORMATS, WORKFLOW_COMMANDS, Reply
from bot.format.catalogue import Code, UserError, message


class Commands(Onboarding):
    """What each command does."""

    def command(self, cmd: Command) -> None:
        """Carry out a command given at any prompt."""
        name, arg = cmd.name, cmd.argument
        if name == "help":
            lines = [message(Code.CHAT_HELP)]
            lines += [
                message(
                    Code.CHAT_HELP_LINE, word=c.words[0], name=c.name, description=c.description
                )
                for c in commands()
            ]
            lines.append(message(Code.CHAT_HELP_FOOTER))
            self.out.replies.append(Reply("\n".join(lines), Code.CHAT_HELP))
            self.reask_if_open()
            return
        if name == "unknown":
            self.out.say(Code.CHAT_UNKNOWN_COMMAND, command=arg)
            self.reask_if_open()
            return
        if name in WORKFLOW_COMMANDS:
            if spec(name).needs_argument and not arg:
                self.out.say(
                    Code.CHAT_NEEDS_ARGUMENT,
                    action=spec(name).words[0],
                    example=spec(name).example,
                )
            else:  # carried out by the service's workflow, authorised there
                self.out.replies.append(Reply("", action=f"workflow:{name}", argument=arg))
            if name != "import":  # after 导入上年报告 the next message is the report
                self.reask_if_open()
            return
        if name in ("start", "report") and (name == "report" or self.report is None):
            self.session.report_id = None
            self.session.step = "start"
            self.session.pending = {}
            self.report = None
            self.resume()
            return
        if self.report is None:
            if name == "cancel":
                self.session.pending = {}
                self.out.say(Code.CHAT_CANCELLED)
            self.resume()
            return
        if name == "start":
            self.resume()
        elif name == "status":
            self.show_progress()
            self.reask_if_open()
        elif name in ("menu", "cancel"):
            self.session.pending = {}
            self.session.return_to = None
            if name == "cancel":
                self.out.say(Code.CHAT_CANCELLED)
            self.menu()
        elif name == "back":
            self.back()
        elif name == "skip":
            self.skip()
        elif spec(name).needs_argument and not arg:
            example = spec(name).example
            self.out.say(Code.CHAT_NEEDS_ARGUMENT, action=spec(name).words[0], example=example)
            self.reask_if_open()
        elif name == "goto":
            part = resolve_part(arg, self.m)
            if part is None:
                self.out.say(Code.CHAT_GOTO_UNKNOWN, target=arg)
                self.reask_if_open()
            else:
                self.session.return_to = None
                self.goto_part(part)
        elif name == "edit":
            self.edit(arg)
        elif name == "preview":
            self.out.replies.append(Reply("", action="preview"))
            self.reask_if_open()
        elif name == "check":
            self.out.replies.append(Reply("", action="check"))
            self.reask_if_open()
        elif name == "export":
            if self.session.step not in ("export", "menu", "done"):
                self.session.return_to = self.session.step
            self.session.step = "export"
            self.choose(
                Code.CHAT_EXPORT_ASK, tuple(Choice(f, f) for f in EXPORT_FORMATS), "export"
            )

    def reask_if_open(self) -> None:
        """After an aside, show the current question (or the menu) again."""
        if self.report is None:
            self.resume()
        elif self.session.step == "menu":
            self.menu()
        elif self.session.step in ("done", "export"):
            self.go(None, remember=False) if self.session.step == "done" else self.choose(
                Code.CHAT_EXPORT_ASK, tuple(Choice(f, f) for f in EXPORT_FORMATS), "export"
            )
        else:
            self.reask()

    def back(self) -> None:
        history = list(self.session.history)
        while history:
            name = history.pop()
            step = find_step(self.flow, name, self.m)
            if step is not None and name != self.session.step:
                self.session.history = history
                self.session.pending = {}
                self.go(step, remember=False)
                return
        self.session.history = []
        self.out.say(Code.CHAT_NO_BACK)
        self.reask_if_open()

    def skip(self) -> None:
        assert self.report is not None
        if not self.writable():
            return
        step = find_step(self.flow, self.session.step, self.m)
        if step is None:
            self.reask_if_open()
            return
        if step.required:
            self.out.say(Code.CHAT_SKIP_REQUIRED, example=step.example)
            self.ask(step)
            return
        self.store([Change("answers", step.name, [] if step.type == "list" else "")])
        self.out.say(Code.CHAT_SKIPPED)
        self.advance()

    def edit(self, target: str) -> None:
        assert self.report is not None
        if not self.writable():
            return
        resolved = resolve_edit(target, self.flow, self.report, self.m)
        if resolved is None:
            self.out.say(Code.CHAT_EDIT_UNKNOWN, target=target)
            self.reask_if_open()
            return
        name, changes = resolved
        self.store(changes)
        step = find_step(self.flow, name, self.m)
        assert step is not None
        if self.session.step not in ("menu", "done", "export", name):
            self.session.return_to = self.session.return_to or self.session.step
        self.session.pending = {}
        self.go(step)

    def export(self, text: str) -> None:
        value = text.strip().lower().lstrip(".")
        if value.isdigit() and 1 <= int(value) <= len(EXPORT_FORMATS):
            value = EXPORT_FORMATS[int(value) - 1]
        if value not in EXPORT_FORMATS:
            self.out.say(
                Code.CHAT_EXPORT_UNKNOWN, value=text.strip(), formats="、".join(EXPORT_FORMATS)
            )
            self.choose(
                Code.CHAT_EXPORT_ASK, tuple(Choice(f, f) for f in EXPORT_FORMATS), "export"
            )
            return
        self.out.replies.append(Reply("", action=f"export:{value}"))
        origin = self.session.return_to
        self.session.return_to = None
        step = find_step(self.flow, origin, self.m) if origin else None
        if step is not None:
            self.go(step, remember=False)
        else:
            self.resume_next()

    def menu_choice(self, text: str) -> None:
        """A choice of the menu: continue, or a part."""
        choices = (
            Choice("continue", message(Code.CHAT_CONTINUE)),
            *(Choice(p.key, p.title) for p in self.m.parts),
        )
        try:
            [name] = match_choices(choices, text, many=False, example="1")
        except UserError:
            if resolve_part(text, self.m):
                self.command(Command("goto", text))
            else:
                self.out.say(Code.CHAT_BAD_CHOICE, value=text.strip(), example="1")
                self.menu()
            return
        if name == "continue":
            self.resume_next()
        else:
            self.goto_part(name)
