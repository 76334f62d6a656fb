"""An officer's whole session for the real 2023 report (figures of seed-2023.yaml, our
prose): the one the season benchmark plays (``benchmarks/officer_script.py``), so that
every chat test keeps the benchmark's script playable."""

from __future__ import annotations

from benchmarks.officer_script import SEED_SESSION

TABLE_MESSAGES = SEED_SESSION[11:21]  # tables 二 to 四
S = SEED_SESSION
# a kind of prompt -> the messages that lead to it
PROMPTS: dict[str, list[str]] = {
    "setup_agency": [],
    "setup_level": S[:1],
    "setup_region": S[:2],
    "setup_year": S[:3],
    "text": S[:4],
    "select_multiple": S[:5],
    "counts": S[:6],  # a figure per channel chosen
    "integer": [*S[:24], "1"],  # 收费通知件数, after 是 to 信息处理费
    "list": S[:7],
    "cells": S[:11],
    "money": S[:14],
    "row": S[:15],
    "zero_table": [*S[:15], "0", "0"],
    "select_rows": S[:17],
    "disposition_row": S[:18],
    "carry_forward": S[:19],
    "select_one": S[:20],
    "usual_answers": S[:24],  # 是否收取信息处理费, the first of 六, its usual answers offered
    "row4": [*S[:20], "1"],
    "decimal": [*S[:24], "1", "2"],
    "menu": [*S[:6], "菜单"],
    "done": S,
    "export": [*S, "导出"],
    "choose_report": [*S[:4], "/report"],
}

__all__ = ["PROMPTS", "SEED_SESSION", "TABLE_MESSAGES"]
