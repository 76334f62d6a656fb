"""Heavy libraries load only in the commands that need them.

``reportbot --help`` and ``reportbot check`` must not import python-docx, openpyxl,
pdfplumber or python-telegram-bot (they took most of the start-up time): Word and Excel files are
written by ``render`` and the chat's 导出 alone, and Telegram is ``run``'s. Checked in a
fresh interpreter, since this test process has imported everything.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.format.datafile import Report, save

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("docx", "openpyxl", "pdfplumber", "pdfminer", "telegram")
PROBE = """
import contextlib, io, json, sys
from bot.frontends import cli
parser = cli.build_parser()
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
    parser.parse_args(["--help"])
after_help = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2:]))
with contextlib.redirect_stdout(out):
    status = cli.main(["check", sys.argv[1]])
after_check = sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2:]))
print(json.dumps([status, after_help, after_check, out.getvalue()]))
"""


@pytest.mark.slow
def test_help_and_check_load_no_docx_openpyxl_or_telegram(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "report.yaml"
    save(report, path)
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(path), *HEAVY],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    status, after_help, after_check, out = json.loads(done.stdout)
    assert "usage: reportbot" in out  # the help was printed
    assert report.agency in out  # and the report checked, every rule and the draft's
    assert status == 0
    assert after_help == []
    assert after_check == []
