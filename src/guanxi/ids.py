"""Random secrets and their hashes."""

from __future__ import annotations

import hashlib
import secrets


def new_token() -> str:
    """A bearer token: 32 random bytes, URL-safe."""
    return secrets.token_urlsafe(32)


def new_code() -> str:
    """A code people pass on and paste (an invite code): a token that never starts with "-",
    which a command line would take for an option (`guanxi invite revoke -x…` failed)."""
    while (code := new_token()).startswith("-"):
        pass
    return code


def token_hash(token: str) -> str:
    """What the database keeps of a token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
