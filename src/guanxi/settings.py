"""Typed settings, read from `GUANXI_*` environment variables. No I/O at import."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting guanxi reads. `docs/settings.md` is generated from these fields."""

    model_config = SettingsConfigDict(env_prefix="GUANXI_", extra="ignore")

    data_dir: Path = Field(
        Path("guanxi-data"),
        description="Folder holding the embedded SQLite database and media files.",
    )
    database_url: str | None = Field(
        None,
        description="PostgreSQL URL (postgresql://user@host/db). Unset: SQLite in the data folder.",
    )
    redis_url: str | None = Field(
        None,
        description="Redis URL for real-time fan-out between several worker processes.",
    )
    redis_channel: str | None = Field(
        None,
        description="Redis pub/sub channel for real-time fan-out. Unset: derived from the"
        " community's secret (`community.key` in the data folder), so communities sharing one"
        " Redis never share a channel.",
    )
    lease_seconds: float = Field(
        15.0,
        gt=0,
        description="With several workers on PostgreSQL, background work (the insight follower,"
        " export and import jobs, pruning, media collection) runs in one worker at a time, which"
        " holds a lease renewed every third of this time; a worker killed with -9 is taken over"
        " once its lease has run out. Unused on SQLite (one process).",
    )
    host: str = Field("127.0.0.1", description="Address `guanxi serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `guanxi serve` listens on.")
    max_body_bytes: int = Field(
        1_048_576, description="Largest JSON request body accepted, in bytes (413 beyond)."
    )
    message_max_chars: int = Field(5000, description="Longest text message, in characters.")
    group_max_members: int = Field(500, description="Most members a group chat may have.")
    conversations_per_user_max: int = Field(
        2000,
        ge=1,
        description="Most conversations (direct chats and groups) one person may be in at once;"
        " opening, creating or joining one more answers 409 too_many_conversations. Keeps the"
        " work of listing one person's chats bounded.",
    )
    recall_window_seconds: int = Field(
        120, description="How long after sending a sender may recall a message."
    )
    edit_window_seconds: int = Field(
        86_400, description="How long after sending a sender may edit a message."
    )
    edit_max_times: int = Field(10, description="How many times one message may be edited.")
    group_invitation_days: int = Field(
        7,
        description="How long a group invitation waits for an answer, in days; a declined one"
        " is not sent again by the same group within this time.",
    )
    group_invitations_per_day: int = Field(
        500,
        description="Group invitations (to people who are not the inviter's friends, or who"
        " left the group) one user may send in 24 hours (429 beyond).",
    )
    friend_requests_per_day: int = Field(
        30, description="Friend requests one user may send in 24 hours."
    )
    login_attempts: int = Field(
        5,
        ge=1,
        description="Failed logins for one handle (from any address) before each further try"
        " waits: 1 s, then twice as long each time, up to login_max_delay_seconds.",
    )
    login_max_delay_seconds: int = Field(
        300,
        ge=1,
        description="Longest wait between tries for a handle with many failed logins; a"
        " delay, never a lock, so an attacker cannot keep the owner out for longer.",
    )
    login_window_seconds: int = Field(
        300, ge=1, description="Window for counting failed logins per address and overall."
    )
    login_address_failures: int = Field(
        30,
        ge=1,
        description="Failed logins from one address within the login window; more answer 429,"
        " except for handles that logged in from that address before (a shared school or"
        " office address is not locked for everyone).",
    )
    login_global_failures: int = Field(
        1000,
        ge=1,
        description="Failed logins from all addresses together within the login window; more"
        " answer 429, except for handles that logged in from the caller's address before.",
    )
    trusted_proxies: str = Field(
        "",
        description="Addresses or networks (comma-separated, e.g. `127.0.0.1,10.0.0.0/8`) of"
        " reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed. Empty"
        " (the default): no proxy is trusted and the address is the connecting peer's.",
    )
    operators: str = Field(
        "",
        description="Handles (comma-separated) of the accounts that operate this community:"
        " they, and nobody else, read the operator's insight (`GET /api/v1/admin/insight`)."
        " Empty (the default): nobody.",
    )
    insight_read_rows: int = Field(
        5000,
        ge=1,
        description="Messages (or other rows) an insight report or the operator's figures read"
        " at a time in the server; SQLite runs on the server's event loop, so one read is as"
        " long as anyone else waits. `guanxi insight report` reads ten times as many.",
    )
    insight_operator_cache_seconds: int = Field(
        600,
        ge=0,
        description="How long `GET /api/v1/admin/insight` serves the figures it last computed"
        " before computing them again (one computation at a time; 0: every call computes).",
    )
    password_min_score: int = Field(
        2,
        ge=0,
        le=4,
        description="Least zxcvbn strength score (0-4) of a new password: 2 refuses common"
        " passwords, keyboard walks and the handle with a few characters added.",
    )
    password_hash_threads: int = Field(
        default_factory=lambda: max(1, (os.cpu_count() or 1) // 2),
        ge=1,
        le=64,
        description="Threads that hash and check passwords (default: half the CPU cores, at"
        " least one); they are apart from the threads that read files, so a flood of logins"
        " cannot hold up downloads or search.",
    )
    password_hash_queue: int = Field(
        16,
        ge=0,
        description="Password checks that may wait for a hashing thread; past that, logins and"
        " registrations answer 429 with Retry-After.",
    )
    password_hash_time_cost: int = Field(
        3,
        ge=1,
        description="Argon2id passes over memory per password hash. The default is the"
        " production cost: `guanxi serve` refuses a lower one (tests turn it down).",
    )
    password_hash_memory_kib: int = Field(
        65_536,
        ge=8,
        description="Argon2id memory per password hash, in KiB. The default (64 MiB) is the"
        " production cost: `guanxi serve` refuses a lower one.",
    )
    password_hash_parallelism: int = Field(
        4, ge=1, le=64, description="Argon2id lanes per password hash."
    )
    file_io_threads: int = Field(
        8,
        ge=1,
        le=256,
        description="Threads that read and write media files and the search index's file.",
    )
    session_idle_days: int = Field(
        30,
        ge=1,
        description="A session (a device's login) ends after this many days without use;"
        " each use moves the end on.",
    )
    sessions_per_user_max: int = Field(
        100,
        ge=1,
        description="Most sessions one user may hold; a login past it ends the least recently"
        " used one.",
    )
    registration: Literal["open", "invite", "closed"] = Field(
        "open",
        description="Who may register: anyone (`open`), only with an invite code from"
        " `guanxi invite create` (`invite`), or nobody (`closed`: 403; accounts are made with"
        " `guanxi user create`).",
    )
    session_cache_seconds: int = Field(
        10,
        description="How long a worker trusts a token it has checked without asking the database"
        " again. A logout reaches every worker sharing Redis at once; a session ended without"
        " telling them (expiry, `guanxi user disable` without Redis) within this time.",
    )
    write_batch_max: int = Field(
        256, description="Most write units committed together by one fsync (group commit)."
    )
    read_slots: int | None = Field(
        None,
        ge=1,
        description="Database reads at once per worker, at most the read pool's size (the"
        " default: 4 on SQLite, 18 on PostgreSQL). Others wait their turn, in order.",
    )
    read_wait_seconds: float = Field(
        10.0,
        ge=0,
        description="How long a request waits for a database read before the server answers"
        " 503 with Retry-After (an events socket: close code 1013): overloaded, try again.",
    )
    stuck_transaction_seconds: float = Field(
        60.0,
        ge=1,
        description="On PostgreSQL: a connection of ours that sits this long inside a"
        " transaction without sending anything (a worker frozen or cut off while it held the"
        " write lock) is ended by PostgreSQL (idle_in_transaction_session_timeout), its"
        " transaction rolled back, so the other workers' writes go on.",
    )
    page_max: int = Field(200, description="Largest page a history or list call returns.")
    moments_feed_newest_from: int = Field(
        100,
        ge=0,
        description="Friends from which a moments feed page first reads the server's newest"
        " moments (10 per page row) and checks each for the viewer, instead of one index range"
        " per friend; it falls back when that gives less than a page.",
    )
    media_image_max_bytes: int = Field(
        20_000_000, description="Largest image upload, in bytes (413 beyond)."
    )
    media_max_bytes: int = Field(
        100_000_000, description="Largest voice, video or file upload, in bytes (413 beyond)."
    )
    media_processes: int = Field(
        default_factory=lambda: os.cpu_count() or 1,
        ge=0,
        le=64,
        description="Worker processes that decode, re-encode and clean uploads, at a lower"
        " CPU priority than the server (default: one per CPU core); 0 does that work in"
        " threads of the server process.",
    )
    media_image_max_pixels: int = Field(
        50_000_000,
        description="Most pixels (width × height) an uploaded image may have; more is refused"
        " as a possible decompression bomb (422).",
    )
    media_image_max_frames: int = Field(
        1000,
        ge=1,
        description="Most frames an animated image (GIF, WebP, APNG) may have (422 beyond).",
    )
    media_image_max_animation_seconds: float = Field(
        120,
        gt=0,
        description="Longest an animated image may play once through, in seconds (422 beyond).",
    )
    media_job_seconds: float = Field(
        60,
        gt=0,
        description="Longest one upload may be decoded, re-encoded or cleaned in a worker;"
        " past it the upload is refused (422 media_too_slow).",
    )
    media_jobs_per_user: int = Field(
        1,
        ge=1,
        description="How many of one user's uploads the workers process at once; the rest wait"
        " their turn, so one user cannot hold up everyone's photos.",
    )
    media_quota_bytes: int = Field(
        5_000_000_000,
        ge=0,
        description="Most bytes of media one user may hold (what is served of their uploads;"
        " 413 quota_exceeded beyond). Media no message or moment carries is freed after the"
        " grace period.",
    )
    media_grace_seconds: int = Field(
        86_400,
        ge=0,
        description="How long an upload may wait to be sent or posted, and how long bytes an"
        " upload just stored are left alone; after it, media no message or moment carries (never"
        " used, recalled, deleted) is deleted with its files.",
    )
    media_collect_interval_seconds: float = Field(
        300,
        ge=0,
        description="Seconds between runs of the media collector (0: it never runs).",
    )
    media_collect_batch: int = Field(
        500,
        ge=1,
        description="Most items, and blob folders, one run of the media collector looks at.",
    )
    # Imports (docs/security.md): an upload is untrusted input, checked before it is read.
    import_max_bytes: int = Field(
        2_000_000_000,
        ge=1,
        description="Largest import upload (a guanxi archive, a Telegram or WhatsApp export),"
        " in bytes (413 beyond); streamed to disk, never held in memory.",
    )
    import_max_members: int = Field(
        200_000,
        ge=1,
        description="Most files (and folders) a zip uploaded for import may hold.",
    )
    import_max_unpacked_bytes: int = Field(
        20_000_000_000,
        ge=1,
        description="Most bytes the files of a zip uploaded for import may unpack to, together"
        " (as the zip declares them; a file that unpacks to more than it declares is refused).",
    )
    import_max_member_bytes: int = Field(
        5_000_000_000,
        ge=1,
        description="Most bytes one file in a zip uploaded for import may unpack to.",
    )
    import_max_ratio: float = Field(
        100,
        gt=1,
        description="Most a file over 1 MB in a zip uploaded for import may be compressed"
        " (unpacked size ÷ packed size), and the whole zip too: more is refused as a zip bomb.",
    )

    @model_validator(mode="after")
    def _argon2_memory_fits_lanes(self) -> Settings:
        if self.password_hash_memory_kib < 8 * self.password_hash_parallelism:
            raise ValueError("password_hash_memory_kib must be at least 8 × parallelism")
        return self

    reactions_per_user: int = Field(
        3,
        ge=1,
        le=50,
        description="Most distinct reactions one person may put on one message (409 beyond).",
    )
    event_retention_days: int = Field(
        14,
        ge=1,
        description="How long the event log keeps events for replay; a device reconnecting with"
        " an older cursor is told to reload its state (`resync`).",
    )
    event_replay_max: int = Field(
        10_000,
        ge=1,
        description="Most events one reconnection replays; a device further behind is told to"
        " reload its state (`resync`).",
    )
    event_prune_interval_seconds: int = Field(
        60, ge=1, description="How often events older than the retention are deleted."
    )
    event_prune_batch: int = Field(
        2000, ge=1, description="Most events deleted by one pruning run (one write)."
    )
    # Insight (docs/insight.md): the per-pair statistics the follower keeps and the pages read
    insight_feedback_window_hours: float = Field(
        24,
        gt=0,
        description="Δ: a message counts as an interaction when the other person gives feedback"
        " (a message back, a reaction, a like or a comment) within this many hours.",
    )
    insight_half_life_days: float = Field(
        30,
        gt=0,
        description="Half-life of the tie score for a pair whose role has no half-life of its own"
        " (family 180, partner and close friend 60, stranger 7; changing it needs"
        " `guanxi insight rebuild`).",
    )
    insight_pending_max: int = Field(
        64,
        ge=1,
        description="Most unanswered messages remembered per pair while awaiting feedback; older"
        " ones count as never answered.",
    )
    insight_start_gap_hours: float = Field(
        6,
        gt=0,
        description="A message after this much silence between two people starts a"
        " conversation (who starts, on a relationship's page).",
    )
    insight_follow_batch: int = Field(
        100,
        ge=1,
        description="Most events the insight follower applies in one write (on SQLite a write"
        " holds up the server while it runs: a smaller batch shortens the stalls).",
    )
    insight_follow_cache_pairs: int = Field(
        2048,
        ge=0,
        description="Most pair states the insight follower keeps in memory between its writes"
        " (about 4 KB each at most), so that it need not read back what it just stored; 0"
        " reads them every time.",
    )
    insight_follow_interval_seconds: float = Field(
        1.0,
        ge=0,
        description="How often the insight follower looks for new events besides being woken"
        " by each commit; 0 turns the follower off (the statistics then wait for"
        " `guanxi insight rebuild`).",
    )
    insight_follow_gap_seconds: float = Field(
        0.5,
        ge=0,
        description="Least time between two catch-ups of the insight follower: woken by a"
        " commit within it, the follower waits for the rest, then applies everything that"
        " arrived meanwhile in one write. Under load it writes a few times a second instead of"
        " after every commit of the sends (which halved the server's message throughput);"
        " insight is at most this much later.",
    )
    insight_relationship_min_weeks: int = Field(
        3, ge=1, description="Distinct ISO weeks with interaction a relationship needs."
    )
    insight_relationship_min_span_days: float = Field(
        14, ge=0, description="Days a relationship's interactions must span at least."
    )
    insight_fading_factor: float = Field(
        8, gt=0, description="A relationship fades after this many times its mean gap of silence."
    )
    insight_fading_floor_days: float = Field(
        14, ge=0, description="Silence shorter than this never makes a relationship fade."
    )
    insight_fading_cap_days: float = Field(
        90, gt=0, description="Silence this long makes any relationship fade."
    )
    insight_circle_min_per_year: float = Field(
        1.0,
        ge=0,
        description="Interactions per year of a pair's lifetime an alter needs to be in a circle.",
    )
    insight_max_pairs: int = Field(
        5000,
        ge=1,
        description="Most pairs one user's insight page reads (the strongest by stored score):"
        " the bound on a page's work.",
    )
    # Rate limits (docs/security.md). A rate is BURST,COUNT/UNIT: BURST at once, then COUNT per
    # UNIT (s, min, h, d) as the bucket refills; `off` turns a kind off.
    rate_limit_registrations: str = Field(
        "20,20/h", description="Accounts registered from one client address."
    )
    rate_limit_logins: str = Field(
        "30,30/min", description="Login attempts (right or wrong) from one client address."
    )
    rate_limit_messages: str = Field(
        "60,10/s",
        description="Messages one user sends, all chats together (room for a phone's outbox"
        " after a time offline).",
    )
    rate_limit_edits: str = Field("30,10/min", description="Message edits by one user.")
    rate_limit_recalls: str = Field("30,10/min", description="Message recalls by one user.")
    rate_limit_reactions: str = Field(
        "60,1/s", description="Reactions one user adds or removes on messages."
    )
    rate_limit_read_markers: str = Field(
        "120,10/s", description="Read markers one user sets (`POST .../read`)."
    )
    rate_limit_typing: str = Field(
        "10,20/min",
        description="Typing signals one user sends (`POST .../typing`): the client sends one"
        " every few seconds while typing; past 10 at once, one every 3 s.",
    )
    rate_limit_conversations: str = Field(
        "20,1/min",
        description="Groups and direct chats one user creates (`POST /conversations`): 20 in a"
        " minute, then one a minute.",
    )
    rate_limit_members: str = Field(
        "60,2/min", description="Member additions, role changes and removals by one user."
    )
    rate_limit_friend_requests: str = Field(
        "20,1/min",
        description="Friend requests one user sends in quick succession (the daily cap is"
        " `friend_requests_per_day`).",
    )
    rate_limit_uploads: str = Field("30,20/min", description="Media uploads by one user.")
    rate_limit_moments: str = Field("10,1/min", description="Moments one user posts.")
    rate_limit_comments: str = Field(
        "30,10/min", description="Comments one user writes on moments."
    )
    rate_limit_likes: str = Field("60,1/s", description="Likes and unlikes by one user.")
    rate_limit_other_writes: str = Field(
        "120,2/s",
        description="Every other change by one user (profile, friends, blocks, chat settings,"
        " deletes, logout).",
    )
    rate_limit_ledger: str = Field(
        "30,6/min",
        description="Ledger reads by one user (`GET /me/assets`, which adds up all of their"
        " history).",
    )
    rate_limit_insight_reports: str = Field(
        "10,30/h",
        description="Insight reports by one user (`GET /me/insight/report`, the two-person"
        " report and `GET /admin/insight`): each reads a year or a whole history and draws"
        " charts.",
    )
    sockets_per_session: int = Field(
        20,
        ge=1,
        description="Most events WebSockets one login (token) may hold open, over every worker"
        " sharing `redis_url` (without Redis, in one server process); one more is refused"
        " (`too_many_sockets`, close code 4429).",
    )
    sockets_per_user: int = Field(
        50,
        ge=1,
        description="Most events WebSockets one user may hold open over all their logins, and"
        " over every worker sharing `redis_url` (without Redis, in one server process).",
    )
    api_docs: bool = Field(
        False,
        description="Serve the interactive API docs at /docs/swagger and /redoc. They load Swagger"
        " UI and ReDoc scripts from a CDN into the web client's origin, where the login token is"
        " kept: turn on for development only. /openapi.json and /docs (a plain page of every"
        " call, no script) are always served.",
    )
    http_keep_alive_seconds: int = Field(
        5,
        ge=1,
        description="`guanxi serve` closes an idle HTTP connection after this many seconds.",
    )
    socket_ping_seconds: float = Field(
        20.0,
        gt=0,
        description="`guanxi serve` pings every WebSocket this often and closes one whose"
        " device has not answered within as long: a device gone without a word, or one that"
        " stopped reading (its events stop piling up for it; it resumes by cursor).",
    )
    http_max_connections: int = Field(
        4000,
        ge=1,
        description="Most connections and requests `guanxi serve` handles at once (WebSockets"
        " count); a request past it answers 503. Keep the open-files limit (`ulimit -n`) above"
        " it.",
    )
    request_body_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a request's body may take to arrive, plus one second for every"
        " `request_body_min_rate` bytes of it that did arrive; past that the request answers 408"
        " and its connection is closed (a client that sends headers, then trickles or stops its"
        " body, holds a connection no longer).",
    )
    request_body_min_rate: int = Field(
        10_000,
        ge=1,
        description="Bytes a second a large body (an upload) must keep up on average, beyond its"
        " first `request_body_timeout` seconds.",
    )
    rate_limit_memory_keys: int = Field(
        100_000,
        ge=2,
        description="Most rate-limit buckets one process keeps in memory (without Redis); full"
        " buckets are dropped first, then the least recently used.",
    )

    export_retention_hours: int = Field(
        72,
        ge=1,
        description="How long a finished export's archive can be downloaded; after it the"
        " archive and its record are deleted.",
    )
    exports_per_day: int = Field(
        3,
        ge=1,
        description="Most exports one user may start in 24 hours (429 `exports_per_day` beyond);"
        " one at a time (429 `export_running` while one is queued or running).",
    )
    export_sweep_interval_seconds: float = Field(
        600,
        ge=0,
        description="Seconds between runs of the sweep that deletes expired export archives"
        " (0: it never runs).",
    )

    imports_per_day: int = Field(
        10,
        ge=1,
        description="Imports one person may start in 24 hours (429 beyond); one runs at a time.",
    )
    import_batch: int = Field(
        2000,
        ge=1,
        le=50_000,
        description="Entries an import writes per write unit: larger is faster, smaller lets"
        " everyone else's writes in sooner.",
    )

    def sqlite_path(self) -> Path:
        return self.data_dir / "guanxi.db"

    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.sqlite_path()}"
