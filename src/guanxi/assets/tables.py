"""Export and import jobs, placeholder contacts, and the keys that make an import idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from guanxi.db.metadata import metadata

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
REF = sa.BigInteger

# One row per export or import: its state, its progress, and where its file lies in the data
# folder (an export's finished archive; an import's spooled upload until the import ends).
asset_jobs = sa.Table(
    "asset_jobs",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("user_id", REF, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),  # export | import
    sa.Column("state", sa.String(10), nullable=False),  # queued | running | done | failed
    sa.Column("format", sa.String(10), nullable=False),  # guanxi | telegram | whatsapp | auto
    sa.Column("options", sa.JSON, nullable=True),  # an import's `me`, say
    sa.Column("progress_done", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("progress_total", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("size", sa.BigInteger, nullable=True),
    sa.Column("path", sa.String(500), nullable=True),
    sa.Column("counts", sa.JSON, nullable=True),
    sa.Column("error", sa.JSON, nullable=True),  # {code, message, file, record}
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("started_at", sa.BigInteger, nullable=True),
    sa.Column("finished_at", sa.BigInteger, nullable=True),
    sa.Column("expires_at", sa.BigInteger, nullable=True),
    sa.Index("ix_asset_jobs_user", "user_id", "kind", "id"),
    sa.Index("ix_asset_jobs_state", "state", "id"),
)

# A placeholder account (users.is_placeholder) made by one user's import: the person as the
# source knew them. Only its owner sees it; linking it to a real account changes only the
# owner's ledger and insight, never what the real account sees.
placeholders = sa.Table(
    "placeholders",
    metadata,
    sa.Column("user_id", REF, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("owner_id", REF, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("source", sa.String(10), nullable=False),  # guanxi | telegram | whatsapp
    sa.Column("external_key", sa.String(200), nullable=False),  # the person's key in the source
    sa.Column("handle", sa.String(64), nullable=False, server_default=""),  # the handle they had
    sa.Column("linked_user_id", REF, sa.ForeignKey("users.id"), nullable=True),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.UniqueConstraint("owner_id", "source", "external_key", name="uq_placeholders_key"),
    sa.Index("ix_placeholders_linked", "linked_user_id"),
    sa.Index("ix_placeholders_owner", "owner_id", "user_id"),  # the owner's list (0013)
)

# The same chat imported again (or an overlapping export of it) lands in the same conversation.
imported_conversations = sa.Table(
    "imported_conversations",
    metadata,
    sa.Column("owner_id", REF, sa.ForeignKey("users.id"), primary_key=True),
    sa.Column("source", sa.String(10), primary_key=True),
    sa.Column("chat_key", sa.String(200), primary_key=True),
    sa.Column("conversation_id", REF, sa.ForeignKey("conversations.id"), nullable=False),
)

# The same message imported again is recognised by its fingerprint (sender, time, text and its
# occurrence among identical ones) and added once.
imported_messages = sa.Table(
    "imported_messages",
    metadata,
    sa.Column("conversation_id", REF, sa.ForeignKey("conversations.id"), primary_key=True),
    sa.Column("fingerprint", sa.String(64), primary_key=True),
    sa.Column("message_id", REF, sa.ForeignKey("messages.id"), nullable=False),
)

# What an import has written so far and not yet landed: the conversations it built, the
# placeholders and media items it made, the moments it added. Everything inside such a
# conversation (members, messages, reactions, fingerprints) is the job's too. The landing unit
# deletes these rows (the job's writes are then the user's); a failure or a crash deletes the
# job's writes by them (ingest_cleanup.py).
import_writes = sa.Table(
    "import_writes",
    metadata,
    sa.Column("job_id", REF, sa.ForeignKey("asset_jobs.id"), primary_key=True),
    sa.Column("kind", sa.String(12), primary_key=True),  # conversation|placeholder|media|moment
    sa.Column("ref", sa.String(80), primary_key=True),
)
