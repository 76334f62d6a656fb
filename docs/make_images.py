"""Make the README's page images: one page of each output format, as small PNGs in docs/.

    .venv/bin/python docs/make_images.py [--report FILE] [--out DIR]

The example report (``../shared/examples/seed-2023.yaml`` by default) is rendered with
reportbot's own code; LibreOffice converts the Word file to PDF and prints the workbook,
``pdftoppm`` turns one page of each into a PNG, and headless Chromium shows the web page
at a phone's width (390 px). It needs the programs ``.ci/run`` installs (LibreOffice,
poppler-utils, Chromium, fonts-noto-cjk) and stops with a one-line message without them.
Fonts the machine lacks are substituted (Noto CJK for 仿宋_GB2312 and 方正小标宋简体), as
the images' captions in the README say.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.drafting.pdf import docx_to_pdf  # noqa: E402
from bot.drafting.render import render  # noqa: E402
from bot.format.datafile import load  # noqa: E402
from tests.helpers.browser import chromium, screenshot  # noqa: E402

DPI = 45  # an A4 page 372 × 526 px: readable in a README, about 50 KB
PHONE = (390, 844)  # an iPhone 14's CSS pixels
MAX_BYTES = 150_000


def page_png(pdf: bytes, page: int, target: Path, folder: Path) -> None:
    """Page ``page`` (1-based) of ``pdf`` as the PNG ``target``."""
    source = folder / "page.pdf"
    source.write_bytes(pdf)
    stem = folder / "page"
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
         str(source), str(stem)],
        check=True, timeout=120,
    )  # fmt: skip
    shutil.move(f"{stem}.png", target)


def page_with(pdf: bytes, text: str, folder: Path) -> int:
    """The first page of ``pdf`` whose text holds ``text``."""
    source = folder / "find.pdf"
    source.write_bytes(pdf)
    pages = subprocess.run(
        ["pdftotext", str(source), "-"], check=True, capture_output=True, text=True, timeout=120
    ).stdout.split("\f")
    return next(i for i, page in enumerate(pages, 1) if text in page.replace(" ", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--report", default=str(ROOT.parent / "shared/examples/seed-2023.yaml"))
    parser.add_argument("--out", default=str(ROOT / "docs"))
    args = parser.parse_args()
    browser = chromium()
    missing = [p for p in ("soffice", "pdftoppm", "pdftotext") if shutil.which(p) is None]
    if missing or browser is None:
        print(f"make_images: install {', '.join(missing) or 'chromium'} first", file=sys.stderr)
        return 2
    report, _ = load(Path(args.report))
    out = Path(args.out)
    when = datetime(report.year + 1, 1, 1, tzinfo=UTC)
    with TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = render(report, "pdf")
        page_png(pdf, 1, out / "word-page.png", folder)  # the Word draft's first page
        table = page_with(pdf, "（本列数据的勾稽关系为", folder)
        page_png(pdf, table, out / "pdf-page.png", folder)  # table 三, whole on its page
        printed = docx_to_pdf(render(report, "xlsx"), when, kind="xlsx")
        page_png(printed, 2, out / "xlsx-page.png", folder)  # the sheet of table 三, printed
        screenshot(browser, render(report, "html"), out / "html-phone.png", *PHONE)
    for name in ("word-page.png", "pdf-page.png", "xlsx-page.png", "html-phone.png"):
        size = (out / name).stat().st_size
        print(f"{out / name}: {size // 1000} KB")
        if size > MAX_BYTES:
            print(f"make_images: {name} is over {MAX_BYTES // 1000} KB", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
