"""Issue 10's benchmark of social assets: export and import of a history of N messages with
1,000 media items — messages per second and peak RSS.

    .venv/bin/python bench/assets.py                      # 10k and 100k messages
    .venv/bin/python bench/assets.py --messages 10000 100000 1000000 --keep
    .venv/bin/python bench/assets.py --messages 100000 --measures import --keep --folder DIR

For each N it seeds a fresh SQLite data folder (`<--folder, /tmp>/guanxi-bench-assets-<N>`,
reused with `--keep` when already seeded; give each person measuring a folder of their own): 21
users, the measured user `ana` friends with the others, a direct chat with each and one group
of all, N messages spread over them through the stores in big write units (a reaction on every
20th, a reply on every 50th), 1,000 media items (random bytes, 2–64 KiB, stored through
`LocalMediaStore`) carried by 1,000 of the messages, and a few moments. Then each measurement
runs in a fresh child process (`measure` below), so its peak RSS (`ru_maxrss`) is its own: the
RSS before the work (imports, services started) and the peak after, the time of the work alone
(wall and the process's CPU: on a machine others load, the CPU time moves far less), and what
it made. Python's garbage collector is at its defaults; `--collector server` tunes it as
`guanxi serve` does (`cli/serve.py: tune_collector`), where imports and exports run: fewer
collections, a larger heap. Results go to stdout as a table and to
`bench/results/assets-<stamp>.json`.

A measurement is a function in MEASURES taking (data folder, its scratch folder) and returning
a dict with at least `messages` and `seconds`. `import` imports the archive the export
measurement leaves in the scratch folder into a fresh data folder (a new account `ana` there),
through `ImportService.import_file` as the server's job and `guanxi import` do: every file
through the media domain's upload path.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from guanxi.clock import Clock  # noqa: E402
from guanxi.conversations import store_conversations, store_members, store_messages  # noqa: E402
from guanxi.conversations.rules import direct_key  # noqa: E402
from guanxi.db.database import Database, Tx  # noqa: E402
from guanxi.db.migrate import upgrade  # noqa: E402
from guanxi.media import store as media_store  # noqa: E402
from guanxi.media.models import Media  # noqa: E402
from guanxi.media.storage import LocalMediaStore  # noqa: E402
from guanxi.moments import store as moments_store  # noqa: E402
from guanxi.relationships import store as relationships_store  # noqa: E402
from guanxi.services import build_services  # noqa: E402
from guanxi.settings import Settings  # noqa: E402
from guanxi.threads import ThreadPool  # noqa: E402

USERS = 20  # besides ana
MEDIA = 1000
UNIT = 5000  # rows per write unit while seeding
SEEDED = "seeded.json"
FAST = {"password_hash_time_cost": 1, "password_hash_memory_kib": 8, "password_hash_parallelism": 1}


def settings_for(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, media_collect_interval_seconds=0, **FAST)


# -- seeding ------------------------------------------------------------------------------------


async def seed(data_dir: Path, messages: int, media: int) -> dict[str, Any]:
    settings = settings_for(data_dir)
    services = build_services(settings)
    await services.start(jobs=False)
    try:
        started = time.perf_counter()
        users = [
            (
                await services.accounts.register(
                    h, "correct horse battery staple 42", h, by_operator=True
                )
            )[0].id
            for h in ["ana", *(f"user{i:02d}" for i in range(USERS))]
        ]
        ana, others = users[0], users[1:]
        now = Clock().now_ms() - messages * 10
        await services.db.write(lambda tx: _friends(tx, ana, others, now))
        chats = await services.db.write(lambda tx: _chats(tx, ana, others, now))
        items = await _media(services.db, settings, media, ana, now)
        await _messages(services.db, chats, ana, others, items, messages, now)
        await services.db.write(lambda tx: _moments(tx, ana, items[:20], now))
        seconds = time.perf_counter() - started
    finally:
        await services.stop()
    return {"messages": messages, "media": len(items), "seed_seconds": round(seconds, 1)}


async def _friends(tx: Tx, ana: int, others: list[int], now: int) -> None:
    for i, other in enumerate(others):
        for a, b in ((ana, other), (other, ana)):
            await relationships_store.insert_friendship(
                tx.conn,
                user_id=a,
                friend_id=b,
                role="classmate",
                remark="",
                tags=["bench"] if i % 2 else [],
                created_at=now,
                sort_key=f"user{i:02d}",
            )


async def _chats(tx: Tx, ana: int, others: list[int], now: int) -> list[tuple[int, list[int]]]:
    """A direct chat with each friend and one group of everyone: (id, members)."""
    chats = []
    for other in others:
        cid = await store_conversations.insert_conversation(
            tx.conn,
            kind="direct",
            name="",
            owner_id=None,
            direct_key=direct_key(ana, other),
            created_at=now,
        )
        chats.append((cid, [ana, other]))
    gid = await store_conversations.insert_conversation(
        tx.conn, kind="group", name="Everyone", owner_id=ana, direct_key=None, created_at=now
    )
    chats.append((gid, [ana, *others]))
    for cid, members in chats:
        for uid in members:
            await store_members.upsert_member(
                tx.conn,
                conversation_id=cid,
                user_id=uid,
                role="owner" if cid == gid and uid == ana else "member",
                joined_at=now,
                joined_seq=0,
                joined_event=0,
            )
    return chats


async def _media(db: Database, settings: Settings, count: int, owner: int, now: int) -> list[Media]:
    files = ThreadPool("bench-files", 2)
    storage = LocalMediaStore(settings.data_dir / "media", files, Clock())
    storage.prepare()
    rng = random.Random(10)
    items = []
    for i in range(count):
        data = rng.randbytes(rng.randint(2048, 65536))
        sha = await storage.put_bytes(data)
        items.append(
            Media(
                id=f"bench{i:06d}",
                owner_id=owner,
                sha256=sha,
                kind="image",
                mime="image/jpeg",
                size=len(data),
                filename=f"photo{i}.jpg",
                width=640,
                height=480,
                duration_ms=None,
                served_sha256=sha,
                served_size=len(data),
                thumbnail_sha256=None,
                preview_sha256=None,
                created_at=now,
            )
        )
    files.close()

    async def unit(tx: Tx) -> None:
        for item in items:
            await media_store.insert_media(tx.conn, item)

    await db.write(unit)
    return items


async def _messages(
    db: Database,
    chats: list[tuple[int, list[int]]],
    ana: int,
    others: list[int],
    items: list[Media],
    total: int,
    now: int,
) -> None:
    rng = random.Random(7)
    seqs = {cid: 0 for cid, _ in chats}
    with_media = set(rng.sample(range(total), min(len(items), total)))
    media = iter(items)
    n = 0
    while n < total:
        batch = range(n, min(total, n + UNIT))

        async def unit(tx: Tx, batch: range = batch) -> None:
            for i in batch:
                cid, members = chats[i % len(chats)]
                seqs[cid] += 1
                item = next(media) if i in with_media else None
                message_id = await store_messages.insert_message(
                    tx.conn,
                    conversation_id=cid,
                    seq=seqs[cid],
                    sender_id=members[i % len(members)],
                    client_id=None,
                    kind="image" if item else "text",
                    text="" if item else f"message {i} with some words in it, 你好 {rng.random()}",
                    reply_to_seq=seqs[cid] - 1 if i % 50 == 49 and seqs[cid] > 1 else None,
                    mentions=[],
                    media_id=item.id if item else None,
                    created_at=now + i * 10,
                )
                if i % 20 == 0:
                    await store_messages.insert_reaction(
                        tx.conn, message_id, others[i % len(others)], "👍", now + i * 10 + 1
                    )
            for cid, seq in seqs.items():
                await store_conversations.update_conversation(tx.conn, cid, {"last_seq": seq})

        await db.write(unit)
        n = batch.stop


async def _moments(tx: Tx, ana: int, items: list[Media], now: int) -> None:
    for i, item in enumerate(items):
        mid = await moments_store.insert_moment(
            tx.conn, author_id=ana, text=f"moment {i}", place="", audience="all", created_at=now
        )
        await moments_store.insert_media(tx.conn, mid, [item.id])


# -- measurements (each in a child process) ----------------------------------------------------


async def measure_export(data_dir: Path, scratch: Path) -> dict[str, Any]:
    services = build_services(settings_for(data_dir))
    await services.start(jobs=False)
    try:
        rss_before = _rss_kib()
        target = scratch / "export.zip"
        target.unlink(missing_ok=True)

        async def report(done: int, total: int) -> None:
            pass

        started = time.perf_counter()
        result = await services.exports.export_to("ana", target, report)
        seconds = time.perf_counter() - started
    finally:
        await services.stop()
    return {
        "messages": result.counts["messages"],
        "seconds": round(seconds, 2),
        "rss_before_kib": rss_before,
        "archive_bytes": result.size,
        "counts": result.counts,
    }


async def measure_import(data_dir: Path, scratch: Path) -> dict[str, Any]:
    """Import the archive `export` left in the scratch folder into a fresh data folder (its
    ana, a new account there), as `guanxi import` does."""
    archive = scratch / "export.zip"
    if not archive.exists():
        raise SystemExit("run the export measurement first: it leaves the archive")
    target = scratch / "imported"
    services = build_services(settings_for(target))
    await services.start(jobs=False)
    try:
        await services.accounts.register(
            "ana", "correct horse battery staple 42", "ana", by_operator=True
        )
        rss_before = _rss_kib()
        cpu_before = _cpu_seconds()
        started = time.perf_counter()
        job = await services.imports.import_file("ana", archive, "guanxi")
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_before
    finally:
        await services.stop()
        shutil.rmtree(target, ignore_errors=True)
    if job.state != "done":
        raise SystemExit(f"the import failed: {job.error}")
    counts = job.counts or {}
    return {
        "messages": counts.get("messages", 0),
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "rss_before_kib": rss_before,
        "counts": counts,
    }


MEASURES: dict[str, Callable[[Path, Path], Awaitable[dict[str, Any]]]] = {
    "export": measure_export,
    "import": measure_import,
}


def _rss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _cpu_seconds() -> float:
    """CPU time of this process's threads (user and system): on a machine others load, it
    moves far less than the wall time does (worker processes not included)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def child(kind: str, data_dir: Path, scratch: Path, collector: str) -> None:
    """The child process: one measurement, its figures as JSON on stdout; with `server`,
    Python's collector is set as `guanxi serve` sets it (where imports and exports run)."""
    if collector == "server":
        from guanxi.cli.serve import tune_collector  # the web stack with it: only when asked

        tune_collector()
    if kind == "import":  # a fresh data folder, migrated outside any event loop
        shutil.rmtree(scratch / "imported", ignore_errors=True)
        upgrade(settings_for(scratch / "imported"))
    figures = asyncio.run(MEASURES[kind](data_dir, scratch))
    figures["peak_rss_kib"] = _rss_kib()
    print(json.dumps(figures))


def run_child(kind: str, data_dir: Path, scratch: Path, collector: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "measure", kind, str(data_dir), str(scratch), collector],
        check=True,
        capture_output=True,
        text=True,
    )
    figures: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    figures["collector"] = collector
    figures["per_second"] = (
        round(figures["messages"] / figures["seconds"]) if figures["seconds"] else 0
    )
    return figures


# -- the run ---------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--media", type=int, default=MEDIA)
    parser.add_argument("--measures", nargs="+", default=list(MEASURES))
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) seeded folders")
    parser.add_argument("--folder", type=Path, default=Path("/tmp"))
    parser.add_argument(
        "--collector",
        choices=["default", "server"],
        default="default",
        help="Python's garbage collector at its defaults, or as `guanxi serve` tunes it",
    )
    args = parser.parse_args()
    rows = []
    for n in args.messages:
        data_dir = args.folder / f"guanxi-bench-assets-{n}"
        seeded = _seeded(data_dir, n, args.media, args.keep)
        scratch = data_dir.with_name(data_dir.name + "-scratch")
        scratch.mkdir(exist_ok=True)
        for kind in args.measures:
            figures = run_child(kind, data_dir, scratch, args.collector)
            rows.append({"kind": kind, "n": n, **seeded, **figures, "load": os.getloadavg()})
            _print(rows[-1])
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            shutil.rmtree(scratch, ignore_errors=True)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    (results / f"assets-{stamp}.json").write_text(json.dumps(rows, indent=2))


def _seeded(data_dir: Path, n: int, media: int, keep: bool) -> dict[str, Any]:
    marker = data_dir / SEEDED
    if keep and marker.exists():
        seeded: dict[str, Any] = json.loads(marker.read_text())
        return seeded
    shutil.rmtree(data_dir, ignore_errors=True)
    upgrade(settings_for(data_dir))  # outside any event loop: alembic runs its own
    seeded = asyncio.run(seed(data_dir, n, media))
    marker.write_text(json.dumps(seeded))
    return seeded


def _print(row: dict[str, Any]) -> None:
    growth = (row["peak_rss_kib"] - row["rss_before_kib"]) / 1024
    cpu = f", {row['cpu_seconds']} s CPU" if "cpu_seconds" in row else ""
    print(
        f"{row['kind']:7} {row['n']:>9,} messages: {row['per_second']:>8,} msg/s "
        f"({row['seconds']} s{cpu}), peak RSS {row['peak_rss_kib'] / 1024:.0f} MiB "
        f"(+{growth:.0f} MiB over the {row['rss_before_kib'] / 1024:.0f} MiB before), "
        f"load {row['load'][0]:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "measure":
        child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5])
    else:
        main()
