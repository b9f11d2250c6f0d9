"""The client's address: the socket's peer, or what a proxy the deployment names forwarded."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def trusted_networks(setting: str | Iterable[str] | None) -> list[Network]:
    """Return the proxies named by TRUSTED_PROXIES ("10.0.0.1, 172.16.0.0/12"), or none."""
    if not setting:
        return []
    names = setting.split(",") if isinstance(setting, str) else list(setting)
    return [ipaddress.ip_network(name.strip(), strict=False) for name in names if name.strip()]


def _is_trusted(address: str, trusted: list[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in trusted)


def client_address(environ: Mapping[str, Any], trusted: list[Network]) -> str:
    """Return the address a request came from.

    X-Forwarded-For is read only when the peer is a proxy the deployment trusts, and
    then from the right, skipping trusted proxies: anything further left was written by
    the client and proves nothing. Without TRUSTED_PROXIES the header is ignored, so a
    client cannot pick a fresh address per request to dodge the limits.
    """
    peer = str(environ.get("REMOTE_ADDR") or "unknown")
    if not trusted or not _is_trusted(peer, trusted):
        return peer
    forwarded = str(environ.get("HTTP_X_FORWARDED_FOR") or "")
    hops = [hop.strip() for hop in forwarded.split(",")[-20:] if hop.strip()]
    for hop in reversed(hops):
        if not _is_trusted(hop, trusted):
            return hop[:64]
    return peer
