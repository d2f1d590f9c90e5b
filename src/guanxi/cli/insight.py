"""`guanxi insight`: measures of relationships, circles and stability (docs/insight.md)."""

from __future__ import annotations

import json
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

from guanxi.assets.bundle import BadArchive
from guanxi.cli.insight_archive import archive_chunks
from guanxi.cli.insight_report import report
from guanxi.insight.analyze import Progress as Report
from guanxi.insight.analyze import analyze as analyze_log
from guanxi.insight.analyze import parts_for
from guanxi.insight.analyze_read import BadLog, Chunk, read_log
from guanxi.insight.analyze_report import report_html
from guanxi.insight.analyze_settings import AnalyzeSettings

insight_app = typer.Typer(
    help="Insight: relationships, circles and stability (docs/insight.md).",
    no_args_is_help=True,
)
BYTES_PER_LINE = 24  # about, for `src dst unix_time`; a .gz holds about four times its size


@insight_app.command("analyze")
def analyze(
    file: Annotated[
        Path,
        typer.Argument(
            help="An interaction log (`src dst unix_time` lines, .gz too) "
            "or a guanxi archive (.zip)."
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for insight.json and report.html.")],
    window_days: Annotated[
        list[int] | None,
        typer.Option(
            "--window-days",
            help="Stability window length; repeat for several. (default: 28 and 90)",
        ),
    ] = None,
    min_alters: Annotated[
        int,
        typer.Option(
            "--min-alters", help="Egos need this many reciprocated alters to get circles."
        ),
    ] = 20,
    k: Annotated[int, typer.Option("--k", help="Circles per ego.")] = 4,
    delta_hours: Annotated[
        float,
        typer.Option(
            "--delta-hours", help="A message answered within this many hours is an interaction."
        ),
    ] = 24,
) -> None:
    """Measure an interaction log or a guanxi archive, with no server: writes
    OUT/insight.json and OUT/report.html."""
    settings = AnalyzeSettings(
        window_days=tuple(window_days or (28, 90)), min_alters=min_alters, k=k,
        delta_hours=delta_hours,
    )  # fmt: skip
    _check(file, out, settings)
    try:
        result = _run(file, settings)
    except (BadLog, BadArchive, ValueError, OSError, EOFError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(1) from error
    out.mkdir(parents=True, exist_ok=True)
    (out / "insight.json").write_text(json.dumps(result, indent=1) + "\n")
    (out / "report.html").write_text(report_html(result, file.name))
    ingest = result["ingest"]
    typer.echo(f"wrote {out}/insight.json and report.html: {ingest['messages']:,} messages, "
               f"{ingest['nodes']:,} nodes")  # fmt: skip


def _check(file: Path, out: Path, settings: AnalyzeSettings) -> None:
    problem = None
    if not file.is_file():
        problem = f"no such file: {file}"
    elif out.exists() and not out.is_dir():
        problem = f"{out} is not a folder"
    else:
        try:
            settings.check()
        except ValueError as error:
            problem = str(error)
    if problem:
        typer.echo(f"error: {problem}", err=True)
        raise typer.Exit(2)


def _run(file: Path, settings: AnalyzeSettings) -> dict[str, Any]:
    size = file.stat().st_size
    is_archive = zipfile.is_zipfile(file)
    chunks: Iterator[Chunk] = archive_chunks(file) if is_archive else read_log(file)
    estimate = size * (4 if file.suffix == ".gz" else 1) // BYTES_PER_LINE
    parts = 1 if is_archive else parts_for(estimate)
    with tempfile.TemporaryDirectory(prefix="guanxi-insight-") as folder, _bars(size) as report:
        return analyze_log(chunks, settings, parts=parts, folder=Path(folder), progress=report)


@contextmanager
def _bars(size: int) -> Iterator[Report]:
    """A rich bar per step on stderr, while the analysis runs."""
    columns = (TextColumn("{task.description:<16}"), BarColumn(), TaskProgressColumn(),
               TimeElapsedColumn())  # fmt: skip
    with Progress(*columns, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def report(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(
                    step, total=(size if step == "reading" else total) or None
                )
            bar.update(tasks[step], completed=done)

        yield report


insight_app.command("report")(report)  # the operator's report (cli/insight_report.py)
