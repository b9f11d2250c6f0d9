"""How much of the time a phone is connected while its Wi-Fi flaps; one JSON line.

    python bench/phone_flapping.py [--seconds 20] [--period 1.5]

Starts run.py on 127.0.0.1, joins a phone page (headless Chromium) to a workshop in the
vote stage, then switches the phone's network off and on every `period` seconds
(Playwright's offline switch, which fires the browser's `offline` and `online` events).
The page samples itself every 50 ms (navigator.onLine, and W.online, which common.js sets
on the socket's connect event), so a slow test driver cannot skew the numbers. Reported:
the share of the up time the phone was connected, and the median time from the network
coming back to the page being connected. The phone taps "Add a dot" once per up period;
`counted` is what the server counted at the end, against `taps` (every tap must count
once).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.helpers import CHROMIUM, LAUNCH_ARGS, PHONE, create_workshop, facilitator  # noqa: E402
from tests.servers import Server  # noqa: E402

# Sampled in the page, so a slow test driver cannot skew it: [navigator.onLine, W.online, ms].
SAMPLER = """() => {
  window.samples = [];
  setInterval(() => samples.push([navigator.onLine, W.online === true, performance.now()]), 50);
}"""


def comebacks(samples: list[list]) -> list[int]:
    """Return, for each time the network came back, the ms until the page was connected."""
    found: list[int] = []
    dropped, since = False, None
    for online, connected, at in samples:
        if not online:
            dropped, since = True, None
            continue
        if dropped:
            dropped, since = False, at
        if since is not None and connected:
            found.append(round(at - since))
            since = None
    return found


def flap(page: Any, context: Any, seconds: float, period: float) -> int:
    """Switch the network off and on every period, tapping once per up period; return taps."""
    add = page.get_by_role("button", name="Add a dot to: Peer mentors", exact=True)
    add.wait_for()
    page.evaluate(SAMPLER)
    taps, offline, started = 0, False, time.monotonic()
    while time.monotonic() - started < seconds:
        offline = not offline
        context.set_offline(offline)
        flipped = time.monotonic()
        if not offline:
            add.click()
            taps += 1
        time.sleep(max(0, period - (time.monotonic() - flipped)))
    context.set_offline(False)
    return taps


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--period", type=float, default=1.5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data:
        server = Server(Path(data)).start()
        try:
            made = create_workshop(server, "Bench: flapping", dots=20, max_per_proposal=20)
            fac = facilitator(server, made)
            fac.call("change_stage", {"stage": "propose"})
            fac.call("add_proposal", {"text": "Peer mentors", "request_id": "p1"})
            fac.call("change_stage", {"stage": "vote"})
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
                context = browser.new_context(**PHONE)
                page = context.new_page()
                page.goto(made["join_url"])
                page.get_by_role("button", name="Join").click()
                taps = flap(page, context, args.seconds, args.period)
                samples = page.evaluate("window.samples")
                page.wait_for_function(f"!localStorage.getItem('workshop.outbox.{made['code']}')")
                browser.close()
            auth = {"code": made["code"], "token": made["facilitator_token"]}
            tally = fac.call("facilitate_workshop", auth)["state"]["tally"]
            fac.close()
        finally:
            server.stop()
    up = [connected for online, connected, _ in samples if online]
    back_ms = comebacks(samples)
    result = {
        "seconds": args.seconds,
        "period_s": args.period,
        "connected_share_of_up_time": round(sum(up) / max(1, len(up)), 2),
        "back_ms_median": statistics.median(back_ms) if back_ms else None,
        "back_ms": back_ms,
        "taps": taps,
        "counted": sum(tally["totals"].values()),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
