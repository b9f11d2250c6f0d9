"""What changed between two snapshots, as a short list of operations a client applies.

A hide on a board of 500 proposals changes a handful of fields and one list item; a
whole snapshot is tens of kilobytes. `diff` says what changed, `apply` does it (the
server checks each list edit by applying it, and docs/protocol.md describes the same
rules for clients). Three operations:

- `{"op": "set", "path": [...], "value": v}`: the value at path (object keys) is v;
- `{"op": "del", "path": [...]}`: the key at path is gone;
- `{"op": "list", "path": [...], "remove": [keys], "put": [[index, item], ...]}`: the
  list at path loses the items whose key is in remove, then for each [index, item]
  in order, an item with the same key is replaced where it stands, or else item is
  inserted at index. An item's key is its "id" if it is an object with one, otherwise
  the item itself.

An edit that would be larger than the value it changes is sent as a `set` instead.
"""

from __future__ import annotations

import copy
import json
from typing import Any

Op = dict[str, Any]


def _size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), default=str))


def _key(item: Any) -> Any:
    if isinstance(item, dict):
        return item.get("id") if "id" in item else None
    if isinstance(item, list):
        return None
    return item


def diff(old: Any, new: Any, path: list[str] | None = None) -> list[Op]:
    """Return the operations that turn old into new (none if they are equal)."""
    path = path or []
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict) and path_ok(path):
        ops: list[Op] = [{"op": "del", "path": [*path, key]} for key in old if key not in new]
        for key, value in new.items():
            if key not in old:
                ops.append({"op": "set", "path": [*path, key], "value": value})
            else:
                ops.extend(diff(old[key], value, [*path, key]))
        if not path or _size(ops) < _size(new):
            return ops
    elif isinstance(old, list) and isinstance(new, list):
        edit = _list_edit(old, new, path)
        if edit is not None and _size(edit) < _size(new):
            return [edit]
    return [{"op": "set", "path": path, "value": new}]


def path_ok(path: list[str]) -> bool:
    """Say whether objects at this depth are worth editing key by key (not too deep)."""
    return len(path) < 6


def _list_edit(old: list[Any], new: list[Any], path: list[str]) -> Op | None:
    """Return a list edit turning old into new, or None if no keyed edit does it."""
    old_keys = [_key(item) for item in old]
    new_keys = [_key(item) for item in new]
    if None in old_keys or None in new_keys:
        return None
    if len(set(old_keys)) != len(old_keys) or len(set(new_keys)) != len(new_keys):
        return None
    kept = set(new_keys)
    before = dict(zip(old_keys, old, strict=True))
    edit: Op = {
        "op": "list",
        "path": path,
        "remove": [key for key in old_keys if key not in kept],
        "put": [
            [index, item]
            for index, (key, item) in enumerate(zip(new_keys, new, strict=True))
            if key not in before or before[key] != item
        ],
    }
    # A reordering is not an edit this can describe: checked by doing it.
    return edit if _edited(old, edit) == new else None


def _edited(items: list[Any], edit: Op) -> list[Any]:
    gone = set(edit["remove"])
    result = [item for item in items if _key(item) not in gone]
    for index, item in edit["put"]:
        key = _key(item)
        at = next((n for n, there in enumerate(result) if _key(there) == key), None)
        if at is None:
            result.insert(index, item)
        else:
            result[at] = item
    return result


def apply(state: dict[str, Any], ops: list[Op]) -> dict[str, Any]:
    """Return a copy of state with the operations done, as a client does them."""
    result = copy.deepcopy(state)
    for op in ops:
        if not op["path"]:  # the whole state
            result = copy.deepcopy(op["value"])
            continue
        *parents, last = op["path"]
        target = result
        for key in parents:
            target = target[key]
        if op["op"] == "set":
            target[last] = copy.deepcopy(op["value"])
        elif op["op"] == "del":
            target.pop(last, None)
        else:
            target[last] = _edited(target[last], op)
    return result
