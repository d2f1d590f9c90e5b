"""Deleting events older than the retention, a bounded batch at a time, in the background.

The log only has to serve devices that reconnect; a device away longer than the retention
reloads its state instead (`resync`), so older events are dead weight. Each run deletes at
most one batch of the oldest events, in one write unit, and moves the horizon (the newest
pruned id) with them, so a cursor below it is known to be unservable. The newest event is
never deleted: SQLite would hand its id out again, and a device holding it would miss the next.
"""

from __future__ import annotations

from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.eventlog import store
from guanxi.periodic import Periodic
from guanxi.settings import Settings

DAY_MS = 86_400_000


class EventPruner:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings
        interval = settings.event_prune_interval_seconds
        self.periodic = Periodic("guanxi-event-pruner", interval, self.prune_once)

    async def prune_once(self) -> int:
        """Delete up to one batch of the oldest events past the retention; how many went."""
        cutoff = self.clock.now_ms() - self.settings.event_retention_days * DAY_MS
        batch = self.settings.event_prune_batch

        async def unit(tx: Tx) -> int:
            head = await store.get_head(tx.conn)
            last = None
            for row in await store.list_oldest(tx.conn, batch):
                if row.created_at >= cutoff or row.id >= head:
                    break  # a prefix only: the horizon must cover everything below it
                last = row.id
            return 0 if last is None else await store.delete_events_through(tx.conn, last)

        return await self.db.write(unit)
