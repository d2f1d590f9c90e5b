"""Search values handed between layers, with their wire form."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from guanxi.clock import iso
from guanxi.moments.models import Moment


@dataclass(frozen=True, kw_only=True)
class MessageHit:
    """A message that matched: where it is, who sent it, the text around the match."""

    id: int
    conversation_id: int
    seq: int
    sender: str
    kind: str
    snippet: str
    created_at: int

    def to_wire(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "seq": self.seq,
            "sender": self.sender,
            "kind": self.kind,
            "snippet": self.snippet,
            "created_at": iso(self.created_at),
        }


@dataclass(frozen=True, kw_only=True)
class SearchResults:
    messages: list[MessageHit]
    moments: list[Moment] = field(default_factory=list)
    next_cursor: str | None = None

    def to_wire(self) -> dict[str, Any]:
        return {
            "messages": [m.to_wire() for m in self.messages],
            "moments": [m.to_wire() for m in self.moments],
            "next_cursor": self.next_cursor,
        }
