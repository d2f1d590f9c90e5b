"""Registering, logging in and out, authenticating a token, editing one's profile."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import rules, store
from guanxi.accounts.invites import use_invite
from guanxi.accounts.login_limiter import LoginLimiter
from guanxi.accounts.models import Principal, User
from guanxi.accounts.passwords import Passwords
from guanxi.accounts.sessions import Sessions
from guanxi.clock import Clock
from guanxi.db.database import Database, Tx
from guanxi.errors import Conflict, Forbidden, NotFound, RateLimited, Unauthorized
from guanxi.ids import new_token
from guanxi.realtime.broker import Broker
from guanxi.settings import Settings

log = logging.getLogger(__name__)
RenameHook = Callable[[AsyncConnection, User], Awaitable[None]]
ProfileHook = Callable[[Tx, User], Awaitable[None]]


class AccountService:
    def __init__(self, db: Database, clock: Clock, settings: Settings, broker: Broker) -> None:
        self.db = db
        self.clock = clock
        self.registration = settings.registration
        self.passwords = Passwords(settings)
        self.limiter = LoginLimiter(clock, settings)
        self.sessions = Sessions(db, clock, settings, broker)
        self._rename_hooks: list[RenameHook] = []
        self._profile_hooks: list[ProfileHook] = []

    def on_rename(self, hook: RenameHook) -> None:
        """Run `hook` inside the unit that changes a display name (domains above accounts keep
        copies of it, such as where a friend sorts in a friend list)."""
        self._rename_hooks.append(hook)

    def on_profile_change(self, hook: ProfileHook) -> None:
        """Run `hook` inside the unit that changes what others see of a profile (its name, bio
        or picture): the domains above accounts know who sees it, and tell them."""
        self._profile_hooks.append(hook)

    async def profile_changed(self, tx: Tx, before: User, after: User) -> None:
        """Called in the unit that changed `before` into `after` (here and avatars.py)."""
        if before.to_wire() != after.to_wire():
            for hook in self._profile_hooks:
                await hook(tx, after)

    async def register(
        self,
        handle: str,
        password: str,
        display_name: str,
        device: str = "",
        *,
        address: str = "",
        invite: str | None = None,
        by_operator: bool = False,
    ) -> tuple[User, str]:
        """A new account and its first session. `by_operator` (the command line) registers
        whatever `GUANXI_REGISTRATION` says."""
        if not by_operator and self.registration == "closed":
            raise Forbidden("This community does not take new registrations.", "closed")
        handle = rules.check_handle(handle)
        rules.check_password(password)
        display_name = rules.check_display_name(display_name)
        await self.passwords.check_strength(password, handle=handle, display_name=display_name)
        password_hash = await self.passwords.hash(password)
        token = new_token()
        needs_invite = not by_operator and self.registration == "invite"

        async def unit(tx: Tx) -> User:
            now = self.clock.now_ms()
            if needs_invite:  # first: without a code, not even which handles exist is told
                await use_invite(tx, invite, now)
            if await store.exists_handle(tx.conn, handle):
                raise Conflict("That handle is taken.", "handle_taken")
            user = await store.insert_user(
                tx.conn,
                handle=handle,
                display_name=display_name,
                password_hash=password_hash,
                created_at=now,
            )
            await self.sessions.open(tx, user.id, token, device, address)
            return user

        user = await self.db.write(unit)
        await self.limiter.succeeded(handle, address)
        log.info("registered: handle=%r address=%s", handle, address)
        return user, token

    async def login(
        self, handle: str, password: str, address: str, device: str = ""
    ) -> tuple[User, str]:
        user_id, old_hash = await self.check_login(handle, password, address)
        token = new_token()
        new_hash = await self._rehash(old_hash, password)

        async def unit(tx: Tx) -> tuple[User, list[int]]:
            dropped = await self.sessions.open(tx, user_id, token, device, address)
            if new_hash is not None:
                await store.update_user(tx.conn, user_id, password_hash=new_hash)
            user = await store.get_user(tx.conn, user_id)
            assert user is not None
            return user, dropped

        user, dropped = await self.db.write(unit)
        self.sessions.ended(user_id, dropped)
        log.info("login succeeded: handle=%r address=%s", handle, address)
        return user, token

    async def check_login(self, handle: str, password: str, address: str) -> tuple[int, str]:
        """The user's id and password hash if the password is theirs and they may log in,
        counted by the login limiter either way."""
        try:
            await self.limiter.begin(handle, address)
        except RateLimited:
            log.warning("login refused, too many failures: handle=%r address=%s", handle, address)
            raise
        try:
            found = await self._check_password(handle, password)
        except BaseException:
            await self.limiter.abandoned(handle)
            raise
        if found is None:
            await self.limiter.failed(handle, address)
            log.warning("login failed: handle=%r address=%s", handle, address)
            raise Unauthorized("Wrong handle or password.", "bad_credentials")
        await self.limiter.succeeded(handle, address)
        user_id, password_hash, disabled = found
        if disabled:
            log.warning("login of a disabled account: handle=%r address=%s", handle, address)
            raise Forbidden("This account is disabled.", "account_disabled")
        return user_id, password_hash

    async def _rehash(self, password_hash: str, password: str) -> str | None:
        """A new hash at today's cost if the stored one was made at another (skipped when
        the hashing threads are busy: it is tried again at the next login)."""
        if not self.passwords.needs_rehash(password_hash):
            return None
        try:
            return await self.passwords.hash(password)
        except RateLimited:
            return None

    async def _check_password(self, handle: str, password: str) -> tuple[int, str, bool] | None:
        """(id, password hash, disabled) if the password is the user's, else None."""
        async with self.db.read() as conn:
            found = await store.get_password_hash(conn, handle)
        password_hash = found[1] if found else None
        if not await self.passwords.verify(password_hash, password) or found is None:
            return None
        assert password_hash is not None
        return found[0], password_hash, found[2]

    async def logout(self, principal: Principal) -> None:
        await self.sessions.end(principal.user.id, [principal.session_id])

    async def authenticate(self, token: str) -> Principal:
        """Who holds this token (sessions.py: expiry, cache)."""
        return await self.sessions.authenticate(token)

    async def update_profile(
        self,
        principal: Principal,
        display_name: str | None,
        bio: str | None,
        moments_visible: str | None = None,
    ) -> User:
        values: dict[str, str] = {}
        if display_name is not None:
            values["display_name"] = rules.check_display_name(display_name)
        if bio is not None:
            values["bio"] = rules.check_bio(bio)
        if moments_visible is not None:
            values["moments_visible"] = rules.check_moments_visible(moments_visible)

        async def unit(tx: Tx) -> User:
            before = await store.get_user(tx.conn, principal.user.id)
            assert before is not None
            if not values:
                return before
            user = await store.update_user(tx.conn, principal.user.id, **values)
            if "display_name" in values:
                for hook in self._rename_hooks:
                    await hook(tx.conn, user)
            await self.profile_changed(tx, before, user)
            return user

        user = await self.db.write(unit)
        self.sessions.forget(lambda p: p.user.id == principal.user.id)
        return user

    def close(self) -> None:
        self.passwords.close()

    async def count_users(self) -> int:
        async with self.db.read() as conn:
            return await store.count_users(conn)

    async def get_user_by_handle(self, handle: str) -> User:
        async with self.db.read() as conn:
            user = await store.get_user_by_handle(conn, handle)
        if user is None:
            raise NotFound("No such user.")
        return user
