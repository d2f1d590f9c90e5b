"""Event stream: replay shows what is now

Events about a message or a comment name it (`ref_kind`, `ref_id`) instead of carrying a copy:
a replay reads it as it is now, so recalled, edited-away and deleted text is nowhere in the
log. Existing events are rewritten so (reaction events keep only the change). `event_horizon`
records how far the log has been pruned. On SQLite `secure_delete` is on while rewriting, so
the old payloads' bytes are zeroed, not left in free space.

Downgrading drops the columns and the table; the rewritten payloads stay as they are.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BATCH = 1000
MESSAGE_EVENTS = ("message.created", "message.edited", "message.recalled")
REACTION_EVENTS = ("reaction.added", "reaction.removed")
COMMENT_EVENTS = ("moment.commented",)

events = sa.table(
    "events",
    sa.column("id", sa.BigInteger),
    sa.column("type", sa.String),
    sa.column("payload", sa.JSON),
    sa.column("ref_kind", sa.String),
    sa.column("ref_id", sa.BigInteger),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA secure_delete=ON")
    op.add_column("events", sa.Column("ref_kind", sa.String(16), nullable=True))
    op.add_column("events", sa.Column("ref_id", sa.BigInteger(), nullable=True))
    horizon = op.create_table(
        "event_horizon",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pruned_through", sa.BigInteger(), server_default="0", nullable=False),
    )
    op.bulk_insert(horizon, [{"id": 1, "pruned_through": 0}])
    _rewrite_payloads()


def _rewrite_payloads() -> None:
    bind = op.get_bind()
    kinds = (*MESSAGE_EVENTS, *REACTION_EVENTS, *COMMENT_EVENTS)
    update = (
        sa.update(events)
        .where(events.c.id == sa.bindparam("event_id"))
        .values(
            payload=sa.bindparam("new_payload", type_=sa.JSON),
            ref_kind=sa.bindparam("new_kind"),
            ref_id=sa.bindparam("new_ref"),
        )
    )
    last = 0
    while True:
        query = (
            sa.select(events.c.id, events.c.type, events.c.payload)
            .where(events.c.id > last, events.c.type.in_(kinds))
            .order_by(events.c.id)
            .limit(BATCH)
        )
        rows = bind.execute(query).all()
        if not rows:
            return
        bind.execute(update, [_rewritten(row.id, row.type, row.payload) for row in rows])
        last = rows[-1].id


def _rewritten(event_id: int, type: str, payload: dict[str, Any]) -> dict[str, Any]:
    kind = "message" if type in MESSAGE_EVENTS else "comment" if type in COMMENT_EVENTS else None
    if kind is None:  # a reaction: only the change
        message = payload.pop("message", None) or {}
        payload["message_id"] = message.get("id")
        return {"event_id": event_id, "new_payload": payload, "new_kind": None, "new_ref": None}
    named = payload.pop(kind, None) or {}
    return {
        "event_id": event_id,
        "new_payload": payload,
        "new_kind": kind,
        "new_ref": named.get("id"),
    }


def downgrade() -> None:
    op.drop_table("event_horizon")
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("ref_id")
        batch_op.drop_column("ref_kind")
