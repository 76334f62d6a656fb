"""What the prose states: the officer's answers, normalised, and the figures of tables 三
and 四 that the 依申请公开 paragraph may state (and no other figure of those tables).

Pure; used by the template context of :mod:`bot.drafting.prose` and by
:mod:`bot.drafting.compliance`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache
from typing import Any

from bot.conversation.flows import Step, flow
from bot.conversation.words import is_word
from bot.drafting.compose import PROSE_PARTS, clean, one_line
from bot.format.model import ReportModel
from bot.format.paragraphs import vocabulary
from bot.format.report import Report
from bot.format.voice import Voice

SHARE_FROM = 10  # outcome shares are stated when at least this many were handled


# --- the answers behind the prose --------------------------------------------------------


@cache
def prose_steps() -> tuple[Step, ...]:
    """The guided questions of the prose parts 一, 五 and 六 (``prompts/narrative.yaml``)."""
    return tuple(s for s in flow().steps if s.part in PROSE_PARTS)


def _number(kind: str, value: Any) -> int | Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    if not number.is_finite() or number < 0:
        return None
    if kind == "integer":
        return int(number) if number == number.to_integral_value() else None
    return number


def normalise(step: Step, value: Any) -> Any:
    """One stored answer as templates use it, or ``None`` when it says nothing.

    text → one cleaned line; list → list of lines; integer → int; decimal → Decimal;
    select_one → a choice name; select_multiple → list of choice names (names the
    question does not offer are dropped); counts → {choice name: int}.
    """
    if value is None:
        return None
    if step.type in ("integer", "decimal"):
        return _number(step.type, value)
    if step.type == "counts":
        if not isinstance(value, dict):
            return None
        offered = {c.name for c in step.choices}
        counts = {str(k): _number("integer", v) for k, v in value.items() if str(k) in offered}
        return {k: v for k, v in counts.items() if v is not None} or None
    if step.is_select:
        offered = {c.name for c in step.choices}
        raw = value if isinstance(value, list) else str(value).split()
        chosen = [str(n) for n in raw if str(n) in offered]
        if step.type == "select_one":
            return chosen[0] if chosen else None
        return chosen or None
    if step.type == "list":
        raw = value if isinstance(value, list) else clean(str(value)).split("\n")
        items = [one_line(str(v)) for v in raw if v is not None]
        return [i for i in items if i] or None
    text = "\n".join(map(str, value)) if isinstance(value, list) else str(value)
    return one_line(text) or None


def standards(v: Voice) -> dict[str, str]:
    """The standard sentence of each question that has one, in the agency's voice."""
    return {s.name: s.standard.format(subject=v.subject) for s in prose_steps() if s.standard}


def answers(report: Report, v: Voice | None = None) -> dict[str, Any]:
    """Every prose question's normalised answer by name (``None`` when unanswered).

    With ``v``, an answer of “无” (or “确认”) to a question with a standard sentence is
    that sentence in the agency's voice.
    """
    stored = report.answers
    values = {s.name: normalise(s, stored.get(s.name)) for s in prose_steps()}
    if v is not None:
        for name, text in standards(v).items():
            value = values.get(name)
            if isinstance(value, str) and (is_word("none", value) or is_word("confirm", value)):
                values[name] = text
    return values


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel of 主动公开 as the prose names it, with its count when it has one.

    ``stated`` is false when the officer's own items already state the count.
    """

    key: str
    label: str
    count: int | None
    stated: bool = True


def channels(values: dict[str, Any], v: Voice) -> tuple[Channel, ...]:
    """The chosen channels in the offered order; the portal named as the agency's own."""
    step = next(s for s in prose_steps() if s.name == "active_channels")
    chosen = values.get("active_channels") or []
    counts = values.get("active_count")
    counts = counts if isinstance(counts, dict) else {}
    items = "".join(values.get("active_items") or [])
    out = []
    for choice in step.choices:
        if choice.name not in chosen:
            continue
        count = counts.get(choice.name)
        label = v.portal if choice.name == "portal" else choice.label
        stated = not (isinstance(count, int) and f"{count}条" in items)
        out.append(Channel(choice.name, label, count if isinstance(count, int) else None, stated))
    return tuple(out)


def lead_split(items: list[str] | None) -> tuple[str, list[str]]:
    """(the officer's own lead, the items): a first item ending in “：” or opening with
    a time or a subject (本年度, 下一步, 2024年 …) is the paragraph's lead, and the
    template's own lead-in is left out."""
    if not items:
        return "", []
    first = items[0]
    starts = vocabulary().own_lead_starts
    if first.endswith("：") or re.match(r"^\d{4}年", first) or first.startswith(starts):
        return first, items[1:]
    return "", list(items)


def answered_parts(values: dict[str, Any]) -> frozenset[str]:
    """The prose parts with at least one answer."""
    return frozenset(s.part for s in prose_steps() if values.get(s.name) is not None)


def choice_labels(values: dict[str, Any]) -> dict[str, list[str]]:
    """For each select question, the labels of the chosen options in the offered order."""
    out: dict[str, list[str]] = {}
    for step in prose_steps():
        if step.is_select:
            value = values.get(step.name)
            chosen = value if isinstance(value, list) else [value]
            out[step.name] = [c.label for c in step.choices if c.name in chosen]
    return out


# --- tables 三 and 四 as the figures the 依申请公开 paragraph states ------------------------


@dataclass(frozen=True, slots=True)
class Count:
    """A labelled figure of the tables: ``label`` without its （一）/1. numbering."""

    key: str
    label: str
    value: int
    share: str = ""
    details: tuple[Count, ...] = ()


@dataclass(frozen=True, slots=True)
class Requests:
    """What tables 三 and 四 say, for the prose; only figures the tables hold.

    ``complete`` is false when a row of table 三 is missing (``missing`` names them), and
    the prose then says so instead of stating figures; likewise ``review_complete``.
    """

    complete: bool
    missing: tuple[str, ...]
    new: int
    carried_over: int
    handled: int
    carry_forward: int
    applicants: tuple[Count, ...]
    outcomes: tuple[Count, ...]
    review_complete: bool
    review_missing: tuple[str, ...]
    review: int
    litigation: int
    review_results: tuple[Count, ...]
    litigation_results: tuple[Count, ...] = ()


def short_label(label: str) -> str:
    """A row label without its numbering and trailing note: （二）部分公开（…） → 部分公开."""
    label = re.sub(r"^[（(][^）)]*[）)]", "", label)
    label = re.sub(r"[（(][^）)]*[）)]$", "", label)
    return re.sub(r"^\d+[.．、]", "", label)


def _share(value: int, whole: int) -> str:
    pct = (Decimal(100 * value) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{pct.normalize():f}%"


def _common_prefix(keys: list[str]) -> str:
    """The shared start of row keys: withheld_state_secret, withheld_… → withheld."""
    size = min(len(k) for k in keys)
    for i, chars in enumerate(zip(*keys, strict=False)):
        if len(set(chars)) > 1:
            size = i
            break
    return keys[0][:size].rstrip("_")


def requests(report: Report, m: ReportModel) -> Requests:
    """The figures of tables 三 and 四 that the 依申请公开 paragraph states."""
    grid, rows = m.applications, report.applications
    missing = tuple(r.ref for r in grid.rows if r.key not in rows)
    last = grid.width - 1
    total = {key: values[last] for key, values in rows.items()}
    applicants: tuple[Count, ...] = ()
    outcomes: list[Count] = []
    if not missing:
        applicants = tuple(
            Count(c.key, c.label, rows["new"][i])
            for i, c in enumerate(grid.columns[:last])
            if rows["new"][i]
        )
        groups: dict[str, list[Count]] = {}
        for row in grid.dispositions:  # a group's label, or the row's own for （一）（二）
            groups.setdefault(row.group or row.label, []).append(
                Count(row.key, short_label(row.label), total[row.key])
            )
        handled = total["total"]
        for label, members in groups.items():
            value = sum(c.value for c in members)
            if not value:
                continue
            key = _common_prefix([c.key for c in members])
            details = tuple(c for c in members if c.value) if len(members) > 1 else ()
            outcomes.append(Count(key, short_label(label), value, "", details))
        if handled >= SHARE_FROM and len(outcomes) > 1:
            outcomes = [replace(o, share=_share(o.value, handled)) for o in outcomes]
    rl, lit = m.review_litigation, report.review_litigation
    review_missing = tuple(r.ref for r in rl.rows if r.key not in lit)
    review = lit["review"] if "review" in lit else [0] * rl.width
    suits = [r.key for r in rl.rows if r.group and r.key in lit]
    suit = [sum(lit[k][i] for k in suits) for i in range(rl.width)]
    return Requests(
        complete=not missing,
        missing=missing,
        new=total.get("new", 0),
        carried_over=total.get("carried_over", 0),
        handled=total.get("total", 0),
        carry_forward=total.get("carry_forward", 0),
        applicants=applicants,
        outcomes=tuple(outcomes),
        review_complete=not review_missing,
        review_missing=review_missing,
        review=review[-1],
        litigation=sum(lit[r.key][-1] for r in rl.rows if r.group and r.key in lit),
        review_results=tuple(
            Count(c.key, c.label, review[i]) for i, c in enumerate(rl.columns[:-1]) if review[i]
        ),
        litigation_results=tuple(
            Count(c.key, c.label, suit[i]) for i, c in enumerate(rl.columns[:-1]) if suit[i]
        ),
    )
