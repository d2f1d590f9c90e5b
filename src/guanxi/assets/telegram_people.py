"""Who is who in a Telegram export: person and chat keys, and the survey — a first pass over
the file that gathers each chat's header and people before any of its messages is handed on
(a Chat carries its people; its entries come after).

Keys are Telegram's ids with their kind: "user123", "channel123" (a channel, or a group speaking
as itself), "chat123" (a basic group). Exports before 2021 wrote ids as numbers: a sender's
`from_id` then is the bare user id, or (late 2020) the id plus 2^32; a chat's `id` is the bare id
plus 2^32 for a personal chat and plus 2^33 for a group or channel. Later exports write
`"user123"` strings and bare chat ids, so the same chat has the same key in both."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from guanxi.assets.bundle import BadArchive, Person
from guanxi.assets.telegram_stream import ChatStart, Field, Item, Message, Personal
from guanxi.assets.telegram_text import mention_names
from guanxi.assets.telegram_times import Times

USER_SHIFT = 1 << 32  # added to ids in exports before 2021
GROUP_SHIFT = 1 << 33
PEER = re.compile(r"(user|channel|chat)(\d{1,20})")
DIRECT_TYPES = frozenset(("personal_chat", "bot_chat", "saved_messages", "replies"))
GROUP_TYPES = {
    "private_group": "chat",
    "private_supergroup": "channel",
    "public_supergroup": "channel",
    "private_channel": "channel",
    "public_channel": "channel",
}
CREATED = frozenset(("create_group", "create_channel"))
NO_NAME = "Deleted Account"  # what Telegram shows for a sender whose name the export lacks


def peer_key(value: Any, *, file: str, record: str) -> str:
    """A `from_id`/`actor_id` as a key: "user123" stays; an old number becomes "user…"."""
    if isinstance(value, str):
        match = PEER.fullmatch(value)
        if match is None:
            raise BadArchive(
                f"{value[:40]!r} is not a Telegram id", "wrong_type", file=file, record=record
            )
        return f"{match[1]}{int(match[2])}"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise BadArchive("a sender id is not a Telegram id", "wrong_type", file=file, record=record)
    if value >= GROUP_SHIFT:
        return f"channel{value - GROUP_SHIFT}"
    return f"user{value - USER_SHIFT if value >= USER_SHIFT else value}"


def name_key(name: str) -> str:
    """A sender known only by name (an export that leaves ids out)."""
    return f"name:{name}"


@dataclass(kw_only=True)
class ChatSurvey:
    index: int
    path: str
    messages: str = ""  # the ijson prefix of its messages; "" until the chat has started
    count: int = 0  # how many messages it has
    head: dict[str, Any] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # key → name, in order of appearance
    senders: set[str] = field(default_factory=set)  # keys that wrote a message
    anonymous: bool = False  # a message with no sender at all (an old channel post)
    created_at: int | None = None  # when the export shows the group or channel created
    owner: str | None = None  # who created it

    @property
    def type(self) -> str:
        value = self.head.get("type")
        return value if isinstance(value, str) else ""

    @property
    def title(self) -> str:
        name = self.head.get("name")
        if isinstance(name, str):
            return name
        return "Saved Messages" if self.type == "saved_messages" else ""

    @property
    def kind(self) -> str:
        return "direct" if self.type in DIRECT_TYPES else "group"

    def key(self, *, old_ids: bool, file: str) -> str:
        """Telegram's id for the chat, the same in an old and a new export of it."""
        id_ = self.head.get("id")
        if id_ is None:
            return name_key(self.title or "unnamed")
        if isinstance(id_, bool) or not isinstance(id_, int) or id_ < 0:
            raise BadArchive(
                "a chat's id is not a number", "wrong_type", file=file, record=self.path
            )
        if self.type in DIRECT_TYPES:
            return f"user{id_ - USER_SHIFT if old_ids and id_ >= USER_SHIFT else id_}"
        bare = id_ - GROUP_SHIFT if old_ids and id_ >= GROUP_SHIFT else id_
        return f"{GROUP_TYPES.get(self.type, 'chat')}{bare}"

    def add(self, key: str, name: Any) -> None:
        if isinstance(name, str) and name:
            if self.people.get(key, NO_NAME) == NO_NAME:
                self.people[key] = name
        else:
            self.people.setdefault(key, NO_NAME)


@dataclass(kw_only=True)
class Survey:
    file: str
    personal: dict[str, Any] = field(default_factory=dict)
    chats: list[ChatSurvey] = field(default_factory=list)
    old_ids: bool | None = None  # numbers for ids (before 2021), strings, or not seen yet

    @property
    def me_key(self) -> str | None:
        user = self.personal.get("user_id")
        if isinstance(user, bool) or not isinstance(user, int | str) or not str(user).isdigit():
            return None
        return f"user{int(user)}"

    @property
    def me_name(self) -> str:
        first, last = self.personal.get("first_name"), self.personal.get("last_name")
        return " ".join(p for p in (first, last) if isinstance(p, str) and p) or NO_NAME

    def people(self, chat: ChatSurvey, me: str | None) -> tuple[Person, ...]:
        """The chat's people, the user among them marked `is_me` (see `_mine`)."""
        found = dict(chat.people)
        if chat.anonymous:
            found.setdefault(chat.key(old_ids=bool(self.old_ids), file=self.file), chat.title)
        me_key = self.me_key
        if me_key is not None:
            found.setdefault(me_key, self.me_name)
        mine = self._mine(chat, found, me)
        handle = self.personal.get("username")
        return tuple(
            Person(
                key=key,
                name=name,
                is_me=key in mine,
                role="owner" if key == chat.owner and chat.kind == "group" else "member",
                handle=handle.removeprefix("@")
                if key == me_key and isinstance(handle, str)
                else "",
            )
            for key, name in found.items()
        )

    def _mine(self, chat: ChatSurvey, found: dict[str, str], me: str | None) -> set[str]:
        """The account's owner: `personal_information` says who; else the person named `me`;
        else, in a personal chat's own export, the one sender who is not the chat's peer."""
        wanted = me.strip().casefold() if me else None
        mine = {k for k, name in found.items() if name.casefold() == wanted}
        if self.me_key is not None:
            return mine | {self.me_key}
        if mine or not chat.senders:
            return mine
        if chat.type == "saved_messages":
            return set(chat.senders)
        if chat.type in ("personal_chat", "bot_chat") and "id" in chat.head:
            peer = chat.key(old_ids=bool(self.old_ids), file=self.file)
            others = chat.senders - {peer}
            return others if len(others) == 1 else set()
        return set()


def survey(items: Iterable[Item], file: str) -> Survey:
    """Pass one: every chat's header and people, and whether the export uses old numeric ids.
    Raises BadArchive for malformed JSON anywhere in the file, before anything is imported."""
    result = Survey(file=file)
    chat: ChatSurvey | None = None
    for item in items:
        if isinstance(item, Message) and chat is not None:
            _note_message(result, chat, item)
        elif isinstance(item, ChatStart):
            chat = _chat_at(result, item.index)
            chat.path, chat.messages = item.path, item.messages
        elif isinstance(item, Field):
            _chat_at(result, item.chat).head[item.name] = item.value
        elif isinstance(item, Personal):
            result.personal = item.data
    return result


def _chat_at(result: Survey, index: int) -> ChatSurvey:
    """A single chat's export may give its header before its `messages` key starts it."""
    while len(result.chats) <= index:
        result.chats.append(ChatSurvey(index=len(result.chats), path=""))
    return result.chats[index]


def _note_message(result: Survey, chat: ChatSurvey, message: Message) -> None:
    data = message.data
    chat.count += 1
    for key, name in senders(data, file=result.file, record=message.record):
        chat.add(key, name)
        if data.get("type", "message") == "message":
            chat.senders.add(key)
    for id_field in ("from_id", "actor_id"):
        value = data.get(id_field)
        if value is not None and result.old_ids is None:
            result.old_ids = not isinstance(value, str)
    if data.get("type", "message") == "message" and "from_id" not in data and "from" not in data:
        chat.anonymous = True
    if data.get("action") in CREATED and chat.created_at is None and data.get("type") == "service":
        chat.created_at = Times(data, file=result.file, record=message.record).sent
        chat.owner = next((k for k, _ in senders(data, file=result.file, record="")), None)
    for key, name in mention_names(data):
        chat.add(key, name)
    for key, name in reactors(data, file=result.file, record=message.record):
        chat.add(key, name)


def senders(data: dict[str, Any], *, file: str, record: str) -> Iterator[tuple[str, Any]]:
    """(key, name) of whoever wrote the message or did the service action."""
    for id_field, name_field in (("from_id", "from"), ("actor_id", "actor")):
        if id_field in data and data[id_field] is not None:
            yield peer_key(data[id_field], file=file, record=record), data.get(name_field)
        elif isinstance(data.get(name_field), str):
            yield name_key(data[name_field]), data[name_field]


def reactors(data: dict[str, Any], *, file: str, record: str) -> Iterator[tuple[str, Any]]:
    """(key, name) of each person a reaction names (Telegram lists the recent ones)."""
    reactions = data.get("reactions")
    if not isinstance(reactions, list):
        return
    for reaction in reactions:
        recent = reaction.get("recent") if isinstance(reaction, dict) else None
        for one in recent if isinstance(recent, list) else ():
            if isinstance(one, dict) and one.get("from_id") is not None:
                yield peer_key(one["from_id"], file=file, record=record), one.get("from")
