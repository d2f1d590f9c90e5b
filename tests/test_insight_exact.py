"""Insight stays exact without rebuilding: a take-back (an unreaction, a recall wiping
reactions, an unlike, a deleted comment or moment) and an import recount only the pairs they
concern, from those pairs' history, and the live state then equals a rebuild, table by table."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from guanxi.assets import formats
from guanxi.client import GuanxiClient
from guanxi.clock import FixedClock
from guanxi.insight import store, store_sources
from guanxi.insight.tables import insight_pairs
from guanxi.services import Services
from tests import bundle_format, configured
from tests.conftest import RunningServer, UserFactory, befriend
from tests.insight_state import DAY, HOUR, caught_up, import_chat_with_mei, same, snapshot

clock = configured.clock


async def user_id(services: Services, client: GuanxiClient) -> int:
    assert client.user is not None
    handle = str(client.user["handle"])
    async with services.db.read() as conn:
        return (await store_sources.user_ids(conn, [handle]))[handle]


async def tamper(services: Services, owner: int, alter: int) -> None:
    """Write a wrong count into one side of a pair: only a recount of that pair (or a rebuild)
    puts it right, so a row still wrong proves nobody recounted it."""

    async def unit(tx: Any) -> None:
        p = insight_pairs.c
        await tx.conn.execute(
            sa.update(insight_pairs)
            .where(p.user_id == owner, p.alter_id == alter)
            .values(sent=p.sent + 1000)
        )

    await services.db.write(unit)


async def sent_of(services: Services, owner: int, alter: int) -> int:
    async with services.db.read() as conn:
        state = await store.get_pair(conn, owner, alter)
    assert state is not None
    return state.sent


async def handle(client: GuanxiClient) -> str:
    assert client.user is not None
    return str(client.user["handle"])


async def generation(services: Services) -> int:
    async with services.db.read() as conn:
        return (await store.get_checkpoint(conn)).generation


async def kinds(client: GuanxiClient, handle: str) -> dict[str, int]:
    found: dict[str, int] = (await client.insight_contact(handle))["kinds"]
    return found


async def take_backs(server: RunningServer, make_user: UserFactory, clock: FixedClock) -> None:
    """A live run where every kind of take-back happens, some in the batch that counted what
    they take back, some after it; each checked live against what it took back."""
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    dan = await make_user("dan")
    await befriend(ann, bob)
    await befriend(ann, cyd)
    await befriend(bob, cyd)
    await befriend(cyd, dan)
    ab = (await ann.open_direct("bob"))["id"]
    cd = (await cyd.open_direct("dan"))["id"]
    group = (await ann.create_group("all", ["bob", "cyd"]))["id"]
    await cyd.send(cd, "dan?")
    clock.advance(HOUR)
    await dan.send(cd, "here")
    said = await ann.send(ab, "look")
    clock.advance(HOUR)
    await bob.react(ab, said["seq"], "👍")
    await bob.react(ab, said["seq"], "😀")
    await caught_up(server)
    assert (await kinds(ann, "bob")).get("reaction") == 2
    services = server.services
    cyd_id, dan_id = await user_id(services, cyd), await user_id(services, dan)
    await tamper(services, cyd_id, dan_id)  # a pair no take-back below concerns

    await bob.unreact(ab, said["seq"], "👍")  # one of two taken back
    await caught_up(server)
    assert (await kinds(ann, "bob")).get("reaction") == 1

    moment = await bob.post_moment("sunset")
    clock.advance(HOUR)
    await ann.like(moment["id"])
    await cyd.like(moment["id"])
    mine = await ann.comment(moment["id"], "lovely")
    theirs = await cyd.comment(moment["id"], "nice")
    await caught_up(server)
    assert (await kinds(bob, "ann")) == {"text": 1, "reaction": 1, "like": 1, "comment": 1}
    await ann.unlike(moment["id"])
    await cyd.delete_comment(moment["id"], theirs["id"])
    await caught_up(server)
    assert (await kinds(bob, "ann")) == {"text": 1, "reaction": 1, "comment": 1}
    assert (await kinds(bob, "cyd")) == {"like": 1}

    gone = await bob.post_moment("gone soon")
    clock.advance(HOUR)
    await ann.like(gone["id"])
    await cyd.comment(gone["id"], "wow")
    await caught_up(server)
    await bob.delete_moment(gone["id"])
    quick = await bob.post_moment("gone at once")  # liked and deleted within one batch
    await cyd.like(quick["id"])
    await bob.delete_moment(quick["id"])
    await ann.delete_comment(moment["id"], mine["id"])
    await caught_up(server)
    assert (await kinds(bob, "ann")) == {"text": 1, "reaction": 1}
    assert (await kinds(bob, "cyd")) == {"like": 1}

    question = await ann.send(group, "who drives?")
    clock.advance(60)
    await bob.react(group, question["seq"], "🙋")
    await cyd.react(group, question["seq"], "🙅")
    await caught_up(server)
    assert (await kinds(cyd, "ann")).get("reaction") == 1
    await ann.recall(group, question["seq"])  # wipes both reactions
    await caught_up(server)
    assert "reaction" not in await kinds(cyd, "ann")
    assert (await kinds(bob, "ann")).get("reaction") == 1  # the direct chat's 😀 stays
    assert await sent_of(services, cyd_id, dan_id) == 1001  # never recounted


async def equals_a_rebuild(server: RunningServer) -> None:
    services = await caught_up(server)
    live = await snapshot(services)
    assert live["insight_marks"] and not live["insight_recounts"]
    await services.insight_follower.rebuild()
    rebuilt = await snapshot(services)
    pairs = insight_pairs.name
    tampered = [row for row in live[pairs] if row[2] > 1000]
    assert len(tampered) == 1  # the one row nobody recounted; the rebuild puts it right
    fixed = [row for row in rebuilt[pairs] if row[:2] == tampered[0][:2]]
    assert fixed[0][2] == tampered[0][2] - 1000
    live[pairs] = [fixed[0] if row[:2] == fixed[0][:2] else row for row in live[pairs]]
    assert same(live, rebuilt)


async def test_take_backs_leave_the_live_state_equal_to_a_rebuild(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    await take_backs(server, make_user, clock)
    await equals_a_rebuild(server)


@configured.configured(insight_follow_batch=2)
async def test_a_recount_ahead_of_the_checkpoint_counts_nothing_twice(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    # Two events a batch: a recount reads the pair's history through the newest event while
    # the checkpoint is still behind it; the events between are then skipped for that pair.
    await take_backs(server, make_user, clock)
    await equals_a_rebuild(server)


async def test_an_answer_after_the_feedback_horizon_is_no_response_time(
    server: RunningServer, make_user: UserFactory, clock: FixedClock
) -> None:
    ann, bob = await make_user("ann"), await make_user("bob")
    await befriend(ann, bob)
    chat = (await ann.open_direct("bob"))["id"]
    for delay in (0.5 * HOUR, 9 * DAY, 20 * DAY):
        await ann.send(chat, "ping")
        clock.advance(delay)
        await bob.send(chat, "pong")
        clock.advance(HOUR)
    await caught_up(server)
    detail = await ann.insight_contact("bob")
    assert detail["response_ms"]["them"] == 3_600_000  # the one answer within 7 d
    assert (await ann.insight())["feedback_share"]["ever"] == 1.0  # still feedback
    live = await snapshot(server.services)
    await server.services.insight_follower.rebuild()
    assert same(live, await snapshot(server.services))


async def test_an_import_recounts_the_importers_pairs_only(
    server: RunningServer,
    make_user: UserFactory,
    clock: FixedClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(formats.FORMATS, "tests", bundle_format.FORMAT)
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    await befriend(ann, bob)
    await befriend(ann, cyd)
    ab = (await ann.open_direct("bob"))["id"]
    ac = (await ann.open_direct("cyd"))["id"]
    for chat, other in ((ab, bob), (ac, cyd)):
        await ann.send(chat, "hi")
        clock.advance(HOUR)
        await other.send(chat, "hello")
    services = await caught_up(server)
    before = await generation(services)
    ann_id, bob_id = await user_id(services, ann), await user_id(services, bob)
    cyd_id = await user_id(services, cyd)
    await tamper(services, ann_id, bob_id)  # not cyd's: the import must leave it
    await tamper(services, cyd_id, ann_id)  # cyd's: the import's recount puts it right
    await import_chat_with_mei(cyd, 4)
    await caught_up(server)
    assert await generation(services) == before  # no rebuild ran
    assert await sent_of(services, ann_id, bob_id) == 1001  # ann and bob's pair untouched
    assert await sent_of(services, cyd_id, ann_id) == 1  # recounted: her "hello"
    handles = {c["handle"] for c in (await cyd.insight_contacts())["contacts"]}
    assert len(handles) == 2 and "ann" in handles  # and the imported contact counts
    live = await snapshot(services)
    await services.insight_follower.rebuild()
    rebuilt = await snapshot(services)
    assert live != rebuilt  # only ann's tampered side differs
    pairs = insight_pairs.name
    live[pairs] = [r for r in live[pairs] if r[:2] != (ann_id, bob_id)]
    rebuilt[pairs] = [r for r in rebuilt[pairs] if r[:2] != (ann_id, bob_id)]
    assert same(live, rebuilt)


async def test_linking_a_placeholder_recounts_its_people_only(
    server: RunningServer, make_user: UserFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(formats.FORMATS, "tests", bundle_format.FORMAT)
    ann, bob, cyd = await make_user("ann"), await make_user("bob"), await make_user("cyd")
    dan = await make_user("dan")
    for one, other in ((ann, bob), (bob, cyd), (cyd, dan)):
        await befriend(one, other)
        chat = (await one.open_direct(await handle(other)))["id"]
        await one.send(chat, "hi")
        await other.send(chat, "hello")
    await import_chat_with_mei(ann, 4)
    services = await caught_up(server)
    before = await generation(services)
    bob_id, cyd_id = await user_id(services, bob), await user_id(services, cyd)
    dan_id = await user_id(services, dan)
    await tamper(services, cyd_id, bob_id)  # the linked account's pair: recounted
    await tamper(services, dan_id, cyd_id)  # nobody's concerned: left as it is
    (mei,) = await ann.placeholders()
    await ann.link_placeholder(mei["id"], "bob")
    await caught_up(server)
    assert await generation(services) == before  # no rebuild ran
    assert await sent_of(services, cyd_id, bob_id) == 1
    assert await sent_of(services, dan_id, cyd_id) == 1001
    live = await snapshot(services)
    await services.insight_follower.rebuild()
    rebuilt = await snapshot(services)
    pairs = insight_pairs.name
    live[pairs] = [r for r in live[pairs] if r[:2] != (dan_id, cyd_id)]
    rebuilt[pairs] = [r for r in rebuilt[pairs] if r[:2] != (dan_id, cyd_id)]
    assert same(live, rebuilt)
