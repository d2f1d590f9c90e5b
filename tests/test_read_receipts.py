"""Read receipts survive a reload: a direct chat carries the other person's read marker, a
group's history each message's read count and a list of its readers — members only, inside
their window, never across a block."""

from __future__ import annotations

import random
from types import SimpleNamespace
from typing import Any

from guanxi.client import GuanxiClient
from guanxi.conversations.receipts import read_counter
from tests.conftest import UserFactory, befriend, befriend_all, code_of, status_of


async def peer_read(client: GuanxiClient, chat: int) -> Any:
    """The receipt as a reload finds it: in the conversation and in the chat list."""
    alone = (await client.conversation(chat))["peer_last_read_seq"]
    listed = [c for c in await client.conversations() if c["id"] == chat]
    assert [c["peer_last_read_seq"] for c in listed] == [alone]
    return alone


async def counts(client: GuanxiClient, gid: int) -> dict[str, Any]:
    """Each message's read count by its text, as the client's history page shows it."""
    page = (await client.history(gid))["messages"]
    return {m["text"]: m["read_count"] for m in page if m["kind"] != "system"}


async def readers(client: GuanxiClient, gid: int, seq: int) -> list[str]:
    return sorted(u["handle"] for u in await client.readers(gid, seq))


async def friends_in_a_chat(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int]:
    ana, bob = await make_user("ana"), await make_user("bob")
    await befriend(ana, bob)
    return ana, bob, (await ana.open_direct("bob"))["id"]


async def test_a_direct_chat_carries_the_other_persons_read_marker(
    make_user: UserFactory,
) -> None:
    ana, bob, chat = await friends_in_a_chat(make_user)
    sent = [await ana.send(chat, text) for text in ("one", "two", "three")]
    assert await peer_read(ana, chat) == 0
    await bob.mark_read(chat, sent[1]["seq"])
    assert await peer_read(ana, chat) == sent[1]["seq"]
    await bob.mark_read(chat, sent[2]["seq"])
    assert await peer_read(ana, chat) == sent[2]["seq"]
    history = (await ana.history(chat))["messages"]
    assert [m["read_count"] for m in history] == [None, None, None]  # a group's figure only


async def test_no_read_receipt_across_a_block_or_without_friendship(
    make_user: UserFactory,
) -> None:
    ana, bob, chat = await friends_in_a_chat(make_user)
    sent = await ana.send(chat, "hi")
    await bob.mark_read(chat, sent["seq"])
    reply = await bob.send(chat, "hello")
    await ana.mark_read(chat, reply["seq"])
    assert await peer_read(ana, chat) == sent["seq"]
    assert await peer_read(bob, chat) == reply["seq"]
    await ana.block("bob")  # ana's read position is hidden from bob, and bob's from ana
    assert await peer_read(ana, chat) is None
    assert await status_of(bob.conversation(chat)) == 404
    assert await status_of(bob.readers(chat, sent["seq"])) == 404
    assert await ana.readers(chat, sent["seq"]) == []
    await ana.unblock("bob")
    assert await peer_read(ana, chat) == sent["seq"]
    assert await readers(ana, chat, sent["seq"]) == ["bob"]
    await bob.remove_friend("ana")  # no longer friends: no receipt either way
    assert await peer_read(ana, chat) is None
    assert await peer_read(bob, chat) is None
    await befriend(bob, ana)
    assert await peer_read(bob, chat) == reply["seq"]


async def group_of_four(make_user: UserFactory) -> tuple[list[GuanxiClient], int]:
    people = [await make_user(h) for h in ("ana", "bob", "cai", "dan")]
    ana = people[0]
    await befriend_all(ana, *people[1:])
    gid = (await ana.create_group("family", ["bob", "cai", "dan"]))["id"]
    return people, gid


async def test_a_group_shows_read_counts_and_readers_after_a_reload(
    make_user: UserFactory,
) -> None:
    (ana, bob, cai, dan), gid = await group_of_four(make_user)
    first = await ana.send(gid, "first")
    second = await ana.send(gid, "second")
    assert await counts(ana, gid) == {"first": 0, "second": 0}
    await bob.mark_read(gid, second["seq"])
    await cai.mark_read(gid, first["seq"])
    await ana.mark_read(gid, second["seq"])  # the sender is never a reader of their own
    assert await counts(ana, gid) == {"first": 2, "second": 1}
    assert await counts(dan, gid) == {"first": 2, "second": 1}
    assert await readers(ana, gid, first["seq"]) == ["bob", "cai"]
    assert await readers(dan, gid, second["seq"]) == ["bob"]
    reply = await bob.send(gid, "reply")
    assert await readers(bob, gid, reply["seq"]) == []
    await ana.mark_read(gid, reply["seq"])
    assert await readers(bob, gid, reply["seq"]) == ["ana"]


async def test_readers_come_in_bounded_pages(make_user: UserFactory) -> None:
    (ana, bob, cai, dan), gid = await group_of_four(make_user)
    sent = await ana.send(gid, "hello all")
    for reader in (bob, cai, dan):
        await reader.mark_read(gid, sent["seq"])
    first = await ana.readers_page(gid, sent["seq"], limit=2)
    rest = await ana.readers_page(gid, sent["seq"], cursor=first["next_cursor"], limit=2)
    handles = [u["handle"] for u in first["readers"] + rest["readers"]]
    assert len(first["readers"]) == 2 and rest["next_cursor"] is None
    assert sorted(handles) == ["bob", "cai", "dan"]
    assert await code_of(ana.readers_page(gid, sent["seq"], limit=101)) == (422, "invalid_input")
    members_cursor = (await ana.members_page(gid, limit=1))["next_cursor"]
    status, code = await code_of(ana.readers_page(gid, sent["seq"], cursor=members_cursor))
    assert (status, code) == (422, "bad_cursor")


async def test_a_block_hides_read_positions_in_a_group_both_ways(
    make_user: UserFactory,
) -> None:
    (ana, bob, cai, _dan), gid = await group_of_four(make_user)
    mine = await ana.send(gid, "from ana")
    theirs = await bob.send(gid, "from bob")
    await cai.mark_read(gid, theirs["seq"])
    await bob.mark_read(gid, theirs["seq"])
    assert await readers(ana, gid, mine["seq"]) == ["bob", "cai"]
    await cai.block("ana")  # cai's reads are not revealed to ana, nor ana's to cai
    assert await readers(ana, gid, mine["seq"]) == ["bob"]
    assert (await counts(ana, gid))["from ana"] == 1
    await ana.mark_read(gid, theirs["seq"])
    assert await readers(cai, gid, theirs["seq"]) == ["cai"]  # herself, not ana
    assert await readers(bob, gid, theirs["seq"]) == ["ana", "cai"]  # nobody else is affected
    await cai.unblock("ana")
    assert await readers(ana, gid, mine["seq"]) == ["bob", "cai"]


async def test_reads_are_learned_only_inside_a_members_window(make_user: UserFactory) -> None:
    (ana, bob, cai, _dan), gid = await group_of_four(make_user)
    early = await ana.send(gid, "early")
    eve = await make_user("eve")
    await befriend(ana, eve)
    await ana.add_members(gid, ["eve"])
    late = await ana.send(gid, "late")
    await eve.mark_read(gid, late["seq"])
    # eve's marker lies past `early`, but she never had it: she is no reader of it
    assert await readers(ana, gid, early["seq"]) == []
    assert await readers(ana, gid, late["seq"]) == ["eve"]
    assert await code_of(eve.readers(gid, early["seq"])) == (404, "not_found")
    assert await counts(eve, gid) == {"late": 1}
    await bob.mark_read(gid, late["seq"])
    await bob.leave(gid)  # a past member learns no reads at all, and counts for nobody
    assert await code_of(bob.readers(gid, early["seq"])) == (403, "not_member")
    assert set((await counts(bob, gid)).values()) == {None}
    assert await readers(ana, gid, late["seq"]) == ["eve"]
    stranger = await make_user("stranger")
    assert await status_of(stranger.readers(gid, early["seq"])) == 404
    assert await status_of(cai.readers(gid, late["seq"] + 5)) == 404


def test_the_read_counter_agrees_with_counting_one_by_one() -> None:
    """receipts.read_counter (two sorted lists) against the rule itself, member by member."""
    rng = random.Random(13)
    for _ in range(50):
        last = rng.randint(1, 40)
        positions = []
        for i in range(rng.randint(0, 30)):
            joined = rng.randint(0, last)
            read = rng.randint(joined, last)
            positions.append(
                SimpleNamespace(user_id=i, handle=f"u{i}", joined_seq=joined, last_read_seq=read)
            )
        count = read_counter(positions)
        for seq in range(1, last + 1):
            sender = f"u{rng.randint(0, 35)}"
            expected = sum(
                1 for p in positions if p.handle != sender and p.joined_seq < seq <= p.last_read_seq
            )
            assert count(seq, sender) == expected
