"""Conversations, their members, messages (gap-free seq per conversation) and reactions."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
REF = sa.BigInteger
ACTIVE = sa.text("left_seq IS NULL")
# an active member who archived the chat without muting it: a new message brings it back. The
# text is each database's rendering of `left_seq IS NULL AND is_archived AND NOT is_muted`, so
# that SQLite (which matches a partial index's terms to the query's as written) uses the index
SENT_BACK_SQLITE = sa.text("left_seq IS NULL AND is_archived = 1 AND is_muted = 0")
SENT_BACK_POSTGRESQL = sa.text("left_seq IS NULL AND is_archived AND NOT is_muted")

conversations = sa.Table(
    "conversations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("name", sa.String(64), nullable=False, server_default=""),
    sa.Column("announcement", sa.String(2000), nullable=False, server_default=""),
    sa.Column("owner_id", REF, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("direct_key", sa.String(64), nullable=True, unique=True),
    sa.Column("last_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.BigInteger, nullable=False),
)

conversation_members = sa.Table(
    "conversation_members",
    metadata,
    sa.Column("conversation_id", REF, sa.ForeignKey("conversations.id"), primary_key=True),
    sa.Column("user_id", REF, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("joined_at", sa.BigInteger, nullable=False),
    sa.Column("joined_seq", sa.BigInteger, nullable=False),
    sa.Column("joined_event", sa.BigInteger, nullable=False),
    sa.Column("left_seq", sa.BigInteger, nullable=True),
    sa.Column("left_event", sa.BigInteger, nullable=True),
    sa.Column("left_at", sa.BigInteger, nullable=True),
    sa.Column("left_view", sa.JSON, nullable=True),  # the group as it was when they left
    sa.Column("last_read_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("is_muted", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_pinned", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("is_archived", sa.Boolean, nullable=False, server_default=sa.false()),
    # deleted for this member up to here: their history starts after it
    sa.Column("cleared_seq", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_conversation_members_user", "user_id"),
    # active memberships only: the chat list and the cap per user; member pages and counts,
    # a message's recipients. Each holds left_seq too (always NULL in it): SQLite reads the
    # table row to check a partial index's condition on a column the index does not hold
    sa.Index(
        "ix_conversation_members_user_active",
        "user_id",
        "conversation_id",
        "left_seq",
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    ),
    sa.Index(
        "ix_conversation_members_active",
        "conversation_id",
        "joined_at",
        "user_id",
        "left_seq",
        sqlite_where=ACTIVE,
        postgresql_where=ACTIVE,
    ),
    # the few memberships a message takes out of the archive: a send probes it (most chats
    # have none) instead of reading every member's flags
    sa.Index(
        "ix_conversation_members_sent_back",
        "conversation_id",
        "user_id",
        sqlite_where=SENT_BACK_SQLITE,
        postgresql_where=SENT_BACK_POSTGRESQL,
    ),
)

messages = sa.Table(
    "messages",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("conversation_id", REF, sa.ForeignKey("conversations.id"), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("sender_id", REF, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("client_id", sa.String(64), nullable=True),
    sa.Column("kind", sa.String(10), nullable=False),
    sa.Column("text", sa.Text, nullable=False, server_default=""),
    sa.Column("reply_to_seq", sa.BigInteger, nullable=True),
    sa.Column("mentions", sa.JSON, nullable=False),
    sa.Column("media_id", sa.String(80), nullable=True),
    sa.Column("edited_at", sa.BigInteger, nullable=True),
    sa.Column("edit_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("recalled_at", sa.BigInteger, nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("system", sa.JSON, nullable=True),  # a group's system line, as data (SystemLine)
    sa.Column("is_forwarded", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("conversation_id", "seq", name="uq_messages_conversation_seq"),
    sa.UniqueConstraint("conversation_id", "sender_id", "client_id", name="uq_messages_client_id"),
    sa.Index("ix_messages_media", "media_id"),
)

hidden_messages = sa.Table(  # messages a member deleted for themselves
    "hidden_messages",
    metadata,
    sa.Column("user_id", REF, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("conversation_id", REF, primary_key=True),  # no foreign key: an import's
    sa.Column("seq", sa.BigInteger, primary_key=True),  # clean-up may drop its conversation
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

reactions = sa.Table(
    "reactions",
    metadata,
    sa.Column("message_id", REF, sa.ForeignKey("messages.id"), primary_key=True),
    sa.Column("user_id", REF, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("emoji", sa.String(64), primary_key=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)

group_invitations = sa.Table(
    "group_invitations",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("conversation_id", REF, sa.ForeignKey("conversations.id"), nullable=False),
    sa.Column("invitee_id", REF, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("inviter_id", REF, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
    sa.Column("answered_at", sa.BigInteger, nullable=True),
    sa.UniqueConstraint("conversation_id", "invitee_id", name="uq_group_invitations_invitee"),
    sa.Index("ix_group_invitations_invitee", "invitee_id", "status", "id"),
    sa.Index("ix_group_invitations_inviter", "inviter_id", "created_at"),
)
