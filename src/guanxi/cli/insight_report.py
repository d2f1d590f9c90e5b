"""`guanxi insight report`: the operator's figures and report, written from the data folder
with a progress bar (the server may keep running)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from guanxi.cli.options import DataDir
from guanxi.cli.progress import progress_bar
from guanxi.cli.user import with_services
from guanxi.insight.operator import COMMAND_PAGE_FACTOR, compute_figures
from guanxi.insight.report_operator import render
from guanxi.services import Services

JSON_FILE = "operator.json"
HTML_FILE = "operator.html"


def report(
    out: Annotated[
        Path,
        typer.Option("--out", help=f"Folder to write {JSON_FILE} and {HTML_FILE} into."),
    ],
    data_dir: DataDir = None,
) -> None:
    """Write the operator's figures (the feedback curve, the funnel, stability, circle sizes,
    retention by asset level) as JSON, and the report with its charts as HTML."""
    if out.exists() and not out.is_dir():
        typer.echo(f"error: {out} is not a folder", err=True)
        raise typer.Exit(2)
    out.mkdir(parents=True, exist_ok=True)
    with progress_bar("reading direct messages") as progress:

        async def run(services: Services) -> dict[str, Any]:
            now = services.clock.now_ms()
            page = services.settings.insight_read_rows * COMMAND_PAGE_FACTOR
            return await compute_figures(services.db, now, progress, page=page)

        figures = with_services(data_dir, run)
    (out / JSON_FILE).write_bytes(orjson.dumps(figures, option=orjson.OPT_INDENT_2))
    (out / HTML_FILE).write_text(render(figures), encoding="utf-8")
    typer.echo(f"wrote {out / JSON_FILE} and {out / HTML_FILE} ({figures['messages']} messages)")
