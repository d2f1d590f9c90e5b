"""An account's life after registering: changing or resetting the password, seeing and ending
sessions, disabling and enabling (the command line)."""

from __future__ import annotations

import logging

from guanxi.accounts import rules, store
from guanxi.accounts import store_sessions as store_s
from guanxi.accounts.models import Principal, Session, User
from guanxi.accounts.service import AccountService
from guanxi.db.database import Tx
from guanxi.errors import Forbidden, InvalidInput, NotFound, Unauthorized

log = logging.getLogger(__name__)


class AccountLifecycle:
    def __init__(self, accounts: AccountService) -> None:
        self.accounts = accounts
        self.db = accounts.db
        self.sessions = accounts.sessions
        self.passwords = accounts.passwords

    async def change_password(
        self, principal: Principal, current: str, new: str, address: str
    ) -> None:
        """Set a new password (the current one must be given) and end every other session."""
        user = principal.user
        await self.check_own_password(principal, current, address)
        if new == current:
            raise InvalidInput("The new password is the current one.", "same_password")
        await self._set_password(user, new, keep=principal.session_id)
        log.info("password changed: handle=%r address=%s", user.handle, address)

    async def check_own_password(self, principal: Principal, password: str, address: str) -> None:
        """A logged-in user confirms a change with their password, counted like a login."""
        try:
            await self.accounts.check_login(principal.user.handle, password, address)
        except Unauthorized:  # not 401: the caller's own session is fine
            raise Forbidden("The password is wrong.", "wrong_password") from None

    async def reset_password(self, handle: str, new: str) -> User:
        """The operator sets a password (`guanxi user reset-password`): every session ends."""
        user = await self.accounts.get_user_by_handle(handle)
        await self._set_password(user, new, keep=None)
        log.info("password reset by the operator: handle=%r", handle)
        return user

    async def _set_password(self, user: User, new: str, keep: int | None) -> None:
        rules.check_password(new)
        await self.passwords.check_strength(new, handle=user.handle, display_name=user.display_name)
        new_hash = await self.passwords.hash(new)

        async def unit(tx: Tx) -> list[int]:
            await store.update_user(tx.conn, user.id, password_hash=new_hash)
            return await store_s.delete_user_sessions(tx.conn, user.id, keep=keep)

        self.sessions.ended(user.id, await self.db.write(unit))

    async def list_sessions(self, principal: Principal) -> list[Session]:
        async with self.db.read() as conn:
            return await store_s.list_sessions(conn, principal.user.id)

    async def end_session(self, principal: Principal, session_id: int) -> None:
        """End one of one's own sessions (any other id: 404)."""
        async with self.db.read() as conn:
            mine = {s.id for s in await store_s.list_sessions(conn, principal.user.id)}
        if session_id not in mine:
            raise NotFound("No such session.")
        await self.sessions.end(principal.user.id, [session_id])

    async def set_disabled(self, handle: str, disabled: bool) -> User:
        """Disable (every session ends, no login) or enable an account: `guanxi user`."""
        found = await self.accounts.get_user_by_handle(handle)

        async def unit(tx: Tx) -> tuple[User, list[int]]:
            user = await store.update_user(tx.conn, found.id, is_disabled=disabled)
            ended = await store_s.delete_user_sessions(tx.conn, found.id) if disabled else []
            return user, ended

        user, ended = await self.db.write(unit)
        self.sessions.ended(user.id, ended)
        self.sessions.forget(lambda p: p.user.id == user.id)
        log.info("account %s: handle=%r", "disabled" if disabled else "enabled", handle)
        return user
