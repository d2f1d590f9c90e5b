"""Migration 0006 rewrites the events already stored: no copy of a message or comment stays
in the log, reaction events keep only the change."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from guanxi.db.dialects import async_url
from guanxi.db.migrate import upgrade
from guanxi.settings import Settings
from tests.conftest import PG_URL, _pg_admin, _pg_url

MESSAGE = {"id": 7, "conversation_id": 3, "seq": 2, "text": "words taken back", "reactions": []}
OLD_EVENTS: list[tuple[str, dict[str, Any]]] = [
    ("message.created", {"message": MESSAGE}),
    (
        "reaction.added",
        {"conversation_id": 3, "seq": 2, "emoji": "👍", "handle": "lei", "message": MESSAGE},
    ),
    ("message.recalled", {"message": {**MESSAGE, "text": ""}}),
    (
        "moment.commented",
        {"moment_id": 5, "author": "mei", "comment": {"id": 11, "text": "a comment taken back"}},
    ),
    ("member.left", {"conversation_id": 3, "handle": "zed", "by": "zed"}),
]


@pytest.fixture
def at_0005(tmp_path: Path) -> Iterator[Settings]:
    if PG_URL is None:
        settings = Settings(data_dir=tmp_path / "data")
        upgrade(settings, "0005")
        yield settings
        return
    name = f"gx_migration_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    settings = Settings(data_dir=tmp_path, database_url=_pg_url(name))
    upgrade(settings, "0005")
    yield settings
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def execute(url: str, statement: str, rows: list[dict[str, Any]] | None = None) -> Any:
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:
            result = await conn.execute(sa.text(statement), rows)
            return result.all() if result.returns_rows else None
    finally:
        await engine.dispose()


async def test_stored_events_lose_their_copies(at_0005: Settings) -> None:
    url = at_0005.effective_database_url()
    rows = [
        {"type": kind, "payload": orjson.dumps(payload).decode(), "created_at": 1}
        for kind, payload in OLD_EVENTS
    ]
    await execute(
        url,
        "INSERT INTO events (type, payload, created_at, conversation_id) "
        "VALUES (:type, :payload, :created_at, 3)",
        rows,
    )
    await asyncio.to_thread(upgrade, at_0005, "0006")
    stored = await execute(url, "SELECT type, payload, ref_kind, ref_id FROM events ORDER BY id")
    found = [
        (kind, orjson.loads(payload) if isinstance(payload, str) else payload, ref_kind, ref_id)
        for kind, payload, ref_kind, ref_id in stored
    ]
    assert found == [
        ("message.created", {}, "message", 7),
        (
            "reaction.added",
            {"conversation_id": 3, "message_id": 7, "seq": 2, "emoji": "👍", "handle": "lei"},
            None,
            None,
        ),
        ("message.recalled", {}, "message", 7),
        ("moment.commented", {"moment_id": 5, "author": "mei"}, "comment", 11),
        ("member.left", {"conversation_id": 3, "handle": "zed", "by": "zed"}, None, None),
    ]
    assert await execute(url, "SELECT pruned_through FROM event_horizon") == [(0,)]
