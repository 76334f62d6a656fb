"""Shared fixtures: paths to ../shared (skipped cleanly when absent) and sample reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.format.datafile import Report, load
from tests.factories import consistent_report

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
SEED = SHARED / "examples" / "seed-2023.yaml"
PUBLISHED_TXT = SHARED / "examples" / "000_3ee1f57b4b1cc898.txt"


@pytest.fixture
def seed_path() -> Path:
    """The real 2023 report as a data file; skips when ../shared is not there."""
    if not SEED.exists():
        pytest.skip("../shared/examples/seed-2023.yaml is not available")
    return SEED


@pytest.fixture
def seed(seed_path: Path) -> Report:
    """The real 2023 report, loaded."""
    report, findings = load(seed_path)
    assert findings == []
    return report


@pytest.fixture
def report() -> Report:
    """A complete, consistent report of our own with a distinct figure in most cells."""
    return consistent_report()
