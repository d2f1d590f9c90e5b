"""A forward carries a client_id, as a send does (issue 13): a client that retries after a
timeout gets the same messages back, and nothing is forwarded twice."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from guanxi.client import GuanxiClient
from tests.conftest import (
    RunningServer,
    UserFactory,
    befriend_all,
    code_of,
    nothing_more,
    ready,
    said,
)


async def forward_raw(
    server: RunningServer, who: GuanxiClient, chat: int, body: dict[str, Any]
) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.url + "/api/v1") as http:
        return await http.post(
            f"/conversations/{chat}/forward",
            json=body,
            headers={"Authorization": f"Bearer {who.token}"},
        )


async def setting(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int, int, int]:
    """mei, tao, mei's chat with lei (two messages from lei), her chat with tao and a group."""
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, lei, tao)
    source = (await mei.open_direct("lei"))["id"]
    for text in ("one", "two"):
        await lei.send(source, text)
    to_tao = (await mei.open_direct("tao"))["id"]
    group = (await mei.create_group("g", ["tao"]))["id"]
    return mei, tao, source, to_tao, group


async def test_the_same_forward_again_creates_nothing_and_answers_the_same(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei, tao, source, to_tao, group = await setting(make_user)
    body = {"seqs": [1, 2], "to": [to_tao, group], "client_id": "web-0a1b2c"}
    async with tao.events() as stream:
        await ready(stream)
        first = await forward_raw(server, mei, source, body)
        assert first.status_code == 201
        for _ in range(4):
            await stream.next_of("message.created")
        again = await forward_raw(server, mei, source, body)
        assert again.status_code == 200  # nothing created
        assert again.json() == first.json()
        await nothing_more(stream)
    sent = first.json()["messages"]
    assert [(m["conversation_id"], m["text"]) for m in sent] == [
        (to_tao, "one"),
        (to_tao, "two"),
        (group, "one"),
        (group, "two"),
    ]
    assert said(await tao.history(to_tao)) == ["two", "one"]
    assert said(await tao.history(group))[:2] == ["two", "one"]
    # the Python client's retry too
    retried = await mei.forward(source, [2, 1], [group, to_tao], client_id="web-0a1b2c")
    assert [m["id"] for m in retried] == [m["id"] for m in sent]
    assert said(await tao.history(to_tao)) == ["two", "one"]


async def test_another_client_id_or_another_target_forwards_again(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei, tao, source, to_tao, group = await setting(make_user)
    first = await mei.forward(source, [1], [to_tao], client_id="key-1")
    second = await mei.forward(source, [1], [to_tao], client_id="key-2")
    assert first[0]["id"] != second[0]["id"]
    without = await mei.forward(source, [1], [to_tao])  # no client_id: every call forwards
    assert without[0]["id"] not in {first[0]["id"], second[0]["id"]}
    assert said(await tao.history(to_tao)) == ["one", "one", "one"]
    # the same key with a target added: the new target gets it, the old one is not doubled
    wider = await forward_raw(
        server, mei, source, {"seqs": [1], "to": [to_tao, group], "client_id": "key-1"}
    )
    assert wider.status_code == 201
    old, new = wider.json()["messages"]
    assert old["id"] == first[0]["id"] and new["conversation_id"] == group
    assert said(await tao.history(to_tao)) == ["one", "one", "one"]
    # someone else's forward with my key is their own: it never answers my messages
    tao_chat = (await tao.open_direct("mei"))["id"]
    theirs = await tao.forward(tao_chat, [1], [group], client_id="key-1")
    assert theirs[0]["sender"] == "tao" and theirs[0]["id"] != new["id"]


@pytest.mark.parametrize("client_id", ["", "has space", "x" * 65, "名字", 7, ["a"]])
async def test_a_bad_client_id_is_refused_and_nothing_is_forwarded(
    make_user: UserFactory, server: RunningServer, client_id: Any
) -> None:
    mei, tao, source, to_tao, _ = await setting(make_user)
    answer = await forward_raw(
        server, mei, source, {"seqs": [1], "to": [to_tao], "client_id": client_id}
    )
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] in {"invalid_input", "bad_client_id"}
    assert said(await tao.history(to_tao)) == []
    assert await code_of(mei.forward(source, [1], [to_tao], client_id="a b")) == (
        422,
        "bad_client_id",
    )
