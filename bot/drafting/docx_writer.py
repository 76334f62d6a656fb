"""The draft as a Word file in 公文 typography (GB/T 9704-2012, spec §9).

A4 with margins 37/35/28/26 mm; title 2号 (22 pt) 方正小标宋简体 centred; body 3号 (16 pt)
仿宋_GB2312 at an exact line spacing of 28.95 pt (22 lines a page) with a two-character
first-line indent; level-1 headings 黑体, level-2 楷体_GB2312; page numbers "— 1 —" in
4号 宋体 from a PAGE field, odd pages right and even pages left (one character in from the
edge). Fonts are set for East Asian text through ``w:rFonts/@w:eastAsia`` (python-docx's
``font.name`` only sets the Latin fonts). The fonts are named, not embedded.

The section carries a line grid of 22 lines, and the body is condensed so that 28
characters fill a line; the title, tables and page numbers keep their own sizes off the
grid. The title breaks between words
(:func:`~bot.drafting.typesetting.title_lines`). Every visible gap (【待填写…】 and the
empty-cell marker) is highlighted. An optional 落款 (agency and date) closes the text as
GB/T 9704-2012 7.3.5.1 places it: a line below the text, the date two characters in from
the right, its first character two characters right of the agency's.

Tables are :mod:`bot.drafting.docx_tables`' (never split across pages); package-level
parts (language, fonts, properties, the grid) :mod:`bot.drafting.docx_package`'s.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from bot.drafting.compose import Document, Paragraph, Signature
from bot.drafting.docx_package import (
    condensed,
    finish_package,
    grid,
    insert_child,
    set_grid,
    set_language,
)
from bot.drafting.docx_tables import add_runs, add_table
from bot.drafting.tables import TableBlock
from bot.drafting.typesetting import text_width, title_lines

BODY_FONT = "仿宋_GB2312"
TITLE_FONT = "方正小标宋简体"
HEADING1_FONT = "黑体"
HEADING2_FONT = "楷体_GB2312"
PAGE_NUMBER_FONT = "宋体"
BODY_SIZE = Pt(16)
TITLE_SIZE = Pt(22)
TABLE_SIZE = Pt(10.5)
TABLE_LINE = Pt(13.5)
PAGE_NUMBER_SIZE = Pt(14)
LINE = Pt(28.95)
TEXT_WIDTH_TWIPS = 11906 - 1587 - 1474  # A4 less the 28 and 26 mm margins, as Word rounds
LINE_TWIPS = 579  # 28.95 pt
SIGN_MARGIN = 2  # characters: the date from the right edge, and before the agency's start
DASH = "\u2014"  # the 一字线 either side of the page number


def _fonts(rpr_owner: Any, name: str, size: Pt | None = None, *, bold: bool = False) -> None:
    """Set Latin and East Asian fonts (and size) on a style or run, dropping theme fonts."""
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
        rfonts.set(qn(f"w:{attr}"), name)
    for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        rfonts.attrib.pop(qn(f"w:{attr}"), None)
    rpr_owner.font.bold = bold
    if size is not None:
        rpr_owner.font.size = size


def _paragraph_style(
    doc: Any,
    name: str,
    font: str,
    size: Pt,
    *,
    align: Any = None,
    indent: bool = True,
    outline: int | None = None,
    on_grid: bool = True,
) -> None:
    style = doc.styles.add_style(name, 1)  # WD_STYLE_TYPE.PARAGRAPH
    style.base_style = doc.styles["Normal"]
    style.quick_style = True
    _fonts(style, font, size)
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    if not indent:
        fmt.first_line_indent = Pt(0)
        ind = style.element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "0")
    if outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(outline))
        insert_child(
            style.element.get_or_add_pPr(),
            level,
            ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange"),
        )
        fmt.keep_with_next = True
    if not on_grid:  # its own size and spacing, not the body's line grid and 28 a line
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        insert_child(style.element.get_or_add_pPr(), snap, _AFTER_SNAP)
        _spacing(style, 0)


def _spacing(style: Any, twentieths: int) -> None:
    """Character spacing of ``style`` (negative: condensed)."""
    rpr = style.element.get_or_add_rPr()
    old = rpr.find(qn("w:spacing"))
    if old is not None:
        rpr.remove(old)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:val"), str(twentieths))
    insert_child(rpr, spacing, _AFTER_RUN_SPACING)


def _styles(doc: Any) -> None:
    normal = doc.styles["Normal"]
    _fonts(normal, BODY_FONT, BODY_SIZE)
    normal.font.color.rgb = None
    _spacing(normal, condensed(BODY_SIZE.pt, TEXT_WIDTH_TWIPS))  # 28 characters a line
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.first_line_indent = Pt(32)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False
    # Two characters whatever the font size: Word prefers firstLineChars over firstLine.
    normal.element.get_or_add_pPr().get_or_add_ind().set(qn("w:firstLineChars"), "200")
    _paragraph_style(
        doc,
        "Report Title",
        TITLE_FONT,
        TITLE_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        on_grid=False,
    )
    title = doc.styles["Report Title"].paragraph_format
    title.line_spacing = Pt(36)
    title.space_after = LINE
    _paragraph_style(doc, "Report Heading 1", HEADING1_FONT, BODY_SIZE, outline=0)
    _paragraph_style(doc, "Report Heading 2", HEADING2_FONT, BODY_SIZE, outline=1)
    _paragraph_style(
        doc,
        "Report Table Text",
        BODY_FONT,
        TABLE_SIZE,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent=False,
        on_grid=False,
    )
    table_text = doc.styles["Report Table Text"].paragraph_format
    table_text.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    table_text.line_spacing = TABLE_LINE  # CJK fonts' single spacing is half as much again
    table_text.keep_with_next = False
    _paragraph_style(
        doc, "Report Page Number", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE, indent=False, on_grid=False
    )
    doc.styles["Report Page Number"].paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance, section.footer_distance = Mm(15), Mm(21)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    section.even_page_footer.is_linked_to_previous = False
    _page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    set_grid(section, grid(LINE_TWIPS))


def _field(paragraph: Any, instruction: str) -> None:
    """A complex field (begin, instruction, separate, placeholder result, end)."""
    for kind, text in (
        ("begin", None),
        (None, instruction),
        ("separate", None),
        (None, "1"),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            run.text = text


def _page_number(paragraph: Any, align: Any) -> None:
    paragraph.style = "Report Page Number"
    paragraph.alignment = align
    if align == WD_ALIGN_PARAGRAPH.RIGHT:
        paragraph.paragraph_format.right_indent = PAGE_NUMBER_SIZE
    else:
        paragraph.paragraph_format.left_indent = PAGE_NUMBER_SIZE
    paragraph.add_run(f"{DASH} ")
    _field(paragraph, "PAGE")
    paragraph.add_run(f" {DASH}")


# Children of w:rPr that must follow w:spacing (schema order).
_AFTER_RUN_SPACING = (
    "w:w",
    "w:kern",
    "w:position",
    "w:sz",
    "w:szCs",
    "w:highlight",
    "w:u",
    "w:effect",
    "w:bdr",
    "w:shd",
    "w:fitText",
    "w:vertAlign",
    "w:rtl",
    "w:cs",
    "w:em",
    "w:lang",
    "w:eastAsianLayout",
    "w:specVanish",
    "w:oMath",
)
# Children of w:pPr that must follow w:snapToGrid (schema order).
_AFTER_SNAP = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _paragraph(doc: Any, p: Paragraph) -> None:
    add_runs(doc.add_paragraph(style="Report Heading 2" if p.level == 2 else None), p.text)


def _title(doc: Any, document: Document) -> None:
    """The title, broken between words into balanced lines."""
    paragraph = doc.add_paragraph(style="Report Title")
    for index, line in enumerate(title_lines(document.title, document.agency)):
        if index:
            paragraph.add_run().add_break()
        paragraph.add_run(line)


def _signature(doc: Any, sign: Signature) -> None:
    """The 落款: a blank line, the agency, the date (GB/T 9704-2012 7.3.5.1)."""
    agency, date = text_width(sign.agency), text_width(sign.date)
    agency_right = max(SIGN_MARGIN, 2 * SIGN_MARGIN + date - agency)
    date_right = agency_right + agency - SIGN_MARGIN - date
    doc.paragraphs[-1].paragraph_format.keep_with_next = True  # never alone on a page
    doc.add_paragraph().paragraph_format.keep_with_next = True
    for text, right in ((sign.agency, agency_right), (sign.date, date_right)):
        paragraph = doc.add_paragraph(text)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        paragraph.paragraph_format.keep_with_next = text == sign.agency
        ind = paragraph._p.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "0")
        ind.set(qn("w:firstLine"), "0")
        ind.set(qn("w:rightChars"), str(round(right * 100)))


def write_docx(document: Document) -> bytes:
    """The Word file of the draft (with its 落款 when it has a signature), as bytes."""
    doc = new_docx()
    _styles(doc)
    _page(doc)
    set_language(doc, BODY_SIZE.pt)
    finish_package(doc, title=document.title, author=document.agency)
    _title(doc, document)
    _paragraph(doc, document.opening)
    table_style = doc.styles["Report Table Text"].style_id
    for section in document.sections:
        doc.add_paragraph(section.title, "Report Heading 1")
        for block in section.blocks:
            if isinstance(block, TableBlock):
                add_table(doc, block, table_style)
            else:
                _paragraph(doc, block)
    if document.signature is not None:
        _signature(doc, document.signature)
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
