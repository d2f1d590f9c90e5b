"""Insight's stored state, read for comparison: a live run's against a rebuild's."""

from __future__ import annotations

import math
from typing import Any

from guanxi.client import ApiError, GuanxiClient
from guanxi.insight import store
from guanxi.services import Services, build_services
from guanxi.settings import Settings
from tests import bundle_format
from tests.conftest import RunningServer, ready

HOUR = 3600.0  # seconds, as the test clock advances
DAY = 24 * HOUR


async def caught_up(server: RunningServer) -> Services:
    """The server's services once its insight follower has applied every event so far."""
    await server.services.insight_follower.catch_up()
    return server.services


async def months_total(client: GuanxiClient, handle: str) -> int:
    """Messages each way with `handle`, summed over the months of the caller's insight page
    (0 while the page is not there yet)."""
    try:
        detail = await client.insight_contact(handle)
    except ApiError:
        return 0
    return sum(m["sent"] + m["received"] for m in detail["months"])


async def equals_a_rebuild(settings: Settings) -> bool:
    """Whether the insight a stopped server left equals a rebuild from history (services of
    the test's own, without a follower, over its database)."""
    services = build_services(settings)
    await services.start(jobs=False)
    try:
        live = await snapshot(services)
        await services.insight_follower.rebuild()
        return same(live, await snapshot(services))
    finally:
        await services.stop()


async def snapshot(services: Services) -> dict[str, list[tuple[Any, ...]]]:
    async with services.db.read() as conn:
        return await store.dump(conn)


def same(live: dict[str, list[tuple[Any, ...]]], rebuilt: dict[str, list[tuple[Any, ...]]]) -> bool:
    """Equal row for row; scores (floats in a JSON map) equal up to rounding, since a live run
    and a rebuild may add the weights of one millisecond in another order."""
    assert live.keys() == rebuilt.keys()
    for name in live:
        assert len(live[name]) == len(rebuilt[name]), name
        for a, b in zip(live[name], rebuilt[name], strict=True):
            assert _close(a, b), (name, a, b)
    return True


def _close(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


async def import_chat_with_mei(client: GuanxiClient, lines: int) -> None:
    """Import a direct chat with Mei (a placeholder): `lines` messages an hour apart from
    2020-09-13, Mei writing the odd ones (the "tests" format must be registered); back once
    `import.done` is in the log (the follower recounts on it)."""
    start = 1_600_000_000_000
    people = [
        {"key": "me", "name": "Me", "is_me": True},
        {"key": "mei", "name": "Mei", "is_me": False},
    ]
    entries = [
        {"key": str(n), "sender": "mei" if n % 2 else "me", "at": start + n * 3_600_000,
         "text": f"line {n}"}
        for n in range(1, lines + 1)
    ]  # fmt: skip
    chat = {"key": "chat-mei", "kind": "direct", "title": "Mei", "people": people}
    archive = bundle_format.pack({"chats": [{**chat, "entries": entries}]})
    async with client.events() as stream:  # the job is done before its event is written
        await ready(stream)
        started = await client.start_import(archive, "x.zip")
        event = await stream.next_of("import.done")
    assert event["import"]["id"] == started["id"] and event["import"]["state"] == "done"
