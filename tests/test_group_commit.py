"""The writer commits a burst together; a unit that fails takes nothing else down with it."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from guanxi.db.database import Tx
from guanxi.errors import InvalidInput
from guanxi.eventlog.tables import events
from guanxi.services import build_services
from guanxi.settings import Settings


async def test_failing_unit_in_a_batch_rolls_back_alone(settings: Settings) -> None:
    services = build_services(settings)
    await services.db.start()
    committed: list[int] = []

    def unit(n: int) -> object:
        async def run(tx: Tx) -> int:
            await tx.conn.execute(sa.insert(events).values(type=f"t{n}", payload={}, created_at=n))
            if n % 3 == 0:
                raise InvalidInput(f"unit {n} refuses")
            tx.on_commit(lambda: committed.append(n))
            return n

        return run

    try:
        results = await asyncio.gather(
            *(services.db.write(unit(n)) for n in range(1, 31)), return_exceptions=True
        )
        async with services.db.read() as conn:
            stored = (await conn.execute(sa.select(events.c.created_at))).scalars().all()
    finally:
        await services.db.stop()
    refused = [r for r in results if isinstance(r, InvalidInput)]
    assert len(refused) == 10
    assert sorted(stored) == [n for n in range(1, 31) if n % 3]
    assert committed == [n for n in range(1, 31) if n % 3]  # once each, in order
