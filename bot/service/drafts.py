"""What the officer asks to see of the draft: 检查, 预览, 导出 and a paragraph's current
text (修改 （二）), as outgoing messages.

导出 pdf needs LibreOffice on the machine the bot runs on: without it, or when it fails,
the officer is told so in one message (``DRF005``-``DRF007``) and offered the .docx; a
PDF made with fonts substituted comes with a note naming them (``DRF008``).
"""

from __future__ import annotations

from bot.conversation.effects import DRAFT_STEP, FULL_TABLES, Check, Export, Preview, ShowParagraph
from bot.conversation.flows import Choice
from bot.conversation.types import Outgoing, say
from bot.drafting.compliance import check_draft
from bot.drafting.preview import plain
from bot.drafting.render import Drafter
from bot.format.catalogue import Code, UserError, message
from bot.format.datafile import dumps
from bot.format.findings import Finding, Severity
from bot.format.model import ReportModel
from bot.format.report import Report


def findings_message(findings: list[Finding], explanations: dict[str, str]) -> Outgoing:
    """The result of 检查 as one message: a summary, then each unexplained finding."""
    if not findings:
        return Outgoing(message(Code.CHAT_CHECK_CLEAN), Code.CHAT_CHECK_CLEAN)
    errors = sum(f.severity is Severity.ERROR for f in findings)
    labels = {Severity.ERROR: message(Code.CLI_ERROR), Severity.WARNING: message(Code.CLI_WARNING)}
    lines = [message(Code.CHAT_CHECK_SUMMARY, errors=errors, warnings=len(findings) - errors)]
    lines += [
        message(Code.CHAT_FINDING_LINE, label=f"[{labels[f.severity]}] ", message=f.message())
        for f in findings
        if f.key not in explanations
    ]
    return Outgoing("\n".join(lines), Code.CHAT_CHECK_SUMMARY)


def export_name(report: Report, fmt: str) -> str:
    """The file name of an exported draft."""
    return f"{report.agency}{report.year}年政府信息公开工作年度报告.{fmt}"


def draft(
    asked: Check | Preview | Export | ShowParagraph,
    report: Report,
    previous: Report | None,
    drafter: Drafter,
    m: ReportModel,
) -> list[Outgoing]:
    """A check, a preview or an exported file of the report."""
    if isinstance(asked, Check):
        return [findings_message(check_draft(report, previous, m), report.explanations)]
    if isinstance(asked, ShowParagraph):
        text = drafter.paragraph(report, asked.paragraph)
        shown = message(Code.PST_PARAGRAPH_CURRENT, target=asked.target, text=text)
        return [Outgoing(shown, Code.PST_PARAGRAPH_CURRENT)]
    if isinstance(asked, Preview):  # the front end announces the draft and splits it
        lines = drafter.preview(report)
        tables = Choice(FULL_TABLES, message(Code.CHAT_FULL_TABLES))
        return [
            Outgoing(plain(lines), draft=True, lines=lines, choices=(tables,), step=DRAFT_STEP)
        ]
    name = export_name(report, asked.fmt)
    try:
        data = (
            dumps(drafter.narrative(report)).encode()
            if asked.fmt == "yaml"
            else drafter.render(report, asked.fmt)
        )
    except UserError as exc:  # no PDF can be made here
        return [Outgoing(exc.message(), exc.code)]
    out = [
        Outgoing(
            message(Code.CHAT_EXPORT_READY, name=name),
            Code.CHAT_EXPORT_READY,
            document=(name, data),
        )
    ]
    if asked.fmt == "pdf" and (missing := drafter.missing_fonts()):
        out.append(say(Code.DRF_FONTS_MISSING, fonts="、".join(missing)))
    return out
