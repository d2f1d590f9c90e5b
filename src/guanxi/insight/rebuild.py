"""`insight rebuild`: every statistic recomputed from history, through the same `Tally` the
follower uses, and stored in one write unit with the checkpoint at the newest event of the
snapshot it read (so the follower goes on from exactly there)."""

from __future__ import annotations

from dataclasses import dataclass

from guanxi.db.database import Database, Tx
from guanxi.insight import store, store_sources
from guanxi.insight.follower_apply import Tally, Tuning
from guanxi.insight.models import Fact, Position


@dataclass(frozen=True, kw_only=True)
class Rebuilt:
    tally: Tally
    facts: list[Fact]
    event_id: int


async def compute(db: Database, tuning: Tuning) -> Rebuilt:
    """Read history and the newest event id in one snapshot, and apply it all in memory."""
    async with db.read() as conn:
        if not db.is_sqlite:  # one snapshot for every statement below
            await conn.execution_options(isolation_level="REPEATABLE READ")
        head, _ = await store_sources.get_heads(conn)
        facts = await store_sources.history(conn)
    tally = Tally(tuning)
    tally.apply_all(facts)
    return Rebuilt(tally=tally, facts=facts, event_id=head)


async def replace_everything(tx: Tx, rebuilt: Rebuilt) -> None:
    generation = (await store.get_checkpoint(tx.conn, for_update=True)).generation
    await store.delete_everything(tx.conn)
    tally = rebuilt.tally
    await store.save_pairs(tx.conn, list(tally.pairs.values()), set())
    await store.insert_weeks(tx.conn, tally.new_weeks)
    await store.add_months(tx.conn, tally.months, fresh=True)
    await store.save_marks(tx.conn, tally.marks, fresh=True)
    position = Position(event_id=rebuilt.event_id, generation=generation + 1)
    await store.update_checkpoint(tx.conn, position)
