"""Profile pictures. The picture goes through the media domain's image pipeline (checked,
re-encoded without metadata, a square-ish thumbnail made; only images, the image size limit,
the upload quota and the `uploads` rate limit), is stored as `users.avatar_media_id`, and is
served as its thumbnail to whoever may see the profile (`access_user`, Purpose.SEE: not to
someone the owner blocked, not a placeholder's to anyone but its importer). A replaced or
removed picture's item and files are deleted at once unless something else carries the same
item (the same photo sent in a chat). It lives here, above accounts and media, because it
needs both and the profile visibility rule."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts import store as accounts_store
from guanxi.accounts.models import Principal, User
from guanxi.accounts.service import AccountService
from guanxi.accounts.tables import users
from guanxi.db.database import Database, Tx
from guanxi.errors import NotFound
from guanxi.media.access import carried_by
from guanxi.media.models import Blob
from guanxi.media.service import MediaService
from guanxi.media.uploads import UploadSource
from guanxi.relationships.access import Purpose, access_user


class AvatarMediaReferrer:
    """The media domain's `MediaReferrer` for profile pictures: an item set as someone's
    picture is carried (never collected). It shows no one anything through /media/{id}:
    pictures are served by GET /users/{handle}/avatar, under the profile's rule."""

    async def can_see(self, conn: AsyncConnection, user_id: int, media_id: str) -> bool:
        return False

    async def referenced(self, conn: AsyncConnection, media_ids: list[str]) -> set[str]:
        return await carried_by(conn, users.c.avatar_media_id, media_ids)


class AvatarService:
    def __init__(self, db: Database, accounts: AccountService, media: MediaService) -> None:
        self.db = db
        self.accounts = accounts
        self.media = media

    async def set_avatar(self, me: Principal, source: UploadSource) -> User:
        """A new picture (an image upload) in place of the old one, which is deleted."""
        item = await self.media.upload(me.user.id, source, images_only=True)
        return await self._replace(me, item.id)

    async def remove_avatar(self, me: Principal) -> User:
        """Back to the initials; the old picture is deleted."""
        return await self._replace(me, None)

    async def open_avatar(self, me: Principal, handle: str) -> Blob:
        """The picture's thumbnail, for a viewer who may see the profile; NotFound when
        they may not, or there is none."""
        async with self.db.read() as conn:
            user = await access_user(conn, me.user.id, handle, Purpose.SEE)
            if user.avatar_media_id is None:
                raise NotFound("This user has no picture.")
            return await self.media.open_checked(conn, user.avatar_media_id, "thumbnail")

    async def _replace(self, me: Principal, media_id: str | None) -> User:
        async def unit(tx: Tx) -> tuple[User, str | None]:
            before = await accounts_store.get_user(tx.conn, me.user.id)
            assert before is not None
            after = await accounts_store.update_user(tx.conn, me.user.id, avatar_media_id=media_id)
            await self.accounts.profile_changed(tx, before, after)  # user.updated
            return after, before.avatar_media_id

        user, old = await self.db.write(unit)
        self.accounts.sessions.forget(lambda p: p.user.id == me.user.id)  # cached profiles
        if old is not None and old != media_id:
            await self.media.discard([old])
        return user
