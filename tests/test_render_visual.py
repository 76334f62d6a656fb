"""The drafts open in real programs, as an agency would publish them: LibreOffice converts
the .docx to PDF and prints the .xlsx, headless Chromium shows the HTML at phone and desktop
widths. Each test skips, saying which program is missing, where it is not installed; no
image is kept."""

from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.drafting.pdf import docx_to_pdf, find_program, installed_fonts
from bot.drafting.render import render
from bot.drafting.typesetting import BODY_CHARS, title_lines
from bot.format.datafile import Report
from bot.format.model import model
from tests.helpers.browser import FLAGS, chromium, measure
from tests.helpers.drafts import answered_report, unique_report

pytestmark = pytest.mark.slow

TIMEOUT = 180


def program(*names: str) -> str:
    """The first of the programs ``names`` installed; else the test skips, naming them."""
    return find_program(names) or pytest.skip(f"{' / '.join(names)} is not installed")


def pdftotext(pdf: Path, *options: str) -> str:
    """The text of ``pdf`` as ``pdftotext`` gives it with ``options``."""
    return subprocess.run(
        [program("pdftotext"), *options, str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    ).stdout


def pages_text(pdf: bytes, folder: Path) -> list[str]:
    """Each page's text as laid out (``pdftotext -layout``)."""
    source = folder / "pages.pdf"
    source.write_bytes(pdf)
    return pdftotext(source, "-layout").split("\f")[:-1]


def squeezed(line: str) -> str:
    return re.sub(r"\s+", "", line)


def page_of(pages: list[str], text: str) -> int:
    [index] = [i for i, page in enumerate(pages) if text in squeezed(page)]
    return index


# The first and last text of each table (table 四: its heading, kept with it, and a header)
TABLE_ENDS = (
    ("第二十条第（一）项", "行政事业性收费"),
    ("三、收到和处理政府信息公开申请情况", "四、结转下年度继续办理"),
    ("四、政府信息公开行政复议、行政诉讼情况", "复议后起诉"),
)
REPORTS = {"seed": None, "unique": unique_report, "answered": answered_report}
# a paragraph of Chinese alone, long enough for full lines whatever the rest of the draft
LONG_ITEM = (
    "严格执行信息发布审核制度并对照公开目录逐项核对已经发布的内容及时更正过时信息"
    "确保发布内容准确规范同时定期清理失效文件并在门户网站集中公布清理结果方便群众查询"
)


@pytest.fixture(params=sorted(REPORTS))
def publishable(request: pytest.FixtureRequest) -> Report:
    """The example report (seed-2023.yaml), one with a distinct figure in every cell, and
    one composed from answers."""
    build = REPORTS[request.param]
    if build is None:
        return request.getfixturevalue("seed")
    report = build()
    report.extra["answers"]["info_management"] = [LONG_ITEM]  # full lines to measure
    return report


def test_pdf_paginates_like_a_gongwen(publishable: Report, tmp_path: Path) -> None:
    """Through LibreOffice: the title in its word-lines, 28 characters a full line and 22
    lines a page, every table whole on one page, page numbers evaluated."""
    program("soffice", "libreoffice")
    pdf = render(publishable, "pdf")
    assert pdf.startswith(b"%PDF")
    pages = pages_text(pdf, tmp_path)
    assert len(pages) >= 3
    lines = [ln for ln in pages[0].splitlines() if ln.strip()]
    title = title_lines(f"{publishable.agency}{publishable.year}年政府信息公开工作年度报告",
                        publishable.agency)  # fmt: skip
    assert [squeezed(ln) for ln in lines[: len(title)]] == list(title)
    body = [squeezed(ln) for page in pages for ln in page.splitlines()]
    full = [ln for ln in body if len(ln) >= 20 and re.fullmatch(r"[\u4e00-\u9fff，。、]+", ln)]
    assert full
    assert max(len(ln) for ln in full) == BODY_CHARS  # a full line of Chinese: 28, never 29
    assert all(lines_on(page) <= 22 + 1 for page in pages if not tables_on(page))  # + page no.
    for first, last in TABLE_ENDS:
        assert page_of(pages, first) == page_of(pages, last), (first, last)
    assert re.search(r"—\s*2\s*—", pages[1])  # the PAGE field was evaluated on page 2


def lines_on(page: str) -> int:
    return sum(bool(ln.strip()) for ln in page.splitlines())


def tables_on(page: str) -> bool:
    return any(t in page for t in ("第二十条", "申请人情况", "复议后起诉"))


def test_pdf_embeds_its_fonts_and_a_missing_fangsong_falls_back_to_a_serif(
    seed: Report, tmp_path: Path
) -> None:
    """Every font is embedded; without 仿宋_GB2312, the body is set in a Song/FangSong-like
    serif (Noto Serif CJK where installed), not in fontconfig's default sans."""
    program("soffice", "libreoffice")
    pdffonts = program("pdffonts")
    source = tmp_path / "draft.pdf"
    source.write_bytes(render(seed, "pdf"))
    listed = subprocess.run(
        [pdffonts, str(source)], check=True, capture_output=True, text=True, timeout=TIMEOUT
    ).stdout.splitlines()[2:]
    assert listed
    assert all(line.split()[-5] == "yes" for line in listed)  # the "emb" column
    fonts = installed_fonts() or frozenset()
    if "仿宋_GB2312" not in fonts and "Noto Serif CJK SC" in fonts:
        assert any("Serif" in line for line in listed)


def test_seed_pdf_has_22_lines_a_page_and_is_the_same_every_time(
    seed: Report, tmp_path: Path
) -> None:
    program("soffice", "libreoffice")
    pdf = render(seed, "pdf")
    pages = pages_text(pdf, tmp_path)
    assert not tables_on(pages[1])
    assert lines_on(pages[1]) == 22 + 1  # a full page of prose, and its number
    assert render(seed, "pdf") == pdf


def word_boxes(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Each page's words with their boxes (``pdftotext -bbox``)."""
    xml = pdftotext(pdf, "-bbox")
    pages = []
    for page in xml.split("<page ")[1:]:
        words = re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)',
            page,
        )
        pages.append([(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in words])
    return pages


def test_printed_workbook_has_no_overlapping_label(publishable: Report, tmp_path: Path) -> None:
    """Through LibreOffice: one page per table, every label whole, no two words on top of
    each other, and the print no smaller than 80 % (8.4 pt for 10.5 pt text)."""
    program("soffice", "libreoffice")
    printed = tmp_path / "tables.pdf"
    printed.write_bytes(docx_to_pdf(render(publishable, "xlsx"), datetime.now(UTC), kind="xlsx"))
    pages = word_boxes(printed)
    assert len(pages) == 3
    for words in pages:
        for i, (x0, y0, x1, y1, w) in enumerate(words):
            for a0, b0, a1, b1, v in words[i + 1 :]:
                overlap_x = min(x1, a1) - max(x0, a0)
                overlap_y = min(y1, b1) - max(y0, b0)
                assert overlap_x <= 0.5 or overlap_y <= 0.5, (w, v)
    text = "".join(w for *_, w in pages[1])
    for row in model().applications.rows:
        assert row.label in text
    heights = [y1 - y0 for _, y0, _, y1, w in pages[1] if w == "法人或其他组织"]
    assert heights
    assert heights[0] >= 0.8 * 10.5 * 1.12  # CJK word boxes are ~1.12 em high


def test_printed_html_keeps_every_table_on_one_page(publishable: Report, tmp_path: Path) -> None:
    """Printed from Chromium (the print style sheet: A4, the report's margins), each
    table stays whole on one page, under its heading."""
    browser = chromium() or pytest.skip("chromium is not installed")
    page, printed = tmp_path / "draft.html", tmp_path / "draft.pdf"
    page.write_bytes(render(publishable, "html"))
    subprocess.run(
        [browser, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
         f"--print-to-pdf={printed}", page.as_uri()],
        check=True, capture_output=True, timeout=TIMEOUT,
    )  # fmt: skip
    pages = pages_text(printed.read_bytes(), tmp_path)
    assert len(pages) >= 3
    for first, last in TABLE_ENDS:
        assert page_of(pages, first) == page_of(pages, last), (first, last)


@pytest.mark.parametrize("fragment", [False, True], ids=["page", "fragment"])
def test_html_on_a_phone_and_a_desktop(
    publishable: Report, fragment: bool, tmp_path: Path
) -> None:
    """At 390 px (a phone) the page never scrolls sideways and no figure spills out of its
    cell (wide tables scroll in their box); the title breaks between its words. At
    1280 px table 四's headers stay on one line. The fragment, pasted bare into a page,
    looks the same."""
    browser = chromium() or pytest.skip("chromium is not installed")
    page = render(publishable, "html", fragment=fragment)
    title = title_lines(f"{publishable.agency}{publishable.year}年政府信息公开工作年度报告",
                        publishable.agency)  # fmt: skip
    phone = measure(browser, page, tmp_path, 390)
    assert phone["page"] <= phone["window"] == 390
    assert phone["overflowing"] == []
    assert phone["wrapped_figures"] == []  # figures never broken or run together
    assert phone["title_lines"] == list(title)
    assert phone["scrolling_tables"] >= 1  # table 三 and 四 scroll in their box
    desktop = measure(browser, page, tmp_path, 1280)
    assert desktop["page"] <= desktop["window"] == 1280
    assert desktop["overflowing"] == []
    assert desktop["wrapped_figures"] == []
    assert desktop["wrapped_headers"] == []
    assert desktop["scrolling_tables"] == 0


def test_long_figures_print_on_one_line_in_their_cells() -> None:
    """A busy agency's four- to seven-digit figures: each printed whole, never broken over
    two lines by the narrow figure columns of tables 三 and 四."""
    program("soffice", "libreoffice")
    import pdfplumber

    m = model()
    rows = {}
    for i, row in enumerate(m.applications.rows):
        values = [(i + 1) * 10 ** (3 + c % 4) + c for c in range(m.applications.width - 1)]
        rows[row.key] = [*values, sum(values)]
    cases = {r.key: [1234, 56789, 3, 4, 1234 + 56789 + 7] for r in m.review_litigation.rows}
    report = replace(unique_report(), applications=rows, review_litigation=cases)
    with pdfplumber.open(io.BytesIO(render(report, "pdf"))) as pdf:
        words = {w["text"] for page in pdf.pages for w in page.extract_words()}
    figures = {str(v) for values in [*rows.values(), *cases.values()] for v in values}
    assert figures <= words, sorted(figures - words)[:10]
