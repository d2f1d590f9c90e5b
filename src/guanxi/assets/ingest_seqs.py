"""Where a chat writer put the entries and the earlier conversation's messages (their seqs in
the conversation it builds), kept only for those something points at."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(kw_only=True)
class Seqs:
    """Where entries and the earlier conversation's messages went, kept only for those
    something points at (a reply's target, a read marker): memory grows with them, not with
    the history."""

    wanted_keys: frozenset[str]
    wanted_old: set[int] = field(default_factory=set)
    by_key: dict[str, int] = field(default_factory=dict)  # Entry.key → seq
    by_old: dict[int, int] = field(default_factory=dict)  # the earlier conversation's seq → seq
    recent_old: dict[int, int] = field(default_factory=dict)  # this batch's copies

    def entry(self, key: str, seq: int | None) -> None:
        if seq is not None and key in self.wanted_keys:
            self.by_key.setdefault(key, seq)

    def old(self, old_seq: int, seq: int) -> None:
        self.recent_old[old_seq] = seq
        if old_seq in self.wanted_old:
            self.by_old[old_seq] = seq

    def old_to_new(self, seq: int | None) -> int | None:
        if seq is None:
            return None
        return self.by_old.get(seq, self.recent_old.get(seq))
