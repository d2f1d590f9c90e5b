"""A user's insight about themselves (`GET /api/v1/me/insight…`).

Each call reads in one snapshot: the user's own side of their pairs (one indexed range,
bounded by `insight_max_pairs`), their friendships and blocks, and for one page the users it
names — never the history. Only the owner's rows are read: nobody sees another person's view
of them. Someone blocked (either way) is left out, and their page is `not_found`, as is a
stranger's.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.clock import Clock
from guanxi.db import keyset
from guanxi.db.database import Database
from guanxi.errors import NotFound
from guanxi.insight import store
from guanxi.insight.circles import CIRCLE_NAMES
from guanxi.insight.follower_apply import DAY_MS, median_of_histogram
from guanxi.insight.models import Contact, ContactPage
from guanxi.insight.network import Network, read_network
from guanxi.insight.service_view import Judged, circle_members, feedback_share
from guanxi.insight.stability import jaccard
from guanxi.insight.stages import iso_week
from guanxi.settings import Settings

STABILITY_WINDOWS_DAYS = (28, 90)
CONTACTS_LIST = "insight_contacts"


class InsightService:
    def __init__(self, db: Database, clock: Clock, settings: Settings) -> None:
        self.db = db
        self.clock = clock
        self.settings = settings

    async def _network(self, conn: AsyncConnection, user_id: int, now: int) -> Network:
        return await read_network(conn, user_id, now, self.settings)

    async def overview(self, me: Principal) -> dict[str, Any]:
        now = self.clock.now_ms()
        async with self.db.read() as conn:
            net = await self._network(conn, me.user.id, now)
            rings = circle_members(net.states, now, self.settings)
            users = await accounts_store.list_users(conn, {a for ring in rings for a in ring})
            stability = await self._stability(
                conn, me.user.id, now, {s.alter_id for s in net.states}
            )
        stages = [j.stage for j in net.judged.values()]
        return {
            "feedback_share": feedback_share(net.states),
            "circles": [
                {"name": name, "size": len(ring), "handles": [users[a].handle for a in ring]}
                for name, ring in zip(CIRCLE_NAMES, rings, strict=False)
            ],
            "stability": {"windows": stability},
            "counts": {
                "contacts": len(stages),
                "relationships": sum(stage != "contact" for stage in stages),
                "close": stages.count("close"),
                "fading": sum(j.fading for j in net.judged.values()),
            },
            "rules": {  # what the stages mean on this server (settings), for the screen to say
                "relationship_min_weeks": self.settings.insight_relationship_min_weeks,
                "relationship_min_span_days": self.settings.insight_relationship_min_span_days,
            },
        }

    async def _stability(
        self, conn: AsyncConnection, user_id: int, now: int, shown: set[int]
    ) -> list[dict[str, Any]]:
        """Jaccard of the alters active in the latest window and the one before it."""
        longest = max(STABILITY_WINDOWS_DAYS)
        since = iso_week(now - 2 * longest * DAY_MS)
        rows = [
            (w, a) for w, a in await store.list_active_alters(conn, user_id, since) if a in shown
        ]
        windows = []
        for days in STABILITY_WINDOWS_DAYS:
            weeks = -(-days // 7)  # whole weeks, rounded up
            current = {iso_week(now - i * 7 * DAY_MS) for i in range(weeks)}
            before = {iso_week(now - i * 7 * DAY_MS) for i in range(weeks, 2 * weeks)}
            a = {alter for week, alter in rows if week in current}
            b = {alter for week, alter in rows if week in before}
            windows.append({"window_days": days, "jaccard": jaccard(b, a) if a or b else None})
        return windows

    async def contacts(self, me: Principal, cursor: str | None, limit: int) -> ContactPage:
        after = keyset.decode_pair(cursor, CONTACTS_LIST)
        now = self.clock.now_ms()
        async with self.db.read() as conn:
            net = await self._network(conn, me.user.id, now)
            order = sorted(net.judged.values(), key=_order_key)
            if after is not None:
                order = [j for j in order if _order_key(j) > after]
            page = order[:limit]
            users = await accounts_store.list_users(conn, {j.alter_id for j in page})
        contacts = [_contact(j, users[j.alter_id], net.roles.get(j.alter_id)) for j in page]
        more = len(order) > limit
        next_cursor = keyset.encode(CONTACTS_LIST, _order_key(page[-1])) if more and page else None
        return ContactPage(contacts=contacts, next_cursor=next_cursor)

    async def contact(self, me: Principal, handle: str) -> dict[str, Any]:
        now = self.clock.now_ms()
        async with self.db.read() as conn:
            alter = await accounts_store.get_user_by_handle(conn, handle)
            net = await self._network(conn, me.user.id, now)
            judged = net.judged.get(alter.id) if alter is not None else None
            if alter is None or judged is None or alter.id == me.user.id:
                raise NotFound("No such contact.")
            state = next(s for s in net.states if s.alter_id == alter.id)
            months = await store.list_months(conn, me.user.id, alter.id)
        base = _contact(judged, alter, net.roles.get(alter.id)).to_wire()
        del base["silent_days"]
        return {
            **base,
            "since": state.first_at or None,
            "months": [
                {
                    "month": f"{m.month // 100:04d}-{m.month % 100:02d}",
                    "sent": m.sent,
                    "received": m.received,
                }
                for m in months
            ],
            "kinds": dict(sorted(state.kinds.items())),
            "starts": {"me": state.starts_me, "them": state.starts_them},
            "response_ms": {
                "me": median_of_histogram(state.response_me),
                "them": median_of_histogram(state.response_them),
            },
        }


def _contact(j: Judged, user: User, role: str | None) -> Contact:
    return Contact(
        alter_id=j.alter_id,
        handle=user.handle,
        display_name=user.display_name,
        role=role,
        stage=j.stage,
        strength=j.strength,
        circle=j.circle,
        last_interaction_at=j.last_interaction_at,
        fading=j.fading,
        silent_days=j.silent_days,
    )


def _order_key(j: Judged) -> tuple[int, int]:
    """Strongest first (strength in millionths), then by id: the keyset of the contact list."""
    return (-round(j.strength * 1_000_000), j.alter_id)
