"""`guanxi user`: accounts, from the command line."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from guanxi.accounts.models import User
from guanxi.cli.options import DataDir, settings_with
from guanxi.db.migrate import upgrade
from guanxi.errors import DomainError
from guanxi.services import build_services
from guanxi.settings import Settings

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)


@app.command()
def create(
    handle: Annotated[str, typer.Argument(help="The new user's handle, [a-z0-9_.]{3,32}.")],
    display_name: Annotated[str, typer.Option(help="Name shown to others.")] = "",
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
    data_dir: DataDir = None,
) -> None:
    """Create an account (it can log in at once)."""
    settings = settings_with(data_dir=data_dir)
    upgrade(settings)
    try:
        user = asyncio.run(_create(settings, handle, password, display_name or handle))
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc
    typer.echo(f"created {user.handle} ({user.display_name})")


async def _create(settings: Settings, handle: str, password: str, display_name: str) -> User:
    services = build_services(settings)
    await services.start()
    try:
        user, _ = await services.accounts.register(handle, password, display_name, "cli")
        return user
    finally:
        await services.stop()
