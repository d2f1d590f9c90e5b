"""The web client follows the pages: the chat list (still live), a group's members, friend
requests and a person's moments load more when their "more" button is clicked or scrolled
into view, and nothing shows twice."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from guanxi.accounts.tables import users
from guanxi.conversations.tables import conversation_members
from guanxi.db.database import Tx
from guanxi.moments.service import MomentDraft
from guanxi.relationships.tables import friend_requests, friendships
from tests.conftest import RunningServer, UserFactory
from tests.test_paging import bulk_groups
from tests.test_web_client import Person, browser  # noqa: F401 (the fixture)

MORE = 60  # more than the client's page of 50


async def strangers(server: RunningServer, count: int) -> list[int]:
    """`count` accounts (without a password: they only need to exist), in one unit."""
    now = int(time.time() * 1000)

    async def unit(tx: Tx) -> list[int]:
        rows = [
            {"handle": f"p{i:03}", "display_name": f"Person {i:03}", "created_at": now}
            for i in range(count)
        ]
        await tx.conn.execute(sa.insert(users), rows)
        query = sa.select(users.c.id).where(users.c.handle.like("p%")).order_by(users.c.handle)
        return [int(i) for i in (await tx.conn.execute(query)).scalars()]

    return await server.services.db.write(unit)


async def more(page: Any, name: str) -> None:
    """Bring a list's "more" button into view: the next page loads by itself. (A click scrolls
    the button into view first, so the page it loads that way can hide the button before the
    click lands, and the click then waits for a button that is gone.)"""
    await page.get_by_role("button", name=name).scroll_into_view_if_needed()


async def items(page: Any, selector: str, count: int) -> None:
    await page.locator(selector).nth(count - 1).wait_for()
    assert await page.locator(selector).count() == count


async def test_chat_list_loads_more_and_stays_live(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    await make_user("mei", "Mei Lin")
    spam = await make_user("spam", "Spam")
    ids = await bulk_groups(server.services, "mei", "spam", MORE)  # ids[0] is the oldest
    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.page.goto(server.url + "/#/chats")
    await items(a.page, ".conv-item", 50)
    # a chat of the second page gets a message before that page is loaded: it comes live
    await spam.send(ids[0], "from the second page")
    top = a.page.locator(".conv-item").first
    await top.locator(".conv-preview", has_text="from the second page").wait_for()
    await items(a.page, ".conv-item", 51)
    await a.page.get_by_role("button", name="More chats").scroll_into_view_if_needed()
    await items(a.page, ".conv-item", MORE)  # no chat twice
    assert await a.page.get_by_role("button", name="More chats").is_hidden()
    await spam.send(ids[1], "still live")
    await top.locator(".conv-preview", has_text="still live").wait_for()
    assert await a.page.locator(".conv-item").count() == MORE
    await a.close()


async def test_members_requests_and_moments_load_more(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    mei = await make_user("mei", "Mei Lin")
    others = await strangers(server, MORE)
    group = (await mei.create_group("big", []))["id"]
    now = int(time.time() * 1000)
    mei_id = (await server.services.accounts.get_user_by_handle("mei")).id

    async def unit(tx: Tx) -> None:
        await tx.conn.execute(
            sa.insert(conversation_members),
            [
                {
                    "conversation_id": group,
                    "user_id": uid,
                    "role": "member",
                    "joined_at": now + i,
                    "joined_seq": 0,
                    "joined_event": 0,
                    "last_read_seq": 0,
                }
                for i, uid in enumerate(others)
            ],
        )
        await tx.conn.execute(
            sa.insert(friend_requests),
            [
                {
                    "from_user_id": uid,
                    "to_user_id": mei_id,
                    "greeting": f"hello from {uid}",
                    "role": "acquaintance",
                    "status": "pending",
                    "created_at": now,
                }
                for uid in others
            ],
        )

    await server.services.db.write(unit)
    author = await server.services.accounts.authenticate(mei.token or "")
    for i in range(MORE):
        await server.services.moments.post_moment(author, MomentDraft(f"m{i}", [], "", "all", []))

    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.page.goto(server.url + f"/#/chats/{group}/info")
    await items(a.page, ".member", 50)
    await more(a.page, "More members")
    await items(a.page, ".member", MORE + 1)

    await a.page.goto(server.url + "/#/contacts/new")
    await items(a.page, ".request", 50)
    await more(a.page, "More requests")
    await items(a.page, ".request", MORE)

    await a.page.goto(server.url + "/#/moments/mei")
    await items(a.page, "article.moment", 50)
    await more(a.page, "Load more")
    await items(a.page, "article.moment", MORE)
    await a.close()


async def test_every_friend_is_loaded_page_after_page(
    server: RunningServer,
    make_user: UserFactory,
    browser: Any,  # noqa: F811
) -> None:
    """Every screen names people by my remark for them, so the client loads all friends (the
    server gives at most 100 a page)."""
    await make_user("mei", "Mei Lin")
    others = await strangers(server, 130)
    mei_id = (await server.services.accounts.get_user_by_handle("mei")).id
    now = int(time.time() * 1000)

    async def unit(tx: Tx) -> None:
        sides = [(mei_id, uid, f"friend {i:03}") for i, uid in enumerate(others)]
        sides += [(uid, mei_id, "mei lin") for uid in others]
        await tx.conn.execute(
            sa.insert(friendships),
            [
                {
                    "user_id": a,
                    "friend_id": b,
                    "role": "classmate",
                    "remark": "",
                    "tags": [],
                    "created_at": now,
                    "sort_key": key,
                }
                for a, b, key in sides
            ],
        )

    await server.services.db.write(unit)
    a = await Person.open(browser, server)
    await a.log_in("mei")
    await a.page.goto(server.url + "/#/contacts")
    await items(a.page, ".list-pane .conv-list .conv-item", 130)
    await a.close()
