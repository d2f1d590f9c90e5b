"""A profile's change, live (`user.updated`): its name, bio or picture reaches at once whoever
has the person in view — who keeps them as a friend, and the members of every chat they are
in — unless the person blocked them (the profile rule, relationships/access.py: someone who
blocked the viewer does not exist for them). It lives here, the lowest domain that knows both
friends and chats.

One event row, addressed to the person (`user_id`) and naming them (`Ref("user", id)`): their
other devices replay it with the profile as it is then. The audience gets it live only, as a
moment's friends do; a device that was away reloads its chat list, friends and open chat on
reconnecting, so what it shows is current. The audience is read in three indexed queries and
published once, however many friends and groups the person has.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.events import USER_UPDATED, UserUpdated
from guanxi.accounts.models import User
from guanxi.conversations import store_members
from guanxi.db.database import Tx
from guanxi.eventlog.service import EventLog, Ref
from guanxi.relationships import store as relationships_store


class ProfileEvents:
    def __init__(self, events: EventLog) -> None:
        self.events = events

    async def profile_changed(self, tx: Tx, user: User) -> None:
        """Called in the unit that changed the profile (accounts' `on_profile_change`)."""
        audience = await profile_audience(tx.conn, user.id)
        await self.events.record(
            tx,
            USER_UPDATED,
            UserUpdated(user=user.to_wire()),
            recipients=[user.id, *sorted(audience)],
            user_id=user.id,
            ref=Ref("user", user.id),
        )


async def profile_audience(conn: AsyncConnection, user_id: int) -> set[int]:
    """Who has this user in view and may see them, the user not included."""
    holders = await relationships_store.list_holders_of(conn, user_id)
    members = await store_members.list_co_member_ids(conn, user_id)
    blocked = await relationships_store.list_blocked_ids(conn, user_id)
    return (holders | members) - blocked - {user_id}
