"""`DELETE /api/v1/me`: an account deletes itself, after giving its password.

What goes: the profile (name, bio, handle — the row keeps only its id, shown as "Deleted
account"), the password, every session (sockets closed), friendships, friend requests and
blocks both ways, its exports and imports (their files too), group memberships (it leaves each
group, as by leaving) and group invitations to it (and its own still waiting), its moments with
their likes and comments, its likes, comments and reactions elsewhere. What stays for the
others: the messages it sent (their copies of their chats), shown from the deleted account.
Its uploads carried by nothing any more are collected by the media collector.
"""

from __future__ import annotations

import contextlib
import logging

from guanxi.accounts.models import Principal
from guanxi.accounts.service_lifecycle import AccountLifecycle
from guanxi.assets import store_jobs
from guanxi.assets.service_exports import ExportService
from guanxi.assets.service_imports import ImportService
from guanxi.conversations.service import ConversationService
from guanxi.db.database import Tx
from guanxi.deletion import store
from guanxi.errors import DomainError

log = logging.getLogger(__name__)


class AccountDeletion:
    def __init__(
        self,
        lifecycle: AccountLifecycle,
        conversations: ConversationService,
        exports: ExportService,
        imports: ImportService,
    ) -> None:
        self.lifecycle = lifecycle
        self.exports = exports
        self.imports = imports
        self.conversations = conversations
        self.db = lifecycle.db
        self.clock = lifecycle.accounts.clock

    async def delete_account(self, me: Principal, password: str, address: str) -> None:
        await self.lifecycle.check_own_password(me, password, address)
        user_id = me.user.id
        await self.imports.remove_user(user_id)  # its imported chats, placeholders, uploads
        async with self.db.read() as conn:
            groups = await store.list_active_group_ids(conn, user_id)
        for conversation_id in groups:  # as by leaving: members see it, owners hand over
            with contextlib.suppress(DomainError):
                await self.conversations.remove_member(me, conversation_id, me.user.handle)

        async def unit(tx: Tx) -> tuple[list[int], list[str]]:
            await store.delete_relationships(tx.conn, user_id)
            await store.delete_group_invitations(tx.conn, user_id)
            await store.delete_moments_and_reactions(tx.conn, user_id)
            files = await store_jobs.delete_user_jobs(tx.conn, user_id)
            tx.erase()  # what it wrote goes from the write-ahead log too
            return await store.empty_user(tx.conn, user_id, self.clock.now_ms()), files

        ended, files = await self.db.write(unit)
        await self.exports.remove_files(files)  # archives (an export still running cleans up)
        self.lifecycle.sessions.ended(user_id, ended)
        self.lifecycle.sessions.forget(lambda p: p.user.id == user_id)
        log.info("account deleted: handle=%r address=%s", me.user.handle, address)
