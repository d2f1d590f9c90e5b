"""Bringing a database's schema up to date with the Alembic migrations shipped in the package."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy import pool
from sqlalchemy.ext.asyncio import create_async_engine

from guanxi.db.data_folder import secure_data_folder
from guanxi.db.dialects import async_url
from guanxi.settings import Settings

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(settings: Settings, revision: str = "head") -> None:
    """Create the data folder (for SQLite; owner-only) and apply every migration not yet
    applied."""
    if not settings.database_url:
        secure_data_folder(settings.data_dir)
    command.upgrade(alembic_config(settings.effective_database_url()), revision)
    if not settings.database_url:
        secure_data_folder(settings.data_dir)  # the database file it may have made


def schema_exists(settings: Settings) -> bool:
    """Whether the database holds guanxi's schema already (False: `upgrade` would create it).
    It connects to PostgreSQL once, so a database that cannot be reached fails here, before
    anything is made; a SQLite file that is not there yet is simply new."""
    if not settings.database_url:
        path = settings.sqlite_path()
        if not path.is_file():
            return False
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            found = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
            ).fetchone()
        return found is not None
    return asyncio.run(_has_version_table(settings.database_url))


async def _has_version_table(url: str) -> bool:
    engine = create_async_engine(async_url(url), poolclass=pool.NullPool)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda c: sa.inspect(c).has_table("alembic_version"))
    finally:
        await engine.dispose()
