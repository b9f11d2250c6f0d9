"""Load benchmark: N phones vote against the real server; prints one JSON line per run.

    python bench/load.py --phones 500 --workload w2 [--server-mode eventlet]

The server (run.py, as shipped) is pinned to CPU 0 and this driver to CPU 1. Only
127.0.0.1 is targeted; every run is bounded in time. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil
import socketio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import Server, free_port  # noqa: E402

WINDOW_SECONDS = 10.0
RUN_LIMIT_SECONDS = 120.0


def percentile(values: list[float], share: float) -> float:
    """Return the value below which `share` of values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def client(url: str, auth: dict | None = None) -> socketio.AsyncClient:
    sio = socketio.AsyncClient(reconnection=False)
    await sio.connect(url, transports=["websocket"], auth=auth, wait_timeout=30)
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


async def run(url: str, phones: int, workload: str, server_pid: int, flooding: bool) -> dict:
    async with aiohttp.ClientSession() as http:
        made = await (
            await http.post(
                f"{url}/api/workshops",
                json={
                    "title": "Bench",
                    "dots": 3,
                    "max_per_proposal": 1 if workload == "w2" else 3,
                },
            )
        ).json()
    code, token = made["code"], made["facilitator_token"]
    facilitator = await client(url, {"code": code, "token": token})
    await facilitator.call("change_stage", {"stage": "propose"})
    proposals = [
        (await facilitator.call("add_proposal", {"text": f"Idea {i}", "request_id": f"a{i}"}))[
            "proposal_id"
        ]
        for i in range(10)
    ]
    await facilitator.call("change_stage", {"stage": "vote"})

    seen: list[tuple[float, int]] = []  # (time, tally version) at the projector
    projector = await client(url, {"code": code, "role": "screen"})
    projector.on("tally_changed", lambda data: seen.append((time.perf_counter(), data["version"])))
    await projector.call("watch_workshop", {"code": code})

    join_times: list[float] = []

    async def seat(index: int) -> socketio.AsyncClient:
        start = time.perf_counter()
        sio = await client(url)
        answer = await sio.call(
            "join_workshop", {"code": code, "device_id": f"bench-{index:010d}"}, timeout=60
        )
        assert answer["ok"], answer
        join_times.append(time.perf_counter() - start)
        return sio

    seat_start = time.perf_counter()
    clients = await asyncio.gather(*(seat(i) for i in range(phones)))
    seat_seconds = time.perf_counter() - seat_start

    sent: list[tuple[float, int]] = []  # (send time, vote_id)
    failures: list[str] = []

    async def vote(sio: socketio.AsyncClient, index: int, delay: float, proposal: int, n: int):
        await asyncio.sleep(delay)
        start = time.perf_counter()
        answer = await sio.call(
            "cast_vote", {"proposal_id": proposal, "request_id": f"v{n}"}, timeout=60
        )
        if answer.get("ok"):
            sent.append((start, answer["vote_id"]))
        else:
            failures.append(answer.get("error", "?"))

    rng = random.Random(7)
    tasks = []
    for index, sio in enumerate(clients):
        if workload == "w1":
            plan = [(rng.uniform(0, WINDOW_SECONDS), rng.choice(proposals))]
        elif workload == "w2":
            plan = [(rng.uniform(0, WINDOW_SECONDS), p) for p in rng.sample(proposals, 3)]
        else:  # w3: everyone at the same moment
            plan = [(0.0, rng.choice(proposals))]
        tasks += [vote(sio, index, delay, p, n) for n, (delay, p) in enumerate(plan)]
    stop = asyncio.Event()
    flooder = asyncio.create_task(flood(url, code, proposals[0], stop)) if flooding else None
    cpu_before = psutil.Process(server_pid).cpu_times()
    vote_start = time.perf_counter()
    await asyncio.wait_for(asyncio.gather(*tasks), RUN_LIMIT_SECONDS)
    vote_seconds = time.perf_counter() - vote_start
    stop.set()
    flood_report = await flooder if flooder else None
    await asyncio.sleep(0.5)  # let the last coalesced tally arrive

    latencies = []
    for start, vote_id in sent:
        arrival = next((t for t, version in seen if version >= vote_id and t >= start), None)
        if arrival is not None:
            latencies.append((arrival - start) * 1000)
    async with aiohttp.ClientSession() as http:
        state = await (await http.get(f"{url}/api/workshops/{code}")).json()
    cpu_after = psutil.Process(server_pid).cpu_times()
    for sio in [*clients, projector, facilitator]:
        await sio.disconnect()
    return {
        "phones": phones,
        "workload": workload,
        "seat_all_s": round(seat_seconds, 3),
        "join_p95_ms": round(percentile(join_times, 0.95) * 1000, 1),
        "votes_acked": len(sent),
        "votes_refused": len(failures),
        "final_tally": state["tally"]["votes"],
        "tally_exact": state["tally"]["votes"]
        == len(sent) + (flood_report["counted"] if flood_report else 0),
        "flood": flood_report,
        "votes_per_s": round(len(sent) / vote_seconds, 1),
        "latency_ms": {
            "p50": round(percentile(latencies, 0.5), 1),
            "p95": round(percentile(latencies, 0.95), 1),
            "p99": round(percentile(latencies, 0.99), 1),
            "max": round(max(latencies, default=float("nan")), 1),
            "measured": len(latencies),
        },
        "tally_broadcasts_seen": len(seen),
        "server_cpu_s_voting": round(
            (cpu_after.user + cpu_after.system) - (cpu_before.user + cpu_before.system), 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--phones", type=int, default=200)
    parser.add_argument("--workload", choices=["w1", "w2", "w3"], default="w2")
    parser.add_argument("--server-mode", default="eventlet")
    parser.add_argument(
        "--flood", action="store_true", help="add one phone sending commands as fast as it can"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity") and os.cpu_count() and os.cpu_count() > 1:
        os.sched_setaffinity(0, {1})
    with tempfile.TemporaryDirectory() as data:
        # Production settings: the shipped rate limits apply to every phone.
        server = Server(Path(data), free_port(), "--server-mode", args.server_mode)
        server.start()
        if os.cpu_count() and os.cpu_count() > 1:
            os.sched_setaffinity(server.process.pid, {0})  # type: ignore[union-attr]
        peak = 0
        try:
            result = asyncio.run(
                asyncio.wait_for(
                    run(server.url, args.phones, args.workload, server.process.pid, args.flood),  # type: ignore[union-attr]
                    RUN_LIMIT_SECONDS * 2,
                )
            )
            peak = psutil.Process(server.process.pid).memory_info().rss  # type: ignore[union-attr]
        finally:
            server.stop()
        result.update(server_mode=args.server_mode, server_rss_mb_end=round(peak / 2**20, 1))
        print(json.dumps(result))


if __name__ == "__main__":
    main()
