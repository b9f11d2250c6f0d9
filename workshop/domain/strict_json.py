"""JSON in and out without NaN or infinity, and without a traceback for hostile nesting.

Python's json reads `NaN` and `Infinity` and writes them back, though neither is JSON:
an imported `NaN` came back out of plan.json as a bare `NaN` no other program reads.
JSON nested 20,000 deep made the parser raise RecursionError, which no edge expected.
Both now read as malformed JSON (a ValueError), which every edge answers with a sentence
(web.json_provider for HTTP, live.packets for Socket.IO).
"""

from __future__ import annotations

import json
from typing import Any


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
