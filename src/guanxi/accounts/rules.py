"""What a handle, a password, a display name and a bio must look like."""

from __future__ import annotations

import re
import unicodedata

from guanxi.errors import InvalidInput

HANDLE = re.compile(r"[a-z0-9_.]{3,32}")
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
DISPLAY_NAME_MAX = 64
BIO_MAX = 500
MOMENTS_VISIBLE = ("3d", "6m", "all")  # how far back friends see my moments


DELETED_PREFIX = "deleted."  # deleted accounts are renamed deleted.<id>
PLACEHOLDER_PREFIX = "imported."  # placeholders an import made are imported.<16 hex digits>
RESERVED_PREFIXES = (DELETED_PREFIX, PLACEHOLDER_PREFIX)
HANDLE_RULE = (  # HANDLE and RESERVED_PREFIXES in words, for help texts
    "3 to 32 characters of a-z, 0-9, '_' and '.' (no capitals, spaces or other letters),"
    " not starting with " + " or ".join(f"'{p}'" for p in RESERVED_PREFIXES)
)
PLACEHOLDER_ORIGIN = "import:"  # a placeholder's users.origin: import:<the importer's id>


def placeholder_origin(owner_id: int) -> str:
    return f"{PLACEHOLDER_ORIGIN}{owner_id}"


def placeholder_owner(origin: str | None) -> int | None:
    """The importer a placeholder belongs to, from its origin."""
    if origin is None or not origin.startswith(PLACEHOLDER_ORIGIN):
        return None
    digits = origin.removeprefix(PLACEHOLDER_ORIGIN)
    return int(digits) if digits.isdigit() else None


def check_handle(handle: str) -> str:
    if not HANDLE.fullmatch(handle):
        raise InvalidInput(
            "A handle is 3 to 32 characters of a-z, 0-9, '_' and '.'.", "invalid_handle"
        )
    if handle.startswith(RESERVED_PREFIXES):
        raise InvalidInput(
            "Handles starting with 'deleted.' or 'imported.' are reserved.", "invalid_handle"
        )
    return handle


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise InvalidInput(
            f"A password has {PASSWORD_MIN} to {PASSWORD_MAX} characters.", "invalid_password"
        )
    return password


# Unicode's categories Cc (controls) but newline and tab, and Cs (lone surrogate halves)
FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def check_text(value: str, *, field: str, max_chars: int, allow_empty: bool = True) -> str:
    """Unicode text of any script: no control characters but newlines and tabs."""
    if len(value) > max_chars:
        raise InvalidInput(f"{field} is longer than {max_chars} characters.", "too_long")
    if not allow_empty and not value.strip():
        raise InvalidInput(f"{field} must not be empty.", "empty")
    if FORBIDDEN_CHARS.search(value) is not None:
        raise InvalidInput(f"{field} contains a control character.", "invalid_text")
    return value


# Bidirectional controls: embeddings, overrides, isolates and marks that reorder what follows
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
# Letters that render as nothing (Hangul fillers, the braille blank, Mongolian vowel separator)
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")


def check_line(value: str, *, field: str, max_chars: int, allow_empty: bool = True) -> str:
    """A one-line field people are known by (a name, a remark, a tag): stripped, no line
    breaks, no bidirectional controls (a name that reads backwards), and, unless empty,
    something visible (not only spaces, zero-width or blank characters)."""
    value = check_text(value.strip(), field=field, max_chars=max_chars, allow_empty=allow_empty)
    if "\n" in value or "\t" in value:
        raise InvalidInput(f"{field} is one line.", "invalid_text")
    if BIDI_CONTROLS.search(value) is not None:
        raise InvalidInput(f"{field} contains a text direction control.", "invalid_text")
    if value and not any(_visible(char) for char in value):
        raise InvalidInput(f"{field} has nothing visible in it.", "empty")
    return value


def _visible(char: str) -> bool:
    return char not in BLANK_LETTERS and unicodedata.category(char) not in INVISIBLE_CATEGORIES


INVISIBLE_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cf", "Cc", "Mn", "Me"})


def check_display_name(name: str) -> str:
    return check_line(name, field="display_name", max_chars=DISPLAY_NAME_MAX, allow_empty=False)


def check_bio(bio: str) -> str:
    return check_text(bio, field="bio", max_chars=BIO_MAX)


def check_moments_visible(value: str) -> str:
    if value not in MOMENTS_VISIBLE:
        raise InvalidInput(
            f"moments_visible is one of: {', '.join(MOMENTS_VISIBLE)}.", "invalid_moments_visible"
        )
    return value
