"""Moments through the API: audiences, the profile window, hide switches, WeChat's rule for
likes and comments, deleting, events, paging, search."""

from __future__ import annotations

from typing import Any

import pytest

from guanxi.client import ApiError, GuanxiClient
from guanxi.clock import FixedClock
from tests import configured
from tests.conftest import UserFactory, befriend, nothing_more, ready, status_of
from tests.media_files import image, mp4

DAY = 86_400


clock = configured.clock  # time stands still unless a test moves it


# tests here move the clock by months: sessions must not expire meanwhile
settings = configured.settings(session_idle_days=3650)


async def feed_texts(client: GuanxiClient) -> list[str]:
    return [m["text"] for m in (await client.feed())["moments"]]


async def page_texts(client: GuanxiClient, handle: str) -> list[str]:
    return [m["text"] for m in (await client.user_moments(handle))["moments"]]


@pytest.fixture
async def circle(make_user: UserFactory) -> dict[str, GuanxiClient]:
    """a has friends fam (tagged family), work (tagged work, colleague) and plain (no tag);
    out is nobody's friend."""
    people = {h: await make_user(h) for h in ("aaa", "fam", "work", "plain", "out")}
    for handle in ("fam", "work", "plain"):
        await befriend(people[handle], people["aaa"])
    await people["aaa"].update_friend("fam", tags=["family"])
    await people["aaa"].update_friend("work", tags=["work", "colleague"])
    return people


# -- posting ------------------------------------------------------------------------------


async def test_post_returns_the_moment(circle: dict[str, GuanxiClient]) -> None:
    a = circle["aaa"]
    moment = await a.post_moment("春天来了 🌸", place=" 西湖 ")
    assert moment["text"] == "春天来了 🌸"
    assert moment["place"] == "西湖"
    assert moment["author"]["handle"] == "aaa"
    assert moment["media_ids"] == []
    assert moment["audience"] == {"kind": "all", "tags": []}
    assert moment["likes"] == [] and moment["comments"] == []
    assert moment["liked_by_me"] is False
    assert moment["created_at"].endswith("+00:00")
    assert await a.moment(moment["id"]) == moment
    seen = await circle["fam"].moment(moment["id"])
    assert seen["audience"] is None  # the audience is the author's business


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"text": "  "}, "empty"),
        ({"text": "x" * 2001}, "too_long"),
        ({"text": "x", "place": "p" * 101}, "too_long"),
        ({"text": "x", "audience": {"kind": "only", "tags": []}}, "bad_audience"),
        ({"text": "x", "audience": {"kind": "except", "tags": []}}, "bad_audience"),
        ({"text": "x", "audience": {"kind": "all", "tags": ["family"]}}, "bad_audience"),
        ({"text": "x", "audience": {"kind": "friends"}}, "invalid_input"),
        ({"text": "x", "media_ids": ["nope"]}, "bad_media"),
        ({"text": "x", "media_ids": [str(n) for n in range(10)]}, "too_many_media"),
        ({"text": "\x07"}, "invalid_text"),
    ],
)
async def test_bad_moments_are_refused(
    make_user: UserFactory, body: dict[str, Any], code: str
) -> None:
    a = await make_user("aaa")
    with pytest.raises(ApiError) as caught:
        await a.call("POST", "/moments", body)
    assert (caught.value.status, caught.value.code) == (422, code)
    assert (await a.feed())["moments"] == []


# -- media --------------------------------------------------------------------------------


async def test_photos_and_a_video(circle: dict[str, GuanxiClient]) -> None:
    a, fam = circle["aaa"], circle["fam"]
    photos = [(await a.upload_media(image("PNG"), "p.png"))["id"] for _ in range(9)]
    video = (await a.upload_media(mp4(), "v.mp4"))["id"]
    posted = await a.post_moment("九张", media_ids=photos)
    assert posted["media_ids"] == photos
    assert (await a.post_moment(media_ids=[video]))["media_ids"] == [video]
    feed = (await fam.feed())["moments"]
    assert [m["media_ids"] for m in feed] == [[video], photos]
    assert [[(r["id"], r["kind"]) for r in m["media"]] for m in feed] == [
        [(video, "video")],
        [(p, "image") for p in photos],
    ]
    assert (feed[0]["media"][0]["duration"], feed[1]["media"][0]["width"]) == (2.5, 64)
    for bad in ([*photos[:2], video], [video, video], [photos[0], "nope"]):
        with pytest.raises(ApiError) as caught:
            await a.post_moment("x", media_ids=bad)
        assert caught.value.status == 422
    theirs = (await fam.upload_media(image("PNG"), "f.png"))["id"]
    with pytest.raises(ApiError) as caught:
        await a.post_moment("not mine", media_ids=[theirs])
    assert (caught.value.status, caught.value.code) == (422, "bad_media")


async def test_who_sees_a_moment_may_download_its_media(circle: dict[str, GuanxiClient]) -> None:
    a, fam, work, out = circle["aaa"], circle["fam"], circle["work"], circle["out"]
    photo = (await a.upload_media(image("PNG"), "p.png"))["id"]
    assert await status_of(fam.download_bytes(photo)) == 404  # not shown anywhere yet
    moment = await a.post_moment(
        "family photo", media_ids=[photo], audience="only", tags=["family"]
    )
    assert await fam.download_bytes(photo, "thumbnail")
    assert await status_of(work.download_bytes(photo)) == 404  # outside the audience
    assert await status_of(out.download_bytes(photo)) == 404  # a stranger
    await a.delete_moment(moment["id"])
    assert await status_of(fam.download_bytes(photo)) == 404
    assert await a.download_bytes(photo)  # the uploader always


# -- audiences ----------------------------------------------------------------------------


async def test_every_audience(circle: dict[str, GuanxiClient]) -> None:
    a = circle["aaa"]
    ids = {
        "all": (await a.post_moment("to all"))["id"],
        "only": (await a.post_moment("to family", audience="only", tags=["family"]))["id"],
        "only2": (
            await a.post_moment("to family or work", audience="only", tags=["family", "work"])
        )["id"],
        "except": (await a.post_moment("not to work", audience="except", tags=["work"]))["id"],
        "private": (await a.post_moment("to me", audience="private"))["id"],
    }
    expected = {
        "aaa": ["to me", "not to work", "to family or work", "to family", "to all"],
        "fam": ["not to work", "to family or work", "to family", "to all"],
        "work": ["to family or work", "to all"],
        "plain": ["not to work", "to all"],
        "out": [],
    }
    for handle, texts in expected.items():
        assert await feed_texts(circle[handle]) == texts, handle
        assert await page_texts(circle[handle], "aaa") == texts, handle
    assert await status_of(circle["work"].moment(ids["except"])) == 404
    assert await status_of(circle["plain"].moment(ids["only"])) == 404
    assert await status_of(circle["fam"].moment(ids["private"])) == 404
    assert await status_of(circle["out"].moment(ids["all"])) == 404
    assert (await circle["fam"].moment(ids["only"]))["text"] == "to family"


async def test_audience_follows_the_authors_tags_now(circle: dict[str, GuanxiClient]) -> None:
    """Tags are read when the moment is read: retagging a friend changes what they see."""
    a, plain = circle["aaa"], circle["plain"]
    await a.post_moment("family only", audience="only", tags=["family"])
    assert await feed_texts(plain) == []
    await a.update_friend("plain", tags=["family"])
    assert await feed_texts(plain) == ["family only"]


async def test_friends_tags_on_the_author_do_not_matter(circle: dict[str, GuanxiClient]) -> None:
    a, plain = circle["aaa"], circle["plain"]
    await plain.update_friend("aaa", tags=["family"])  # plain's own tag on aaa
    await a.post_moment("family only", audience="only", tags=["family"])
    assert await feed_texts(plain) == []


async def test_feed_mixes_friends_newest_first(
    circle: dict[str, GuanxiClient], clock: FixedClock
) -> None:
    fam, plain = circle["fam"], circle["plain"]
    await fam.post_moment("fam 1")
    clock.advance(1)
    await circle["aaa"].post_moment("aaa 1")
    clock.advance(1)
    await plain.post_moment("plain 1")  # not fam's friend
    clock.advance(1)
    await fam.post_moment("fam 2")
    assert await feed_texts(circle["aaa"]) == ["fam 2", "plain 1", "aaa 1", "fam 1"]
    assert await feed_texts(fam) == ["fam 2", "aaa 1", "fam 1"]
    assert await page_texts(fam, "plain") == []  # not friends
    assert await feed_texts(circle["out"]) == []


async def test_unfriending_and_blocking_end_visibility(circle: dict[str, GuanxiClient]) -> None:
    a, fam, plain = circle["aaa"], circle["fam"], circle["plain"]
    moment = await a.post_moment("hello")
    await fam.remove_friend("aaa")
    assert await feed_texts(fam) == []
    assert await status_of(fam.moment(moment["id"])) == 404
    assert await feed_texts(a) == ["hello"]
    await a.block("plain")
    assert await feed_texts(plain) == []
    assert await status_of(plain.user_moments("aaa")) == 404  # aaa does not exist for plain
    assert await page_texts(a, "plain") == []  # the other way, plain's page shows nothing
    await plain.post_moment("from plain")
    assert await feed_texts(a) == ["hello"]


# -- the profile window -------------------------------------------------------------------


async def test_moments_visible_setting(circle: dict[str, GuanxiClient], clock: FixedClock) -> None:
    a, fam = circle["aaa"], circle["fam"]
    assert (await a.me())["moments_visible"] == "all"
    assert "moments_visible" not in (await fam.profile("aaa"))["user"]
    await a.post_moment("old")
    clock.advance(10 * DAY)
    await a.post_moment("last week")
    clock.advance(5 * DAY)
    await a.post_moment("yesterday")
    clock.advance(1 * DAY)
    assert await feed_texts(fam) == ["yesterday", "last week", "old"]

    assert (await a.update_me(moments_visible="3d"))["moments_visible"] == "3d"
    assert (await a.me())["moments_visible"] == "3d"
    assert await feed_texts(fam) == ["yesterday"]
    assert await page_texts(fam, "aaa") == ["yesterday"]
    assert await feed_texts(a) == ["yesterday", "last week", "old"]  # never hidden from me
    clock.advance(3 * DAY)
    assert await feed_texts(fam) == []

    await a.update_me(moments_visible="6m")
    assert await feed_texts(fam) == ["yesterday", "last week", "old"]
    clock.advance(170 * DAY)  # "old" is now 189 days old, "last week" 179
    assert await page_texts(fam, "aaa") == ["yesterday", "last week"]
    await a.update_me(moments_visible="all")
    assert await page_texts(fam, "aaa") == ["yesterday", "last week", "old"]


async def test_old_moments_outside_the_window_cannot_be_liked(
    circle: dict[str, GuanxiClient], clock: FixedClock
) -> None:
    a, fam = circle["aaa"], circle["fam"]
    moment = await a.post_moment("old")
    clock.advance(4 * DAY)
    await a.update_me(moments_visible="3d")
    assert await status_of(fam.moment(moment["id"])) == 404
    assert await status_of(fam.like(moment["id"])) == 404
    assert await status_of(fam.comment(moment["id"], "hi")) == 404


async def test_bad_moments_visible_is_refused(make_user: UserFactory) -> None:
    a = await make_user("aaa")
    assert await status_of(a.update_me(moments_visible="1y")) == 422
    assert (await a.me())["moments_visible"] == "all"


# -- hide switches ------------------------------------------------------------------------


async def test_hide_my_moments_from_someone(circle: dict[str, GuanxiClient]) -> None:
    a, fam = circle["aaa"], circle["fam"]
    moment = await a.post_moment("hello")
    await a.update_friend("fam", hide_my_moments=True)
    assert await feed_texts(fam) == []
    assert await page_texts(fam, "aaa") == []
    assert await status_of(fam.moment(moment["id"])) == 404
    assert await feed_texts(circle["plain"]) == ["hello"]
    await a.update_friend("fam", hide_my_moments=False)
    assert await feed_texts(fam) == ["hello"]


async def test_dont_show_me_someones_moments(circle: dict[str, GuanxiClient]) -> None:
    a, fam = circle["aaa"], circle["fam"]
    await a.post_moment("hello")
    await fam.post_moment("from fam")
    await fam.update_friend("aaa", hide_their_moments=True)
    assert await feed_texts(fam) == ["from fam"]
    assert await page_texts(fam, "aaa") == ["hello"]  # their page still shows them
    assert await feed_texts(a) == ["from fam", "hello"]  # the other way is untouched


# -- likes and comments: WeChat's rule ----------------------------------------------------


@pytest.fixture
async def abc(make_user: UserFactory) -> tuple[GuanxiClient, GuanxiClient, GuanxiClient]:
    """a is friends with b and c; b and c are not friends."""
    a, b, c = [await make_user(h) for h in ("aaa", "bbb", "ccc")]
    await befriend(b, a)
    await befriend(c, a)
    return a, b, c


def who(moment: dict[str, Any]) -> tuple[list[str], list[str]]:
    likes = [like["user"]["handle"] for like in moment["likes"]]
    comments = [f"{c['user']['handle']}:{c['text']}" for c in moment["comments"]]
    return likes, comments


async def test_likes_and_comments_are_seen_by_the_authors_and_friends_of_the_actor(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient],
) -> None:
    a, b, c = abc
    moment_id = (await a.post_moment("看我的猫"))["id"]
    await b.like(moment_id)
    await c.like(moment_id)
    await b.comment(moment_id, "好可爱")
    await c.comment(moment_id, "cute")
    await a.comment(moment_id, "谢谢")
    assert who(await a.moment(moment_id)) == (
        ["bbb", "ccc"],
        ["bbb:好可爱", "ccc:cute", "aaa:谢谢"],
    )
    assert who(await b.moment(moment_id)) == (["bbb"], ["bbb:好可爱", "aaa:谢谢"])
    assert who(await c.moment(moment_id)) == (["ccc"], ["ccc:cute", "aaa:谢谢"])
    assert (await b.moment(moment_id))["liked_by_me"] is True
    assert (await a.moment(moment_id))["liked_by_me"] is False
    feed = (await b.feed())["moments"][0]
    assert who(feed) == (["bbb"], ["bbb:好可爱", "aaa:谢谢"])

    await befriend(b, c)  # now b sees c's, and c sees b's
    assert who(await b.moment(moment_id)) == (
        ["bbb", "ccc"],
        ["bbb:好可爱", "ccc:cute", "aaa:谢谢"],
    )
    await c.remove_friend("bbb")  # ending the friendship ends it again
    assert who(await b.moment(moment_id)) == (["bbb"], ["bbb:好可爱", "aaa:谢谢"])
    assert who(await c.moment(moment_id)) == (["ccc"], ["ccc:cute", "aaa:谢谢"])


async def test_replies(abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient]) -> None:
    a, b, c = abc
    moment_id = (await a.post_moment("hi"))["id"]
    first = await b.comment(moment_id, "first")
    answer = await a.comment(moment_id, "thanks", reply_to=first["id"])
    assert answer["reply_to"]["id"] == first["id"]
    assert answer["reply_to"]["user"]["handle"] == "bbb"
    # a's reply to b names b, whom c does not know: c does not see it
    assert who(await c.moment(moment_id))[1] == []
    assert who(await b.moment(moment_id))[1] == ["bbb:first", "aaa:thanks"]
    # c cannot answer a comment it cannot see
    with pytest.raises(ApiError) as caught:
        await c.comment(moment_id, "?", reply_to=first["id"])
    assert (caught.value.status, caught.value.code) == (422, "bad_reply_to")
    back = await b.comment(moment_id, "you're welcome", reply_to=answer["id"])
    assert back["reply_to"]["user"]["handle"] == "aaa"


async def test_likes_are_idempotent_and_can_be_taken_back(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient],
) -> None:
    a, b, _ = abc
    moment_id = (await a.post_moment("hi"))["id"]
    await b.like(moment_id)
    assert who(await b.like(moment_id))[0] == ["bbb"]
    assert who(await a.moment(moment_id))[0] == ["bbb"]
    unliked = await b.unlike(moment_id)
    assert unliked["likes"] == [] and unliked["liked_by_me"] is False
    assert (await b.unlike(moment_id))["likes"] == []
    assert who(await a.moment(moment_id))[0] == []


async def test_only_those_who_see_a_moment_may_like_or_comment(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient], make_user: UserFactory
) -> None:
    a, b, _ = abc
    out = await make_user("out")
    private = (await a.post_moment("mine", audience="private"))["id"]
    public = (await a.post_moment("all"))["id"]
    for call in (
        b.like(private),
        b.comment(private, "x"),
        out.like(public),
        out.comment(public, "x"),
        out.unlike(public),
        b.like(999_999),
    ):
        assert await status_of(call) == 404
    assert await status_of(b.comment(public, " ")) == 422
    assert await status_of(b.comment(public, "x" * 501)) == 422
    assert who(await a.moment(public)) == ([], [])


# -- deleting -----------------------------------------------------------------------------


async def test_only_the_author_deletes_a_moment(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient],
) -> None:
    a, b, c = abc
    moment_id = (await a.post_moment("bye"))["id"]
    await b.like(moment_id)
    await b.comment(moment_id, "x")
    with pytest.raises(ApiError) as caught:
        await b.delete_moment(moment_id)
    assert (caught.value.status, caught.value.code) == (403, "not_author")
    await a.delete_moment(moment_id)
    for client in (a, b, c):
        assert await status_of(client.moment(moment_id)) == 404
        assert await feed_texts(client) == []
    assert await status_of(a.delete_moment(moment_id)) == 404


async def test_who_deletes_which_comment(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient], make_user: UserFactory
) -> None:
    a, b, c = abc
    d = await make_user("ddd")
    await befriend(d, a)
    await befriend(d, b)
    moment_id = (await a.post_moment("hi"))["id"]
    by_b = await b.comment(moment_id, "b1")
    by_b2 = await b.comment(moment_id, "b2")
    by_c = await c.comment(moment_id, "c1")
    assert await status_of(c.delete_comment(moment_id, by_b["id"])) == 404  # c cannot see it
    assert await status_of(d.delete_comment(moment_id, by_b["id"])) == 403  # d sees, may not
    assert await status_of(b.delete_comment(moment_id, by_c["id"])) == 404
    await b.delete_comment(moment_id, by_b["id"])  # a commenter their own
    await a.delete_comment(moment_id, by_c["id"])  # the author any
    assert who(await a.moment(moment_id))[1] == ["bbb:b2"]
    assert await status_of(b.delete_comment(moment_id, by_b["id"])) == 404
    assert await status_of(a.delete_comment(moment_id + 1, by_b2["id"])) == 404


# -- events -------------------------------------------------------------------------------


async def friends_around(
    a: GuanxiClient, b: GuanxiClient, make_user: UserFactory
) -> tuple[GuanxiClient, GuanxiClient]:
    """d, a friend of both a and b; e, a friend of b only."""
    d, e = await make_user("ddd"), await make_user("eee")
    await befriend(d, a)
    await befriend(d, b)
    await befriend(e, b)
    return d, e


async def test_like_and_comment_events_reach_the_right_people(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient], make_user: UserFactory
) -> None:
    """a posts to all; b likes and comments. a gets both; d (friend of a and b) gets both;
    c (a's friend, not b's) and e (b's friend, not a's) get nothing."""
    a, b, c = abc
    d, e = await friends_around(a, b, make_user)
    moment_id = (await a.post_moment("hi"))["id"]
    streams = {}
    async with a.events() as sa, c.events() as sc, d.events() as sd, e.events() as se:
        streams = {"a": sa, "c": sc, "d": sd, "e": se}
        for stream in streams.values():
            await ready(stream)
        await b.like(moment_id)
        await b.comment(moment_id, "nice")
        for name in ("a", "d"):
            liked = await streams[name].next()
            assert liked["type"] == "moment.liked", name
            assert liked["moment_id"] == moment_id and liked["author"] == "aaa"
            assert liked["like"]["user"]["handle"] == "bbb"
            commented = await streams[name].next()
            assert commented["type"] == "moment.commented", name
            assert commented["comment"]["text"] == "nice"
            assert commented["comment"]["user"]["handle"] == "bbb"
        for name in ("c", "e", "a", "d"):
            await nothing_more(streams[name])
    refetched = await d.moment(moment_id)
    assert who(refetched) == (["bbb"], ["bbb:nice"])


async def test_taking_back_a_like_or_a_comment_and_deleting_the_moment_are_announced(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient], make_user: UserFactory
) -> None:
    """The same people as for the like and the comment hear when they go: a (the author) and
    d (friend of a and b), not c (a's friend, not b's). The moment's deletion reaches everyone
    who could see it: a, c and d, not e (b's friend only)."""
    a, b, c = abc
    d, e = await friends_around(a, b, make_user)
    moment_id = (await a.post_moment("hi"))["id"]
    await b.like(moment_id)
    comment = await b.comment(moment_id, "nice")
    async with a.events() as sa, c.events() as sc, d.events() as sd, e.events() as se:
        streams = {"a": sa, "c": sc, "d": sd, "e": se}
        for stream in streams.values():
            await ready(stream)
        await b.unlike(moment_id)
        await b.unlike(moment_id)  # nothing left to take back: no second event
        await a.delete_comment(moment_id, comment["id"])
        for name in ("a", "d"):
            unliked = await streams[name].next()
            assert unliked["type"] == "moment.unliked", name
            assert (unliked["moment_id"], unliked["author"]) == (moment_id, "aaa")
            assert unliked["user"]["handle"] == "bbb"
            deleted = await streams[name].next()
            assert deleted["type"] == "moment.comment_deleted", name
            assert (deleted["moment_id"], deleted["comment_id"]) == (moment_id, comment["id"])
        await a.delete_moment(moment_id)
        for name in ("a", "c", "d"):
            gone = await streams[name].next()
            assert (gone["type"], gone["moment_id"], gone["author"]) == (
                "moment.deleted",
                moment_id,
                "aaa",
            ), name
        for stream in streams.values():
            await nothing_more(stream)


async def test_the_author_gets_moment_events_on_replay(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient],
) -> None:
    a, b, c = abc
    moment_id = (await a.post_moment("hi"))["id"]
    async with a.events() as stream:
        cursor = await ready(stream)
    await b.like(moment_id)
    await c.comment(moment_id, "hey")
    async with a.events(cursor) as stream:
        assert (await stream.next())["type"] == "moment.liked"
        commented = await stream.next()
        assert commented["type"] == "moment.commented"
        assert commented["comment"]["user"]["handle"] == "ccc"
        await ready(stream)


async def test_events_respect_the_audience(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient], make_user: UserFactory
) -> None:
    """d is friends with a and b but outside the moment's audience: no event for d."""
    a, b, _ = abc
    d = await make_user("ddd")
    await befriend(d, a)
    await befriend(d, b)
    await a.update_friend("bbb", tags=["close"])
    moment_id = (await a.post_moment("close only", audience="only", tags=["close"]))["id"]
    async with d.events() as sd, a.events() as sa:
        await ready(sd)
        await ready(sa)
        await b.like(moment_id)
        assert (await sa.next())["type"] == "moment.liked"
        await nothing_more(sd)


async def test_a_second_like_sends_no_second_event(
    abc: tuple[GuanxiClient, GuanxiClient, GuanxiClient],
) -> None:
    a, b, _ = abc
    moment_id = (await a.post_moment("hi"))["id"]
    async with a.events() as stream:
        await ready(stream)
        await b.like(moment_id)
        await b.like(moment_id)
        assert (await stream.next())["type"] == "moment.liked"
        await nothing_more(stream)


# -- paging -------------------------------------------------------------------------------


async def test_feed_pages_by_cursor(circle: dict[str, GuanxiClient], clock: FixedClock) -> None:
    a, fam, work = circle["aaa"], circle["fam"], circle["work"]
    for n in range(25):
        author = (a, fam, work)[n % 3]
        await author.post_moment(f"m{n}")
        if n % 2:
            clock.advance(1)  # pairs share a time: the id breaks the tie
    seen: list[str] = []
    cursor = None
    sizes = []
    while True:
        page = await a.feed(cursor=cursor, limit=10)
        sizes.append(len(page["moments"]))
        seen += [m["text"] for m in page["moments"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
        if len(sizes) == 1:
            await fam.post_moment("newer")  # posting meanwhile does not shift the pages
    assert sizes == [10, 10, 5]
    assert seen == [f"m{n}" for n in reversed(range(25))]
    assert (await a.feed(limit=1))["moments"][0]["text"] == "newer"


async def test_user_page_pages_by_cursor(circle: dict[str, GuanxiClient]) -> None:
    a, fam = circle["aaa"], circle["fam"]
    for n in range(5):
        await a.post_moment(f"m{n}")
    first = await fam.user_moments("aaa", limit=3)
    second = await fam.user_moments("aaa", cursor=first["next_cursor"], limit=3)
    assert [m["text"] for m in first["moments"] + second["moments"]] == [
        f"m{n}" for n in reversed(range(5))
    ]
    assert second["next_cursor"] is None
    assert await status_of(fam.user_moments("nobody")) == 404


@pytest.mark.parametrize("cursor", ["x", "!!!", "MTIz", "LTEuMQ"])
async def test_bad_cursors_are_refused(make_user: UserFactory, cursor: str) -> None:
    a = await make_user("aaa")
    with pytest.raises(ApiError) as caught:
        await a.feed(cursor=cursor)
    assert (caught.value.status, caught.value.code) == (422, "bad_cursor")


# -- search -------------------------------------------------------------------------------


async def test_search_finds_visible_moments_only(
    circle: dict[str, GuanxiClient], server: Any
) -> None:
    a, fam, work = circle["aaa"], circle["fam"], circle["work"]
    await a.post_moment("我们的社交资产属于我们自己")
    await a.post_moment("家人的社交资产", audience="only", tags=["family"])
    await a.post_moment("100% Sure")
    moments = server.services.moments

    async def texts(client: GuanxiClient, q: str) -> list[str]:
        principal = await server.services.accounts.authenticate(client.token)
        return [m.text for m in await moments.search(principal, q, 10)]

    assert await texts(fam, "社交资产") == ["家人的社交资产", "我们的社交资产属于我们自己"]
    assert await texts(work, "社交资产") == ["我们的社交资产属于我们自己"]
    assert await texts(circle["out"], "社交资产") == []
    assert await texts(work, "sure") == ["100% Sure"]
    assert await texts(work, "%") == ["100% Sure"]
    assert await texts(work, "_") == []
    assert await texts(work, " ") == []
    found = await fam.search("社交资产")
    assert [m["text"] for m in found["moments"]] == [
        "家人的社交资产",
        "我们的社交资产属于我们自己",
    ]
