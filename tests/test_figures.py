"""Tests for bot/figures.py: figures as officers type them."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.format.catalogue import Code, UserError, catalogue
from bot.format.figures import (
    MAX_COUNT,
    MAX_MONEY_WAN,
    parse_block,
    parse_count,
    parse_money,
    parse_row,
    split_values,
)

HANZI = re.compile(r"[\u4e00-\u9fff]")
FAST = settings(max_examples=200, deadline=None)


# --- an independent writer of Chinese numerals --------------------------------------------

DIGITS = "零一二三四五六七八九"
FINANCIAL = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")


def _section(n: int, ling: str) -> str:
    """1..9999 in standard form, zeros between digits written once."""
    out, pending = "", False
    for d, unit in zip((n // 1000, n // 100 % 10, n // 10 % 10, n % 10), "千百十 ", strict=True):
        if d == 0:
            pending = pending or bool(out)
            continue
        if pending:
            out, pending = out + ling, False
        out += DIGITS[d] + unit.strip()
    return out


def to_chinese_numeral(
    n: int, *, liang: bool = False, ling: str = "零", financial: bool = False
) -> str:
    """``n`` (0 <= n < 10**12) as a standard Chinese numeral.

    ``liang`` writes 两 for a 2 before 百/千, or a leading 2 before 万/亿; ``ling`` is 零 or 〇.
    """
    if n == 0:
        return ling
    out, pending = "", False
    for value, unit in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if value == 0:
            pending = pending or bool(out)
            continue
        if out and (pending or value < 1000):
            out += ling
        out, pending = out + _section(value, ling) + unit, False
    if out.startswith("一十"):
        out = out[1:]  # 十二, 十万
    if liang:
        out = re.sub("二(?=[百千])", "两", out)
        out = re.sub("^二(?=[万亿])", "两", out)
    return out.translate(FINANCIAL) if financial else out


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "零"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1010, "一千零一十"),
        (1234, "一千二百三十四"),
        (10005, "一万零五"),
        (100100, "十万零一百"),
        (101000, "十万一千"),
        (1_000_000, "一百万"),
    ],
)
def test_writer_of_numerals(n: int, text: str) -> None:
    assert to_chinese_numeral(n) == text


# --- helpers ------------------------------------------------------------------------------


def check_error(err: UserError) -> None:
    """The error carries exactly the declared params and formats to Chinese text."""
    assert set(err.params) == set(catalogue().params(err.code))
    text = err.message()
    assert text
    assert HANZI.search(text)


def rejected(func: Callable[[], object]) -> Code:
    with pytest.raises(UserError) as excinfo:
        func()
    check_error(excinfo.value)
    return excinfo.value.code


def fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# --- counts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12", 12),
        ("０", 0),
        ("１２", 12),
        ("十二", 12),
        ("两", 2),
        ("两件", 2),
        ("〇", 0),
        ("一百零五", 105),
        ("一百〇五", 105),
        ("二十", 20),
        ("一千二百三十四", 1234),
        ("两千", 2000),
        ("一千两百", 1200),
        ("一百五", 150),
        ("三万五", 35000),
        ("一千零十", 1010),
        ("一百万", 1_000_000),
        ("壹佰贰拾叁", 123),
        ("拾", 10),
        ("无", 0),
        ("没有", 0),
        ("零", 0),
        ("0", 0),
        ("0件", 0),
        ("12件", 12),
        ("12 条", 12),
        ("12个", 12),
        ("12项", 12),
        ("12人次", 12),
        ("十二件", 12),
        ("1,234", 1234),
        ("1，234", 1234),
        ("１，２３４件", 1234),
        ("1,000,000", 1_000_000),
        ("  12  ", 12),
        ("\u300012\u3000", 12),
        ("\t12\n", 12),
        ("\ufeff12", 12),
        ("012", 12),
        ("2.0", 2),
        ("12。", 12),
        ("-0", 0),
    ],
)
def test_count_accepts(text: str, expected: int) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", Code.FIG_EMPTY),
        ("   ", Code.FIG_EMPTY),
        ("\u3000", Code.FIG_EMPTY),
        ("-3", Code.FIG_NEGATIVE),
        ("－3", Code.FIG_NEGATIVE),
        ("−3", Code.FIG_NEGATIVE),
        ("负3", Code.FIG_NEGATIVE),
        ("负三件", Code.FIG_NEGATIVE),
        ("1.5", Code.FIG_FRACTION),
        ("一点五", Code.FIG_FRACTION),
        ("1000000001", Code.FIG_TOO_LARGE),
        ("十亿零一", Code.FIG_TOO_LARGE),
        ("99999999999999999999999999999999999", Code.FIG_TOO_LARGE),
        ("12元", Code.FIG_UNIT),
        ("12万元", Code.FIG_UNIT),
        ("12万", Code.FIG_UNIT),
        ("三万元", Code.FIG_UNIT),
        ("很多", Code.FIG_NOT_A_NUMBER),
        ("abc", Code.FIG_NOT_A_NUMBER),
        ("1 2", Code.FIG_NOT_A_NUMBER),
        ("1,2", Code.FIG_NOT_A_NUMBER),
        ("1,2345", Code.FIG_NOT_A_NUMBER),
        ("12,34,567", Code.FIG_NOT_A_NUMBER),
        ("/", Code.FIG_NOT_A_NUMBER),
        ("-", Code.FIG_NOT_A_NUMBER),
        ("—", Code.FIG_NOT_A_NUMBER),
        ("－", Code.FIG_NOT_A_NUMBER),
        ("1e5", Code.FIG_NOT_A_NUMBER),
        ("NaN", Code.FIG_NOT_A_NUMBER),
        ("nan", Code.FIG_NOT_A_NUMBER),
        ("Infinity", Code.FIG_NOT_A_NUMBER),
        ("inf", Code.FIG_NOT_A_NUMBER),
        ("0x10", Code.FIG_NOT_A_NUMBER),
        ("1_000", Code.FIG_NOT_A_NUMBER),
        ("+3", Code.FIG_NOT_A_NUMBER),
        (".5", Code.FIG_NOT_A_NUMBER),
        ("١٢", Code.FIG_NOT_A_NUMBER),
        ("²", Code.FIG_NOT_A_NUMBER),
        ("①", Code.FIG_NOT_A_NUMBER),
        ("一二", Code.FIG_NOT_A_NUMBER),
        ("十十", Code.FIG_NOT_A_NUMBER),
        ("百", Code.FIG_NOT_A_NUMBER),
        ("十两", Code.FIG_NOT_A_NUMBER),
        ("一百零", Code.FIG_NOT_A_NUMBER),
        ("零五", Code.FIG_NOT_A_NUMBER),
        ("一千二十", Code.FIG_NOT_A_NUMBER),
        ("一万二百", Code.FIG_NOT_A_NUMBER),
        ("件", Code.FIG_NOT_A_NUMBER),
        ("约12件", Code.FIG_NOT_A_NUMBER),
        ("12个月", Code.FIG_NOT_A_NUMBER),
    ],
)
def test_count_rejects(text: str, code: Code) -> None:
    assert rejected(lambda: parse_count(text)) == code


def test_count_error_params() -> None:
    with pytest.raises(UserError) as excinfo:
        parse_count("很多", what="自然人", example="3")
    assert excinfo.value.params == {"value": "很多", "what": "自然人", "example": "3"}
    with pytest.raises(UserError) as excinfo:
        parse_count("2000000000")
    assert excinfo.value.params["limit"] == str(MAX_COUNT)


# --- money --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.35", "0.35"),
        ("0.35万元", "0.35"),
        ("0.35 万元", "0.35"),
        ("0.35万", "0.35"),
        ("０．３５", "0.35"),
        ("3500元", "0.35"),
        ("3,500 元", "0.35"),
        ("1元", "0.0001"),
        ("12", "12"),
        ("12.0000", "12"),
        ("1,234.5678", "1234.5678"),
        ("无", "0"),
        ("0", "0"),
        ("零元", "0"),
        ("三万五千元", "3.5"),
        ("叁仟伍佰元整", "0.35"),
        ("三万", "3"),
        ("三万元", "3"),
        ("十万元", "10"),
        ("零点三五万元", "0.35"),
        ("一百亿元", "1000000"),
        ("1000000", "1000000"),
    ],
)
def test_money_accepts(text: str, expected: str) -> None:
    value = parse_money(text)
    assert isinstance(value, Decimal)
    assert value == Decimal(expected)
    assert str(value) == expected  # canonical form, never an exponent


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", Code.FIG_EMPTY),
        ("-0.35", Code.FIG_NEGATIVE),
        ("负3500元", Code.FIG_NEGATIVE),
        ("3500.5元", Code.FIG_MONEY_PRECISION),
        ("0.12345", Code.FIG_MONEY_PRECISION),
        ("0.00001万元", Code.FIG_MONEY_PRECISION),
        ("1000000.0001", Code.FIG_TOO_LARGE),
        ("一百亿零一元", Code.FIG_TOO_LARGE),
        ("12件", Code.FIG_UNIT),
        ("12 条", Code.FIG_UNIT),
        ("三万五", Code.FIG_NOT_A_NUMBER),
        ("很多", Code.FIG_NOT_A_NUMBER),
        ("1e5", Code.FIG_NOT_A_NUMBER),
        ("NaN", Code.FIG_NOT_A_NUMBER),
        ("Infinity", Code.FIG_NOT_A_NUMBER),
        ("-", Code.FIG_NOT_A_NUMBER),
        ("/", Code.FIG_NOT_A_NUMBER),
        ("元", Code.FIG_NOT_A_NUMBER),
        ("0.35美元", Code.FIG_NOT_A_NUMBER),
    ],
)
def test_money_rejects(text: str, code: Code) -> None:
    assert rejected(lambda: parse_money(text)) == code


# --- rows and blocks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "n", "expected"),
    [
        ("1 0 0 0 0 0", 6, [1, 0, 0, 0, 0, 0]),
        ("1  2\t", 2, [1, 2]),
        ("1,2,3,4,5,6", 6, [1, 2, 3, 4, 5, 6]),
        ("1，2，3", 3, [1, 2, 3]),
        ("1、2、3", 3, [1, 2, 3]),
        ("1；2;3", 3, [1, 2, 3]),
        ("1 , 2 、 3", 3, [1, 2, 3]),
        ("1、2、3、", 3, [1, 2, 3]),
        ("１　２　３", 3, [1, 2, 3]),
        ("十二 无 两 一百零五", 4, [12, 0, 2, 105]),
        ("12件 3件", 2, [12, 3]),
        ("12 件 3 件", 2, [12, 3]),
        ("1\t2\t3\t\t", 3, [1, 2, 3]),
        ("1\t1,234\t3\r\n", 3, [1, 1234, 3]),
        ("1,234 5", 2, [1234, 5]),
        ("1,234、5", 2, [1234, 5]),
        ("1,234", 1, [1234]),
        ("1,234,567", 3, [1, 234, 567]),  # commas as separators win when they fit
        ("1,234,5", 3, [1, 234, 5]),
    ],
)
def test_row_accepts(text: str, n: int, expected: list[int]) -> None:
    assert parse_row(text, n) == expected


@pytest.mark.parametrize(
    ("text", "n", "code"),
    [
        ("", 3, Code.FIG_EMPTY),
        (" \t ", 3, Code.FIG_EMPTY),
        ("1 2", 3, Code.FIG_ROW_LENGTH),
        ("1 2 3 4", 3, Code.FIG_ROW_LENGTH),
        ("1,234,5", 2, Code.FIG_ROW_LENGTH),
        ("1,,2", 3, Code.FIG_EMPTY),
        ("1\t\t2", 3, Code.FIG_EMPTY),
        ("1 / 3", 3, Code.FIG_NOT_A_NUMBER),
        ("1 - 3", 3, Code.FIG_NOT_A_NUMBER),
        ("1 — 3", 3, Code.FIG_NOT_A_NUMBER),
        ("1 － 3", 3, Code.FIG_NOT_A_NUMBER),
        ("1 -2 3", 3, Code.FIG_NEGATIVE),
        ("1 1.5 3", 3, Code.FIG_FRACTION),
        ("1 2元 3", 3, Code.FIG_UNIT),
        ("1 2000000000 3", 3, Code.FIG_TOO_LARGE),
    ],
)
def test_row_rejects(text: str, n: int, code: Code) -> None:
    assert rejected(lambda: parse_row(text, n)) == code


def test_row_length_params() -> None:
    with pytest.raises(UserError) as excinfo:
        parse_row("1 2", 3, columns=["自然人", "商业企业", "科研机构"])
    assert excinfo.value.params == {
        "expected": 3,
        "columns": "自然人、商业企业、科研机构",
        "found": 2,
        "example": "1 0 0",
    }
    with pytest.raises(UserError) as excinfo:
        parse_row("1 很多 3", 3, columns=["自然人", "商业企业", "科研机构"], example="5 0 0")
    assert excinfo.value.params == {"value": "很多", "what": "商业企业", "example": "5 0 0"}


def test_split_values() -> None:
    assert split_values(" 1, 2、3；4 ") == ["1", "2", "3", "4"]
    assert split_values("1\t\t2\t\t") == ["1", "", "2"]
    assert split_values("1,234") == ["1", "234"]
    assert split_values("") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1\t2\r\n3\t4\r\n", [[1, 2], [3, 4]]),
        ("1\t2\t\n3\t4\t\n\n", [[1, 2], [3, 4]]),
        ("\n1 2\n\n3、4\n", [[1, 2], [3, 4]]),
        ("1,234\t5\n6\t7", [[1234, 5], [6, 7]]),
        ("十二 无\r两 0", [[12, 0], [2, 0]]),
    ],
)
def test_block_accepts(text: str, expected: list[list[int]]) -> None:
    assert parse_block(text, 2, 2) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", Code.FIG_EMPTY),
        ("\r\n\t\n", Code.FIG_EMPTY),
        ("1 2", Code.FIG_BLOCK_ROWS),
        ("1 2\n3 4\n5 6", Code.FIG_BLOCK_ROWS),
        ("1 2\n3", Code.FIG_BLOCK_SHAPE),
        ("1 2 3\n3 4", Code.FIG_BLOCK_SHAPE),
        ("1\t\t2\n3\t4", Code.FIG_BLOCK_SHAPE),
        ("1\t\n3\t4", Code.FIG_BLOCK_SHAPE),
        ("1 /\n3 4", Code.FIG_NOT_A_NUMBER),
        ("1 2\n-3 4", Code.FIG_NEGATIVE),
    ],
)
def test_block_rejects(text: str, code: Code) -> None:
    assert rejected(lambda: parse_block(text, 2, 2)) == code


def test_block_shape_params() -> None:
    with pytest.raises(UserError) as excinfo:
        parse_block("1 2\n3", 2, 2)
    assert excinfo.value.params == {
        "expected_rows": 2,
        "expected_cols": 2,
        "row": 2,
        "found": 1,
        "example": "1 0\n1 0",
    }


# --- properties ---------------------------------------------------------------------------

NOTATIONS: dict[str, Callable[[int], str]] = {
    "ascii": str,
    "fullwidth": lambda n: fullwidth(str(n)),
    "thousands": lambda n: f"{n:,}",
    "fullwidth thousands": lambda n: f"{n:,}".replace(",", "，"),
    "chinese": to_chinese_numeral,
    "chinese 两": lambda n: to_chinese_numeral(n, liang=True),
    "chinese 〇": lambda n: to_chinese_numeral(n, ling="〇"),
    "financial": lambda n: to_chinese_numeral(n, financial=True),
}
counts = st.integers(0, MAX_COUNT)


@pytest.mark.slow
@FAST
@given(
    counts,
    st.sampled_from(sorted(NOTATIONS)),
    st.sampled_from(["", "件", " 条", "个", "人次"]),
    st.sampled_from(["", " ", "\u3000", "  \t"]),
)
def test_count_round_trip(n: int, notation: str, unit: str, pad: str) -> None:
    assert parse_count(pad + NOTATIONS[notation](n) + unit + pad) == n


@pytest.mark.slow
@FAST
@given(
    st.lists(counts, min_size=1, max_size=10),
    st.sampled_from(["ascii", "fullwidth", "thousands", "chinese", "chinese 两"]),
    st.sampled_from([" ", "  ", "\t", ",", "，", ", ", "、", " 、 ", "；", ";"]),
    st.booleans(),
)
def test_row_round_trip(values: list[int], notation: str, sep: str, trailing: bool) -> None:
    if "thousands" in notation and sep.strip() in (",", "，"):
        notation = "ascii"  # commas as both separators and thousands: ambiguous by design
    text = sep.join(NOTATIONS[notation](v) for v in values) + (sep if trailing else "")
    assert parse_row(text, len(values)) == values


@pytest.mark.slow
@FAST
@given(
    st.integers(1, 6).flatmap(
        lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1)
    ),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["", "\t", "\t\t"]),
    st.sampled_from(["", "\n", "\r\n\r\n"]),
)
def test_block_round_trip(block: list[list[int]], eol: str, cell_end: str, end: str) -> None:
    text = eol.join("\t".join(map(str, row)) + cell_end for row in block) + end
    assert parse_block(text, len(block), len(block[0])) == block


money = st.decimals(
    min_value=0, max_value=MAX_MONEY_WAN, places=4, allow_nan=False, allow_infinity=False
)


@pytest.mark.slow
@FAST
@given(money, st.sampled_from(["", "万元", " 万元", "万"]))
def test_money_round_trip_wan(value: Decimal, unit: str) -> None:
    assert parse_money(f"{value:f}{unit}") == value


@pytest.mark.slow
@FAST
@given(money, st.sampled_from(["{:f}元", "{:,f}元", "{:f} 元", "{:f}元整"]))
def test_money_round_trip_yuan(value: Decimal, form: str) -> None:
    result = parse_money(form.format(value * 10000))
    assert result == value
    assert "E" not in str(result)


@pytest.mark.slow
@FAST
@given(st.integers(0, 10**10), st.booleans())
def test_money_chinese_yuan(yuan: int, financial: bool) -> None:
    text = to_chinese_numeral(yuan, financial=financial) + "元"
    assert parse_money(text) == Decimal(yuan) / 10000


def never_crashes(func: Callable[[], object]) -> None:
    try:
        func()
    except UserError as err:
        check_error(err)


@pytest.mark.slow
@FAST
@given(st.text())
def test_fuzz_single_values(text: str) -> None:
    never_crashes(lambda: parse_count(text))
    never_crashes(lambda: parse_money(text))
    split_values(text)


@pytest.mark.slow
@FAST
@given(
    st.text(alphabet=st.sampled_from("0123456789１２,，.、;；\t\n\r -－负十百千万亿零两元件 /"))
)
def test_fuzz_figure_like(text: str) -> None:
    never_crashes(lambda: parse_count(text))
    never_crashes(lambda: parse_money(text))
    never_crashes(lambda: parse_row(text, 3))
    never_crashes(lambda: parse_block(text, 2, 3))


@pytest.mark.slow
@FAST
@given(st.text(), st.integers(1, 8), st.integers(1, 8))
def test_fuzz_rows_and_blocks(text: str, rows: int, cols: int) -> None:
    never_crashes(lambda: parse_row(text, cols, columns=[f"c{i}" for i in range(cols)]))
    never_crashes(lambda: parse_block(text, rows, cols))


@pytest.mark.parametrize("text", ["abc", "很多", "1 2 不详"])
def test_row_with_a_word_says_it_is_not_a_figure(text: str) -> None:
    """Should name the word that is no figure rather than count the values."""
    with pytest.raises(UserError) as excinfo:
        parse_row(text, 6)
    assert excinfo.value.code is Code.FIG_NOT_A_NUMBER
