"""Every table of guanxi, registered on the one metadata: what the migrations must make
(alembic's environment compares against it, and so does tests/test_schema_indexes.py)."""

from __future__ import annotations

import guanxi.accounts.tables
import guanxi.assets.tables
import guanxi.conversations.tables
import guanxi.eventlog.tables
import guanxi.leases.tables
import guanxi.media.tables
import guanxi.moments.tables
import guanxi.relationships.tables  # noqa: F401  (tables register on the metadata)
from guanxi.db.metadata import metadata

__all__ = ["metadata"]
