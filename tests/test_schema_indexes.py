"""The schema the migrations make is the one the tables describe, and a message's send reads
its members from indexes alone (on SQLite, where the query planner's choice is fixed by the
schema, not by statistics)."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.dialects import sqlite
from sqlalchemy.ext.asyncio import create_async_engine

from guanxi.conversations import store_members
from guanxi.db.dialects import async_url
from guanxi.migrations.tables import metadata
from tests.conftest import PG_URL, _pg_url

# made by a migration on PostgreSQL alone, so in no table's description: the trigram index
# search uses there (migration 0004; SQLite searches its own index file)
POSTGRESQL_ONLY = {"ix_messages_text_trgm"}


def _ours(obj: Any, name: str | None, kind: str, reflected: bool, compare_to: Any) -> bool:
    return not (kind == "index" and name in POSTGRESQL_ONLY)


def _differences(conn: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"include_object": _ours})
    return list(compare_metadata(context, metadata))


async def test_the_migrations_make_the_schema_the_tables_describe(template: str) -> None:
    url = f"sqlite:///{template}" if PG_URL is None else _pg_url(template)
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
    finally:
        await engine.dispose()


def _plan(template: str, statement: sa.Executable) -> str:
    sql = str(statement.compile(dialect=sqlite.dialect()))
    with sqlite3.connect(template) as conn:
        rows = conn.execute("EXPLAIN QUERY PLAN " + sql, [0] * sql.count("?")).fetchall()
    return " / ".join(str(row[-1]) for row in rows)


@pytest.mark.skipif(
    PG_URL is not None, reason="PostgreSQL plans by its statistics, not by the schema alone"
)
def test_a_send_reads_its_recipients_and_the_archives_it_empties_from_indexes(
    template: str,
) -> None:
    recipients = _plan(template, store_members._RECIPIENTS.statement)
    assert "COVERING INDEX ix_conversation_members_active" in recipients
    assert "USING INDEX ix_conversation_members_sent_back" in recipients
    members = _plan(template, store_members._ACTIVE_IDS.statement)
    assert "COVERING INDEX ix_conversation_members_active" in members
    emptied = _plan(template, store_members._UNARCHIVE_UNMUTED.statement)
    assert "USING INDEX ix_conversation_members_sent_back" in emptied
