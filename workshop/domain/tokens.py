"""Workshop codes, facilitator tokens and device ids: random, hashed, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# No 0/O or 1/I: a code is read off a wall and typed on a phone.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_PATTERN = re.compile(f"^[{CODE_ALPHABET}]{{{CODE_LENGTH}}}\\Z")
DEVICE_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{16,64}\Z")  # \Z: a trailing newline does not pass


def new_code() -> str:
    """Return a fresh random workshop code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """Return the code as stored: upper case, spaces and dashes removed."""
    return re.sub(r"[\s-]", "", value).upper()


def new_token() -> str:
    """Return a long random facilitator token (256 bits)."""
    return secrets.token_urlsafe(32)


def new_device_id() -> str:
    """Return a random device id for a phone that did not bring one."""
    return secrets.token_urlsafe(16)


def hash_token(token: str) -> str:
    """Return the stored form of a token; SHA-256 suffices for 256 random bits."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    """Compare a presented token with the stored hash in constant time."""
    return hmac.compare_digest(hash_token(token), stored_hash)
