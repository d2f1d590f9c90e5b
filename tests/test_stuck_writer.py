"""A worker that freezes (SIGSTOP, a hung host, a cut network) while it holds the write lock
on PostgreSQL stops every worker's writes only for `stuck_transaction_seconds`: PostgreSQL ends
its idle transaction, and the others write again. Without that bound the lock was held until
the frozen process woke or its host died — every send in the community waited as long."""

from __future__ import annotations

import asyncio
import time

import pytest
import sqlalchemy as sa

from guanxi.db.dialects import create_engine, take_writer_lock
from guanxi.settings import Settings
from tests.fault_servers import needs_postgres, pair
from tests.serve_process import ServeProcess

pytestmark = needs_postgres

STUCK = 2.0  # seconds


async def test_a_frozen_writer_holding_the_lock_is_ended_and_the_others_write_again(
    settings: Settings,
) -> None:
    server = ServeProcess(settings, GUANXI_STUCK_TRANSACTION_SECONDS=str(STUCK))
    frozen = create_engine(settings.effective_database_url(), writer=True, stuck_seconds=STUCK)
    await server.start()
    try:
        mei, lei, chat = await pair(server)
        await mei.send(chat, "before the freeze", client_id="a")
        # a worker's write transaction, as Database runs it, that then says nothing more
        conn = await frozen.connect()
        await conn.begin()
        await take_writer_lock(conn)
        held_at = time.monotonic()
        sent = await asyncio.wait_for(mei.send(chat, "while frozen", client_id="b"), 30)
        waited = time.monotonic() - held_at
        assert sent["seq"] == 2
        assert waited >= STUCK * 0.9  # it did wait for the lock, until PostgreSQL ended it
        with pytest.raises(sa.exc.DBAPIError):  # the frozen worker's session is gone
            await conn.execute(sa.text("SELECT 1"))
        page = await lei.history(chat)
        texts = [m["text"] for m in sorted(page["messages"], key=lambda m: m["seq"])]
        assert texts == ["before the freeze", "while frozen"]
        await mei.close()
        await lei.close()
    finally:
        await frozen.dispose()
        await server.stop()
