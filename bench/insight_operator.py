"""The operator's insight (`guanxi insight report`, `GET /api/v1/admin/insight`) on a synthetic
community: time and memory of one computation.

Builds a SQLite data folder with `--users` people, `--chats` direct chats between random pairs
and `--messages` messages spread over them (random senders, times over 200 days), written
straight into the tables; then runs `compute_figures` once and prints one JSON line: seconds,
the peak of memory traced by tracemalloc during the computation (numpy's arrays included) and
the process's peak resident size. `--trace` off measures the time without tracemalloc's cost.

    .venv/bin/python bench/insight_operator.py --messages 1000000
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from guanxi.accounts.tables import users
from guanxi.conversations.tables import conversation_members, conversations, messages
from guanxi.db.database import Database
from guanxi.db.migrate import upgrade
from guanxi.insight.operator import SERVER_PAGE, compute_figures
from guanxi.settings import Settings

T0 = 1_700_000_000_000
SPAN_MS = 200 * 86_400_000


def _pairs(rng: np.random.Generator, people: int, chats: int) -> list[tuple[int, int]]:
    found: set[tuple[int, int]] = set()
    while len(found) < chats:
        a, b = sorted(rng.integers(1, people + 1, 2).tolist())
        if a != b:
            found.add((a, b))
    return sorted(found)


def build(folder: Path, people: int, chats: int, count: int) -> None:
    settings = Settings(data_dir=folder)
    upgrade(settings)
    engine = sa.create_engine(f"sqlite:///{settings.sqlite_path()}")
    rng = np.random.default_rng(1)
    pairs = _pairs(rng, people, chats)
    with engine.begin() as conn:
        conn.execute(
            users.insert(),
            [
                dict(id=i, handle=f"u{i:06d}", display_name="x", created_at=T0)
                for i in range(1, people + 1)
            ],
        )
        conn.execute(
            conversations.insert(),
            [
                dict(id=c, kind="direct", direct_key=f"{a}:{b}", created_at=T0, updated_at=T0)
                for c, (a, b) in enumerate(pairs, start=1)
            ],
        )
        conn.execute(
            conversation_members.insert(),
            [
                dict(conversation_id=c, user_id=u, role="member", joined_at=T0, joined_seq=0,
                     joined_event=0)
                for c, pair in enumerate(pairs, start=1)
                for u in pair
            ],
        )  # fmt: skip
        _messages(conn, rng, pairs, count)


def _messages(
    conn: Any, rng: np.random.Generator, pairs: list[tuple[int, int]], count: int
) -> None:
    sizes = rng.multinomial(count, np.ones(len(pairs)) / len(pairs)).tolist()
    next_id = 1
    for c, ((a, b), size) in enumerate(zip(pairs, sizes, strict=True), start=1):
        times = np.sort(T0 + rng.integers(0, SPAN_MS, size)).tolist()
        senders = np.where(rng.random(size) < 0.5, a, b).tolist()
        rows = [
            dict(id=next_id + j, conversation_id=c, seq=j + 1, sender_id=senders[j], kind="text",
                 mentions=[], created_at=times[j])
            for j in range(size)
        ]  # fmt: skip
        if rows:
            conn.execute(messages.insert(), rows)
        next_id += size


async def measure(folder: Path, trace: bool, page: int) -> dict[str, Any]:
    db = Database(f"sqlite:///{folder / 'guanxi.db'}")
    await db.start()
    try:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        figures = await compute_figures(db, T0 + SPAN_MS, page=page)
        seconds = time.perf_counter() - started
        traced = tracemalloc.get_traced_memory()[1] if trace else None
    finally:
        await db.stop()
    return {
        "messages": figures["messages"],
        "seconds": round(seconds, 2),
        "traced_peak_mb": None if traced is None else round(traced / 1e6, 1),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--chats", type=int, default=10_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--trace", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--page", type=int, default=SERVER_PAGE, help="rows per read")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        build(Path(folder), args.users, args.chats, args.messages)
        result = asyncio.run(measure(Path(folder), args.trace, args.page))
    print(json.dumps({"users": args.users, "chats": args.chats, "page": args.page, **result}))


if __name__ == "__main__":
    main()
