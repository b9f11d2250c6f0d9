"""A reference client written from docs/protocol.md alone: join, vote, print the tally.

    python bench/reference_client.py --url http://localhost:5000
    python bench/reference_client.py --url http://... --code K7P2QX --token <facilitator token>

Without --code it creates a workshop with three proposals and opens the vote, as a
facilitator would. It then joins as an attendee, places one dot, and waits, as a
facilitator's console, for the first tally whose version reaches the vote's
vote_id: that tally counts the vote (docs/protocol.md, "vote_id"). It needs only
`pip install "python-socketio[client]"`.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import threading
import time
import urllib.request
from typing import Any

import socketio

PROTOCOL = 1  # the version of docs/protocol.md this client was written for


def http_json(url: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
    """GET (or POST a JSON body to) url and return the JSON answer."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


def send(sio: socketio.Client, command: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Send a command and return its ack; retry with the same request_id if rate limited."""
    for _ in range(20):
        ack = sio.call(command, payload, timeout=10)
        if ack.get("reason") != "rate_limited":  # a refused command did nothing: retry is safe
            break
        time.sleep(0.25)
    if not ack["ok"]:
        raise SystemExit(f"{command} refused ({ack['reason']}): {ack['error']}")
    return ack  # type: ignore[no-any-return]


def request_id() -> str:
    """Return a fresh request_id (letters and digits, well under 64 characters)."""
    return secrets.token_hex(8)


def open_vote(console: socketio.Client) -> None:
    """Collect three proposals and open voting, as the facilitator would."""
    send(console, "change_stage", {"stage": "propose"})
    for text in ("A stronger community focus", "Better communication", "More training"):
        send(console, "add_proposal", {"text": text, "request_id": request_id()})
    send(console, "change_stage", {"stage": "vote"})


def run(url: str, code: str | None, token: str | None, timeout: float) -> int:
    """Join, vote once and print the first tally that counts the vote."""
    health = http_json(f"{url}/healthz")
    if health.get("protocol") != PROTOCOL:
        print(f"warning: the server speaks protocol {health.get('protocol')}, not {PROTOCOL}")
    if code is None:
        made = http_json(f"{url}/api/workshops", {"title": "Reference client", "dots": 5})
        code, token = made["code"], made["facilitator_token"]
    tallies: list[dict[str, Any]] = []
    arrived = threading.Condition()

    console = socketio.Client(reconnection=False)

    @console.on("tally_changed")
    def on_tally(tally: dict[str, Any]) -> None:
        with arrived:
            tallies.append(tally)
            arrived.notify_all()

    console.connect(url, transports=["websocket"])
    state = send(console, "facilitate_workshop", {"code": code, "token": token})["state"]
    if state["stage"] != "vote":
        open_vote(console)

    phone = socketio.Client(reconnection=False)
    phone.connect(url, transports=["websocket"])
    joined = send(phone, "join_workshop", {"code": code, "device_id": secrets.token_urlsafe(16)})
    ballot = joined["state"]["round"]["proposal_ids"]
    texts = {p["id"]: p["text"] for p in joined["state"]["proposals"]}
    vote = {"proposal_id": ballot[0], "round_id": joined["me"]["round_id"]}
    voted = send(phone, "cast_vote", {**vote, "request_id": request_id()})
    print(f"workshop {code}: one dot on #{ballot[0]}, vote_id {voted['vote_id']}")

    with arrived:
        counted = arrived.wait_for(
            lambda: any(t["version"] >= voted["vote_id"] for t in tallies), timeout
        )
    phone.disconnect()
    console.disconnect()
    if not counted:
        print(f"no tally reached version {voted['vote_id']} in {timeout} s")
        return 1
    tally = next(t for t in tallies if t["version"] >= voted["vote_id"])
    counts = f"votes counted: {tally['votes']}; voters: {tally['voters']}"
    print(f"tally version {tally['version']}; {counts}")
    for row in tally["ranking"]:
        tied = " (tied)" if row["tied"] else ""
        print(f"{row['rank']:>3}. {row['points']:>3}  {texts.get(row['proposal_id'], '?')}{tied}")
    return 0


def main() -> int:
    """Read the command line and run the client."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:5000")
    parser.add_argument("--code", help="an existing workshop (with --token); default: make one")
    parser.add_argument("--token", help="its facilitator token")
    parser.add_argument("--timeout", type=float, default=10.0)
    args = parser.parse_args()
    if args.code and not args.token:
        parser.error("--code needs the workshop's --token, to read the tally as its facilitator")
    return run(args.url.rstrip("/"), args.code, args.token, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
