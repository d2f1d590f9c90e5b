"""The insight follower: applies the event log's new messages, reactions, likes and comments
to the pair statistics, a bounded batch per write unit, and moves its checkpoint in the same
transaction, so a crash loses nothing and applies nothing twice.

It reads after commit (woken by a commit, at most once per `insight_follow_gap_seconds`, so that
under load one write applies many sends; and every `insight_follow_interval_seconds`).
The checkpoint holds the last event applied and a generation (+1 at each rebuild); a write
unit applies its batch only if the checkpoint is still the one it read (another follower, or
`guanxi insight rebuild` from the command line, may have moved it). It rebuilds from history
instead of following when the state was never built (a fresh migration) and when the log was
pruned past its checkpoint (the server was down longer than the retention). A take-back, and
history that arrived without events (`import.done`, `placeholder.linked`), make it recount the
pairs concerned from their own history in the same write unit (recount.py), never everything.
One follower per process; with several workers each would run one and the checkpoint test
keeps them from applying a batch twice (issue 12 makes one worker the follower).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.db.database import Database, Tx
from guanxi.insight import store, store_sources
from guanxi.insight.follower_apply import HOUR_MS, Tally, Tuning, weeks_of
from guanxi.insight.follower_cache import StoredPairs
from guanxi.insight.models import Fact, PairState, Position
from guanxi.insight.rebuild import compute, replace_everything
from guanxi.insight.recount import Recount, recount_of
from guanxi.settings import Settings

log = logging.getLogger(__name__)


def tuning_of(settings: Settings) -> Tuning:
    return Tuning(
        window_ms=round(settings.insight_feedback_window_hours * HOUR_MS),
        default_half_life_days=settings.insight_half_life_days,
        pending_max=settings.insight_pending_max,
        start_gap_ms=round(settings.insight_start_gap_hours * HOUR_MS),
    )


class InsightFollower:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.tuning = tuning_of(settings)
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._stored = StoredPairs(settings.insight_follow_cache_pairs)

    def poke(self) -> None:
        """Something was committed: look for new events soon."""
        self._wake.set()

    def start(self) -> None:
        if self.settings.insight_follow_interval_seconds > 0:
            self._stopping = False
            self._wake.set()
            self._task = asyncio.create_task(self._forever(), name="guanxi-insight-follower")

    async def stop(self) -> None:
        """Stop between write units (a unit under way commits or not as a whole)."""
        task, self._task = self._task, None
        if task is not None:
            self._stopping = True  # Python 3.11's wait_for may swallow a cancel: the flag holds
            self._wake.set()
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _forever(self) -> None:
        interval = self.settings.insight_follow_interval_seconds
        gap = self.settings.insight_follow_gap_seconds
        loop = asyncio.get_running_loop()
        last = loop.time() - gap
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), interval)
            # a commit woke it: let the commits that follow join this catch-up (one write for
            # all of them, not one per send's commit, each with its own fsync)
            await asyncio.sleep(max(0.0, last + gap - loop.time()))  # stop() cancels it
            self._wake.clear()
            if self._stopping:
                return
            last = loop.time()
            try:
                await self.catch_up()
            except Exception:  # e.g. a full disk: the next wake tries again; the server goes on
                log.exception("the insight follower failed")

    async def catch_up(self) -> int:
        """Apply every event committed so far (rebuilding first if needed); how many facts."""
        applied = 0
        async with self._lock:
            while True:
                done, count = await self._step()
                applied += count
                if done:
                    return applied

    async def rebuild(self) -> int:
        """Recompute everything from history; how many facts it applied."""
        async with self._lock:
            return await self._rebuild()

    async def _step(self) -> tuple[bool, int]:
        try:
            return await self._step_once()
        except BaseException:  # states taken from the cache may have been changed
            self._stored.forget()
            raise

    async def _step_once(self) -> tuple[bool, int]:
        """One batch: (whether the log is drained, how many facts were applied).

        Everything but the writing happens in the read snapshot and between the units of the
        sends (docs/architecture.md, "The follower's write unit holds only writes"): the
        events, their facts, the stored states of the pairs they touch and the new states
        computed from them. The write unit then only stores them, if the checkpoint is still
        the one read — and only the follower writes pair states, so with the checkpoint
        unchanged, the states read are the states stored. The states its own last unit
        stored come from memory while the checkpoint is where that unit left it
        (follower_cache.py)."""
        batch = self.settings.insight_follow_batch
        async with self.db.read() as conn:
            if not self.db.is_sqlite:  # one snapshot: a recount reads history through `head`
                await conn.execution_options(isolation_level="REPEATABLE READ")
            at = await store.get_checkpoint(conn)
            head, horizon = await store_sources.get_heads(conn)
            rows = await store_sources.list_followed_events(conn, at.event_id, head, batch)
            stale = at.generation == 0 or at.event_id < horizon
            if not stale:
                facts = await store_sources.facts_of_events(conn, rows)
                again = await recount_of(conn, self.tuning, rows, head)
                sides = {(f.actor, f.target) for _, f in facts}
                ahead = await store.list_recounts(conn, sides)
                if again is not None:  # counted by the recount: its pairs' facts through `head`
                    ahead |= dict.fromkeys(again.keys, head)
                kept = [f for event_id, f in facts if event_id > ahead.get((f.actor, f.target), 0)]
                await asyncio.sleep(0)  # the sends parsed meanwhile go first (SQLite is inline)
                tally = Tally(self.tuning)
                # a recount's sides are both ways round and every fact on them is left out, so
                # no state loaded here is one the recount replaces in the unit
                keys = _sides(kept)
                held = self._stored.take(keys) if self._stored.valid_at(at) else {}
                await _load(conn, tally, kept, keys, held)
        if stale:
            return False, await self._rebuild()
        drained = len(rows) < batch
        through = head if drained else rows[-1].id
        if through == at.event_id:
            return True, 0
        existing = set(tally.pairs)
        tally.apply_all(kept)
        moved = Position(event_id=through, generation=at.generation)
        if not await self.db.write(lambda tx: self._apply(tx, at, moved, tally, existing, again)):
            self._stored.forget()
            return False, 0  # someone else moved the checkpoint: read again
        if again is not None:  # it replaced whole sides (none of the tally's)
            self._stored.forget()
        self._stored.stored(moved, tally.pairs.values())
        return drained, len(kept) + (0 if again is None else len(again.keys))

    async def _apply(
        self,
        tx: Tx,
        expected: Position,
        moved: Position,
        tally: Tally,
        existing: set[tuple[int, int]],
        again: Recount | None,
    ) -> bool:
        """Store a batch computed in the read snapshot (`existing`: the pairs it found stored).
        Runs again unchanged if the writer retries its batch: it only reads the tally."""
        if await store.get_checkpoint(tx.conn, for_update=True) != expected:
            return False
        if again is not None:
            await again.save(tx.conn)
        await store.save_pairs(tx.conn, list(tally.pairs.values()), existing)
        await store.insert_weeks(tx.conn, tally.new_weeks)
        await store.add_months(tx.conn, tally.months)
        await store.save_marks(tx.conn, tally.marks)
        await store.drop_recounts(tx.conn, moved.event_id)
        await store.update_checkpoint(tx.conn, moved)
        return True

    async def _rebuild(self) -> int:
        self._stored.forget()
        result = await compute(self.db, self.tuning)
        await self.db.write(lambda tx: replace_everything(tx, result))
        return len(result.facts)


def _sides(facts: list[Fact]) -> set[tuple[int, int]]:
    return {(f.actor, f.target) for f in facts} | {(f.target, f.actor) for f in facts}


async def _load(
    conn: AsyncConnection,
    tally: Tally,
    facts: list[Fact],
    keys: set[tuple[int, int]],
    held: dict[tuple[int, int], PairState],
) -> None:
    """The stored states and weeks the facts may touch (`keys`: their sides both ways round;
    `held`: the states among them known already)."""
    tally.pairs.update(held)
    if missing := keys - held.keys():
        tally.pairs.update(await store.list_pairs(conn, missing))
    weeks = weeks_of(tally.pairs.values(), facts)
    tally.weeks |= await store.list_known_weeks(conn, (u for u, _ in keys), weeks)
