"""Routes the facilitator console needs beyond the plan: the facilitator link as a QR code."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from workshop.domain.errors import WorkshopError
from workshop.web import qr
from workshop.web.answers import bearer_token, error_response, facilitator_code, links

api = Blueprint("console_api", __name__, url_prefix="/api")


@api.get("/workshops/<code>/facilitator-qr.svg")
def facilitator_qr(code: str) -> Any:
    """Return the facilitator link as a QR code, for a co-facilitator's phone.

    The token comes in the Authorization header, so it never sits in an address, a
    log line or a cache; the answer is not kept by any cache either.
    """
    try:
        normal = facilitator_code(code)
    except WorkshopError as error:
        return error_response(error)
    response = Response(
        qr.svg(links(normal, bearer_token())["facilitator_url"]), mimetype="image/svg+xml"
    )
    response.headers["Cache-Control"] = "no-store"
    return response
