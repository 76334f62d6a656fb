"""What each command does at any prompt: 帮助, 进度, 上一步, 跳过, 转到, 修改, 预览, 检查,
导出, 取消, and the office's commands (提交, 审核, 历史, 成员, 邀请 …) as effects.

The words that name them are in ``prompts/commands.yaml`` (read by
:mod:`bot.conversation.command_words`). Every function here works on a :class:`Turn`.
"""

from __future__ import annotations

from bot.conversation.command_words import Command, commands, resolve_edit, resolve_part, spec
from bot.conversation.effects import (
    ALL_FORMATS,
    COMMAND_EFFECTS,
    EXPORT_FORMATS,
    Check,
    Export,
    Preview,
)
from bot.conversation.journey import find_step
from bot.conversation.paragraphs import edit_paragraph, paragraph_named, restore_paragraph
from bot.conversation.session import AROUND_QUESTIONS, Change, ImportPaste, Step
from bot.conversation.setup import ask_level_change
from bot.conversation.turn import Turn
from bot.conversation.types import Reply
from bot.conversation.words import is_word, match_choices
from bot.format.catalogue import Code, UserError, message


def run_command(t: Turn, cmd: Command) -> None:
    """Carry out a command given at any prompt."""
    name, arg = cmd.name, cmd.argument
    if name == "help":
        show_help(t)
    elif name == "unknown":
        t.say(Code.CHAT_UNKNOWN_COMMAND, command=arg)
        t.reask_if_open()
    elif name == "import":
        begin_import(t)
    elif name in COMMAND_EFFECTS:
        if spec(name).needs_argument and not arg:
            needs_argument(t, name)
        else:  # carried out by the service's workflow, authorised there
            t.effect(COMMAND_EFFECTS[name](arg))
        t.reask_if_open()
    elif name in ("start", "report") and (name == "report" or t.report is None):
        t.session.report_id = None
        t.session.restart()
        t.report = None
        t.resume()
    elif t.report is None:
        if name == "cancel":
            t.session.pending = None
            t.say(Code.CHAT_CANCELLED)
        t.resume()
    else:
        report_command(t, name, arg)


def report_command(t: Turn, name: str, arg: str) -> None:
    """A command about the open report."""
    if name == "start":
        t.resume()
    elif name == "status":
        t.show_progress()
        t.reask_if_open()
    elif name in ("menu", "cancel"):
        t.session.pending = None
        t.session.return_to = None
        t.session.walking = None
        if name == "cancel":
            t.say(Code.CHAT_CANCELLED)
        t.menu()
    elif name == "back":
        back(t)
    elif name == "skip":
        skip(t)
    elif spec(name).needs_argument and not arg:
        needs_argument(t, name)
        t.reask_if_open()
    elif name == "goto":
        goto(t, arg)
    elif name == "edit":
        edit(t, arg)
    elif name == "restore":
        if t.writable():
            restore_paragraph(t, arg)
    elif name in ("preview", "check"):
        t.effect(Preview() if name == "preview" else Check())
        t.reask_if_open()
    elif name == "export" and arg:  # 导出 docx, 导出 全部: at once, where the officer is
        if export_formats(t, arg):
            t.reask_if_open()
    elif name == "export":
        if t.session.step not in AROUND_QUESTIONS:
            t.session.return_to = t.session.question
        t.session.to(Step.EXPORT)
        t.ask_export()


def show_help(t: Turn) -> None:
    """Every command with its word and description."""
    lines = [message(Code.CHAT_HELP)]
    lines += [
        message(Code.CHAT_HELP_LINE, word=c.words[0], name=c.name, description=c.description)
        for c in commands()
    ]
    lines.append(message(Code.CHAT_HELP_FOOTER))
    t.out.replies.append(Reply("\n".join(lines), Code.CHAT_HELP))
    t.reask_if_open()


def needs_argument(t: Turn, name: str) -> None:
    """Say that the command ``name`` needs a target, with an example."""
    t.say(Code.CHAT_NEEDS_ARGUMENT, action=spec(name).words[0], example=spec(name).example)


def begin_import(t: Turn) -> None:
    """导入上年报告: the next message is last year's report (a file or its text)."""
    if t.report is not None and not t.writable():
        return
    if t.session.step is not Step.IMPORT_PASTE:
        t.session.pending = ImportPaste(t.session.key)
    t.session.to(Step.IMPORT_PASTE)
    t.say(Code.IMP_CHAT_ASK)


def goto(t: Turn, target: str) -> None:
    """转到: the part ``target`` names."""
    part = resolve_part(target, t.m)
    if part is None:
        t.say(Code.CHAT_GOTO_UNKNOWN, target=target)
        t.reask_if_open()
    else:
        t.session.return_to = None
        t.goto_part(part)


def back(t: Turn) -> None:
    """上一步: the question answered before this one."""
    history = list(t.session.history)
    while history:
        name = history.pop()
        step = find_step(t.flow, name, t.m)
        if step is not None and name != t.session.key:
            t.session.history = history
            t.session.pending = None
            t.go(step, remember=False)
            return
    t.session.history = []
    t.say(Code.CHAT_NO_BACK)
    t.reask_if_open()


def skip(t: Turn) -> None:
    """跳过: leave an optional question empty."""
    assert t.report is not None
    if not t.writable():
        return
    step = t.current()
    if step is None:
        t.reask_if_open()
        return
    if step.required:
        t.say(Code.CHAT_SKIP_REQUIRED, example=step.example)
        t.ask(step)
        return
    t.store([Change("answers", step.name, [] if step.type == "list" else "")])
    t.say(Code.CHAT_SKIPPED)
    t.advance()


def edit(t: Turn, target: str) -> None:
    """修改: the paragraph ``target`` names (（二）, 依申请公开, 存在的主要问题 …), or the
    question that changes it (a cell, a row or a question)."""
    assert t.report is not None
    if not t.writable():
        return
    if is_word("level_target", target):
        ask_level_change(t)
        return
    paragraph = paragraph_named(target)
    if paragraph is not None:
        edit_paragraph(t, paragraph, target.strip())
        return
    resolved = resolve_edit(target, t.flow, t.report, t.m)
    if resolved is None:
        t.say(Code.CHAT_EDIT_UNKNOWN, target=target)
        t.reask_if_open()
        return
    name, changes = resolved
    t.store(changes)
    step = find_step(t.flow, name, t.m)
    assert step is not None
    if t.session.step is Step.QUESTION and t.session.question != name:
        t.session.return_to = t.session.return_to or t.session.question
    t.session.pending = None
    t.go(step)


def export_formats(t: Turn, text: str) -> bool:
    """Export the format(s) ``text`` names (docx, .xlsx, 全部); False if it names none."""
    value = text.strip().lower().lstrip(".")
    value = next((f for f in EXPORT_FORMATS if is_word(f"format_{f}", value)), value)
    choices = (*EXPORT_FORMATS, ALL_FORMATS)
    if value.isdecimal() and 1 <= int(value) <= len(choices):
        value = choices[int(value) - 1]
    if value == ALL_FORMATS or is_word("all_formats", value):
        for fmt in EXPORT_FORMATS:
            if fmt != "yaml":  # the data file is not a draft
                t.effect(Export(fmt))
        return True
    if value not in EXPORT_FORMATS:
        formats = "、".join((*EXPORT_FORMATS, spec("export").words[0] + " 全部"))
        t.say(Code.CHAT_EXPORT_UNKNOWN, value=text.strip(), formats=formats)
        return False
    t.effect(Export(value))
    return True


def choose_export(t: Turn, text: str) -> None:
    """The format of an export; then back where the officer was."""
    if not export_formats(t, text):
        t.ask_export()
        return
    origin = t.session.return_to
    t.session.return_to = None
    step = find_step(t.flow, origin, t.m) if origin else None
    if step is not None:
        t.go(step, remember=False)
    else:
        t.go(t.first_unanswered(), remember=False)


def choose_in_menu(t: Turn, text: str) -> None:
    """A choice of the menu: continue, or a part."""
    try:
        [name] = match_choices(t.menu_choices(), text, many=False, example="1")
    except UserError as refused:
        if resolve_part(text, t.m):
            run_command(t, Command("goto", text))
        else:
            t.say(refused.code, **refused.params)
            t.menu()
        return
    if name == "continue":
        t.go(t.first_unanswered(), remember=False)
    else:
        t.goto_part(name)
