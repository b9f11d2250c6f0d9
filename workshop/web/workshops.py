"""Routes of a workshop: the home page, joining, the phone, wall and console pages, the QR code,
creating a workshop and reading its public snapshot."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop.domain import languages
from workshop.domain import validation as valid
from workshop.domain.errors import (
    UNKNOWN_WORKSHOP,
    InvalidInput,
    NotFound,
    RateLimited,
    WorkshopError,
)
from workshop.domain.model import Stage
from workshop.usecases.events import PROTOCOL_VERSION
from workshop.web import language, published, qr
from workshop.web.answers import (
    client,
    created_response,
    error_response,
    guard,
    links,
    look_up,
    usecases,
)

pages = Blueprint("pages", __name__)
api = Blueprint("api", __name__, url_prefix="/api")


@pages.get("/healthz")
def healthz() -> Any:
    """Say the server is up, and which version of docs/protocol.md it speaks."""
    return jsonify({"ok": True, "protocol": PROTOCOL_VERSION})


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
        if look_up(code) is None:
            raise NotFound(UNKNOWN_WORKSHOP)
    except WorkshopError as error:
        # 200: the page people get is the home page, working, with a sentence on it.
        return render_template("home.html", error=language.sentence(error))
    return redirect(url_for("pages.phone", code=code), code=303)


def _page_workshop(code: str) -> dict[str, Any]:
    try:
        normal = valid.code(code)
    except InvalidInput:
        raise NotFound(UNKNOWN_WORKSHOP) from None
    workshop = look_up(normal)
    if workshop is None:
        raise NotFound(UNKNOWN_WORKSHOP)
    return {
        "code": workshop.code,
        "title": workshop.title,
        "groups": [{"key": g.key, "label": g.label} for g in workshop.groups],
        "qr_url": url_for("pages.qr_svg", code=workshop.code),
        "language": workshop.language,
        "wall_language2": workshop.wall_language2,
        **links(workshop.code),
    }


def _render(template: str, code: str, workshop_language: bool = False) -> Any:
    try:
        found = _page_workshop(code)
        if workshop_language:  # the wall speaks the workshop's language(s), not the laptop's
            with language.in_language(found["language"], found["wall_language2"]):
                return render_template(template, workshop=found)
        return render_template(template, workshop=found)
    except NotFound as error:
        return render_template(
            "message.html", title=_("Not found"), message=language.sentence(error)
        ), 404
    except RateLimited as error:
        return render_template(
            "message.html", title=_("Wait"), message=language.sentence(error)
        ), 429


@pages.get("/w/<code>")
def phone(code: str) -> Any:
    """Serve the phone page that the QR code opens; after closing, the published plan."""
    try:
        workshop = usecases().core.find_workshop(valid.code(code))
    except InvalidInput:
        workshop = None
    if workshop is not None and workshop.stage is Stage.CLOSED and workshop.plan_public:
        return published.plan_page(workshop)
    return _render("phone.html", code)


@pages.get("/w/<code>/screen")
def screen(code: str) -> Any:
    """Serve the projector page."""
    return _render("screen.html", code, workshop_language=True)


@pages.get("/w/<code>/facilitate")
def facilitate(code: str) -> Any:
    """Serve the facilitator console; the token travels in the URL fragment, not here."""
    return _render("facilitator.html", code)


@pages.get("/w/<code>/qr.svg")
def qr_svg(code: str) -> Any:
    """Return the join QR code as SVG."""
    try:
        workshop = _page_workshop(code)
    except (NotFound, RateLimited) as error:
        return error_response(error)
    response = Response(qr.svg(workshop["join_url"]), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# -- JSON API ------------------------------------------------------------------


@api.post("/workshops")
def create_workshop() -> Any:
    """Create a workshop; the answer holds the facilitator token, shown only this once."""
    try:
        guard().new_workshop(client())
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
        pre_moderation = valid.boolean(data.get("pre_moderation", False), "pre_moderation")
        # The workshop speaks its creator's language unless the request names another.
        spoken = languages.language(data.get("language") or language.current())
        created = usecases().workshops.create_workshop(
            title,
            dots,
            most,
            groups,
            place or "",
            held_on if isinstance(held_on, date) else None,
            pre_moderation=pre_moderation,
            language=spoken,
        )
    except WorkshopError as error:
        return error_response(error)
    return created_response(created)


@api.get("/workshops/<code>")
def get_workshop(code: str) -> Any:
    """Return the public (projector) snapshot."""
    try:
        normal = valid.code(code)
        if look_up(normal) is None:
            raise NotFound(UNKNOWN_WORKSHOP)
        return jsonify(usecases().audiences.snapshot(normal, "screen"))
    except InvalidInput:
        guard().missed(client())
        return error_response(NotFound(UNKNOWN_WORKSHOP))
    except WorkshopError as error:
        return error_response(error)
