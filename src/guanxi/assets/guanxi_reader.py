"""Reading a guanxi archive (docs/export-format.md) into the neutral model, trusting none of it.

`read_guanxi(source)` checks the manifest (format `guanxi-archive`, a version this reader knows,
every file listed and every listed file there) and gives a GuanxiArchive, whose readers stream
the files: `chats()` (conversations.jsonl and messages.jsonl in step), `moments()`, `people()`,
`friends()`, `blocks()`, `interactions()`, `profile()`, `open_media(sha256)`. Every file is
hashed as it streams and checked against the manifest at its end, every line is checked for its
shape and for the people and media it names, and every error is a BadArchive naming the file
and the line. A hash is known to be right only at the end of its file, after earlier records
were given out: an import reads everything once first — `validate()`, or `read_guanxi_bundle`
through to its end, which then checks the rest (media and viewer hashes included) — and writes
only when that passed; both can be run again at will (nothing is cached but the people and
media indexes)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from guanxi.assets.bundle import (
    Attachment,
    BadArchive,
    Chat,
    Comment,
    Like,
    Moment,
    Person,
    Source,
)
from guanxi.assets.guanxi_chats import read_chats
from guanxi.assets.guanxi_checks import Check
from guanxi.assets.guanxi_lines import hash_through, open_hashed, read_json, records
from guanxi.assets.guanxi_manifest import MANIFEST_NAME, REQUIRED, read_manifest
from guanxi.assets.guanxi_records import (
    BLOCK,
    FRIEND,
    INTERACTION,
    MEDIA,
    MOMENT,
    PERSON,
    PROFILE,
    ArchivePerson,
    Block,
    Friend,
    GuanxiChat,
    GuanxiMoment,
    Interaction,
    Manifest,
    MediaFile,
    Profile,
)

MAX_PEOPLE = 500_000  # people.jsonl is held in memory as handle → name
_COUNTED = {f"{name}.jsonl": name for name in ("conversations", "messages", "media", "moments")}
_COUNTED |= {"friends.jsonl": "friends", "people.jsonl": "people"}


def detect_guanxi(source: Source) -> bool:
    """Whether the upload claims to be a guanxi archive (read_guanxi says what is wrong)."""
    return MANIFEST_NAME in source.names()


def read_guanxi(source: Source) -> GuanxiArchive:
    return GuanxiArchive(source, read_manifest(source))


def read_guanxi_bundle(source: Source, *, me: str | None = None) -> Iterator[Chat | Moment]:
    """The archive as an import format reads it (assets/formats.py): every chat, then every
    moment. `me` is not needed: the manifest says whose archive it is."""
    archive = read_guanxi(source)
    yield from archive.chats()
    yield from archive.moments()
    archive.check_the_rest()  # so reading it all through is a whole validation pass


class GuanxiArchive:
    def __init__(self, source: Source, manifest: Manifest) -> None:
        self.source = source
        self.manifest = manifest
        self.me = manifest.handle
        self._names: dict[str, str] | None = None
        self._media: dict[str, MediaFile] | None = None

    # -- files ---------------------------------------------------------------------------------

    def records(self, name: str, check: Check) -> Iterator[tuple[int, dict[str, Any]]]:
        """(line number, record) of a JSON Lines file; at its end, its hash and line count."""
        number = 0
        for number, record in records(self.source, name, self.manifest.files[name], check):
            yield number, record
        counted = _COUNTED.get(name)
        if counted is not None and number != self.manifest.counts[counted]:
            raise BadArchive(
                f"{number} lines, where the manifest counts {self.manifest.counts[counted]}",
                "count_mismatch",
                name,
            )

    def open_media(self, sha256: str) -> BinaryIO:
        """A media file's bytes; reading to its end checks its hash (BadArchive if it differs)."""
        media = self.media().get(sha256)
        if media is None:
            raise BadArchive("no such media file in the archive", "missing_file", f"media/{sha256}")
        return open_hashed(self.source, media.path, self.manifest.files[media.path])

    def validate(self) -> None:
        """Read the whole archive, checking every record and every file's hash."""
        for chat in self.chats():
            for _ in chat.entries:
                pass
        for _ in self.moments():
            pass
        self.check_the_rest()

    def check_the_rest(self) -> None:
        """Check what chats() and moments() do not read: the profile, people, friends, blocks
        and interactions, and the hash of every other file (media, the viewer)."""
        self.profile()
        for reader in (self.people, self.friends, self.blocks, self.interactions):
            for _ in reader():
                pass
        for name, expected in self.manifest.files.items():
            if name not in REQUIRED:
                hash_through(self.source, name, expected)

    # -- records -------------------------------------------------------------------------------

    def profile(self) -> Profile:
        record = read_json(
            self.source, "profile.json", self.manifest.files["profile.json"], PROFILE
        )
        if record["handle"] != self.me:
            raise self.wrong("profile.json", "", f"'handle' is not the manifest's user {self.me}")
        return Profile(**record)

    def people(self) -> Iterator[ArchivePerson]:
        for _, record in self.records("people.jsonl", PERSON):
            yield ArchivePerson(**record)

    def friends(self) -> Iterator[Friend]:
        for number, record in self.records("friends.jsonl", FRIEND):
            self.known(record["handle"], "friends.jsonl", number, "handle")
            yield Friend(**(record | {"tags": tuple(record["tags"])}))

    def blocks(self) -> Iterator[Block]:
        for number, record in self.records("blocks.jsonl", BLOCK):
            self.known(record["handle"], "blocks.jsonl", number, "handle")
            yield Block(**record)

    def interactions(self) -> Iterator[Interaction]:
        for number, record in self.records("interactions.jsonl", INTERACTION):
            moment = record["moment"]
            self.known(moment["author"], "interactions.jsonl", number, "moment.author")
            yield Interaction(
                kind=record["kind"],
                author=moment["author"],
                moment_at=moment["created_at"],
                moment_text=moment["text"],
                text=record["text"],
                at=record["created_at"],
            )

    def chats(self) -> Iterator[GuanxiChat]:
        """Each conversation with its messages as entries, which must be consumed (or are
        skipped, still checked) before the next chat is asked for."""
        return read_chats(self)

    def moments(self) -> Iterator[GuanxiMoment]:
        for number, record in self.records("moments.jsonl", MOMENT):
            yield self._moment(number, record)

    # -- people and media named by records -----------------------------------------------------

    def person(self, handle: str) -> Person:
        """Anyone a record names, as the neutral model has them (Person.key is the handle)."""
        name = self.names().get(handle)
        if name is None:
            raise BadArchive(f"{handle} is not in people.jsonl", "missing_person", "people.jsonl")
        return Person(key=handle, name=name, handle=handle, is_me=handle == self.me)

    def names(self) -> dict[str, str]:
        """handle → display name of everyone in people.jsonl (read once, then held)."""
        if self._names is None:
            self._names = self._read_names()
        return self._names

    def media(self) -> dict[str, MediaFile]:
        """sha256 → the media.jsonl line of each file (read once, then held)."""
        if self._media is None:
            self._media = self._read_media()
        return self._media

    def known(self, handle: str, name: str, number: int, path: str) -> str:
        if handle not in self.names():
            raise self.wrong(name, number, f"'{path}' names {handle}, who is not in people.jsonl")
        return handle

    def attachment(self, sha256: str, name: str, number: int, path: str) -> Attachment:
        media = self.media().get(sha256)
        if media is None:
            raise self.wrong(name, number, f"'{path}' names a file that is not in media.jsonl")
        return Attachment(kind=media.kind, path=media.path, name=media.filename, mime=media.mime)

    def wrong(self, name: str, number: int | str, message: str) -> BadArchive:
        return BadArchive(message, "bad_record", name, str(number))

    def _read_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for number, record in self.records("people.jsonl", PERSON):
            handle = record["handle"]
            if handle in names:
                raise self.wrong("people.jsonl", number, f"'handle' {handle} is listed twice")
            if len(names) >= MAX_PEOPLE:
                raise BadArchive(
                    f"more than {MAX_PEOPLE} people", "too_many_people", "people.jsonl"
                )
            names[handle] = record["display_name"]
        if self.me not in names:
            raise BadArchive(
                f"the archive's user {self.me} is not in it", "missing_person", "people.jsonl"
            )
        return names

    def _read_media(self) -> dict[str, MediaFile]:
        media: dict[str, MediaFile] = {}
        for number, record in self.records("media.jsonl", MEDIA):
            sha, path = record["sha256"], record["path"]
            if path != f"media/{sha}" or sha in media:
                raise self.wrong("media.jsonl", number, f"'path' must be media/{sha}, once")
            if path not in self.manifest.files:
                raise self.wrong("media.jsonl", number, f"'path' {path} is not in the archive")
            if self.source.size(path) != record["size"]:
                raise self.wrong("media.jsonl", number, f"'size' is not the size of {path}")
            fields = ("kind", "mime", "size", "filename")
            media[sha] = MediaFile(sha256=sha, path=path, **{k: record[k] for k in fields})
        return media

    def _moment(self, number: int, record: dict[str, Any]) -> GuanxiMoment:
        name = "moments.jsonl"
        media = tuple(
            self.attachment(sha, name, number, f"media[{i}]")
            for i, sha in enumerate(record["media"])
        )
        likes = tuple(
            Like(
                sender=self.known(like["handle"], name, number, f"likes[{i}].handle"),
                at=like["created_at"],
            )
            for i, like in enumerate(record["likes"])
        )
        comments = tuple(self._comments(number, record["comments"]))
        handles = dict.fromkeys([like.sender for like in likes] + [c.sender for c in comments])
        return GuanxiMoment(
            key=str(record["id"]),
            text=record["text"],
            at=record["created_at"],
            place=record["place"],
            media=media,
            likes=likes,
            comments=comments,
            people=tuple(self.person(handle) for handle in handles),
            audience=record["audience"]["kind"],
            audience_tags=tuple(record["audience"]["tags"]),
        )

    def _comments(self, number: int, comments: list[dict[str, Any]]) -> Iterator[Comment]:
        earlier: set[str] = set()
        for i, comment in enumerate(comments):
            path = f"comments[{i}]"
            reply_to = None if comment["reply_to"] is None else str(comment["reply_to"])
            if reply_to is not None and reply_to not in earlier:
                message = f"'{path}.reply_to' names no earlier comment of this moment"
                raise self.wrong("moments.jsonl", number, message)
            key = str(comment["id"])
            earlier.add(key)
            sender = self.known(comment["handle"], "moments.jsonl", number, f"{path}.handle")
            yield Comment(
                key=key,
                sender=sender,
                text=comment["text"],
                at=comment["created_at"],
                reply_to=reply_to,
            )
