"""Socket.IO packets read and written with the domain's JSON rules (no NaN, no deep nesting)."""

from __future__ import annotations

from typing import Any

from socketio.packet import Packet

from workshop.domain.strict_json import dumps, loads

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
    # Every message of the protocol is JSON text. Left True, python-socketio walks each
    # outgoing payload looking for bytes to send as attachments: a twentieth of the
    # server's time at 2,000 phones, spent finding none.
    uses_binary_events = False
