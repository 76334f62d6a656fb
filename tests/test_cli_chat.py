"""`reportbot chat` as a real process: piped sessions, kill -9 and restart, export and load."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.format.catalogue import Code, message
from bot.format.datafile import Report, load, save
from bot.frontends.cli import main
from tests.helpers.catalogue import pattern
from tests.helpers.chat_script import SEED_SESSION


def chat(db: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.frontends.cli",
            "chat",
            "--db",
            str(db),
            "--out",
            str(out),
            "--user",
            "tester",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def run_piped(db: Path, out: Path, lines: list[str]) -> str:
    proc = chat(db, out)
    stdout, stderr = proc.communicate("\n".join(lines) + "\n", timeout=120)
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    return stdout


@pytest.mark.slow
def test_piped_session_completes_report(tmp_path: Path, seed: Report) -> None:
    """Should complete the seed report from an empty database through a pipe."""
    stdout = run_piped(tmp_path / "r.db", tmp_path / "out", [*SEED_SESSION, "导出", "yaml"])
    assert message(Code.CHAT_ALL_DONE) in stdout
    [exported] = (tmp_path / "out").glob("*.yaml")
    report, findings = load(exported)
    assert findings == []
    assert report.applications == seed.applications
    assert report.active == seed.active
    assert report.review_litigation == seed.review_litigation


@pytest.mark.slow
def test_pasted_block_between_triple_quotes(tmp_path: Path, report: Report) -> None:
    from bot.format.model import model

    rows = ["\t".join(map(str, report.applications[r.key])) for r in model().applications.rows]
    stdout = run_piped(
        tmp_path / "r.db", tmp_path / "out", [*SEED_SESSION[:15], '"""', *rows, '"""']
    )
    assert message(Code.CHAT_PASTE_OK) in stdout


def test_a_block_the_input_ends_in_is_discarded_and_said(tmp_path: Path, report: Report) -> None:
    """Issue 15: Ctrl-D inside an open \"\"\" block submitted the half-pasted block."""
    from bot.format.model import model
    from bot.store.reports import Store

    rows = ["\t".join(map(str, report.applications[r.key])) for r in model().applications.rows]
    stdout = run_piped(tmp_path / "r.db", tmp_path / "out", [*SEED_SESSION[:15], '"""', *rows[:9]])
    assert message(Code.CHAT_BLOCK_DISCARDED, lines=9) in stdout
    assert message(Code.CHAT_PASTE_OK) not in stdout
    store = Store.open(tmp_path / "r.db")
    try:
        assert store.get_report(1).applications == {}  # nothing of it stored
    finally:
        store.close()


class Reader(threading.Thread):
    """Collects a process's output so the test can wait until it goes quiet."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__(daemon=True)
        self.proc, self.text, self.changed = proc, "", time.monotonic()

    def run(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.text += line
            self.changed = time.monotonic()

    def answered(self, before: int, seconds: float = 0.3, limit: float = 30) -> None:
        """Wait until the output has grown past ``before`` and then stayed quiet."""
        start = time.monotonic()
        while time.monotonic() - start < limit:
            if len(self.text) > before and time.monotonic() - self.changed >= seconds:
                return
            time.sleep(0.05)
        raise AssertionError("the chat did not answer")


def last_prompt(text: str) -> str:
    """The last question asked: the line before its 提示, or the last choice list's title."""
    lines = text.strip().splitlines()
    for i in range(len(lines) - 1, 0, -1):
        if lines[i].startswith("提示："):
            return lines[i - 1]
    return next(ln for ln in reversed(lines) if not ln.startswith("  "))


@pytest.mark.slow
@pytest.mark.parametrize("cut", [2, 11, 17])
def test_kill_9_and_restart_resumes(tmp_path: Path, seed: Report, cut: int) -> None:
    """Should lose no acknowledged answer and ask the same question after kill -9."""
    db, out = tmp_path / "r.db", tmp_path / "out"
    with chat(db, out) as proc:
        reader = Reader(proc)
        reader.start()
        assert proc.stdin is not None
        reader.answered(0)  # the greeting
        for line in SEED_SESSION[:cut]:
            size = len(reader.text)
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            reader.answered(size)
        before = reader.text
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        reader.join(timeout=10)
    stdout = run_piped(db, out, [*SEED_SESSION[cut:], "导出", "yaml"])
    # the restarted chat says where the report stands (once there is one), then asks
    # again the question the killed one was waiting on
    welcome, _, rest = stdout.partition("\n")
    if cut < 4:
        rest = stdout
    else:
        assert pattern(Code.CHAT_RESUMED).fullmatch(welcome)
    assert rest.startswith(last_prompt(before))
    report, _ = load(next(out.glob("*.yaml")))
    assert report.applications == seed.applications


def test_export_and_load_commands(tmp_path: Path, report: Report, capsys) -> None:
    source = tmp_path / "in.yaml"
    save(report, source)
    db = tmp_path / "r.db"
    assert main(["load", str(source), "--db", str(db)]) == 0
    assert main(["load", str(source), "--db", str(db)]) == 1  # exists: needs --replace
    assert main(["load", str(source), "--db", str(db), "--replace"]) == 0
    target = tmp_path / "out.json"
    assert (
        main(
            [
                "export",
                "--agency",
                report.agency,
                "--year",
                str(report.year),
                "-o",
                str(target),
                "--db",
                str(db),
            ]
        )
        == 0
    )
    back, findings = load(target)
    assert findings == []
    assert back == report
    assert (
        main(
            [
                "export",
                "--agency",
                "无此机关",
                "--year",
                "2024",
                "-o",
                str(target),
                "--db",
                str(db),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "无此机关" in err
