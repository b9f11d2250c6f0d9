"""How fast a facilitator clears the review queue by keyboard, in headless Chromium; one JSON line.

    python bench/review_queue.py [--proposals 200]

Starts run.py on 127.0.0.1, creates a workshop with pre-moderation on, has forty
attendees (python-socketio clients, so no one trips the rate limit) submit
`--proposals` ideas, opens the console
in Debian's Chromium at 1366x768, focuses the first waiting idea and presses "a"
once per idea, each press after the console shows the previous one gone (as a
person would: look, press; the console drops it at the press, before the laptop
answers) and at most five a second. Reports the time spent pressing, the time until
the laptop has shared every idea (asked over a facilitator socket), and the
median and 95th percentile from a press to the console showing one fewer.
The issue's target is 200 ideas in five minutes (1.5 s each, most of it a person
reading): the machinery should take a small part of that. The time per approval
includes Playwright's own round trip to the page (polling for the new count).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser.helpers import (
    CHROMIUM,
    LAUNCH_ARGS,
    attendee,
    create_workshop,
    facilitator,
)
from tests.servers import Server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=200)
    args = parser.parse_args()
    from playwright.sync_api import expect, sync_playwright

    server = Server(Path(tempfile.mkdtemp(prefix="review-queue-"))).start()
    try:
        made = create_workshop(server, pre_moderation=True)
        steer = facilitator(server, made)
        steer.call("change_stage", {"stage": "propose"})
        people = [attendee(server, made["code"], f"bench-queue-{n:010d}") for n in range(40)]
        for n in range(args.proposals):
            text = f"Idea {n}: more peer support at the hubs"
            people[n % 40].call("submit_proposal", {"text": text, "request_id": f"b-{n}"})
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
            console = browser.new_page(viewport={"width": 1366, "height": 768})
            console.goto(made["facilitator_url"])
            count = console.locator("#queue-n")
            expect(count).to_have_text(str(args.proposals), timeout=60_000)
            console.locator("#queue li").first.focus()
            gaps: list[float] = []
            pressed = time.monotonic()
            started = time.monotonic()
            for left in range(args.proposals - 1, -1, -1):
                # Every connection, the console's too, may send 5 commands a second
                # after a burst of 20 (RATE_PER_SECOND): pace the presses at that.
                time.sleep(max(0.0, 0.2 - (time.monotonic() - pressed)) if gaps else 0)
                pressed = time.monotonic()
                console.keyboard.press("a")
                expect(count).to_have_text(str(left), timeout=60_000)
                gaps.append(time.monotonic() - pressed)
            pressing = time.monotonic() - started
            # The console drops an idea from its queue at the key press; the laptop
            # shares it a moment later. Wait until it has shared every one.
            auth = {"code": made["code"], "token": made["facilitator_token"]}
            while any(
                entry["status"] == "held"
                for entry in steer.call("facilitate_workshop", auth)["state"]["held"]
            ):
                time.sleep(0.2)
            total = time.monotonic() - started
            shared = len(steer.call("facilitate_workshop", auth)["state"]["proposals"])
            browser.close()
        gaps.sort()
        print(
            json.dumps(
                {
                    "proposals": args.proposals,
                    "seconds_pressing": round(pressing, 2),
                    "seconds_until_all_shared": round(total, 2),
                    "shared": shared,
                    "ms_per_approval_median": round(statistics.median(gaps) * 1000, 1),
                    "ms_per_approval_p95": round(gaps[int(len(gaps) * 0.95) - 1] * 1000, 1),
                    "target_seconds": 300,
                    "load_average_1min": round(os.getloadavg()[0], 1),
                }
            )
        )
        for client in (steer, *people):
            client.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
