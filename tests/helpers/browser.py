"""A page measured in headless Chromium: what overflows at a given screen width.

Headless Chromium will not open a window narrower than 500 pixels, so the page is shown
in an ``<iframe srcdoc>`` of the width asked for (a phone is 390 pixels wide), inside a
page of its own. :func:`measure` adds a small script to the page that runs once it is
laid out and appends its findings as JSON in a ``<pre id="measure">`` of the outer page;
Chromium's ``--dump-dom`` gives that page back and the JSON is read from it. No image is
kept.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from bot.drafting.pdf import find_program

TIMEOUT = 120
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

# Runs after layout: the page's own width against the window, every cell whose content
# is wider or taller than the cell, every figure broken over lines, every short header of
# table 四 broken over lines (inside a word), the title's lines, the tables that scroll.
SCRIPT = """
<script>
window.addEventListener("load", () => {
  const root = document.documentElement;
  const out = {window: window.innerWidth, page: root.scrollWidth, overflowing: [],
               wrapped_headers: [], wrapped_figures: [], title_lines: [], scrolling_tables: 0};
  for (const cell of document.querySelectorAll("th, td")) {
    if (cell.scrollWidth > cell.clientWidth + 1 || cell.scrollHeight > cell.clientHeight + 1)
      out.overflowing.push(cell.textContent);
    const range = document.createRange();
    range.selectNodeContents(cell);
    const line = parseFloat(getComputedStyle(cell).lineHeight);
    const wrapped = Math.round(range.getBoundingClientRect().height / line) > 1;
    if (wrapped && cell.tagName === "TD") out.wrapped_figures.push(cell.textContent);
    const short = cell.textContent.length <= 4;  // 结果维持, 尚未审结, 总计 …
    if (wrapped && short && cell.closest("table").classList.contains("review_litigation"))
      out.wrapped_headers.push(cell.textContent);
  }
  for (const box of document.querySelectorAll(".table-scroll"))
    if (box.scrollWidth > box.clientWidth + 1) out.scrolling_tables += 1;
  const h1 = document.querySelector("h1");
  const top = new Map();
  const range = document.createRange();
  for (const span of h1.querySelectorAll("span")) {
    for (let i = 0; i < span.textContent.length; i++) {
      range.setStart(span.firstChild, i);
      range.setEnd(span.firstChild, i + 1);
      const y = Math.round(range.getBoundingClientRect().top);
      top.set(y, (top.get(y) || "") + span.textContent[i]);
    }
  }
  out.title_lines = [...top.keys()].sort((a, b) => a - b).map((k) => top.get(k));
  const outer = window.parent.document;
  const pre = outer.createElement("pre");
  pre.id = "measure";
  pre.textContent = JSON.stringify(out);
  outer.body.appendChild(pre);
});
</script>
"""


def chromium() -> str | None:
    """The Chromium program on ``PATH``, or None."""
    return find_program(CHROMIUM)


def framed(page: bytes, width: int, height: int, script: str = "") -> str:
    """An outer page showing ``page`` (an HTML document, or a fragment as a web editor
    would paste it) in a frame ``width`` × ``height`` pixels, ``script`` added to it."""
    text = page.decode("utf-8")
    if "</body>" in text:
        text = text.replace("</body>", script + "</body>")
    else:  # a fragment: the simplest page a web editor would put around it
        head = '<!DOCTYPE html><meta charset="utf-8">'
        viewport = '<meta name="viewport" content="width=device-width, initial-scale=1">'
        text = f"{head}{viewport}<body>{text}{script}</body>"
    frame = f"width: {width}px; height: {height}px; border: 0; display: block;"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
        f'<body style="margin: 0;"><iframe style="{frame}" srcdoc="{html.escape(text)}">'
        "</iframe></body></html>"
    )


def measure(program: str, page: bytes, folder: Path, width: int, height: int = 900) -> Any:
    """The findings of :data:`SCRIPT` on ``page`` (an HTML document or fragment) shown
    ``width`` pixels wide."""
    source = folder / f"measure-{width}.html"
    source.write_text(framed(page, width, height, SCRIPT), encoding="utf-8")
    done = subprocess.run(
        [
            program,
            *FLAGS,
            f"--user-data-dir={folder / f'profile-{width}'}",
            f"--window-size={max(width, 500)},{height}",
            "--virtual-time-budget=5000",
            "--dump-dom",
            source.as_uri(),
        ],
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
    )
    found = re.search(r'<pre id="measure">(.*?)</pre>', done.stdout.decode("utf-8"), re.S)
    assert found, done.stderr.decode("utf-8", "replace")[-2000:]
    return json.loads(html.unescape(found.group(1)))


def screenshot(program: str, page: bytes, shot: Path, width: int, height: int) -> None:
    """A PNG of ``page`` shown ``width`` × ``height`` pixels, written to ``shot`` (the
    page and the browser's profile go to a folder of their own, removed after)."""
    with TemporaryDirectory(prefix="reportbot-shot-") as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(framed(page, width, height), encoding="utf-8")
        subprocess.run(
            [
                program,
                *FLAGS,
                f"--user-data-dir={Path(tmp) / 'profile'}",
                f"--window-size={max(width, 500)},{height}",
                f"--screenshot={shot.resolve()}",
                source.as_uri(),
            ],
            capture_output=True,
            timeout=TIMEOUT,
            check=True,
        )
