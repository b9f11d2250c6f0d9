"""HTTP pages and the JSON API: validate, call one use case, answer; never leak an exception."""

from __future__ import annotations

import json
import logging
import re
from datetime import date
from pathlib import Path
from typing import Any

import markdown
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException

from . import export, qr
from . import validation as valid
from .documents import PlanDocuments, import_document
from .domain.actions import long_date_label
from .domain.model import Stage
from .errors import Forbidden, InvalidInput, NotFound, WorkshopError
from .plans import PlanService
from .privacy import PrivacyService
from .services import UNKNOWN_WORKSHOP, Created, WorkshopService

log = logging.getLogger(__name__)
pages = Blueprint("pages", __name__)
api = Blueprint("api", __name__, url_prefix="/api")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def service() -> WorkshopService:
    """Return the app's use cases."""
    return current_app.extensions["workshop.service"]  # type: ignore[no-any-return]


def base_url() -> str:
    """Return the address phones use to reach this server."""
    return current_app.config["WORKSHOP_BASE_URL"]  # type: ignore[no-any-return]


def links(code: str, token: str | None = None) -> dict[str, str]:
    """Return the join, screen and (with a token) facilitator addresses of a workshop."""
    found = {
        "join_url": f"{base_url()}/w/{code}",
        "screen_url": f"{base_url()}/w/{code}/screen",
    }
    if token is not None:
        found["facilitator_url"] = f"{base_url()}/w/{code}/facilitate#token={token}"
    return found


def add_security_headers(response: Response) -> Response:
    """Forbid inline script, framing and content sniffing on every response."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def error_response(error: WorkshopError) -> tuple[Response, int]:
    """Return the one JSON error shape with the error's HTTP status."""
    return jsonify(error.as_dict()), error.http_status


def handle_http_exception(error: HTTPException) -> Any:
    """Answer API clients with JSON and people with a page, in sentences."""
    sentences = {
        404: "There is nothing at this address: check the link and try again.",
        405: "This address does not accept that kind of request.",
        413: "That request is too large: send less than 256 KB.",
    }
    sentence = sentences.get(error.code or 500, "That request could not be handled.")
    if request.path.startswith("/api/"):
        return jsonify({"ok": False, "error": sentence, "reason": "invalid"}), error.code
    title = "Not found" if error.code == 404 else "Sorry"
    return render_template("message.html", title=title, message=sentence), error.code


def handle_unexpected(error: Exception) -> Any:
    """Log the failure and answer with a sentence, never a stack trace."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("request failed")
    sentence = "Something went wrong on our side: please try again in a moment."
    if request.path.startswith("/api/"):
        return jsonify({"ok": False, "error": sentence, "reason": "server_error"}), 500
    return render_template("message.html", title="Sorry", message=sentence), 500


# -- pages ---------------------------------------------------------------------


@pages.get("/healthz")
def healthz() -> Any:
    """Say the server is up."""
    return jsonify({"ok": True})


@pages.get("/")
def home() -> Any:
    """Offer to create a workshop or join one by code."""
    return render_template("home.html", error=request.args.get("error"))


@pages.get("/join")
def join_by_code() -> Any:
    """Send a typed join code to its phone page, or back home with a sentence."""
    try:
        code = valid.code(request.args.get("code", ""))
        if service().find_workshop(code) is None:
            raise NotFound(UNKNOWN_WORKSHOP)
    except WorkshopError as error:
        return redirect(url_for("pages.home", error=error.message), code=303)
    return redirect(url_for("pages.phone", code=code), code=303)


def _page_workshop(code: str) -> dict[str, Any]:
    try:
        normal = valid.code(code)
    except InvalidInput:
        raise NotFound(UNKNOWN_WORKSHOP) from None
    workshop = service().find_workshop(normal)
    if workshop is None:
        raise NotFound(UNKNOWN_WORKSHOP)
    return {
        "code": workshop.code,
        "title": workshop.title,
        "groups": [{"key": g.key, "label": g.label} for g in workshop.groups],
        "qr_url": url_for("pages.qr_svg", code=workshop.code),
        **links(workshop.code),
    }


def _render(template: str, code: str) -> Any:
    try:
        return render_template(template, workshop=_page_workshop(code))
    except NotFound as error:
        return render_template("message.html", title="Not found", message=error.message), 404


@pages.get("/w/<code>")
def phone(code: str) -> Any:
    """Serve the phone page that the QR code opens; after closing, the published plan."""
    try:
        workshop = service().find_workshop(valid.code(code))
    except InvalidInput:
        workshop = None
    if workshop is not None and workshop.stage is Stage.CLOSED and workshop.plan_public:
        return _plan_page(workshop)
    return _render("phone.html", code)


@pages.get("/w/<code>/screen")
def screen(code: str) -> Any:
    """Serve the projector page."""
    return _render("screen.html", code)


@pages.get("/w/<code>/facilitate")
def facilitate(code: str) -> Any:
    """Serve the facilitator console; the token travels in the URL fragment, not here."""
    return _render("facilitator.html", code)


@pages.get("/w/<code>/qr.svg")
def qr_svg(code: str) -> Any:
    """Return the join QR code as SVG."""
    try:
        workshop = _page_workshop(code)
    except NotFound as error:
        return error_response(error)
    response = Response(qr.svg(workshop["join_url"]), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# -- JSON API ------------------------------------------------------------------


@api.post("/workshops")
def create_workshop() -> Any:
    """Create a workshop; the answer holds the facilitator token, shown only this once."""
    try:
        data = valid.payload_dict(request.get_json(silent=True))
        title = valid.clean_text(data.get("title"), "title", valid.MAX_TITLE_LENGTH)
        dots = valid.integer(data.get("dots", 5), "number of dots per attendee", 1, 20)
        most = valid.integer(
            data.get("max_per_proposal", min(3, dots)),
            "most dots on one proposal",
            1,
            20,
        )
        groups = valid.group_labels(data.get("groups"))
        place = valid.optional_label(data.get("place"), "place", valid.MAX_PLACE_LENGTH)
        held_on = valid.due_date(data.get("held_on"), "meeting date")
        created = service().create_workshop(
            title,
            dots,
            most,
            groups,
            place or "",
            held_on or None,  # type: ignore[arg-type]
        )
    except WorkshopError as error:
        return error_response(error)
    return _created(created)


@api.get("/workshops/<code>")
def get_workshop(code: str) -> Any:
    """Return the public (projector) snapshot."""
    try:
        return jsonify(service().snapshot(valid.code(code), "screen"))
    except InvalidInput:
        return error_response(NotFound(UNKNOWN_WORKSHOP))
    except WorkshopError as error:
        return error_response(error)


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Forbidden(
            "This needs the facilitator token: send it as 'Authorization: Bearer <token>'."
        )
    return token.strip()[:200]


def _facilitator_code(code: str) -> str:
    """Return the normalised code if the request carries this workshop's token, or refuse."""
    try:
        normal = valid.code(code)
    except InvalidInput:
        raise NotFound(UNKNOWN_WORKSHOP) from None
    service().check_facilitator(normal, _bearer_token())
    return normal


def documents() -> PlanDocuments:
    """Return the app's plan documents reader."""
    return current_app.extensions["workshop.documents"]  # type: ignore[no-any-return]


def plans() -> PlanService:
    """Return the app's action-planning use cases."""
    return current_app.extensions["workshop.plans"]  # type: ignore[no-any-return]


def plan_text(code: str) -> str:
    """Return the Markdown plan: of the whole series when the workshop is in one."""
    series = documents().series(code)
    if len(series["workshops"]) > 1:
        return export.series_markdown(series)
    return export.markdown(series["workshops"][0])


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@api.get("/workshops/<code>/plan.md")
def plan_markdown(code: str) -> Any:
    """Return the Markdown action plan, to the facilitator only."""
    try:
        normal = _facilitator_code(code)
        return _download(plan_text(normal), "text/markdown", f"{normal}-plan.md")
    except WorkshopError as error:
        return error_response(error)


@api.get("/workshops/<code>/plan.csv")
def plan_csv(code: str) -> Any:
    """Return one CSV row per action (every meeting of the series), to the facilitator only."""
    try:
        normal = _facilitator_code(code)
        rows = export.csv_rows(documents().series(normal)["workshops"])
        return _download(rows, "text/csv", f"{normal}-plan.csv")
    except WorkshopError as error:
        return error_response(error)


@api.get("/workshops/<code>/plan.json")
def plan_json(code: str) -> Any:
    """Return the whole workshop as JSON for archiving and re-import, to the facilitator only."""
    try:
        normal = _facilitator_code(code)
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
        normal = _facilitator_code(code)
        folder = Path(current_app.config["WORKSHOP_SETTINGS"]["EXPORTS_DIR"])
        files = export.write_exports(
            folder, documents().workshop(normal), documents().series(normal)
        )
    except WorkshopError as error:
        return error_response(error)
    return jsonify({"ok": True, "files": files})


def _created(created: Created) -> Any:
    body = {
        "ok": True,
        "code": created.code,
        **links(created.code, created.token),
        "facilitator_token": created.token,
    }
    return jsonify(body), 201


@api.post("/workshops/<code>/follow-ups")
def create_follow_up(code: str) -> Any:
    """Create a follow-up meeting that carries the priorities and open actions across."""
    try:
        normal = _facilitator_code(code)
        data = valid.payload_dict(request.get_json(silent=True))
        title = valid.optional_label(data.get("title"), "title", valid.MAX_TITLE_LENGTH)
        place = valid.optional_label(data.get("place"), "place", valid.MAX_PLACE_LENGTH)
        held_on = valid.due_date(data.get("held_on"), "meeting date")
        created = plans().create_follow_up(
            normal,
            _bearer_token(),
            title or None,
            place or "",
            held_on if held_on is not False else None,  # type: ignore[arg-type]
        )
    except WorkshopError as error:
        return error_response(error)
    return _created(created)


def privacy() -> PrivacyService:
    """Return the app's privacy use cases."""
    return current_app.extensions["workshop.privacy"]  # type: ignore[no-any-return]


@api.delete("/workshops/<code>")
def delete_workshop(code: str) -> Any:
    """Delete a workshop and all its data (and its exported files), for its facilitator."""
    try:
        normal = _facilitator_code(code)
        privacy().delete_workshop(normal, _bearer_token())
    except WorkshopError as error:
        return error_response(error)
    return jsonify({"ok": True})


@api.post("/workshops/<code>/token")
def rotate_token(code: str) -> Any:
    """Replace the facilitator token; the answer holds the new one, shown only this once."""
    try:
        normal = _facilitator_code(code)
        fresh = privacy().rotate_token(normal, _bearer_token())
    except WorkshopError as error:
        return error_response(error)
    url = links(normal, fresh)["facilitator_url"]
    return jsonify({"ok": True, "facilitator_token": fresh, "facilitator_url": url})


@api.post("/workshops/import")
def import_workshop() -> Any:
    """Recreate a workshop from a plan.json export."""
    try:
        created = import_document(service(), request.get_json(silent=True))
    except WorkshopError as error:
        return error_response(error)
    return _created(created)


def _plan_html(markdown_text: str) -> str:
    body = (
        markdown_text.split("\n---\n", 1)[1] if markdown_text.startswith("---\n") else markdown_text
    )
    html = markdown.markdown(body, extensions=["tables", "fenced_code"])
    # The tables extension aligns columns with inline styles, which the CSP refuses.
    return re.sub(r' style="text-align: (left|right|center);"', r' class="align-\1"', html)


@pages.get("/w/<code>/plan")
def public_plan(code: str) -> Any:
    """Show the published plan ("you said, we did") to anyone with the link."""
    try:
        workshop = plans().require_public(valid.code(code))
    except InvalidInput:
        return _message(NotFound(UNKNOWN_WORKSHOP))
    except WorkshopError as error:
        return _message(error)
    return _plan_page(workshop)


def _plan_page(workshop: Any) -> Any:
    context = {
        "code": workshop.code,
        "title": workshop.title,
        "place": workshop.place,
        "held_on_label": long_date_label(workshop.held_on),
    }
    return render_template(
        "plan.html", workshop=context, plan_html=_plan_html(public_plan_text(workshop.code))
    )


def public_plan_text(code: str) -> str:
    """Return the Markdown a published page shows.

    A meeting in a series shows the series as published so far, so an action agreed
    at the review shows the status later meetings gave it; unpublished meetings are
    left out.
    """
    series = documents().series(code)
    shown = [
        d
        for d in series["workshops"]
        if d["workshop"]["code"] == code or plans().is_public(d["workshop"]["code"])
    ]
    if len(shown) > 1:
        return export.series_markdown({**series, "workshops": shown})
    return export.markdown(documents().workshop(code))


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
            "plan_url": url_for("pages.public_plan", code=d["workshop"]["code"]),
        }
        for d in public
    ]
    return render_template(
        "series.html",
        series={"title": root.title, "workshops": meetings},
        plan_html=_plan_html(export.series_markdown(shown)),
    )


def _message(error: WorkshopError) -> Any:
    title = "Not found" if error.http_status == 404 else "Not published"
    return render_template("message.html", title=title, message=error.message), error.http_status
