"""Invite codes, for a community that registers people only by invitation
(`GUANXI_REGISTRATION=invite`). A code is shown once; the database keeps its hash."""

from __future__ import annotations

from guanxi.accounts import store_invites as store
from guanxi.accounts.models import Invite, User
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import Forbidden, InvalidInput, NotFound
from guanxi.ids import new_code, token_hash

MAX_USES = 10_000
NOTE_MAX = 200
PAGE = 500


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
        code = new_code()
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

    async def list(self) -> list[Invite]:
        """Every invite code ever made, oldest first (what they are for, not the codes)."""
        found: list[Invite] = []
        while True:
            async with self.db.read() as conn:
                after = found[-1].id if found else 0
                page = await store.list_invites(conn, after_id=after, limit=PAGE)
            found += page
            if len(page) < PAGE:
                return found

    async def revoke(self, *, code: str | None = None, invite_id: int | None = None) -> Invite:
        """Revoke a code, named by itself or by its id: no one registers with it any more."""
        if (code is None) == (invite_id is None):
            raise InvalidInput("Name the invite by its code or by its id.", "invalid_invite")
        code_hash = token_hash(code) if code is not None else None
        now = self.clock.now_ms()

        async def unit(tx: Tx) -> Invite | None:
            return await store.update_invite_revoked(
                tx.conn, code_hash=code_hash, invite_id=invite_id, now=now
            )

        revoked = await self.db.write(unit)
        if revoked is None:
            raise NotFound("There is no such invite code.")
        return revoked


async def use_invite(tx: Tx, code: str | None, now: int) -> None:
    """Inside the registration's unit: count a use of the code, or refuse (403)."""
    if not code:
        raise Forbidden("Registering here needs an invite code.", "invite_required")
    if not await store.use_invite(tx.conn, token_hash(code), now):
        raise Forbidden("That invite code is wrong, used up or expired.", "invalid_invite")
