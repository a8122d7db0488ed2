"""The benchmark (``make bench``, ``python -m bench run``): serves the portal as in production,
loads it with wrk from a second process on loopback, and writes a Markdown report of every figure
against the hello route of the same run (docs/benchmark-results.md).

For each engine (PostgreSQL, SQLite) and size (S, L) it prepares a database with
``python -m bench generate-data``, starts ``python -m bench serve`` (``portal serve`` plus the
hello route; no debug, no access log), signs in the heavy customer's manager and two staff
accounts through the API, and runs each scenario ``--runs`` times for ``--duration`` seconds after
a warm-up, taking the median. It is a measurement, never a pass/fail test: the report states each
target and whether this machine met it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import closing
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from bench.datagen import BENCH_PASSWORD, HEAVY_MANAGER, STAFF, STAFF_ADMIN

PROJECT_ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("load.lua")
PORTAL = Path(sys.executable).with_name("portal")
BENCH = (sys.executable, "-m", "bench")  # run from PROJECT_ROOT, where the bench package is
HEAVY_COMPANY_ID = 1  # the generator's first company
CONNECTIONS = 32


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    path: str
    who: str | None  # None: anonymous; else "customer", "staff" or "admin"
    method: str = "GET"
    draw: bool = False
    page: bool = False  # an HTML page or list the targets speak of


SCENARIOS = (
    Scenario("hello", "/bench/hello", None),
    Scenario("catalogue JSON", "/api/v1/services", None),
    Scenario("dashboard", "/dashboard", "customer", page=True),  # where a customer lands
    Scenario("order list", "/orders", "customer", page=True),
    Scenario("staff order queue", "/staff/orders", "staff", page=True),
    Scenario("staff ticket queue", "/staff/tickets", "staff", page=True),
    Scenario(
        "credit draws", f"/api/v1/staff/companies/{HEAVY_COMPANY_ID}/credit", "admin", "POST", draw=True
    ),
)
PACED = ("dashboard", "order list")  # p99 at half of the measured maximum rate
SERVER_COMPARISON = ("hello", "catalogue JSON", "dashboard", "order list")


@dataclass(slots=True)
class Figure:
    engine: str
    size: str
    server: str
    scenario: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    runs: list[dict[str, Any]]
    paced_rps: float | None = None
    paced_p99_ms: float | None = None
    max_rss_mb: float | None = None
    consistent: bool | None = None
    balance: int | None = None
    page_kb: float | None = None  # the page's HTML, so L/S can be read against what each renders


# --- databases ------------------------------------------------------------------------------------


def database_url(engine: str, size: str, pg_admin: str) -> str:
    if engine == "sqlite":
        return f"sqlite:///{PROJECT_ROOT / 'var' / 'bench' / f'portal-{size}.sqlite3'}"
    return pg_admin.rsplit("/", 1)[0] + f"/portal_bench_{size.lower()}"


def _pg_admin_run(pg_admin: str, statement: str) -> Any:
    import asyncio

    import asyncpg

    async def run() -> Any:
        connection = await asyncpg.connect(pg_admin)
        try:
            return await connection.fetch(statement)
        finally:
            await connection.close()

    return asyncio.run(run())


def _migrate_reused(url: str, env: dict[str, str]) -> str:
    """A database kept from an earlier run still gets the migrations written since."""
    command = [str(PORTAL), "migrate"]
    subprocess.run(command, env={**env, "DATABASE_URL": url}, check=True, capture_output=True)  # noqa: S603
    return "reused from an earlier run (migrated to this commit)"


def prepare(engine: str, size: str, url: str, pg_admin: str, reuse: bool, env: dict[str, str]) -> str:
    """A migrated database holding the generated data set of ``size``; returns what was done."""
    if engine == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        if reuse and path.exists():
            return _migrate_reused(url, env)
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in path.parent.glob(path.name + "*"):
            leftover.unlink()
    else:
        name = url.rsplit("/", 1)[1]
        exists = _pg_admin_run(pg_admin, f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
        if reuse and exists:
            return _migrate_reused(url, env)
        _pg_admin_run(pg_admin, f"DROP DATABASE IF EXISTS {name}")
        _pg_admin_run(pg_admin, f"CREATE DATABASE {name}")
    db_env = {**env, "DATABASE_URL": url}
    subprocess.run([str(PORTAL), "migrate"], env=db_env, check=True, capture_output=True)  # noqa: S603
    done = subprocess.run(  # noqa: S603
        [*BENCH, "generate-data", "--size", size],
        cwd=PROJECT_ROOT,
        env=db_env,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def ledger_check(engine: str, url: str, company_id: int) -> tuple[bool, int]:
    """Balance == ledger sum == lots' remaining sum == last balance_after, and ≥ 0: one statement,
    so all four come from the same snapshot (draws still in flight commit between statements)."""
    query = (
        f"SELECT (SELECT balance FROM credit_account WHERE company = {company_id}), "  # noqa: S608
        f"(SELECT sum(amount) FROM credit_entry WHERE company = {company_id}), "
        f"(SELECT sum(remaining) FROM credit_lot WHERE company = {company_id}), "
        f"(SELECT balance_after FROM credit_entry WHERE company = {company_id} ORDER BY id DESC LIMIT 1)"
    )
    if engine == "sqlite":
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
            values = list(connection.execute(query).fetchone())
    else:
        values = list(_pg_admin_run(url, query)[0])
    values = [int(value) for value in values]
    return len(set(values)) == 1 and values[0] >= 0, values[0]


# --- the server -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """``python -m bench serve`` (``portal serve`` plus the hello route) in its own process group,
    as production runs the portal."""

    def __init__(self, server: str, url: str, env: dict[str, str], log: Path, workers: int) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                *(*BENCH, "serve", "--server", server, "--workers", str(workers)),
                *("--port", str(self.port), "--host", "127.0.0.1"),
            ],
            cwd=PROJECT_ROOT,
            env={**env, "DATABASE_URL": url},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the server did not start; see {log}")

    def processes(self) -> list[int]:
        """The server's process and its children (granian runs the app in a worker process)."""
        pids = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return pids

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class RssSampler:
    """The largest resident set of any one process of the server while load runs."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.max_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            for pid in self.server.processes():
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        self.max_kb = max(self.max_kb, int(line.split()[1]))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.max_kb / 1024


def sign_in(base: str, email: str) -> tuple[str, str]:
    """A session through the JSON API; returns the Cookie header and the CSRF token."""
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.get("/api/v1/auth/csrf").json()["token"]
        response = client.post(
            "/api/v1/auth/login",
            json={"email": email, "password": BENCH_PASSWORD},
            headers={"x-csrftoken": token},
        )
        response.raise_for_status()
        cookie = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        token = client.cookies["csrftoken"]  # the session's own: signing in rotated it
    return cookie, token


# --- wrk ------------------------------------------------------------------------------------------


def wrk(
    base: str,
    scenario: Scenario,
    credentials: tuple[str, str] | None,
    seconds: float,
    delay_ms: float = 0,
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "run.json"
        env = {
            **os.environ,
            "BENCH_METHOD": scenario.method,
            "BENCH_COOKIE": credentials[0] if credentials else "",
            "BENCH_CSRF": credentials[1] if credentials else "",
            "BENCH_DRAW": "1" if scenario.draw else "0",
            "BENCH_DELAY_MS": f"{delay_ms:.1f}",
            "BENCH_OUT": str(out),
            "BENCH_RUN_ID": f"{time.time_ns()}",
        }
        command = [
            "wrk", "-t1", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
            "-s", str(LUA), base + scenario.path,
        ]  # fmt: skip
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=seconds + 60)  # noqa: S603
        raw = json.loads(out.read_text())
    seconds_taken = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["status"] + raw["timeout"]
    return {
        "rps": raw["requests"] / seconds_taken,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": errors,
        "requests": raw["requests"],
    }


def page_size_kb(base: str, scenario: Scenario, credentials: tuple[str, str] | None) -> float:
    headers = {"cookie": credentials[0]} if credentials else {}
    return len(httpx.get(base + scenario.path, headers=headers, timeout=30).content) / 1024


def measure(
    base: str, scenario: Scenario, credentials: tuple[str, str] | None, runs: int, seconds: float
) -> tuple[float, float, float, int, list[dict[str, Any]]]:
    wrk(base, scenario, credentials, min(2.0, seconds))  # warm-up: caches, pool, JIT of templates
    results = [wrk(base, scenario, credentials, seconds) for _ in range(runs)]
    return (
        statistics.median(r["rps"] for r in results),
        statistics.median(r["p50_ms"] for r in results),
        statistics.median(r["p99_ms"] for r in results),
        int(statistics.median(r["errors"] for r in results)),
        results,
    )


# --- one engine and size --------------------------------------------------------------------------


def bench_one(
    engine: str, size: str, server_name: str, url: str, env: dict[str, str], args: argparse.Namespace,
    scenarios: tuple[Scenario, ...], log_dir: Path,
) -> list[Figure]:  # fmt: skip
    server = Server(server_name, url, env, log_dir / f"{engine}-{size}-{server_name}.log", args.workers)
    figures = []
    try:
        credentials = {
            "customer": sign_in(server.base, HEAVY_MANAGER),
            "staff": sign_in(server.base, STAFF),
            "admin": sign_in(server.base, STAFF_ADMIN),
        }
        for scenario in scenarios:
            creds = credentials[scenario.who] if scenario.who else None
            sampler = RssSampler(server)
            rps, p50, p99, errors, runs = measure(server.base, scenario, creds, args.runs, args.duration)
            figure = Figure(engine, size, server_name, scenario.name, rps, p50, p99, errors, runs)
            if scenario.name in PACED and args.paced and server_name == args.server and rps > 0:
                # each connection waits a random time (exponential, load.lua) before its next
                # request, so that all together ask at half the rate just measured, at random
                # moments as independent users do, not in bursts of 32
                delay = CONNECTIONS * 1000 / (rps / 2)
                paced = [wrk(server.base, scenario, creds, args.duration, delay) for _ in range(args.runs)]
                figure.paced_rps = statistics.median(r["rps"] for r in paced)
                figure.paced_p99_ms = statistics.median(r["p99_ms"] for r in paced)
            figure.max_rss_mb = sampler.stop()
            if scenario.page:
                figure.page_kb = page_size_kb(server.base, scenario, creds)
            if scenario.draw:
                time.sleep(1)  # the draws wrk left in flight finish
                figure.consistent, figure.balance = ledger_check(engine, url, HEAVY_COMPANY_ID)
            figures.append(figure)
            print(
                f"  {engine:8} {size} {server_name:8} {scenario.name:20} {rps:8.1f} req/s  "
                f"p50 {p50:7.2f} ms  p99 {p99:7.2f} ms  errors {errors}",
                flush=True,
            )
    finally:
        server.stop()
    return figures


# --- the report -----------------------------------------------------------------------------------


def _find(figures: list[Figure], **where: str) -> Figure | None:
    return next((f for f in figures if all(getattr(f, key) == value for key, value in where.items())), None)


def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}" if value and base else "–"


def _met(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**not met**")


def targets(figures: list[Figure], server: str) -> list[tuple[str, str, str]]:
    """(target, measured, met) for every target of the issue that this run measured."""
    rows: list[tuple[str, str, str]] = []

    def get(engine: str, size: str, scenario: str) -> Figure | None:
        return _find(figures, engine=engine, size=size, scenario=scenario, server=server)

    for engine in ("postgres", "sqlite"):
        for size in ("S", "L"):
            hello, catalogue = get(engine, size, "hello"), get(engine, size, "catalogue JSON")
            if hello and catalogue:
                ratio = catalogue.rps / hello.rps
                rows.append(
                    (f"catalogue JSON ≥ 0.8 × hello ({engine}, {size})", f"{ratio:.2f}", _met(ratio >= 0.8))
                )
        for name in PACED:
            hello, page = get(engine, "L", "hello"), get(engine, "L", name)
            if hello and page:
                ratio = page.rps / hello.rps
                rows.append((f"{name} on L ≥ 0.4 × hello ({engine})", f"{ratio:.2f}", _met(ratio >= 0.4)))
                if page.paced_p99_ms is not None:
                    rows.append((
                        f"{name} on L: p99 < 50 ms at half the maximum rate ({engine})",
                        f"{page.paced_p99_ms:.1f} ms at {page.paced_rps:.0f} req/s",
                        _met(page.paced_p99_ms < 50),
                    ))  # fmt: skip
        for scenario in SCENARIOS:
            if not scenario.page:
                continue
            small, large = get(engine, "S", scenario.name), get(engine, "L", scenario.name)
            if small and large:
                ratio = large.rps / small.rps
                measured = f"{ratio:.2f}"
                if small.page_kb and large.page_kb and large.page_kb > 1.5 * small.page_kb:
                    # a queue that fills its page on L but not on S: more rows to render, not more to search
                    measured += f" (the page: {small.page_kb:.0f} KB on S, {large.page_kb:.0f} KB on L)"
                rows.append((f"{scenario.name}: L ≥ 0.8 × S ({engine})", measured, _met(ratio >= 0.8)))
    for size in ("S", "L"):
        draws = get("postgres", size, "credit draws")
        if draws:
            ok = draws.rps >= 800 and bool(draws.consistent)
            rows.append((
                f"credit draws on PostgreSQL ≥ 800/s, nothing overspent ({size})",
                f"{draws.rps:.0f}/s, ledger {'consistent' if draws.consistent else 'INCONSISTENT'}, "
                f"balance {draws.balance}",
                _met(ok),
            ))  # fmt: skip
        for engine in ("sqlite",):
            for scenario in SCENARIOS:
                if not scenario.page:
                    continue
                lite, pg = get(engine, size, scenario.name), get("postgres", size, scenario.name)
                if lite and pg:
                    ratio = pg.rps / lite.rps
                    rows.append((
                        f"SQLite {scenario.name} within 2 × of PostgreSQL ({size})",
                        f"PostgreSQL/SQLite {ratio:.2f}",
                        _met(ratio <= 2),
                    ))  # fmt: skip
    rss = [f.max_rss_mb for f in figures if f.max_rss_mb and f.server == server]
    if rss:
        rows.append(
            (
                "resident memory of one app process under load < 200 MB",
                f"{max(rss):.0f} MB",
                _met(max(rss) < 200),
            )
        )
    return rows


def server_verdict(figures: list[Figure], main: str, other: str) -> list[str]:
    """Which server served the pages faster: the geometric mean of other/main over the page
    scenarios compared (the hello route measures the server alone, not the portal)."""
    ratios = []
    for f in figures:
        if f.server == other and f.scenario in PACED:
            mine = _find(figures, engine=f.engine, size=f.size, scenario=f.scenario, server=main)
            if mine and mine.rps and f.rps:
                ratios.append(f.rps / mine.rps)
    if not ratios:
        return []
    mean = statistics.geometric_mean(ratios)
    faster = other if mean > 1 else main
    return [
        f"{other}/{main} requests/s on the pages, geometric mean over {len(ratios)} figures: {mean:.2f} "
        f"— {faster} served the pages faster in this run."
    ]


def report(
    figures: list[Figure], args: argparse.Namespace, prepared: dict[str, str], started: datetime
) -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )  # fmt: skip
    commit = args.commit
    lines = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (bench/benchmark.py) on {started:%Y-%m-%d %H:%M} UTC, "
        f"commit `{commit}`. Machine: {os.cpu_count()} cores ({cpu}), shared with other work while it ran. "
        f"wrk with 1 thread and {CONNECTIONS} connections on loopback; each figure is the median of "
        f"{args.runs} run(s) of {args.duration:g} s after a warm-up. "
        f"Server: `python -m bench serve --server {args.server} --workers {args.workers}` "
        "(the Docker image's default workers), PORTAL_ENV=production (no debug, no access log). "
        "×hello is the figure's requests/s over the hello route's in the same engine, size and server; "
        "L/S is the L figure over the S figure.",
        "",
        "Data sets (`python -m bench generate-data`):",
        "",
    ]
    lines += [f"- {key}: {value}" for key, value in prepared.items()]
    lines += ["", "## Targets", "", "| target | measured | |", "|---|---|---|"]
    lines += [f"| {t} | {m} | {ok} |" for t, m, ok in targets(figures, args.server)]
    for engine in ("postgres", "sqlite"):
        if not any(f.engine == engine for f in figures):
            continue
        lines += [
            "",
            f"## {'PostgreSQL' if engine == 'postgres' else 'SQLite (embedded)'}",
            "",
            "| scenario | S req/s | S p50 ms | S p99 ms | S errors | S ×hello "
            "| L req/s | L p50 ms | L p99 ms | L errors | L ×hello | L/S |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for scenario in SCENARIOS:
            cells = [scenario.name]
            per_size = {}
            for size in ("S", "L"):
                figure = _find(figures, engine=engine, size=size, scenario=scenario.name, server=args.server)
                hello = _find(figures, engine=engine, size=size, scenario="hello", server=args.server)
                per_size[size] = figure
                if figure:
                    cells += [
                        f"{figure.rps:.0f}", f"{figure.p50_ms:.1f}", f"{figure.p99_ms:.1f}",
                        str(figure.errors),
                        _ratio(figure.rps, hello.rps if hello else None),
                    ]  # fmt: skip
                else:
                    cells += ["–"] * 5
            small, large = per_size["S"], per_size["L"]
            cells.append(_ratio(large.rps if large else None, small.rps if small else None))
            lines.append("| " + " | ".join(cells) + " |")
        paced = [
            f
            for f in figures
            if f.engine == engine and f.paced_p99_ms is not None and f.server == args.server
        ]
        if paced:
            lines += [
                "",
                "At half the maximum rate:",
                "",
                "| scenario | size | req/s | p99 ms |",
                "|---|---|---:|---:|",
            ]
            lines += [
                f"| {f.scenario} | {f.size} | {f.paced_rps:.0f} | {f.paced_p99_ms:.1f} |" for f in paced
            ]
        draws = [f for f in figures if f.engine == engine and f.consistent is not None]
        if draws:
            lines += [""]
            lines += [
                f"Credit draws ({f.size}, {f.server}): balance afterwards {f.balance} haléřů; "
                "balance = ledger sum = lots' remaining = last balance_after: "
                f"{'yes' if f.consistent else 'NO'}."
                for f in draws
            ]
    others = [f for f in figures if f.server != args.server]
    if others:
        lines += [
            "",
            "## Servers: uvicorn and granian, same app",
            "",
            "| engine | size | scenario | server | req/s | p50 ms | p99 ms | ×hello | max RSS MB |",
            "|---|---|---|---|---:|---:|---:|---:|---:|",
        ]
        compared = [
            f
            for f in figures
            if f.scenario in SERVER_COMPARISON and _find(others, engine=f.engine, size=f.size)
        ]
        for f in sorted(
            compared, key=lambda f: (f.engine, f.size, SERVER_COMPARISON.index(f.scenario), f.server)
        ):
            hello = _find(figures, engine=f.engine, size=f.size, scenario="hello", server=f.server)
            lines.append(
                f"| {f.engine} | {f.size} | {f.scenario} | {f.server} | {f.rps:.0f} | {f.p50_ms:.1f} | "
                f"{f.p99_ms:.1f} | {_ratio(f.rps, hello.rps if hello else None)} | {f.max_rss_mb or 0:.0f} |"
            )
    if others:
        lines += ["", *server_verdict(figures, args.server, others[0].server)]
    rss = [f for f in figures if f.max_rss_mb]
    if rss:
        worst = max(rss, key=lambda f: f.max_rss_mb or 0)
        lines += [
            "",
            f"Largest resident memory of one app process under load: {worst.max_rss_mb:.0f} MB "
            f"({worst.engine}, {worst.size}, {worst.server}, {worst.scenario}).",
        ]
    return "\n".join(lines) + "\n"


# --- the command ----------------------------------------------------------------------------------


def ensure_wrk() -> None:
    if shutil.which("wrk"):
        return
    print("wrk is missing: installing it from the system packages (apt-get install wrk)", flush=True)
    subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S607
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)  # noqa: S607


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default="postgres,sqlite")
    parser.add_argument("--sizes", default="S,L")
    parser.add_argument(
        "--server", default="uvicorn", choices=["uvicorn", "granian"], help="the server measured"
    )
    parser.add_argument("--compare-server", default="granian", help="also measure this one (empty: no)")
    parser.add_argument(
        "--workers", type=int, default=2, help="server worker processes (the Docker image runs 2)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per wrk run")
    parser.add_argument("--quick", action="store_true", help="S only, one 2-second run each")
    parser.add_argument("--reuse", action="store_true", help="keep databases already generated")
    parser.add_argument("--no-paced", dest="paced", action="store_false", help="skip the half-rate runs")
    parser.add_argument("--scenarios", default="", help="comma-separated names (default: all)")
    parser.add_argument("--out", default=str(PROJECT_ROOT / "docs" / "benchmark-results.md"))
    parser.add_argument(
        "--pg-admin", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.duration = "S", 1, 2.0
    ensure_wrk()
    started = datetime.now(UTC)
    # the commit whose code the servers run: read at the start, not when the report is written
    args.commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=PROJECT_ROOT, capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    env = {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": "bench-" + "k" * 40,
        "NOTIFICATION_INTERVAL_SECONDS": "0",
        "CREDIT_EXPIRY_INTERVAL_SECONDS": "0",
        "SMTP_URL": "smtp://127.0.0.1:9",
    }
    env.pop("DEBUG", None)
    wanted = {name.strip() for name in args.scenarios.split(",") if name.strip()}
    scenarios = tuple(s for s in SCENARIOS if not wanted or s.name in wanted or s.name == "hello")
    log_dir = PROJECT_ROOT / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    figures: list[Figure] = []
    prepared: dict[str, str] = {}
    for engine in [e.strip() for e in args.engines.split(",") if e.strip()]:
        for size in [s.strip() for s in args.sizes.split(",") if s.strip()]:
            url = database_url(engine, size, args.pg_admin)
            print(f"{engine} {size}: preparing {url}", flush=True)
            began = time.perf_counter()
            prepared[f"{engine} {size}"] = f"{prepare(engine, size, url, args.pg_admin, args.reuse, env)} "
            prepared[f"{engine} {size}"] += f"(prepared in {time.perf_counter() - began:.0f} s)"
            figures += bench_one(engine, size, args.server, url, env, args, scenarios, log_dir)
            if args.compare_server and args.compare_server != args.server:
                compared = tuple(s for s in scenarios if s.name in SERVER_COMPARISON)
                figures += bench_one(engine, size, args.compare_server, url, env, args, compared, log_dir)
    (log_dir / "results.json").write_text(json.dumps([asdict(f) for f in figures], indent=1))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(report(figures, args, prepared, started))
    print(f"report: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
