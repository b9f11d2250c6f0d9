"""What a hostile client costs other people's votes, on loopback against the real server.

    python bench/hostile.py [--seconds 10]

Starts run.py (eventlet, its default limits) on 127.0.0.1 with a fresh data folder. A
"victim" phone in one workshop votes and takes back a dot in a loop, timing each ack,
while in turn: nothing else (baseline); one socket loops join_workshop with a fresh
device id and cast_vote (the fake crowd); four 250 KB imports with huge lists; ten
sockets sending 255 KB names. Prints one JSON line per phase. Bounded: every phase
stops after --seconds, and only 127.0.0.1 is ever contacted.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.servers import Server


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def workshop(url: str, title: str) -> dict:
    status, made = post(f"{url}/api/workshops", json.dumps({"title": title, "dots": 20}).encode())
    assert status == 201, made
    return made


def fake_crowd(url: str, code: str, proposal: int, stop: threading.Event, out: dict) -> None:
    """Loop joins with fresh device ids and votes on one socket, reconnecting when hung up."""
    n = refused = connections = 0
    while not stop.is_set():
        crowd = socketio.Client(reconnection=False)
        crowd.connect(url, transports=["websocket"])
        connections += 1
        try:
            while not stop.is_set() and crowd.connected:
                joined = crowd.call(
                    "join_workshop", {"code": code, "device_id": f"fake-crowd-{n:010d}"}
                )
                crowd.call("cast_vote", {"proposal_id": proposal, "request_id": f"f{n}"}, timeout=3)
                refused += not joined.get("ok")
                n += 1
        except (socketio.exceptions.SocketIOError, ConnectionError):
            pass  # hung up on: connect again, as a script would
        finally:
            if crowd.connected:
                crowd.disconnect()
    out.update(loops=n, joins_refused=refused, connections=connections)


def huge_imports(url: str, made: dict, stop: threading.Event, out: dict) -> None:
    headers = {"Authorization": f"Bearer {made['facilitator_token']}"}
    request = urllib.request.Request(
        f"{url}/api/workshops/{made['code']}/plan.json", headers=headers
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        plan = json.loads(answer.read())
    # A real export whose one proposal claims 50,000 merged duplicates (about 250 KB).
    plan["proposals"] = [{**plan["proposals"][0], "merged": ["a"] * 50_000}]
    body = json.dumps(plan).encode()
    times, statuses = [], []
    for _ in range(4):
        if stop.is_set():
            break
        began = time.perf_counter()
        status, _answer = post(f"{url}/api/workshops/import", body)
        times.append(round(time.perf_counter() - began, 3))
        statuses.append(status)
    out.update(import_kb=len(body) // 1024, import_seconds=times, import_statuses=statuses)


def huge_names(url: str, code: str, stop: threading.Event, out: dict) -> None:
    sockets = [socketio.Client(reconnection=False) for _ in range(10)]
    for each in sockets:
        each.connect(url, transports=["websocket"])
    sent = 0
    name = "x" * 255_000
    while not stop.is_set() and sent < 200:
        for n, each in enumerate(sockets):
            each.call(
                "join_workshop", {"code": code, "device_id": f"big-name-{n:08d}", "name": name}
            )
            sent += 1
    out.update(names_sent=sent)
    for each in sockets:
        each.disconnect()


def phase(name: str, url: str, victim: tuple, seconds: float, attack: Callable | None) -> dict:
    phone, proposal = victim
    stop, out = threading.Event(), {}
    worker = threading.Thread(target=attack, args=(stop, out)) if attack else None
    if worker:
        worker.start()
    waits, n, deadline = [], 0, time.monotonic() + seconds
    while time.monotonic() < deadline and (worker is None or worker.is_alive() or n < 20):
        command = "cast_vote" if n % 2 == 0 else "retract_vote"
        began = time.perf_counter()
        phone.call(command, {"proposal_id": proposal, "request_id": f"{name}-{n}"}, timeout=60)
        waits.append((time.perf_counter() - began) * 1000)
        n += 1
        time.sleep(0.02)
    stop.set()
    if worker:
        worker.join(timeout=60)
    waits.sort()
    return {
        "phase": name,
        "victim_votes": len(waits),
        "p50_ms": round(statistics.median(waits), 1),
        "p99_ms": round(waits[min(len(waits) - 1, math.ceil(len(waits) * 0.99) - 1)], 1),
        "max_ms": round(waits[-1], 1),
        **out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder)).start()
        try:
            run(server.url, args.seconds)
        finally:
            server.stop()


def run(url: str, seconds: float) -> None:
    target, mine = workshop(url, "Target"), workshop(url, "Victim")
    for made in (target, mine):
        boss = socketio.Client(reconnection=False)
        boss.connect(url, transports=["websocket"])
        boss.call("facilitate_workshop", {"code": made["code"], "token": made["facilitator_token"]})
        boss.call("change_stage", {"stage": "propose"})
        made["proposal"] = boss.call("add_proposal", {"text": "A", "request_id": "a"})[
            "proposal_id"
        ]
        boss.call("change_stage", {"stage": "vote"})
        made["boss"] = boss
    phone = socketio.Client(reconnection=False)
    phone.connect(url, transports=["websocket"])
    phone.call("join_workshop", {"code": mine["code"], "device_id": "victim-phone-000001"})
    victim = (phone, mine["proposal"])
    code, proposal = target["code"], target["proposal"]
    phases = [
        ("baseline", None),
        ("fake_crowd", lambda stop, out: fake_crowd(url, code, proposal, stop, out)),
        ("huge_import", lambda stop, out: huge_imports(url, target, stop, out)),
        ("huge_names", lambda stop, out: huge_names(url, code, stop, out)),
    ]
    for name, attack in phases:
        result = phase(name, url, victim, seconds, attack)
        if name == "fake_crowd":
            state = target["boss"].call(
                "facilitate_workshop", {"code": code, "token": target["facilitator_token"]}
            )
            result["attendees_made"] = state["state"]["joined"]
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
