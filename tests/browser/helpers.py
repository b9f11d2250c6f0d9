"""Helpers shared by the browser tests: a socket client to steer a workshop, axe-core, layout."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import socketio

from tests.servers import Server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
GROUPS = ["People using the service", "Partner staff", "Community organisations"]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
NETWORK_NOISE = (
    "net::ERR_INTERNET_DISCONNECTED",
    "net::ERR_CONNECTION_REFUSED",
    "net::ERR_CONNECTION_RESET",
    "net::ERR_EMPTY_RESPONSE",
    "WebSocket connection to",
)


def create_workshop(server: Server, title: str = "Partnership review", **fields: Any) -> dict:
    """Create a workshop over the JSON API and return the creation answer."""
    body = json.dumps({"title": title, "dots": 5, "max_per_proposal": 3, **fields}).encode()
    request = urllib.request.Request(
        f"{server.url}/api/workshops", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        made: dict = json.loads(answer.read())
    assert made["ok"], made
    return made


class Client:
    """A python-socketio client that speaks the protocol (a facilitator or an attendee)."""

    def __init__(self, server: Server, auth: dict[str, Any] | None = None) -> None:
        self.sio = socketio.Client(reconnection=False)
        self.sio.connect(server.url, transports=["websocket"], auth=auth, wait_timeout=10)

    def call(self, command: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Send a command and return its ack, which must be ok."""
        answer: dict[str, Any] = self.sio.call(command, payload, timeout=10)
        assert answer.get("ok"), (command, payload, answer)
        return answer

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()


def facilitator(server: Server, made: dict) -> Client:
    """Return a client bound as the facilitator of a workshop."""
    auth = {"code": made["code"], "token": made["facilitator_token"]}
    client = Client(server, auth)
    client.call("facilitate_workshop", auth)
    return client


def attendee(server: Server, code: str, device_id: str, **fields: str) -> Client:
    """Return a client joined as the attendee of that device."""
    client = Client(server, {"code": code, "device_id": device_id})
    client.call("join_workshop", {"code": code, "device_id": device_id, **fields})
    return client


def published(server: Server, idea: str) -> dict[str, Any]:
    """Create a workshop with a priority and an action, its plan public, and a follow-up."""
    made = create_workshop(server, groups=GROUPS)
    fac = facilitator(server, made)
    fac.call("change_stage", {"stage": "propose"})
    pid = fac.call("add_proposal", {"text": idea, "request_id": "p1"})["proposal_id"]
    fac.call("set_priorities", {"proposal_ids": [pid]})
    action = {
        "priority_id": pid,
        "text": "Ask the food bank to host a stall",
        "owner": "Jo",
        "due_on": "2026-05-01",
        "request_id": "a1",
    }
    fac.call("add_action", action)
    fac.call("set_details", {"place": "Gravesend", "held_on": "2026-04-15", "plan_public": True})
    fac.close()
    request = urllib.request.Request(
        f"{server.url}/api/workshops/{made['code']}/follow-ups",
        data=json.dumps({"title": "Follow-up", "place": "Tonbridge"}).encode(),
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {made['facilitator_token']}",
        },
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        assert answer.status == 201
    return made


def run_axe(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page and return its violations of impact serious or critical.

    The source is evaluated through the DevTools protocol, which the page's CSP
    (script-src 'self') does not govern, so the page itself is not weakened.
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text())
    violations: list[dict[str, Any]] = page.evaluate(
        """() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)})))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def describe(found: dict[str, list[dict[str, Any]]]) -> str:
    """Format axe violations by page for an assertion message."""
    lines = []
    for where, violations in found.items():
        for v in violations:
            lines.append(f"{where}: [{v['impact']}] {v['id']}: {v['help']}")
            lines.extend(f"    {node}" for node in v["nodes"][:5])
    return "\n".join(lines)


def overflow(page: Any) -> dict[str, Any]:
    """Return the page's scroll width and window width (a reflow failure when wider)."""
    found: dict[str, Any] = page.evaluate(
        """() => ({scrollWidth: document.documentElement.scrollWidth,
                   innerWidth: window.innerWidth,
                   widest: [...document.querySelectorAll('body *')]
                     .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                     .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '')
                       + (e.className ? '.' + String(e.className).split(' ').join('.') : ''))})"""
    )
    return found


# The focused element's outline and box-shadow, and those of an unfocused twin (a shallow
# clone in the same place), so a button's resting shadow does not count as a focus ring.
FOCUS_STYLE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const twin = e.cloneNode(false);
  twin.removeAttribute('id');
  e.after(twin);
  const s = getComputedStyle(e), t = getComputedStyle(twin);
  const ring = (st) => st.outlineStyle !== 'none' && parseFloat(st.outlineWidth) > 0
    ? st.outlineStyle + ' ' + st.outlineWidth + ' ' + st.outlineColor : 'none';
  const found = {tag: e.tagName, id: e.id,
    text: (e.getAttribute('aria-label') || e.textContent || '').trim().slice(0, 80),
    focusVisible: e.matches(':focus-visible'), outline: ring(s), shadow: s.boxShadow,
    restingOutline: ring(t), restingShadow: t.boxShadow};
  twin.remove();
  found.visible = found.focusVisible && (
    (found.outline !== 'none' && found.outline !== found.restingOutline)
    || (found.shadow !== 'none' && found.shadow !== found.restingShadow));
  return found;
}"""
