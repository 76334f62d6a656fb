"""The review workflow in the terminal chat: each officer is a `reportbot chat --user NAME`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.format.catalogue import Code, message
from bot.format.model import model
from tests.helpers.catalogue import mentions
from tests.helpers.chat_script import SEED_SESSION

pytestmark = pytest.mark.slow

AGENCY = SEED_SESSION[0]
IN_FORCE = next(c.ref for c in model().active_cells if c.path == "normative_docs.in_force")


def chat(db: Path, user: str, lines: list[str]) -> str:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.frontends.cli",
            "chat",
            "--db",
            str(db),
            "--user",
            user,
            "--out",
            str(db.parent / "out"),
        ],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc.stdout


def invite(db: Path, role: str) -> str:
    found = mentions(chat(db, "admin", [f"邀请 {role}"]), Code.REV_INVITE_CREATED, role=role)
    assert found is not None
    return found["invite_code"]


def test_workflow_in_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    chat(db, "admin", SEED_SESSION)
    editor, reviewer = invite(db, "填报人"), invite(db, "审核人")
    out = chat(db, "editor", [f"/start {editor}"])
    assert message(Code.REV_JOINED, role=message(Code.REV_ROLE_EDITOR), agency=AGENCY) in out
    out = chat(db, "reviewer", [f"/start {reviewer}"])
    assert message(Code.REV_JOINED, role=message(Code.REV_ROLE_REVIEWER), agency=AGENCY) in out
    out = chat(db, "editor", ["/report", "1", "提交"])
    assert mentions(out, Code.REV_SUBMITTED, number=1)
    # the reviewer's request waits for them; 2 is 退回 (numbered choices)
    comments = "三、（四）1.本机关不掌握 请核对"
    out = chat(db, "reviewer", ["2", comments])
    assert mentions(out, Code.REV_REQUEST, agency=AGENCY, number=1)
    assert f"1. {message(Code.REV_APPROVE)}" in out
    assert f"2. {message(Code.REV_RETURN)}" in out
    assert mentions(out, Code.REV_RETURNED, number=1)
    out = chat(db, "editor", ["修改 行政规范性文件", "0 0 6", "提交"])
    # the comments, shown at the editor's next turn
    assert mentions(out, Code.REV_RETURNED_NOTICE, agency=AGENCY, number=1, comments=comments)
    assert mentions(out, Code.REV_SUBMITTED, number=2)
    out = chat(db, "reviewer", ["1"])
    assert mentions(out, Code.REV_CHANGED_CELL, cell=IN_FORCE, old=5, new=6)
    assert mentions(out, Code.REV_APPROVED, number=2)
    out = chat(db, "outsider", ["/report", "历史"])
    assert "黔西南州" not in out
    out = chat(db, "editor", ["历史"])
    returned, approved = message(Code.REV_STATUS_RETURNED), message(Code.REV_STATUS_APPROVED)
    assert mentions(out, Code.REV_HISTORY_VERSION, number=1, status=returned)
    assert mentions(out, Code.REV_HISTORY_VERSION, number=2, status=approved)
    assert any(p.suffix == ".docx" for p in (tmp_path / "out").iterdir())
