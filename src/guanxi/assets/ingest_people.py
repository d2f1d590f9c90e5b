"""The people of one import: the importer, and a placeholder for everyone else.

Nobody in a source is ever taken for a real account of this server, whatever handle or name
they carry: an archive is untrusted, and a forged one must not put words in a real user's mouth
or pull a real user into a conversation. Everyone but the importer becomes a placeholder owned
by the importer, found again by (source, key) in a later import of the same source; only the
importer may later link one to a real account (the ledger's link call)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from guanxi.accounts.models import User
from guanxi.assets import store_import
from guanxi.assets.bundle import Person
from guanxi.assets.ingest_keys import display_name, storable, stored_key


@dataclass(frozen=True, kw_only=True)
class Someone:
    user_id: int
    handle: str  # the account's handle here (a placeholder's reserved one)
    is_me: bool = False


class People:
    def __init__(self, importer: User, source: str, job_id: int) -> None:
        self.importer = importer
        self.source = source
        self.job_id = job_id
        self.me = Someone(user_id=importer.id, handle=importer.handle, is_me=True)
        self._known: dict[str, Someone] = {}
        self._me_keys: set[str] = set()
        self.created = 0  # placeholders this import made
        self.contacts: set[int] = set()  # placeholders this import's history names

    def note(self, people: tuple[Person, ...]) -> None:
        """Remember who in a chat is the importer (a later entry of theirs is theirs)."""
        self._me_keys.update(p.key for p in people if p.is_me)

    def known(self, key: str) -> Someone | None:
        return self.me if key in self._me_keys else self._known.get(key)

    async def resolve(
        self, conn: AsyncConnection, key: str, person: Person | None, now: int
    ) -> Someone:
        """The importer or the placeholder for this key, made (in the caller's unit) when
        there is none yet."""
        found = self.known(key)
        if found is not None:
            return found
        external = stored_key(key)
        found_here = await store_import.get_placeholder(
            conn, self.importer.id, self.source, external
        )
        if found_here is None:
            name = person.name if person is not None else key
            found_here = await store_import.insert_placeholder(
                conn,
                owner_id=self.importer.id,
                source=self.source,
                external_key=external,
                handle=storable(person.handle if person is not None else ""),
                display_name=display_name(name, key),
                now=now,
                job_id=self.job_id,
            )
            self.created += 1
        someone = Someone(user_id=found_here[0], handle=found_here[1])
        self._known[key] = someone
        self.contacts.add(someone.user_id)
        return someone
