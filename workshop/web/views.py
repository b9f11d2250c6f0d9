"""HTTP pages and the JSON API: validate, call one use case, answer; never leak an exception."""

from __future__ import annotations

import logging
from typing import Any

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

from workshop.domain import validation as valid
from workshop.domain.errors import (
    UNKNOWN_WORKSHOP,
    Forbidden,
    InvalidInput,
    NotFound,
    WorkshopError,
)
from workshop.domain.model import Stage
from workshop.usecases.workshops import Created, WorkshopService
from workshop.web import published, qr

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
        405: "This address does not accept that kind of request: check the method in "
        "docs/protocol.md.",
        413: "That request is too large: send less than 256 KB.",
    }
    sentence = sentences.get(
        error.code or 500, "That request could not be handled: check it and try again."
    )
    if request.path.startswith("/api/"):
        reason = {404: "not_found", 413: "limit"}.get(error.code or 0, "invalid")
        return jsonify({"ok": False, "error": sentence, "reason": reason}), error.code
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
    return render_template("home.html", error=None)


@pages.get("/join")
def join_by_code() -> Any:
    """Send a typed join code to its phone page, or show the home page with a sentence.

    The sentence is rendered here, never carried in a URL, so nobody can send people
    a link that makes the home page say something of their choosing.
    """
    try:
        code = valid.code(request.args.get("code", ""))
        if service().find_workshop(code) is None:
            raise NotFound(UNKNOWN_WORKSHOP)
    except WorkshopError as error:
        # 200: the page people get is the home page, working, with a sentence on it.
        return render_template("home.html", error=error.message)
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
        return published.plan_page(workshop)
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
    return created_response(created)


@api.get("/workshops/<code>")
def get_workshop(code: str) -> Any:
    """Return the public (projector) snapshot."""
    try:
        return jsonify(service().snapshot(valid.code(code), "screen"))
    except InvalidInput:
        return error_response(NotFound(UNKNOWN_WORKSHOP))
    except WorkshopError as error:
        return error_response(error)


def bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Forbidden(
            "This needs the facilitator token: send it as 'Authorization: Bearer <token>'."
        )
    return token.strip()[:200]


def known_code(code: str) -> str:
    """Return the normalised code from a URL; a malformed one is simply not a workshop's."""
    try:
        return valid.code(code)
    except InvalidInput:
        raise NotFound(UNKNOWN_WORKSHOP) from None


def facilitator_code(code: str) -> str:
    """Return the normalised code if the request carries this workshop's token, or refuse."""
    normal = known_code(code)
    service().check_facilitator(normal, bearer_token())
    return normal


def created_response(created: Created) -> Any:
    body = {
        "ok": True,
        "code": created.code,
        **links(created.code, created.token),
        "facilitator_token": created.token,
    }
    return jsonify(body), 201
