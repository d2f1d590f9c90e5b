"""`guanxi`: serve, manage the database, manage users."""

from __future__ import annotations

import typer

from guanxi.cli import db, invite, serve, user

app = typer.Typer(
    help="guanxi: a self-hostable social network service.",
    no_args_is_help=True,
    add_completion=False,
)
app.command("serve")(serve.serve)
app.add_typer(db.app, name="db")
app.add_typer(user.app, name="user")
app.add_typer(invite.app, name="invite")
