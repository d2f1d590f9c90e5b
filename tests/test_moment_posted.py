"""`moment.posted`: live to the friends a new moment is for (a friend outside an "only"
audience gets nothing), replayed to the author with the moment's id
and time only, and not replayed once the moment is deleted."""

from __future__ import annotations

from typing import Any

from tests.conftest import UserFactory, befriend, befriend_all
from tests.test_replay_current import replayed


def posted_frames(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [f for f in frames if f["type"] == "moment.posted"]


async def test_only_the_tagged_friends_hear_of_an_only_moment(make_user: UserFactory) -> None:
    mei, lei, tao = await make_user("mei"), await make_user("lei"), await make_user("tao")
    await befriend_all(mei, tao)
    request = await lei.request_friend("mei", "hi", "colleague")
    await mei.accept(request["id"], "colleague", tags=["work"])
    async with lei.events() as lei_stream, tao.events() as tao_stream:
        for stream in (lei_stream, tao_stream):
            assert (await stream.next())["type"] == "ready"
        only = await mei.post_moment("for work", audience="only", tags=["work"])
        everyone = await mei.post_moment("for all")
        lei_got = [await lei_stream.next(), await lei_stream.next()]
        tao_got = await tao_stream.next()  # the first tao hears of is the second moment
    assert [f["moment_id"] for f in lei_got] == [only["id"], everyone["id"]]
    assert tao_got["type"] == "moment.posted" and tao_got["moment_id"] == everyone["id"]
    assert tao_got["moment"] == {"id": everyone["id"], "created_at": everyone["created_at"]}


async def test_replayed_to_the_author_until_the_moment_is_deleted(make_user: UserFactory) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    kept = await mei.post_moment("kept")
    gone = await mei.post_moment("gone")
    await mei.delete_moment(gone["id"])
    frames, _ = await replayed(mei, 0)
    found = posted_frames(frames)
    assert [(f["moment_id"], f["author"], f["moment"]) for f in found] == [
        (kept["id"], "mei", {"id": kept["id"], "created_at": kept["created_at"]})
    ]
    assert "kept" not in str(found)  # the text is read with GET /moments/{id}, not carried
    lei_frames, _ = await replayed(lei, 0)  # stored for the author only
    assert posted_frames(lei_frames) == []
