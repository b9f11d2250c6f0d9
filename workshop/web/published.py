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


def plan_html(markdown_text: str) -> str:
    body = (
        markdown_text.split("\n---\n", 1)[1] if markdown_text.startswith("---\n") else markdown_text
    )
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
    return render_template(
        "plan.html", workshop=context, plan_html=plan_html(public_plan_text(workshop.code))
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
