"""Assets: export and import jobs, placeholder contacts, import keys

`asset_jobs` holds each export and import with its state and progress; `placeholders` the people
an import brought who have no account here (owned by the importer, linkable to a real account);
`imported_conversations` and `imported_messages` make importing the same export again add
nothing.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "asset_jobs",
        sa.Column("id", ID, primary_key=True),
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("format", sa.String(10), nullable=False),
        sa.Column("options", sa.JSON(), nullable=True),
        sa.Column("progress_done", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("progress_total", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=True),
        sa.Column("path", sa.String(500), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=True),
        sa.Column("error", sa.JSON(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.BigInteger(), nullable=True),
        sa.Column("finished_at", sa.BigInteger(), nullable=True),
        sa.Column("expires_at", sa.BigInteger(), nullable=True),
    )
    op.create_index("ix_asset_jobs_user", "asset_jobs", ["user_id", "kind", "id"])
    op.create_index("ix_asset_jobs_state", "asset_jobs", ["state", "id"])
    op.create_table(
        "placeholders",
        sa.Column("user_id", sa.BigInteger(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("owner_id", sa.BigInteger(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("source", sa.String(10), nullable=False),
        sa.Column("external_key", sa.String(200), nullable=False),
        sa.Column("handle", sa.String(64), server_default="", nullable=False),
        sa.Column("linked_user_id", sa.BigInteger(), sa.ForeignKey("users.id"), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.UniqueConstraint("owner_id", "source", "external_key", name="uq_placeholders_key"),
    )
    op.create_index("ix_placeholders_linked", "placeholders", ["linked_user_id"])
    op.create_table(
        "imported_conversations",
        sa.Column("owner_id", sa.BigInteger(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("source", sa.String(10), primary_key=True),
        sa.Column("chat_key", sa.String(200), primary_key=True),
        sa.Column(
            "conversation_id", sa.BigInteger(), sa.ForeignKey("conversations.id"), nullable=False
        ),
    )
    op.create_table(
        "imported_messages",
        sa.Column(
            "conversation_id", sa.BigInteger(), sa.ForeignKey("conversations.id"), primary_key=True
        ),
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("message_id", sa.BigInteger(), sa.ForeignKey("messages.id"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("imported_messages")
    op.drop_table("imported_conversations")
    op.drop_index("ix_placeholders_linked", table_name="placeholders")
    op.drop_table("placeholders")
    op.drop_index("ix_asset_jobs_state", table_name="asset_jobs")
    op.drop_index("ix_asset_jobs_user", table_name="asset_jobs")
    op.drop_table("asset_jobs")
