"""Imports: what a running import has written, so that a failure or a crash removes exactly it

`import_writes` names each conversation, placeholder, media item and moment an import made
before it landed; the landing unit deletes its rows, a failed import's clean-up deletes what
they name.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_writes",
        sa.Column("job_id", sa.BigInteger(), sa.ForeignKey("asset_jobs.id"), primary_key=True),
        sa.Column("kind", sa.String(12), primary_key=True),
        sa.Column("ref", sa.String(80), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("import_writes")
