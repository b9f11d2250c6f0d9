"""Join links use the address phones can reach."""

from __future__ import annotations

import ipaddress

from workshop.web import net


def test_the_lan_address_is_an_ip_address() -> None:
    ipaddress.ip_address(net.lan_address())  # raises if it is not one


def test_join_links_follow_the_public_url_then_the_listening_address() -> None:
    assert net.base_url("https://w.example.org/", 5000) == "https://w.example.org"
    assert net.base_url(None, 5001, "127.0.0.1") == "http://127.0.0.1:5001"
    assert net.base_url(None, 5002) == f"http://{net.lan_address()}:5002"
