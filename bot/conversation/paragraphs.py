"""Every paragraph of the draft, edited in the chat, and whole sections pasted at once.

``修改 （二）`` (or a part's or paragraph's heading, or a synonym of
``prompts/paragraphs.yaml``) shows the paragraph's current text and takes the next
message as its replacement, tidied like every paste (an override of the composed text);
``恢复 （二）`` returns to the composed text. A whole section pasted at a question of
part 一, with its （一）…（五） sub-headings, is split into the answers it holds once the
officer confirms. Plain functions over a :class:`~bot.conversation.turn.Turn`.
"""

from __future__ import annotations

from bot.conversation.answers import interpret, tidied
from bot.conversation.effects import ShowParagraph
from bot.conversation.journey import find_step
from bot.conversation.session import Change, ParagraphEdit, SectionPaste, Step
from bot.conversation.turn import Turn
from bot.conversation.types import Reply
from bot.conversation.words import is_confirm, is_word
from bot.format.catalogue import Code, UserError, message
from bot.format.paragraphs import Target, by_id, find
from bot.format.pasted import split_sections, tidy

PREVIEW_CHARS = 24
SECTION_PARTS = ("overview",)  # parts whose sub-sections a paste is split into


def paragraph_named(target: str) -> Target | None:
    """The paragraph ``target`` names (（二）, 依申请公开, 存在的主要问题 …), or None."""
    return find(target)


def edit_paragraph(t: Turn, target: Target, said: str) -> None:
    """修改 （二）: show the paragraph's current text; the next message replaces it."""
    assert t.report is not None
    pending = t.session.pending
    if isinstance(pending, ParagraphEdit):  # 修改 again while editing: back where it began
        back = pending.back_to
    else:
        back = t.session.return_to or t.session.key
    t.session.pending = ParagraphEdit(target.id, said, back)
    t.session.to(Step.PARAGRAPH)
    t.effect(ShowParagraph(target.id, said))
    t.say(Code.PST_PARAGRAPH_ASK, target=said)


def replace_paragraph(t: Turn, text: str) -> None:
    """The replacement of the paragraph being edited, tidied; then back where it began."""
    pending = t.session.pending
    if not isinstance(pending, ParagraphEdit):
        t.session.restart()
        t.resume()
        return
    if is_word("keep", text):
        t.say(Code.PST_PARAGRAPH_KEPT, target=pending.target)
    else:
        paste = tidy(text)
        if not paste.text.strip():
            t.say(Code.CHAT_EMPTY_ANSWER, example=message(Code.PST_PARAGRAPH_ASK, target="…"))
            return
        t.store([Change("overrides", pending.paragraph, paste.text)])
        t.say(Code.PST_PARAGRAPH_SAVED, target=pending.target)
        t.out.replies += [Reply(n.text(), n.code) for n in tidied(paste, numbering=False)]
    back_to(t, pending.back_to)


def back_to(t: Turn, key: str) -> None:
    """Return to the step ``key`` after an aside, asking it again."""
    t.session.pending = None
    t.session.to_key(key)
    t.reask_if_open()


def restore_paragraph(t: Turn, said: str) -> None:
    """恢复 （二）: the composed text again, the officer's replacement dropped."""
    assert t.report is not None
    target = paragraph_named(said)
    if target is None:
        t.say(Code.PST_PARAGRAPH_UNKNOWN, target=said)
    else:
        overrides = t.report.extra.get("overrides") or {}
        keys = [k for k in overrides if k == target.id or k.startswith(target.id + "+")]
        if keys:
            t.store([Change("overrides", k, None) for k in keys])
            t.say(Code.PST_PARAGRAPH_RESTORED, target=said)
        else:
            t.say(Code.PST_PARAGRAPH_NOT_EDITED, target=said)
    t.reask_if_open()


def offer_sections(t: Turn, question: str, part: str, text: str) -> bool:
    """A whole section pasted at a question of ``part``: ask to split it (True), or not."""
    if part not in SECTION_PARTS:
        return False
    intro, sections = split_sections(text, part)
    if not sections:
        return False
    pieces = [(f"{part}.intro", intro)] if intro else []
    pieces += [(s.target.id, s.text) for s in sections if s.text]
    lines = []
    for pid, piece in pieces:
        target = by_id(pid)
        heading = next((s.heading for s in sections if s.target.id == pid), "")
        preview = piece if len(piece) <= PREVIEW_CHARS else piece[:PREVIEW_CHARS] + "…"
        name = target.names[0] if target else pid
        lines.append(
            message(Code.PST_SECTION_LINE, heading=heading or name, target=name, preview=preview)
        )
    t.session.pending = SectionPaste(question, tuple(pieces))
    t.say(Code.PST_SECTIONS_FOUND, count=len(pieces), lines="\n".join(lines))
    return True


def confirm_sections(t: Turn, text: str) -> bool:
    """The answer to a split offered by :func:`offer_sections`: stored when confirmed
    (True); otherwise the offer is dropped and the text is an ordinary answer (False)."""
    assert t.report is not None
    pending = t.session.pending
    if not isinstance(pending, SectionPaste):
        return False
    t.session.pending = None
    if pending.question != t.session.question or not is_confirm(text):
        return False
    changes: list[Change] = []
    for pid, piece in pending.pieces:
        target = by_id(pid)
        step = find_step(t.flow, target.answer, t.m) if target and target.answer else None
        if step is None:
            changes.append(Change("overrides", pid, tidy(piece).text))
            continue
        try:
            changes += interpret(step, piece, t.report, t.m).changes
        except UserError:
            changes.append(Change("overrides", pid, tidy(piece).text))
    t.store(changes)
    t.say(Code.PST_SECTIONS_SAVED, count=len(pending.pieces))
    t.advance()
    return True
