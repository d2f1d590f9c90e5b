"""Opening the database for a command: the schema brought up to date, and a database that
cannot be opened said in one line (exit status 2), not a traceback."""

from __future__ import annotations

import sqlite3

import sqlalchemy as sa
import typer

from guanxi.db.backup_database import shown_url
from guanxi.db.migrate import schema_exists, upgrade
from guanxi.settings import Settings

UNREACHABLE = (sa.exc.SQLAlchemyError, sqlite3.Error, OSError, ImportError, ValueError)


def open_database(settings: Settings) -> bool:
    """Apply every migration not yet applied; True when this created the database."""
    try:
        existed = schema_exists(settings)
    except UNREACHABLE as error:
        typer.echo(f"error: cannot open the database {where(settings)}: {reason(error)}", err=True)
        raise typer.Exit(2) from None
    upgrade(settings)
    return not existed


def where(settings: Settings) -> str:
    """The database as a line may name it: never its password."""
    if not settings.database_url:
        return f"(SQLite in {settings.data_dir})"
    try:
        shown = shown_url(settings.database_url)
    except sa.exc.ArgumentError:
        return "(GUANXI_DATABASE_URL is not a database URL)"
    return f"(GUANXI_DATABASE_URL={shown})"


def reason(error: BaseException) -> str:
    """The first line of what went wrong, without SQLAlchemy's wrapping."""
    if isinstance(error, ImportError):
        return "no driver for this kind of database (guanxi runs on SQLite and PostgreSQL)"
    inner = error.orig if isinstance(error, sa.exc.DBAPIError) else error
    text = str(inner).strip().splitlines()
    return text[0] if text else type(inner).__name__
