"""Fixtures: a fresh app on a temporary SQLite file, HTTP and Socket.IO test clients."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from workshop import create_app
from workshop.usecases import UseCases
from workshop.usecases.themes import Themes

BASE_URL = "http://testserver"


def make_app(data_dir: Path, **overrides: Any) -> Flask:
    """Build an app the way tests need it: threading, broadcasts sent at once."""
    settings = {
        "DATA_DIR": str(data_dir),
        "SERVER_MODE": "threading",
        "BROADCAST_INTERVAL": 0,
        "PUBLIC_URL": BASE_URL,
        "EXPORTS_DIR": str(data_dir / "exports"),
        "RATE_BURST": 1000,
        "RATE_FACILITATOR_BURST": 1000,  # a scripted console outpaces any person
        # Tests make many workshops, joins and lookups from one address; the limits
        # themselves are tested with small values in tests/test_hardening.py.
        "JOIN_BURST": 100_000,
        "CREATE_BURST": 100_000,
        "LOOKUP_BURST": 100_000,
        **overrides,
    }
    return create_app(settings)


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    """Return an app on its own SQLite file."""
    application = make_app(tmp_path)
    yield application
    application.extensions["workshop.store"].close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return an HTTP test client."""
    return app.test_client()


@pytest.fixture
def service(app: Flask) -> UseCases:
    """Return the app's use cases."""
    return app.extensions["workshop.usecases"]  # type: ignore[no-any-return]


@pytest.fixture
def themes(service: UseCases) -> Themes:
    """Return the app's theme and spotlight use cases."""
    return service.themes


@pytest.fixture
def workshop(client: FlaskClient) -> dict[str, Any]:
    """Create a workshop with three stakeholder groups and return the creation answer."""
    answer = client.post(
        "/api/workshops",
        json={
            "title": "Partnership review",
            "dots": 5,
            "max_per_proposal": 3,
            "groups": ["People using the service", "Partner staff", "Community organisations"],
        },
    )
    assert answer.status_code == 201
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.fixture
def connect(app: Flask, client: FlaskClient) -> Callable[..., Any]:
    """Return a factory of Socket.IO test clients (pass auth=... to bind on connect)."""
    socketio = app.extensions["workshop.socketio"]
    made = []

    def factory(auth: dict[str, Any] | None = None) -> Any:
        test_client = socketio.test_client(app, flask_test_client=client, auth=auth)
        made.append(test_client)
        return test_client

    yield factory
    for test_client in made:
        if test_client.is_connected():
            test_client.disconnect()


def names(received: list[dict[str, Any]]) -> list[str]:
    """Return the event names a test client received, in order."""
    return [message["name"] for message in received]


def last(received: list[dict[str, Any]], name: str) -> Any:
    """Return the payload of the last event of that name."""
    payloads = [m["args"][0] for m in received if m["name"] == name]
    assert payloads, f"no {name} among {names(received)}"
    return payloads[-1]


def service_url(variable: str, what: str) -> str:
    """Return a test service's URL from the environment; skip locally without one, fail in CI."""
    url = os.environ.get(variable)
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI must set {variable}: the {what} tests cannot run.")
        pytest.skip(f"set {variable} to run the {what} tests")
    return url


def postgres_url() -> str:
    """Return the test PostgreSQL URL."""
    return service_url("WORKSHOP_TEST_POSTGRES_URL", "PostgreSQL")


def redis_url() -> str:
    """Return the test Redis URL."""
    return service_url("WORKSHOP_TEST_REDIS_URL", "Redis")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Print the output of any real server a failing test started."""
    outcome = yield
    report = outcome.get_result()
    servers = getattr(item, "started_servers", [])
    if report.failed and servers:
        for server in servers:
            report.sections.append((f"server on port {server.port}", server.output()))


@pytest.fixture
def start_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Any]]:
    """Return a function that starts run.py; every server started is stopped afterwards."""
    from tests.servers import Server

    started: list[Server] = []
    request.node.started_servers = started  # type: ignore[attr-defined]

    def start(
        *extra: str, data_dir: Path | None = None, port: int | None = None, **env: str
    ) -> Server:
        server = Server(data_dir or tmp_path / "data", port, *extra, **env).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def fresh_postgres() -> Iterator[str]:
    """Return the URL of a brand-new PostgreSQL database, dropped afterwards."""
    import uuid

    import sqlalchemy

    from workshop.store.urls import normalise

    base = normalise(postgres_url())
    name = f"workshop_test_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = base.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()
