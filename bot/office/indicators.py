"""The indicators a supervising office reads, pure: the disclosure rate, the correction
rates in administrative review and litigation, and the year-over-year change of new
applications, each on the figures of one report (an agency's, or the region's sum).

No rate is given on fewer than :data:`MIN_SAMPLE` cases: on 12 applications, one more
refusal moves the disclosure rate by 8 points, which says nothing about the agency.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from bot.format.catalogue import Code, message
from bot.format.report import Report

MIN_SAMPLE = 30  # cases below which no rate is computed
DISCLOSED = ("granted", "partly_granted")  # 予以公开, 部分公开
LITIGATION = ("litigation_direct", "litigation_after_review")
# the columns of table 四: upheld, corrected, other, pending, total
CORRECTED, CONCLUDED = 1, (0, 1, 2)


@dataclass(frozen=True, slots=True)
class Rate:
    """An indicator: its name, ``part`` over ``whole``, and how the whole is read."""

    name: Code
    part: int
    whole: int
    basis: Code
    change: bool = False  # a change relative to ``whole`` (同比), signed

    @property
    def enough(self) -> bool:
        """Whether the sample is large enough to give the rate."""
        return self.whole >= MIN_SAMPLE

    @property
    def value(self) -> str:
        """The rate as officers read it (62.5%, +12.5%), or "" on too small a sample."""
        if not self.enough:
            return ""
        percent = (Decimal(100 * self.part) / Decimal(self.whole)).quantize(
            Decimal("0.1"), ROUND_HALF_UP
        )
        return f"{percent:+}%" if self.change else f"{percent}%"

    def text(self) -> str:
        """The indicator with its basis, or why it is not given."""
        basis = message(self.basis, count=self.whole)
        if not self.enough:
            return message(
                Code.SUP_INDICATOR_SMALL, name=message(self.name), basis=basis, minimum=MIN_SAMPLE
            )
        return message(Code.SUP_INDICATOR, name=message(self.name), value=self.value, basis=basis)


def _total(row: list[int] | None) -> int | None:
    return None if not row else int(row[-1])


def disclosure(report: Report) -> Rate | None:
    """(予以公开 + 部分公开) over 办结 (三、（七）总计), or None without table 三."""
    handled = _total(report.applications.get("total"))
    if handled is None:
        return None
    part = sum(_total(report.applications.get(k)) or 0 for k in DISCLOSED)
    return Rate(Code.SUP_DISCLOSURE_RATE, part, handled, Code.SUP_BASIS_HANDLED)


def correction(report: Report, rows: tuple[str, ...], name: Code) -> Rate | None:
    """Results corrected over results concluded (维持 + 纠正 + 其他) in ``rows`` of 四."""
    found = [report.review_litigation[k] for k in rows if k in report.review_litigation]
    if not found:
        return None
    concluded = sum(int(row[c]) for row in found for c in CONCLUDED)
    corrected = sum(int(row[CORRECTED]) for row in found)
    return Rate(name, corrected, concluded, Code.SUP_BASIS_CONCLUDED)


def year_over_year(report: Report, previous: Report | None) -> Rate | None:
    """The change of new applications (三、一) since last year."""
    now = _total(report.applications.get("new"))
    before = None if previous is None else _total(previous.applications.get("new"))
    if now is None or before is None:
        return None
    return Rate(Code.SUP_YOY_NEW, now - before, before, Code.SUP_BASIS_LAST_YEAR, change=True)


def indicators(report: Report, previous: Report | None) -> dict[Code, Rate | None]:
    """Every indicator of the report, by name (None: the figures are not there)."""
    return {
        Code.SUP_DISCLOSURE_RATE: disclosure(report),
        Code.SUP_REVIEW_CORRECTION: correction(report, ("review",), Code.SUP_REVIEW_CORRECTION),
        Code.SUP_LITIGATION_CORRECTION: correction(
            report, LITIGATION, Code.SUP_LITIGATION_CORRECTION
        ),
        Code.SUP_YOY_NEW: year_over_year(report, previous),
    }


def indicator_line(found: dict[Code, Rate | None]) -> str:
    """The indicators there are, in one line; or that there are no figures yet."""
    texts = [rate.text() for rate in found.values() if rate is not None]
    return "；".join(texts) if texts else message(Code.SUP_NO_FIGURES)
