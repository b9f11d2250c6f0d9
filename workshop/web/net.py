"""Find the address phones use to reach this laptop."""

from __future__ import annotations

import socket


def lan_address() -> str:
    """Return this machine's LAN IP address, or 127.0.0.1 when there is no network.

    Connecting a UDP socket sends no packet; it only makes the OS pick the interface
    it would route through. gethostbyname(gethostname()) often answers 127.0.0.1.
    """
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("10.255.255.255", 1))
        return str(probe.getsockname()[0])
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


def base_url(public_url: str | None, port: int, host: str = "0.0.0.0") -> str:
    """Return the base of every join link: the public URL, or http://LAN-IP:port.

    A server listening on a loopback address only is reachable only there, so its
    links say so rather than promise phones a LAN address that will not answer.
    """
    if public_url:
        return public_url.rstrip("/")
    if host.startswith("127.") or host in ("localhost", "::1"):
        return f"http://{host}:{port}"
    return f"http://{lan_address()}:{port}"
