"""`guanxi invite`: invite codes, for GUANXI_REGISTRATION=invite."""

from __future__ import annotations

from typing import Annotated

import typer

from guanxi.cli.options import DataDir
from guanxi.cli.user import with_services

app = typer.Typer(help="Invite codes for registering by invitation.", no_args_is_help=True)


@app.command()
def create(
    uses: Annotated[int, typer.Option(help="How many people may register with it.")] = 1,
    days: Annotated[float, typer.Option(help="Days it stays valid (0: no end).")] = 7,
    note: Annotated[str, typer.Option(help="A note for yourself: whom it is for.")] = "",
    data_dir: DataDir = None,
) -> None:
    """Make an invite code and print it (it is shown only this once)."""
    code = with_services(
        data_dir,
        lambda s: s.invites.create(max_uses=uses, days=days or None, note=note),
    )
    typer.echo(code)
