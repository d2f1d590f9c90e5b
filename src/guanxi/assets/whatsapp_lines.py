"""What one WhatsApp line says once its stamp is off: a message `Name: text` (the text may run
on over the lines that follow), a system line (see whatsapp_system.py), or an empty message.

A message's body is text, a file the export attached (Android `IMG-….jpg (file attached)`, iOS
`<attached: 00000012-PHOTO-….jpg>`), a file it left out (`<Media omitted>`, iOS `image
omitted`, a bare `null`), or a deleted message; a `<This message was edited>` at its end marks
an edit. The forms are WhatsApp's English ones and the translations listed below."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from guanxi.assets.whatsapp_system import ACTOR_MAX, SystemLine, match_system

MARKS = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
# "John Doe:" or "John Doe:." with nothing after the colon: an empty message (WhatsApp sends
# none; hand-made and damaged exports have them). Dropped.
EMPTY = re.compile(rf"[^:]{{1,{ACTOR_MAX}}}:\.?")
OMITTED = {
    "<media omitted>": "file",
    "<medien ausgeschlossen>": "file",  # German
    "<multimedia omitido>": "file",  # Spanish
    "<archivo omitido>": "file",
    "<médias omis>": "file",  # French
    "<mídia oculta>": "file",  # Portuguese
    "<media weggelaten>": "file",  # Dutch
    "<media omessi>": "file",  # Italian
    "<без медиафайлов>": "file",  # Russian
    "null": "file",  # Android writes it for a view-once or unreadable item
    "image omitted": "image",  # iOS
    "sticker omitted": "image",
    "gif omitted": "image",
    "video omitted": "video",
    "audio omitted": "voice",
    "document omitted": "file",
    "contact card omitted": "file",
    "imagen omitida": "image",
    "video omitido": "video",
    "audio omitido": "voice",
    "sticker omitido": "image",
    "bild weggelassen": "image",
    "audio weggelassen": "voice",
    "video weggelassen": "video",
}
DELETED = frozenset(
    {
        "this message was deleted",
        "you deleted this message",
        "se eliminó este mensaje",
        "eliminaste este mensaje",
        "diese nachricht wurde gelöscht",
        "du hast diese nachricht gelöscht",
        "ce message a été supprimé",
        "vous avez supprimé ce message",
        "esta mensagem foi apagada",
        "você apagou esta mensagem",
        "questo messaggio è stato eliminato",
        "hai eliminato questo messaggio",
    }
)
EDITED = re.compile(
    rf"\s*[{MARKS}]*<(?:This message was edited|Se editó este mensaje\.?|"
    r"Diese Nachricht wurde bearbeitet\.?|Ce message a été modifié\.?|"
    r"Esta mensagem foi editada\.?|Questo messaggio è stato modificato\.?)>\s*$"
)
# What iOS marks with U+200E like a notice but the sender sent: a location, a poll.
MARKED_CONTENT = ("Location: ", "live location shared", "POLL:", "Ubicación: ", "Standort: ")
ATTACHED_IOS = re.compile(r"<[^<>:]{1,40}:\s?(?P<file>[^<>/\\]{1,255}\.\w{1,6})>")
# "report.pdf (file attached)", and with what Android adds for a document: "• 3 pages"
ATTACHED_ANDROID = re.compile(
    r"(?P<file>[^<>/\\]{1,255}?\.\w{1,6})(?: • [^()]{1,40})? \((?P<note>[^()]{1,40})\)"
)
# "(file attached)" as Android writes it, in English and in a few translations.
FILE_ATTACHED = frozenset(
    {
        "file attached",
        "archivo adjunto",
        "datei angehängt",
        "fichier joint",
        "arquivo anexado",
        "bestand bijgevoegd",
        "file allegato",
        "файл добавлен",
    }
)
WHATSAPP_MEDIA_NAME = re.compile(r"(?:IMG|VID|AUD|PTT|STK|DOC)-\d{8}-WA\d+.*|\d{8}-[A-Z]+-.*")
KINDS = {
    **dict.fromkeys(("jpg", "jpeg", "png", "webp", "gif", "heic"), "image"),
    **dict.fromkeys(("opus", "ogg", "m4a", "mp3", "aac", "amr", "wav"), "voice"),
    **dict.fromkeys(("mp4", "3gp", "mov", "m4v", "webm", "mkv"), "video"),
}
MIMES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "opus": "audio/ogg",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
    "mp3": "audio/mpeg",
    "aac": "audio/aac",
    "mp4": "video/mp4",
    "3gp": "video/3gpp",
    "mov": "video/quicktime",
    "pdf": "application/pdf",
}


@dataclass(frozen=True, kw_only=True)
class Said:
    """One record, classified: a message (name set), a system line (system set), or empty."""

    name: str = ""  # the sender as written; "" for a system line or an empty message
    body: str = ""  # the message's text after "Name: ", or the whole system line
    system: SystemLine | None = None


@dataclass(frozen=True, kw_only=True)
class Body:
    kind: str  # text | image | voice | video | file (emoji and link are decided later)
    text: str
    file: str = ""  # the file's name as the export gives it ("" if it gives none)
    has_file: bool = False  # the message carried a file, named or left out
    recalled: bool = False
    edited: bool = False


def classify(text: str) -> Said:
    """What the text after a stamp says (continuation lines included, joined by newlines)."""
    first = text.split("\n", 1)[0]
    if EMPTY.fullmatch(first.rstrip()) and first.strip() == text.strip():
        return Said()
    whole = clean(text)
    if not whole:
        return Said()  # a stamp and nothing after it
    system = match_system(whole)
    if system is not None:
        return Said(body=whole, system=system)
    cut = first.find(": ")
    if not 0 < cut <= ACTOR_MAX:
        return Said(body=whole, system=SystemLine(actor=None, group=False, subject=""))
    name, raw = clean(first[:cut]), text[cut + 2 :]
    body = clean(raw)
    return _message_or_notice(name, raw, body)


def _message_or_notice(name: str, raw: str, body: str) -> Said:
    """`Name: text` is a system line when the text is one whose actor is that name (Android
    writes "X: X updated the message timer"), or when iOS marked it with U+200E and it is no
    file, no deletion and no shared location or poll (iOS writes group notices as "Group
    subject: \u200eYou added Bob", and calls as "Bob: \u200eMissed voice call")."""
    marked = raw.startswith("\u200e")
    named = body.startswith((f"{name} ", f"{name}'"))
    system = match_system(body) if marked or named else None
    if system is not None and system.actor == name:
        return Said(name=name, body=body, system=system)
    if marked and not _content(body):
        system = system or SystemLine(actor=None, group=False, subject="")
        return Said(name=name, body=body, system=system)
    return Said(name=name, body=body)


def _content(body: str) -> bool:
    """Whether an iOS-marked text is something the sender sent: a file, a deletion, a location."""
    return body.startswith(MARKED_CONTENT) or read_body(body).kind != "text" or _deleted(body)


def read_body(body: str) -> Body:
    edited = EDITED.search(body)
    if edited is not None:
        body = clean(body[: edited.start()])
    first, _, caption = body.partition("\n")
    if _deleted(body):
        return Body(kind="text", text="", recalled=True, edited=edited is not None)
    file, kind = _attached(clean(first))
    if kind:
        return Body(kind=kind, text=caption, file=file, has_file=True, edited=edited is not None)
    return Body(kind="text", text=body, edited=edited is not None)


def _attached(first: str) -> tuple[str, str]:
    """(file name or "", kind or "") of a first line that says a file came with the message."""
    omitted = OMITTED.get(first.lower())
    if omitted is not None:
        return "", omitted
    ios = ATTACHED_IOS.fullmatch(first)
    if ios is not None:
        return ios["file"], kind_of(ios["file"])
    android = ATTACHED_ANDROID.fullmatch(first)
    if android is not None and (
        android["note"].lower() in FILE_ATTACHED or WHATSAPP_MEDIA_NAME.fullmatch(android["file"])
    ):
        return android["file"], kind_of(android["file"])
    return "", ""


def _deleted(body: str) -> bool:
    return body.rstrip(".").lower() in DELETED


def kind_of(file: str) -> str:
    """image, voice, video or file, from the name's extension (a .webp sticker is an image)."""
    return KINDS.get(PurePosixPath(file).suffix.lower().lstrip("."), "file")


def mime_of(file: str) -> str:
    return MIMES.get(PurePosixPath(file).suffix.lower().lstrip("."), "")


def clean(text: str) -> str:
    """Without the invisible direction marks iOS puts around names and notices, nor the
    whitespace at either end."""
    return text.strip().strip(MARKS).strip()
