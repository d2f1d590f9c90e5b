"""Placeholder contacts: the people a user's imports brought, listed and linked by that user.

A placeholder is its owner's alone: anyone else asking for it is told there is no such
placeholder. Linking one to an account says "this person in my imported history is my friend
X": the imported history then counts as shared with X in the owner's ledger (and insight). It
changes nothing X sees or is part of — X is not added to any conversation, and the messages
keep the placeholder as their sender. The target must be someone the owner may reach (an
existing, active, real account that has not blocked them) and one of their friends (a link
says "someone I know": not a stranger's name put on imported history); an account the owner
blocked is refused too.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.assets import store_placeholders
from guanxi.assets.events import PLACEHOLDER_LINKED, PlaceholderPayload
from guanxi.assets.models import Placeholder
from guanxi.assets.models_ledger import Carried, PlaceholderContact
from guanxi.db import keyset
from guanxi.db.database import Database, Tx
from guanxi.db.keyset import Page
from guanxi.errors import Forbidden, NotFound
from guanxi.eventlog.service import EventLog
from guanxi.relationships import store as relationships_store
from guanxi.relationships.access import Purpose, access_user

PLACEHOLDERS = "placeholders"  # the list's name in its cursors


class PlaceholderService:
    def __init__(self, db: Database, events: EventLog) -> None:
        self.db = db
        self.events = events

    async def list_placeholders(
        self, me: Principal, cursor: str | None, limit: int
    ) -> Page[PlaceholderContact]:
        """A page of my placeholders, oldest first, with how much history each carries."""
        after = keyset.decode(cursor, PLACEHOLDERS, (int,))[0] if cursor else 0
        async with self.db.read() as conn:
            found = await store_placeholders.list_placeholders(
                conn, me.user.id, int(after), limit + 1
            )
            page = keyset.page_of(found, limit, PLACEHOLDERS, lambda p: (p.user_id,))
            contacts = await _contacts(conn, me.user.id, page.items)
        return Page(contacts, page.next_cursor)

    async def link(
        self, me: Principal, placeholder_id: int, handle: str | None
    ) -> PlaceholderContact:
        """Link my placeholder to a friend's account (`handle`), or unlink it (None); my
        devices are told (`placeholder.linked`), nobody else."""

        async with self.db.read() as conn:  # outside the writer: it reads their history
            await _access_placeholder(conn, me.user.id, placeholder_id)
            carried = await store_placeholders.list_carried(conn, me.user.id, [placeholder_id])

        async def unit(tx: Tx) -> PlaceholderContact:
            placeholder = await _access_placeholder(tx.conn, me.user.id, placeholder_id)
            target = None if handle is None else await _access_target(tx.conn, me, handle)
            linked_id = None if target is None else target.id
            await store_placeholders.update_link(tx.conn, placeholder.user_id, linked_id)
            contact = PlaceholderContact(
                placeholder=replace(placeholder, linked_user_id=linked_id),
                linked_to=None if target is None else target.handle,
                carried=Carried(**carried.get(placeholder_id, {})),
            )
            payload = PlaceholderPayload(placeholder=contact.to_wire())
            await self.events.record(
                tx, PLACEHOLDER_LINKED, payload, recipients=[me.user.id], user_id=me.user.id
            )
            return contact

        return await self.db.write(unit)


async def _access_placeholder(conn: AsyncConnection, owner_id: int, user_id: int) -> Placeholder:
    placeholder = await store_placeholders.get_placeholder(conn, owner_id, user_id)
    if placeholder is None:
        raise NotFound("No such placeholder.")
    return placeholder


async def _access_target(conn: AsyncConnection, me: Principal, handle: str) -> User:
    """The account a placeholder may be linked to: reachable, active, mine to name a friend."""
    target = await access_user(conn, me.user.id, handle, Purpose.REACH)
    if target.is_disabled:
        raise NotFound("No such user.")
    if await relationships_store.exists_block(conn, me.user.id, target.id):
        raise Forbidden("You blocked this person; unblock them first.", "blocked")
    if await relationships_store.get_friendship(conn, me.user.id, target.id) is None:
        raise Forbidden(
            "A placeholder can be linked only to one of your friends (the ledger counts per"
            " friend).",
            "not_friends",
        )
    return target


async def _contacts(
    conn: AsyncConnection, owner_id: int, found: list[Placeholder]
) -> list[PlaceholderContact]:
    linked_ids = {p.linked_user_id for p in found if p.linked_user_id is not None}
    linked = await accounts_store.list_users(conn, linked_ids)
    carried = await store_placeholders.list_carried(conn, owner_id, [p.user_id for p in found])
    return [
        PlaceholderContact(
            placeholder=p,
            linked_to=linked[p.linked_user_id].handle if p.linked_user_id in linked else None,
            carried=Carried(**carried.get(p.user_id, {})),
        )
        for p in found
    ]
