"""What the insight follower works with: facts (who did what to whom, when) and the state of
one side of a pair; and what the insight pages return."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MESSAGE = "message"
REACTION = "reaction"
LIKE = "like"
COMMENT = "comment"
FEEDBACK_KINDS = (REACTION, LIKE, COMMENT)  # acts that are feedback by nature


@dataclass(frozen=True, kw_only=True)
class Fact:
    """`actor` did something addressed to `target` at `at`: a message (`kind` "message",
    `message_kind` "text", "image", …; `reply` when it quotes one of the target's messages), a
    reaction to one of the target's messages, a like or a comment on their moment."""

    kind: str
    actor: int
    target: int
    at: int
    message_kind: str = ""
    reply: bool = False
    mark: tuple[str, int, int] | None = None  # what a take-back may remove: MARK_* below


# A feedback fact's object, as (parent, parent id, item id): a reaction ("message", message id,
# 0), a like ("moment", moment id, 0), a comment ("moment", moment id, comment id).
MARK_MESSAGE = "message"
MARK_MOMENT = "moment"


@dataclass(kw_only=True)
class PairState:
    """One side of a pair: `user_id`'s view of `alter_id` (columns of `insight_pairs`)."""

    user_id: int
    alter_id: int
    sent: int = 0
    received: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    first_at: int = 0
    last_at: int = 0
    interactions: int = 0
    first_interaction_at: int | None = None
    last_interaction_at: int | None = None
    distinct_weeks: int = 0
    scores: dict[str, float] = field(default_factory=dict)
    score_at: int = 0
    pending: list[int] = field(default_factory=list)
    feedback: dict[str, int] = field(default_factory=dict)
    starts_me: int = 0
    starts_them: int = 0
    last_message_at: int | None = None
    response_me: dict[str, int] = field(default_factory=dict)
    response_them: dict[str, int] = field(default_factory=dict)

    @property
    def key(self) -> tuple[int, int]:
        return (self.user_id, self.alter_id)

    def columns(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in PAIR_COLUMNS}


PAIR_COLUMNS = tuple(PairState.__dataclass_fields__)


@dataclass(frozen=True, kw_only=True)
class Position:
    """The follower's checkpoint: the last event applied; the generation grows by one at each
    rebuild (0: never built)."""

    event_id: int
    generation: int


@dataclass(frozen=True, kw_only=True)
class Contact:
    """One of the user's contacts as their insight page shows it."""

    alter_id: int
    handle: str
    display_name: str
    role: str | None
    stage: str
    strength: float
    circle: str | None
    last_interaction_at: int | None
    fading: bool
    silent_days: int | None

    def to_wire(self) -> dict[str, Any]:
        return {
            "handle": self.handle,
            "display_name": self.display_name,
            "role": self.role,
            "stage": self.stage,
            "strength": self.strength,
            "circle": self.circle,
            "last_interaction_at": self.last_interaction_at,
            "fading": self.fading,
            "silent_days": self.silent_days,
        }


@dataclass(frozen=True, kw_only=True)
class ContactPage:
    contacts: list[Contact]
    next_cursor: str | None
