"""Routes of the action plan: exports, follow-ups, import, deletion, the public pages."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, cast

from flask import Blueprint, Response, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _

from workshop.domain import validation as valid
from workshop.domain.actions import long_date_label
from workshop.domain.errors import UNKNOWN_WORKSHOP, InvalidInput, NotFound, WorkshopError
from workshop.exports import formats as export
from workshop.usecases.documents import import_document
from workshop.usecases.privacy import Privacy
from workshop.web import language
from workshop.web.answers import (
    bearer_token,
    client,
    created_response,
    error_response,
    facilitator_code,
    guard,
    known_code,
    links,
    no_store,
    usecases,
)
from workshop.web.published import documents, plan_html, plan_page, plan_text, plans

pages = Blueprint("plan_pages", __name__)
api = Blueprint("plan_api", __name__, url_prefix="/api")


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/workshops/<code>/plan.md")
def plan_markdown(code: str) -> Any:
    """Return the Markdown action plan, to the facilitator only."""
    try:
        normal = facilitator_code(code)
        return _download(plan_text(normal), "text/markdown", f"{normal}-plan.md")
    except WorkshopError as error:
        return error_response(error)


@api.get("/workshops/<code>/plan.csv")
def plan_csv(code: str) -> Any:
    """Return one CSV row per action (every meeting of the series), to the facilitator only."""
    try:
        normal = facilitator_code(code)
        rows = export.csv_rows(documents().series(normal)["workshops"])
        return _download(rows, "text/csv", f"{normal}-plan.csv")
    except WorkshopError as error:
        return error_response(error)


@api.get("/workshops/<code>/plan.json")
def plan_json(code: str) -> Any:
    """Return the whole workshop as JSON for archiving and re-import, to the facilitator only."""
    try:
        normal = facilitator_code(code)
        body = json.dumps(
            documents().workshop(normal), indent=2, ensure_ascii=False, sort_keys=True
        )
        return _download(body + "\n", "application/json", f"{normal}-plan.json")
    except WorkshopError as error:
        return error_response(error)


@api.post("/workshops/<code>/export")
def write_exports(code: str) -> Any:
    """Write the plan files into the exports folder now."""
    try:
        normal = facilitator_code(code)
        folder = Path(current_app.config["WORKSHOP_SETTINGS"]["EXPORTS_DIR"])
        files = export.write_exports(folder, documents().series(normal), normal)
    except WorkshopError as error:
        return error_response(error)
    return jsonify({"ok": True, "files": files})


@api.post("/workshops/<code>/follow-ups")
def create_follow_up(code: str) -> Any:
    """Create a follow-up meeting that carries the priorities and open actions across."""
    try:
        normal = known_code(code)  # the use case checks the token in its own transaction
        data = valid.payload_dict(request.get_json(silent=True))
        title = valid.optional_label(data.get("title"), "title", valid.MAX_TITLE_LENGTH)
        place = valid.optional_label(data.get("place"), "place", valid.MAX_PLACE_LENGTH)
        held_on = valid.due_date(data.get("held_on"), "meeting date")
        created = plans().create_follow_up(
            normal,
            bearer_token(),
            title or None,
            place or "",
            held_on if isinstance(held_on, date) else None,
        )
    except WorkshopError as error:
        return error_response(error)
    return created_response(created)


def privacy() -> Privacy:
    """Return the app's privacy use cases."""
    return cast(Privacy, current_app.extensions["workshop.privacy"])


@api.delete("/workshops/<code>")
def delete_workshop(code: str) -> Any:
    """Delete a workshop and all its data (and its exported files), for its facilitator."""
    try:
        normal = known_code(code)  # the use case checks the token in its own transaction
        privacy().delete_workshop(normal, bearer_token())
    except WorkshopError as error:
        return error_response(error)
    return jsonify({"ok": True})


@api.post("/workshops/<code>/token")
def rotate_token(code: str) -> Any:
    """Replace the facilitator token; the answer holds the new one, shown only this once."""
    try:
        normal = known_code(code)  # the use case checks the token in its own transaction
        fresh = privacy().rotate_token(normal, bearer_token())
    except WorkshopError as error:
        return error_response(error)
    current_app.extensions["workshop.realtime"].evict_facilitators(normal)
    url = links(normal, fresh)["facilitator_url"]
    return no_store(jsonify({"ok": True, "facilitator_token": fresh, "facilitator_url": url}))


@api.post("/workshops/import")
def import_workshop() -> Any:
    """Recreate a workshop from a plan.json export."""
    try:
        guard().new_workshop(client())
        created = import_document(usecases().core, request.get_json(silent=True))
    except WorkshopError as error:
        return error_response(error)
    return created_response(created)


@pages.get("/w/<code>/plan")
def public_plan(code: str) -> Any:
    """Show the published plan ("you said, we did") to anyone with the link."""
    try:
        workshop = plans().require_public(valid.code(code))
    except InvalidInput:
        return _message(NotFound(UNKNOWN_WORKSHOP))
    except WorkshopError as error:
        return _message(error)
    return plan_page(workshop)


@pages.get("/s/<code>")
def series_page(code: str) -> Any:
    """Show a series: its meetings and every town's actions rolled up (public plans only)."""
    try:
        normal = valid.code(code)
        series = documents().series(normal)
        root = plans().require_public(series["root_code"])
    except InvalidInput:
        return _message(NotFound(UNKNOWN_WORKSHOP))
    except WorkshopError as error:
        return _message(error)
    public = [d for d in series["workshops"] if plans().is_public(d["workshop"]["code"])]
    shown = {**series, "workshops": public}
    meetings = [
        {
            "code": d["workshop"]["code"],
            "title": d["workshop"]["title"],
            "place": d["workshop"]["place"],
            "held_on_label": long_date_label(
                date.fromisoformat(d["workshop"]["held_on"]) if d["workshop"]["held_on"] else None
            ),
            "plan_url": url_for("plan_pages.public_plan", code=d["workshop"]["code"]),
        }
        for d in public
    ]
    return render_template(
        "series.html",
        series={"title": root.title, "workshops": meetings},
        plan_html=plan_html(export.series_markdown(shown), "Meetings: "),
    )


def _message(error: WorkshopError) -> Any:
    title = _("Not found") if error.http_status == 404 else _("Not published")
    return render_template(
        "message.html", title=title, message=language.sentence(error)
    ), error.http_status
