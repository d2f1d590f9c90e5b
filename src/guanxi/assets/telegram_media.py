"""What a Telegram message carries besides its text: a photo or a file (a sticker, a voice or
video note, an audio or video file, a GIF) as an Attachment, and a poll, a shared contact, a
location, a game or an invoice as text describing it.

A file path in result.json is relative to the file's folder; where the export left the file out
("(File not included. Change data exporting settings to download.)", too large, unavailable),
or the upload does not hold it, the Attachment's path is None."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from typing import Any

from guanxi.assets.bundle import Attachment

# media_type → guanxi's kind; a document with no media_type is a file
KINDS = {
    "sticker": "image",
    "voice_message": "voice",
    "video_message": "video",
    "video_file": "video",
    "animation": "video",
    "audio_file": "file",  # a song or a recording sent as a file, not a voice note
}
STICKER_MIMES = {".webp": "image/webp", ".webm": "video/webm", ".tgs": "application/x-tgsticker"}


@dataclass(frozen=True, kw_only=True)
class Files:
    """The upload's files, and the folder result.json sits in ("" or "Export/")."""

    root: str
    names: frozenset[str]

    def find(self, value: Any) -> str | None:
        if not isinstance(value, str) or not value or value.startswith("("):
            return None
        name = posixpath.normpath(self.root + value)
        return name if name in self.names else None


@dataclass(frozen=True, kw_only=True)
class Media:
    kind: str  # image | voice | video | file, or "" for none
    attachment: Attachment | None = None
    text: str = ""  # text standing for what cannot be attached (a sticker's emoji, a poll…)


def media_of(data: dict[str, Any], files: Files) -> Media:
    if "photo" in data:
        path = files.find(data["photo"])
        name = posixpath.basename(path) if path else ""
        return Media(
            kind="image",
            attachment=Attachment(kind="image", path=path, name=name, mime="image/jpeg"),
        )
    if "file" in data:
        return _document(data, files)
    return Media(kind="", text=described(data))


def _document(data: dict[str, Any], files: Files) -> Media:
    path = files.find(data["file"])
    media_type = _str(data.get("media_type"))
    mime = _str(data.get("mime_type"))
    kind = KINDS.get(media_type, "file")
    if media_type == "sticker":
        suffix = posixpath.splitext(path or _str(data.get("file_name")))[1].lower()
        mime = mime or STICKER_MIMES.get(suffix, "image/webp")
        kind = "video" if mime.startswith("video/") else "image"
        emoji = _str(data.get("sticker_emoji"))
        if emoji and (path is None or suffix == ".tgs"):  # an animated sticker shows as its emoji
            return Media(kind="", text=emoji)
    name = _str(data.get("file_name")) or (posixpath.basename(path) if path else "")
    if media_type == "audio_file" and not name:
        name = " – ".join(p for p in (_str(data.get("performer")), _str(data.get("title"))) if p)
    return Media(kind=kind, attachment=Attachment(kind=kind, path=path, name=name, mime=mime))


def described(data: dict[str, Any]) -> str:
    """A poll, a shared contact, a location, a game or an invoice, as text; "" for none."""
    if isinstance(data.get("poll"), dict):
        return _poll(data["poll"])
    if isinstance(data.get("contact_information"), dict):
        info = data["contact_information"]
        name = " ".join(p for p in (_str(info.get("first_name")), _str(info.get("last_name"))) if p)
        return "Contact: " + ", ".join(p for p in (name, _str(info.get("phone_number"))) if p)
    if "location_information" in data or "place_name" in data:
        return _location(data)
    if _str(data.get("game_title")):
        return f"Game: {data['game_title']}"
    if isinstance(data.get("invoice_information"), dict):
        return f"Invoice: {_str(data['invoice_information'].get('title'))}"
    return ""


def _poll(poll: dict[str, Any]) -> str:
    lines = [f"Poll: {_str(poll.get('question'))}"]
    answers = poll.get("answers")
    for answer in answers if isinstance(answers, list) else ():
        if isinstance(answer, dict):
            voters = answer.get("voters")
            votes = f" ({voters} votes)" if isinstance(voters, int) else ""
            lines.append(f"- {_str(answer.get('text'))}{votes}")
    return "\n".join(lines)


def _location(data: dict[str, Any]) -> str:
    point = data.get("location_information")
    where = ""
    if isinstance(point, dict):
        where = f"{point.get('latitude')}, {point.get('longitude')}"
    place = ", ".join(p for p in (_str(data.get("place_name")), _str(data.get("address"))) if p)
    label = "Live location" if "live_location_period_seconds" in data else "Location"
    if place:
        return f"{label}: {place}" + (f" ({where})" if where else "")
    return f"{label}: {where}" if where else label


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""
