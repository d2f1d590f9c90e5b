"""Invite codes, for a community that registers people only by invitation
(`GUANXI_REGISTRATION=invite`). A code is shown once; the database keeps its hash."""

from __future__ import annotations

from guanxi.accounts import store_invites as store
from guanxi.accounts.models import User
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import Forbidden, InvalidInput
from guanxi.ids import new_token, token_hash

MAX_USES = 10_000
NOTE_MAX = 200


class InviteService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def create(
        self, *, max_uses: int, days: float | None, note: str = "", by: User | None = None
    ) -> str:
        """A new code for `max_uses` registrations within `days` (None: no end)."""
        if not 1 <= max_uses <= MAX_USES:
            raise InvalidInput(f"max_uses is 1 to {MAX_USES}.", "invalid_invite")
        if days is not None and days <= 0:
            raise InvalidInput("days must be more than 0.", "invalid_invite")
        code = new_token()
        now = self.clock.now_ms()
        expires_at = None if days is None else now + int(days * 24 * 3600 * 1000)

        async def unit(tx: Tx) -> None:
            await store.insert_invite(
                tx.conn,
                code_hash=token_hash(code),
                created_by=by.id if by else None,
                note=note[:NOTE_MAX],
                created_at=now,
                expires_at=expires_at,
                max_uses=max_uses,
            )

        await self.db.write(unit)
        return code


async def use_invite(tx: Tx, code: str | None, now: int) -> None:
    """Inside the registration's unit: count a use of the code, or refuse (403)."""
    if not code:
        raise Forbidden("Registering here needs an invite code.", "invite_required")
    if not await store.use_invite(tx.conn, token_hash(code), now):
        raise Forbidden("That invite code is wrong, used up or expired.", "invalid_invite")
