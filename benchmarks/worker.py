"""What reading a file in the bounded child process costs over reading it in process.

    python benchmarks/worker.py [--repeat 7]

Every file the chat reads goes through ``bot.importing.worker.read_document_bounded``: a
child process with a memory limit and a timeout. For each kind of file (a draft rendered
as .docx, .html, .txt and .xlsx from a report with distinct figures), the median time of
``read_document`` in this process and of the bounded read are printed side by side, with
the overhead (target: well under 0.5 s). This is a documented command, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.drafting.render import render  # noqa: E402
from bot.format.model import model  # noqa: E402
from bot.format.report import Report  # noqa: E402
from bot.importing.files import read_document  # noqa: E402
from bot.importing.worker import read_document_bounded  # noqa: E402

TARGET_S = 0.5


def distinct_report() -> Report:
    """A report whose every figure differs, so that nothing reads right by chance."""
    m = model()
    active = {c.path: i + 1 for i, c in enumerate(m.active_cells)}
    rows: dict[str, list[int]] = {}
    for i, row in enumerate(m.applications.rows):
        values = [i * 7 + c for c in range(m.applications.width - 1)]
        rows[row.key] = [*values, sum(values)]
    cases = {
        r.key: [i, i + 1, i + 2, i + 3, 4 * i + 6] for i, r in enumerate(m.review_litigation.rows)
    }
    return Report("示例市示例局", 2024, active, rows, cases)


def timed(read: object, name: str, data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        read(name, data)  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    report = distinct_report()
    print(f"median of {args.repeat} reads; overhead target under {TARGET_S} s")
    print(f"{'file':<8} {'in process ms':>14} {'bounded ms':>11} {'overhead ms':>12}")
    worst = 0.0
    for fmt in ("docx", "html", "txt", "xlsx"):
        name, data = f"draft.{fmt}", render(report, fmt)
        read_document(name, data)  # the libraries loaded, as in a running bot
        inside = timed(read_document, name, data, args.repeat)
        bounded = timed(read_document_bounded, name, data, args.repeat)
        worst = max(worst, bounded - inside)
        extra = (bounded - inside) * 1000
        print(f"{fmt:<8} {inside * 1000:>14.1f} {bounded * 1000:>11.1f} {extra:>12.1f}")
    print(f"worst overhead {worst * 1000:.0f} ms: {'ok' if worst < TARGET_S else 'OVER'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
