"""The progress bar of a long command (`guanxi export`, `guanxi import`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

Report = Callable[[int, int], Awaitable[None]]


@contextmanager
def progress_bar(description: str) -> Iterator[Report]:
    """A bar on the terminal while the block runs; the `report(done, total)` that moves it."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        async def report(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield report
