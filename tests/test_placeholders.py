"""Placeholder contacts: `GET /me/placeholders` and `POST /me/placeholders/{id}/link`.

A placeholder and its imported history are made here the way an import makes them
(`assets/store_import.py`): a placeholder account with a reserved handle, its `placeholders`
row owned by the importer, and a direct conversation of the two with messages (tests of the
import itself are in test_import*.py)."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
import sqlalchemy as sa

from guanxi.accounts import store as accounts_store
from guanxi.accounts.rules import PLACEHOLDER_PREFIX, placeholder_origin
from guanxi.assets.tables import placeholders
from guanxi.client import GuanxiClient
from guanxi.conversations.tables import conversation_members, conversations, messages
from guanxi.db.database import Tx
from guanxi.web.schemas.ledger import PlaceholderOut
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, code_of, ready

DAY_MS = 86_400_000
START = 1_600_000_000_000  # imported history is old: 2020-09-13


async def make_placeholder(
    server: RunningServer,
    owner: GuanxiClient,
    name: str,
    *,
    mine: int = 0,
    theirs: int = 0,
    source: str = "whatsapp",
) -> int:
    """A placeholder of `owner`'s with a direct chat of `mine` + `theirs` messages, a day apart
    from START (theirs first), and a system line last (which no figure counts); its user id."""
    assert owner.user is not None
    services = server.services
    slug = "".join(ch for ch in name.lower() if ch.isalnum())
    owner_id = await _user_id(server, owner.user["handle"])

    async def unit(tx: Tx) -> None:
        user = await accounts_store.insert_user(
            tx.conn,
            handle=f"{PLACEHOLDER_PREFIX}{secrets.token_hex(8)}",
            display_name=name,
            password_hash=None,
            created_at=START,
            is_placeholder=True,
            origin=placeholder_origin(owner_id),
        )
        made.append(user.id)
        await tx.conn.execute(
            sa.insert(placeholders).values(
                user_id=user.id,
                owner_id=owner_id,
                source=source,
                external_key=name,
                handle=slug,
                created_at=START,
            )
        )
        total = mine + theirs
        if total == 0:
            return
        result = await tx.conn.execute(
            sa.insert(conversations)
            .values(kind="direct", name="", last_seq=total + 1, created_at=START, updated_at=START)
            .returning(conversations.c.id)
        )
        chat = result.scalar_one()
        for member in (owner_id, user.id):
            await tx.conn.execute(
                sa.insert(conversation_members).values(
                    conversation_id=chat,
                    user_id=member,
                    role="member",
                    joined_at=START,
                    joined_seq=0,
                    joined_event=0,
                )
            )
        senders = [user.id] * theirs + [owner_id] * mine
        lines = [(sender, "text", f"old message {seq}") for seq, sender in enumerate(senders, 1)]
        lines.append((user.id, "system", "Grandma changed the subject"))  # nobody's message
        for seq, (sender, kind, text) in enumerate(lines, start=1):
            await tx.conn.execute(
                sa.insert(messages).values(
                    conversation_id=chat,
                    seq=seq,
                    sender_id=sender,
                    kind=kind,
                    text=text,
                    mentions=[],
                    created_at=START + (seq - 1) * DAY_MS,
                )
            )

    made: list[int] = []
    await services.db.write(unit)
    return made[0]


async def _user_id(server: RunningServer, handle: str) -> int:
    async with server.services.db.read() as conn:
        user = await accounts_store.get_user_by_handle(conn, handle)
    assert user is not None
    return user.id


async def test_list_shows_my_placeholders_with_their_history(
    make_user: UserFactory, server: RunningServer
) -> None:
    alice = await make_user("alice")
    grandma = await make_placeholder(server, alice, "Grandma", mine=2, theirs=3)
    quiet = await make_placeholder(server, alice, "Quiet", source="telegram")
    listed = await alice.placeholders()
    assert [p["id"] for p in listed] == [grandma, quiet]
    assert [PlaceholderOut.model_validate(p).model_dump() for p in listed] == listed
    first = listed[0]
    assert first == {
        **first,
        "display_name": "Grandma",
        "handle": "grandma",
        "source": "whatsapp",
        "linked_to": None,
        "conversations": 1,
        "messages": 3,
        "first_day": "2020-09-13",
        "last_day": "2020-09-15",
    }
    assert listed[1]["messages"] == 0 and listed[1]["conversations"] == 0
    assert listed[1]["first_day"] is None


async def test_the_list_is_paged(make_user: UserFactory, server: RunningServer) -> None:
    alice = await make_user("alice")
    made = [await make_placeholder(server, alice, f"Person{i}") for i in range(5)]
    page = await alice.placeholders_page(limit=2)
    seen = [p["id"] for p in page["placeholders"]]
    while page["next_cursor"]:
        page = await alice.placeholders_page(cursor=page["next_cursor"], limit=2)
        seen += [p["id"] for p in page["placeholders"]]
    assert seen == made
    assert await code_of(alice.placeholders_page(cursor="garbage")) == (422, "bad_cursor")


async def test_link_and_unlink_move_the_history_in_my_ledger_only(
    make_user: UserFactory, server: RunningServer
) -> None:
    alice, bob = await make_user("alice"), await make_user("bob")
    await befriend(alice, bob, role_a="family")
    mine, theirs = 2, 3
    grandpa = await make_placeholder(server, alice, "Grandpa", mine=mine, theirs=theirs)
    before = await alice.assets()
    bob_before = await bob.assets()
    shared = next(f for f in before["by_friend"] if f["handle"] == "bob")
    assert shared["messages"]["received"]["total"] == 0
    assert before["totals"]["messages"]["received"]["total"] == theirs
    assert before["totals"]["conversations"]["direct"] == 1

    linked = await alice.link_placeholder(grandpa, "bob")
    assert linked["linked_to"] == "bob" and linked["id"] == grandpa
    after = await alice.assets()
    shared = next(f for f in after["by_friend"] if f["handle"] == "bob")
    assert shared["messages"]["received"]["total"] == theirs
    assert shared["messages"]["sent"]["total"] == mine
    assert shared["linked_placeholders"] == 1
    assert (shared["first_day"], shared["last_day"]) == ("2020-09-13", "2020-09-17")
    held = {k: v for k, v in after["totals"].items() if k != "value"}
    assert held == {k: v for k, v in before["totals"].items() if k != "value"}  # already mine
    assert after["totals"]["value"]["people"] == before["totals"]["value"]["people"] - 1
    assert await bob.assets() == bob_before  # bob's ledger does not change
    assert await bob.conversations() == []  # nor is bob part of the imported chat
    assert (await alice.placeholders())[0]["linked_to"] == "bob"

    unlinked = await alice.link_placeholder(grandpa, None)
    assert unlinked["linked_to"] is None
    shared = next(f for f in (await alice.assets())["by_friend"] if f["handle"] == "bob")
    assert shared["messages"]["received"]["total"] == 0


@pytest.fixture
async def cast(make_user: UserFactory, server: RunningServer) -> dict[str, Any]:
    """alice with a placeholder; mallory with one of her own; friends and others around."""
    alice, mallory = await make_user("alice"), await make_user("mallory")
    friend, stranger = await make_user("friend"), await make_user("stranger")
    await befriend(alice, friend)
    return {
        "alice": alice,
        "mallory": mallory,
        "friend": friend,
        "stranger": stranger,
        "hers": await make_placeholder(server, alice, "Auntie", theirs=1),
        "his": await make_placeholder(server, mallory, "Uncle", theirs=1),
    }


async def test_others_placeholders_are_not_there(cast: dict[str, Any]) -> None:
    mallory, alice = cast["mallory"], cast["alice"]
    assert [p["id"] for p in await mallory.placeholders()] == [cast["his"]]
    assert await code_of(mallory.link_placeholder(cast["hers"], "mallory")) == (404, "not_found")
    assert await code_of(mallory.link_placeholder(cast["hers"], None)) == (404, "not_found")
    assert await code_of(alice.link_placeholder(999_999, "friend")) == (404, "not_found")
    assert (await alice.placeholders())[0]["linked_to"] is None


async def test_only_a_friend_may_be_linked(make_user: UserFactory, cast: dict[str, Any]) -> None:
    alice, hers = cast["alice"], cast["hers"]
    assert await code_of(alice.link_placeholder(hers, "stranger")) == (403, "not_friends")
    assert await code_of(alice.link_placeholder(hers, "alice")) == (403, "not_friends")
    assert await code_of(alice.link_placeholder(hers, "nobody")) == (404, "not_found")
    assert (await alice.placeholders())[0]["linked_to"] is None


async def test_not_to_a_placeholder(server: RunningServer, cast: dict[str, Any]) -> None:
    alice = cast["alice"]
    other = await make_placeholder(server, alice, "Cousin")
    async with server.services.db.read() as conn:
        user = await accounts_store.get_user(conn, other)
    assert user is not None
    assert await code_of(alice.link_placeholder(cast["hers"], user.handle)) == (404, "not_found")


async def test_not_across_a_block(cast: dict[str, Any]) -> None:
    alice, friend, hers = cast["alice"], cast["friend"], cast["hers"]
    await alice.block("friend")
    assert await code_of(alice.link_placeholder(hers, "friend")) == (403, "blocked")
    await alice.unblock("friend")
    await friend.block("alice")
    assert await code_of(alice.link_placeholder(hers, "friend")) == (404, "not_found")


async def test_not_to_a_deleted_account(cast: dict[str, Any]) -> None:
    alice, friend, hers = cast["alice"], cast["friend"], cast["hers"]
    await friend.delete_account(PASSWORD)
    status, _ = await code_of(alice.link_placeholder(hers, "friend"))
    assert status == 404


async def test_my_other_device_hears_of_a_link(
    make_user: UserFactory, server: RunningServer
) -> None:
    alice, bob = await make_user("alice"), await make_user("bob")
    await befriend(alice, bob)
    grandpa = await make_placeholder(server, alice, "Grandpa", theirs=1)
    async with GuanxiClient(server.url) as laptop:
        await laptop.login("alice", PASSWORD, device="laptop")
        async with laptop.events() as stream:
            await ready(stream)
            linked = await alice.link_placeholder(grandpa, "bob")
            event = await stream.next_of("placeholder.linked")
            assert event["placeholder"] == linked
            assert (await laptop.placeholders())[0] == linked
            await alice.link_placeholder(grandpa, None)
            event = await stream.next_of("placeholder.linked")
            assert event["placeholder"]["linked_to"] is None
