"""Turn the database URLs people type into the ones SQLAlchemy needs."""

from __future__ import annotations


def normalise(url: str) -> str:
    """Return url with PostgreSQL pointed at psycopg 3 (the driver we install)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
