"""A bare python-socketio server speaking just enough of the workshop protocol for load.py.

    python bench/echo_server.py --port 5001 [--server-mode eventlet|gevent|threading]

It is the ceiling for this stack on this machine: the same server mode, the same
Socket.IO and Engine.IO versions and the same driver as the real server, with no
application work at all (no database, no Flask, no validation, no rate limits).

- `join_workshop` and `watch_workshop` put the connection in a room and answer with
  a small ack; the phone's `state` is a fixed placeholder, not a snapshot.
- `cast_vote` counts the vote in memory and answers `{"ok", "dots_left", "vote_id"}`.
- Tallies are coalesced exactly like the real server's wall lane: a vote sends the
  tally at once if none went out in the last `--interval` (20 ms, the app's
  `SCREEN_BROADCAST_INTERVAL`; the leading edge), otherwise it only marks the
  workshop dirty and a background task sends at most one `tally_changed` to the
  screens per interval. A broadcast per vote would be a different (and much slower)
  design, so it would not be a fair ceiling.
- `POST /api/workshops`, `GET /api/workshops/<code>` and the facilitator commands
  the driver uses (`change_stage`, `add_proposal`, `set_display`) answer as the real
  server would.
"""

from __future__ import annotations

import argparse
import sys


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5001)
    parser.add_argument(
        "--server-mode", default="eventlet", choices=["eventlet", "gevent", "threading"]
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=0.02,
        help="seconds between tallies to the screen (the app's SCREEN_BROADCAST_INTERVAL)",
    )
    args = parser.parse_args()
    if args.server_mode == "eventlet":
        import warnings

        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif args.server_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()

    import json
    import threading
    import time

    import socketio

    sio = socketio.Server(async_mode=args.server_mode, ping_interval=10, ping_timeout=20)
    lock = threading.Lock()
    counts = {"votes": 0, "participants": 0, "proposals": 0, "dirty": False}
    totals: dict[str, int] = {}

    @sio.event
    def connect(sid: str, environ: dict, auth: object = None) -> bool:
        if isinstance(auth, dict) and auth.get("role") == "screen":
            sio.enter_room(sid, "screen")
        return True

    @sio.on("join_workshop")
    def join_workshop(sid: str, data: dict) -> dict:
        with lock:
            counts["participants"] += 1
            pid = counts["participants"]
        sio.enter_room(sid, "phone")
        sio.enter_room(sid, f"p:{pid}")
        return {
            "ok": True,
            "participant_id": pid,
            "device_id": data.get("device_id"),
            "state": {"stage": "vote", "version": 1},
            "me": {"participant_id": pid, "dots_left": 3},
        }

    @sio.on("watch_workshop")
    def watch_workshop(sid: str, data: dict) -> dict:
        sio.enter_room(sid, "screen")
        return {"ok": True, "state": {"stage": "vote", "version": 1}}

    @sio.on("change_stage")
    def change_stage(sid: str, data: dict) -> dict:
        return {"ok": True, "stage": data.get("stage")}

    @sio.on("set_display")
    def set_display(sid: str, data: dict) -> dict:
        return {"ok": True}

    @sio.on("add_proposal")
    def add_proposal(sid: str, data: dict) -> dict:
        with lock:
            counts["proposals"] += 1
            return {"ok": True, "proposal_id": counts["proposals"]}

    @sio.on("cast_vote")
    def cast_vote(sid: str, data: dict) -> dict:
        with lock:
            counts["votes"] += 1
            vote_id = counts["votes"]
            key = str(data.get("proposal_id"))
            totals[key] = totals.get(key, 0) + 1
            counts["dirty"] = True
        send_if_due()  # the leading edge, as the app's: a quiet room hears a vote at once
        return {"ok": True, "dots_left": 2, "vote_id": vote_id}

    last_sent = [0.0]

    def send_if_due() -> None:
        with lock:
            if not counts["dirty"] or time.monotonic() - last_sent[0] < args.interval:
                return
            counts["dirty"] = False
            last_sent[0] = time.monotonic()
            tally = {
                "version": counts["votes"],
                "votes": counts["votes"],
                "totals": dict(totals),
            }
        sio.emit("tally_changed", tally, to="screen")

    def broadcaster() -> None:
        while True:
            sio.sleep(max(args.interval / 4, 0.005))
            send_if_due()

    sio.start_background_task(broadcaster)

    def http(environ: dict, start_response) -> list[bytes]:
        path, method = environ.get("PATH_INFO", ""), environ.get("REQUEST_METHOD", "GET")
        if path == "/healthz":
            body: dict = {"ok": True}
        elif path == "/api/workshops" and method == "POST":
            body = {"code": "ECHO01", "facilitator_token": "echo"}
        elif path.startswith("/api/workshops/"):
            with lock:
                body = {"tally": {"votes": counts["votes"], "totals": dict(totals)}}
        else:
            start_response("404 Not Found", [("Content-Type", "application/json")])
            return [b'{"ok": false}']
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps(body).encode()]

    app = socketio.WSGIApp(sio, http)
    print(f"echo server ({args.server_mode}) on http://{args.host}:{args.port}", flush=True)
    if args.server_mode == "eventlet":
        import eventlet.wsgi

        # As run.py does: eventlet stops accepting at 1,024 connections otherwise.
        eventlet.wsgi.server(
            eventlet.listen((args.host, args.port)), app, max_size=10_000, log_output=False
        )
    elif args.server_mode == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer((args.host, args.port), app, log=None).serve_forever()
    else:
        import logging

        from werkzeug.serving import run_simple

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # as run.py: no access log
        run_simple(args.host, args.port, app, threaded=True)
    sys.exit(0)


if __name__ == "__main__":
    main()
