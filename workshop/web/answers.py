"""What every HTTP route shares: the use cases, links, the error shape, tokens, security headers."""

from __future__ import annotations

import logging
from typing import Any, cast

from flask import (
    Response,
    current_app,
    jsonify,
    render_template,
    request,
)
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from workshop.domain import validation as valid
from workshop.domain.errors import (
    UNKNOWN_WORKSHOP,
    Forbidden,
    InvalidInput,
    NotFound,
    WorkshopError,
)
from workshop.domain.flood import Guard
from workshop.domain.model import Workshop
from workshop.usecases import UseCases
from workshop.usecases.core import Created
from workshop.web import language

log = logging.getLogger(__name__)

# connect-src 'self' covers the page's own ws:// and wss:// origin (CSP level 3), and
# nothing else: "ws: wss:" let a script talk to a websocket on any host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def guard() -> Guard:
    """Return the app's flood limits."""
    guard: Guard = current_app.extensions["workshop.guard"]
    return guard


def client() -> str:
    """Return the address this request came from (through a trusted proxy, if named)."""
    return guard().address(request.environ)


def look_up(code: str) -> Workshop | None:
    """Return the workshop with this code, or None; guessing codes is limited per address."""
    guard().may_look_up(client())
    found = usecases().core.find_workshop(code)
    if found is None:
        guard().missed(client())
    return found


def no_store(response: Response) -> Response:
    """Keep an answer that carries a token out of every cache (browser, proxy, back button)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def usecases() -> UseCases:
    """Return the app's use cases."""
    return cast(UseCases, current_app.extensions["workshop.usecases"])


def base_url() -> str:
    """Return the address phones use to reach this server."""
    return str(current_app.config["WORKSHOP_BASE_URL"])


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
    return jsonify(error.as_dict(language.say())), error.http_status


def handle_http_exception(error: HTTPException) -> Any:
    """Answer API clients with JSON and people with a page, in sentences."""
    sentences = {
        404: _("There is nothing at this address: check the link and try again."),
        405: _(
            "This address does not accept that kind of request: check the method in "
            "docs/protocol.md."
        ),
        413: _("That request is too large: send less than 256 KB."),
        429: _("Too many requests came from this network: wait a minute and try again."),
    }
    sentence = sentences.get(
        error.code or 500, _("That request could not be handled: check it and try again.")
    )
    if request.path.startswith("/api/"):
        reason = {404: "not_found", 413: "limit", 429: "rate_limited"}.get(
            error.code or 0, "invalid"
        )
        return jsonify({"ok": False, "error": sentence, "reason": reason}), error.code
    title = _("Not found") if error.code == 404 else _("Sorry")
    return render_template("message.html", title=title, message=sentence), error.code


def handle_unexpected(error: Exception) -> Any:
    """Log the failure and answer with a sentence, never a stack trace."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("request failed")
    sentence = _("Something went wrong on our side: please try again in a moment.")
    if request.path.startswith("/api/"):
        return jsonify({"ok": False, "error": sentence, "reason": "server_error"}), 500
    return render_template("message.html", title=_("Sorry"), message=sentence), 500


def bearer_token() -> str:
    """Return the facilitator token an API request carries, or refuse."""
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
    usecases().core.check_facilitator(normal, bearer_token())
    return normal


def created_response(created: Created) -> Any:
    """Answer a new workshop with its code, links and (once) its token."""
    body = {
        "ok": True,
        "code": created.code,
        **links(created.code, created.token),
        "facilitator_token": created.token,
    }
    return no_store(jsonify(body)), 201
