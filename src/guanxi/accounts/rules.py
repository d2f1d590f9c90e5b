"""What a handle, a password, a display name and a bio must look like."""

from __future__ import annotations

import re

from guanxi.errors import InvalidInput

HANDLE = re.compile(r"[a-z0-9_.]{3,32}")
PASSWORD_MIN = 8
PASSWORD_MAX = 1024
DISPLAY_NAME_MAX = 64
BIO_MAX = 500
MOMENTS_VISIBLE = ("3d", "6m", "all")  # how far back friends see my moments


def check_handle(handle: str) -> str:
    if not HANDLE.fullmatch(handle):
        raise InvalidInput(
            "A handle is 3 to 32 characters of a-z, 0-9, '_' and '.'.", "invalid_handle"
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


def check_display_name(name: str) -> str:
    name = name.strip()
    check_text(name, field="display_name", max_chars=DISPLAY_NAME_MAX, allow_empty=False)
    if "\n" in name or "\t" in name:
        raise InvalidInput("display_name is one line.", "invalid_text")
    return name


def check_bio(bio: str) -> str:
    return check_text(bio, field="bio", max_chars=BIO_MAX)


def check_moments_visible(value: str) -> str:
    if value not in MOMENTS_VISIBLE:
        raise InvalidInput(
            f"moments_visible is one of: {', '.join(MOMENTS_VISIBLE)}.", "invalid_moments_visible"
        )
    return value
