"""A write the server acknowledged survives kill -9, with gap-free seqs and no duplicates."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from guanxi.client import ApiError, GuanxiClient
from guanxi.settings import Settings
from tests.conftest import PASSWORD, befriend
from tests.media_files import image
from tests.serve_process import ServeProcess as ServerProcess

SENDS = 200


@pytest.fixture
async def process(settings: Settings) -> AsyncIterator[ServerProcess]:
    server = ServerProcess(settings)
    await server.start()
    yield server
    await server.stop()


async def _send(
    client: GuanxiClient, chat: int, n: int, acked: dict[str, int], quarter: asyncio.Event
) -> None:
    client_id = f"crash-{n}"
    try:
        message = await client.send(chat, f"message {n}", client_id=client_id)
    except (httpx.TransportError, ApiError):
        return
    acked[client_id] = message["seq"]
    if len(acked) >= SENDS // 4:
        quarter.set()


async def _all_messages(client: GuanxiClient, chat: int) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    before = None
    while True:
        page = await client.history(chat, before=before, limit=200)
        found.extend(page["messages"])
        if not page["has_more"]:
            return found
        before = page["messages"][-1]["seq"]


async def test_acknowledged_messages_survive_kill_9(process: ServerProcess) -> None:
    mei = GuanxiClient(process.url, timeout=10)
    lei = GuanxiClient(process.url, timeout=10)
    await mei.register("mei", PASSWORD, "林美")
    await lei.register("lei", PASSWORD, "Lei")
    await befriend(mei, lei, "family", "family")
    chat = (await mei.open_direct("lei"))["id"]
    async with lei.events() as stream:
        cursor = (await stream.next())["cursor"]

    acked: dict[str, int] = {}
    quarter = asyncio.Event()
    sends = [asyncio.create_task(_send(mei, chat, n, acked, quarter)) for n in range(SENDS)]
    await quarter.wait()
    await process.kill()
    await asyncio.gather(*sends)
    assert len(acked) >= SENDS // 4

    await process.start()
    await mei.login("mei", PASSWORD)
    await lei.login("lei", PASSWORD)
    stored = await _all_messages(mei, chat)
    by_client = {m["client_id"]: m["seq"] for m in stored}
    seqs = sorted(int(str(m["seq"])) for m in stored)
    assert seqs == list(range(1, len(stored) + 1))  # gap-free
    assert len(by_client) == len(stored)  # no duplicates
    for client_id, seq in acked.items():  # nothing acknowledged is lost
        assert by_client[client_id] == seq

    resent = await mei.send(chat, "again", client_id=next(iter(acked)))
    assert resent["seq"] == acked[next(iter(acked))]

    async with lei.events(cursor=cursor) as stream:
        replayed = []
        while True:
            event = await stream.next()
            if event["type"] == "ready":
                break
            replayed.append(event["message"]["seq"])
    assert replayed == seqs
    await mei.close()
    await lei.close()


def _children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (from /proc)."""
    found: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def _alive(pids: set[int]) -> set[int]:
    return {pid for pid in pids if Path(f"/proc/{pid}").exists()}


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
async def test_media_worker_processes_end_with_a_killed_server(process: ServerProcess) -> None:
    """Uploads are rendered in worker processes; after kill -9 of the server they exit too,
    rather than piling up with every restart."""
    mei = GuanxiClient(process.url, timeout=30)
    await mei.register("mei", PASSWORD, "林美")
    item = await mei.upload_media(image("PNG", (30, 20)), "a.png")
    assert (item["width"], item["height"]) == (30, 20)
    assert process.process is not None
    workers = _children(process.process.pid)
    assert workers, "no worker process rendered the upload"
    await process.kill()
    for _ in range(100):
        if not _alive(workers):
            break
        await asyncio.sleep(0.1)
    assert not _alive(workers)
    await mei.close()
