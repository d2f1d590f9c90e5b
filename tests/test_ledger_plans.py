"""The ledger's statements use indexes: EXPLAIN QUERY PLAN on SQLite, and EXPLAIN on
PostgreSQL (with sequential scans priced out, as the test's tables are small), for a user with
many messages among others' many more, and the ledger's figures for that history.

`GUANXI_LEDGER_PLAN_MESSAGES` sets the user's share (default 5,000; the others hold ten times
as many); docs/architecture.md ("The ledger") gives the plans and times for 100,000."""

from __future__ import annotations

import os
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.assets.store_ledger import LEDGER_QUERIES
from guanxi.assets.store_placeholders import carried_queries
from guanxi.client import GuanxiClient
from guanxi.conversations.tables import conversations, messages
from guanxi.db.database import Tx
from guanxi.db.dialects import is_sqlite
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend

MINE = int(os.environ.get("GUANXI_LEDGER_PLAN_MESSAGES", "5000"))
OTHERS = 10 * MINE
BATCH = 5000
MOMENTS = 5


async def _id(conn: AsyncConnection, handle: str) -> int:
    user = await accounts_store.get_user_by_handle(conn, handle)
    assert user is not None
    return user.id


async def fill(server: RunningServer, chat: int, senders: list[int], count: int) -> None:
    """`count` text messages in `chat` (after what it holds: a group's system lines), the
    senders taking turns, in batches."""
    now = server.services.clock.now_ms()
    async with server.services.db.read() as conn:
        query = sa.select(conversations.c.last_seq).where(conversations.c.id == chat)
        base = int((await conn.execute(query)).scalar_one())
    for start in range(0, count, BATCH):
        rows = [
            {
                "conversation_id": chat,
                "seq": base + n,
                "sender_id": senders[n % len(senders)],
                "kind": "text",
                "text": f"message {n}",
                "mentions": [],
                "created_at": now - (count - n) * 1000,
            }
            for n in range(start + 1, min(count, start + BATCH) + 1)
        ]

        async def unit(tx: Tx, rows: list[dict[str, Any]] = rows) -> None:
            await tx.conn.execute(sa.insert(messages), rows)
            last = rows[-1]["seq"]
            c = conversations.c
            await tx.conn.execute(
                sa.update(conversations).where(c.id == chat).values(last_seq=last)
            )

        await server.services.db.write(unit)


async def seed(make_user: UserFactory, server: RunningServer) -> int:
    """alice with MINE messages in two direct chats and a group, moments liked by a friend;
    carl and dora with OTHERS messages between them that are not alice's."""
    alice, bob, carl, dora = [await make_user(h) for h in ("alice", "bob", "carl", "dora")]
    await befriend(alice, bob)
    await befriend(alice, carl)
    await befriend(carl, dora)
    ab = int((await alice.open_direct("bob"))["id"])
    ac = int((await alice.open_direct("carl"))["id"])
    group = int((await alice.create_group("All", ["bob", "carl"]))["id"])
    cd = int((await carl.open_direct("dora"))["id"])
    async with server.services.db.read() as conn:
        a, b, c, d = [await _id(conn, h) for h in ("alice", "bob", "carl", "dora")]
    await fill(server, ab, [a, b], MINE // 2)
    await fill(server, ac, [a, c], MINE // 4)
    await fill(server, group, [a, b, c], MINE - MINE // 2 - MINE // 4)
    await fill(server, cd, [c, d], OTHERS)
    for i in range(MOMENTS):
        moment = await alice.post_moment(f"moment {i}")
        await bob.like(moment["id"])
        await alice.like((await carl.post_moment(f"carl {i}"))["id"])
    return a


def _plan_problems(dialect_sqlite: bool, plan: list[str]) -> list[str]:
    """Lines of a plan that read a whole table (or a whole index) of the big ones."""
    big = ("messages", "moment_likes", "moment_comments", "moments", "conversation_members")
    if dialect_sqlite:
        return [line for line in plan if line.startswith("SCAN") and any(t in line for t in big)]
    return [
        line for line in plan if "Seq Scan on" in line and any(f" {t} " in line + " " for t in big)
    ]


async def explain(conn: AsyncConnection, query: Any, sqlite: bool) -> list[str]:
    sql = str(query.compile(conn.sync_connection, compile_kwargs={"literal_binds": True}))
    if sqlite:
        rows = await conn.execute(sa.text("EXPLAIN QUERY PLAN " + sql))
        return [str(row[-1]).strip() for row in rows]
    # Tables this small are read whole whatever the indexes: make the planner show the plan
    # it has for a large one (a Seq Scan remains only where no index serves).
    await conn.execute(sa.text("SET LOCAL enable_seqscan = off"))
    rows = await conn.execute(sa.text("EXPLAIN " + sql))
    return [str(row[0]).strip() for row in rows]


async def test_each_statement_reads_by_index(make_user: UserFactory, server: RunningServer) -> None:
    alice_id = await seed(make_user, server)
    async with server.services.db.read() as conn:
        bob_id = await _id(conn, "bob")
    sqlite = is_sqlite(server.services.settings.effective_database_url())
    async with server.services.db.read() as conn:
        for build in LEDGER_QUERIES:
            plan = await explain(conn, build(alice_id), sqlite)
            print(build.__name__, *plan, sep="\n  ")  # shown with -s
            assert _plan_problems(sqlite, plan) == [], (build.__name__, plan)
        for query in carried_queries(alice_id, [bob_id]):  # bob as if a placeholder
            plan = await explain(conn, query, sqlite)
            print("carried", *plan, sep="\n  ")
            assert _plan_problems(sqlite, plan) == [], ("carried", plan)


async def test_the_figures_of_a_long_history(make_user: UserFactory, server: RunningServer) -> None:
    await seed(make_user, server)
    async with GuanxiClient(server.url) as alice:
        await alice.login("alice", PASSWORD)
        started = time.perf_counter()
        ledger = await alice.assets()
        took = time.perf_counter() - started
    totals = ledger["totals"]
    assert totals["messages"]["sent"]["total"] + totals["messages"]["received"]["total"] == MINE
    assert totals["likes"] == {"given": MOMENTS, "received": MOMENTS}
    print(f"ledger of {MINE} messages among {MINE + OTHERS}: {took * 1000:.0f} ms")
