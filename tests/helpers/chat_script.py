"""An officer's whole session for the real 2023 report (figures of seed-2023.yaml, our
prose): the one the season benchmark plays (``benchmarks/officer_script.py``), so that
every chat test keeps the benchmark's script playable."""

from __future__ import annotations

from benchmarks.officer_script import SEED_SESSION

TABLE_MESSAGES = SEED_SESSION[12:22]  # tables 二 to 四

__all__ = ["SEED_SESSION", "TABLE_MESSAGES"]
