"""`guanxi invite`: invite codes, for GUANXI_REGISTRATION=invite."""

from __future__ import annotations

from typing import Annotated

import typer

from guanxi.accounts.models import Invite
from guanxi.cli.options import DataDir
from guanxi.cli.user import with_services
from guanxi.clock import iso
from guanxi.services import Services

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


@app.command("list")
def list_invites(data_dir: DataDir = None) -> None:
    """List every invite code made, oldest first: its id, state, uses, end and note. The codes
    themselves are not shown (only their hashes are kept)."""

    async def listing(services: Services) -> tuple[list[Invite], int]:
        return await services.invites.list(), services.clock.now_ms()

    invites, now = with_services(data_dir, listing)
    for invite in invites:
        ends = "never" if invite.expires_at is None else iso(invite.expires_at)
        uses = f"{invite.uses}/{invite.max_uses}"
        typer.echo(f"{invite.id}\t{invite.state(now)}\t{uses}\tends {ends}\t{invite.note}")


@app.command()
def revoke(
    code: Annotated[str | None, typer.Argument(help="The code, as `create` printed it.")] = None,
    invite_id: Annotated[
        int | None, typer.Option("--id", help="The code's id, as `list` shows it.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Revoke an invite code: no one registers with it any more (accounts made with it stay)."""
    invite = with_services(data_dir, lambda s: s.invites.revoke(code=code, invite_id=invite_id))
    typer.echo(f"revoked invite {invite.id} ({invite.uses}/{invite.max_uses} used)")
