"""Token buckets in this process's memory: a dict of (tokens, last refill), kept bounded."""

from __future__ import annotations

from collections.abc import Mapping

from guanxi.clock import Clock
from guanxi.ratelimit.rates import Rate


class MemoryBuckets:
    """One bucket per (kind, key). A bucket that has refilled to full holds nothing a fresh one
    would not, so it is dropped when the table reaches `max_keys`; if that is not enough, the
    least recently used half goes (those users get a full bucket back: lenient, not unsafe)."""

    def __init__(self, rates: Mapping[str, Rate | None], clock: Clock, max_keys: int) -> None:
        self.rates = dict(rates)
        self.clock = clock
        self.max_keys = max(max_keys, 2)
        self._buckets: dict[tuple[str, str], list[float]] = {}

    def wait_ms(self, kind: str, key: str) -> int:
        """Take one token: 0 when allowed, else the milliseconds until one is there."""
        rate = self.rates.get(kind)
        if rate is None:
            return 0
        now = self.clock.now_ms()
        bucket = self._buckets.get((kind, key))
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._evict(now)
            self._buckets[(kind, key)] = [rate.burst - 1.0, now]
            return 0
        per_ms = rate.per_second / 1000
        tokens = min(rate.burst, bucket[0] + max(now - bucket[1], 0) * per_ms)
        bucket[1] = max(now, bucket[1])
        if tokens >= 1:
            bucket[0] = tokens - 1
            return 0
        bucket[0] = tokens
        return max(1, int((1 - tokens) / per_ms + 0.999))

    def __len__(self) -> int:
        return len(self._buckets)

    def _evict(self, now: float) -> None:
        full = [key for key, bucket in self._buckets.items() if self._is_full(key, bucket, now)]
        for key in full:
            del self._buckets[key]
        keep = self.max_keys // 2
        if len(self._buckets) > keep:
            newest_first = reversed(self._buckets.items())  # ties: the later inserted first
            by_age = sorted(newest_first, key=lambda item: item[1][1], reverse=True)
            self._buckets = dict(by_age[:keep])

    def _is_full(self, key: tuple[str, str], bucket: list[float], now: float) -> bool:
        rate = self.rates.get(key[0])
        if rate is None:
            return True
        return bucket[0] + (now - bucket[1]) * rate.per_second / 1000 >= rate.burst
