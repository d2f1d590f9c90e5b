"""Password hashing has threads of its own: a flood of logins waits there (or is refused with
429), and never holds up downloads, search or sends."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from guanxi.settings import Settings
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend

PRODUCTION_COST: dict[str, Any] = {
    name: Settings.model_fields[name].default
    for name in ("password_hash_time_cost", "password_hash_memory_kib", "password_hash_parallelism")
}


def production_hashing(queue: int) -> pytest.MarkDecorator:
    """Argon2 at the production cost on one thread, with room for `queue` waiting checks."""
    changes = {**PRODUCTION_COST, "password_hash_threads": 1, "password_hash_queue": queue}
    return pytest.mark.parametrize("settings", [changes], indirect=True)


async def flood(server: RunningServer, count: int) -> list[asyncio.Task[httpx.Response]]:
    """`count` logins at once, each for a handle nobody has (each still costs a hash)."""

    async def login() -> httpx.Response:
        body = {"handle": "nobody_" + secrets.token_hex(6), "password": "guess-" + "x" * 8}
        # a generous ceiling: 24 hashes at the production cost queue on one thread, and a
        # loaded machine (CI beside other work) takes seconds for each
        async with httpx.AsyncClient(base_url=server.url + "/api/v1", timeout=300) as http:
            return await http.post("/sessions", json=body)

    tasks = [asyncio.create_task(login()) for _ in range(count)]
    return tasks


@production_hashing(queue=64)
async def test_a_login_flood_does_not_hold_up_downloads_or_search(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    await befriend(mei, await make_user("lei"))
    chat = await mei.open_direct("lei")
    await mei.send(chat["id"], "the picnic is on Sunday")
    item = await mei.upload_media(os.urandom(1_500_000), "notes.bin")
    logins = await flood(server, 24)
    await asyncio.sleep(0.3)  # every login has reached the server and waits for a hash
    assert (await mei.download(item["id"])).content  # reads the file in several chunks
    assert (await mei.search("picnic"))["messages"]
    done_meanwhile = sum(task.done() for task in logins)
    answers = await asyncio.gather(*logins)
    assert {a.status_code for a in answers} == {401}
    # The hashes queue on their own thread: the download and the search did not wait for them.
    assert done_meanwhile < len(logins) // 2


@production_hashing(queue=1)
async def test_logins_past_the_hashing_queue_answer_429_with_retry_after(
    server: RunningServer, make_user: UserFactory
) -> None:
    await make_user("mei")
    answers = await asyncio.gather(*await flood(server, 12))
    busy = [a for a in answers if a.status_code == 429]
    assert busy, [a.status_code for a in answers]
    assert {a.status_code for a in answers} <= {401, 429}
    assert busy[0].json()["error"]["code"] == "busy"
    assert int(busy[0].headers["Retry-After"]) >= 1
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        answer = await http.post("/sessions", json={"handle": "mei", "password": PASSWORD})
    assert answer.status_code == 201  # the queue drained: logins work again


def test_serve_refuses_a_password_cost_below_production(tmp_path: Path) -> None:
    env = {**os.environ, "GUANXI_DATA_DIR": str(tmp_path), "GUANXI_PASSWORD_HASH_TIME_COST": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "guanxi", "serve", "--port", "1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "password_hash_time_cost" in done.stderr
    assert not (tmp_path / "guanxi.db").exists()  # refused before touching anything
