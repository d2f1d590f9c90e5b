"""A group's read counts are live: a member's read marker is one `conversation.read`
(`from_seq`, `seq`) that reaches the senders of the messages it passes, so their devices count
one reader more for each of their messages in (from_seq, seq]; never across a block with the
reader, live or replayed."""

from __future__ import annotations

from guanxi.client import GuanxiClient
from tests.conftest import RunningServer, UserFactory, befriend_all, ready


async def group(make_user: UserFactory) -> tuple[list[GuanxiClient], int]:
    """mei (owner), lei, tao and kai, all mei's friends, in one group."""
    people = [await make_user(h) for h in ("mei", "lei", "tao", "kai")]
    await befriend_all(*people)
    made = await people[0].create_group("g", ["lei", "tao", "kai"])
    return people, int(made["id"])


async def read_counts(client: GuanxiClient, chat: int) -> dict[int, int]:
    page = await client.history(chat)
    return {m["seq"]: m["read_count"] for m in page["messages"] if m["kind"] != "system"}


async def test_a_read_reaches_the_senders_of_what_it_passes_and_counts_as_the_page_does(
    server: RunningServer, make_user: UserFactory
) -> None:
    (mei, lei, tao, kai), chat = await group(make_user)
    first = (await mei.send(chat, "一"))["seq"]
    await tao.send(chat, "二")
    last = (await mei.send(chat, "三"))["seq"]
    async with mei.events() as sender, tao.events() as other, kai.events() as idle:
        for stream in (sender, other, idle):
            await ready(stream)
        await lei.mark_read(chat, last)
        for stream in (sender, other):
            event = await stream.next_of("conversation.read")
            assert (event["handle"], event["seq"]) == ("lei", last)
            assert event["from_seq"] < first  # every message of the three has one reader more
        # kai sent nothing lei read: the next frame kai gets is the message sent after it
        await kai.send(chat, "四")
        assert (await idle.next())["type"] == "message.created"
    # the count the event adds is the count the next page shows
    counts = await read_counts(mei, chat)
    assert counts[first] == counts[last] == 1


async def test_a_read_never_crosses_a_block_live_or_replayed(
    server: RunningServer, make_user: UserFactory
) -> None:
    (mei, lei, tao, _), chat = await group(make_user)
    async with mei.events() as stream:
        cursor = await ready(stream)
    sent = (await mei.send(chat, "一"))["seq"]
    await lei.mark_read(chat, sent)  # recorded while the two may still see each other
    await mei.block("lei")
    async with mei.events(cursor) as replay:
        frames = []
        while (frame := await replay.next())["type"] != "ready":
            frames.append(frame)
        assert [f for f in frames if f["type"] == "conversation.read"] == []
        # live: lei's next read is not sent to mei; tao's message after it is the next frame
        again = (await mei.send(chat, "二"))["seq"]
        assert (await replay.next())["type"] == "message.created"
        await lei.mark_read(chat, again)
        await tao.send(chat, "三")
        assert (await replay.next())["type"] == "message.created"
    assert (await read_counts(mei, chat))[again] == 0


async def test_a_member_away_replays_the_reads_of_their_messages(
    server: RunningServer, make_user: UserFactory
) -> None:
    (mei, lei, tao, _), chat = await group(make_user)
    sent = (await mei.send(chat, "一"))["seq"]
    async with mei.events() as stream:
        cursor = await ready(stream)
    await lei.mark_read(chat, sent)
    await tao.mark_read(chat, sent)
    async with mei.events(cursor) as replay:
        readers = [(await replay.next_of("conversation.read"))["handle"] for _ in range(2)]
    assert readers == ["lei", "tao"]
