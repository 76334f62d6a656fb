"""Parse the figures officers type: counts (件数), money (万元), rows and pasted blocks.

Accepted notations for one value:

* ASCII or full-width digits (``12``, ``１２``), leading and trailing (full-width) spaces;
* thousands separators, comma or full-width comma, in groups of exactly three digits
  (``1,234``, ``1，234``);
* Chinese numerals in their standard forms, including 两 (before 百/千/万/亿), 〇, a
  leading bare 十, the colloquial tail digit (一百五 = 150, 三万五 = 35000), financial
  forms (壹贰叁…拾佰仟) and 点 decimals (零点三五);
* the zero words 无, 没有, 零, 〇;
* a trailing unit: for counts 件/条/个/项/份/次/人次, for money 万元/万/元 (or 圆, with
  an optional 整 after 元). Money without unit is in 万元; ``3500元`` is ``0.35`` 万元.
  A Chinese money numeral containing 万/亿 needs 元 or 万元 (三万五 alone is ambiguous).

Rejected, always as :class:`~bot.format.catalogue.UserError`: empty text, negatives (-3, －3,
负3), fractional counts (1.5; 2.0 is 2), more than four decimals of 万元 (0.12345, and
3500.5元 = 0.35005 万元: money is kept to the 元), digit-by-digit numerals (一二), counts above
:data:`MAX_COUNT`, money above :data:`MAX_MONEY_WAN`, money units on counts and count
units on money (a trailing 万 after ASCII digits counts as money), and anything else
(很多, 1e5, NaN, and the blank markers "/", "-", "—" that published tables use:
reportbot never turns a blank into 0, the officer must write 0 or 无).

Rows (:func:`split_values`): if the row contains a tab it is a spreadsheet row and every
tab-separated cell is one value (so a cell may use thousands separators). Otherwise values
are separated by runs of whitespace or by one of ``, ， 、 ; ；``. The comma rule: a comma
is first read as a separator; only when that does not give the expected number of values
are tokens shaped like ``1,234,567`` read as one number with thousands separators. An
empty cell between two separators is kept (and rejected as empty) so columns never shift;
empty cells at either end are dropped. A bare unit after a space (``12 件``) joins the
value before it. Blocks are rows separated by any line break; blank lines are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import MAX_EMAX, MIN_EMIN, Decimal, localcontext

from bot.format.catalogue import Code, UserError

MAX_COUNT: int = 1_000_000_000  # a city reported 11,398,889 行政许可 decisions
# Above it a count is confirmed with the officer when the agency's level is not known
# (each level has its own: ``large_count`` in prompts/report.yaml; the check large_figures).
LARGE_COUNT: int = 1_000_000
MAX_MONEY_WAN: Decimal = Decimal("1000000")

_COUNT_WHAT = "件数"  # the default of parse_count's `what`, reused for rows and blocks
_COUNT_UNITS = ("人次", "件", "条", "个", "项", "份", "次")  # longest first
_MONEY_UNITS = ("万元", "元", "圆", "万")
_ZERO_WORDS = frozenset({"无", "没有", "零", "〇"})
_MINUS = "-−﹣负"

# Full-width ASCII to ASCII, ideographic space to space, minus signs, zero-width marks.
_NORMALISE: dict[int, int | str | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_NORMALISE.update({0x3000: " ", 0x2212: "-", 0xFE63: "-"})
_NORMALISE.update(dict.fromkeys((0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF)))
# Financial and traditional numeral forms to their everyday forms.
_FINANCIAL = str.maketrans(
    "壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬億〇", "一二二三三四五六六七八九十百千万亿零"
)

_ARABIC = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_THOUSANDS = re.compile(r"(?<![0-9,])[0-9]{1,3}(?:,[0-9]{3})+(?![0-9]|,[0-9])")
_CHINESE = re.compile(r"[零一二两三四五六七八九十百千万亿]+")
_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_BIG_UNITS = (("亿", 10**8), ("万", 10**4))
_SEPARATORS = re.compile(r"\s*[,、;]\s*|\s+")


def _normalise(text: str) -> str:
    return text.translate(_NORMALISE).strip()


def _shown(text: str) -> str:
    """The officer's text as quoted back in a message (trimmed, at most 30 characters)."""
    text = text.strip()
    return text if len(text) <= 30 else text[:30] + "…"


def _small(s: str) -> int | None:
    """A Chinese numeral below 10000 (no 万/亿): standard, or with a colloquial tail digit."""
    total, last, digit, zero = 0, 10000, None, False  # last: the latest unit seen
    for ch in s:
        if ch in _SMALL_UNITS:
            unit = _SMALL_UNITS[ch]
            if digit is None and ch == "十" and (total == 0 or zero):
                digit = 1  # 十二, 一千零十
            if digit is None:
                return None
            # Without 零 the units must step down one by one; 零 stands for skipped units.
            if last < 10000 and (unit >= last // 10 if zero else unit != last // 10):
                return None
            total, last, digit, zero = total + digit * unit, unit, None, False
        elif ch == "零":
            if zero or digit is not None or last == 10000:
                return None
            zero = True
        elif ch in _DIGITS and digit is None:
            digit = _DIGITS[ch]
        else:
            return None  # two digits in a row (一二) or a stray 万/亿
    if digit is None:
        return None if zero or total == 0 else total
    if last == 10000:
        return digit
    if zero:
        return total + digit if last > 10 else None
    return total + digit * (last // 10)  # 二十五; colloquial 一百五 = 150


def _big(s: str, level: int = 0) -> int | None:
    """A Chinese numeral with 亿 and 万 sections (``level`` skips the larger units)."""
    if level == len(_BIG_UNITS):
        return _small(s)
    unit, factor = _BIG_UNITS[level]
    if unit not in s:
        return _big(s, level + 1)
    head, _, tail = s.partition(unit)
    high = _big(head, level + 1) if head else None
    if not high:
        return None
    if not tail:
        return high * factor
    if tail[0] == "零":
        low = _big(tail[1:], level + 1) if len(tail) > 1 else None
        ok = low is not None and low < factor // 10
    elif len(tail) == 1 and tail in _DIGITS:
        low, ok = _DIGITS[tail] * factor // 10, tail != "两"  # 三万五 = 35000
    else:
        low = _big(tail, level + 1)
        ok = low is not None and low >= factor // 10
    return high * factor + low if ok and low is not None else None


def _chinese(s: str) -> Decimal | None:
    """A Chinese numeral, possibly with 点 decimals; None if it is not one."""
    s = s.translate(_FINANCIAL)
    whole, dot, frac = s.partition("点")
    if dot and not (frac and all(_DIGITS.get(c, 10) < 10 and c != "两" for c in frac)):
        return None
    if not _CHINESE.fullmatch(whole) or (whole != "两" and re.search("两(?![百千万亿])", whole)):
        return None
    value = 0 if whole == "零" else _big(whole)
    if value is None:
        return None
    return Decimal(f"{value}.{''.join(str(_DIGITS[c]) for c in frac)}" if dot else value)


def _number(s: str) -> Decimal | None:
    """ASCII digits (with thousands separators and decimals), a Chinese numeral, or None."""
    s = s.strip()
    if s in _ZERO_WORDS:
        return Decimal(0)
    if _ARABIC.fullmatch(s):
        return Decimal(s.replace(",", ""))
    return _chinese(s) if s else None


def _cut_unit(s: str, units: Sequence[str]) -> tuple[str, str]:
    """``s`` without its trailing unit (and the spaces before it), and that unit or ''."""
    for unit in units:
        if s.endswith(unit):
            return s[: -len(unit)].rstrip(), unit
    return s, ""


def _read(text: str, *, money: bool, what: str, example: str) -> Decimal:
    """The non-negative magnitude ``text`` denotes (in 万元 for money); raise UserError."""
    value = _shown(text)
    s = _normalise(text).removesuffix("。").rstrip()
    if not s:
        raise UserError(Code.FIG_EMPTY, what=what, example=example)
    negative = s[0] in _MINUS
    if negative:
        s = s[1:].lstrip()
    if money and s.endswith(("元整", "圆整")):
        s = s[:-1]
    body, unit = _cut_unit(s, _COUNT_UNITS if money else _MONEY_UNITS)
    # In a count a trailing 万 is the money unit only after ASCII digits (三万 is 30000).
    if unit and _number(body) is not None and (money or unit != "万" or _ARABIC.fullmatch(body)):
        raise UserError(Code.FIG_UNIT, value=value, unit=unit, what=what, example=example)
    body, unit = _cut_unit(s, _MONEY_UNITS if money else _COUNT_UNITS)
    number = _number(body)
    if money and unit not in ("万元", "元", "圆") and re.search("[万亿]", body):
        number = None  # 三万五 without 元: 3.5 万元 or 35000 万元? Ask again.
    if number is None:
        raise UserError(Code.FIG_NOT_A_NUMBER, value=value, what=what, example=example)
    if negative and number:
        raise UserError(Code.FIG_NEGATIVE, value=value, example=example)
    with localcontext() as ctx:  # exact arithmetic whatever the number of digits typed
        ctx.prec, ctx.Emax, ctx.Emin = len(s) + 30, MAX_EMAX, MIN_EMIN
        number = number.scaleb(-4 if unit in ("元", "圆") else 0)
        limit = MAX_MONEY_WAN if money else Decimal(MAX_COUNT)
        if number > limit:
            raise UserError(
                Code.FIG_TOO_LARGE, value=value, what=what, limit=str(limit), example=example
            )
        scaled = number.scaleb(4 if money else 0)
        if scaled != scaled.to_integral_value():
            if money:
                raise UserError(Code.FIG_MONEY_PRECISION, value=value)
            raise UserError(Code.FIG_FRACTION, value=value, example=example)
    return number


def parse_count(text: str, *, what: str = "件数", example: str = "12") -> int:
    """A count such as ``12``, ``１２件``, ``十二``, ``1,234`` or ``无``; raise UserError."""
    return int(_read(text, money=False, what=what, example=example))


def parse_money(text: str, *, what: str = "金额（万元）", example: str = "0.35") -> Decimal:
    """An amount in 万元 (``0.35``, ``0.35万元``, ``3500元``, ``无``); raise UserError."""
    number = _read(text, money=True, what=what, example=example)
    if number == number.to_integral_value():
        return number.quantize(Decimal(1))
    return number.quantize(Decimal("0.0001")).normalize()  # exact: at most 4 places


def _split(text: str, *, thousands: bool) -> list[str]:
    s = _normalise(text)
    if not s:
        return []
    if "\t" in s:
        return [cell.strip() for cell in s.split("\t")]
    if thousands:  # 1,234 -> 1234 before commas are read as separators
        s = _THOUSANDS.sub(lambda m: m[0].replace(",", ""), s)
    values: list[str] = []
    for token in _SEPARATORS.split(s):
        if token in _COUNT_UNITS and values and values[-1]:
            values[-1] += token  # "12 件" is one value
        else:
            values.append(token)
    while values and not values[-1]:
        values.pop()
    while values and not values[0]:
        values.pop(0)
    return values


def split_values(text: str) -> list[str]:
    """Split a row into raw value strings: tab cells, or whitespace/comma/、/; separated.

    Commas are separators here; empty cells in the middle are kept as ``""``.
    """
    return _split(text, thousands=False)


def _row_values(text: str, n: int) -> list[str]:
    """The raw values of a row, reading commas as thousands separators only if needed."""
    values = _split(text, thousands=False)
    if len(values) != n and "," in text.translate(_NORMALISE):
        alternative = _split(text, thousands=True)
        if len(alternative) == n:
            return alternative
    return values


def _default_example(n: int) -> str:
    return " ".join(["1"] + ["0"] * (n - 1))


def _parse_cells(values: list[str], labels: Sequence[str], example: str) -> list[int]:
    result = []
    for i, value in enumerate(values):
        what = labels[i] if i < len(labels) else _COUNT_WHAT
        if not value:
            raise UserError(Code.FIG_EMPTY, what=what, example=example)
        result.append(parse_count(value, what=what, example=example))
    return result


def parse_row(text: str, n: int, *, columns: Sequence[str] = (), example: str = "") -> list[int]:
    """Exactly ``n`` counts from one typed or pasted row; raise UserError.

    ``columns`` are the labels of the ``n`` columns, used in messages.
    """
    example = example or _default_example(n)
    labels = "、".join(columns) or _COUNT_WHAT
    values = _row_values(text, n)
    if not values:
        raise UserError(Code.FIG_EMPTY, what=labels, example=example)
    if len(values) != n:
        # a word that is no figure at all ("abc", "很多") is the clearer thing to say
        for value in values:
            try:
                parse_count(value, what=_COUNT_WHAT, example=example)
            except UserError as exc:
                if exc.code is Code.FIG_NOT_A_NUMBER:
                    raise
        raise UserError(
            Code.FIG_ROW_LENGTH, expected=n, columns=labels, found=len(values), example=example
        )
    return _parse_cells(values, columns, example)


def parse_block(text: str, rows: int, cols: int, *, example: str = "") -> list[list[int]]:
    """A ``rows`` x ``cols`` block of counts pasted from Excel/WPS; raise UserError."""
    example = example or "\n".join([_default_example(cols)] * rows)
    lines = [line for line in _normalise(text).splitlines() if line.strip()]
    if not lines:
        raise UserError(Code.FIG_EMPTY, what=_COUNT_WHAT, example=example)
    if len(lines) != rows:
        raise UserError(
            Code.FIG_BLOCK_ROWS,
            expected_rows=rows,
            expected_cols=cols,
            found=len(lines),
            example=example,
        )
    block = []
    for number, line in enumerate(lines, start=1):
        values = _row_values(line, cols)
        if len(values) != cols:
            raise UserError(
                Code.FIG_BLOCK_SHAPE,
                expected_rows=rows,
                expected_cols=cols,
                row=number,
                found=len(values),
                example=example,
            )
        block.append(_parse_cells(values, (), example))
    return block
