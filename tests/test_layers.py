"""The layer table in bot/__init__.py's docstring holds for every import, and no module
imports itself round a cycle.

The checker reads the table from the docstring (so the table a reader sees is the one
enforced) and every ``import`` in ``bot/`` with ``ast`` (imports inside functions count
too). It is shown to fail on planted violations.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
# outside libraries the table governs: anything else (stdlib, pyyaml helpers) is free
HEAVY = (
    "jinja2",
    "docx",
    "openpyxl",
    "pdfplumber",
    "pdfminer",
    "sqlite3",
    "sqlite_utils",
    "telegram",
)
GOVERNED = {"yaml", "argparse", *HEAVY}


@dataclass(frozen=True)
class Layer:
    rank: int
    package: str
    libraries: frozenset[str]


def read_table(init: Path) -> dict[str, Layer]:
    """The layer table of ``bot/__init__.py``'s docstring, by package."""
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    layers = {}
    for line in doc.splitlines():
        match = re.match(r"^(\d+)\s+(\S+)\s*(.*)$", line)
        if match:
            rank, package, libs = match.groups()
            names = frozenset(n.strip() for n in libs.split(",") if n.strip())
            layers[package] = Layer(int(rank), package, names)
    return layers


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, root: Path) -> set[str]:
    """Every module ``path`` imports (absolute names; relative ones resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path, root).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package[: len(package) - node.level + 1], base]).strip(".")
            found.add(base)
            # ``from bot.store import reports`` imports the module bot.store.reports
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violations(root: Path) -> list[str]:
    """Every import that breaks the layer table of ``root/__init__.py``, and every cycle."""
    table = read_table(root / "__init__.py")
    modules = {module_name(p, root): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    found = []
    for name, path in sorted(modules.items()):
        package = package_of(name)
        layer = table.get(package)
        if layer is None and name != root.name:
            found.append(f"{name}: its package {package!r} is not in the layer table")
            continue
        graph[name] = set()
        for target in sorted(imports_of(path, root)):
            top = target.split(".")[0]
            if top == root.name:
                if target not in modules:
                    continue  # ``from bot.x import name`` also yields bot.x.name
                graph[name].add(target)
                other = table.get(package_of(target))
                if layer is None or other is None or other.package == package:
                    continue
                if other.rank >= layer.rank:
                    found.append(
                        f"{name} (layer {layer.rank}) imports {target} (layer {other.rank})"
                    )
            elif top in GOVERNED and (layer is None or top not in layer.libraries):
                owners = sorted(p for p, lay in table.items() if top in lay.libraries)
                found.append(f"{name} imports {top}, which only {', '.join(owners)} may")
    found += [f"import cycle: {' -> '.join(c)}" for c in cycles(graph)]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules, if any."""
    out, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                out.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return out


def test_the_layer_table_is_read() -> None:
    table = read_table(BOT / "__init__.py")
    assert table["format"].rank == 0
    assert table["frontends"].libraries == {"telegram", "argparse"}
    assert {p.name for p in BOT.iterdir() if p.is_dir() and p.name != "__pycache__"} <= set(table)


def test_every_import_keeps_to_the_layers() -> None:
    assert violations(BOT) == []


def plant(tmp_path: Path, files: dict[str, str]) -> Path:
    """A copy of the layer table with ``files`` (path: source) beside it."""
    root = tmp_path / "bot"
    root.mkdir()
    (root / "__init__.py").write_text((BOT / "__init__.py").read_text(encoding="utf-8"))
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        (path.parent / "__init__.py").touch()
        path.write_text(source)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # a lower layer reaching up
            {"format/model.py": "from bot.store.reports import Store\n", "store/reports.py": ""},
            "bot.format.model (layer 0) imports bot.store.reports (layer 4)",
        ),
        (  # two packages of one layer
            {"drafting/render.py": "import bot.importing.files\n", "importing/files.py": ""},
            "bot.drafting.render (layer 3) imports bot.importing.files (layer 3)",
        ),
        (  # an outside library outside its owner, even inside a function
            {"conversation/engine.py": "def f():\n    import telegram\n"},
            "bot.conversation.engine imports telegram, which only frontends may",
        ),
        (
            {"service/turns.py": "from sqlite_utils import Database\n"},
            "bot.service.turns imports sqlite_utils, which only store may",
        ),
        (  # a cycle inside one package
            {"office/a.py": "from bot.office import b\n", "office/b.py": "import bot.office.a\n"},
            "import cycle: bot.office.a -> bot.office.b -> bot.office.a",
        ),
        (  # a package the table does not know
            {"extras/x.py": ""},
            "bot.extras: its package 'extras' is not in the layer table",
        ),
    ],
)
def test_a_planted_violation_is_found(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    assert expected in violations(plant(tmp_path, files))


def test_planted_code_that_keeps_to_the_layers_passes(tmp_path: Path) -> None:
    root = plant(
        tmp_path,
        {
            "service/turns.py": "from bot.store.reports import Store\nfrom bot.format import m\n",
            "store/reports.py": "import sqlite3\n",
            "format/m.py": "import yaml\n",
        },
    )
    assert violations(root) == []


def loaded_by(statement: str) -> list[str]:
    """The governed outside libraries a fresh interpreter has loaded after ``statement``."""
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return sorted({m.split(".")[0] for m in proc.stdout.split()} & set(HEAVY))


@pytest.mark.slow
def test_the_engine_loads_no_heavy_library_even_through_others() -> None:
    assert loaded_by("import bot.conversation.engine") == []
