"""A filing season on one SQLite file: N agencies each draft a whole report over Telegram.

    python benchmarks/season.py --agencies 100 1000 --json season.json
    python benchmarks/season.py --agencies 10000 --sample 200 --json season-10k.json

Each agency's officer (their own Telegram user and private chat) plays the whole chat
script of ``benchmarks/officer_script.py`` (``/start``, then every answer; buttons are
pressed where the bot offers them, as in ``tests/test_telegram_e2e.py``), and the officers'
sessions are randomly interleaved (seeded), as many officers filing at once would be.
Every update goes through the real PTB ``Application.process_update`` of
``bot.frontends.telegram_bot.build_application`` on one SQLite file, with a canned request in
place of the network and Telegram's flood limit lifted (the rate limiter still runs, it
never waits): what is timed is the bot's own cost per update.

In the same process, on the same machine, two baselines: a bare PTB echo handler through
the same ``process_update`` path and request, and a bare durable sqlite-utils
upsert-and-commit per update (WAL, ``synchronous=NORMAL``, as ``bot.store.reports``). The bot's
cost per update is reported as a ratio to (echo + durable write): ``cost_ratio``.

With ``--sample K`` the season is not played in full: N - K finished reports are stored
first (``Store.import_report`` of a report finished through the chat, renamed, with its
agency, its officer's membership and finished session), then K officers' whole sessions
are timed, interleaved, on that database. The JSON says which was measured.

Each N runs in a fresh process on a fresh database (so that peak memory is its own).
This is a documented command, not a test: pytest does not collect it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import telegram  # noqa: E402
from sqlite_utils import Database  # noqa: E402
from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    AIORateLimiter,
    ApplicationBuilder,
    ContextTypes,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, RequestData  # noqa: E402

from benchmarks.officer_script import SEED_SESSION  # noqa: E402
from benchmarks.offline_telegram import CannedRequest, button_data, text_data  # noqa: E402
from bot.conversation.session import Session, Step  # noqa: E402
from bot.drafting.render import FORMATS, preview_text, render  # noqa: E402
from bot.format.catalogue import Code, message  # noqa: E402
from bot.frontends.settings import Settings  # noqa: E402
from bot.frontends.telegram_bot import Deps, build_application  # noqa: E402
from bot.frontends.telegram_format import split_text  # noqa: E402
from bot.service.turns import Service  # noqa: E402
from bot.store.reports import Store  # noqa: E402

TOKEN = "123456:BENCHMARK-token"
FIRST_USER = 10_000_000
BASELINE_MAX = 20_000  # samples of each baseline at most (one every few updates above)
WARM_UP = 300  # untimed samples of the baselines before the season
RENDER_REPEAT = 5
TARGET_RATIO, TARGET_GROWTH, TARGET_SECONDS = 2.0, 1.2, 300


def agency_name(i: int) -> str:
    """A distinct, realistic agency name for officer ``i``."""
    return f"示范市第{i + 1}区政务服务和数据管理局"


def officer_script(i: int) -> list[str]:
    """What officer ``i`` sends: /start, then the chat script with their own agency."""
    return ["/start", agency_name(i), *SEED_SESSION[1:]]


def unthrottled() -> AIORateLimiter:
    """PTB's rate limiter with Telegram's flood limits lifted: it runs, it never waits."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=5)


# --- the recording request ---------------------------------------------------------------


class SeasonRequest(CannedRequest):
    """CannedRequest's answers, keeping only what the season needs.

    Keeps the last message the bot sent to each chat (the officer reads its buttons) and
    counts calls by method.
    """

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()
        self.last: dict[int, dict[str, Any]] = {}
        self.error_text = message(Code.TG_ERROR)
        self.errors = 0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data else {}
        self.counts[name] += 1
        result = self.result(name, params)
        if name in ("sendMessage", "sendDocument"):
            self.last[int(params["chat_id"])] = result
            if name == "sendMessage" and self.error_text in str(params.get("text", "")):
                self.errors += 1
        return 200, json.dumps({"ok": True, "result": result}).encode()


# --- the officers ------------------------------------------------------------------------


@dataclass
class Officer:
    """One agency's officer working through their script."""

    index: int
    lines: list[str]
    pos: int = 0
    updates: int = 0

    @property
    def user_id(self) -> int:
        return FIRST_USER + self.index

    @property
    def done(self) -> bool:
        return self.pos >= len(self.lines)

    def next_update(self, last: dict[str, Any] | None) -> dict[str, Any]:
        """The officer's next update: press the button the line names, else type it."""
        buttons = [
            b for row in ((last or {}).get("reply_markup") or {}).get("inline_keyboard", [])
            for b in row
        ]  # fmt: skip
        labels = [b["text"] for b in buttons]
        new = [b for b in buttons if b.get("callback_data") == "c|choose_report|new"]
        line = self.lines[self.pos]
        self.updates += 1
        if new and self.pos == 1:  # offered the reports of others: start a new one
            return button_data(new[0]["callback_data"], last or {}, self.user_id)
        self.pos += 1
        label = None
        if line.isdigit() and 1 <= int(line) <= len(labels):
            label = labels[int(line) - 1]
        elif line in labels:
            label = line
        if label is not None:
            data = next(b["callback_data"] for b in buttons if b["text"] == label)
            return button_data(data, last or {}, self.user_id)
        return text_data(line, user_id=self.user_id)


def interleaving(officers: list[Officer], rng: random.Random) -> list[int]:
    """A random merge of the officers' sessions: whose turn it is, update by update."""
    order = [o.index for o in officers for _ in o.lines]
    rng.shuffle(order)
    return order


def percentile(sorted_ms: list[float], q: float) -> float:
    """The q-th percentile (nearest rank) of sorted values."""
    if not sorted_ms:
        return float("nan")
    rank = max(0, min(len(sorted_ms) - 1, round(q / 100 * len(sorted_ms) + 0.5) - 1))
    return sorted_ms[rank]


def summary(latencies_ns: list[int]) -> dict[str, float]:
    ms = sorted(n / 1e6 for n in latencies_ns)
    return {
        "mean_ms": statistics.fmean(ms) if ms else float("nan"),
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else float("nan"),
    }


# --- the season --------------------------------------------------------------------------


async def play(
    app: Any,
    request: SeasonRequest,
    officers: list[Officer],
    rng: random.Random,
    baselines: Baselines | None = None,
) -> tuple[list[int], Counter[str], float]:
    """Play the officers' sessions interleaved; per-update latencies (ns), kinds, wall s.

    With ``baselines``, one sample of each follows every ``stride``-th update (at most
    :data:`BASELINE_MAX` in all); the season's wall time leaves them out.
    """
    latencies: list[int] = []
    kinds: Counter[str] = Counter()
    by_index = {o.index: o for o in officers}
    turns = [by_index[i] for i in interleaving(officers, rng)]
    stride = -(-len(turns) // BASELINE_MAX)  # ceiling division
    aside = 0.0
    start = time.perf_counter()
    while turns:
        for officer in turns:
            if officer.done:
                continue
            data = officer.next_update(request.last.get(officer.user_id))
            kinds["callback_query" if "callback_query" in data else "message"] += 1
            t0 = time.perf_counter_ns()
            await app.process_update(Update.de_json(data, app.bot))
            latencies.append(time.perf_counter_ns() - t0)
            if baselines is not None and len(latencies) % stride == 0:
                t1 = time.perf_counter()
                await baselines.sample()
                aside += time.perf_counter() - t1
        turns = [o for o in officers if not o.done]  # an extra press left lines over
    return latencies, kinds, time.perf_counter() - start - aside


def report_of(store: Store, agency: str) -> Any:
    """The stored report of ``agency``."""
    return store.get_report(next(r.id for r in store.list_reports() if r.agency == agency))


def finished(request: SeasonRequest, officers: list[Officer]) -> int:
    """How many officers were told that everything is filled in."""
    done = message(Code.CHAT_ALL_DONE)
    last = [str(request.last.get(o.user_id, {}).get("text", "")) for o in officers]
    return sum(text.endswith(done) for text in last)  # its last reply (they share messages)


def prefill(service: Service, store: Store, template: Any, indexes: range) -> dict[str, Any]:
    """Store finished reports for ``indexes`` as a finished season leaves them."""
    workflow = getattr(service, "workflow", None)
    ws = getattr(workflow, "ws", None)
    level = template.agency_level or ""
    region = SEED_SESSION[2] if len(SEED_SESSION) > 2 else ""
    agencies = 0
    start = time.perf_counter()
    for i in indexes:
        user = f"tg:{FIRST_USER + i}"
        report = replace(template, agency=agency_name(i))
        report_id = store.import_report(report, user=user, frontend="telegram")
        if ws is not None and hasattr(ws, "create_agency"):
            ws.create_agency(report.agency, level, region, user)
            agencies += 1
        store.save_session(Session(user, report_id=report_id, step=Step.DONE))
        for k in range(len(SEED_SESSION) + 1):
            store.seen_update(f"prefill:{i}:{k}")
    return {
        "prefilled_reports": len(indexes),
        "prefilled_agencies_with_officer": agencies,
        "prefill_seconds": round(time.perf_counter() - start, 1),
    }


def bot_on(db_path: Path) -> tuple[Store, Service, SeasonRequest, Any]:
    """reportbot's Telegram application on ``db_path``, with a recording request and
    Telegram's flood limits lifted: its store, service, request and application."""
    store = Store.open(db_path)
    service = Service(store)
    request = SeasonRequest()
    app = build_application(
        Settings(TOKEN), Deps(store, service), request=request, rate_limiter=unthrottled()
    )
    return store, service, request, app


async def prefilled(n: int, sample: int, seed: int, db_path: Path) -> dict[str, Any]:
    """Make the database of a season of ``n`` whose first ``n - sample`` reports are done.

    Run in a process of its own (``--prefill``): the timed process then starts on the
    database as the bot would, without the prefill's objects in its memory.
    """
    store, service, request, app = bot_on(db_path)
    async with app:
        first = Officer(0, officer_script(0))  # one report finished through the chat
        await play(app, request, [first], random.Random(seed))
        template = report_of(store, agency_name(0))
        out = prefill(service, store, template, range(1, n - sample))
    store.close()
    return out


def season_db(workdir: Path, n: int) -> Path:
    return workdir / f"season-{n}.db"


def prefill_apart(n: int, sample: int, seed: int, workdir: Path) -> dict[str, Any]:
    """:func:`prefilled` in a process of its own; its figures."""
    command = [sys.executable, __file__, "--prefill", str(n), "--sample", str(sample)]
    command += ["--seed", str(seed), "--db", str(season_db(workdir, n))]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    figures: dict[str, Any] = json.loads(done.stdout)
    return figures


async def season(n: int, sample: int | None, seed: int, workdir: Path) -> dict[str, Any]:
    """Play the season of ``n`` agencies (or time ``sample`` of them) on a fresh database."""
    db_path = season_db(workdir, n)
    out: dict[str, Any] = {"agencies": n}
    store, _, request, app = bot_on(db_path)
    rng = random.Random(seed)
    baselines = Baselines(n, workdir)
    await baselines.start()
    async with app:
        timed = range(n) if sample is None else range(n - sample, n)
        officers = [Officer(i, officer_script(i)) for i in timed]
        request.counts.clear()
        latencies, kinds, wall = await play(app, request, officers, rng, baselines)
        out["peak_rss_mb_season"] = round(peak_rss_mb(), 1)
        out["completed_reports"] = finished(request, officers)
        out["bot_error_replies"] = request.errors
        report = report_of(store, agency_name(n - 1))
    await baselines.stop()
    out["baselines"] = baselines.figures()
    if sample is None:
        out["mode"] = "full season"
        out["measured"] = (
            f"all {n} officers' whole sessions ({len(latencies)} updates), randomly "
            f"interleaved (seed {seed}), through process_update on one new SQLite file"
        )
    else:
        out["mode"] = "sample"
        out["measured"] = (
            f"the last {sample} officers of a season of {n}: their whole sessions "
            f"({len(latencies)} updates), randomly interleaved (seed {seed}), timed through "
            f"process_update on a database already holding {n - sample} finished reports: "
            "officer 1's, played through process_update untimed, and "
            f"{n - sample - 1} copies of it stored with Store.import_report, each with its "
            "agency, its officer as admin, a finished session and processed-update keys, "
            "by a process of its own before the timed one started on the database. "
            f"The other {n - sample - 1} sessions were not played."
        )
    out["timed_officers"] = len(officers)
    out["updates"] = len(latencies)
    out["updates_by_kind"] = dict(kinds)
    out["api_calls"] = dict(request.counts)
    out["wall_seconds"] = round(wall, 2)
    out["updates_per_second"] = round(len(latencies) / wall, 1)
    out["latency"] = summary(latencies)
    out["render_ms"] = render_times(report)
    out["wal_bytes"] = file_size(Path(f"{db_path}-wal"))
    store.close()  # the last connection: SQLite checkpoints the WAL into the file
    out["db_bytes"] = file_size(db_path)
    return out


def render_times(report: Any) -> dict[str, float]:
    """Median time to render the complete draft in each format (and the chat preview)."""
    times: dict[str, float] = {}
    for fmt in FORMATS:
        runs = []
        for _ in range(RENDER_REPEAT):
            t0 = time.perf_counter()
            render(report, fmt)
            runs.append((time.perf_counter() - t0) * 1000)
        times[fmt] = round(statistics.median(runs), 1)
    runs = []
    for _ in range(RENDER_REPEAT):
        t0 = time.perf_counter()
        split_text(preview_text(report))  # the chat preview as Telegram's messages
        runs.append((time.perf_counter() - t0) * 1000)
    times["preview_chunks"] = round(statistics.median(runs), 1)
    return times


def file_size(path: Path) -> int:
    """Bytes of ``path``; 0 if there is no such file."""
    return path.stat().st_size if path.exists() else 0


def peak_rss_mb() -> float:
    """Peak resident memory of this process (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- the baselines, side by side -----------------------------------------------------------


class Baselines:
    """The two baselines, sampled side by side with the season (one update of each after
    every ``stride``-th season update), so that a machine getting slower or faster during
    the run changes both sides of the ratio alike.

    * echo: a bare PTB echo handler through the same ``process_update`` path, request and
      rate limiter as the bot;
    * durable write: a bare sqlite-utils upsert-and-commit of one row per update, on
      ``bot.store.reports``'s settings (WAL, ``synchronous=NORMAL``), in a file of its own.
    """

    def __init__(self, n: int, workdir: Path) -> None:
        self.n, self.k = n, 0
        self.echo_ns: list[int] = []
        self.write_ns: list[int] = []
        self.app = (
            ApplicationBuilder()
            .token(TOKEN)
            .request(SeasonRequest())
            .get_updates_request(SeasonRequest())
            .rate_limiter(unthrottled())
            .concurrent_updates(False)
            .job_queue(None)
            .build()
        )
        self.app.add_handler(MessageHandler(filters.TEXT, self.echo))
        self.texts = officer_script(0)
        self.db = Database(workdir / f"baseline-{n}.db")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.enable_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.table = self.db.table("sessions")
        self.table.create({"user": str, "state": str, "updated_at": str}, pk="user")

    @staticmethod
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None
        await update.message.reply_text(update.message.text or "")

    async def start(self) -> None:
        """Initialise the echo bot and warm both baselines up (untimed)."""
        await self.app.initialize()
        for _ in range(WARM_UP):
            await self.sample(timed=False)

    async def stop(self) -> None:
        await self.app.shutdown()
        self.db.close()

    async def sample(self, *, timed: bool = True) -> None:
        """One echo update and one durable write."""
        k, self.k = self.k, self.k + 1
        data = text_data(self.texts[k % len(self.texts)], user_id=FIRST_USER + k % self.n)
        t0 = time.perf_counter_ns()
        await self.app.process_update(Update.de_json(data, self.app.bot))
        t1 = time.perf_counter_ns()
        row = {
            "user": f"tg:{FIRST_USER + k % self.n}",
            "state": json.dumps({"step": f"q{k % 40}", "history": ["a", "b"]}),
            "updated_at": datetime.now(UTC).isoformat(),
        }
        t2 = time.perf_counter_ns()
        with self.db.atomic():
            self.table.upsert(row, pk="user")
        t3 = time.perf_counter_ns()
        if timed:
            self.echo_ns.append(t1 - t0)
            self.write_ns.append(t3 - t2)

    def figures(self) -> dict[str, Any]:
        return {
            "echo": {"updates": len(self.echo_ns), **summary(self.echo_ns)},
            "durable_write": {"updates": len(self.write_ns), **summary(self.write_ns)},
        }


# --- one N, and the whole run ------------------------------------------------------------


def run_one(n: int, sample: int | None, seed: int) -> dict[str, Any]:
    """Season and baselines for ``n`` agencies, in this process."""
    logging.basicConfig(level=logging.WARNING)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="season-") as tmp:
        workdir = Path(tmp)
        head = {} if sample is None else prefill_apart(n, sample, seed, workdir)
        out = head | asyncio.run(season(n, sample, seed, workdir))
    echo, write = out["baselines"]["echo"], out["baselines"]["durable_write"]
    out["baseline_mean_ms"] = echo["mean_ms"] + write["mean_ms"]
    out["cost_ratio"] = round(out["latency"]["mean_ms"] / out["baseline_mean_ms"], 2)
    out["cost_ratio_p50"] = round(out["latency"]["p50_ms"] / (echo["p50_ms"] + write["p50_ms"]), 2)
    out["peak_rss_mb"] = round(peak_rss_mb(), 1)
    out["run_seconds"] = round(time.perf_counter() - started, 1)
    return out


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median mean cost per update, with every run's key figures attached."""
    ordered = sorted(runs, key=lambda r: r["latency"]["mean_ms"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    chosen["runs"] = [
        {
            "mean_ms": round(r["latency"]["mean_ms"], 3),
            "p50_ms": round(r["latency"]["p50_ms"], 3),
            "baseline_mean_ms": round(r["baseline_mean_ms"], 3),
            "cost_ratio": r["cost_ratio"],
            "run_seconds": r["run_seconds"],
        }
        for r in runs
    ]
    return chosen


def machine() -> dict[str, Any]:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "python_telegram_bot": telegram.__version__,
        "sqlite": sqlite3.sqlite_version,
        "sqlite_utils": metadata.version("sqlite-utils"),
        "platform": platform.platform(),
    }


def verdict(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The targets: cost ratio, growth with the number of reports, time for N <= 1,000."""
    ordered = sorted(runs, key=lambda r: r["agencies"])
    out: dict[str, Any] = {
        "cost_ratio_max": TARGET_RATIO,
        "cost_ratio_met": all(r["cost_ratio"] <= TARGET_RATIO for r in runs),
        "seconds_max_up_to_1000": TARGET_SECONDS,
        "seconds_met": all(
            r["run_seconds"] < TARGET_SECONDS for r in runs if r["agencies"] <= 1000
        ),
    }
    if len(ordered) > 1:
        small, large = ordered[0], ordered[-1]
        growth = large["latency"]["mean_ms"] / small["latency"]["mean_ms"]
        out["growth"] = {
            "from_agencies": small["agencies"],
            "to_agencies": large["agencies"],
            "mean_cost_ratio": round(growth, 2),
            "max": TARGET_GROWTH,
            "met": growth <= TARGET_GROWTH,
        }
    return out


def table(runs: list[dict[str, Any]]) -> str:
    head = (
        "agencies  mode         updates  upd/s  p50 ms  p99 ms  mean ms  echo+write ms  ratio"
        "  db MB  peak MB  run s"
    )
    lines = [head, "-" * len(head)]
    for r in runs:
        base = r["baseline_mean_ms"]
        lines.append(
            f"{r['agencies']:>8}  {r['mode']:<11}  {r['updates']:>7}  "
            f"{r['updates_per_second']:>5.0f}  {r['latency']['p50_ms']:>6.2f}  "
            f"{r['latency']['p99_ms']:>6.2f}  {r['latency']['mean_ms']:>7.2f}  "
            f"{base:>13.3f}  {r['cost_ratio']:>5.1f}  {r['db_bytes'] / 2**20:>5.1f}  "
            f"{r['peak_rss_mb_season']:>7.0f}  {r['run_seconds']:>5.0f}"
        )
    lines.append("")
    lines.append("render ms (median of 5): " + "; ".join(
        f"{r['agencies']}: " + ", ".join(f"{k} {v}" for k, v in r["render_ms"].items())
        for r in runs
    ))  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agencies", type=int, nargs="+", default=[100], metavar="N")
    parser.add_argument("--json", metavar="OUT", help="write the figures as JSON to OUT")
    parser.add_argument(
        "--sample",
        type=int,
        metavar="K",
        help="time K officers' sessions on a database holding N-K finished reports",
    )
    parser.add_argument("--seed", type=int, default=2024, help="interleaving seed")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        metavar="R",
        help="run every N R times, taking turns; the run of median cost stands for N",
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # internal: one N here
    parser.add_argument("--prefill", type=int, help=argparse.SUPPRESS)  # internal
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)  # internal: --prefill's
    args = parser.parse_args(argv)
    if args.prefill is not None:
        logging.basicConfig(level=logging.WARNING)
        done = asyncio.run(prefilled(args.prefill, args.sample, args.seed, args.db))
        json.dump(done, sys.stdout)
        return 0
    if args.one is not None:
        sample = args.sample if args.sample is not None and args.sample < args.one else None
        json.dump(run_one(args.one, sample, args.seed), sys.stdout)
        return 0
    every: dict[int, list[dict[str, Any]]] = {n: [] for n in args.agencies}
    for r in range(args.repeat):  # taking turns: a slower spell of the machine hits every N
        for n in args.agencies:
            command = [sys.executable, __file__, "--one", str(n), "--seed", str(args.seed)]
            if args.sample is not None:
                command += ["--sample", str(args.sample)]
            print(f"season of {n} agencies, run {r + 1} ...", file=sys.stderr, flush=True)
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            every[n].append(json.loads(done.stdout))
    runs = [median_run(every[n]) for n in args.agencies]
    result = {
        "command": " ".join(["python", "benchmarks/season.py", *(argv or sys.argv[1:])]),
        "machine": machine(),
        "runs": runs,
        "targets": verdict(runs),
    }
    print(table(runs))
    print(json.dumps(result["targets"], ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
