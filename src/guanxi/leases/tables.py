"""One row per lease: who holds it and until when (PostgreSQL's clock, in milliseconds)."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

leases = sa.Table(
    "leases",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False),  # host:pid:random, one per process
    sa.Column("expires_at", sa.BigInteger, nullable=False),  # the database's clock, ms
)
