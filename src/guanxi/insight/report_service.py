"""A user's own reports as HTML: "my year" and "us" (with one contact).

Only the caller's own: each reads what the caller holds (report_rows.py) and nothing of
anyone's insight about them. The work of one report is bounded by a year of the caller's
history ("my year") or one direct chat ("us"), read a page at a time; the charts are drawn
in a thread. The edge rate-limits both (`rate_limit_insight_reports`).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal
from guanxi.clock import Clock
from guanxi.conversations.models import DIRECT
from guanxi.db.database import Database
from guanxi.db.keyset import let_others_run
from guanxi.errors import InvalidInput, NotFound
from guanxi.insight import report_rows, report_us, report_year
from guanxi.insight.report_us import ME, THEM, Shared, UsTally
from guanxi.insight.report_year import Moments, YearTally

FIRST_YEAR = 1970
SHARED_GROUPS_SHOWN = 20
NO_SUCH_CONTACT = "No contact with this handle shares a chat with you."


class InsightReports:
    def __init__(self, db: Database, clock: Clock, page: int) -> None:
        self.db = db
        self.clock = clock
        self.page = page  # messages per read (`insight_read_rows`)

    def _check_year(self, year: int) -> None:
        this_year = datetime.fromtimestamp(self.clock.now_ms() / 1000, UTC).year
        if not FIRST_YEAR <= year <= this_year:
            raise InvalidInput(f"The year is one from {FIRST_YEAR} to {this_year}.", "invalid_year")

    async def my_year(self, me: Principal, year: int) -> str:
        """The "my year" page of the caller."""
        self._check_year(year)
        span, user_id = report_year.year_span(year), me.user.id
        async with self.db.read() as conn:
            held = await report_rows.list_held(conn, user_id)
            moment_rows = await report_rows.list_moment_engagement(conn, user_id, span)
            given = await report_rows.count_given(conn, user_id, span)
        direct = {h.conversation_id: h.peer_id for h in held if h.kind == DIRECT and h.peer_id}
        tally = YearTally(me=user_id, year=year, direct=direct)
        after = (0, 0)
        while True:
            async with self.db.read() as conn:
                rows = await report_rows.list_held_messages(conn, user_id, after, self.page, span)
            last = len(rows) < self.page
            tally.take(rows, last=last)
            if last:
                break
            after = (rows[-1].conversation_id, rows[-1].seq)
            await let_others_run()
        async with self.db.read() as conn:
            names = await report_rows.list_names(conn, tally.people_to_name())
        moments = Moments.of(moment_rows, year, given)
        title = f"{me.user.display_name} (@{me.user.handle})"
        return await asyncio.to_thread(report_year.render, title, tally, moments, names)

    async def us(self, me: Principal, handle: str) -> str:
        """The "us" page of the caller and a contact they share a chat with (404 otherwise)."""
        user_id = me.user.id
        async with self.db.read() as conn:
            other = await accounts_store.get_user_by_handle(conn, handle)
            if other is None or other.id == user_id:
                raise NotFound(NO_SUCH_CONTACT, "not_found")
            held = await report_rows.list_held(conn, user_id)
            groups = await report_rows.list_shared_groups(
                conn, user_id, other.id, SHARED_GROUPS_SHOWN
            )
            chat = next((h for h in held if h.kind == DIRECT and h.peer_id == other.id), None)
            if chat is None and not groups:
                raise NotFound(NO_SUCH_CONTACT, "not_found")
            mine = await report_rows.count_moment_feedback(conn, other.id, user_id)
            theirs = await report_rows.count_moment_feedback(conn, user_id, other.id)
        tally = UsTally(me=user_id)
        after = 0
        while chat is not None:
            async with self.db.read() as conn:
                rows = await report_rows.list_chat_messages(conn, chat, after, self.page)
            last = len(rows) < self.page
            tally.take(rows, last=last)
            if last:
                break
            after = rows[-1].seq
            await let_others_run()
        shared = Shared(
            groups=groups,
            likes={ME: mine[0], THEM: theirs[0]},
            comments={ME: mine[1], THEM: theirs[1]},
        )
        names = (
            f"{me.user.display_name} (@{me.user.handle})",
            f"{other.display_name} (@{other.handle})",
        )
        return await asyncio.to_thread(report_us.render, *names, tally, shared)
