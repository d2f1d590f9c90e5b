"""The records of a guanxi archive, version 1 (docs/export-format.md): the shape each must have,
and the plain values a reader gives for those the neutral model (bundle.py) has no place for —
the manifest, the profile, people, friends, blocks, the user's interactions, and the guanxi
extras of a chat, a member and a moment."""

from __future__ import annotations

from dataclasses import dataclass

from guanxi.accounts.rules import MOMENTS_VISIBLE
from guanxi.assets.bundle import SYSTEM, Chat, Moment, Person
from guanxi.assets.guanxi_checks import (
    Check,
    array,
    boolean,
    integer,
    mapping,
    nullable,
    one_of,
    shape,
    string,
)
from guanxi.conversations.models import MEDIA_KINDS, MESSAGE_KINDS
from guanxi.moments.visibility import AUDIENCES
from guanxi.relationships.models import ROLES

FORMAT = "guanxi-archive"
VERSION = 1  # the one version this reader knows
SHA256 = "[0-9a-f]{64}"

_time = integer(0)
_handle = string(1, 64)
_sha = string(pattern=SHA256)
_path = string(1, 500, r"(?!/)(?!.*(^|/)\.\.?(/|$))[^\\\x00]+")
_role = one_of("owner", "admin", "member")
COUNTED = ("conversations", "messages", "media", "moments", "friends", "people")

MANIFEST: Check = shape(
    {
        "format": one_of(FORMAT),
        "version": integer(1),
        "exported_at": _time,
        "user": shape({"handle": _handle, "display_name": string()}),
        "counts": shape({name: integer(0) for name in COUNTED}),
        "files": mapping(_path, _sha),
    }
)
PROFILE: Check = shape(
    {
        "handle": _handle,
        "display_name": string(),
        "bio": string(),
        "created_at": _time,
        "moments_visible": one_of(*MOMENTS_VISIBLE),
    }
)
PERSON: Check = shape(
    {
        "handle": _handle,
        "display_name": string(),
        "is_placeholder": boolean,
        "is_deleted": boolean,
    }
)
FRIEND: Check = shape(
    {
        "handle": _handle,
        "role": one_of(*ROLES),
        "remark": string(),
        "tags": array(string()),
        "since": _time,
    }
)
BLOCK: Check = shape({"handle": _handle, "blocked_at": _time})
_MEMBER = shape(
    {
        "handle": _handle,
        "role": _role,
        "joined_at": nullable(_time),
        "left_at": nullable(_time),
        "last_read_seq": nullable(integer(0)),
    }
)
CONVERSATION: Check = shape(
    {
        "id": integer(1),
        "kind": one_of("direct", "group"),
        "name": string(),
        "announcement": string(),
        "created_at": _time,
        "owner": nullable(_handle),
        "members": array(_MEMBER),
        "window": shape({"after_seq": integer(0), "through_seq": nullable(integer(0))}),
    }
)
_REACTION = shape({"handle": _handle, "emoji": string(1), "created_at": _time})
MESSAGE: Check = shape(
    {
        "conversation": integer(1),
        "seq": integer(1),
        "sender": _handle,
        "kind": one_of(*MESSAGE_KINDS, SYSTEM),
        "text": string(),
        "created_at": _time,
        "reply_to_seq": nullable(integer(1)),
        "mentions": array(_handle),
        "media": nullable(_sha),
        "edited_at": nullable(_time),
        "edit_count": integer(0),
        "recalled_at": nullable(_time),
        "reactions": array(_REACTION),
    }
)
MEDIA: Check = shape(
    {
        "sha256": _sha,
        "kind": one_of(*MEDIA_KINDS),
        "mime": string(1, 255),
        "size": integer(0),
        "filename": string(),
        "width": nullable(integer(0)),
        "height": nullable(integer(0)),
        "duration_ms": nullable(integer(0)),
        "path": string(pattern="media/" + SHA256),
    }
)
MOMENT: Check = shape(
    {
        "id": integer(1),
        "text": string(),
        "place": string(),
        "created_at": _time,
        "audience": shape({"kind": one_of(*AUDIENCES), "tags": array(string())}),
        "media": array(_sha),
        "likes": array(shape({"handle": _handle, "created_at": _time})),
        "comments": array(
            shape(
                {
                    "id": integer(1),
                    "handle": _handle,
                    "text": string(),
                    "created_at": _time,
                    "reply_to": nullable(integer(1)),
                }
            )
        ),
    }
)
INTERACTION: Check = shape(
    {
        "kind": one_of("like", "comment"),
        "moment": shape({"author": _handle, "created_at": _time, "text": string()}),
        "text": string(),
        "created_at": _time,
    }
)


@dataclass(frozen=True, kw_only=True)
class Manifest:
    version: int
    exported_at: int
    handle: str  # the exporting user
    display_name: str
    counts: dict[str, int]
    files: dict[str, str]  # path → SHA-256 (hex) of every file but manifest.json


@dataclass(frozen=True, kw_only=True)
class Profile:
    handle: str
    display_name: str
    bio: str
    created_at: int
    moments_visible: str  # 3d | 6m | all


@dataclass(frozen=True, kw_only=True)
class ArchivePerson:
    """A line of people.jsonl: someone a record names, as the exporting user saw them."""

    handle: str
    display_name: str
    is_placeholder: bool
    is_deleted: bool


@dataclass(frozen=True, kw_only=True)
class Friend:
    handle: str
    role: str
    remark: str
    tags: tuple[str, ...]
    since: int


@dataclass(frozen=True, kw_only=True)
class Block:
    handle: str
    blocked_at: int


@dataclass(frozen=True, kw_only=True)
class Interaction:
    """The user's like or comment on someone else's moment (which is not in the archive)."""

    kind: str  # like | comment
    author: str  # the moment's author
    moment_at: int
    moment_text: str
    text: str  # the comment; "" for a like
    at: int


@dataclass(frozen=True, kw_only=True)
class MediaFile:
    sha256: str
    kind: str
    mime: str
    size: int
    filename: str
    path: str


@dataclass(frozen=True, kw_only=True)
class GuanxiMember(Person):
    """A conversation member: Person.key and Person.handle are the handle."""

    joined_at: int | None = None
    left_at: int | None = None  # set on the exporting user's own line if they left


@dataclass(frozen=True, kw_only=True)
class GuanxiChat(Chat):
    """A conversation: Chat.people are its members (GuanxiMember) as the user may see them;
    its entries may also name people who are no longer members (GuanxiArchive.person)."""

    conversation_id: int  # the exporting server's id, stable there (Chat.key is built from it)
    owner: str | None = None
    after_seq: int = 0  # the user's window of the history: after_seq < seq <= through_seq
    through_seq: int | None = None


@dataclass(frozen=True, kw_only=True)
class GuanxiMoment(Moment):
    audience: str = "all"  # all | only | except | private
    audience_tags: tuple[str, ...] = ()
