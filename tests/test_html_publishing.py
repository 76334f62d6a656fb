"""The web page as a government CMS takes it: the body alone keeps every border and
alignment (inline styles), tables carry a caption and header scopes, gaps are marked,
and ``--fragment`` gives the article without page chrome."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from pathlib import Path

from bot.drafting.render import render
from bot.format.datafile import save
from bot.frontends.cli import main
from tests.helpers.drafts import answered_report, unique_report


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text of each caption."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.captions: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        self._in = tag

    def handle_data(self, data: str) -> None:
        if self._in == "caption":
            self.captions.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in = None


def elements(html: bytes) -> Elements:
    parser = Elements()
    parser.feed(html.decode("utf-8"))
    return parser


def body_only(html: bytes) -> bytes:
    """What a web editor keeps of a pasted page: the inside of <body>, no <head>."""
    text = html.decode("utf-8")
    return text[text.index("<body>") + 6 : text.index("</body>")].encode()


def test_the_body_alone_keeps_every_border_and_alignment() -> None:
    found = elements(body_only(render(unique_report(), "html")))
    cells = [(t, a) for t, a in found.tags if t in ("table", "th", "td")]
    assert len(cells) > 200
    for tag, attrs in cells:
        assert "border: 1px solid #000" in attrs["style"], (tag, attrs)
        if tag != "table":
            assert "text-align:" in attrs["style"]
            assert attrs["align"] in ("left", "center")
    tables = [a for t, a in found.tags if t == "table"]
    assert all(a["border"] == "1" for a in tables)
    for tag in ("h1", "h2", "p"):
        assert all("font-" in a.get("style", "") or tag == "p" for t, a in found.tags if t == tag)


def test_tables_have_captions_and_header_scopes() -> None:
    found = elements(render(unique_report(), "html"))
    assert found.captions == ["主动公开政府信息情况", "收到和处理政府信息公开申请情况",
                              "政府信息公开行政复议、行政诉讼情况"]  # fmt: skip
    headers = [a for t, a in found.tags if t == "th"]
    assert headers
    assert {a.get("scope") for a in headers} <= {"col", "colgroup", "row", "rowgroup"}
    assert all(a.get("scope") for a in headers)


def test_wide_tables_scroll_in_a_box_with_a_minimum_width() -> None:
    found = elements(render(unique_report(), "html"))
    boxes = [a for t, a in found.tags if t == "div" and a.get("class") == "table-scroll"]
    assert len(boxes) == 3
    assert all("overflow-x: auto" in a["style"] for a in boxes)
    tables = [a for t, a in found.tags if t == "table"]
    assert all("min-width:" in a["style"] for a in tables)


def test_gaps_are_marked_in_the_text() -> None:
    html = render(answered_report(platform=None), "html").decode()
    assert '<mark style="background: #fff3b0; color: inherit;">【待填写' in html


def test_fragment_is_the_article_alone(tmp_path: Path) -> None:
    source = tmp_path / "r.yaml"
    save(answered_report(), source)
    out = tmp_path / "r.html"
    assert main(["render", str(source), "--format", "html", "--fragment", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8").strip()
    assert text.startswith('<article class="gov-report"')
    assert text.endswith("</article>")
    for chrome in ("<html", "<head", "<style", "<body", "<!DOCTYPE"):
        assert chrome not in text
    full = render(answered_report(), "html").decode()
    assert text in full  # the same article as on the whole page


def test_the_title_breaks_only_between_words_and_signs() -> None:
    report = answered_report()
    html = render(report, "html", sign=date(2025, 1, 20)).decode()
    agency = report.agency
    assert f'<span style="display: inline-block;">{agency}</span>' in html
    assert '<span style="display: inline-block;">2024年政府信息公开工作年度报告</span>' in html
    assert "2025年1月20日</p>" in html
