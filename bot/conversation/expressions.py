"""A tiny, safe evaluator for XLSForm-style ``relevant`` and ``constraint`` expressions.

Grammar (no ``eval``)::

    expr  := and ("or" and)*          and := not ("and" not)*
    not   := "not" not | cmp          cmp := atom (("=" | "!=" | ">" | ">=" | "<" | "<=") atom)?
    atom  := ${name} | name | number | 'text' | "." | selected(atom, atom) | "(" expr ")"

``${name}`` is an answer of the flow, a bare ``name`` a derived variable, ``.`` the value
being checked. Expressions are parsed when the flow loads, so a typo fails at start-up.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

TOKEN = re.compile(
    r"\s*(?:(?P<answer>\$\{\w+\})|(?P<number>\d+(?:\.\d+)?)|(?P<text>'[^']*')"
    r"|(?P<op>>=|<=|!=|=|>|<|\(|\)|,|\.)|(?P<name>[A-Za-z_]\w*))"
)
KEYWORDS = ("and", "or", "not", "selected")


class ExpressionError(ValueError):
    """An expression that cannot be parsed."""


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed expression with the names it refers to."""

    source: str
    tree: tuple[Any, ...]
    answers: frozenset[str]
    variables: frozenset[str]

    def evaluate(
        self, answers: Mapping[str, Any], variables: Mapping[str, Any], current: Any = None
    ) -> bool:
        """Truth of the expression; an unanswered name is None and compares false."""
        return bool(_eval(self.tree, answers, variables, current))


def _tokens(source: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    source = source.strip()
    while pos < len(source):
        match = TOKEN.match(source, pos)
        if match is None or match.end() == pos:
            raise ExpressionError(f"unexpected text at '{source[pos:]}'")
        kind = match.lastgroup or ""
        out.append((kind, match.group(kind)))
        pos = match.end()
    return out


class _Parser:
    def __init__(self, source: str) -> None:
        self.tokens = _tokens(source)
        self.pos = 0
        self.answers: set[str] = set()
        self.variables: set[str] = set()

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        token = self.peek()
        if token is None or (value is not None and token[1] != value):
            raise ExpressionError(f"expected '{value or 'a value'}'")
        self.pos += 1
        return token

    def binary(self, word: str, sub: Callable[[], tuple[Any, ...]]) -> tuple[Any, ...]:
        left = sub()
        while self.peek() == ("name", word):
            self.take()
            left = (word, left, sub())
        return left

    def expr(self) -> tuple[Any, ...]:
        return self.binary("or", lambda: self.binary("and", self.negation))

    def negation(self) -> tuple[Any, ...]:
        if self.peek() == ("name", "not"):
            self.take()
            return ("not", self.negation())
        left = self.atom()
        token = self.peek()
        if token and token[0] == "op" and token[1] in ("=", "!=", ">", ">=", "<", "<="):
            self.take()
            return ("cmp", token[1], left, self.atom())
        return left

    def atom(self) -> tuple[Any, ...]:
        kind, value = self.take()
        if kind == "answer":
            self.answers.add(value[2:-1])
            return ("answer", value[2:-1])
        if kind == "number":
            return ("const", Decimal(value))
        if kind == "text":
            return ("const", value[1:-1])
        if (kind, value) == ("op", "."):
            return ("current",)
        if (kind, value) == ("op", "("):
            inner = self.expr()
            self.take(")")
            return inner
        if kind == "name" and value == "selected":
            self.take("(")
            left = self.atom()
            self.take(",")
            right = self.atom()
            self.take(")")
            return ("selected", left, right)
        if kind == "name" and value not in KEYWORDS:
            self.variables.add(value)
            return ("var", value)
        raise ExpressionError(f"unexpected '{value}'")


def parse(source: str) -> Expression:
    """Parse ``source``; raise ExpressionError when it is not a valid expression."""
    parser = _Parser(source)
    tree = parser.expr()
    if parser.peek() is not None:
        raise ExpressionError(f"unexpected '{parser.peek()[1]}'")  # type: ignore[index]
    return Expression(source, tree, frozenset(parser.answers), frozenset(parser.variables))


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return Decimal(int(value))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    return None


def _eval(
    tree: tuple[Any, ...], answers: Mapping[str, Any], variables: Mapping[str, Any], current: Any
) -> Any:
    kind = tree[0]
    if kind == "const":
        return tree[1]
    if kind == "answer":
        return answers.get(tree[1])
    if kind == "var":
        return variables.get(tree[1])
    if kind == "current":
        return current
    if kind == "not":
        return not _eval(tree[1], answers, variables, current)
    if kind in ("and", "or"):
        left = bool(_eval(tree[1], answers, variables, current))
        if (kind == "and") != left:
            return left
        return bool(_eval(tree[2], answers, variables, current))
    if kind == "selected":
        values = _eval(tree[1], answers, variables, current)
        return isinstance(values, list) and _eval(tree[2], answers, variables, current) in values
    op, left, right = (
        tree[1],
        _eval(tree[2], answers, variables, current),
        _eval(tree[3], answers, variables, current),
    )
    if op in ("=", "!="):
        a, b = _number(left), _number(right)
        same = a == b if a is not None and b is not None else left == right
        return same if op == "=" else not same
    a, b = _number(left), _number(right)
    if a is None or b is None:
        return False
    return {">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[op]
