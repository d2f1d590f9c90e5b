"""Limits counted over the last 24 hours — friend requests, group invitations, imports — answer
429 with `Retry-After` the seconds until a slot frees (the day's oldest counted one leaves the
window), not a second: the web client tells the person when to try again."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.client import ApiError
from guanxi.clock import FixedClock
from tests import configured
from tests.bundle_format import pack
from tests.conftest import UserFactory
from tests.test_import import group_chat

clock = configured.clock  # time stands still unless a test moves it
HOUR = 3600


async def refusal(call: Any) -> tuple[int, str, int | None, str]:
    with pytest.raises(ApiError) as caught:
        await call
    error = caught.value
    return error.status, error.code, error.retry_after, error.message


@configured.configured(friend_requests_per_day=2)
async def test_friend_requests_wait_until_the_days_oldest_leaves(
    make_user: UserFactory, clock: FixedClock
) -> None:
    mei = await make_user("mei")
    for handle in ("lei", "tao", "yun"):
        await make_user(handle)
    await mei.request_friend("lei", "hi", "classmate")
    clock.advance(3 * HOUR)
    await mei.request_friend("tao", "hi", "classmate")
    clock.advance(2 * HOUR)
    status, code, wait, message = await refusal(mei.request_friend("yun", "hi", "classmate"))
    assert (status, code, wait) == (429, "too_many_requests", 19 * HOUR + 1)
    assert message.endswith("try again in 19 h.")
    clock.advance(19 * HOUR)  # the first request is still in the day, to the millisecond
    assert (await refusal(mei.request_friend("yun", "hi", "classmate")))[2] == 1
    clock.advance(1)
    assert await mei.request_friend("yun", "hi", "classmate")
    # the next slot frees when the second request (sent 3 h after the first) leaves the day
    await make_user("hua")
    assert (await refusal(mei.request_friend("hua", "hi", "classmate")))[2] == 3 * HOUR


@configured.configured(group_invitations_per_day=3)
async def test_group_invitations_wait_until_enough_of_the_days_have_left(
    make_user: UserFactory, clock: FixedClock
) -> None:
    mei = await make_user("mei")
    for handle in ("tao", "yun", "hua", "lan", "wei"):
        await make_user(handle)
    group = await mei.create_group("g", ["tao"])
    clock.advance(HOUR)
    await mei.add_members(group["id"], ["yun", "hua"])
    clock.advance(HOUR)
    # one more needs the first invitation (sent 2 h ago) gone: in 22 h
    assert (await refusal(mei.add_members(group["id"], ["lan"])))[:3] == (
        429,
        "too_many_invitations",
        22 * HOUR + 1,
    )
    # two more need the first two gone: the second was sent 1 h ago
    assert (await refusal(mei.add_members(group["id"], ["lan", "wei"])))[2] == 23 * HOUR + 1
    # more than a day allows at all: a whole day
    others = ["tao", "yun", "hua", "lan"]
    assert (await refusal(mei.create_group("h", others)))[2] == 24 * HOUR


@configured.configured(imports_per_day=1)
async def test_imports_wait_until_the_days_import_leaves(
    make_user: UserFactory, clock: FixedClock
) -> None:
    me = await make_user("importer")
    body = pack({"chats": [group_chat()]})
    await me.wait_import((await me.start_import(body, "x.zip"))["id"])
    clock.advance(10 * HOUR)
    status, code, wait, _ = await refusal(me.start_import(body, "x.zip"))
    assert (status, code, wait) == (429, "imports_per_day", 14 * HOUR + 1)
