"""The printed kit: a QR poster, paper ballots for the current round and a dot wall chart.

Each page is print-ready (print CSS for A4 or US letter, chosen with `?paper=`). They
show only what the room may see (the screen's snapshot), and number each proposal with
the number the facilitator types into enter_paper / enter_assisted_ballot (`by: number`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request, url_for
from flask_babel import gettext as _

from workshop.domain.errors import NotFound
from workshop.domain.methods import Method
from workshop.web import language
from workshop.web.answers import known_code, usecases
from workshop.web.workshops import _page_workshop

pages = Blueprint("printing", __name__)
PAPERS = {"a4": "A4", "letter": "US letter"}
NOT_SHOWN = (
    "The proposals are not shown to the room yet: show them on the console (or start the "
    "round), then print again."
)


def _paper() -> str:
    paper = request.args.get("paper", "a4")
    return paper if paper in PAPERS else "a4"


def instructions(round_: dict[str, Any]) -> list[str]:
    """Return a round's ballot instructions in plain words, one short sentence each."""
    method = Method(round_["method"])
    if method is Method.DOTS:
        most = round_["max_per_proposal"]
        return [
            _("You have %(dots)s dots.", dots=round_["dots"]),
            _("Colour in one circle for each dot you give an idea."),
            _("You can give one idea up to 1 dot.")
            if most == 1
            else _("You can give one idea up to %(most)s dots.", most=most),
        ]
    if method is Method.APPROVAL:
        return [
            _("Tick the box of every idea you support."),
            _("You can tick as many as you like."),
        ]
    if method is Method.RANKING:
        return [
            _("Write 1 in the box of your first choice."),
            _("Write 2 for your second choice, and so on, up to %(top)s.", top=round_["top_k"]),
            _("Leave the other boxes empty."),
        ]
    total = round_["points_total"]
    return [
        _("You have %(total)s points to share.", total=total),
        _("Write how many points you give an idea in its box."),
        _("Your points must add up to exactly %(total)s.", total=total)
        if round_["points_exact"]
        else _("Your points must add up to up to %(total)s.", total=total),
    ]


def _marks(round_: dict[str, Any]) -> int:
    """Return how many boxes each proposal gets: one per dot it may take, else one."""
    return int(round_["max_per_proposal"]) if round_["method"] == "dots" else 1


def _page(template: str, code: str, **extra: Any) -> Any:
    try:
        workshop = _page_workshop(known_code(code))
    except NotFound as error:
        return render_template(
            "message.html", title=_("Not found"), message=language.sentence(error)
        ), 404
    paper = _paper()
    return render_template(
        template,
        workshop=workshop,
        paper=paper,
        paper_label=PAPERS[paper],
        **extra,
    )


def _ballot_items(state: dict[str, Any]) -> list[dict[str, Any]]:
    if state["round"]["candidates"]:  # a vote on themes: the themes, by their own numbers
        return [{"number": c["number"], "text": c["text"]} for c in state["round"]["candidates"]]
    on = set(state["round"]["proposal_ids"])
    return [{"number": p["number"], "text": p["text"]} for p in state["proposals"] if p["id"] in on]


@pages.get("/w/<code>/print/poster")
def print_poster(code: str) -> Any:
    """Serve the QR poster: the title, a large code to scan and the join address written out."""
    return _page("print_poster.html", code)


@pages.get("/w/<code>/print/ballot")
def print_ballot(code: str) -> Any:
    """Serve paper ballots for the current round, numbered as the console types them in."""
    try:
        state = usecases().audiences.snapshot(known_code(code), "screen")
    except NotFound:
        return _page("print_ballot.html", code)  # the page says "not found"
    round_ = state["round"]
    items = _ballot_items(state) if state["proposals_revealed"] else []
    return _page(
        "print_ballot.html",
        code,
        round=round_,
        items=items,
        not_shown=NOT_SHOWN if not state["proposals_revealed"] else "",
        instructions=instructions(round_),
        marks=_marks(round_),
        groups=state["groups"],
        qr_url=url_for("pages.qr_svg", code=state["code"]),
    )


@pages.get("/w/<code>/print/wall-chart")
def print_wall_chart(code: str) -> Any:
    """Serve a wall chart for dot stickers: each proposal's number, words and room for dots."""
    try:
        state = usecases().audiences.snapshot(known_code(code), "screen")
    except NotFound:
        return _page("print_wall_chart.html", code)
    items = _ballot_items(state) if state["proposals_revealed"] else []
    return _page(
        "print_wall_chart.html",
        code,
        round=state["round"],
        items=items,
        not_shown=NOT_SHOWN if not state["proposals_revealed"] else "",
    )
