"""Someone who blocked you does not exist for you: not in your friend list, no direct chat
with them, none of their likes or comments on mutual friends' moments — until they unblock."""

from __future__ import annotations

from typing import Any

from guanxi.client import GuanxiClient
from tests.conftest import UserFactory, befriend, status_of


async def what_bob_sees(bob: GuanxiClient, chat: int, moment_id: int) -> dict[str, Any]:
    moment = await bob.moment(moment_id)
    return {
        "friends": sorted(f["user"]["handle"] for f in await bob.friends()),
        "chats": [c["id"] for c in await bob.conversations()],
        "likes": [like["user"]["handle"] for like in moment["likes"]],
        "comments": [c["user"]["handle"] for c in moment["comments"]],
    }


async def test_someone_who_blocked_you_does_not_exist_for_you(make_user: UserFactory) -> None:
    ana, bob, cai = await make_user("ana"), await make_user("bob"), await make_user("cai")
    await befriend(ana, bob)
    await befriend(ana, cai)
    await befriend(bob, cai)
    chat = (await ana.open_direct("bob"))["id"]
    await ana.send(chat, "hi bob")
    moment = await cai.post_moment("爬山")
    await ana.like(moment["id"])
    await ana.comment(moment["id"], "好看")
    before = await what_bob_sees(bob, chat, moment["id"])
    assert before == {
        "friends": ["ana", "cai"],
        "chats": [chat],
        "likes": ["ana"],
        "comments": ["ana"],
    }
    await ana.block("bob")
    gone = await what_bob_sees(bob, chat, moment["id"])
    assert gone == {"friends": ["cai"], "chats": [], "likes": [], "comments": []}
    assert await status_of(bob.conversation(chat)) == 404
    assert await status_of(bob.history(chat)) == 404
    # cai, whom nobody blocked, still sees everything
    seen_by_cai = await cai.moment(moment["id"])
    assert [like["user"]["handle"] for like in seen_by_cai["likes"]] == ["ana"]
    await ana.unblock("bob")
    assert await what_bob_sees(bob, chat, moment["id"]) == before
