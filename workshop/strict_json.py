"""JSON in and out without NaN or infinity, and without a traceback for hostile nesting.

Python's json reads `NaN` and `Infinity` and writes them back, though neither is JSON:
an imported `NaN` came back out of plan.json as a bare `NaN` no other program reads.
JSON nested 20,000 deep made the parser raise RecursionError, which no edge expected.
Both now read as malformed JSON (a ValueError), which every edge answers with a sentence.
"""

from __future__ import annotations

import json
from typing import Any

from flask.json.provider import DefaultJSONProvider
from socketio.packet import Packet


class NotJson(ValueError):
    """The text is not JSON this server accepts."""


def _refuse_constant(name: str) -> Any:
    raise NotJson(f"{name} is not a number JSON allows.")


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """Parse JSON, refusing NaN, infinity and nesting deeper than the parser can go."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, **kwargs)
    except RecursionError:  # the C parser stops itself early: cheap, only the type is wrong
        raise NotJson("The JSON nests too deep.") from None


def dumps(value: Any, **kwargs: Any) -> str:
    """Write JSON; a NaN or infinity is a bug here, so it raises rather than leaks out."""
    kwargs.setdefault("allow_nan", False)
    return json.dumps(value, **kwargs)


def load(handle: Any, **kwargs: Any) -> Any:
    """Parse JSON from a file object (for modules that expect the json interface)."""
    return loads(handle.read(), **kwargs)


def dump(value: Any, handle: Any, **kwargs: Any) -> None:
    """Write JSON to a file object (for modules that expect the json interface)."""
    handle.write(dumps(value, **kwargs))


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with the same rules for request bodies and answers."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return dumps(obj, **kwargs)


# The event a Socket.IO command turns into when its JSON cannot be read: the packet's
# ack id survives, so the sender still gets the error shape with a sentence.
MALFORMED_EVENT = "malformed_command"


class _SocketJson:
    """The json interface python-socketio decodes packets with."""

    @staticmethod
    def loads(text: str | bytes, **kwargs: Any) -> Any:
        try:
            return loads(text, **kwargs)
        except ValueError:  # python-socketio would log a traceback and drop the packet
            return [MALFORMED_EVENT]

    @staticmethod
    def dumps(value: Any, **kwargs: Any) -> str:
        return dumps(value, **kwargs)


class StrictPacket(Packet):
    """Socket.IO packets read and written with this module's rules."""

    json = _SocketJson
