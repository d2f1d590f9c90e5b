"""`guanxi backup` while `guanxi serve` keeps taking messages, `guanxi restore` into a fresh data
folder (and database): every message acknowledged before the backup began comes back, media
bytes included; a restore refuses a target in use and a changed backup, changing nothing."""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from guanxi.client import GuanxiClient
from guanxi.db import backup_sqlite
from guanxi.db.backup_database import database_is_empty
from guanxi.realtime.community import community_key
from guanxi.settings import Settings
from tests.conftest import (
    PASSWORD,
    PG_URL,
    UserFactory,
    _pg_admin,
    _pg_url,
    befriend,
    run_guanxi,
)
from tests.media_files import image, wav
from tests.test_crash import ServerProcess, _all_messages


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Settings]:
    """Where a restore goes: a new data folder, and on PostgreSQL a new empty database."""
    data_dir = tmp_path / "restored"
    if PG_URL is None:
        yield Settings(data_dir=data_dir)
        return
    name = f"gx_restore_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    yield Settings(data_dir=data_dir, database_url=_pg_url(name))
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def _server_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `guanxi serve` processes render uploads in threads and take messages and uploads
    as fast as the test sends them."""
    monkeypatch.setenv("GUANXI_MEDIA_PROCESSES", "0")
    monkeypatch.setenv("GUANXI_RATE_LIMIT_UPLOADS", "off")


async def guanxi(settings: Settings, *args: str) -> tuple[int, str]:
    """`guanxi …` on `settings`' data folder and database: exit status, stdout + stderr."""
    status, out, err = await run_guanxi(settings, *args)
    return status, out + err


async def _keep_sending(
    client: GuanxiClient,
    chat: int,
    acked: dict[str, int],
    going: asyncio.Event,
    stop: asyncio.Event,
) -> None:
    """Messages one after another until told to stop, every fifth with a new photo; `going`
    once a few are acknowledged."""
    n = 0
    while not stop.is_set():
        client_id = f"during-{n}"
        if n % 5 == 0:
            photo = await client.upload_media(image("PNG", (10 + n % 50, 10)), f"{n}.png")
            sent = await client.send(chat, "", "image", client_id=client_id, media_id=photo["id"])
        else:
            sent = await client.send(chat, f"during {n}", client_id=client_id)
        acked[client_id] = sent["seq"]
        n += 1
        if n == 3:
            going.set()


async def test_a_backup_taken_while_serving_brings_back_every_acknowledged_message(
    settings: Settings, target: Settings, tmp_path: Path
) -> None:
    source = ServerProcess(settings)
    await source.start()
    mei, lei = GuanxiClient(source.url, timeout=30), GuanxiClient(source.url, timeout=30)
    try:
        await mei.register("mei", PASSWORD, "林美")
        await lei.register("lei", PASSWORD, "Lei")
        await befriend(mei, lei, "family", "family")
        chat = (await mei.open_direct("lei"))["id"]
        photo = await mei.upload_media(image("PNG", (40, 30)), "photo.png")
        voice = await mei.upload_media(wav(1.0), "voice.wav")
        acked: dict[str, int] = {}
        for client_id, kind, item in (("photo", "image", photo), ("voice", "voice", voice)):
            sent = await mei.send(chat, "", kind, client_id=client_id, media_id=item["id"])
            acked[client_id] = sent["seq"]
        served = {item["id"]: await lei.download_bytes(item["id"]) for item in (photo, voice)}
        for n in range(10):
            acked[f"b{n}"] = (await lei.send(chat, f"before {n}", client_id=f"b{n}"))["seq"]

        going, stop = asyncio.Event(), asyncio.Event()
        sender = asyncio.create_task(_keep_sending(mei, chat, acked, going, stop))
        await asyncio.wait_for(going.wait(), 60)
        before = dict(acked)  # acknowledged before the backup began
        status, output = await guanxi(settings, "backup", "--out", str(tmp_path / "backup"))
        during = len(acked) - len(before)
        stop.set()
        await sender
        assert status == 0, output
        assert during > 0, "the server took no message while the backup ran"
    finally:
        await mei.close()
        await lei.close()
        await source.stop()

    status, output = await guanxi(target, "restore", str(tmp_path / "backup"))
    assert status == 0, output
    await _check_restored(target, chat, before, acked, served)


async def _check_restored(
    target: Settings,
    chat: int,
    before: dict[str, int],
    acked: dict[str, int],
    served: dict[str, bytes],
) -> None:
    restored = ServerProcess(target)
    await restored.start()
    mei, lei = GuanxiClient(restored.url, timeout=30), GuanxiClient(restored.url, timeout=30)
    try:
        await mei.login("mei", PASSWORD)
        await lei.login("lei", PASSWORD)
        stored = await _all_messages(mei, chat)
        by_client = {str(m["client_id"]): m for m in stored}
        assert {c: by_client[c]["seq"] for c in before if c in by_client} == before
        assert sorted(int(str(m["seq"])) for m in stored) == list(range(1, len(stored) + 1))
        assert all(acked[c] == m["seq"] for c, m in by_client.items())  # nothing made up
        for media_id, data in served.items():
            assert await lei.download_bytes(media_id) == data
        for message in stored:  # photos sent during the backup that made it in: bytes too
            if message.get("media"):
                await lei.download_bytes(message["media"]["id"])
        assert (await mei.send(chat, "after", client_id="after"))["seq"] == len(stored) + 1
        await _found_by_search(lei, "before 7", before["b7"])
    finally:
        await mei.close()
        await lei.close()
        await restored.stop()


async def _found_by_search(client: GuanxiClient, text: str, seq: int) -> None:
    """The search index is not in a backup: the restored server builds it again."""
    for _ in range(100):
        if [m["seq"] for m in (await client.search(text))["messages"]] == [seq]:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{text!r} is not found by search in the restored server")


def _listing(folder: Path) -> dict[str, bytes]:
    """Every file of a folder but the live database's, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith("guanxi.db")
    }


async def test_restore_refuses_a_target_in_use_and_a_changed_backup(
    settings: Settings, target: Settings, make_user: UserFactory, tmp_path: Path
) -> None:
    mei = await make_user("mei")
    await mei.upload_media(image("PNG", (20, 20)), "p.png")
    key = community_key(settings.data_dir)  # made at the first start of a worker with Redis
    folder = tmp_path / "backup"
    status, output = await guanxi(settings, "backup", "--out", str(folder))
    assert status == 0, output
    manifest = orjson.loads((folder / "backup.json").read_bytes())
    assert (manifest["format"], manifest["version"]) == ("guanxi-backup", 1)
    blob = next(name for name in manifest["files"] if name.startswith("media/"))

    status, output = await guanxi(settings, "backup", "--out", str(folder))
    assert status == 2 and "not an empty folder" in output

    in_use = _listing(settings.data_dir)
    status, output = await guanxi(settings, "restore", str(folder))
    assert status == 2 and f"the data folder {settings.data_dir} is not empty" in output
    assert _listing(settings.data_dir) == in_use
    if settings.database_url:  # an empty data folder, but the database holds a community
        fresh = settings.model_copy(update={"data_dir": tmp_path / "fresh"})
        status, output = await guanxi(fresh, "restore", str(folder))
        assert status == 2 and "is not empty: restore only into an empty one" in output
        assert not fresh.data_dir.exists()

    changed = bytearray((folder / blob).read_bytes())
    changed[len(changed) // 2] ^= 1
    (folder / blob).write_bytes(changed)
    status, output = await guanxi(target, "restore", str(folder))
    assert status == 2 and f"{folder / blob} does not match backup.json" in output
    assert not target.data_dir.exists()
    assert await database_is_empty(target.effective_database_url())

    changed[len(changed) // 2] ^= 1
    (folder / blob).write_bytes(changed)
    (folder / "stray.txt").write_text("not from the backup")
    status, output = await guanxi(target, "restore", str(folder))
    assert status == 2 and "stray.txt is not listed in backup.json" in output
    assert not target.data_dir.exists()

    (folder / "stray.txt").unlink()
    status, output = await guanxi(target, "restore", str(folder))
    assert status == 0, output
    assert community_key(target.data_dir) == key


def test_the_sqlite_snapshot_never_holds_the_writer_and_never_starts_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Steps of a few pages, a commit by another connection after each: the copy is the
    database as it was when the backup began, and no commit waited (busy_timeout 0)."""
    source = tmp_path / "source.db"
    writer = sqlite3.connect(source, isolation_level=None, timeout=0)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("CREATE TABLE t (x BLOB)")
    writer.executemany("INSERT INTO t VALUES (randomblob(1000))", [()] * 500)
    monkeypatch.setattr(backup_sqlite, "STEP_PAGES", 8)
    steps: list[tuple[int, int]] = []

    def step(done: int, total: int) -> None:
        steps.append((done, total))
        writer.execute("INSERT INTO t VALUES (randomblob(1000))")

    backup_sqlite.snapshot(source, tmp_path / "copy.db", step)
    copy = sqlite3.connect(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM t").fetchone() == (500,)
    assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    assert len(steps) > 10 and steps[-1][0] == steps[-1][1]
    assert [done for done, _ in steps] == sorted(done for done, _ in steps)  # never restarted
    assert writer.execute("SELECT count(*) FROM t").fetchone() == (500 + len(steps),)
