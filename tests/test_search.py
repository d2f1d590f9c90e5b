"""Search: substrings of Chinese and any other text, only within what the searcher may see."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
import sqlalchemy as sa

from guanxi.client import ApiError, GuanxiClient
from guanxi.clock import Clock
from guanxi.conversations.tables import conversations, messages
from guanxi.db.database import Tx
from guanxi.search.index_sqlite import LAYOUT, IndexFile, index_path
from guanxi.search.rules import SNIPPET_LENGTH, snippet
from guanxi.search.store import message_hits
from guanxi.settings import Settings
from tests.conftest import PASSWORD, PG_URL, RunningServer, UserFactory, befriend, befriend_all

ON_POSTGRES = "on PostgreSQL the search index is a pg_trgm index inside the database: no file"


def found(answer: dict[str, Any]) -> list[tuple[int, int]]:
    return [(hit["conversation_id"], hit["seq"]) for hit in answer["messages"]]


async def hits(client: GuanxiClient, q: str, **params: Any) -> list[tuple[int, int]]:
    return found(await client.search(q, **params))


async def test_a_chinese_phrase_is_found_inside_a_sentence(make_user: UserFactory) -> None:
    mei = await make_user("mei", "林美")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    await mei.send(chat["id"], "今天天气很好")
    sent = await mei.send(chat["id"], "我们的社交资产属于我们自己")
    answer = await lei.search("社交资产")
    assert found(answer) == [(chat["id"], sent["seq"])]
    hit = answer["messages"][0]
    assert hit["sender"] == "mei"
    assert hit["kind"] == "text"
    assert hit["snippet"] == "我们的社交资产属于我们自己"
    assert hit["created_at"] == sent["created_at"]
    assert answer["moments"] == []
    assert answer["next_cursor"] is None
    assert await mei.search("社交资产") == answer


async def test_short_queries_and_other_scripts(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    first = await mei.send(chat["id"], "我们的社交资产属于我们自己")
    second = await lei.send(chat["id"], "Hello World, 100% sure_thing")
    assert await mei.search("社交") == {
        "messages": [(await mei.search("社交资产"))["messages"][0]],
        "moments": [],
        "next_cursor": None,
    }
    assert await hits(mei, "资") == [(chat["id"], first["seq"])]
    assert await hits(mei, "world") == [(chat["id"], second["seq"])]  # any case
    assert await hits(mei, "Wo") == [(chat["id"], second["seq"])]
    assert await hits(mei, "0%") == [(chat["id"], second["seq"])]  # % is not a wildcard
    assert await hits(mei, "0% s") == [(chat["id"], second["seq"])]
    assert await hits(mei, "e_t") == [(chat["id"], second["seq"])]
    assert await hits(mei, "_") == [(chat["id"], second["seq"])]
    assert await hits(mei, "d%") == []
    assert await hits(mei, "l_o") == []  # _ is not a wildcard either
    assert await hits(mei, '"Hello"') == []  # quotes are text, not query syntax
    assert await hits(mei, "社交资产属于他们") == []


async def test_never_another_conversations_messages(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend(mei, lei)
    await befriend(lei, tao)
    ours = await mei.open_direct("lei")
    theirs = await lei.open_direct("tao")
    group = await lei.create_group("秘密", ["tao"])
    mine = await mei.send(ours["id"], "我们的社交资产")
    await lei.send(theirs["id"], "他们的社交资产")
    await tao.send(group["id"], "群里的社交资产")
    assert await hits(mei, "社交资产") == [(ours["id"], mine["seq"])]
    assert await hits(mei, "社交") == [(ours["id"], mine["seq"])]
    assert len(await hits(lei, "社交资产")) == 3
    assert len(await hits(tao, "社交")) == 2


async def test_a_group_window_nothing_before_joining_nothing_after_leaving(
    make_user: UserFactory,
) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend_all(mei, lei, tao)
    group = await mei.create_group("家人", ["lei"])
    await mei.send(group["id"], "加入之前的社交资产")
    await mei.add_members(group["id"], ["tao"])
    seen = await mei.send(group["id"], "在群里时的社交资产")
    await tao.leave(group["id"])
    await mei.send(group["id"], "离开之后的社交资产")
    await mei.send(group["id"], "离开之后的秘密")
    assert await hits(tao, "社交资产") == [(group["id"], seen["seq"])]
    assert await hits(tao, "社交") == [(group["id"], seen["seq"])]
    assert await hits(tao, "秘密") == []
    assert await hits(tao, "之前") == []
    assert len(await hits(lei, "社交资产")) == 3


async def test_an_edited_message_is_found_by_its_new_text_only(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    sent = await mei.send(chat["id"], "周六去爬山")
    await mei.edit(chat["id"], sent["seq"], "周日去游泳")
    assert await hits(lei, "周日去游泳") == [(chat["id"], sent["seq"])]
    assert await hits(lei, "游泳") == [(chat["id"], sent["seq"])]
    assert await hits(lei, "周六去爬山") == []
    assert await hits(lei, "爬山") == []


async def test_a_recalled_message_is_never_found(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    kept = await mei.send(chat["id"], "保留的社交资产")
    recalled = await mei.send(chat["id"], "撤回的社交资产")
    await mei.recall(chat["id"], recalled["seq"])
    assert await hits(lei, "社交资产") == [(chat["id"], kept["seq"])]
    assert await hits(lei, "撤回的") == []
    assert await hits(lei, "撤回") == []


async def test_newest_first_in_pages(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    await befriend(mei, lei)
    chat = await mei.open_direct("lei")
    group = await mei.create_group("同学", ["lei"])
    sent = []
    for i in range(7):
        where = chat if i % 2 else group
        sent.append((where["id"], (await mei.send(where["id"], f"第{i}次聚会"))["seq"]))
    newest_first = sent[::-1]
    assert await hits(lei, "次聚会") == newest_first
    assert await hits(lei, "聚会") == newest_first
    pages: list[tuple[int, int]] = []
    cursor = None
    for _ in range(4):
        answer = await lei.search("次聚会", limit=3, cursor=cursor)
        pages += found(answer)
        cursor = answer["next_cursor"]
        if cursor is None:
            break
    assert pages == newest_first


@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "   "},
        {"q": "社" * 1000},
        {"q": "a" * 101},
        {"q": "社交\x00资产"},
        {"q": "社交\n资产"},
        {"q": "社交", "limit": 0},
        {"q": "社交", "limit": 51},
        {"q": "社交", "cursor": "not a cursor"},
        {"q": "社交", "cursor": "MTox"[:3]},
    ],
)
async def test_bad_input_is_422(make_user: UserFactory, params: dict[str, Any]) -> None:
    mei = await make_user("mei")
    with pytest.raises(ApiError) as caught:
        await mei.call("GET", "/search", **params)
    assert caught.value.status == 422


async def test_search_needs_a_login(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    await mei.logout()
    with pytest.raises(ApiError) as caught:
        await mei.search("社交")
    assert caught.value.status == 401


def test_a_snippet_is_cut_around_the_match() -> None:
    long = "前" * 200 + "社交资产" + "后" * 200
    cut = snippet(long, "社交资产")
    assert "社交资产" in cut
    assert cut.startswith("…") and cut.endswith("…")
    assert len(cut) == SNIPPET_LENGTH + 2
    assert snippet("短的社交资产", "社交资产") == "短的社交资产"
    assert snippet("社交资产" + "后" * 200, "社交资产").startswith("社交资产")
    assert snippet("前" * 200 + "社交资产", "社交资产").endswith("社交资产")


async def test_moments_i_may_see_come_with_the_first_page(make_user: UserFactory) -> None:
    mei = await make_user("mei")
    lei = await make_user("lei")
    tao = await make_user("tao")
    await befriend(mei, lei)
    await lei.post_moment("我们的社交资产属于我们自己")
    await tao.post_moment("陌生人的社交资产")  # tao is not mei's friend
    await lei.post_moment("只给自己看的社交资产", audience="private")
    await mei.post_moment("我自己的社交资产", audience="private")
    chat = await mei.open_direct("lei")
    for i in range(3):
        await lei.send(chat["id"], f"第{i}条社交资产")
    first = await mei.search("社交资产", limit=2)
    texts = [m["text"] for m in first["moments"]]
    assert texts == ["我自己的社交资产", "我们的社交资产属于我们自己"]
    assert first["moments"][1]["author"]["handle"] == "lei"
    assert [m["text"] for m in (await mei.search("社交"))["moments"]] == texts
    second = await mei.search("社交资产", limit=2, cursor=first["next_cursor"])
    assert len(second["messages"]) == 1
    assert second["moments"] == []
    assert (await tao.search("社交资产"))["moments"][0]["text"] == "陌生人的社交资产"


@pytest.mark.skipif(PG_URL is not None, reason=ON_POSTGRES)
async def test_a_lost_or_damaged_index_file_is_built_again(
    settings: Settings, clock: Clock
) -> None:
    first = RunningServer(settings, clock)
    await first.start()
    async with GuanxiClient(first.url) as mei, GuanxiClient(first.url) as lei:
        await mei.register("mei", PASSWORD, "Mei")
        await lei.register("lei", PASSWORD, "Lei")
        await befriend(mei, lei)
        chat = await mei.open_direct("lei")
        old = await mei.send(chat["id"], "我们一起建设社交资产吧")
        assert await hits(lei, "社交资产") == [(chat["id"], old["seq"])]
    await first.stop()

    index = index_path(settings.sqlite_path())
    for leftover in (Path(f"{index}-wal"), Path(f"{index}-shm")):
        leftover.unlink(missing_ok=True)
    index.write_bytes(b"not an index " * 1000)
    second = RunningServer(settings, clock)
    await second.start()
    try:
        async with GuanxiClient(second.url) as mei, GuanxiClient(second.url) as lei:
            await mei.login("mei", PASSWORD)
            await lei.login("lei", PASSWORD)
            new = await lei.send(chat["id"], "社交资产是我们自己的")
            assert await hits(mei, "社交资产") == [
                (chat["id"], new["seq"]),
                (chat["id"], old["seq"]),
            ]
            await lei.recall(chat["id"], new["seq"])
            assert await hits(mei, "社交资产") == [(chat["id"], old["seq"])]
    finally:
        await second.stop()


CROWD = 3000


async def crowd(server: RunningServer, conversation_id: int, sender_id: int, count: int) -> None:
    """`count` more messages saying 社交资产 in a conversation, written in one unit (sending
    them one by one through the API would only make the test slow)."""

    async def unit(tx: Tx) -> None:
        top = await tx.conn.scalar(
            sa.select(conversations.c.last_seq).where(conversations.c.id == conversation_id)
        )
        assert top is not None
        rows = [
            {
                "conversation_id": conversation_id,
                "seq": top + n,
                "sender_id": sender_id,
                "kind": "text",
                "text": f"他们的第{n}条社交资产",
                "mentions": [],
                "created_at": 1_700_000_000_000 + n,
            }
            for n in range(1, count + 1)
        ]
        await tx.conn.execute(sa.insert(messages), rows)
        await tx.conn.execute(
            sa.update(conversations)
            .where(conversations.c.id == conversation_id)
            .values(last_seq=top + count)
        )

    await server.services.db.write(unit)


async def query_plan(server: RunningServer, user_id: int, q: str) -> list[dict[str, Any]]:
    """The database's plan for a search: SQLite's steps ({"detail": …}) in order, or
    PostgreSQL's nodes (EXPLAIN's JSON, parents before children)."""
    async with server.services.db.read() as conn:
        statement = message_hits(conn.dialect.name, user_id, q, before=None, limit=21)
        sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
        if conn.dialect.name == "sqlite":
            rows = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)
            return [{"detail": row[3]} for row in rows]
        await conn.exec_driver_sql("ANALYZE messages")
        plan = (await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql)).scalar_one()
    plan = orjson.loads(plan) if isinstance(plan, str) else plan
    return list(_nodes(plan[0]["Plan"]))


def _nodes(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)


def restricted_by_conversation(plan: list[dict[str, Any]]) -> bool:
    """Whether the plan looks for matches only inside the user's conversations: on SQLite, the
    user's memberships come first and each is a rowid range inside the FTS5 lookup (FTS5's
    plan says `M` for the MATCH, `>` and `<` for the rowid bounds); on PostgreSQL, every
    read of `messages` is bounded by a membership's conversation."""
    if "detail" in plan[0]:
        steps = [step["detail"] for step in plan]
        lookup = next(i for i, step in enumerate(steps) if "messages_fts" in step)
        memberships = next(i for i, step in enumerate(steps) if "conversation_members" in step)
        bounds = steps[lookup].rsplit(":", 1)[-1]
        return memberships < lookup and {"M", "<", ">"} <= set(bounds)
    reads = [node for node in plan if node.get("Relation Name") == "messages"]
    conditions = [node.get("Recheck Cond", "") + node.get("Index Cond", "") for node in reads]
    bound = "conversation_id = conversation_members.conversation_id"
    return bool(reads) and all(bound in condition for condition in conditions)


async def test_other_peoples_matches_are_not_visited(
    make_user: UserFactory, server: RunningServer
) -> None:
    mei, lei, tao, wen = [await make_user(h) for h in ("mei", "lei", "tao", "wen")]
    await befriend(mei, lei)
    await befriend(tao, wen)
    ours = await mei.open_direct("lei")
    theirs = await tao.open_direct("wen")
    mine = await mei.send(ours["id"], "我们的社交资产")
    accounts = server.services.accounts
    await crowd(server, theirs["id"], (await accounts.get_user_by_handle("tao")).id, CROWD)
    assert await hits(mei, "社交资产") == [(ours["id"], mine["seq"])]
    assert await hits(lei, "社交") == [(ours["id"], mine["seq"])]
    assert len(await hits(wen, "社交资产", limit=50)) == 50
    mei_id = (await accounts.get_user_by_handle("mei")).id
    assert restricted_by_conversation(await query_plan(server, mei_id, "社交资产"))


@pytest.mark.skipif(PG_URL is not None, reason=ON_POSTGRES)
def test_an_index_file_of_the_older_layout_is_built_again(settings: Settings) -> None:
    """Before, index rows were keyed by message id: such a file is not read as it is."""
    path = index_path(settings.sqlite_path())
    with contextlib.closing(sqlite3.connect(path)) as old:
        old.execute("CREATE VIRTUAL TABLE messages_fts USING fts5(text, tokenize='trigram')")
        old.execute("INSERT INTO messages_fts(rowid, text) VALUES (1, '旧的社交资产')")
        old.commit()
    index = IndexFile(settings.sqlite_path())
    index.open()
    index.close()
    with contextlib.closing(sqlite3.connect(path)) as new:
        assert new.execute("PRAGMA user_version").fetchone()[0] == LAYOUT
        assert new.execute("SELECT count(*) FROM messages_fts").fetchone()[0] == 0
