"""File names: what an upload's name is cleaned to, and the name each item is served under.

A file (kind `file`) keeps its name: it is part of what is sent ("合同.pdf"). A photo's, voice
note's or video's name is the uploader's alone — a camera's "IMG_20240501_153012.jpg" or a
recorder's "Voice 2024-05-01 at home.m4a" tells when and where — so everyone else gets it
under a neutral name made of its kind and type ("photo.jpg", "voice.ogg", "video.mp4")."""

from __future__ import annotations

import mimetypes
import unicodedata

from guanxi.media.models import FILE, IMAGE, VIDEO, VOICE

FILENAME_MAX = 255
NEUTRAL = {IMAGE: "photo", VOICE: "voice", VIDEO: "video", FILE: "file"}
EXTENSIONS = {"audio/ogg": ".ogg", "audio/wav": ".wav", "audio/webm": ".webm"}
_STRIPPED = ("Zl", "Zp")  # line and paragraph separators break a name across lines


def clean_filename(name: str) -> str:
    """The last path segment, without control, format (bidi overrides, zero-width marks),
    unassigned or private-use characters or line breaks, at most 255 characters; "" when
    nothing is left or only dots (no "." or ".." for anyone's disk)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(c for c in base if not _stripped(unicodedata.category(c)))
    cleaned = kept.strip()[:FILENAME_MAX].strip()
    return "" if cleaned.strip(".") == "" else cleaned


def _stripped(category: str) -> bool:
    return category[0] == "C" or category in _STRIPPED


def neutral_name(kind: str, mime: str) -> str:
    """The name an item goes out under when its own name is withheld."""
    extension = EXTENSIONS.get(mime) or mimetypes.guess_extension(mime, strict=False) or ""
    return NEUTRAL.get(kind, "file") + extension


def served_name(kind: str, mime: str, filename: str, *, own: bool) -> str:
    """The name an item's original is downloaded under: a file's own name (or "file…"), the
    uploader's own name for the uploader, a neutral one for everyone else."""
    if filename and (kind == FILE or own):
        return filename
    return neutral_name(kind, mime)
