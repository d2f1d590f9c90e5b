"""The insight follower: what each message, reply, reaction, like and comment does to the
pair statistics, and that a live run ends where a rebuild from history ends."""

from __future__ import annotations

import asyncio

import pytest

from guanxi.assets import events as asset_events
from guanxi.assets import formats
from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from guanxi.insight import store_sources
from guanxi.insight.follower import InsightFollower
from guanxi.settings import Settings
from tests import bundle_format, configured
from tests.conftest import RunningServer, UserFactory, befriend, run_guanxi
from tests.insight_state import DAY, HOUR, caught_up, import_chat_with_mei, same, snapshot

clock = configured.clock


async def handle_of(client: GuanxiClient) -> str:
    assert client.user is not None
    return str(client.user["handle"])


async def test_the_rebuild_names_the_assets_events_it_follows() -> None:
    assert set(store_sources.REBUILDS) == {
        asset_events.IMPORT_DONE.name,
        asset_events.PLACEHOLDER_LINKED.name,
    }


async def test_an_answered_message_is_an_interaction_an_unanswered_one_is_not(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob, "family", "family")
    chat = (await ann.open_direct("bob"))["id"]
    await ann.send(chat, "are you home?")
    clock.advance(0.5 * HOUR)
    await bob.send(chat, "yes")  # answers ann's message within 1 h
    clock.advance(2 * DAY)
    await ann.send(chat, "hello?")  # never answered
    await caught_up(server)
    mine = await ann.insight()
    assert mine["feedback_share"] == {"1h": 0.5, "24h": 0.5, "7d": 0.5, "ever": 0.5}
    theirs = await bob.insight()
    # bob's "yes" got ann's "hello?" two days later: feedback within 7 d, not within 24 h
    assert theirs["feedback_share"] == {"1h": 0.0, "24h": 0.0, "7d": 1.0, "ever": 1.0}
    detail = await ann.insight_contact("bob")
    assert detail["kinds"] == {"text": 3}
    assert detail["starts"] == {"me": 2, "them": 0}
    assert [(m["sent"], m["received"]) for m in detail["months"]] in ([(2, 1)], [(1, 1), (1, 0)])


async def test_feedback_counts_by_its_delay(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    for delay in (0.5 * HOUR, 5 * HOUR, 3 * DAY, 20 * DAY):
        await ann.send(chat, "ping")
        clock.advance(delay)
        await bob.send(chat, "pong")
        clock.advance(HOUR)
    await caught_up(server)
    share = (await ann.insight())["feedback_share"]
    assert share == {"1h": 0.25, "24h": 0.5, "7d": 0.75, "ever": 1.0}


async def test_a_reaction_a_like_and_a_comment_are_feedback(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    first = await ann.send(chat, "look")
    clock.advance(HOUR)
    await bob.react(chat, first["seq"], "👍")
    moment = await ann.post_moment("sunset")
    clock.advance(HOUR)
    await bob.like(moment["id"])
    await bob.comment(moment["id"], "lovely")
    await caught_up(server)
    assert (await ann.insight())["feedback_share"]["1h"] == 1.0
    detail = await ann.insight_contact("bob")
    assert detail["kinds"] == {"comment": 1, "like": 1, "reaction": 1, "text": 1}
    assert detail["response_ms"]["them"] == 3_600_000  # the bucket up to one hour
    assert detail["response_ms"]["me"] is None


async def test_in_a_group_a_reply_addresses_its_author_and_plain_talk_nobody(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await befriend(ann, bob)
    await befriend(ann, cyd)
    group = (await ann.create_group("trip", ["bob", "cyd"]))["id"]
    question = await ann.send(group, "who drives?")
    clock.advance(HOUR)
    await bob.send(group, "me", reply_to=question["seq"])
    await cyd.send(group, "not me")  # to the group, nobody in particular
    await caught_up(server)
    handles = [c["handle"] for c in (await ann.insight_contacts())["contacts"]]
    assert handles[0] == "bob"
    assert (await ann.insight_contact("bob"))["kinds"] == {"text": 1}
    assert (await ann.insight_contact("cyd"))["kinds"] == {}


async def test_a_live_run_ends_where_a_rebuild_ends(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await befriend(ann, bob, "family", "family")
    await befriend(ann, cyd, "colleague", "colleague")
    await befriend(bob, cyd)
    ab = (await ann.open_direct("bob"))["id"]
    ac = (await ann.open_direct("cyd"))["id"]
    group = (await ann.create_group("all", ["bob", "cyd"]))["id"]
    for week in range(6):
        sent = await ann.send(ab, f"week {week}")
        clock.advance(3 * HOUR)
        await bob.send(ab, "fine", reply_to=sent["seq"])
        note = await cyd.send(ac, "report")
        await ann.react(ac, note["seq"], "✅")
        said = await bob.send(group, "anyone?")
        await cyd.send(group, "me", reply_to=said["seq"])
        await server.services.insight_follower.catch_up()  # some live, some in one batch
        moment = await bob.post_moment(f"moment {week}")
        await ann.like(moment["id"])
        await cyd.comment(moment["id"], "nice")
        clock.advance(6 * DAY)
    await caught_up(server)
    live = await snapshot(server.services)
    assert live["insight_pairs"] and live["insight_weeks"] and live["insight_months"]
    await server.services.insight_follower.rebuild()
    assert same(live, await snapshot(server.services))
    assert (await ann.insight_contact("bob"))["stage"] in ("relationship", "close")


async def test_a_rebuild_while_following_does_not_count_twice(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    await ann.send(chat, "one")
    await caught_up(server)
    await server.services.insight_follower.rebuild()
    clock.advance(HOUR)
    await bob.send(chat, "two")
    await caught_up(server)
    detail = await ann.insight_contact("bob")
    assert [(m["sent"], m["received"]) for m in detail["months"]] == [(1, 1)]


async def test_two_followers_at_once_count_each_fact_once(
    server: RunningServer, make_user: UserFactory, clock: FixedClock, settings: Settings
) -> None:
    """A follower computes a batch in its read snapshot and stores it only if the checkpoint
    is still the one it read: two followers on one database (two workers, for a moment) that
    read the same batch store it once, and the state ends where a rebuild ends."""
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await befriend(ann, bob)
    await befriend(ann, cyd)
    ab = (await ann.open_direct("bob"))["id"]
    ac = (await ann.open_direct("cyd"))["id"]
    first = server.services.insight_follower
    second = InsightFollower(server.services.db, settings)
    for round_ in range(4):
        sent = await ann.send(ab, f"round {round_}")
        clock.advance(HOUR)
        await bob.send(ab, "yes", reply_to=sent["seq"])
        note = await cyd.send(ac, "note")
        await ann.react(ac, note["seq"], "👍")
        clock.advance(DAY)
        applied = await asyncio.gather(first.catch_up(), second.catch_up())
        assert sorted(applied)[0] == 0  # the same batch, stored by one of them
    live = await snapshot(server.services)
    assert [(m["sent"], m["received"]) for m in (await ann.insight_contact("bob"))["months"]] == [
        (4, 4)
    ]
    await first.rebuild()
    assert same(live, await snapshot(server.services))


async def test_followers_taking_turns_never_apply_on_states_another_replaced(
    server: RunningServer, make_user: UserFactory, clock: FixedClock, settings: Settings
) -> None:
    """A follower keeps the states it stored in memory while the checkpoint is where it left
    it (insight/follower_cache.py). Two followers taking turns each find the checkpoint moved
    by the other: each must read the states again, or it would store its batch over states
    that miss the other's batch."""
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    followers = [server.services.insight_follower, InsightFollower(server.services.db, settings)]
    await server.services.insight_follower.stop()  # only the two below move it
    for round_ in range(6):
        sent = await ann.send(chat, f"round {round_}")
        clock.advance(HOUR)
        await bob.send(chat, "yes", reply_to=sent["seq"])
        clock.advance(DAY)
        assert await followers[round_ % 2].catch_up() == 2
    months = (await ann.insight_contact("bob"))["months"]
    assert [(m["sent"], m["received"]) for m in months] == [(6, 6)]
    live = await snapshot(server.services)
    await followers[0].rebuild()
    assert same(live, await snapshot(server.services))
    for round_ in range(2):  # and after a rebuild (a new generation) both follow on from it
        await ann.send(chat, f"after {round_}")
        assert await followers[round_].catch_up() == 1
    months = (await ann.insight_contact("bob"))["months"]
    assert sum(m["sent"] for m in months) == 8


async def test_the_rebuild_command_runs_next_to_the_server(
    server: RunningServer, make_user: UserFactory, clock: FixedClock, settings: Settings
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    await talk_a_while(clock, ann, bob, chat)
    live = await snapshot(await caught_up(server))
    status, out, err = await run_guanxi(settings, "insight", "rebuild")
    assert (status, err) == (0, "")
    assert "rebuilt from 6 messages" in out
    assert same(live, await snapshot(server.services))
    clock.advance(HOUR)
    await bob.send(chat, "and one more")
    await caught_up(server)
    detail = await ann.insight_contact("bob")
    assert sum(m["received"] for m in detail["months"]) == 4


async def talk_a_while(clock: FixedClock, a: GuanxiClient, b: GuanxiClient, chat: int) -> None:
    for _ in range(3):
        await a.send(chat, "hi")
        clock.advance(HOUR)
        await b.send(chat, "hello")
        clock.advance(DAY)


@configured.configured(insight_follow_interval_seconds=0, event_retention_days=1)
async def test_a_log_pruned_past_the_checkpoint_is_rebuilt_from_history(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    await caught_up(server)  # the follower is off: only this moves it
    await talk_a_while(clock, ann, bob, chat)
    clock.advance(2 * DAY)
    await ann.send(chat, "still there?")
    assert await server.services.pruner.prune_once() > 0  # the talk's events are gone
    await caught_up(server)
    detail = await ann.insight_contact("bob")
    assert [sum(m[k] for m in detail["months"]) for k in ("sent", "received")] == [4, 3]
    live = await snapshot(server.services)
    await server.services.insight_follower.rebuild()
    assert same(live, await snapshot(server.services))


async def test_imported_history_counts_once_the_import_is_done(
    server: RunningServer, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(formats.FORMATS, "tests", bundle_format.FORMAT)
    ann = await make_user("ann")
    await import_chat_with_mei(ann, 6)
    await caught_up(server)
    (contact,) = (await ann.insight_contacts())["contacts"]
    detail = await ann.insight_contact(contact["handle"])
    assert detail["months"] == [{"month": "2020-09", "sent": 3, "received": 3}]
    assert (await ann.insight())["feedback_share"]["1h"] == 2 / 3  # her last is unanswered
    live = await snapshot(server.services)
    await server.services.insight_follower.rebuild()
    assert same(live, await snapshot(server.services))


async def test_a_recalled_message_still_counts_as_talk(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    said = await ann.send(chat, "something I regret")
    await caught_up(server)  # counted before the recall
    clock.advance(30)
    await ann.recall(chat, said["seq"])
    clock.advance(HOUR)
    await bob.send(chat, "oh?")
    await caught_up(server)
    detail = await ann.insight_contact("bob")
    assert detail["months"][0]["sent"] == 1 and detail["kinds"] == {"text": 2}
    live = await snapshot(server.services)
    await server.services.insight_follower.rebuild()
    assert same(live, await snapshot(server.services))  # the rebuild counts it too
