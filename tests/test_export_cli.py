"""`guanxi export --user H --out FILE`: the server's exporter run from the data folder, while
the server serves."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner, Result

from guanxi.cli.main import app
from guanxi.settings import Settings
from tests.conftest import UserFactory, befriend
from tests.test_export import check_manifest_and_schemas, unzip


async def guanxi(settings: Settings, *args: str) -> Result:
    env = {"GUANXI_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["GUANXI_DATABASE_URL"] = settings.database_url
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)


def names(folder: Path, prefix: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(prefix))


async def test_the_command_writes_the_same_archive(
    make_user: UserFactory, settings: Settings, tmp_path: Path
) -> None:
    ana, bo = await make_user("ana"), await make_user("bob")
    await befriend(ana, bo)
    chat = await ana.open_direct("bob")
    for i in range(30):
        await (ana if i % 2 else bo).send(chat["id"], f"line {i}")
    out = tmp_path / "ana.zip"
    result = await guanxi(settings, "export", "--user", "ana", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "30 messages" in result.stdout
    archive = unzip(out.read_bytes())
    manifest = check_manifest_and_schemas(archive)
    assert manifest["counts"]["messages"] == 30 and manifest["counts"]["friends"] == 1
    assert [m["text"] for m in archive.lines("messages")] == [f"line {i}" for i in range(30)]
    assert names(tmp_path, "ana") == ["ana.zip"]  # no staging or partial file left
    again = await guanxi(settings, "export", "--user", "ana", "--out", str(out))
    assert again.exit_code == 2 and "exists" in again.output
    nobody = await guanxi(settings, "export", "--user", "nobody", "--out", str(tmp_path / "n.zip"))
    assert nobody.exit_code == 2 and "No such user" in nobody.output
