"""What a role, a greeting, a remark and tags must look like."""

from __future__ import annotations

from guanxi.accounts.rules import check_line, check_text
from guanxi.errors import InvalidInput
from guanxi.relationships.models import ROLES

GREETING_MAX = 200
REMARK_MAX = 64
TAG_MAX = 32
TAGS_MAX = 20


def check_role(role: str) -> str:
    if role not in ROLES:
        raise InvalidInput(f"A role is one of: {', '.join(ROLES)}.", "invalid_role")
    return role


def check_greeting(greeting: str) -> str:
    return check_text(greeting, field="greeting", max_chars=GREETING_MAX)


def check_remark(remark: str) -> str:
    return check_line(remark, field="remark", max_chars=REMARK_MAX)


def check_tags(tags: list[str]) -> list[str]:
    if len(tags) > TAGS_MAX:
        raise InvalidInput(f"At most {TAGS_MAX} tags.", "too_many_tags")
    cleaned: list[str] = []
    for tag in tags:
        tag = check_line(tag, field="tag", max_chars=TAG_MAX, allow_empty=False)
        if tag not in cleaned:
            cleaned.append(tag)
    return cleaned


def sort_key(remark: str, display_name: str) -> str:
    """Where a friend sorts in one's friend list: by remark, else display name, ignoring case.
    Kept in the friendship row (`sort_key`) so a page of friends is one index range."""
    return (remark or display_name).casefold()[:SORT_KEY_MAX]


SORT_KEY_MAX = 200
