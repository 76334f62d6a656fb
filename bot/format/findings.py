"""Findings: what a check found, where, and how bad it is."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.format.catalogue import Code, message


class Severity(StrEnum):
    """Errors block submission; warnings pass only with a recorded explanation."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in a report.

    Attributes:
        rule: the named rule that found it (``table3.column_identity``).
        code: the catalogue code of its message.
        severity: error or warning.
        part: key of the report part it belongs to (``applications``).
        cell: a stable address of the cell or item (``applications.total[0]``); the key under
            which an officer's explanation of a warning is stored.
        params: the message parameters (cell names, expected and found values).
        cells: addresses of every cell in the broken equation, ``cell`` included.
    """

    rule: str
    code: Code
    severity: Severity
    part: str
    cell: str
    params: dict[str, Any] = field(default_factory=dict)
    cells: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Identifier of this finding, stable across runs: rule and cell."""
        return f"{self.rule}@{self.cell}"

    def message(self) -> str:
        """The Chinese message, naming the cell, the expected and the found value."""
        return message(self.code, **self.params)

    def as_json(self, explanation: str | None = None) -> dict[str, Any]:
        """A JSON-ready dict for ``--json`` output."""
        data: dict[str, Any] = {
            "rule": self.rule,
            "code": self.code.value,
            "severity": self.severity.value,
            "part": self.part,
            "cell": self.cell,
            "cells": list(self.cells or (self.cell,)),
            "message": self.message(),
            "params": {k: str(v) for k, v in self.params.items()},
        }
        if explanation is not None:
            data["explanation"] = explanation
        return data


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding blocks submission."""
    return any(f.severity is Severity.ERROR for f in findings)
