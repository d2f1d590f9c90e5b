"""`guanxi user`: accounts, from the command line."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from guanxi.accounts.models import User
from guanxi.accounts.rules import HANDLE_RULE
from guanxi.cli.database import open_database
from guanxi.cli.options import DataDir, settings_with
from guanxi.errors import DomainError
from guanxi.services import Services, build_services
from guanxi.settings import Settings

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
T = TypeVar("T")
Handle = Annotated[str, typer.Argument(help="The account's handle.")]
NewPassword = Annotated[
    str,
    typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, show_default=False),
]


@app.command()
def create(
    handle: Annotated[str, typer.Argument(help=f"The new user's handle: {HANDLE_RULE}.")],
    display_name: Annotated[str, typer.Option(help="Name shown to others.")] = "",
    password: NewPassword = "",
    data_dir: DataDir = None,
) -> None:
    """Create an account (it can log in at once, whatever GUANXI_REGISTRATION says)."""

    async def run(services: Services) -> User:
        name = display_name or handle
        user, _ = await services.accounts.register(handle, password, name, "cli", by_operator=True)
        return user

    user = with_services(data_dir, run)
    typer.echo(f"created {user.handle} ({user.display_name})")


@app.command("reset-password")
def reset_password(handle: Handle, password: NewPassword = "", data_dir: DataDir = None) -> None:
    """Set a new password for an account; every session of it ends."""
    user = with_services(data_dir, lambda s: s.lifecycle.reset_password(handle, password))
    typer.echo(f"new password set for {user.handle}; its sessions have ended")


@app.command()
def disable(handle: Handle, data_dir: DataDir = None) -> None:
    """Disable an account: its sessions end and it cannot log in until enabled again."""
    user = with_services(data_dir, lambda s: s.lifecycle.set_disabled(handle, True))
    typer.echo(f"disabled {user.handle}")


@app.command()
def enable(handle: Handle, data_dir: DataDir = None) -> None:
    """Enable a disabled account: it can log in again."""
    user = with_services(data_dir, lambda s: s.lifecycle.set_disabled(handle, False))
    typer.echo(f"enabled {user.handle}")


def with_services(data_dir: Path | None, action: Callable[[Services], Awaitable[T]]) -> T:
    """Run `action` with the services over the (upgraded) database; a domain error is
    printed and exits with status 2."""
    settings = settings_with(data_dir=data_dir)
    open_database(settings)
    try:
        return asyncio.run(_run(settings, action))
    except DomainError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(2) from exc


async def _run(settings: Settings, action: Callable[[Services], Awaitable[T]]) -> T:
    services = build_services(settings)
    await services.start(jobs=False)  # the server's exports are the server's
    try:
        return await action(services)
    finally:
        await services.stop()
