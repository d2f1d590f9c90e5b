"""Every declared event type reaches the right devices, and only them.

The table maps each declared event (guanxi.event_types) to a scenario over the public API:
the people it sets up, the one call that records the event, the devices that must receive
it (with the fields its payload type declares) and devices that must not. A declared event
without a scenario fails here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
import websockets

from guanxi.assets import formats
from guanxi.client import EventStream, GuanxiClient
from guanxi.event_types import EVENT_TYPES
from guanxi.eventlog.event_type import EventType
from tests import bundle_format
from tests.conftest import PASSWORD, RunningServer, UserFactory, befriend, befriend_all
from tests.test_events import ready
from tests.test_placeholders import make_placeholder


@dataclass
class People:
    """Makes the people of a scenario: users, and more devices (logins) of them."""

    server: RunningServer
    make_user: UserFactory
    devices: list[GuanxiClient] = field(default_factory=list)

    async def __call__(self, *handles: str) -> list[GuanxiClient]:
        return [await self.make_user(handle) for handle in handles]

    async def device(self, of: GuanxiClient) -> GuanxiClient:
        assert of.user is not None
        other = GuanxiClient(self.server.url)
        self.devices.append(other)
        await other.login(of.user["handle"], PASSWORD, device="laptop")
        return other


@dataclass
class Case:
    act: Callable[[], Awaitable[object]]  # the one call that records the event
    receivers: list[GuanxiClient]
    others: list[GuanxiClient]  # devices that must not receive it


Scenario = Callable[[People], Awaitable[Case]]


# -- accounts -------------------------------------------------------------------------------


async def session_ended(people: People) -> Case:
    """A control event: the ended session's socket closes, the user's other one stays."""
    [phone] = await people("mei")
    laptop = await people.device(phone)
    return Case(phone.logout, receivers=[phone], others=[laptop])


async def user_updated(people: People) -> Case:
    """A friend and a group's member see the new name; a stranger and a blocked friend do
    not (tests/test_profile_live.py has the rest)."""
    mei, lei, tao, yun, kai = await people("mei", "lei", "tao", "yun", "kai")
    await befriend_all(mei, lei, kai)
    await befriend(lei, tao)
    await lei.create_group("g", ["mei", "tao"])
    await mei.block("kai")
    laptop = await people.device(mei)
    return Case(lambda: mei.update_me(display_name="梅梅"), [mei, laptop, lei, tao], [yun, kai])


# -- relationships --------------------------------------------------------------------------


async def friend_request_received(people: People) -> Case:
    mei, lei, tao = await people("mei", "lei", "tao")
    return Case(lambda: mei.request_friend("lei", "hi", "classmate"), [lei], [mei, tao])


async def friend_request_accepted(people: People) -> Case:
    mei, lei, tao = await people("mei", "lei", "tao")
    request = await mei.request_friend("lei", "hi", "classmate")
    return Case(lambda: lei.accept(request["id"], "classmate"), [mei, lei], [tao])


async def friend_removed(people: People) -> Case:
    mei, lei = await people("mei", "lei")
    await befriend(mei, lei)
    laptop = await people.device(mei)
    return Case(lambda: mei.remove_friend("lei"), [mei, laptop], [lei])


# -- conversations --------------------------------------------------------------------------


async def direct_chat(people: People) -> tuple[GuanxiClient, GuanxiClient, GuanxiClient, int]:
    """mei and lei, friends with a chat that has one message; tao, a stranger to both."""
    mei, lei, tao = await people("mei", "lei", "tao")
    await befriend(mei, lei)
    chat = int((await mei.open_direct("lei"))["id"])
    await mei.send(chat, "你好")
    return mei, lei, tao, chat


async def typing_started(people: People) -> Case:
    """Only the other member hears it: not the typer's own devices, not a stranger."""
    mei, lei, tao, chat = await direct_chat(people)
    laptop = await people.device(mei)
    return Case(lambda: mei.typing(chat), [lei], [mei, laptop, tao])


async def group(people: People) -> tuple[list[GuanxiClient], GuanxiClient, int]:
    """A group of mei (owner), lei and tao, all mei's friends; yun, a friend of nobody."""
    mei, lei, tao, yun = await people("mei", "lei", "tao", "yun")
    await befriend_all(mei, lei, tao)
    made = await mei.create_group("g", ["lei", "tao"])
    return [mei, lei, tao], yun, int(made["id"])


async def message_created(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    return Case(lambda: mei.send(chat, "again"), [mei, lei], [tao])


async def message_edited(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    return Case(lambda: mei.edit(chat, 1, "您好"), [mei, lei], [tao])


async def message_recalled(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    return Case(lambda: mei.recall(chat, 1), [mei, lei], [tao])


async def reaction_added(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    return Case(lambda: lei.react(chat, 1, "👍"), [mei, lei], [tao])


async def reaction_removed(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    await lei.react(chat, 1, "👍")
    return Case(lambda: lei.unreact(chat, 1, "👍"), [mei, lei], [tao])


async def conversation_read(people: People) -> Case:
    """In a group the reader's own devices and the senders of what was read hear of it (their
    read counts change); the rest of the group does not."""
    (mei, lei, tao), yun, chat = await group(people)
    sent = await mei.send(chat, "大家好")
    laptop = await people.device(lei)
    return Case(lambda: lei.mark_read(chat, sent["seq"]), [lei, laptop, mei], [tao, yun])


def own_switch(field: str, on: bool) -> Scenario:
    """A mute, pin or archive (`field`) set (`on`) or taken back: the member's own, so their
    devices hear of it and nobody else does."""

    async def scenario(people: People) -> Case:
        (mei, lei, tao), yun, chat = await group(people)
        if not on:
            await lei.update_conversation(chat, **{field: True})
        laptop = await people.device(lei)
        change = {field: on}
        return Case(lambda: lei.update_conversation(chat, **change), [lei, laptop], [mei, tao, yun])

    return scenario


async def conversation_cleared(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    laptop = await people.device(lei)
    return Case(lambda: lei.delete_for_me(chat), [lei, laptop], [mei, tao])


async def message_hidden(people: People) -> Case:
    mei, lei, tao, chat = await direct_chat(people)
    laptop = await people.device(lei)
    return Case(lambda: lei.hide(chat, [1]), [lei, laptop], [mei, tao])


async def conversation_created(people: People) -> Case:
    mei, lei, tao = await people("mei", "lei", "tao")
    await befriend(mei, lei)
    return Case(lambda: mei.create_group("g", ["lei"]), [mei, lei], [tao])


async def conversation_updated(people: People) -> Case:
    members, yun, chat = await group(people)
    return Case(lambda: members[0].update_conversation(chat, name="新名字"), members, [yun])


async def member_joined(people: People) -> Case:
    (mei, lei, tao), yun, chat = await group(people)
    await tao.leave(chat)  # tao was in the group: mei's adding him again is an invitation
    zhu = await people.make_user("zhu")
    await befriend(mei, zhu)
    return Case(lambda: mei.add_members(chat, ["zhu"]), [mei, lei, zhu], [tao, yun])


async def member_left(people: People) -> Case:
    members, yun, chat = await group(people)
    return Case(lambda: members[2].leave(chat), members, [yun])


async def invited(people: People) -> tuple[list[GuanxiClient], GuanxiClient, int]:
    """yun, a stranger to mei, is invited into mei's group (and has not answered)."""
    members, yun, chat = await group(people)
    await members[0].add_members(chat, ["yun"])
    [invitation] = (await yun.group_invitations())["invitations"]
    return members, yun, int(invitation["id"])


async def group_invitation_received(people: People) -> Case:
    members, yun, chat = await group(people)
    return Case(lambda: members[0].add_members(chat, ["yun"]), [yun], members)


async def group_invitation_accepted(people: People) -> Case:
    members, yun, invitation = await invited(people)
    laptop = await people.device(yun)
    return Case(lambda: yun.accept_group_invitation(invitation), [yun, laptop], members)


async def group_invitation_declined(people: People) -> Case:
    members, yun, invitation = await invited(people)
    laptop = await people.device(yun)
    return Case(lambda: yun.decline_group_invitation(invitation), [yun, laptop], members)


# -- moments --------------------------------------------------------------------------------


async def moment(people: People) -> tuple[GuanxiClient, GuanxiClient, GuanxiClient, int]:
    """mei's moment; lei and tao are mei's friends but strangers to each other."""
    mei, lei, tao = await people("mei", "lei", "tao")
    await befriend_all(mei, lei, tao)
    posted = await mei.post_moment("春天")
    return mei, lei, tao, int(posted["id"])


async def moment_posted(people: People) -> Case:
    """A new post reaches the friends who may see it: not a stranger (yun), not a friend who
    blocked the author (tao), not a friend the audience leaves out (lin)."""
    mei, lei, tao, yun, lin = await people("mei", "lei", "tao", "yun", "lin")
    await befriend_all(mei, lei, tao)
    request = await lin.request_friend("mei", "hi", "colleague")
    await mei.accept(request["id"], "colleague", tags=["work"])
    await tao.block("mei")
    return Case(
        lambda: mei.post_moment("春天", audience="except", tags=["work"]),
        [mei, lei],
        [tao, yun, lin],
    )


async def moment_liked(people: People) -> Case:
    """WeChat's rule: tao may see the moment, but is not told of a stranger's like."""
    mei, lei, tao, moment_id = await moment(people)
    return Case(lambda: lei.like(moment_id), [mei, lei], [tao])


async def moment_unliked(people: People) -> Case:
    mei, lei, tao, moment_id = await moment(people)
    await lei.like(moment_id)
    return Case(lambda: lei.unlike(moment_id), [mei, lei], [tao])


async def moment_commented(people: People) -> Case:
    mei, lei, tao, moment_id = await moment(people)
    return Case(lambda: lei.comment(moment_id, "好看"), [mei, lei], [tao])


async def moment_comment_deleted(people: People) -> Case:
    mei, lei, tao, moment_id = await moment(people)
    comment = await lei.comment(moment_id, "好看")
    return Case(lambda: lei.delete_comment(moment_id, comment["id"]), [mei, lei], [tao])


async def moment_deleted(people: People) -> Case:
    mei, lei, tao, moment_id = await moment(people)
    [yun] = await people("yun")
    return Case(lambda: mei.delete_moment(moment_id), [mei, lei, tao], [yun])


# -- assets ---------------------------------------------------------------------------------


async def export_started(people: People) -> Case:
    """An export's progress and its end go to every device of its user, and to nobody else."""
    mei, lei = await people("mei", "lei")
    await befriend(mei, lei)
    laptop = await people.device(mei)
    return Case(mei.start_export, [mei, laptop], [lei])


async def placeholder_linked(people: People) -> Case:
    """Only the owner's devices hear of a link, not the friend it names."""
    mei, lei = await people("mei", "lei")
    await befriend(mei, lei)
    grandma = await make_placeholder(people.server, mei, "Grandma", theirs=2)
    laptop = await people.device(mei)
    return Case(lambda: mei.link_placeholder(grandma, "lei"), [mei, laptop], [lei])


# -- imports --------------------------------------------------------------------------------


async def import_started(people: People) -> Case:
    """An import's progress and its end go to every device of its user, and to nobody else."""
    formats.FORMATS.setdefault("tests-bundle", bundle_format.ALONE)
    mei, lei = await people("mei", "lei")
    laptop = await people.device(mei)
    chat = {
        "key": "c",
        "kind": "group",
        "title": "Club",
        "people": [{"key": "ann"}],
        "entries": [{"sender": "ann", "at": 1_600_000_000_000, "text": "hi"}],
    }
    body = bundle_format.alone({"chats": [chat]})
    return Case(lambda: mei.start_import(body, "chat.json"), [mei, laptop], [lei])


SCENARIOS: dict[str, Scenario] = {
    "session.ended": session_ended,
    "user.updated": user_updated,
    "friend_request.received": friend_request_received,
    "friend_request.accepted": friend_request_accepted,
    "friend.removed": friend_removed,
    "message.created": message_created,
    "message.edited": message_edited,
    "message.recalled": message_recalled,
    "reaction.added": reaction_added,
    "reaction.removed": reaction_removed,
    "conversation.read": conversation_read,
    "typing.started": typing_started,
    "conversation.muted": own_switch("muted", True),
    "conversation.unmuted": own_switch("muted", False),
    "conversation.pinned": own_switch("pinned", True),
    "conversation.unpinned": own_switch("pinned", False),
    "conversation.archived": own_switch("archived", True),
    "conversation.unarchived": own_switch("archived", False),
    "conversation.cleared": conversation_cleared,
    "message.hidden": message_hidden,
    "conversation.created": conversation_created,
    "conversation.updated": conversation_updated,
    "member.joined": member_joined,
    "member.left": member_left,
    "group_invitation.received": group_invitation_received,
    "group_invitation.accepted": group_invitation_accepted,
    "group_invitation.declined": group_invitation_declined,
    "moment.liked": moment_liked,
    "moment.unliked": moment_unliked,
    "moment.commented": moment_commented,
    "moment.comment_deleted": moment_comment_deleted,
    "moment.deleted": moment_deleted,
    "moment.posted": moment_posted,
    "export.progress": export_started,
    "export.done": export_started,
    "placeholder.linked": placeholder_linked,
    "import.progress": import_started,
    "import.done": import_started,
}


def test_every_scenario_is_of_a_declared_event() -> None:
    assert set(SCENARIOS) <= {event.name for event in EVENT_TYPES}


@pytest.fixture
async def people(server: RunningServer, make_user: UserFactory) -> AsyncIterator[People]:
    made = People(server, make_user)
    yield made
    for device in made.devices:
        await device.close()


@pytest.mark.parametrize("event", EVENT_TYPES, ids=lambda event: event.name)
async def test_a_declared_event_reaches_the_right_devices(
    event: EventType[Any], people: People
) -> None:
    scenario = SCENARIOS.get(event.name)
    assert scenario is not None, f"{event.name} has no scenario in tests/test_event_registry.py"
    case = await scenario(people)
    async with AsyncExitStack() as stack:
        receivers = [await stack.enter_async_context(c.events()) for c in case.receivers]
        others = [await stack.enter_async_context(c.events()) for c in case.others]
        for stream in receivers + others:
            await ready(stream)
        await case.act()
        check = received if event.logged or event.framed else closed
        for stream in receivers:
            await check(stream, event)
        await asyncio.gather(*(not_received(stream, event) for stream in others))


async def received(stream: EventStream, event: EventType[Any]) -> None:
    frame = await stream.next_of(event.name)
    assert set(frame) - {"type", "cursor"} == event.payload.__required_keys__, frame


async def closed(stream: EventStream, event: EventType[Any]) -> None:
    """A control event is no frame: it closes the socket (session.ended: 4401)."""
    with pytest.raises(websockets.ConnectionClosed) as gone:
        await stream.next()
    assert gone.value.rcvd is not None and gone.value.rcvd.code == 4401, event.name


async def not_received(stream: EventStream, event: EventType[Any]) -> None:
    """Nothing of this type within a moment, and the socket still open (ping, pong)."""
    await stream.socket.send('{"type": "ping"}')
    while (frame := await stream.next())["type"] != "pong":
        assert frame["type"] != event.name, frame
    with pytest.raises(TimeoutError):
        while True:
            frame = await stream.next(timeout=0.3)
            assert frame["type"] != event.name, frame
