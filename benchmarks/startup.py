"""How long ``reportbot --help`` and ``reportbot check FILE`` take to start, against Python's.

Each command is run ``--runs`` times (7), interleaved with the baseline, a bare
``python -c "import yaml, sqlite3"`` (the interpreter and the two libraries every command
needs), so that a busy machine slows all three alike; the medians and their ratios to the
baseline's are printed. Targets: ``--help`` at most 3x the baseline, ``check`` at most 5x
(python-docx, openpyxl and python-telegram-bot are loaded only by the commands that need
them). Every command is run once first, unmeasured, so that files are in the page cache.

By default the environment is taken as it is (with ``PYTHONDONTWRITEBYTECODE=1`` every
module of ``bot`` is compiled at each start, as in a checkout). ``--bytecode`` measures an
installed package instead: compiled modules are cached under a temporary directory
(``PYTHONPYCACHEPREFIX``), nothing is written next to the sources.

    python benchmarks/startup.py [--runs 7] [--file REPORT.yaml] [--bytecode] [--module]

The file checked is ``../shared/examples/seed-2023.yaml`` when it exists, else a complete
report written from the tests' factories. Exit status 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import importlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "examples" / "seed-2023.yaml"
TARGETS = {"help": 3.0, "check": 5.0}


def reportbot(module: bool) -> list[str]:
    """The ``reportbot`` console script next to this interpreter, else (or with
    ``module``) ``python -m bot``, which runs this checkout's ``bot``."""
    script = Path(sys.executable).parent / "reportbot"
    return [str(script)] if script.exists() and not module else [sys.executable, "-m", "bot"]


def report_file(folder: Path) -> Path:
    """The report data file to check: the seed example, else one from the factories."""
    if SEED.exists():
        return SEED
    sys.path.insert(0, str(ROOT))
    from bot.format.datafile import save

    try:
        factories = importlib.import_module("tests.helpers.factories")
    except ImportError:  # the layout before tests/helpers/
        factories = importlib.import_module("tests.factories")
    path = folder / "report.yaml"
    save(factories.consistent_report(), path)
    return path


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall time of one run of ``command``, in milliseconds (it must succeed or find)."""
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 1):  # check exits 1 when the report has errors
        raise SystemExit(f"{' '.join(command)} failed with status {done.returncode}")
    return elapsed


def measure(runs: int, file: Path, env: dict[str, str], module: bool) -> dict[str, float]:
    """The median wall time of each command, runs interleaved."""
    commands = {
        "baseline": [sys.executable, "-c", "import yaml, sqlite3"],
        "help": [*reportbot(module), "--help"],
        "check": [*reportbot(module), "check", str(file)],
    }
    for command in commands.values():  # warm up: page cache, and bytecode if cached
        timed(command, env)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            times[name].append(timed(command, env))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default: 7)")
    parser.add_argument("--file", type=Path, help="report data file to check")
    parser.add_argument(
        "--bytecode", action="store_true", help="cache compiled modules (an installed package)"
    )
    parser.add_argument(
        "--module", action="store_true", help="run python -m bot here, not the console script"
    )
    args = parser.parse_args()
    env = dict(os.environ)
    with tempfile.TemporaryDirectory() as folder:
        if args.bytecode:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(folder) / "pycache")
        file = args.file or report_file(Path(folder))
        medians = measure(args.runs, file, env, args.module)
    base = medians["baseline"]
    mode = "cached bytecode" if args.bytecode else "bytecode as the environment has it"
    print(f"medians of {args.runs} runs, {mode}; checked {file}")
    print(f"  python -c 'import yaml, sqlite3'  {base:7.1f} ms")
    missed = False
    for name, target in TARGETS.items():
        ratio = medians[name] / base
        missed = missed or ratio > target
        verdict = "ok" if ratio <= target else "OVER"
        label = "reportbot --help" if name == "help" else "reportbot check FILE"
        print(
            f"  {label:<32}  {medians[name]:7.1f} ms  {ratio:4.1f}x"
            f"  (target {target:.0f}x: {verdict})"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
