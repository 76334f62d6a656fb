"""The office's indicators and the region's own figures on top of the sum."""

from __future__ import annotations

from decimal import Decimal

from bot.format.catalogue import Code, message
from bot.format.report import Report
from bot.office.indicators import (
    MIN_SAMPLE,
    correction,
    disclosure,
    indicator_line,
    year_over_year,
)
from bot.office.region import combine, figures


def report(handled: int, granted: int, partly: int, new: int = 0) -> Report:
    r = Report("某区教育局", 2023)
    r.applications.update(
        {
            "total": [0] * 6 + [handled],
            "granted": [0] * 6 + [granted],
            "partly_granted": [0] * 6 + [partly],
            "new": [0] * 6 + [new],
        }
    )
    r.review_litigation.update(
        {"review": [20, 10, 10, 3, 43], "litigation_direct": [1, 1, 0, 0, 2]}
    )
    return r


def test_disclosure_rate_and_the_small_sample_guard() -> None:
    rate = disclosure(report(40, 20, 5))
    assert rate is not None
    assert rate.value == "62.5%"
    assert rate.text() == message(
        Code.SUP_INDICATOR,
        name=message(Code.SUP_DISCLOSURE_RATE),
        value="62.5%",
        basis=message(Code.SUP_BASIS_HANDLED, count=40),
    )
    small = disclosure(report(MIN_SAMPLE - 1, 20, 5))
    assert small is not None
    assert small.value == ""
    assert "%" not in small.text()
    assert disclosure(Report("x", 2023)) is None
    assert indicator_line({}) == message(Code.SUP_NO_FIGURES)


def test_correction_rates_and_year_over_year() -> None:
    review = correction(report(40, 20, 5), ("review",), Code.SUP_REVIEW_CORRECTION)
    assert review is not None
    assert (review.part, review.whole, review.value) == (10, 40, "25.0%")
    lawsuits = correction(
        report(40, 20, 5), ("litigation_direct",), Code.SUP_LITIGATION_CORRECTION
    )
    assert lawsuits is not None
    assert not lawsuits.enough  # 2 cases concluded
    change = year_over_year(report(40, 20, 5, new=45), report(40, 20, 5, new=40))
    assert change is not None
    assert change.value == "+12.5%"
    assert year_over_year(report(40, 20, 5, new=45), None) is None


def test_the_offices_own_figures_stay_on_top_of_a_new_sum() -> None:
    last = Report("办", 2023, {"fees_wan_yuan": Decimal("1.5")}, {"new": [1, 2]})
    current = Report("办", 2023, {"fees_wan_yuan": Decimal("2.0")}, {"new": [4, 2]})
    total = Report("办", 2023, {"fees_wan_yuan": Decimal("3")}, {"new": [10, 20]})
    new = combine(current, figures(last), total)
    assert new.active == {"fees_wan_yuan": Decimal("3.5")}
    assert new.applications == {"new": [13, 20]}
    assert combine(Report("办", 2023), {}, total).applications == {"new": [10, 20]}
