"""The README's layout table names every subpackage of ``bot/`` and every module in it,
so a reader who looks there finds each module where it is."""

from __future__ import annotations

import re

import pytest

from tests.helpers.paths import ROOT

BOT = ROOT / "bot"
PACKAGES = sorted(p.name for p in BOT.iterdir() if (p / "__init__.py").exists())


def layout_rows() -> dict[str, str]:
    """The README's layout rows by path (``bot/format/`` …)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"^\| `([^`]+)` \| (.*) \|$", text, flags=re.MULTILINE))


@pytest.mark.parametrize("package", PACKAGES)
def test_the_layout_table_names_every_module(package: str) -> None:
    row = layout_rows().get(f"bot/{package}/")
    assert row is not None, f"README's layout table has no row for bot/{package}/"
    modules = {p.stem for p in (BOT / package).glob("*.py")} - {"__init__"}
    assert {m for m in modules if f"`{m}`" not in row} == set()


def test_the_layout_table_names_no_package_that_is_gone() -> None:
    named = {path.split("/")[1] for path in layout_rows() if re.fullmatch(r"bot/\w+/", path)}
    assert named == set(PACKAGES)
