from __future__ import annotations

from tests.conftest import UserFactory, befriend


async def test_two_friends_chat(make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei")
    await befriend(mei, lei, "family", "close_friend")
    chat = await mei.open_direct("lei")
    async with lei.events() as stream:
        ready = await stream.next()
        assert ready["type"] == "ready"
        sent = await mei.send(chat["id"], "你好")
        event = await stream.next_of("message.created")
    assert event["message"]["text"] == "你好"
    assert event["message"]["seq"] == sent["seq"] == 1
