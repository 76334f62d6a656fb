"""Read the YAML files of ``prompts/`` and fail loudly, naming file, key and reason.

A broken prompt file must stop start-up, not a conversation. Every loader in the
package goes through :func:`load_yaml` and reports problems with :class:`PromptError`,
whose message names the file, the key path and what is wrong.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

PROMPTS_DIR = Path(__file__).resolve().parents[2] / "prompts"
# libyaml's parser when PyYAML has it: the same safe loading, eight times faster (the
# prompt files are read at every start of every command)
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PromptError(Exception):
    """A prompt file is missing, is not YAML, or breaks the rules of its kind."""

    def __init__(self, path: Path | str, key: str, reason: str) -> None:
        self.path = str(path)
        self.key = key
        self.reason = reason
        super().__init__(f"{self.path}: {key or '(top level)'}: {reason}")


def load_yaml(path: Path) -> Any:
    """Parse one YAML file safely (as ``safe_load``); raise :class:`PromptError` if unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PromptError(path, "", f"cannot read file ({exc.strerror})") from exc
    try:
        return yaml.load(text, Loader=SAFE_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise PromptError(path, where, f"not valid YAML: {exc}") from exc


class Node:
    """A cursor into loaded YAML that knows its file and key path for error messages."""

    def __init__(self, path: Path | str, value: Any, key: str = "") -> None:
        self.path = path
        self.value = value
        self.key = key

    def error(self, reason: str) -> PromptError:
        """Build a PromptError located at this node."""
        return PromptError(self.path, self.key, reason)

    def _child(self, name: str | int, value: Any) -> Node:
        key = (
            f"{self.key}[{name}]"
            if isinstance(name, int)
            else (f"{self.key}.{name}" if self.key else name)
        )
        return Node(self.path, value, key)

    def mapping(self, allowed: Sequence[str] | None = None) -> Mapping[str, Any]:
        """Return the value as a mapping, rejecting keys outside ``allowed``."""
        if not isinstance(self.value, Mapping):
            raise self.error(f"expected a mapping, found {type(self.value).__name__}")
        if allowed is not None:
            unknown = sorted(str(k) for k in self.value if k not in allowed)
            if unknown:
                raise self.error(
                    f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(allowed)}"
                )
        return self.value

    def get(self, name: str, *, required: bool = True, default: Any = None) -> Node:
        """Child node ``name``; a missing required key is an error."""
        data = self.mapping()
        if name not in data:
            if required:
                raise self.error(f"missing required key '{name}'")
            return self._child(name, default)
        return self._child(name, data[name])

    def items(self) -> list[Node]:
        """Child nodes of a list value."""
        if not isinstance(self.value, list):
            raise self.error(f"expected a list, found {type(self.value).__name__}")
        return [self._child(i, v) for i, v in enumerate(self.value)]

    def pairs(self) -> list[tuple[str, Node]]:
        """(key, child) pairs of a mapping value."""
        return [(str(k), self._child(str(k), v)) for k, v in self.mapping().items()]

    def text(self, *, allow_empty: bool = False) -> str:
        """The value as a string (non-empty unless ``allow_empty``)."""
        if not isinstance(self.value, str) or (not allow_empty and not self.value.strip()):
            raise self.error("expected a non-empty string")
        return self.value

    def opt_text(self) -> str:
        """The value as a string, or "" when absent."""
        return "" if self.value is None else self.text()

    def flag(self) -> bool:
        """The value as a boolean; absent means False."""
        if self.value is None:
            return False
        if not isinstance(self.value, bool):
            raise self.error("expected true or false")
        return self.value

    def texts(self) -> list[str]:
        """The value as a list of strings."""
        return [node.text() for node in self.items()]


def unique(nodes: Sequence[tuple[str, Node]]) -> None:
    """Raise on the first key that appears twice among ``nodes``."""
    seen: set[str] = set()
    for key, node in nodes:
        if key in seen:
            raise node.error(f"duplicate name '{key}'")
        seen.add(key)
