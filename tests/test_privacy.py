"""Privacy and authority: token rotation, deletion, retention, secrets, logs, forged requests."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from tests.conftest import make_app
from tests.servers import Server
from tests.test_server import Recorder, create
from workshop import config
from workshop.domain.actions import ActionFields
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.privacy import DAY_MS

TABLES = ("participants", "proposals", "votes", "actions", "rounds", "ballots", "paper_counts")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def count_rows(service: UseCases, table: str, workshop_code: str | None = None) -> int:
    with service.core.store.transaction() as tx:
        if workshop_code is None:
            return int(tx.conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
        query = (
            f"SELECT COUNT(*) FROM {table} t JOIN workshops w ON w.id = t.workshop_id "
            "WHERE w.code = :code"
        )
        return int(tx.conn.execute(text(query), {"code": workshop_code}).scalar_one())


def workshop_id(service: UseCases, code: str) -> int:
    with service.core.store.transaction() as tx:
        return service.core.workshop_in(tx, code).id


def head_count_rows(service: UseCases, workshop_id: int) -> int:
    with service.core.store.transaction() as tx:
        query = text("SELECT COUNT(*) FROM head_counts WHERE workshop_id = :w")
        return int(tx.conn.execute(query, {"w": workshop_id}).scalar_one())


def filled(service: UseCases, app: Flask, title: str = "Review") -> tuple[Any, int]:
    """Return a workshop with an attendee, a proposal, a vote and an action, and the attendee."""
    created = service.workshops.create_workshop(title, 5, 3, ["Staff"])
    joined, _ = service.workshops.join(created.code, "privacy-device-00001", "Samira", "g1")
    service.facilitation.change_stage(created.code, Stage.PROPOSE)
    proposal = service.workshops.submit_proposal(
        created.code, joined.participant_id, "Drop-in", "p"
    ).ack
    service.facilitation.change_stage(created.code, Stage.VOTE)
    service.workshops.cast_vote(
        created.code, joined.participant_id, proposal["proposal_id"], 2, "v"
    )
    service.rounds.start_round(created.code, Method.APPROVAL, "r2")
    service.rounds.cast_ballot(
        created.code, joined.participant_id, None, [proposal["proposal_id"]], "b"
    )
    service.rounds.enter_assisted_ballot(
        created.code, "g1", [proposal["proposal_id"]], "for Samira", "assist1"
    )
    service.rounds.enter_paper(
        created.code, "hands", "", 4, {str(proposal["proposal_id"]): 3}, "", "hands1"
    )
    service.facilitation.set_priorities(created.code, [proposal["proposal_id"]])
    service.facilitation.change_stage(created.code, Stage.PLAN)
    plans = app.extensions["workshop.plans"]
    action = plans.add_action(created.code, proposal["proposal_id"], ActionFields(text="Go"), "a")
    plans.volunteer(created.code, joined.participant_id, action.ack["action_id"], True, True, "h")
    return created, joined.participant_id


def test_a_rotated_token_replaces_the_leaked_one_at_once(
    client: FlaskClient, workshop: dict[str, Any], connect: Callable[..., Any]
) -> None:
    code, old = workshop["code"], workshop["facilitator_token"]
    assert client.post(f"/api/workshops/{code}/token").status_code == 401
    answer = client.post(f"/api/workshops/{code}/token", headers=bearer(old)).get_json()
    new = answer["facilitator_token"]
    assert new != old and answer["facilitator_url"].endswith(f"#token={new}")
    assert client.get(f"/api/workshops/{code}/plan.md", headers=bearer(old)).status_code == 401
    assert client.get(f"/api/workshops/{code}/plan.md", headers=bearer(new)).status_code == 200
    console = connect()
    refused = console.emit("facilitate_workshop", {"code": code, "token": old}, callback=True)
    assert refused["reason"] == "forbidden"
    assert console.emit("facilitate_workshop", {"code": code, "token": new}, callback=True)["ok"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/workshops/{code}/plan.md"),
        ("get", "/api/workshops/{code}/plan.csv"),
        ("get", "/api/workshops/{code}/plan.json"),
        ("post", "/api/workshops/{code}/export"),
        ("post", "/api/workshops/{code}/follow-ups"),
        ("post", "/api/workshops/{code}/token"),
        ("delete", "/api/workshops/{code}"),
    ],
)
def test_every_facilitator_endpoint_refuses_without_this_workshops_token(
    client: FlaskClient, workshop: dict[str, Any], method: str, path: str
) -> None:
    other = client.post("/api/workshops", json={"title": "Other"}).get_json()
    url = path.format(code=workshop["code"])
    for headers in ({}, bearer("guess"), bearer(other["facilitator_token"])):
        answer = getattr(client, method)(url, headers=headers, json={})
        assert answer.status_code == 401, (url, headers)
        assert answer.get_json()["reason"] == "forbidden"
    assert client.get(f"/api/workshops/{workshop['code']}").status_code == 200  # still there


def test_deleting_a_workshop_removes_all_its_data_and_files(
    app: Flask, client: FlaskClient, service: UseCases
) -> None:
    created, _ = filled(service, app)
    keep, _ = filled(service, app, "Another meeting")
    follow = app.extensions["workshop.plans"].create_follow_up(
        created.code, created.token, None, "Gravesend", None
    )
    written = client.post(f"/api/workshops/{created.code}/export", headers=bearer(created.token))
    folder = Path(app.config["WORKSHOP_SETTINGS"]["EXPORTS_DIR"])
    assert [(folder / f).exists() for f in written.get_json()["files"]] == [True] * 4

    ids = {c: workshop_id(service, c.code) for c in (created, keep)}
    answer = client.delete(f"/api/workshops/{created.code}", headers=bearer(created.token))

    assert answer.get_json() == {"ok": True}
    assert client.get(f"/api/workshops/{created.code}").status_code == 404
    assert [count_rows(service, t, created.code) for t in TABLES] == [0] * len(TABLES)
    # The running head counts name the workshop by id alone: none are left for it.
    assert head_count_rows(service, ids[created]) == 0 < head_count_rows(service, ids[keep])
    assert list(folder.iterdir()) == []
    # One of each, but two rounds and two ballots (the attendee's and an assisted one).
    assert [count_rows(service, t, keep.code) for t in TABLES] == [1, 1, 1, 1, 2, 2, 1]
    carried = service.audiences.snapshot(follow.code, "facilitator")
    assert [p["text"] for p in carried["proposals"]] == ["Drop-in"]  # the town keeps its copy
    assert carried["series"] is None
    with service.core.store.transaction() as tx:
        actors = tx.conn.execute(text("SELECT actor FROM command_log")).scalars().all()
    assert actors and all(not a.startswith(f"f:{created.code}") for a in actors)


def test_retention_erases_who_took_part_but_keeps_the_plan(app: Flask, service: UseCases) -> None:
    created, participant = filled(service, app)
    _still_open, other = filled(service, app, "Still open")
    service.facilitation.change_stage(created.code, Stage.CLOSED)
    documents = app.extensions["workshop.documents"]
    plan_before = documents.workshop(created.code)
    privacy = app.extensions["workshop.privacy"]
    assert privacy.apply_retention(30) == 0  # closed today: not yet
    real_clock = service.core.clock
    privacy.core.clock = lambda: real_clock() + 31 * DAY_MS  # a month later
    assert privacy.apply_retention(30) == 1
    with service.core.store.transaction() as tx:
        row = tx.conn.execute(
            text("SELECT name, device_id FROM participants WHERE id = :p"), {"p": participant}
        ).one()
        logged = tx.conn.execute(
            text("SELECT COUNT(*) FROM command_log WHERE actor = :a"), {"a": f"p:{participant}"}
        ).scalar_one()
        untouched = tx.conn.execute(
            text("SELECT name FROM participants WHERE id = :p"), {"p": other}
        ).scalar_one()
        notes = (
            tx.conn.execute(
                text(
                    "SELECT b.note FROM ballots b JOIN workshops w ON w.id = b.workshop_id "
                    "ORDER BY w.id, b.id"
                )
            )
            .scalars()
            .all()
        )
    assert notes == ["", "", "", "for Samira"]  # erased only in the closed workshop
    assert row.name is None and row.device_id == f"erased-{participant}" and logged == 0
    assert untouched == "Samira"
    after = documents.workshop(created.code)
    assert after["proposals"] == plan_before["proposals"]
    assert after["actions"] == plan_before["actions"]
    assert after["rounds"] == plan_before["rounds"]
    assert service.audiences.snapshot(created.code, "screen")["actions"][0]["volunteer_names"] == []


def test_the_secret_key_is_random_private_and_kept(tmp_path: Path) -> None:
    first = config.secret_key(tmp_path)
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600 and len(first) == 64 and first == config.secret_key(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    assert config.secret_key(tmp_path / "elsewhere") != first
    app = make_app(tmp_path / "app")
    assert app.config["SECRET_KEY"] == (tmp_path / "app" / "secret_key").read_text().strip()


def test_no_secret_is_committed() -> None:
    root = Path(__file__).resolve().parent.parent
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True)
    names = tracked.stdout.split()
    assert "workshop/config.py" in names
    assert not [n for n in names if n.endswith("secret_key") or n.startswith("instance/")]


def test_a_cross_site_form_cannot_create_or_change_anything(client: FlaskClient) -> None:
    forged = client.post("/api/workshops", data={"title": "Forged"})
    assert forged.status_code == 400
    assert forged.get_json()["error"] == "The request was not understood: send a JSON object."


def test_the_log_never_holds_names_device_ids_text_or_addresses(
    start_server: Callable[..., Server],
) -> None:
    server = start_server()
    made = create(server)
    facilitator = Recorder(server, {"code": made["code"], "token": made["facilitator_token"]})
    facilitator.ack("change_stage", {"stage": "propose"})
    phone = Recorder(server)
    phone.ack(
        "join_workshop",
        {"code": made["code"], "device_id": "logcheck-device-0001", "name": "Rosalind"},
    )
    phone.ack("submit_proposal", {"text": "Bring back the Tuesday group", "request_id": "p"})
    phone.ack("cast_vote", {"proposal_id": 999, "request_id": "v"})  # refused: wrong stage
    phone.close()
    facilitator.close()
    server.stop()
    log = server.output()
    assert "Workshop server on" in log  # the log was captured
    for secret in (
        "Rosalind",
        "logcheck-device",
        "Tuesday group",
        made["facilitator_token"],
        '"GET /',
        '"POST /',
    ):
        assert secret not in log


def test_the_socket_server_refuses_other_origins(start_server: Callable[..., Server]) -> None:
    server = start_server()
    handshake = f"{server.url}/socket.io/?EIO=4&transport=polling"
    for origin, status in (("http://evil.example", 400), (server.url, 200)):
        request = urllib.request.Request(handshake, headers={"Origin": origin})
        try:
            with urllib.request.urlopen(request, timeout=5) as answer:
                got = answer.status
        except urllib.error.HTTPError as refused:
            got = refused.code
        assert got == status, origin


def test_purge_from_the_command_line(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    service = app.extensions["workshop.usecases"]
    created, _participant = filled(service, app)
    service.facilitation.change_stage(created.code, Stage.CLOSED)
    app.extensions["workshop.store"].close()
    done = subprocess.run(
        [sys.executable, "-m", "workshop", "purge", "--days", "0", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Erased the attendee data of 1 closed workshop(s)."


def test_deleting_removes_files_written_under_an_older_title_and_no_one_elses(
    app: Flask, client: FlaskClient, service: UseCases
) -> None:
    first, _ = filled(service, app, "Same title")
    second, _ = filled(service, app, "Same title")
    for made in (first, second):
        client.post(f"/api/workshops/{made.code}/export", headers=bearer(made.token))
    service.facilitation.change_stage(first.code, Stage.PROPOSE)
    app.extensions["workshop.plans"].set_details(first.code, "Tonbridge", False, None)
    client.delete(f"/api/workshops/{first.code}", headers=bearer(first.token))
    folder = Path(app.config["WORKSHOP_SETTINGS"]["EXPORTS_DIR"])
    left = sorted(p.name for p in folder.iterdir())
    assert left == [
        f"same-title-{second.code.lower()}.{ext}" for ext in ("csv", "json", "md", "svg")
    ]


def test_an_imported_workshops_stand_ins_cannot_be_joined(
    app: Flask, client: FlaskClient, service: UseCases
) -> None:
    created, _ = filled(service, app)
    document = app.extensions["workshop.documents"].workshop(created.code)
    copy = client.post("/api/workshops/import", json=document).get_json()
    with service.core.store.transaction() as tx:
        devices = (
            tx.conn.execute(
                text(
                    "SELECT device_id FROM participants p JOIN workshops w ON w.id = p.workshop_id "
                    "WHERE w.code = :c"
                ),
                {"c": copy["code"]},
            )
            .scalars()
            .all()
        )
    assert devices and not any(d.startswith("imported") for d in devices)
    assert len({d[:6] for d in devices}) == len(devices)  # random, not a guessable series
