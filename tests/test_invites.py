"""Invite codes from the command line: made, listed (never the codes) and revoked; a revoked
code registers no one."""

from __future__ import annotations

import asyncio

import pytest
from typer.testing import CliRunner, Result

from guanxi.cli.main import app
from guanxi.client import ApiError, GuanxiClient
from guanxi.ids import new_code
from guanxi.settings import Settings
from tests.configured import configured
from tests.conftest import PASSWORD, RunningServer


async def guanxi(settings: Settings, *args: str) -> Result:
    """`guanxi …` in this process (Typer's runner, on a thread: the command runs its own event
    loop) on the test's data folder and database."""
    env = {"GUANXI_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["GUANXI_DATABASE_URL"] = settings.database_url
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)


async def ok(settings: Settings, *args: str) -> str:
    result = await guanxi(settings, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


async def registers(server: RunningServer, handle: str, code: str) -> str | None:
    """None if `handle` registers with `code`, else the refusal's code."""
    async with GuanxiClient(server.url) as client:
        try:
            await client.register(handle, PASSWORD, handle.title(), invite=code)
        except ApiError as refused:
            assert refused.status == 403
            return refused.code
    return None


@configured(registration="invite")
async def test_list_then_revoke_by_code_and_by_id(
    server: RunningServer, settings: Settings
) -> None:
    family = (await ok(settings, "invite", "create", "--uses", "3", "--note", "family")).strip()
    school = (await ok(settings, "invite", "create", "--days", "0", "--note", "school")).strip()
    assert await registers(server, "mei", family) is None
    listed = (await ok(settings, "invite", "list")).splitlines()
    assert [line.split("\t")[1:3] for line in listed] == [["open", "1/3"], ["open", "0/1"]]
    assert listed[0].endswith("family") and "ends never" in listed[1]
    assert family not in "".join(listed) and school not in "".join(listed)

    assert "revoked invite" in await ok(settings, "invite", "revoke", family)
    assert await registers(server, "lei", family) == "invalid_invite"
    school_id = listed[1].split("\t")[0]
    assert "revoked invite" in await ok(settings, "invite", "revoke", "--id", school_id)
    assert await registers(server, "tao", school) == "invalid_invite"
    states = [line.split("\t")[1:3] for line in (await ok(settings, "invite", "list")).splitlines()]
    assert states == [["revoked", "1/3"], ["revoked", "0/1"]]
    async with GuanxiClient(server.url) as mei:  # who registered with a code stays
        await mei.login("mei", PASSWORD)


@pytest.mark.parametrize("args", [["nope"], ["--id", "999"], [], ["some-code", "--id", "1"]])
async def test_revoking_nothing_or_two_things_fails(settings: Settings, args: list[str]) -> None:
    result = await guanxi(settings, "invite", "revoke", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ")


async def test_no_one_lists_invite_codes_through_the_api(server: RunningServer) -> None:
    """Invite codes are the operator's, from the command line: the API has no call for them."""
    async with GuanxiClient(server.url) as mei:
        await mei.register("mei", PASSWORD, "Mei")
        for method in ("GET", "DELETE"):
            with pytest.raises(ApiError) as caught:
                await mei.call(method, "/invites")
            assert caught.value.status in (404, 405)


def test_an_invite_code_never_looks_like_an_option() -> None:
    """A code is pasted into `guanxi invite revoke CODE`: one starting with "-" was taken for an
    option ("No such option"). One token in 64 starts so; 3,000 draws meet many."""
    assert not any(new_code().startswith("-") for _ in range(3000))
