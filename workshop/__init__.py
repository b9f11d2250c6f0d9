"""A toolkit for running participatory workshops live: create_app builds the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from workshop import config
from workshop.exports import formats as export
from workshop.live.server import Realtime
from workshop.store.engine import Store
from workshop.usecases.documents import PlanDocuments
from workshop.usecases.plans import PlanService
from workshop.usecases.privacy import PrivacyService
from workshop.usecases.workshops import WorkshopService
from workshop.web import net


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app with its store, use cases and Socket.IO server; no logic lives here."""
    settings = config.load(overrides)
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    # A join address typed or pasted with a trailing "/" must still open the workshop.
    app.url_map.strict_slashes = False
    app.config.update(
        SECRET_KEY=settings["SECRET_KEY"],
        MAX_CONTENT_LENGTH=settings["MAX_CONTENT_LENGTH"],
        WORKSHOP_SETTINGS=settings,
        WORKSHOP_BASE_URL=net.base_url(settings["PUBLIC_URL"], settings["PORT"], settings["HOST"]),
    )
    store = Store(settings["DATABASE_URL"])
    base = app.config["WORKSHOP_BASE_URL"]
    service = WorkshopService(store, join_url_for=lambda code: f"{base}/w/{code}")

    socketio = SocketIO(
        app,
        async_mode=settings["SERVER_MODE"],
        message_queue=settings["MESSAGE_QUEUE"],
        cors_allowed_origins=config.allowed_origins(settings["CORS_ALLOWED_ORIGINS"]),
        # Larger than any valid command, so an oversized one gets an ack with a sentence.
        max_http_buffer_size=settings["MAX_CONTENT_LENGTH"],
        ping_interval=10,
        ping_timeout=20,
    )
    plans = PlanService(service)
    documents = PlanDocuments(service)

    def export_closed(code: str) -> None:
        export.write_exports(Path(settings["EXPORTS_DIR"]), documents.series(code), code)

    realtime = Realtime(socketio, service, plans, settings, on_closed=export_closed)
    privacy = PrivacyService(service, Path(settings["EXPORTS_DIR"]))
    if settings["RETENTION_DAYS"] is not None:
        privacy.apply_retention(int(settings["RETENTION_DAYS"]))
        realtime.every_hour(lambda: privacy.apply_retention(int(settings["RETENTION_DAYS"])))
    app.extensions["workshop.privacy"] = privacy
    app.extensions["workshop.plans"] = plans
    app.extensions["workshop.documents"] = documents
    app.extensions["workshop.store"] = store
    app.extensions["workshop.service"] = service
    app.extensions["workshop.realtime"] = realtime
    app.extensions["workshop.socketio"] = socketio

    # Importing the route modules adds their routes to the blueprints views defines.
    from workshop.web import compression, views
    from workshop.web import console as console_views  # noqa: F401
    from workshop.web import plans as plan_views  # noqa: F401

    app.register_blueprint(views.pages)
    app.register_blueprint(views.api)
    app.after_request(views.add_security_headers)
    app.after_request(compression.gzip_response)
    app.register_error_handler(Exception, views.handle_unexpected)
    return app
