"""Bringing a database's schema up to date with the Alembic migrations shipped in the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from guanxi.db.data_folder import secure_data_folder
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
