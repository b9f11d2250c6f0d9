"""A hide on a big board: how long until every phone has heard it, and how many bytes each got.

    python bench/hide_board.py --phones 500 --proposals 500             # phones take deltas
    python bench/hide_board.py --phones 500 --proposals 500 --snapshots # as before deltas
    python bench/hide_board.py --phones 500 --proposals 500 --voted     # every phone voted on it

Starts run.py as bench/load.py does (pinned to CPU 0, this driver on CPU 1), puts
`--proposals` ideas on the board in the vote stage, seats `--phones` phones (announcing
`"deltas": 1` unless `--snapshots`), then the facilitator hides one idea, `--hides`
times, a second apart. For each hide it reports the time from sending `hide_proposal`
until the last phone heard it (a `state_delta` or `state_changed` whose version is at
least the hide's), and the bytes of JSON each phone received for it. With `--voted`,
every phone first puts a dot on each idea to be hidden, so each hide also changes every
phone's own view (`my_state_changed`): it reports when the last phone heard that too.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import (
    DRIVER_CPU,
    SERVER_CPU,
    client,
    get_json,
    percentile,
    raise_fd_limit,
    start_servers,
)


async def scenario(args: argparse.Namespace, url: str) -> dict:
    made = await get_json(f"{url}/api/workshops", "POST", {"title": "Big board", "dots": 3})
    code, token = made["code"], made["facilitator_token"]
    console = await client(url, {"code": code, "token": token})
    await console.call("facilitate_workshop", {"code": code, "token": token})
    await console.call("change_stage", {"stage": "propose"})
    ids = []
    for n in range(args.proposals):
        text = f"Idea {n} for the next two years"
        while True:  # the console's own allowance (20 a second) paces a scripted board
            added = await console.call("add_proposal", {"text": text, "request_id": f"a{n}"})
            if added.get("reason") != "rate_limited":
                break
            await asyncio.sleep(0.05)
        ids.append(added["proposal_id"])
    await console.call("change_stage", {"stage": "vote"})

    heard: list[list[tuple[float, int, int]]] = []  # per phone: (time, version, bytes)
    own: list[list[float]] = []  # per phone: when its own view came
    gate = asyncio.Semaphore(100)

    async def seat(index: int):
        async with gate:
            heard.append([])
            own.append([])
            mine, my_view = heard[-1], own[-1]
            sio = await client(url)
            sio.on("my_state_changed", lambda _data: my_view.append(time.perf_counter()))

            def on(name: str):
                def got(data: dict) -> None:
                    size = len(json.dumps(data, separators=(",", ":")))
                    mine.append((time.perf_counter(), data["version"], size))

                return got

            sio.on("state_changed", on("state_changed"))
            sio.on("state_delta", on("state_delta"))
            join = {"code": code, "device_id": f"hide-board-{index:08d}"}
            if not args.snapshots:
                join["deltas"] = 1
            answer = await sio.call("join_workshop", join, timeout=90)
            assert answer["ok"], answer
            for hide in range(args.hides if args.voted else 0):
                vote = {"proposal_id": ids[hide], "points": 1, "request_id": f"v{hide}"}
                voted = await sio.call("cast_vote", vote, timeout=90)
                assert voted["ok"], voted
            return sio

    phones = await asyncio.gather(*(seat(n) for n in range(args.phones)))
    await asyncio.sleep(1)
    results = []
    for hide in range(args.hides):
        for mine in heard:
            mine.clear()
        for my_view in own:
            my_view.clear()
        sent = time.perf_counter()
        await console.call("hide_proposal", {"proposal_id": ids[hide], "hidden": True})
        again = await console.call("facilitate_workshop", {"code": code, "token": token})
        version = again["state"]["version"]
        deadline = time.perf_counter() + 30
        while time.perf_counter() < deadline:
            if all(any(v >= version for _, v, _ in mine) for mine in heard) and (
                not args.voted or all(own)
            ):
                break
            await asyncio.sleep(0.01)
        arrivals = [
            min((t for t, v, _ in mine if v >= version), default=float("inf")) for mine in heard
        ]
        sizes = [sum(size for _, _, size in mine) for mine in heard]
        views = [min(my_view, default=float("inf")) for my_view in own]
        results.append(
            {
                "all_heard_ms": round((max(arrivals) - sent) * 1000, 1),
                "own_views_heard_ms": round((max(views) - sent) * 1000, 1) if args.voted else None,
                "p50_heard_ms": round((percentile(arrivals, 0.5) - sent) * 1000, 1),
                "bytes_per_phone_max": max(sizes),
                "bytes_all_phones": sum(sizes),
            }
        )
        await asyncio.sleep(1)
    for sio in phones:
        await sio.disconnect()
    await console.disconnect()
    return {
        "phones": args.phones,
        "proposals": args.proposals,
        "clients_take": "snapshots" if args.snapshots else "deltas",
        "voted": args.voted,
        "hides": results,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=500)
    parser.add_argument("--proposals", type=int, default=500)
    parser.add_argument("--hides", type=int, default=3)
    parser.add_argument("--snapshots", action="store_true", help="phones announce no deltas")
    parser.add_argument("--voted", action="store_true", help="phones vote on hidden ideas")
    parser.add_argument("--server-mode", default="eventlet")
    args = parser.parse_args()
    # What start_servers reads: one app process on CPU 0, as bench/load.py runs it.
    args.target, args.processes, args.server_cpus = "app", 1, SERVER_CPU
    raise_fd_limit()
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {DRIVER_CPU})
    with tempfile.TemporaryDirectory() as folder:
        servers = start_servers(args, Path(folder), None)
        try:
            report = asyncio.run(asyncio.wait_for(scenario(args, servers[0].url), 300))
        finally:
            for server in servers:
                server.stop()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
