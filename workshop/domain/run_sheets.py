"""Run sheets: a workshop's timed plan of steps, read from a JSON file, and where it stands.

A sheet is data an organiser can write (docs/run-sheets.md): a title and a list of
steps, each a stage with minutes and, optionally, a vote round to open, results to
reveal or a spotlight to start. A bad file is refused with a sentence naming its line.
The facilitator may skip, repeat or reorder steps as the day goes; time is measured
against the plan of the steps actually run (a skipped step plans no time).
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from workshop.domain.errors import Conflict, InvalidInput
from workshop.domain.methods import Method
from workshop.domain.model import Stage

MAX_STEPS = 40
MAX_MINUTES = 240
STEP_FIELDS = {"title", "minutes", "stage", "round", "reveal_results", "spotlight", "note"}
ROUND_FIELDS = {"method", "top", "from", "top_k", "dots", "max_per_proposal", "points_total"}
SPOTLIGHTS = ("proposals", "themes")


class SheetError(InvalidInput):
    """A run sheet file that cannot be followed, with the line to fix."""


def _line(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _step_spans(text: str) -> list[tuple[int, int]]:
    """Return where each element of the "steps" list starts and ends in the text."""
    found = re.search(r'"steps"\s*:\s*\[', text)
    if found is None:
        return []
    decoder, spans, index = json.JSONDecoder(), [], found.end()
    while index < len(text):
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            break
        try:
            _, end = decoder.raw_decode(text, index)
        except json.JSONDecodeError:
            break
        spans.append((index, end))
        index = end
    return spans


def _field_line(text: str, span: tuple[int, int] | None, field: str) -> int:
    if span is None:
        return 1
    at = text.find(f'"{field}"', span[0], span[1])
    return _line(text, at if at >= 0 else span[0])


def parse(text: str, source: str) -> dict[str, Any]:
    """Return the run sheet in text (from the file named source), or refuse naming the line."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise SheetError(
            "{source}, line {lineno}: this is not valid JSON ({value}); check the commas, "
            "quotes and brackets there.",
            source=source,
            lineno=error.lineno,
            value=error.msg.lower(),
        ) from None
    if not isinstance(data, dict):
        raise SheetError(
            "{source}, line 1: a run sheet is an object with a title and steps.", source=source
        )
    title = data.get("title")
    if not isinstance(title, str) or not 0 < len(title.strip()) <= 80:
        line = _line(text, max(text.find('"title"'), 0))
        raise SheetError(
            "{source}, line {line}: give the run sheet a title of 1 to 80 characters.",
            source=source,
            line=line,
        )
    steps = data.get("steps")
    if not isinstance(steps, list) or not 0 < len(steps) <= MAX_STEPS:
        line = _line(text, max(text.find('"steps"'), 0))
        raise SheetError(
            "{source}, line {line}: list the steps, 1 to {max_steps} of them.",
            source=source,
            line=line,
            max_steps=MAX_STEPS,
        )
    spans = _step_spans(text)
    checked = []
    for number, step in enumerate(steps, start=1):
        span = spans[number - 1] if number - 1 < len(spans) else None
        checked.append(_step(step, number, text, span, source))
    return {"title": title.strip(), "about": str(data.get("about", "")), "steps": checked}


def _step(
    step: Any, number: int, text: str, span: tuple[int, int] | None, source: str
) -> dict[str, Any]:
    def refuse(field: str, sentence: str) -> SheetError:
        return SheetError(
            "{source}, line {value}: step {number} {sentence}",
            source=source,
            value=_field_line(text, span, field),
            number=number,
            sentence=sentence,
        )

    if not isinstance(step, dict):
        raise refuse(
            "", 'is not an object: write it as {"title": ..., "minutes": ..., "stage": ...}.'
        )
    unknown = sorted(set(step) - STEP_FIELDS)
    if unknown:
        raise refuse(
            unknown[0],
            f'has "{unknown[0]}", which a step cannot have: use {", ".join(sorted(STEP_FIELDS))}.',
        )
    title = step.get("title")
    if not isinstance(title, str) or not 0 < len(title.strip()) <= 80:
        raise refuse("title", "needs a title of 1 to 80 characters.")
    minutes = step.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= MAX_MINUTES:
        raise refuse("minutes", f"needs minutes as a whole number from 1 to {MAX_MINUTES}.")
    if step.get("stage") not in {stage.value for stage in Stage}:
        names = ", ".join(stage.value for stage in Stage)
        raise refuse("stage", f"needs a stage, one of {names}.")
    clean = {"title": title.strip(), "minutes": minutes, "stage": step["stage"]}
    if "round" in step:
        clean["round"] = _round(step["round"], refuse)
        if step["stage"] != Stage.VOTE.value:
            raise refuse("round", 'opens a round, so its stage must be "vote".')
    if "reveal_results" in step:
        if not isinstance(step["reveal_results"], bool):
            raise refuse("reveal_results", "says reveal_results: write true or false.")
        clean["reveal_results"] = step["reveal_results"]
    if "spotlight" in step:
        if step["spotlight"] not in SPOTLIGHTS:
            raise refuse("spotlight", 'has a spotlight of "proposals" or "themes" only.')
        clean["spotlight"] = step["spotlight"]
    if "note" in step:
        if not isinstance(step["note"], str) or len(step["note"]) > 300:
            raise refuse("note", "has a note that must be text of at most 300 characters.")
        clean["note"] = step["note"]
    return clean


def _round(value: Any, refuse: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise refuse("round", 'has a round that must be an object such as {"method": "ranking"}.')
    unknown = sorted(set(value) - ROUND_FIELDS)
    if unknown:
        raise refuse(
            unknown[0], f'has a round with "{unknown[0]}": use {", ".join(sorted(ROUND_FIELDS))}.'
        )
    if value.get("method") not in {method.value for method in Method}:
        names = ", ".join(method.value for method in Method)
        raise refuse("method", f"has a round without a method: choose one of {names}.")
    for key in ("top", "top_k", "dots", "max_per_proposal", "points_total"):
        amount = value.get(key)
        if amount is not None and (
            isinstance(amount, bool) or not isinstance(amount, int) or amount < 1
        ):
            raise refuse(key, f"has a round whose {key} must be a whole number, 1 or more.")
    if value.get("from", "previous") != "previous":
        raise refuse("from", 'has a round "from" that can only be "previous" (the last round).')
    if "from" in value and "top" not in value:
        raise refuse("from", 'takes the top of the previous round: say how many with "top".')
    return dict(value)


# -- following a sheet ---------------------------------------------------------------


def begin(name: str, sheet: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """Return the run state of a sheet just started (no step current yet)."""
    steps = [
        {**step, "status": "pending", "started_at": None, "ended_at": None}
        for step in sheet["steps"]
    ]
    return {"name": name, "title": sheet["title"], "started_at": now_ms, "steps": steps}


def current(state: dict[str, Any]) -> int | None:
    """Return the index of the step being run, or None."""
    return next((i for i, step in enumerate(state["steps"]) if step["status"] == "current"), None)


def upcoming(state: dict[str, Any]) -> int | None:
    """Return the index of the step "next" would start, or None when none is left."""
    return next((i for i, step in enumerate(state["steps"]) if step["status"] == "pending"), None)


def advance(state: dict[str, Any], now_ms: int) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Finish the current step and start the next; return the new state and the step started."""
    new = copy.deepcopy(state)
    at = current(new)
    if at is not None:
        new["steps"][at].update(status="done", ended_at=now_ms)
    nxt = upcoming(new)
    if nxt is None:
        if at is None:
            raise Conflict("Every step of the run sheet is done: stop it or start another.")
        return new, None
    new["steps"][nxt].update(status="current", started_at=now_ms)
    return new, new["steps"][nxt]


def skip(state: dict[str, Any], index: int | None) -> dict[str, Any]:
    """Skip a step not yet run (default: the next one)."""
    new = copy.deepcopy(state)
    index = upcoming(new) if index is None else index
    _pending(new, index, "skip")
    new["steps"][index]["status"] = "skipped"
    return new


def repeat(state: dict[str, Any], index: int | None) -> dict[str, Any]:
    """Run a step again: a copy goes in right after the current step (default: the current one)."""
    new = copy.deepcopy(state)
    at = current(new)
    index = at if index is None else index
    if index is None or not 0 <= index < len(new["steps"]):
        raise InvalidInput("Say which step to repeat: no step is running.")
    if len(new["steps"]) >= MAX_STEPS * 2:
        raise InvalidInput("The run sheet has as many steps as it can hold.")
    again = {**new["steps"][index], "status": "pending", "started_at": None, "ended_at": None}
    new["steps"].insert((at if at is not None else index) + 1, again)
    return new


def move(state: dict[str, Any], index: int | None, to: int | None) -> dict[str, Any]:
    """Move a step not yet run to another place among the steps not yet run."""
    new = copy.deepcopy(state)
    _pending(new, index, "move")
    first = upcoming(new)
    if to is None or not (first or 0) <= to < len(new["steps"]):
        raise InvalidInput("A step can only move among the steps not yet run.")
    step = new["steps"].pop(index)
    new["steps"].insert(to, step)
    return new


def _pending(state: dict[str, Any], index: int | None, verb: str) -> None:
    if index is None or not 0 <= index < len(state["steps"]):
        raise InvalidInput("Say which step to {verb}, by its number on the run sheet.", verb=verb)
    if state["steps"][index]["status"] != "pending":
        raise Conflict(
            "That step has already been run or skipped: only a step still to come can {verb}.",
            verb=verb,
        )


def progress(state: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """Return where the workshop stands against its plan, for the console.

    Lateness is the time spent so far less the time planned for it: the planned
    minutes of every finished step, plus the current step's time so far up to its
    planned length. Skipped steps plan no time.
    """
    steps = state["steps"]
    at = current(state)
    planned = sum(s["minutes"] * 60_000 for s in steps if s["status"] == "done")
    step_left = None
    if at is not None:
        step = steps[at]
        spent = now_ms - step["started_at"]
        planned += min(spent, step["minutes"] * 60_000)
        step_left = step["minutes"] * 60_000 - spent
    late = (now_ms - state["started_at"]) - planned
    minutes = round(late / 60_000)
    if at is None and upcoming(state) is None:
        label = "Finished"
    elif abs(minutes) < 1:
        label = "On time"
    elif minutes > 0:
        label = f"Running {minutes} min over"
    else:
        label = f"{-minutes} min ahead"
    return {
        "name": state["name"],
        "title": state["title"],
        "steps": [
            {key: step.get(key) for key in ("title", "minutes", "stage", "status", "note")}
            | {"round": step.get("round", {}).get("method")}
            for step in steps
        ],
        "current": at,
        "next": upcoming(state),
        "late_ms": late,
        "step_left_ms": step_left,
        "status_label": label,
        "planned_minutes": sum(s["minutes"] for s in steps if s["status"] != "skipped"),
    }
