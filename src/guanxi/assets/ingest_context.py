"""What every part of one import's write pass shares: the job, the importer, the services it
writes through, its counts and its progress."""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from guanxi.assets.ingest_media import MediaImport
from guanxi.assets.ingest_people import People
from guanxi.assets.models import Job
from guanxi.clock import Clock
from guanxi.db.database import Database
from guanxi.settings import Settings

COUNTS = ("conversations", "messages", "media", "contacts", "moments")


@dataclass(kw_only=True)
class Context:
    db: Database
    clock: Clock
    settings: Settings
    job: Job
    source_name: str  # the format: guanxi | telegram | whatsapp
    people: People
    media: MediaImport
    report: Callable[[int, int], Awaitable[None]]  # progress (done, total)
    total: int = 0
    done: int = 0
    counts: Counter[str] = field(default_factory=Counter)

    async def advance(self, written: int) -> None:
        self.done += written
        await self.report(self.done, max(self.total, self.done))

    def final_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(COUNTS, 0)
        counts.update(self.counts)
        counts["media"] = self.media.stored
        counts["media_skipped"] = self.media.skipped
        counts["contacts"] = self.people.created
        return counts
