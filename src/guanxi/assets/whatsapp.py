"""WhatsApp chat exports (`.txt`, alone or in a `.zip` with the media) read into the neutral
model (bundle.py). Each chat file is read twice, line by line, never whole: a first pass learns
who is in it, whether it is a group and which way round its dates go; the second yields the
entries. The line grammar is in whatsapp_lines.py and whatsapp_system.py, stamps in
whatsapp_dates.py, the file reading in whatsapp_records.py; docs/import-formats.md says what
is imported and how."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from guanxi.assets.bundle import SYSTEM, Attachment, BadArchive, Chat, Entry, Person, Source
from guanxi.assets.whatsapp_dates import DateOrder, Stamp
from guanxi.assets.whatsapp_lines import Said, classify, mime_of, read_body
from guanxi.assets.whatsapp_records import looks_like_chat, records
from guanxi.assets.whatsapp_system import is_you
from guanxi.conversations.rules import EMOJI_MAX, check_emoji, check_link
from guanxi.errors import InvalidInput

# The file (or zip, or folder) name WhatsApp gives an export, in a few languages.
CHAT_NAME = re.compile(
    r"(?:WhatsApp Chat (?:with|mit|-)|Chat de WhatsApp con|Discussion WhatsApp avec|"
    r"Conversa do WhatsApp com|Chat WhatsApp con|WhatsApp-chat met) (?P<name>.+?)(?: \(\d+\))?"
)
KEY_WINDOW_MS = 2 * 86_400_000  # how far back the occurrence counts of identical lines reach


def detect_whatsapp(source: Source) -> bool:
    """Whether the upload holds a WhatsApp chat: a .txt whose first line is stamped."""
    return any(looks_like_chat(source, name) for name in _texts(source))


def read_whatsapp(source: Source, *, me: str | None = None, tz: str = "UTC") -> Iterator[Chat]:
    """One Chat per chat file in the upload, its entries read lazily. Local times are read in
    `tz` (an IANA zone name; the export says none)."""
    zone = _zone(tz)
    chats = [name for name in _texts(source) if looks_like_chat(source, name)]
    if not chats:
        _refuse(source)
    media = _media(source, chats)
    for name in chats:
        survey = _survey(source, name)
        created = survey.created
        day_first = survey.order.day_first
        yield Chat(
            key=survey.key(_name_of(source, name)),
            kind="group" if survey.group else "direct",
            title=_name_of(source, name) or survey.title(me),
            created_at=created.at(day_first(created.shape), zone) if created else None,
            people=survey.people(me),
            entries=_entries(source, name, survey, me=me, zone=zone, media=media),
        )


@dataclass(kw_only=True)
class _Survey:
    """What the first pass over a chat file learns."""

    order: DateOrder = field(default_factory=DateOrder)
    senders: dict[str, None] = field(default_factory=dict)  # in order of first message
    actors: dict[str, None] = field(default_factory=dict)  # named by system lines
    has_group_line: bool = False
    subject: str = ""  # the last subject a system line gives
    notice_name: str = ""  # iOS: the name before ": " on the first line, a notice (the chat's)
    created: Stamp | None = None  # when the group was created, if a line says

    @property
    def group(self) -> bool:
        return self.has_group_line or len(self.senders) > 2

    def see(self, said: Said, stamp: Stamp, *, first: bool) -> None:
        if said.system is None:
            self.senders.setdefault(said.name, None)
            return
        if said.system.created and self.created is None:
            self.created = stamp
        self.has_group_line |= said.system.group
        self.subject = said.system.subject or self.subject
        if said.system.actor is not None:
            self.actors.setdefault(said.system.actor, None)
        if said.name and said.system.actor != said.name and first:
            self.notice_name = said.name

    def key(self, name: str) -> str:
        """The chat's name where the export gives one (the file, zip or folder name; iOS: the
        name on its notices) and the sorted names of everyone who wrote in it."""
        identity = [name or self.notice_name, sorted(self.senders)]
        digest = hashlib.sha256(json.dumps(identity, ensure_ascii=False).encode()).hexdigest()
        return f"whatsapp:{digest[:32]}"

    def title(self, me: str | None) -> str:
        others = [name for name in self.senders if name != me]
        if self.notice_name or self.subject:
            return self.notice_name or self.subject
        if not self.group and others:
            return others[0]
        return ", ".join(others[:3]) or "WhatsApp chat"

    def people(self, me: str | None) -> tuple[Person, ...]:
        names = dict(self.senders)
        for actor in self.actors:
            names.setdefault((me or "You") if is_you(actor) else actor, None)
        return tuple(Person(key=name, name=name, is_me=_is_me(name, me)) for name in names)


def _is_me(name: str, me: str | None) -> bool:
    return name == me or (me is None and name == "You")


def _survey(source: Source, name: str) -> _Survey:
    survey = _Survey()
    for number, record in enumerate(records(source, name)):
        survey.order.see(record.stamp)
        said = classify(record.text)
        if said.name or said.system is not None:
            survey.see(said, record.stamp, first=number == 0)
    return survey


def _entries(
    source: Source,
    name: str,
    survey: _Survey,
    *,
    me: str | None,
    zone: ZoneInfo,
    media: dict[str, str],
) -> Iterator[Entry]:
    keys, folder = _Keys(), _folder(name)
    for record in records(source, name):
        said = classify(record.text)
        if not said.name and said.system is None:
            continue  # an empty message
        at = record.stamp.at(survey.order.day_first(record.stamp.shape), zone)
        key = keys.key(said.name if said.system is None else "", at, said.body)
        if said.system is not None:
            actor = said.system.actor
            sender = (me or "You") if actor is not None and is_you(actor) else actor
            yield Entry(key=key, sender=sender, at=at, kind=SYSTEM, text=said.body)
        else:
            yield _message(said, key=key, at=at, media=media, folder=folder, people=survey.senders)


def _message(
    said: Said, *, key: str, at: int, media: dict[str, str], folder: str, people: Iterable[str]
) -> Entry:
    body = read_body(said.body)
    attachment = None
    if body.has_file:
        path = (media.get(f"{folder}{body.file}") or media.get(body.file)) if body.file else None
        attachment = Attachment(kind=body.kind, path=path, name=body.file, mime=mime_of(body.file))
    return Entry(
        key=key,
        sender=said.name,
        at=at,
        kind=body.kind if body.kind != "text" else _text_kind(body.text),
        text=body.text,
        attachment=attachment,
        edited_at=at if body.edited else None,
        edit_count=1 if body.edited else 0,
        recalled_at=at if body.recalled else None,
        mentions=_mentions(body.text, people),
    )


def _mentions(text: str, people: Iterable[str]) -> tuple[str, ...]:
    """The writers of the chat named as "@Name" in the text (WhatsApp shows a mention so)."""
    return tuple(name for name in people if f"@{name}" in text) if "@" in text else ()


def _text_kind(text: str) -> str:
    """emoji or link where conversations' rules would take the text as one, else text."""
    if len(text) <= EMOJI_MAX and not text.isascii() and _passes(check_emoji, text):
        return "emoji"
    if text.startswith("http") and _passes(check_link, text):
        return "link"
    return "text"


def _passes(check: Callable[[str], str], text: str) -> bool:
    try:
        check(text)
    except InvalidInput:
        return False
    return True


@dataclass(kw_only=True)
class _Keys:
    """Entry keys: a digest of sender, time and text, and which of the identical lines at that
    time this one is (so the first "ok" of a minute is the same entry in any export)."""

    seen: dict[int, dict[str, int]] = field(default_factory=dict)
    swept: int = 0  # when the counts older than KEY_WINDOW_MS were last let go

    def key(self, sender: str, at: int, body: str) -> str:
        # a sender has no line break and a time is digits: the joint is unambiguous
        digest = hashlib.sha256(f"{sender}\n{at}\n{body}".encode()).hexdigest()[:32]
        counts = self.seen.setdefault(at, {})
        index = counts[digest] = counts.get(digest, -1) + 1
        if at > self.swept + KEY_WINDOW_MS:
            self.seen = {t: c for t, c in self.seen.items() if t > at - KEY_WINDOW_MS}
            self.swept = at
        return f"{digest}-{index}"


def _texts(source: Source) -> list[str]:
    return [name for name in source.names() if name.lower().endswith(".txt")]


def _media(source: Source, chats: list[str]) -> dict[str, str]:
    """Each other file of the upload by its path and by its bare name (the first one wins)."""
    found: dict[str, str] = {}
    for name in source.names():
        if name not in chats:
            found.setdefault(name, name)
            found.setdefault(PurePosixPath(name).name, name)
    return found


def _folder(name: str) -> str:
    parent = PurePosixPath(name).parent.as_posix()
    return "" if parent == "." else f"{parent}/"


def _name_of(source: Source, name: str) -> str:
    """The chat's name from the file's own name, a folder it is in, or the upload's name."""
    upload = getattr(source, "name", "")
    candidates = [*reversed(PurePosixPath(name).parts), upload if isinstance(upload, str) else ""]
    for part in candidates:
        match = CHAT_NAME.fullmatch(re.sub(r"\.(?:txt|zip)$", "", part, flags=re.IGNORECASE))
        if match is not None:
            return match["name"].strip()
    return ""


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise BadArchive(f"unknown time zone {tz!r}", "bad_time_zone") from None


def _refuse(source: Source) -> None:
    """No chat in the upload: say why, naming the first text file and its line."""
    texts = _texts(source)
    if not texts:
        raise BadArchive("no WhatsApp chat (.txt) in the upload", "not_whatsapp")
    for _ in records(source, texts[0]):
        break
    raise BadArchive("not a WhatsApp chat", "not_whatsapp", file=texts[0], record="line 1")
