"""One database, several processes (``reportbot chat`` beside ``reportbot run``), and
databases the store must refuse (issue 13, "SQLite used as it is meant")."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from bot.conversation.types import DraftLine
from bot.drafting.render import Drafter
from bot.format.catalogue import Code
from bot.format.report import Report
from bot.service import turns
from bot.service.intake import Read
from bot.service.turns import Service
from bot.store.reports import Store, StoreRefused
from tests.helpers import chat
from tests.helpers.chat import codes
from tests.helpers.chat_script import SEED_SESSION
from tests.helpers.paths import ROOT

# an officer of their own agency playing the whole report, then asking for the
# progress again and again: every turn reads and writes the database
OFFICER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from bot.conversation.types import Input
    from bot.format.catalogue import Code
    from bot.service.turns import Service
    from bot.store.reports import Store
    from benchmarks.officer_script import SEED_SESSION

    path, name, turns = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(path)
    service = Service(store, today=lambda: date(2024, 12, 20))
    user = f"cli:{name}"
    script = [f"{name}局", *SEED_SESSION[1:]]
    failed = 0
    service.handle(user, Input(resume=True), "test")
    for i in range(turns):
        text = script[i] if i < len(script) else "进度"
        try:
            out = service.handle(user, Input(text=text), "test")
        except Exception as exc:  # what a front end would have to show as an error
            failed += 1
            print(type(exc).__name__, exc, file=sys.stderr)
            continue
        assert all(m.code is not Code.TG_ERROR for m in out)
    print(failed)
    """
)


def officers(path: Path, count: int, turns: int) -> list[int]:
    """``count`` processes at once on ``path``; the failed turns of each."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", OFFICER, str(path), f"officer{i}", str(turns)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(count)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        results.append(int(out.split()[-1]))
    return results


@pytest.mark.slow
def test_processes_on_one_database_lose_no_turn(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    Store.open(path).close()
    assert officers(path, count=3, turns=300) == [0, 0, 0]
    store = Store.open(path)
    try:
        assert len(store.list_reports()) == 3
    finally:
        store.close()


@pytest.mark.slow
def test_processes_starting_on_a_new_database_at_once(tmp_path: Path) -> None:
    script = "import sys\nfrom bot.store.reports import Store\nStore.open(sys.argv[1]).close()"
    path = tmp_path / "new.db"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(path)], cwd=ROOT, stderr=subprocess.PIPE, text=True
        )
        for _ in range(4)
    ]
    errors = [p.communicate(timeout=60)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库" * 100, encoding="utf-8")
    with pytest.raises(StoreRefused) as excinfo:
        Store.open(path)
    assert excinfo.value.code is Code.STORE_UNREADABLE


def test_a_database_of_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.db"
    store = Store.open(path)
    store.db["_sqlite_migrations"].insert(
        {"migration_set": "reportbot", "name": "m099_from_the_future", "applied_at": "2030"}
    )
    store.close()
    with pytest.raises(StoreRefused) as excinfo:
        Store.open(path)
    assert excinfo.value.code is Code.STORE_NEWER
    assert "m099_from_the_future" in excinfo.value.message()


def test_a_damaged_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "damaged.db"
    store = Store.open(path)
    for i in range(200):
        store.create_report(f"机关{i}", 2024, None, user="u", frontend="test")
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(path.read_bytes())
    page = 4096
    data[3 * page : 3 * page + 200] = b"\xff" * 200  # scribble over a page of the tables
    path.write_bytes(bytes(data))
    with pytest.raises(StoreRefused) as excinfo:
        Store.open(path)
    assert excinfo.value.code is Code.STORE_DAMAGED
    assert "\n" not in excinfo.value.message()


@pytest.mark.slow
def test_the_command_line_says_so_in_one_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("not a database", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "export",
            "--agency",
            "甲",
            "--year",
            "2024",
            "-o",
            str(tmp_path / "x.yaml"),
            "--db",
            str(path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_no_file_is_read_and_no_draft_made_while_holding_the_write_lock(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Other officers' turns wait for the write lock: reading a file sent (seconds for a
    big one), rendering a draft and composing a submission happen outside the turn's
    transaction."""
    seen: list[str] = []
    locked: list[str] = []

    def watch(what: str) -> None:
        seen.append(what)
        if store.db.conn.in_transaction:
            locked.append(what)

    real_read = turns.read_file

    def read_file(name: str, data: bytes) -> Read:
        watch("read")
        return real_read(name, data)

    def preview(report: Report) -> tuple[DraftLine, ...]:
        watch("preview")
        return (DraftLine("草稿"),)

    def render(report: Report, fmt: str) -> bytes:
        watch(f"render {fmt}")
        return b"draft"

    def narrative(report: Report) -> Report:
        watch("compose")
        return report

    monkeypatch.setattr(turns, "read_file", read_file)
    svc = Service(store, drafter=Drafter(preview, render, narrative), today=lambda: chat.TODAY)
    chat.play(svc, SEED_SESSION[:4])
    assert Code.IMP_CHAT_ASK in codes(chat.say(svc, "导入上年报告"))
    pasted = chat.say(svc, f"{SEED_SESSION[0]}2022年政府信息公开工作年度报告\n一、总体情况")
    assert codes(pasted)[0] is Code.IMP_CHAT_UNREADABLE  # read, and found no tables
    chat.send_file(svc, "报告.txt", "不是报告".encode())
    chat.say(svc, "预览")
    chat.say(svc, "导出")
    assert any(m.document for m in chat.say(svc, "docx"))
    assert codes(chat.say(svc, "提交"))[0] is Code.REV_SUBMIT_ERRORS  # checked, composed
    assert seen == ["read", "read", "preview", "render docx", "compose"]
    assert locked == ["read"]  # only the pasted text, a message's length, is read in the turn
