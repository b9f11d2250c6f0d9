"""Start the workshop server: `python run.py [--demo]`, then open the printed links.

The server mode (eventlet by default) is chosen and monkey-patched here, first, before
Flask is imported; nothing else in the project knows which one runs.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import warnings


def _switch(name: str) -> bool:
    """Read an on/off WORKSHOP_* variable: 1, true, yes or on turn it on."""
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command-line flags (each also settable as a WORKSHOP_* variable)."""
    env = os.environ.get
    parser = argparse.ArgumentParser(description="Run live participatory workshops.")
    parser.add_argument("--host", default=env("WORKSHOP_HOST", "0.0.0.0"))
    parser.add_argument("--port", type=int, default=int(env("WORKSHOP_PORT", "5000")))
    parser.add_argument(
        "--data-dir",
        default=env("WORKSHOP_DATA_DIR"),
        help="folder for the SQLite file and the secret key (default: instance/)",
    )
    parser.add_argument(
        "--database-url",
        default=env("WORKSHOP_DATABASE_URL"),
        help="e.g. postgresql+psycopg://user@host/db (default: SQLite)",
    )
    parser.add_argument(
        "--message-queue",
        default=env("WORKSHOP_MESSAGE_QUEUE"),
        help="e.g. redis://127.0.0.1:6379/0, to run several processes",
    )
    parser.add_argument(
        "--public-url",
        default=env("WORKSHOP_PUBLIC_URL"),
        help="the address phones use, when behind a proxy or on a fixed name",
    )
    parser.add_argument(
        "--trusted-proxies",
        default=env("WORKSHOP_TRUSTED_PROXIES"),
        help="proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1 or 10.0.0.0/8",
    )
    parser.add_argument(
        "--server-mode",
        default=env("WORKSHOP_SERVER_MODE", "eventlet"),
        choices=["eventlet", "gevent", "threading"],
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=_switch("WORKSHOP_DEMO"),
        help="create a demo workshop replaying the Maidstone review",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        default=_switch("WORKSHOP_ACCESS_LOG"),
        help="log every request (this logs attendees' IP addresses)",
    )
    return parser.parse_args(argv)


def tune_garbage_collector() -> None:
    """Collect cycles less often: with 2,000 phones connected, full collections took
    about 0.2-0.3 s each (2.5 s of a 2,000-phone run), stalling every client.

    Startup objects are frozen out of every collection, and the youngest generation is
    collected after 50,000 allocations instead of 700, so short-lived objects (a
    message, a command's rows) die by reference counting before they are promoted;
    cycles are still collected, only in fewer, later passes.
    """
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 10)


def main(argv: list[str] | None = None) -> None:
    """Start the server and print where phones, the wall and the facilitator go."""
    args = parse_args(argv)
    if args.server_mode == "eventlet":
        # eventlet announces its bug-fix-only status on import; the README says so once.
        warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
        import eventlet

        eventlet.monkey_patch()
    elif args.server_mode == "gevent":
        from gevent import monkey

        monkey.patch_all()

    import logging

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.access_log:  # werkzeug (threading mode) logs each visitor's IP address
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from workshop import create_app
    from workshop.store.urls import normalise
    from workshop.web import qr

    overrides = {
        "HOST": args.host,
        "PORT": args.port,
        "SERVER_MODE": args.server_mode,
        "MESSAGE_QUEUE": args.message_queue,
        "PUBLIC_URL": args.public_url,
        "TRUSTED_PROXIES": args.trusted_proxies,
        "DATABASE_URL": normalise(args.database_url) if args.database_url else None,
    }
    if args.data_dir:
        overrides["DATA_DIR"] = args.data_dir
    app = create_app({k: v for k, v in overrides.items() if v is not None})
    base = app.config["WORKSHOP_BASE_URL"]
    print(f"\nWorkshop server on {base}  (home page: {base}/)")
    if base.startswith("http://127.") or base.startswith("http://localhost"):
        print("No network found: phones cannot reach this laptop until it joins Wi-Fi.")
    else:
        print("Phones must be on the same Wi-Fi; guest networks may keep them apart.")
    if args.demo:
        from workshop.usecases.demo import create_demo

        demo = create_demo(app.extensions["workshop.usecases"])
        review, live = demo.review, demo.follow_ups[-1]
        print(f"\nDemo workshop {review.code}: the Maidstone partnership review (results)")
        print(
            f"  Facilitator (keep private): {base}/w/{review.code}/facilitate#token={review.token}"
        )
        print(f"  Projector screen:           {base}/w/{review.code}/screen")
        print(f"  Phones join at:             {base}/w/{review.code}")
        print(f"\nDemo workshop {live.code}: action planning in Maidstone (live), after")
        print("  the follow-ups in Gravesend and Tonbridge")
        print(f"  Facilitator (keep private): {base}/w/{live.code}/facilitate#token={live.token}")
        print(f"  Projector screen:           {base}/w/{live.code}/screen")
        print(f"  Phones join at:             {base}/w/{live.code}")
        print(f"  The series and its plan:    {base}/s/{review.code}\n")
        print(qr.terminal(f"{base}/w/{review.code}"))
    else:
        # Phones can open the home page and type a workshop's join code there.
        print(f"\nPhones can open {base}/ and type the join code shown on the wall:\n")
        print(qr.terminal(f"{base}/"))
    sys.stdout.flush()
    socketio = app.extensions["workshop.socketio"]
    tune_garbage_collector()
    if args.server_mode == "threading":  # werkzeug's server: development and tests
        socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True)
    elif args.server_mode == "eventlet":
        import eventlet.wsgi

        # eventlet stops accepting at 1,024 connections unless told otherwise.
        listening = listener(args.host, args.port)
        eventlet.wsgi.server(listening, app, max_size=10_000, log_output=args.access_log)
    else:
        from gevent import pywsgi

        log = "default" if args.access_log else None
        pywsgi.WSGIServer(listener(args.host, args.port), app, log=log).serve_forever()


def listener(host: str, port: int) -> socket.socket:
    """Return the listening socket (a green one once monkey-patched) for eventlet or gevent.

    Its connections send each message at once (TCP_NODELAY, which Linux, the BSDs,
    macOS and Windows pass from a listening socket to the sockets it accepts). Without
    it, Nagle's algorithm held a tally back while the projector had not yet
    acknowledged the previous one, and a projector acknowledges late (delayed ACKs, up
    to 40 ms): at 50 phones the p99 of vote-to-wall was 34-36 ms without, 26-27 ms with
    (bench/README.md). A backlog of 1,024 lets a hall scan the QR code at once.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.create_server((host, port), family=family, backlog=1024)
    listening.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return listening


if __name__ == "__main__":
    main()
