"""Progress bars of `guanxi backup` and `guanxi restore` (rich, on stderr)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)


@dataclass(frozen=True, kw_only=True)
class Bar:
    progress: Progress
    task: TaskID

    def advance(self, amount: int) -> None:
        self.progress.advance(self.task, amount)

    def set(self, done: int, total: int) -> None:
        """`total` 0: not known (a spinner)."""
        self.progress.update(self.task, completed=done, total=total or None)


class Bars:
    """One bar per step, shown while the step runs and left done afterwards."""

    def __init__(self, console: Console) -> None:
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description:<16}"),
            BarColumn(),
            TaskProgressColumn(),
            TimeElapsedColumn(),
            console=console,
        )

    def __enter__(self) -> Bars:
        self.progress.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.progress.stop()

    @contextlib.contextmanager
    def bar(self, description: str, total: int) -> Iterator[Bar]:
        """`total` 0: not known yet."""
        task = self.progress.add_task(description, total=total or None)
        yield Bar(progress=self.progress, task=task)
        done = self.progress.tasks[task].completed
        self.progress.update(task, total=max(done, 1), completed=max(done, 1))
