"""An import cut short by kill -9 leaves nothing: at the next start (once the killed server's
lease ran out) the job is failed as interrupted and everything it had written is taken out
(a `guanxi serve` in its own process, killed for real in the middle of the write pass)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from guanxi.client import GuanxiClient
from guanxi.db.database import Database
from guanxi.db.metadata import metadata
from guanxi.settings import Settings
from tests.conftest import PASSWORD
from tests.test_crash import ServerProcess, process

__all__ = ["process"]  # the fixture
# the job itself, its event, logins; and insight's tables, which the follower brings up to
# date with the history at its own pace (a restart may find it behind; tests/test_insight_*
# prove it equals a rebuild)
NOT_COMPARED = (
    "asset_jobs",
    "events",
    "sessions",
    "insight_pairs",
    "insight_weeks",
    "insight_months",
    "insight_checkpoint",
)


def chat(lines: int, words: str) -> bytes:
    """A WhatsApp export of a chat with Ann: `lines` messages, a minute apart."""
    start = datetime(2023, 1, 1)
    out = []
    for n in range(lines):
        at = start + timedelta(minutes=n)
        out.append(f"{at.day}/{at.month}/{at:%y, %H:%M} - Ann: {words} {n}\n")
    return "".join(out).encode()


async def row_counts(settings: Settings) -> dict[str, int]:
    db = Database(settings.effective_database_url())
    await db.start()
    try:
        counts: dict[str, int] = {}
        async with db.read() as conn:
            for table in metadata.sorted_tables:
                if table.name not in NOT_COMPARED:
                    query = sa.select(sa.func.count()).select_from(table)
                    counts[table.name] = int((await conn.execute(query)).scalar_one())
        return counts
    finally:
        await db.stop()


async def test_an_import_killed_mid_write_is_taken_out_at_the_next_start(
    process: ServerProcess,
) -> None:
    mei = GuanxiClient(process.url, timeout=10)
    await mei.register("mei", PASSWORD, "Mei")
    first = await mei.start_import(chat(30, "hello"), "WhatsApp Chat with Bo.txt")
    assert (await mei.wait_import(first["id"]))["state"] == "done"
    chats = await mei.conversations()
    before = await row_counts(process.settings)
    started = await mei.start_import(chat(60_000, "cut short"), "WhatsApp Chat with Ann.txt")
    job: dict[str, Any] = {}
    for _ in range(6000):
        job = await mei.get_import(started["id"])
        if job["progress"]["done"] >= 4000 or job["state"] in ("done", "failed"):
            break
    assert job["state"] == "running", job  # in the middle of the write pass
    await process.kill()
    await mei.close()

    await process.start()
    async with GuanxiClient(process.url, timeout=10) as again:
        await again.login("mei", PASSWORD)
        # on PostgreSQL the killed server's lease on the import runner must run out first
        # (6 s for test servers): the restarted one fails the job once it holds the lease
        job = await again.wait_import(started["id"])
        assert job["state"] == "failed" and job["error"]["code"] == "interrupted", job
        assert await again.conversations() == chats
        assert (await again.search("cut short"))["messages"] == []
    assert await row_counts(process.settings) == before
    assert not list((process.settings.data_dir / "imports").iterdir())
