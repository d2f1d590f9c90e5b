"""Every list is paged by cursor, each page is bounded work, and one user in a thousand groups
cannot stall everyone else (issue 8, item 4)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest
import sqlalchemy as sa

from guanxi.client import GuanxiClient
from guanxi.conversations.tables import conversation_members, conversations, messages
from guanxi.db.database import Tx
from guanxi.moments.service import MomentDraft
from guanxi.services import Services, build_services
from guanxi.settings import Settings
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, code_of
from tests.test_crash import ServerProcess

LISTERS = 4  # one user listing their chats on four devices at once


async def bulk_groups(services: Services, member: str, sender: str, count: int) -> list[int]:
    """`count` groups holding `member` and `sender`, each with one message from `sender`,
    written in one unit (the API would take minutes; what is measured is reading them)."""
    member_id = (await services.accounts.get_user_by_handle(member)).id
    sender_id = (await services.accounts.get_user_by_handle(sender)).id
    now = int(time.time() * 1000)

    async def unit(tx: Tx) -> list[int]:
        ids: list[int] = []
        for i in range(count):
            result = await tx.conn.execute(
                sa.insert(conversations)
                .values(
                    kind="group",
                    name=f"group {i}",
                    owner_id=sender_id,
                    last_seq=1,
                    created_at=now + i,
                    updated_at=now + i,
                )
                .returning(conversations.c.id)
            )
            ids.append(int(result.scalar_one()))
        await tx.conn.execute(
            sa.insert(conversation_members),
            [
                {
                    "conversation_id": cid,
                    "user_id": uid,
                    "role": "owner" if uid == sender_id else "member",
                    "joined_at": now,
                    "joined_seq": 0,
                    "joined_event": 0,
                    "last_read_seq": 0,
                }
                for cid in ids
                for uid in (member_id, sender_id)
            ],
        )
        await tx.conn.execute(
            sa.insert(messages),
            [
                {
                    "conversation_id": cid,
                    "seq": 1,
                    "sender_id": sender_id,
                    "kind": "text",
                    "text": f"hello {cid}",
                    "mentions": [],
                    "created_at": now,
                }
                for cid in ids
            ],
        )
        return ids

    return await services.db.write(unit)


async def walk_conversations(client: GuanxiClient, limit: int) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    cursor = None
    while True:
        page = await client.conversations_page(cursor=cursor, limit=limit)
        assert len(page["conversations"]) <= limit
        found += page["conversations"]
        cursor = page["next_cursor"]
        if cursor is None:
            return found


# -- one user cannot stall everyone ------------------------------------------------------


@pytest.fixture
async def crowded(settings: Settings) -> AsyncIterator[tuple[ServerProcess, dict[str, str]]]:
    """`guanxi serve` in its own process (what the test measures is that server alone), with
    `many` in 1,000 groups; tokens of `many` and `other`."""
    services = build_services(settings)
    await services.start()
    try:
        tokens = {}
        for handle in ("many", "spam", "other"):
            _, tokens[handle] = await services.accounts.register(handle, PASSWORD, handle)
        await bulk_groups(services, "many", "spam", 1000)
    finally:
        await services.stop()
    process = ServerProcess(settings)
    await process.start()
    yield process, tokens
    await process.stop()


async def test_a_user_in_a_thousand_groups_does_not_stall_others(
    crowded: tuple[ServerProcess, dict[str, str]],
) -> None:
    """While one user lists 1,000 chats on four devices at once, another user's calls are
    answered between their pages: each page is bounded work and the server turns to other
    requests after it. Proved by the order of answers, not by a clock (speed is the
    benchmark's business): a server that did a whole listing in one go would answer none of
    the other user's calls until a listing was done."""
    process, tokens = crowded
    answered: list[str] = []  # "page" or "me", in the order the answers arrived
    waits: list[int] = []  # for each call of `other`: how many pages were answered meanwhile
    done = asyncio.Event()

    async def watch() -> None:
        async with httpx.AsyncClient(base_url=process.url) as http:
            headers = {"Authorization": f"Bearer {tokens['other']}"}
            await http.get("/api/v1/me", headers=headers)  # connected, and the first call made
            while not done.is_set():
                pages_before = answered.count("page")
                answer = await http.get("/api/v1/me", headers=headers)
                assert answer.status_code == 200
                if not done.is_set():
                    waits.append(answered.count("page") - pages_before)
                    answered.append("me")
                await asyncio.sleep(0)

    headers = {"Authorization": f"Bearer {tokens['many']}"}
    listers = [httpx.AsyncClient(base_url=process.url, headers=headers) for _ in range(LISTERS)]

    async def list_all(http: httpx.AsyncClient) -> list[bytes]:
        pages: list[bytes] = []
        cursor = None
        while True:
            params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
            answer = await http.get("/api/v1/conversations", params=params)
            assert answer.status_code == 200
            answered.append("page")
            pages.append(answer.content)
            cursor = orjson.loads(answer.content)["next_cursor"]
            if cursor is None:
                return pages

    await listers[0].get("/api/v1/conversations", params={"limit": 1})  # the first of its kind
    watcher = asyncio.create_task(watch())
    await asyncio.sleep(0.05)
    try:
        listings = await asyncio.gather(*(list_all(http) for http in listers))
    finally:
        done.set()
        await watcher
        for http in listers:
            await http.aclose()
    for pages in listings:
        assert len(pages) == 10  # 100 chats a page: the page size bounds the work of a call
        listing = [c for page in pages for c in orjson.loads(page)["conversations"]]
        assert len({c["id"] for c in listing}) == len(listing) == 1000
        assert all(c["unread"] == 1 and c["last_message"]["seq"] == 1 for c in listing)
    # the other user was answered all through the listings, not only before or after them
    first_page, last_page = answered.index("page"), len(answered) - 1 - answered[::-1].index("page")
    assert answered[first_page:last_page].count("me") >= 5, answered
    # and no call of theirs waited behind more than a couple of pages from each device
    assert max(waits) <= 3 * LISTERS, waits


# -- the chat list ---------------------------------------------------------------------------


async def test_chat_list_pages_in_activity_order_without_duplicates_while_messages_arrive(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    groups = [(await mei.create_group(f"g{i}", ["lei"]))["id"] for i in range(7)]
    for gid in groups:
        await lei.send(gid, f"in {gid}")
    expected = list(reversed(groups))  # the latest activity first
    first = await mei.conversations_page(limit=3)
    assert [c["id"] for c in first["conversations"]] == expected[:3]
    # activity while paging: one chat not yet listed jumps to the top, one listed moves too
    async with mei.events() as stream:
        assert (await stream.next())["type"] == "ready"
        await lei.send(expected[5], "moved up")
        await lei.send(expected[0], "again")
        moved = await stream.next_of("message.created")
        assert (moved["message"]["conversation_id"], moved["message"]["text"]) == (
            expected[5],
            "moved up",
        )
    second = await mei.conversations_page(cursor=first["next_cursor"], limit=3)
    assert second["next_cursor"] is None
    seen = [c["id"] for page in (first, second) for c in page["conversations"]]
    assert len(seen) == len(set(seen))  # nothing twice
    # nothing without new activity is skipped; the chat that moved up came as an event
    assert seen == [*expected[:5], expected[6]]
    # ... and it is on top of a fresh first page, with its last message and unread count
    top = (await mei.conversations_page(limit=2))["conversations"]
    assert [c["id"] for c in top] == [expected[0], expected[5]]
    assert (top[1]["last_message"]["text"], top[1]["unread"]) == ("moved up", 2)
    assert [c["id"] for c in await mei.conversations()] == [
        expected[0],
        expected[5],
        *expected[1:5],
        expected[6],
    ]


async def test_chat_list_page_sizes_and_bad_cursors(
    server: RunningServer, make_user: UserFactory
) -> None:
    many = await make_user("many")
    await make_user("spam")
    ids = await bulk_groups(server.services, "many", "spam", 120)
    first = await many.conversations_page()
    assert len(first["conversations"]) == 50  # the default
    assert first["next_cursor"]
    assert len((await many.conversations_page(limit=100))["conversations"]) == 100
    assert len(await walk_conversations(many, 100)) == 120
    assert {c["id"] for c in await walk_conversations(many, 7)} == set(ids)
    for limit in (0, 101, -1):
        assert (await code_of(many.conversations_page(limit=limit)))[0] == 422
    for cursor in (
        "nonsense",
        "%%%",
        forge("friends", "a", 1),  # another list's cursor
        forge("conversations", 1),
        forge("conversations", "1", 2),
        forge("conversations", True, 2),
        forge("conversations", 2**64, 1),
        forge("conversations", 1.5, 1),
        "W10",  # []
    ):
        assert await code_of(many.conversations_page(cursor=cursor)) == (422, "bad_cursor")
    assert (await code_of(many.conversations_page(cursor="x" * 401)))[0] == 422


def forge(*parts: Any) -> str:
    """A cursor this server never gave out."""
    raw = json.dumps(list(parts)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# -- members ---------------------------------------------------------------------------------


async def test_members_page_in_join_order_for_members_only(make_user: UserFactory) -> None:
    owner = await make_user("own")
    people = [await make_user(h) for h in ("aaa", "bbb", "ccc", "ddd")]
    stranger = await make_user("zzz")
    for person in people:
        await befriend(owner, person)
    group = (await owner.create_group("g", ["aaa", "bbb"]))["id"]
    await owner.add_members(group, ["ccc"])
    await owner.add_members(group, ["ddd"])
    handles: list[str] = []
    cursor = None
    while True:
        page = await people[0].members_page(group, cursor=cursor, limit=2)
        assert len(page["members"]) <= 2
        handles += [m["user"]["handle"] for m in page["members"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert handles == ["own", "aaa", "bbb", "ccc", "ddd"]
    assert {m["user"]["handle"]: m["role"] for m in await people[1].members(group)} == {
        "own": "owner",
        "aaa": "member",
        "bbb": "member",
        "ccc": "member",
        "ddd": "member",
    }
    assert (await code_of(stranger.members_page(group)))[0] == 404
    await people[3].leave(group)
    assert (await code_of(people[3].members_page(group)))[0] == 403  # left: sees no one now
    assert [m["user"]["handle"] for m in await owner.members(group)][-1] == "ccc"
    assert (await code_of(owner.members_page(group, limit=101)))[0] == 422
    bad = forge("conversations", 1, 1)
    assert await code_of(owner.members_page(group, cursor=bad)) == (422, "bad_cursor")


# -- friends and friend requests -------------------------------------------------------------


async def walk_friends(client: GuanxiClient, limit: int) -> list[str]:
    names: list[str] = []
    cursor = None
    while True:
        page = await client.friends_page(cursor=cursor, limit=limit)
        assert len(page["friends"]) <= limit
        names += [f["user"]["handle"] for f in page["friends"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return names


async def test_friends_page_by_remark_or_name(make_user: UserFactory) -> None:
    me = await make_user("mei")
    names = {"aaa": "Zoe", "bbb": "adam", "ccc": "Émile", "ddd": "bob", "eee": "Carl"}
    for handle, name in names.items():
        await befriend(await make_user(handle, name), me)
    assert await walk_friends(me, 2) == ["bbb", "ddd", "eee", "aaa", "ccc"]
    await me.update_friend("aaa", remark="Aaron")  # my remark sorts them
    assert await walk_friends(me, 2) == ["aaa", "bbb", "ddd", "eee", "ccc"]
    # a friend renames themselves: they move in my list (no remark of mine on them)
    async with GuanxiClient(me.base_url) as ddd:
        await ddd.login("ddd", PASSWORD)
        await ddd.update_me(display_name="Zed")
    assert await walk_friends(me, 3) == ["aaa", "bbb", "eee", "ddd", "ccc"]
    assert await walk_friends(me, 100) == ["aaa", "bbb", "eee", "ddd", "ccc"]
    assert len((await me.friends_page())["friends"]) == 5
    assert await code_of(me.friends_page(cursor=forge("friends", 1, 1))) == (422, "bad_cursor")
    assert (await code_of(me.friends_page(limit=0)))[0] == 422


async def test_friend_requests_page_both_ways_and_one_way(make_user: UserFactory) -> None:
    me = await make_user("mei")
    others = [await make_user(f"u{i:02}") for i in range(5)]
    incoming = [(await o.request_friend("mei"))["id"] for o in others[:3]]
    outgoing = [(await me.request_friend(o.user["handle"]))["id"] for o in others[3:]]
    newest_first = sorted(incoming + outgoing, reverse=True)
    seen: list[int] = []
    cursor = None
    while True:
        page = await me.friend_requests_page(cursor=cursor, limit=2)
        ids = [r["id"] for r in page["incoming"]] + [r["id"] for r in page["outgoing"]]
        assert len(ids) <= 2
        assert set(r["id"] for r in page["incoming"]) <= set(incoming)
        assert set(r["id"] for r in page["outgoing"]) <= set(outgoing)
        seen += sorted(ids, reverse=True)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == newest_first
    only_in = await me.friend_requests_page(limit=2, direction="incoming")
    assert [r["id"] for r in only_in["incoming"]] == sorted(incoming, reverse=True)[:2]
    assert only_in["outgoing"] == []
    rest = await me.friend_requests_page(
        cursor=only_in["next_cursor"], limit=2, direction="incoming"
    )
    assert ([r["id"] for r in rest["incoming"]], rest["next_cursor"]) == ([min(incoming)], None)
    all_of_them = await me.friend_requests()
    assert len(all_of_them["incoming"]) == 3 and len(all_of_them["outgoing"]) == 2
    assert (await code_of(me.friend_requests_page(direction="sideways")))[0] == 422
    bad = forge("friend_requests", "1")
    assert await code_of(me.friend_requests_page(cursor=bad)) == (422, "bad_cursor")


async def test_blocks_page_latest_first(make_user: UserFactory) -> None:
    me = await make_user("mei")
    handles = [f"b{i:02}" for i in range(5)]
    for handle in handles:
        await make_user(handle)
        await me.block(handle)
        await asyncio.sleep(0.002)  # each block at its own millisecond
    seen: list[str] = []
    cursor = None
    while True:
        page = await me.blocked_page(cursor=cursor, limit=2)
        assert len(page["blocked"]) <= 2
        seen += [u["handle"] for u in page["blocked"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(handles))
    await me.unblock("b02")
    assert [u["handle"] for u in await me.blocked()] == ["b04", "b03", "b01", "b00"]
    assert await code_of(me.blocked_page(cursor=forge("blocks", "x", 1))) == (422, "bad_cursor")
    assert (await code_of(me.blocked_page(limit=101)))[0] == 422


# -- one person's moments ---------------------------------------------------------------------


async def test_a_persons_moments_page_by_fifty(
    server: RunningServer, make_user: UserFactory
) -> None:
    me = await make_user("mei")
    assert me.token is not None
    author = await server.services.accounts.authenticate(me.token)
    for i in range(55):  # through the service: the API's rate limit is not what is tested
        await server.services.moments.post_moment(
            author, MomentDraft(f"moment {i}", [], "", "all", [])
        )
    first = await me.user_moments("mei")
    assert len(first["moments"]) == 50 and first["next_cursor"]
    rest = await me.user_moments("mei", cursor=first["next_cursor"])
    assert (len(rest["moments"]), rest["next_cursor"]) == (5, None)
    texts = [m["text"] for m in first["moments"] + rest["moments"]]
    assert texts == [f"moment {i}" for i in reversed(range(55))]
    assert (await code_of(me.user_moments("mei", limit=101)))[0] == 422
    assert (await code_of(me.user_moments("mei", cursor="nonsense")))[0] == 422


# -- the cap on conversations per user ----------------------------------------------------------


@pytest.mark.parametrize("settings", [{"conversations_per_user_max": 3}], indirect=True)
async def test_conversations_per_user_are_capped(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend(mei, lei)
    await befriend(mei, tao)
    direct = await mei.open_direct("lei")
    groups = [(await mei.create_group(f"g{i}", []))["id"] for i in range(2)]
    assert len(await mei.conversations()) == 3
    assert await code_of(mei.create_group("one more", [])) == (409, "too_many_conversations")
    assert await code_of(mei.open_direct("tao")) == (409, "too_many_conversations")
    assert (await mei.open_direct("lei"))["id"] == direct["id"]  # an existing chat still opens
    # someone else may not put mei into a fourth one either
    assert await code_of(tao.create_group("t", ["mei"])) == (409, "too_many_conversations")
    their = (await tao.create_group("t", []))["id"]
    assert await code_of(tao.add_members(their, ["mei"])) == (409, "too_many_conversations")
    assert [c["id"] for c in await tao.conversations()] == [their]  # nothing half-done
    await mei.leave(groups[0])  # leaving makes room
    await tao.add_members(their, ["mei"])
    assert len(await mei.conversations()) == 3
