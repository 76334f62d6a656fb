"""The conversation engine: ``handle(flow, session, input, context) -> Outcome``.

Pure: no Telegram, no SQL, no files, no drafting. Given the flow, where the user is, one
input and what the store knows (the open report, the other reports, last year's report),
it returns the new session, the replies with the effects among them, and the changes to
store. The caller stores the changes and the session in one transaction before it sends
anything. :func:`route` is the one place that decides what an input means at each step.
"""

from __future__ import annotations

from bot.conversation.answers import interpret
from bot.conversation.command_words import Command, parse_command
from bot.conversation.commands import choose_export, choose_in_menu, run_command
from bot.conversation.defaults import edit_example, is_confirm_all
from bot.conversation.effects import (
    DECISION_STEPS,
    DRAFT_STEP,
    FILE_COMMANDS,
    Decide,
    Explain,
    Export,
    ImportAs,
    Join,
    ReadFile,
    ReturnComments,
)
from bot.conversation.flows import Flow
from bot.conversation.flows import Step as Question
from bot.conversation.journey import is_answered
from bot.conversation.paragraphs import confirm_sections, offer_sections, replace_paragraph
from bot.conversation.session import (
    SETUP_STEPS,
    Change,
    ImportPaste,
    ImportYear,
    LiveWarning,
    ReviewComments,
    Session,
    Step,
)
from bot.conversation.setup import answer_setup, change_level
from bot.conversation.turn import Turn
from bot.conversation.types import Context, Input, Outcome, Reply
from bot.conversation.words import is_word
from bot.format.catalogue import Code, UserError, message
from bot.format.model import ReportModel
from bot.format.report import FIRST_YEAR, TABLE_KEYS

PASTED = "粘贴的文本.txt"  # the name a pasted report is read under
PASTED_TABLE = "粘贴的表格.txt"  # and a table pasted at its question
QUOTED = 20  # characters of an unmatched message quoted back


def shorten(text: str) -> str:
    """``text`` on one line, cut to :data:`QUOTED` characters."""
    line = " ".join(text.split())
    return line if len(line) <= QUOTED else line[:QUOTED] + "…"


def handle(
    flow: Flow, session: Session, inp: Input, ctx: Context, m: ReportModel | None = None
) -> Outcome:
    """One turn: the new session, the replies (with effects) and the changes to store."""
    t = Turn(flow, session, ctx, m)
    route(t, inp)
    return t.out


def route(t: Turn, inp: Input) -> None:
    """What ``inp`` means where the session is, for every step."""
    session = t.session
    if inp.choice_step is not None and inp.choice_step.startswith(DECISION_STEPS):
        t.effect(Decide(inp.choice_step, inp.choice or ""))  # authorised by the service
        return
    if inp.choice_step == DRAFT_STEP and t.report is not None:
        t.effect(Export("xlsx"))  # a preview's 完整表格, pressed whenever
        return
    if inp.choice is not None and inp.choice_step != session.key:
        t.say(Code.CHAT_EXPIRED)
        t.reask()
        return
    text = inp.choice if inp.choice is not None else inp.text
    command = None
    if inp.choice is None and not inp.resume:
        question = t.current()
        kind = question.type if question is not None else ""
        if session.step is Step.PARAGRAPH:
            kind = "text"  # a replacement may start with a command word (修改完善了…)
        command = parse_command(text, kind)
    if command is not None and command.name == "start" and command.argument:
        # an invite (a deep link's start parameter): join, then start afresh
        session.report_id, t.report = None, None
        session.restart()
        t.effect(Join(command.argument))
        return
    if inp.document is not None and command is not None and command.name in FILE_COMMANDS:
        # a file captioned with a command (下级 添加: a list; 已公开: the published report)
        t.effect(FILE_COMMANDS[command.name](command.argument, inp.document[0]))
        t.reask_if_open()
        return
    answer = not inp.resume and inp.choice is None and command is None
    if inp.document is not None or (answer and session.step is Step.IMPORT_PASTE):
        receive(t, *(inp.document or (PASTED, text.encode("utf-8"))))  # a file, or a paste
    elif command is not None:
        run_command(t, command)
    elif session.step is Step.IMPORT_YEAR and not inp.resume:  # typed, or a button
        import_year(t, text)
    elif session.step is Step.LEVEL and not inp.resume:  # after 修改 层级
        change_level(t, text)
    elif answer and session.step is Step.REVIEW_COMMENT:
        pending = session.pending
        session.restart()
        if isinstance(pending, ReviewComments):
            t.effect(ReturnComments(pending.version, text, pending.filing))
        else:
            t.say(Code.CHAT_EXPIRED)
    elif answer and session.step is Step.PARAGRAPH and t.report is not None:
        replace_paragraph(t, text)
    elif answer and session.step is Step.EXPLAIN and t.report is not None:
        t.effect(Explain(text))  # the service knows which warnings still block
    elif inp.resume or (t.report is None and session.step not in SETUP_STEPS):
        t.resume(welcome=inp.resume and not inp.carried_on)
    elif session.step in SETUP_STEPS:
        answer_setup(t, text)
    elif session.step is Step.MENU:
        choose_in_menu(t, text)
    elif session.step is Step.DONE and text in ("preview", "check", "export"):
        run_command(t, Command(text))  # a button of the completion message
    elif session.step is Step.DONE:  # never swallowed: said what was not understood
        t.say(Code.CHAT_DONE_UNMATCHED, text=shorten(text))
    elif session.step is Step.EXPORT:
        choose_export(t, text)
    else:
        answer_question(t, text)


def receive(t: Turn, name: str, data: bytes) -> None:
    """A file, or the text pasted after 导入上年报告: read by the service, then resume."""
    pending = t.session.pending
    if t.session.step is Step.IMPORT_PASTE:
        t.session.to_key(pending.back_to if isinstance(pending, ImportPaste) else Step.START)
        t.session.pending = None
    if t.report is None and t.ctx.can_create and t.session.step in (Step.START, Step.SETUP_AGENCY):
        t.effect(ReadFile(name, data, first=True))  # last year's report names the agency
    elif t.report is None:
        t.say(Code.IMP_CHAT_NO_REPORT)
        t.resume()
    elif t.writable():  # a reviewer's file changes nothing
        t.effect(ReadFile(name, data))


def import_year(t: Turn, text: str) -> None:
    """The year of a file whose title shows none: then it is read as a report of it."""
    pending = t.session.pending
    if not isinstance(pending, ImportYear) or t.report is None:
        t.session.restart()
        t.resume()
        return
    value = text.strip().removesuffix("年")
    if not (value.isdecimal() and FIRST_YEAR <= int(value) <= t.report.year):
        t.say(Code.CHAT_BAD_YEAR, value=value, example=t.report.year - 1)
        t.ask_import_year(pending)
        return
    t.session.to_key(pending.back_to)
    t.session.pending = None
    t.effect(ImportAs(pending.name, pending.document, int(value)))


def answer_question(t: Turn, text: str) -> None:
    """Interpret an answer to the current question, store it, and move on."""
    assert t.report is not None
    step = t.current()
    if step is None:
        t.resume()
        return
    if not t.writable():
        return
    if confirm_sections(t, text):
        return
    if step.type in ("text", "list") and offer_sections(t, step.name, step.part, text):
        return
    defaults = t.defaults(step)
    if defaults and is_confirm_all(text, t.question_choices(step)):
        t.session.pending = None
        t.store([d.change for d in defaults])
        t.say(Code.CHAT_DEFAULTS_TAKEN, count=len(defaults), example=edit_example(defaults))
        t.advance()
        return
    pending = t.session.pending
    if is_word("keep", text) and is_answered(step, t.report):
        t.session.pending = None
        t.say(Code.CHAT_KEPT)
        t.advance()
        return
    try:
        counted_by = t.flow.counts_of(step.name)
        result = interpret(step, text, t.report, t.m, t.ctx.previous, counted_by)
    except UserError as exc:
        if exc.code is Code.CHAT_PASTE_SHAPE:  # a layout the importer's reader knows
            t.effect(ReadFile(PASTED_TABLE, text.encode("utf-8"), table=step.part))
            return
        if isinstance(pending, LiveWarning) and pending.question == step.name:
            t.store([Change("explanations", pending.warning, text.strip())])
            t.session.pending = None
            t.say(Code.CHAT_EXPLAINED)
            t.advance()
            return
        t.say(exc.code, **exc.params)
        t.ask(step)
        return
    # only figures can cause a warning to explain: prose answers need no comparison
    figures = any(c.section in TABLE_KEYS for c in result.changes)
    before = {f.key for f in t.live_warnings()} if figures else set()
    changes, notes = implied(t, step, result.changes)
    t.store(result.changes + changes)
    t.session.pending = None
    t.out.replies += [Reply(ack.text(), ack.code) for ack in result.replies]
    t.out.replies += notes
    fresh = [
        f
        for f in (t.live_warnings() if figures else [])
        if f.key not in before and f.key not in t.report.explanations
    ]
    if fresh:
        t.session.pending = LiveWarning(fresh[0].key, step.name)
        t.say(Code.CHAT_WARNING_ASK, warning=fresh[0].message())
        return
    t.advance()


def implied(t: Turn, step: Question, changes: list[Change]) -> tuple[list[Change], list[Reply]]:
    """Changes an answer implies (zeros it makes certain, totals it makes stale), and
    what to tell the officer about them."""
    assert t.report is not None
    notes: list[Reply] = []
    out: list[Change] = []
    grid = t.m.review_litigation
    if step.name == "t4_any":
        if changes[0].value == "no":
            out = [Change(grid.part, r.key, [0] * grid.width) for r in grid.rows]
            notes.append(Reply(message(Code.CHAT_TABLE4_ZERO), Code.CHAT_TABLE4_ZERO))
        elif t.report.answers.get("t4_any") == "no":
            out = [Change(grid.part, r.key, None) for r in grid.rows]
    touched = {c.key for c in changes if c.section == "applications"}
    if touched and not touched & {"total", "carry_forward"}:
        out += [
            Change("applications", k, None)
            for k in ("total", "carry_forward")
            if k in t.report.applications
        ]
    return out, notes
