"""`guanxi`: serve, manage the database, manage users."""

from __future__ import annotations

from typing import Annotated

import typer

from guanxi import __version__
from guanxi.cli import backup, db, export, import_, invite, serve, user
from guanxi.cli.insight import insight_app
from guanxi.cli.insight_server import rebuild as insight_rebuild

app = typer.Typer(
    help="guanxi: a self-hostable social network service.",
    no_args_is_help=True,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"guanxi {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", callback=_version, is_eager=True
        ),
    ] = False,
) -> None:
    """guanxi: a self-hostable social network service."""


app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(user.app, name="user")
app.add_typer(invite.app, name="invite")
app.command("backup")(backup.backup)
app.command("restore")(backup.restore)
app.command("export")(export.export)
app.command("import")(import_.import_)
insight_app.command("rebuild")(insight_rebuild)
app.add_typer(insight_app, name="insight")
