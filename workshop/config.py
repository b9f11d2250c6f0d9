"""Settings: defaults < instance/config.py < WORKSHOP_* environment variables < test overrides."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, Any] = {
    # Where the SQLite file and the generated secret key live.
    "DATA_DIR": str(PROJECT_ROOT / "instance"),
    # None means sqlite:///<DATA_DIR>/workshop.sqlite3.
    "DATABASE_URL": None,
    # A Redis URL lets several server processes share broadcasts.
    "MESSAGE_QUEUE": None,
    # eventlet (shipped), gevent or threading: the only place the server mode is chosen.
    "SERVER_MODE": "eventlet",
    # The address phones use, e.g. https://workshops.example.org; None means this laptop's LAN IP.
    "PUBLIC_URL": None,
    "HOST": "0.0.0.0",
    "PORT": 5000,
    # Seconds between coalesced broadcasts; 0 sends them at once (tests use that).
    "BROADCAST_INTERVAL": 0.1,
    # The same for screens and facilitators' consoles (a handful per workshop), so the
    # wall follows the room closely while phones keep the longer interval above.
    "SCREEN_BROADCAST_INTERVAL": 0.02,
    # 1: dot votes that arrive together (one turn of the event loop) commit in one
    # SQLite transaction, each answered after that commit; 0: one transaction each.
    # Only with SQLite: on PostgreSQL, batches from two processes could deadlock.
    "VOTE_BATCH": 1,
    # Origins the Socket.IO server accepts besides its own; "*" for any.
    "CORS_ALLOWED_ORIGINS": None,
    # Per-connection flood control: a burst, then commands per second. A phone's
    # allowance is shared by all its tabs; a facilitator's console gets a larger one,
    # so a volunteer typing in a pile of paper ballots never meets it.
    "RATE_BURST": 20,
    "RATE_PER_SECOND": 5.0,
    "RATE_FACILITATOR_BURST": 100,
    "RATE_FACILITATOR_PER_SECOND": 20.0,
    # New attendees joining from one address: a burst, then joins per second. A room of
    # 300 phones behind one venue router never gets near it; a script making a crowd does.
    "JOIN_BURST": 100,
    "JOIN_PER_SECOND": 5.0,
    # Workshops created or imported over HTTP from one address.
    "CREATE_BURST": 20,
    "CREATE_PER_SECOND": 0.5,
    # Join codes looked up in vain from one address (guessing codes), on pages and sockets.
    "LOOKUP_BURST": 30,
    "LOOKUP_PER_SECOND": 1.0,
    # Proxies whose X-Forwarded-For is believed ("10.0.0.2, 172.16.0.0/12"); None: no proxy.
    "TRUSTED_PROXIES": None,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    "EXPORTS_DIR": str(PROJECT_ROOT / "exports"),
    "SECRET_KEY": None,
    # Days after closing when attendees' names, device ids and request logs are erased
    # (the plan and its numbers stay); None keeps them until the workshop is deleted.
    "RETENTION_DAYS": None,
}

INTEGER_KEYS = {
    "PORT",
    "VOTE_BATCH",
    "RATE_BURST",
    "RATE_FACILITATOR_BURST",
    "JOIN_BURST",
    "CREATE_BURST",
    "LOOKUP_BURST",
    "MAX_CONTENT_LENGTH",
    "RETENTION_DAYS",
}
FLOAT_KEYS = {
    "BROADCAST_INTERVAL",
    "SCREEN_BROADCAST_INTERVAL",
    "RATE_PER_SECOND",
    "RATE_FACILITATOR_PER_SECOND",
    "JOIN_PER_SECOND",
    "CREATE_PER_SECOND",
    "LOOKUP_PER_SECOND",
}


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the settings with every layer applied in order."""
    settings = dict(DEFAULTS)
    data_dir = Path(
        (overrides or {}).get("DATA_DIR")
        or os.environ.get("WORKSHOP_DATA_DIR")
        or settings["DATA_DIR"]
    )
    instance_config = data_dir / "config.py"
    if instance_config.is_file():
        namespace: dict[str, Any] = {}
        exec(compile(instance_config.read_text(), str(instance_config), "exec"), namespace)
        settings.update({k: v for k, v in namespace.items() if k in DEFAULTS})
    for key in DEFAULTS:
        value = os.environ.get(f"WORKSHOP_{key}")
        if value is not None:
            settings[key] = _convert(key, value)
    settings.update(overrides or {})
    data_dir = Path(settings["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    if not settings["DATABASE_URL"]:
        settings["DATABASE_URL"] = f"sqlite:///{data_dir / 'workshop.sqlite3'}"
    if not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = secret_key(data_dir)
    return settings


def _convert(key: str, value: str) -> Any:
    """Return an environment variable's value as its setting's type, or refuse in words."""
    if key not in INTEGER_KEYS | FLOAT_KEYS:
        return value or None
    kind = "a whole number" if key in INTEGER_KEYS else "a number"
    try:
        number = int(value) if key in INTEGER_KEYS else float(value)
    except ValueError:
        raise ValueError(f"WORKSHOP_{key} must be {kind} of 0 or more, not {value!r}.") from None
    if number < 0:
        raise ValueError(f"WORKSHOP_{key} must be {kind} of 0 or more, not {value!r}.")
    return number


def allowed_origins(setting: str | list[str] | None) -> str | list[str] | None:
    """Return the origins Socket.IO accepts: None keeps its same-origin check."""
    if setting is None or setting == "*" or isinstance(setting, list):
        return setting
    return [origin.strip() for origin in setting.split(",") if origin.strip()]


def secret_key(data_dir: Path) -> str:
    """Return this installation's secret key, made on first run and readable by its owner only."""
    path = data_dir / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
