"""A toolkit for running participatory workshops live: create_app builds the server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from flask_socketio import SocketIO

from workshop import config, web
from workshop.domain.flood import Guard
from workshop.exports import formats as export
from workshop.exports import words
from workshop.live.packets import StrictPacket
from workshop.live.server import Realtime
from workshop.store.engine import Store
from workshop.usecases import UseCases
from workshop.usecases.batching import Batcher
from workshop.usecases.language import Languages
from workshop.web import language, net
from workshop.web.json_provider import StrictJSONProvider


def _socketio(app: Flask, settings: dict[str, Any]) -> SocketIO:
    """Return the Socket.IO server: the server mode and message queue are settings."""
    return SocketIO(
        app,
        async_mode=settings["SERVER_MODE"],
        message_queue=settings["MESSAGE_QUEUE"],
        cors_allowed_origins=config.allowed_origins(settings["CORS_ALLOWED_ORIGINS"]),
        # Larger than any valid command, so an oversized one gets an ack with a sentence.
        max_http_buffer_size=settings["MAX_CONTENT_LENGTH"],
        serializer=StrictPacket,  # the same JSON rules; unreadable JSON still gets an answer
        ping_interval=10,
        ping_timeout=20,
    )


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Build the app with its store, use cases and Socket.IO server; no logic lives here."""
    settings = config.load(overrides)
    app = Flask(__name__, template_folder="../templates", static_folder="../static")
    app.json = StrictJSONProvider(app)  # no NaN in or out; no traceback for deep nesting
    app.config.update(
        SECRET_KEY=settings["SECRET_KEY"],
        MAX_CONTENT_LENGTH=settings["MAX_CONTENT_LENGTH"],
        WORKSHOP_SETTINGS=settings,
        WORKSHOP_BASE_URL=net.base_url(settings["PUBLIC_URL"], settings["PORT"], settings["HOST"]),
    )
    store = Store(settings["DATABASE_URL"])
    base = app.config["WORKSHOP_BASE_URL"]
    exports_dir = Path(settings["EXPORTS_DIR"])
    # The run sheets the project ships, then the organiser's own (which may replace one).
    folders = [config.PROJECT_ROOT / "run_sheets", Path(settings["DATA_DIR"]) / "run_sheets"]
    usecases = UseCases.build(
        store, lambda code: f"{base}/w/{code}", exports_dir, run_sheet_folders=folders
    )

    usecases.audiences.verify_open_rounds()  # the running tallies agree with a recount
    usecases.audiences.verify_head_counts()  # and so do the running head counts

    socketio = _socketio(app, settings)

    if settings["VOTE_BATCH"]:
        usecases.core.batcher = Batcher(
            store, socketio.server.eio.create_event, lambda: socketio.sleep(0)
        )

    def export_closed(code: str) -> None:
        export.write_exports(exports_dir, usecases.documents.series(code), code)

    guard = Guard(settings)  # one set of flood limits for HTTP and sockets alike
    catalogues = Languages(config.PROJECT_ROOT / "translations")
    words.install(catalogues.translate)  # exports find their workshop's language here
    realtime = Realtime(
        socketio, usecases, settings, on_closed=export_closed, guard=guard, languages=catalogues
    )
    privacy = usecases.privacy
    if settings["RETENTION_DAYS"] is not None:
        privacy.apply_retention(int(settings["RETENTION_DAYS"]))
        realtime.every_hour(lambda: privacy.apply_retention(int(settings["RETENTION_DAYS"])))
    app.extensions["workshop.usecases"] = usecases
    app.extensions["workshop.guard"] = guard
    app.extensions["workshop.privacy"] = usecases.privacy
    app.extensions["workshop.plans"] = usecases.plans
    app.extensions["workshop.documents"] = usecases.documents
    app.extensions["workshop.store"] = store
    app.extensions["workshop.realtime"] = realtime
    app.extensions["workshop.socketio"] = socketio

    language.setup(app, catalogues)
    web.register(app)
    return app
