"""The archive's records, made from what the domains hold: pure functions from rows and values
to the dicts of docs/export-format.md (one per record type; the schemas in `schemas/` check
them). What a viewer may not see is decided before (export_reader.py) or here where it is a
rule of the record itself (a recalled message is a tombstone)."""

from __future__ import annotations

from typing import Any

from guanxi.accounts.models import User
from guanxi.assets.export_format import FORMAT, VERSION, media_path
from guanxi.conversations.window import MembershipWindow
from guanxi.media.models import FILE, Media
from guanxi.moments.models import Moment

Record = dict[str, Any]


def profile_record(user: User) -> Record:
    return {
        "handle": user.handle,
        "display_name": user.display_name,
        "bio": user.bio,
        "created_at": user.created_at,
        "moments_visible": user.moments_visible,
    }


def person_record(user: User, *, hidden: bool) -> Record:
    """`hidden`: they blocked the exporting user, who may not see their profile."""
    return {
        "handle": user.handle,
        "display_name": "" if hidden else user.display_name,
        "is_placeholder": user.is_placeholder,
        "is_deleted": user.is_deleted,
    }


def friend_record(row: Any, handle: str) -> Record:
    """A friendship row (the user's side)."""
    return {
        "handle": handle,
        "role": row.role,
        "remark": row.remark,
        "tags": list(row.tags),
        "since": row.created_at,
    }


def block_record(row: Any, handle: str) -> Record:
    return {"handle": handle, "blocked_at": row.created_at}


def member_record(
    handle: str, role: str, *, joined_at: int | None, left_at: int | None, last_read: int | None
) -> Record:
    return {
        "handle": handle,
        "role": role,
        "joined_at": joined_at,
        "left_at": left_at,
        "last_read_seq": last_read,
    }


def conversation_record(
    row: Any, *, owner: str | None, members: list[Record], window: MembershipWindow
) -> Record:
    """`row`: the conversation as the user may see it (a past member: as they left it)."""
    return {
        "id": row.id,
        "kind": row.kind,
        "name": row.name,
        "announcement": row.announcement,
        "created_at": row.created_at,
        "owner": owner,
        "members": members,
        "window": {"after_seq": window.joined, "through_seq": window.left},
    }


def message_record(
    row: Any, *, withheld: bool, reactions: list[Record], media: str | None
) -> Record:
    """A message row with `sender_handle`. `withheld`: edited after the user left the group
    (the newer text is not theirs to see, the older one is gone). A recalled message is a
    tombstone whatever the row still holds."""
    recalled = row.recalled_at is not None
    empty = recalled or withheld
    return {
        "conversation": row.conversation_id,
        "seq": row.seq,
        "sender": row.sender_handle,
        "kind": row.kind,
        "text": "" if empty else row.text,
        "created_at": row.created_at,
        "reply_to_seq": row.reply_to_seq,
        "mentions": [] if empty else list(row.mentions),
        "media": None if recalled else media,
        "edited_at": row.edited_at,
        "edit_count": row.edit_count,
        "recalled_at": row.recalled_at,
        "reactions": [] if recalled else reactions,
    }


def reaction_record(row: Any) -> Record:
    return {"handle": row.handle, "emoji": row.emoji, "created_at": row.created_at}


def media_record(item: Media, viewer_id: int) -> Record:
    """One distinct file as served. Its name travels only where the server shows it to the
    user: a file's, or their own upload's (a photo's name tells a date and a place)."""
    named = item.kind == FILE or item.owner_id == viewer_id
    return {
        "sha256": item.served_sha256,
        "kind": item.kind,
        "mime": item.mime,
        "size": item.served_size,
        "filename": item.filename if named else "",
        "width": item.width,
        "height": item.height,
        "duration_ms": item.duration_ms,
        "path": media_path(item.served_sha256),
    }


def moment_record(moment: Moment, media: list[str]) -> Record:
    """One of the user's own moments as they see it (hydrated for them), `media` its files'
    hashes in order."""
    return {
        "id": moment.id,
        "text": moment.text,
        "place": moment.place,
        "created_at": moment.created_at,
        "audience": {"kind": moment.audience, "tags": list(moment.audience_tags)},
        "media": media,
        "likes": [
            {"handle": like.user.handle, "created_at": like.created_at} for like in moment.likes
        ],
        "comments": [
            {
                "id": c.id,
                "handle": c.user.handle,
                "text": c.text,
                "created_at": c.created_at,
                "reply_to": c.reply_to_id if c.reply_to_user is not None else None,
            }
            for c in moment.comments
        ],
    }


def interaction_record(kind: str, row: Any, author: str, text: str) -> Record:
    """A like or comment of the user's on someone else's moment (`row`: the moment's columns
    and `given_at`)."""
    return {
        "kind": kind,
        "moment": {"author": author, "created_at": row.created_at, "text": row.text},
        "text": text,
        "created_at": row.given_at,
    }


def manifest_record(
    *, exported_at: int, user: User, counts: dict[str, int], files: dict[str, str]
) -> Record:
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": exported_at,
        "user": {"handle": user.handle, "display_name": user.display_name},
        "counts": counts,
        "files": dict(sorted(files.items())),
    }
