"""The offered load: Poisson arrivals at a fixed rate, 80 % direct and 20 % group messages.

Every message has a scheduled send time fixed before the run; latency is measured from it, so
a server that falls behind cannot slow the offered load down (no coordinated omission).
Senders are online users (a person types on an open app); a direct message goes to a random
friend, a group message to a random group of the sender's. Its recipients are the online
devices of the conversation's other members.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.msgbench_v2.world import World


@dataclass(frozen=True)
class Send:
    idx: int  # message number, unique over the run
    at_ns: int  # scheduled time, from the phase's start
    sender: int  # user number (also its device number: online users are 0..online-1)
    conversation: int  # database id
    group: bool
    recipients: tuple[int, ...]  # device numbers that must see it, the sender's own excluded


class Chooser:
    """Who can send what: each online user's direct chats and groups."""

    def __init__(self, world: World, online: int) -> None:
        self.world, self.online = world, online
        self.directs: dict[int, list[tuple[int, int]]] = {}
        for k, (a, b) in enumerate(world.pairs):
            for me, other in ((a, b), (b, a)):
                if me < online:
                    self.directs.setdefault(me, []).append((world.direct_ids[k], other))
        self.groups: dict[int, list[int]] = {}
        for k, members in enumerate(world.groups):
            for u in members:
                if u < online:
                    self.groups.setdefault(u, []).append(k)
        self.dm_senders = sorted(self.directs)
        self.group_senders = sorted(self.groups)

    def direct(self, rng: random.Random) -> tuple[int, int, bool, tuple[int, ...]]:
        sender = rng.choice(self.dm_senders)
        cid, other = rng.choice(self.directs[sender])
        return sender, cid, False, (other,) if other < self.online else ()

    def group(self, rng: random.Random) -> tuple[int, int, bool, tuple[int, ...]]:
        sender = rng.choice(self.group_senders)
        k = rng.choice(self.groups[sender])
        members = self.world.groups[k]
        online = tuple(u for u in members if u < self.online and u != sender)
        return sender, self.world.group_ids[k], True, online


def poisson_phase(
    chooser: Chooser, rate: float, seconds: float, first_idx: int, group_share: float, seed: int
) -> list[Send]:
    """Arrivals of one phase: exponential gaps of mean 1/rate, for `seconds`."""
    rng = random.Random(seed)
    sends: list[Send] = []
    t = rng.expovariate(rate)
    use_groups = bool(chooser.group_senders) and group_share > 0
    while t < seconds:
        if use_groups and rng.random() < group_share:
            sender, cid, group, recipients = chooser.group(rng)
        else:
            sender, cid, group, recipients = chooser.direct(rng)
        sends.append(Send(first_idx + len(sends), int(t * 1e9), sender, cid, group, recipients))
        t += rng.expovariate(rate)
    return sends
