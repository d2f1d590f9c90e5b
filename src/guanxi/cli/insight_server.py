"""`guanxi insight rebuild`: the server's insight statistics recomputed from history.

A plain function, registered on the `guanxi insight` group (`insight_app.command("rebuild")`).
"""

from __future__ import annotations

import typer

from guanxi.cli.options import DataDir
from guanxi.cli.user import with_services
from guanxi.services import Services


def rebuild(data_dir: DataDir = None) -> None:
    """Recompute every pair's statistics (counts, scores, weeks, feedback) from the messages,
    reactions, likes and comments in the database, and store them with the follower's
    checkpoint at the newest event read. Safe while the server runs: its follower goes on from
    there (a batch it had read meanwhile is dropped and read again)."""

    async def run(services: Services) -> int:
        return await services.insight_follower.rebuild()

    facts = with_services(data_dir, run)
    typer.echo(f"insight rebuilt from {facts} messages, reactions, likes and comments")
