"""Flask's JSON with the domain's rules: no NaN or infinity in or out, no traceback for nesting."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider

from workshop.domain.strict_json import dumps, loads


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON, with the same rules for request bodies and answers."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return loads(s, **kwargs)

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("default", self.default)
        kwargs.setdefault("ensure_ascii", self.ensure_ascii)
        kwargs.setdefault("sort_keys", self.sort_keys)
        return dumps(obj, **kwargs)
