"""Two `guanxi serve` workers over one PostgreSQL (and Redis): the background work runs in one
of them at a time, a worker killed with -9 is taken over once its leases run out, and its
devices reconnect to the other worker and catch up by cursor, losing nothing acknowledged."""

from __future__ import annotations

import asyncio
import signal

import httpx

from guanxi.client import ApiError, GuanxiClient
from guanxi.settings import Settings
from tests.conftest import PASSWORD
from tests.fault_servers import (
    Device,
    all_client_ids,
    eventually,
    holder_first,
    holders,
    needs_postgres,
    on,
    pair,
    pid,
    workers,
)
from tests.insight_state import equals_a_rebuild, months_total
from tests.serve_process import ServeProcess
from tests.test_import_crash import chat

pytestmark = needs_postgres

SENDS = 80
LEASES = {"event-pruner", "export-jobs", "import-jobs", "insight-follower", "media-collector"}


async def _send(
    client: GuanxiClient, chat: int, n: int, acked: list[str], quarter: asyncio.Event
) -> None:
    client_id = f"w-{n}"
    try:
        await client.send(chat, f"message {n}", client_id=client_id)
    except (httpx.TransportError, ApiError):
        return  # sent through the worker being killed: not acknowledged
    acked.append(client_id)
    if len(acked) >= SENDS // 4:
        quarter.set()


async def _ended(client: GuanxiClient, export_id: int) -> str:
    """The state an export ends in (done or failed)."""
    state = ""

    async def ended() -> bool:
        nonlocal state
        state = (await client.export(export_id))["state"]
        return state in ("done", "failed")

    await eventually(ended, f"export {export_id} ends")
    return state


async def test_a_killed_worker_is_taken_over_and_insight_equals_a_rebuild(
    settings: Settings,
) -> None:
    async with workers(settings, 2) as started:
        first, second = await holder_first(settings, started)
        assert await holders(settings) == dict.fromkeys(LEASES, pid(first))
        mei, lei, chat = await pair(first)
        acked: list[str] = []
        quarter = asyncio.Event()
        lei_there, mei_there = on(second, lei), on(second, mei)
        talk = [
            asyncio.create_task(_send(mei if n % 2 else lei_there, chat, n, acked, quarter))
            for n in range(SENDS)
        ]  # through both workers at once; the one holding every lease is killed mid-stream
        await quarter.wait()
        await first.kill()
        await asyncio.gather(*talk)
        for n in range(10):  # the conversation goes on through the other worker
            await (mei_there if n % 2 else lei_there).send(chat, f"after {n}", client_id=f"a-{n}")

        stored = await all_client_ids(lei_there, chat)
        assert set(acked) <= set(stored)  # nothing acknowledged is lost

        async def followed() -> bool:
            return await months_total(lei_there, "mei") == len(stored)

        await eventually(followed, "the surviving worker's follower applied every message")
        assert await holders(settings) == dict.fromkeys(LEASES, pid(second))
        export = await lei_there.start_export()
        assert await _ended(lei_there, export["id"]) == "done"  # the runner was taken over too
        for client in (mei, lei, lei_there, mei_there):
            await client.close()

    assert await equals_a_rebuild(settings)


async def test_a_job_queued_through_any_worker_is_run_by_the_one_holding_the_lease(
    settings: Settings,
) -> None:
    async with workers(settings, 2) as started:
        first, second = await holder_first(settings, started)
        mei, lei, chat = await pair(first)
        await mei.send(chat, "something to export", client_id="x")
        mei_there = on(second, mei)
        export = await mei_there.start_export()  # queued through the worker without the lease
        assert await _ended(mei_there, export["id"]) == "done"  # by the other worker's runner
        archive = await mei_there.download_export(export["id"])
        assert archive.content[:2] == b"PK"
        for client in (mei, lei, mei_there):
            await client.close()


async def test_devices_of_a_killed_worker_catch_up_on_another_by_cursor(
    settings: Settings,
) -> None:
    """Every message the killed worker acknowledged reaches the devices that were connected to
    it, exactly once and in order: live before the kill, replayed from their cursor after it."""
    async with workers(settings, 2) as (first, second):  # the devices' worker: either
        mei, lei, chat = await pair(first)
        phone, laptop = Device(lei), Device(GuanxiClient(first.url, token=lei.token))
        phone.follow()
        laptop.follow()
        await phone.connected.wait()
        await laptop.connected.wait()
        acked: list[str] = []
        quarter = asyncio.Event()
        talk = [
            asyncio.create_task(_send(mei, chat, n, acked, quarter)) for n in range(SENDS)
        ]  # all through the worker about to be killed
        await quarter.wait()
        await first.kill()
        await asyncio.gather(*talk)
        await phone.ended()
        await laptop.ended()

        lei_there = on(second, lei)
        stored = await all_client_ids(lei_there, chat)
        assert set(acked) <= set(stored)
        for device in (phone, laptop):
            device.follow(lei_there)  # reconnects to the other worker with its cursor
            await device.connected.wait()
            assert device.seen == stored  # each once, in order, nothing acknowledged missing
            await device.stop()
        for client in (mei, lei, lei_there, laptop.client):
            await client.close()


async def test_a_siblings_start_up_leaves_a_running_job_alone(settings: Settings) -> None:
    """A worker starting while another runs an import does not fail it as interrupted (it
    would, as a runner of its own starting over the database). The holder is frozen
    (SIGSTOP) in the middle of the job, so the job is surely still running while the sibling
    starts; long leases keep the frozen holder's work its own meanwhile."""
    first = ServeProcess(settings, GUANXI_LEASE_SECONDS="120")
    second = ServeProcess(settings, GUANXI_LEASE_SECONDS="120")
    await first.start()
    try:
        mei = GuanxiClient(first.url, timeout=10)
        await mei.register("mei", PASSWORD, "Mei")
        started = await mei.start_import(chat(60_000, "long"), "WhatsApp Chat with Ann.txt")

        async def running() -> bool:
            job = await mei.get_import(started["id"])
            assert job["state"] in ("queued", "running"), job
            return job["state"] == "running" and job["progress"]["done"] > 0

        await eventually(running, "the import is under way")
        assert first.process is not None
        first.process.send_signal(signal.SIGSTOP)
        await second.start()  # its start-up, while the job runs in the frozen worker
        mei_there = on(second, mei)
        assert (await mei_there.get_import(started["id"]))["state"] == "running"
        first.process.send_signal(signal.SIGCONT)
        assert (await mei_there.wait_import(started["id"], 120))["state"] == "done"
        await mei.close()
        await mei_there.close()
    finally:
        if first.process is not None and first.process.returncode is None:
            first.process.send_signal(signal.SIGCONT)
        await second.stop()
        await first.stop()
