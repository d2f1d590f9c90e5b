"""Reactions: only real emoji sequences, a few per person per message, and events that carry
only the change (a reaction event used to carry the whole message with all its reactions)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from guanxi.accounts import store as accounts_store
from guanxi.client import ApiError, GuanxiClient
from guanxi.conversations import store_messages
from guanxi.conversations.rules import check_reaction
from guanxi.db.database import Tx
from tests.conftest import RunningServer, UserFactory, befriend

EMOJI = ["👍", "👍🏽", "🇨🇳", "👨\u200d👩\u200d👧", "1️⃣", "❤", "❤️", "🫠"]
NOT_EMOJI = ["★", "✓", "→", "①", "〒", "⌘", "😀😀", "🏻", "👍 ", "a", "中", "👍" * 9]
OVERLONG = ["x" * 300, "😀" * 200]  # refused by the request's schema before the rule
PICKER = Path(__file__).resolve().parent.parent / "src/guanxi/web/static/js/emoji-data.js"


@pytest.fixture
async def pair(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, int, int]:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = int((await mei.open_direct("lei"))["id"])
    sent = await mei.send(chat, "react to me")
    return mei, lei, chat, int(sent["seq"])


async def test_emoji_sequences_are_reactions_other_symbols_are_not(
    pair: tuple[GuanxiClient, GuanxiClient, int, int],
) -> None:
    mei, lei, chat, seq = pair
    for n, emoji in enumerate(EMOJI):
        client = (mei, lei)[n % 2]
        await client.react(chat, seq, emoji)
        await client.unreact(chat, seq, emoji)
    for symbol in NOT_EMOJI:
        with pytest.raises(ApiError) as refused:
            await lei.react(chat, seq, symbol)
        assert (refused.value.status, refused.value.code) == (422, "bad_emoji"), symbol
    for symbol in OVERLONG:
        with pytest.raises(ApiError) as refused:
            await lei.react(chat, seq, symbol)
        assert refused.value.status == 422, symbol
    assert (await mei.history(chat))["messages"][0]["reactions"] == []


async def test_the_server_takes_every_emoji_the_picker_offers(
    pair: tuple[GuanxiClient, GuanxiClient, int, int],
) -> None:
    """The web client's full set (generated from emojibase-data, filtered by this rule), skin
    tones too, holds only reactions the server takes; its longest go through the API."""
    rows = [json.loads(r) for r in re.findall(r'^    (\[".*\]),$', PICKER.read_text("utf-8"), re.M)]
    offered = [row[0] for row in rows] + [tone for row in rows if len(row) > 4 for tone in row[4]]
    assert len(rows) > 1800
    assert {"🍕", "👍", "🇨🇳", "🫠", "👍🏽", "🧑🏿\u200d🤝\u200d🧑🏿"} <= set(offered)
    for emoji in offered:
        assert check_reaction(emoji) == emoji
    _, lei, chat, seq = pair
    for emoji in sorted(offered, key=len)[-3:]:  # the longest sequences (families, flags)
        await lei.react(chat, seq, emoji)
        await lei.unreact(chat, seq, emoji)


async def test_a_few_distinct_reactions_per_person_per_message(
    pair: tuple[GuanxiClient, GuanxiClient, int, int],
) -> None:
    mei, lei, chat, seq = pair
    for emoji in ("👍", "🎉", "❤️"):
        await lei.react(chat, seq, emoji)
    with pytest.raises(ApiError) as refused:
        await lei.react(chat, seq, "😂")
    assert (refused.value.status, refused.value.code) == (409, "too_many_reactions")
    again = await lei.react(chat, seq, "🎉")  # one already given: no change, no error
    assert {r["emoji"] for r in again["reactions"]} == {"👍", "🎉", "❤️"}
    await mei.react(chat, seq, "😂")  # the limit is per person
    await lei.unreact(chat, seq, "👍")
    after = await lei.react(chat, seq, "😂")
    assert {r["emoji"]: r["handles"] for r in after["reactions"]} == {
        "🎉": ["lei"],
        "❤️": ["lei"],
        "😂": ["mei", "lei"],
    }


async def test_reaction_events_carry_only_the_change(
    pair: tuple[GuanxiClient, GuanxiClient, int, int],
) -> None:
    mei, lei, chat, seq = pair
    message_id = (await mei.history(chat))["messages"][0]["id"]
    async with mei.events() as stream:
        cursor = (await stream.next())["cursor"]
        await lei.react(chat, seq, "👍")
        await lei.unreact(chat, seq, "👍")
        live = [await stream.next_of("reaction.added"), await stream.next_of("reaction.removed")]
    async with mei.events(cursor) as stream:
        replayed = [await stream.next(), await stream.next()]
    for frame in live + replayed:
        change = {k: v for k, v in frame.items() if k not in ("type", "cursor")}
        assert change == {
            "conversation_id": chat,
            "message_id": message_id,
            "seq": seq,
            "emoji": "👍",
            "handle": "lei",
        }
    assert [f["type"] for f in replayed] == ["reaction.added", "reaction.removed"]


async def test_a_reaction_from_before_the_rule_can_be_taken_back(
    server: RunningServer, pair: tuple[GuanxiClient, GuanxiClient, int, int]
) -> None:
    mei, lei, chat, seq = pair
    message_id = (await mei.history(chat))["messages"][0]["id"]

    async def given_under_the_old_rule(tx: Tx) -> bool:
        user = await accounts_store.get_user_by_handle(tx.conn, "lei")
        assert user is not None
        return await store_messages.insert_reaction(tx.conn, message_id, user.id, "★", 1)

    assert await server.services.db.write(given_under_the_old_rule)
    path = f"/conversations/{chat}/messages/{seq}/reactions/{quote('★')}"
    assert (await mei.history(chat))["messages"][0]["reactions"][0]["emoji"] == "★"
    answer = await lei.call("DELETE", path)
    assert answer["reactions"] == []
