"""The HTTP edge: pages, the JSON API and the published plan; `register` adds them to an app."""

from __future__ import annotations

from flask import Flask

from workshop.web import answers, compression, console, plans, printing, run_sheets, workshops


def register(app: Flask) -> None:
    """Add every route, the security headers, compression and the error pages to app."""
    # A join address typed or pasted with a trailing "/" must still open the workshop.
    app.url_map.strict_slashes = False
    for blueprint in (
        workshops.pages,
        workshops.api,
        plans.pages,
        plans.api,
        printing.pages,
        run_sheets.api,
        console.api,
    ):
        app.register_blueprint(blueprint)
    app.after_request(answers.add_security_headers)
    app.after_request(compression.gzip_response)
    app.register_error_handler(Exception, answers.handle_unexpected)
