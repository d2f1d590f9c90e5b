"""The community's own secret: names its Redis channel and signs what goes through it.

Communities sharing one Redis used to share one channel and trusted every envelope on it, so
one community's events (or anyone's who could publish) reached another's devices. The secret
is made at first start in the data folder (mode 0600), which every worker of a community
shares (media files live there too); the channel is derived from it and every envelope carries
an HMAC of its bytes, so envelopes of another community or a stranger are dropped."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "community.key"
KEY_BYTES = 32
MAC_BYTES = 32


def community_key(data_dir: Path) -> bytes:
    """The secret in `data_dir`, made on first use (by whichever worker comes first)."""
    path = data_dir / KEY_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(KEY_BYTES))
    return _read(path)


def _read(path: Path) -> bytes:
    key = path.read_bytes()
    if len(key) != KEY_BYTES:  # a worker is still writing it, or it was damaged
        raise RuntimeError(f"{path} must hold {KEY_BYTES} bytes; delete it to make a new one")
    return key


def community_id(key: bytes) -> str:
    """A public name for the community, for Redis keys: tells nothing of the secret."""
    return hashlib.sha256(b"guanxi community id\0" + key).hexdigest()[:20]


def sign(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest() + data


def verify(key: bytes, signed: bytes) -> bytes | None:
    """The data if the signature is the community's, else None."""
    mac, data = signed[:MAC_BYTES], signed[MAC_BYTES:]
    expected = hmac.new(key, data, hashlib.sha256).digest()
    return data if hmac.compare_digest(mac, expected) else None
