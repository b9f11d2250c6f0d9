"""Load benchmark: N phones vote against the real server; prints one JSON line per run.

    python bench/load.py --phones 500 --workload w2 [--server-mode eventlet] [--target echo]
    python bench/load.py --matrix            # N x W1..W3 against the echo server and the app
    python bench/load.py --processes 3 --phones 5000 --workload w2   # scale-out

The server (run.py as shipped, or bench/echo_server.py) is started under `taskset`
pinned to CPU 0 and this driver pins itself to CPU 1. Only 127.0.0.1 is targeted;
every run is bounded in time, and so is the whole matrix. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WINDOW_SECONDS = 10.0
RUN_LIMIT_SECONDS = 150.0  # one run, driver side
MATRIX_LIMIT_SECONDS = 15 * 60.0  # the whole matrix
MATRIX_PHONES = (50, 200, 500, 1000, 2000)
WORKLOADS = ("w1", "w2", "w3")
SERVER_CPU = "0"
DRIVER_CPU = 1
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS = "redis://127.0.0.1:6379/0"


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def raise_fd_limit() -> None:
    """Let this process (and the servers it starts) hold thousands of sockets."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 65536 if hard == resource.RLIM_INFINITY else hard
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- servers -------------------------------------------------------------------


class Launched:
    """One server process started under taskset, with its log in a file."""

    def __init__(self, command: list[str], port: int, cpus: str, log: Path, env: dict) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        taskset = ["taskset", "-c", cpus] if shutil.which("taskset") else []
        with log.open("ab") as out:
            # taskset execs the server, so the pid is the server's own.
            self.process = subprocess.Popen(
                [*taskset, *command], stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, env=env
            )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"server did not start in {timeout}s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_servers(args: argparse.Namespace, data: Path, database_url: str | None) -> list[Launched]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "WORKSHOP_EXPORTS_DIR": str(data / "exports")}
    # Every phone of the driver comes from 127.0.0.1: the per-address limit on new
    # attendees (a burst of 100, issue #14) would refuse the seating of a big room.
    env.setdefault("WORKSHOP_JOIN_BURST", "1000000")
    servers = []
    for index in range(args.processes):
        port = free_port()
        if args.target == "echo":
            command = [sys.executable, str(ROOT / "bench" / "echo_server.py")]
            command += ["--port", str(port), "--server-mode", args.server_mode]
        else:
            # run.py as shipped: production settings, its own logging, no access log.
            command = [sys.executable, str(ROOT / "run.py"), "--host", "127.0.0.1"]
            command += ["--port", str(port), "--server-mode", args.server_mode]
            command += ["--data-dir", str(data / f"node{index}")]
            command += ["--public-url", f"http://127.0.0.1:{port}"]
            if database_url:
                command += ["--database-url", database_url]
            if args.processes > 1:
                command += ["--message-queue", args.message_queue]
        servers.append(Launched(command, port, args.server_cpus, data / f"server{index}.log", env))
    for server in servers:
        server.wait_ready()
    return servers


@contextlib.contextmanager
def fresh_database(base_url: str):
    """Create a brand-new PostgreSQL database for one run and drop it afterwards."""
    import sqlalchemy

    from workshop.store.urls import normalise

    base = normalise(base_url)
    name = f"workshop_bench_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class Sampler:
    """Samples the servers' RSS every 100 ms; reads their CPU seconds on demand."""

    def __init__(self, pids: list[int]) -> None:
        import psutil

        self.processes = [psutil.Process(pid) for pid in pids]
        self.peak_each = [0] * len(pids)
        self.peak_sum = 0
        self.task: asyncio.Task | None = None

    def cpu(self) -> float:
        total = 0.0
        for process in self.processes:
            times = process.cpu_times()
            total += times.user + times.system
        return total

    def sample(self) -> None:
        rss = []
        for process in self.processes:
            try:
                rss.append(process.memory_info().rss)
            except Exception:
                rss.append(0)
        self.peak_each = [max(a, b) for a, b in zip(self.peak_each, rss, strict=True)]
        self.peak_sum = max(self.peak_sum, sum(rss))

    async def run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(0.1)

    def start(self) -> None:
        self.task = asyncio.create_task(self.run())

    def stop(self) -> None:
        self.sample()
        if self.task:
            self.task.cancel()


# -- the driver ----------------------------------------------------------------


async def client(url: str, auth: dict | None = None):
    import socketio

    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(url, transports=["websocket"], auth=auth, wait_timeout=60)
    return sio


async def flood(url: str, code: str, proposal: int, stop: asyncio.Event) -> dict:
    """One phone sending commands as fast as it can until told to stop."""
    sio = await client(url)
    await sio.call("join_workshop", {"code": code, "device_id": "bench-flooder-000001"})
    sent = refused = counted = 0
    while not stop.is_set():
        answer = await sio.call("cast_vote", {"proposal_id": proposal, "request_id": f"f{sent}"})
        sent += 1
        refused += answer.get("reason") == "rate_limited"
        counted += bool(answer.get("ok"))
    await sio.disconnect()
    return {"sent": sent, "rate_limited": refused, "counted": counted}


async def get_json(url: str, method: str = "GET", body: dict | None = None) -> dict:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.request(method, url, json=body) as answer:
        return await answer.json()


async def scenario(args: argparse.Namespace, urls: list[str], sampler: Sampler) -> dict:
    phones, workload = args.phones, args.workload
    made = await get_json(
        f"{urls[0]}/api/workshops",
        "POST",
        {"title": "Bench", "dots": 3, "max_per_proposal": 1 if workload == "w2" else 3},
    )
    code, token = made["code"], made["facilitator_token"]
    # The facilitator and the projector sit on the first process; the phones go
    # round-robin from the second, so most of them are on other processes than the wall.
    facilitator = await client(urls[0], {"code": code, "token": token})
    await facilitator.call("change_stage", {"stage": "propose"})
    proposals = []
    for i in range(10):
        added = await facilitator.call("add_proposal", {"text": f"Idea {i}", "request_id": f"a{i}"})
        proposals.append(added["proposal_id"])
    await facilitator.call("change_stage", {"stage": "vote"})
    # The wall counts live (results are hidden from it by default): the projector's
    # tally_changed and the final tally over HTTP then carry the votes.
    await facilitator.call("set_display", {"wall_mode": "results"})

    seen: list[tuple[float, int]] = []  # (time, tally version) at the projector
    projector = await client(urls[0], {"code": code, "role": "screen"})
    projector.on("tally_changed", lambda data: seen.append((time.perf_counter(), data["version"])))
    await projector.call("watch_workshop", {"code": code})

    join_times: list[float] = []
    gate = asyncio.Semaphore(args.connect_concurrency)

    async def seat(index: int):
        async with gate:
            start = time.perf_counter()
            sio = await client(urls[(index + 1) % len(urls)])
            answer = await sio.call(
                "join_workshop", {"code": code, "device_id": f"bench-{index:010d}"}, timeout=90
            )
            assert answer["ok"], answer
            join_times.append(time.perf_counter() - start)
            return sio

    cpu_start = sampler.cpu()
    seat_start = time.perf_counter()
    clients = await asyncio.gather(*(seat(i) for i in range(phones)))
    seat_seconds = time.perf_counter() - seat_start
    cpu_seated = sampler.cpu()
    await asyncio.sleep(0.5)  # let the attendance broadcasts of the last joins go out

    sent: list[tuple[float, int]] = []  # (send time, vote_id)
    failures: list[str] = []

    async def vote(sio, delay: float, proposal: int, n: int) -> None:
        await asyncio.sleep(delay)
        start = time.perf_counter()
        answer = await sio.call(
            "cast_vote", {"proposal_id": proposal, "request_id": f"v{n}"}, timeout=90
        )
        if answer.get("ok"):
            sent.append((start, answer["vote_id"]))
        else:
            failures.append(answer.get("error", "?"))

    rng = random.Random(7)
    tasks = []
    for sio in clients:
        if workload == "w1":
            plan = [(rng.uniform(0, WINDOW_SECONDS), rng.choice(proposals))]
        elif workload == "w2":
            plan = [(rng.uniform(0, WINDOW_SECONDS), p) for p in rng.sample(proposals, 3)]
        else:  # w3: everyone at the same moment
            plan = [(0.0, rng.choice(proposals))]
        tasks += [vote(sio, delay, p, n) for n, (delay, p) in enumerate(plan)]
    stop = asyncio.Event()
    flooder = (
        asyncio.create_task(flood(urls[1 % len(urls)], code, proposals[0], stop))
        if args.flood
        else None
    )
    cpu_before = sampler.cpu()
    vote_start = time.perf_counter()
    await asyncio.gather(*tasks)
    vote_seconds = time.perf_counter() - vote_start
    stop.set()
    flood_report = await flooder if flooder else None
    # Wait for the projector to see the last acknowledged vote (bounded).
    last = max((vote_id for _, vote_id in sent), default=0)
    deadline = time.perf_counter() + 10
    while time.perf_counter() < deadline and not any(v >= last for _, v in seen):
        await asyncio.sleep(0.05)
    cpu_after = sampler.cpu()

    latencies = []
    for start, vote_id in sent:
        arrival = next((t for t, version in seen if version >= vote_id and t >= start), None)
        if arrival is not None:
            latencies.append((arrival - start) * 1000)
    # The last vote's acknowledgement and the projector's first tally including it.
    last_ack = max((start for start, _ in sent), default=vote_start)
    first_full = next((t for t, v in seen if v >= last), float("nan"))
    state = await get_json(f"{urls[-1]}/api/workshops/{code}")

    async def leave(sio) -> None:
        with contextlib.suppress(Exception):
            await sio.disconnect()

    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(
            asyncio.gather(*(leave(sio) for sio in [*clients, projector, facilitator])), 20
        )
    counted_flood = flood_report["counted"] if flood_report else 0
    return {
        "phones": phones,
        "workload": workload,
        "seat_all_s": round(seat_seconds, 3),
        "join_p95_ms": round(percentile(join_times, 0.95) * 1000, 1),
        "votes_acked": len(sent),
        "votes_refused": len(failures),
        "final_tally": state["tally"]["votes"],
        "tally_exact": state["tally"]["votes"] == len(sent) + counted_flood,
        "flood": flood_report,
        "votes_per_s": round(len(sent) / vote_seconds, 1),
        "vote_phase_s": round(vote_seconds, 3),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.5), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(max(latencies, default=float("nan")), 1),
            "measured": len(latencies),
        },
        "last_vote_sent_to_wall_ms": round((first_full - last_ack) * 1000, 1),
        "tally_broadcasts_seen": len(seen),
        "server_cpu_s_seating": round(cpu_seated - cpu_start, 2),
        "server_cpu_s_voting": round(cpu_after - cpu_before, 2),
    }


def run_once(args: argparse.Namespace) -> dict:
    """Start the server(s), drive one workload, stop them; return the report."""
    raise_fd_limit()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {DRIVER_CPU})
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        database = (
            fresh_database(args.database_url)
            if args.processes > 1 and args.target == "app"
            else contextlib.nullcontext(None)
        )
        with database as database_url:
            servers = start_servers(args, data, database_url)
            try:
                sampler = Sampler([s.process.pid for s in servers])
                cpu_at_start = sampler.cpu()

                async def bounded() -> dict:
                    # The driver's own garbage collector paused it for up to 300 ms at
                    # 2,000 clients, and those pauses showed up as server latency.
                    gc.disable()
                    sampler.start()
                    try:
                        return await asyncio.wait_for(
                            scenario(args, [s.url for s in servers], sampler), args.run_limit
                        )
                    finally:
                        sampler.stop()

                result = asyncio.run(bounded())
                result["server_cpu_s_total"] = round(sampler.cpu() - cpu_at_start, 2)
                result["server_peak_rss_mb"] = round(sampler.peak_sum / 2**20, 1)
                if len(servers) > 1:
                    result["server_peak_rss_mb_each"] = [
                        round(p / 2**20, 1) for p in sampler.peak_each
                    ]
            finally:
                for server in servers:
                    server.stop()
                    if args.log_dir:
                        Path(args.log_dir).mkdir(parents=True, exist_ok=True)
                        shutil.copy(server.log, Path(args.log_dir) / server.log.name)
    result.update(
        target=args.target,
        server_mode=args.server_mode,
        processes=args.processes,
        server_cpus=args.server_cpus,
    )
    return result


def run_in_child(args: argparse.Namespace, phones: int, workload: str, target: str) -> dict:
    """Run one case in its own process, bounded in time; a failure becomes a JSON line."""
    command = [sys.executable, str(Path(__file__).resolve()), "--phones", str(phones)]
    command += ["--workload", workload, "--target", target, "--server-mode", args.server_mode]
    command += ["--processes", str(args.processes), "--server-cpus", args.server_cpus]
    command += ["--connect-concurrency", str(args.connect_concurrency)]
    base = {"phones": phones, "workload": workload, "target": target}
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=RUN_LIMIT_SECONDS + 60
        )
    except subprocess.TimeoutExpired:
        return {**base, "error": f"run exceeded {RUN_LIMIT_SECONDS + 60:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {**base, "error": (done.stderr or done.stdout)[-800:]}
    return json.loads(lines[-1])


def matrix(args: argparse.Namespace) -> None:
    """Every N x workload, the echo server first and then the app; one JSON line each."""
    deadline = time.monotonic() + MATRIX_LIMIT_SECONDS
    phones_list = [int(n) for n in args.matrix_phones.split(",")]
    for phones in phones_list:
        for workload in WORKLOADS:
            echo: dict | None = None
            for target in ("echo", "app"):
                if time.monotonic() > deadline:
                    print(
                        json.dumps(
                            {
                                "phones": phones,
                                "workload": workload,
                                "target": target,
                                "skipped": "the matrix ran out of its 15 minutes",
                            }
                        )
                    )
                    continue
                result = run_in_child(args, phones, workload, target)
                if target == "echo":
                    echo = result
                elif echo and "error" not in echo and "error" not in result:
                    result["echo_votes_per_s"] = echo["votes_per_s"]
                    result["echo_seat_all_s"] = echo["seat_all_s"]
                    result["votes_per_s_vs_echo"] = round(
                        result["votes_per_s"] / echo["votes_per_s"], 3
                    )
                    result["seat_rate_vs_echo"] = round(
                        echo["seat_all_s"] / result["seat_all_s"], 3
                    )
                print(json.dumps(result), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--workload", choices=WORKLOADS, default="w2")
    parser.add_argument("--target", choices=["app", "echo"], default="app")
    parser.add_argument("--server-mode", default=None, choices=["eventlet", "gevent", "threading"])
    parser.add_argument(
        "--flood", action="store_true", help="add one phone sending commands as fast as it can"
    )
    parser.add_argument("--matrix", action="store_true", help="N x W1..W3, echo then app")
    parser.add_argument("--matrix-phones", default=",".join(map(str, MATRIX_PHONES)))
    parser.add_argument("--processes", type=int, default=1, help="scale-out: K run.py processes")
    parser.add_argument(
        "--server-cpus", default=SERVER_CPU, help="taskset CPU list for the server(s)"
    )
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES, help="scale-out store")
    parser.add_argument("--message-queue", default=DEFAULT_REDIS, help="scale-out queue")
    parser.add_argument(
        "--connect-concurrency",
        type=int,
        default=200,
        help="at most this many phones connecting at once while seating",
    )
    parser.add_argument("--log-dir", help="keep the servers' output in this folder")
    parser.add_argument(
        "--run-limit",
        type=float,
        default=None,
        help="seconds one run may take (150; 600 scaled out)",
    )
    args = parser.parse_args()
    if args.run_limit is None:
        args.run_limit = RUN_LIMIT_SECONDS if args.processes == 1 else 4 * RUN_LIMIT_SECONDS
    if args.server_mode is None:
        # psycopg 3 does not cooperate with eventlet: PostgreSQL deployments run gevent.
        args.server_mode = "gevent" if args.processes > 1 else "eventlet"
    if args.matrix:
        matrix(args)
        return
    print(json.dumps(run_once(args)), flush=True)


if __name__ == "__main__":
    main()
