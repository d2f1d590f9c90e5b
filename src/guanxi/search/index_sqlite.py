"""SQLite's message search index: FTS5 with the trigram tokenizer, in a file of its own.

Indexing a message's text by its trigrams costs more than everything else its send writes
(about 80 µs of the ~200 µs of SQL per message, docs/performance.md). So the index is not kept
by triggers inside the send's transaction: it lives in `<database>.search` next to the
database, as derived data, and `IndexFile.step` brings it up to date from the database in
batches — new messages by id, edited and recalled ones by their events — on a worker thread,
where SQLite runs without the GIL while the event loop goes on serving. Its progress (the last
message id and event id taken in) is kept in the same file, in the same transaction as the
index rows, so the two never disagree; a missing or damaged file is simply built again, and so
is one of an older layout (its `user_version` is not LAYOUT).

An index row's rowid is `(conversation_id << 32) | seq`, not the message's id: a member's window
(joined_seq, left_seq] of a conversation is then one range of rowids, which FTS5 takes into its
lookup (match_sqlite.py), so a search looks only inside the searcher's own conversations. It
holds while seqs stay below 2**32 in each conversation and conversation ids below 2**31.

Rows go in with `INSERT OR REPLACE`: a key can come back after an import that failed took its
conversation and messages out again (SQLite hands the ids of deleted rows at the top out again),
and `forget` lets the indexer go back over the ids handed out again.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from guanxi.conversations.events import MESSAGE_EDITED, MESSAGE_RECALLED

BATCH = 2000
LAYOUT = 2  # 1 (no user_version set): rowids were message ids
SEQ_BITS = 32
SEQ_MAX = (1 << SEQ_BITS) - 1
ROWID = f"(conversation_id << {SEQ_BITS}) | seq"
# secure_delete: the bytes of deleted rows are overwritten with zeros, not left in free space
PRAGMAS = ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=10000", "secure_delete=ON")
CHANGES = (MESSAGE_EDITED.name, MESSAGE_RECALLED.name)
SCHEMA = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(text, tokenize='trigram')",
    "CREATE TABLE IF NOT EXISTS progress (name TEXT PRIMARY KEY, last_id INTEGER NOT NULL)",
    "INSERT OR IGNORE INTO progress VALUES ('messages', 0), ('events', 0), ('purge', 0)",
)
# FTS5 keeps a deleted row's terms (here: the trigrams of its text) in its older segments until
# a merge drops them with their delete markers. SQLite 3.42 can drop them at once
# ('secure-delete'); before it, a purge merges the segments, MERGE_PAGES at a time.
SECURE_DELETE = sqlite3.sqlite_version_info >= (3, 42, 0)
MERGE_PAGES = 64
TRUNCATE_BUSY_MS = 50
_NEXT = (
    "SELECT max(id), count(*) FROM (SELECT id FROM data.{table} WHERE id > ? ORDER BY id LIMIT ?)"
)
# Rows go in in rowid order: FTS5 flushes its pending terms whenever a rowid is not above the
# last one of the transaction, and messages by id interleave their conversations (sorted, a
# batch of 2,000 over 50 conversations is inserted in half the time).
_ADD = (
    f"INSERT OR REPLACE INTO messages_fts(rowid, text) SELECT {ROWID}, text FROM data.messages "
    "WHERE id > ? AND id <= ? AND recalled_at IS NULL AND text != '' ORDER BY 1"
)
_CHANGED = (
    "SELECT DISTINCT ref_id FROM data.events "
    f"WHERE id > ? AND id <= ? AND type IN {CHANGES!r} AND ref_kind = 'message'"
)


class OlderLayout(Exception):
    """The index file was made by an older guanxi, with rows keyed differently."""


def _check_layout(conn: sqlite3.Connection) -> None:
    """A new (empty) file gets the current layout; a file of another one is refused."""
    if conn.execute("PRAGMA user_version").fetchone()[0] == LAYOUT:
        return
    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
        raise OlderLayout(conn)
    conn.execute(f"PRAGMA user_version = {LAYOUT}")


def index_path(database: Path) -> Path:
    """Where the index of this database file lives."""
    return database.with_name(database.name + ".search")


class IndexFile:
    """The index file and its one connection, which also reads the database (attached)."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = index_path(database)
        self._conn: sqlite3.Connection | None = None
        self.purging = True  # until a purge step finds nothing to do (read on the loop)

    def open(self) -> None:
        try:
            self._conn = self._connect()
        except (sqlite3.DatabaseError, OlderLayout):  # derived data: build it again
            for leftover in (self.path, Path(f"{self.path}-wal"), Path(f"{self.path}-shm")):
                leftover.unlink(missing_ok=True)
            self._conn = self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            # synchronous=NORMAL: after a power cut the index may lose its last batches, and
            # its progress with them, so they are indexed again
            for pragma in PRAGMAS:
                conn.execute(f"PRAGMA {pragma}")
            _check_layout(conn)
            for statement in SCHEMA:
                conn.execute(statement)
            if SECURE_DELETE:
                conn.execute(
                    "INSERT INTO messages_fts(messages_fts, rank) VALUES ('secure-delete', 1)"
                )
            conn.execute("ATTACH DATABASE ? AS data", (f"file:{self.database}?mode=ro",))
        except BaseException:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def step(self) -> bool:
        """Take in up to BATCH new messages and BATCH new events; True if more are waiting.
        Reads the database as one snapshot, so what it records as done is done."""
        conn = self._conn
        assert conn is not None, "index not open"
        conn.execute("BEGIN IMMEDIATE")
        try:
            more = self._take_messages(conn) | self._take_changes(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return more

    def _progress(self, conn: sqlite3.Connection, name: str) -> int:
        row = conn.execute("SELECT last_id FROM progress WHERE name = ?", (name,)).fetchone()
        return int(row[0])

    def _advance(self, conn: sqlite3.Connection, name: str, table: str) -> tuple[int, int, bool]:
        """(done so far, done after this batch, whether the batch was full)."""
        done = self._progress(conn, name)
        top, count = conn.execute(_NEXT.format(table=table), (done, BATCH)).fetchone()
        if top is None:
            return done, done, False
        conn.execute("UPDATE progress SET last_id = ? WHERE name = ?", (top, name))
        return done, int(top), count >= BATCH

    def _take_messages(self, conn: sqlite3.Connection) -> bool:
        done, top, full = self._advance(conn, "messages", "messages")
        if top > done:
            conn.execute(_ADD, (done, top))
        return full

    def _take_changes(self, conn: sqlite3.Connection) -> bool:
        """Edited and recalled messages already indexed: their text again, or none."""
        done, top, full = self._advance(conn, "events", "events")
        if top == done:
            return False
        ids = [row[0] for row in conn.execute(_CHANGED, (done, top)) if row[0] is not None]
        indexed = self._progress(conn, "messages")
        ids = [i for i in ids if i <= indexed]
        if ids:  # their old text is to go from the file for good: see purge_step
            conn.execute("UPDATE progress SET last_id = 1 WHERE name = 'purge'")
            self.purging = True
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            conn.execute(
                "DELETE FROM messages_fts WHERE rowid IN "
                f"(SELECT {ROWID} FROM data.messages WHERE id IN ({marks}))",
                chunk,
            )
            conn.execute(
                f"INSERT OR REPLACE INTO messages_fts(rowid, text) SELECT {ROWID}, text "
                f"FROM data.messages WHERE id IN ({marks}) AND recalled_at IS NULL "
                "AND text != '' ORDER BY 1",
                chunk,
            )
        return full

    def forget(self, conversation_ids: list[int], first_message: int | None) -> None:
        """Conversations taken out of the database (an import that failed, a chat a merge
        replaced): their rows go, for good at the next purge; and from `first_message` on,
        the messages are indexed again (ids of deleted rows may have been handed out again;
        rows indexed twice are replaced, not doubled)."""
        conn = self._conn
        assert conn is not None, "index not open"
        conn.execute("BEGIN IMMEDIATE")
        try:
            for conversation_id in conversation_ids:
                low = conversation_id << SEQ_BITS
                conn.execute(
                    "DELETE FROM messages_fts WHERE rowid BETWEEN ? AND ?", (low, low | SEQ_MAX)
                )
            if first_message is not None:
                conn.execute(
                    "UPDATE progress SET last_id = min(last_id, ?) WHERE name = 'messages'",
                    (first_message - 1,),
                )
            conn.execute("UPDATE progress SET last_id = 1 WHERE name = 'purge'")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self.purging = True

    def purge_step(self) -> bool:
        """One bounded step of removing edited-away and recalled text from the file for good:
        merge up to MERGE_PAGES pages of segments (a merge into one segment drops deleted
        entries and their markers), then copy the WAL into the file and truncate it. True
        while there is more to do at once; False when done, or when readers held up the
        truncation (then `purging` stays true and it is tried again later)."""
        conn = self._conn
        assert conn is not None, "index not open"
        self.purging = bool(self._progress(conn, "purge"))
        if not self.purging:
            return False
        if not SECURE_DELETE:
            before = conn.total_changes
            conn.execute(
                "INSERT INTO messages_fts(messages_fts, rank) VALUES ('merge', ?)", (-MERGE_PAGES,)
            )
            if conn.total_changes - before >= 2:  # FTS5's sign that the merge did some work
                return True
        conn.execute("UPDATE progress SET last_id = 0 WHERE name = 'purge'")
        conn.execute(f"PRAGMA busy_timeout={TRUNCATE_BUSY_MS}")
        try:
            busy = conn.execute("PRAGMA main.wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            conn.execute("PRAGMA busy_timeout=10000")
        self.purging = bool(busy)
        if busy:
            conn.execute("UPDATE progress SET last_id = 1 WHERE name = 'purge'")
        return False
