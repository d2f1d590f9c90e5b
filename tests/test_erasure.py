"""What is taken back is gone from the data folder: after a recall, an edit, a comment's and a
moment's deletion, no file there — the database, its write-ahead log, the search index and its
log — holds the text any more (SQLite; docs/security.md says what PostgreSQL keeps)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from guanxi.client import GuanxiClient
from tests.conftest import PASSWORD, PG_URL, RunningServer, UserFactory, befriend

pytestmark = pytest.mark.skipif(
    PG_URL is not None,
    reason="on PostgreSQL the text lives in the server's own files, outside the data folder"
    " (docs/security.md says what PostgreSQL keeps)",
)

# Each text has a run of rare characters whose trigram only it has (the search index stores
# trigrams, not whole texts: a trigram left behind would show here).
RECALLED = "recalled-qzv-4471 鼹鼷鼶"
EDITED_AWAY = "edited-away-xkw-9902 齾齽齼"
COMMENT = "comment-jpq-3318 龘靐齉"
MOMENT = "moment-wzy-6654 爩灪麤"
SECRETS = [RECALLED, EDITED_AWAY, COMMENT, MOMENT]


def needles(text: str) -> list[bytes]:
    ascii_part, rare = text.split(" ")
    return [text.encode(), ascii_part.encode(), rare.encode()]


def holders(folder: Path) -> dict[str, list[str]]:
    """Which files hold which secret (or its rare trigram)."""
    found: dict[str, list[str]] = {}
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            hits = [s for s in SECRETS if any(n in data for n in needles(s))]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


async def gone_from(folder: Path, seconds: float = 15.0) -> dict[str, list[str]]:
    """Wait for every secret to leave the folder; what is still there when time is up."""
    left = holders(folder)
    for _ in range(int(seconds * 10)):
        if not left:
            break
        await asyncio.sleep(0.1)
        left = holders(folder)
    return left


async def test_taken_back_text_leaves_every_file(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    chat = int((await mei.open_direct("lei"))["id"])
    recalled = await mei.send(chat, RECALLED)
    edited = await mei.send(chat, EDITED_AWAY)
    kept = await mei.send(chat, "kept words stay findable")
    moment = await mei.post_moment("harbour")
    comment = await lei.comment(moment["id"], COMMENT)
    doomed = await mei.post_moment(MOMENT)
    await lei.comment(doomed["id"], "nice")
    for text in (RECALLED, EDITED_AWAY):  # in the search index too, before they go
        assert (await lei.search(text))["messages"]
    folder = server.services.settings.data_dir
    assert set(SECRETS) <= {s for hits in holders(folder).values() for s in hits}

    await mei.recall(chat, recalled["seq"])
    await mei.edit(chat, edited["seq"], "said better")
    await lei.delete_comment(moment["id"], comment["id"])
    await mei.delete_moment(doomed["id"])
    await search_once_more(lei)
    assert await gone_from(folder) == {}
    assert [h["seq"] for h in (await lei.search("findable"))["messages"]] == [kept["seq"]]
    assert (await lei.search(RECALLED))["messages"] == []


async def search_once_more(client: GuanxiClient) -> None:
    """A search waits for the index to take in the recall and the edit."""
    await client.search("said better")


async def test_a_deleted_account_leaves_no_moment_or_comment_behind(
    server: RunningServer, make_user: UserFactory
) -> None:
    mei, lei = await make_user("mei"), await make_user("lei")
    await befriend(mei, lei)
    doomed = await lei.post_moment(MOMENT)
    theirs = await mei.post_moment("harbour")
    await lei.comment(theirs["id"], COMMENT)
    folder = server.services.settings.data_dir
    assert {MOMENT, COMMENT} <= {s for hits in holders(folder).values() for s in hits}
    await lei.delete_account(PASSWORD)
    assert await gone_from(folder) == {}
    assert (await mei.moment(theirs["id"]))["comments"] == []
    assert doomed["id"] not in [m["id"] for m in (await mei.feed())["moments"]]
