"""Shared fixtures: the seed report of ../shared (skipped cleanly when absent), sample
reports and an in-memory store. Plain helpers are in ``tests/helpers``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.format.datafile import Report, load
from bot.store.reports import Store
from tests.helpers.factories import consistent_report
from tests.helpers.paths import SEED


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


@pytest.fixture
def store() -> Iterator[Store]:
    """An in-memory store with the migrations applied, closed after the test."""
    s = Store.open(None)
    yield s
    s.close()
