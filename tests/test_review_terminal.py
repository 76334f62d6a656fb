"""The review workflow in the terminal chat: each officer is a `reportbot chat --user NAME`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.chat_script import SEED_SESSION


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
    out = chat(db, "admin", [f"邀请 {role}"])
    found = re.search(r"/start (\S+)", out.split("邀请链接", 1)[1])
    assert found is not None
    return found.group(1)


def test_workflow_in_the_terminal(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    chat(db, "admin", SEED_SESSION)
    editor, reviewer = invite(db, "填报人"), invite(db, "审核人")
    assert "加入" in chat(db, "editor", [f"/start {editor}"])
    assert "加入" in chat(db, "reviewer", [f"/start {reviewer}"])
    out = chat(db, "editor", ["/report", "1", "提交"])
    assert "已提交第 1 版" in out
    # the reviewer's request waits for them; 2 is 退回 (numbered choices)
    out = chat(db, "reviewer", ["2", "三、（四）1.本机关不掌握 请核对"])
    assert "请审核" in out
    assert "1. 通过" in out
    assert "2. 退回" in out
    assert "已退回第 1 版" in out
    out = chat(db, "editor", ["修改 行政规范性文件", "0 0 6", "提交"])
    assert "请核对" in out  # the comments, shown at the editor's next turn
    assert "已提交第 2 版" in out
    out = chat(db, "reviewer", ["1"])
    assert "现行有效件数：5 → 6" in out
    assert "已通过第 2 版" in out
    out = chat(db, "outsider", ["/report", "历史"])
    assert "黔西南州" not in out
    out = chat(db, "editor", ["历史"])
    assert "已通过" in out
    assert "已退回" in out
    assert any(p.suffix == ".docx" for p in (tmp_path / "out").iterdir())
