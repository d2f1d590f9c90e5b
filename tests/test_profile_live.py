"""A profile's change is live (`user.updated`): the user's other devices, who keeps them as a
friend and the members of a chat they are in get it at once; a stranger and someone the user
blocked never do. A replay shows the profile as it is now, not as it was."""

from __future__ import annotations

from typing import Any

from guanxi.client import EventStream, GuanxiClient
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, befriend_all, ready
from tests.test_avatars import photo


async def about(stream: EventStream) -> dict[str, Any]:
    """The user of the next `user.updated` on this stream."""
    user: dict[str, Any] = (await stream.next_of("user.updated"))["user"]
    return user


async def test_a_new_name_reaches_friends_and_co_members_not_strangers_or_the_blocked(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei, tao, yun, kai = [await make_user(h) for h in ("mei", "lei", "tao", "yun", "kai")]
    await befriend_all(mei, lei, kai)
    await befriend(lei, tao)
    await lei.create_group("g", ["mei", "tao"])  # tao: a member of a group mei is in
    await mei.block("kai")  # a friend until now
    laptop = GuanxiClient(server.url)
    await laptop.login("mei", PASSWORD, device="laptop")
    async with (
        laptop.events() as own,
        lei.events() as friend,
        tao.events() as member,
        yun.events() as stranger,
        kai.events() as blocked,
    ):
        for stream in (own, friend, member, stranger, blocked):
            await ready(stream)
        await mei.update_me(display_name="梅梅", bio="新的")
        for stream in (own, friend, member):
            seen = await about(stream)
            assert (seen["handle"], seen["display_name"], seen["bio"]) == ("mei", "梅梅", "新的")
        # the stranger's and the blocked one's next profile event is their own change: mei's
        # came before it in the log, so it would have come first
        for client, stream in ((yun, stranger), (kai, blocked)):
            await client.update_me(bio="mine")
            assert (await about(stream))["handle"] == client.user["handle"]  # type: ignore[index]
    await laptop.close()


async def test_a_new_picture_and_its_removal_are_live(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    async with lei.events() as friend:
        await ready(friend)
        me = await mei.set_avatar(photo(), "p.jpg", "image/jpeg")
        assert me["avatar"] and (await about(friend))["avatar"] == me["avatar"]
        await mei.remove_avatar()
        assert (await about(friend))["avatar"] is None


async def test_a_past_member_of_a_group_no_longer_hears_of_it(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei, ann = await make_user("mei"), await make_user("lei"), await make_user("ann")
    await befriend_all(lei, mei, ann)
    chat = int((await lei.create_group("g", ["mei", "ann"]))["id"])
    await ann.leave(chat)
    async with ann.events() as past, lei.events() as friend:
        await ready(past)
        await ready(friend)
        await mei.update_me(display_name="梅梅")
        assert (await about(friend))["display_name"] == "梅梅"
        await ann.update_me(bio="mine")
        assert (await about(past))["handle"] == "ann"


async def test_nothing_others_see_changed_is_no_event(
    server: RunningServer, make_user: UserFactory
) -> None:
    """The same name again, or a private setting (how far back moments show), tells no one."""
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    async with lei.events() as friend:
        await ready(friend)
        await mei.update_me(display_name=mei.user["display_name"])  # type: ignore[index]
        await mei.update_me(moments_visible="3d")
        await mei.update_me(bio="now")
        assert (await about(friend))["bio"] == "now"  # the first one lei hears of


async def test_a_replay_shows_the_profile_as_it_is_now(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    laptop = GuanxiClient(server.url)
    await laptop.login("mei", PASSWORD, device="laptop")
    async with laptop.events() as stream:
        cursor = await ready(stream)
    await mei.update_me(display_name="one")
    await mei.update_me(display_name="two")
    async with laptop.events(cursor) as stream:
        replayed = [(await about(stream))["display_name"] for _ in range(2)]
    assert replayed == ["two", "two"]
    # the friend, away meanwhile, reloads: the list shows the name as it is
    [friend] = await lei.friends()
    assert friend["user"]["display_name"] == "two"
    await laptop.close()
