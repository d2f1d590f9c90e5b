"""What a moment, its audience, its media and a comment must look like."""

from __future__ import annotations

from guanxi.accounts.rules import check_line, check_text
from guanxi.errors import InvalidInput
from guanxi.moments.visibility import AUDIENCES

TEXT_MAX = 2000
PLACE_MAX = 100
COMMENT_MAX = 500
IMAGES_MAX = 9
MEDIA_IDS_MAX = 9
AUDIENCE_TAGS_MAX = 20
TAG_MAX = 32


def check_text_and_place(text: str, place: str, media_count: int) -> tuple[str, str]:
    text = check_text(text.strip(), field="text", max_chars=TEXT_MAX)
    place = check_text(place.strip(), field="place", max_chars=PLACE_MAX)
    if "\n" in place:
        raise InvalidInput("place is one line.", "invalid_text")
    if not text and media_count == 0:
        raise InvalidInput("A moment needs text, images or a video.", "empty")
    return text, place


def check_audience(kind: str, tags: list[str]) -> tuple[str, list[str]]:
    if kind not in AUDIENCES:
        raise InvalidInput(f"audience.kind is one of: {', '.join(AUDIENCES)}.", "bad_audience")
    cleaned: list[str] = []
    for tag in tags:
        tag = check_line(tag, field="tag", max_chars=TAG_MAX, allow_empty=False)
        if tag not in cleaned:
            cleaned.append(tag)
    if kind in ("only", "except") and not cleaned:
        raise InvalidInput(f'audience "{kind}" needs at least one tag.', "bad_audience")
    if kind in ("all", "private") and cleaned:
        raise InvalidInput(f'audience "{kind}" takes no tags.', "bad_audience")
    if len(cleaned) > AUDIENCE_TAGS_MAX:
        raise InvalidInput(f"At most {AUDIENCE_TAGS_MAX} audience tags.", "bad_audience")
    return kind, cleaned


def check_media_ids(media_ids: list[str]) -> list[str]:
    if len(media_ids) > MEDIA_IDS_MAX:
        raise InvalidInput(f"A moment has at most {IMAGES_MAX} images.", "too_many_media")
    if len(set(media_ids)) != len(media_ids):
        raise InvalidInput("media_ids names the same upload twice.", "bad_media")
    return media_ids


def check_media_kinds(kinds: list[str]) -> None:
    """Up to 9 images, or one video, nothing else."""
    if kinds == ["video"] or (kinds and all(k == "image" for k in kinds)):
        return
    if kinds:
        raise InvalidInput("A moment carries up to 9 images or one video.", "bad_media")


def check_comment(text: str) -> str:
    return check_text(text.strip(), field="text", max_chars=COMMENT_MAX, allow_empty=False)
