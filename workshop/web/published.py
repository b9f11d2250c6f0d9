"""The published plan: Markdown rendered for people, public meetings of a series only."""

from __future__ import annotations

import re
from typing import Any, cast

import markdown
from flask import current_app, render_template

from workshop.domain.actions import long_date_label
from workshop.exports import formats as export
from workshop.usecases.documents import Documents
from workshop.usecases.plans import Plans
from workshop.web import language


def documents() -> Documents:
    """Return the app's plan documents reader."""
    return cast(Documents, current_app.extensions["workshop.documents"])


def plans() -> Plans:
    """Return the app's action-planning use cases."""
    return cast(Plans, current_app.extensions["workshop.plans"])


def plan_text(code: str) -> str:
    """Return the Markdown plan: of the whole series when the workshop is in one."""
    series = documents().series(code)
    if len(series["workshops"]) > 1:
        return export.series_markdown(series)
    return export.markdown(series["workshops"][0])


def _without_title(body: str, repeated: str) -> str:
    """Drop the Markdown's title, and the line under it when the page already says it.

    A phone should read the title once and the place and date once, not three times
    and twice: the page's own heading shows them.
    """
    lines = body.lstrip("\n").split("\n")
    if not lines or not lines[0].startswith("# "):
        return body
    rest = lines[1:]
    while rest and not rest[0].strip():
        rest.pop(0)
    if rest and repeated and rest[0].startswith(repeated):
        rest.pop(0)
    return "\n".join(rest)


def plan_html(markdown_text: str, repeated: str = "") -> str:
    """Return the plan as HTML for a page, less the title (and `repeated` line) it shows."""
    body = (
        markdown_text.split("\n---\n", 1)[1] if markdown_text.startswith("---\n") else markdown_text
    )
    body = _without_title(body, repeated)
    html = markdown.markdown(body, extensions=["tables", "fenced_code"])
    # The tables extension aligns columns with inline styles, which the CSP refuses.
    return re.sub(r' style="text-align: (left|right|center);"', r' class="align-\1"', html)


def plan_page(workshop: Any) -> Any:
    context = {
        "code": workshop.code,
        "title": workshop.title,
        "place": workshop.place,
        "held_on_label": long_date_label(workshop.held_on),
    }
    held_on = workshop.held_on.isoformat() if workshop.held_on else None
    where = export.heading_place({"place": workshop.place, "held_on": held_on})
    text = public_plan_text(workshop.code)
    with language.in_language(workshop.language):  # the plan speaks the workshop's language
        return render_template(
            "plan.html", workshop=context, plan_html=plan_html(text, where + "." if where else "")
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
    return export.markdown(shown[0])
