"""The one place that builds every service and wires them together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from guanxi.accounts.invites import InviteService
from guanxi.accounts.service import AccountService
from guanxi.accounts.service_lifecycle import AccountLifecycle
from guanxi.assets.ledger import LedgerService
from guanxi.assets.service_exports import ExportService
from guanxi.assets.service_imports import ImportService
from guanxi.assets.service_placeholders import PlaceholderService
from guanxi.clock import Clock
from guanxi.conversations.media_refs import MessageMediaReferrer
from guanxi.conversations.profiles import ProfileEvents
from guanxi.conversations.service import ConversationService
from guanxi.conversations.service_actions import MessageActions
from guanxi.conversations.service_invitations import InvitationService
from guanxi.conversations.service_messages import MessageService
from guanxi.db.data_folder import secure_data_folder
from guanxi.db.database import Database
from guanxi.db.dialects import is_sqlite, sqlite_file
from guanxi.deletion.service import AccountDeletion
from guanxi.eventlog.pruner import EventPruner
from guanxi.eventlog.service import EventLog
from guanxi.insight.follower import InsightFollower
from guanxi.insight.operator import OperatorInsight
from guanxi.insight.report_service import InsightReports
from guanxi.insight.service import InsightService
from guanxi.leases.service import Leases, Step
from guanxi.media.service import MediaService
from guanxi.media.storage import LocalMediaStore
from guanxi.moments.media_refs import MomentMediaReferrer
from guanxi.moments.service import MomentService
from guanxi.moments.service_reactions import MomentReactionService
from guanxi.ratelimit.limiter import Limiter
from guanxi.ratelimit.sockets import SocketSeats
from guanxi.realtime.broker import Broker, make_broker
from guanxi.realtime.hub import Hub
from guanxi.relationships.avatars import AvatarMediaReferrer, AvatarService
from guanxi.relationships.service import RelationshipService
from guanxi.search.indexer import SearchIndexer
from guanxi.search.match_sqlite import SEARCH_SCHEMA
from guanxi.search.service import SearchService
from guanxi.settings import Settings
from guanxi.stream.service import StreamService, head_of
from guanxi.threads import ThreadPool


@dataclass
class Services:
    settings: Settings
    clock: Clock
    db: Database
    hub: Hub
    broker: Broker
    accounts: AccountService
    lifecycle: AccountLifecycle
    invites: InviteService
    deletion: AccountDeletion
    relationships: RelationshipService
    avatars: AvatarService
    conversations: ConversationService
    group_invitations: InvitationService
    messages: MessageService
    message_actions: MessageActions
    moments: MomentService
    moment_reactions: MomentReactionService
    media: MediaService
    stream: StreamService
    search: SearchService
    files: ThreadPool  # file reads and writes: media blobs, the search index
    pruner: EventPruner
    limiter: Limiter
    exports: ExportService
    ledger: LedgerService
    placeholders: PlaceholderService
    imports: ImportService
    insight: InsightService
    insight_follower: InsightFollower
    insight_reports: InsightReports
    operator_insight: OperatorInsight
    leases: Leases  # runs the background work in one worker at a time
    indexer: SearchIndexer | None = None  # SQLite's search index (PostgreSQL indexes itself)

    async def start(self, *, jobs: bool = True) -> None:
        """`jobs`: run the background work — the insight follower, export and import jobs,
        pruning the event log, collecting media — each in the one worker holding its lease
        (`guard_background`). A command line tool's services do not: a second job runner over
        the database would take the server's running jobs for ones a crash cut short."""
        secure_data_folder(self.settings.data_dir)
        await self.db.start()
        if self.indexer is not None:
            await self.indexer.start()
        await self.broker.start()
        self.limiter.start()
        self.accounts.limiter.start()
        self.stream.seats.start()
        await self.media.start()
        self.exports.prepare()
        self.imports.prepare()
        if jobs:
            await self.leases.start()
        secure_data_folder(self.settings.data_dir)  # the files the database just made

    async def stop(self) -> None:
        await self.leases.stop()
        await self.media.stop()
        self.exports.close()
        await self.limiter.close()
        await self.accounts.limiter.close()
        await self.stream.seats.close()
        await self.broker.stop()
        if self.indexer is not None:
            await self.indexer.stop()
        await self.db.stop()
        self.accounts.close()
        self.files.close()


def guard_background(services: Services) -> None:
    """The work that runs in one worker at a time, by lease name. The insight follower would
    be safe twice (its checkpoint is compared and set in each write unit) but would do the work
    twice; the job runners must not be (a runner starting fails the running jobs)."""
    leases = services.leases
    follower = services.insight_follower
    leases.guard("insight-follower", _sync(follower.start), follower.stop)
    leases.guard("export-jobs", services.exports.start, services.exports.stop)
    leases.guard("import-jobs", services.imports.start, services.imports.stop)
    pruner = services.pruner.periodic
    leases.guard("event-pruner", _sync(pruner.start), pruner.stop)
    collector = services.media.collector.periodic
    leases.guard("media-collector", _sync(collector.start), collector.stop)


def _sync(start: Callable[[], None]) -> Step:
    async def step() -> None:
        start()

    return step


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or Clock()
    url = settings.effective_database_url()
    indexer = None
    attach = None
    files = ThreadPool("guanxi-files", settings.file_io_threads)
    if is_sqlite(url):
        indexer = SearchIndexer(sqlite_file(url), files)
        attach = (str(indexer.file.path), SEARCH_SCHEMA)
    db = Database(
        url,
        batch_max=settings.write_batch_max,
        attach=attach,
        read_slots=settings.read_slots,
        read_wait_seconds=settings.read_wait_seconds,
        stuck_seconds=settings.stuck_transaction_seconds,
    )
    if indexer is not None:
        db.add_commit_listener(indexer.poke)
    hub = Hub(settings.sockets_per_user, settings.sockets_per_session)
    broker = make_broker(
        hub, settings.redis_url, settings.redis_channel, settings.data_dir, partial(head_of, db)
    )
    events = EventLog(broker, clock)
    media = MediaService(
        db, clock, settings, LocalMediaStore(settings.data_dir / "media", files, clock)
    )
    media.add_referrer(MessageMediaReferrer())
    media.add_referrer(MomentMediaReferrer(clock))
    media.add_referrer(AvatarMediaReferrer())
    moments = MomentService(db, clock, settings, events)
    accounts = AccountService(db, clock, settings, broker)
    lifecycle = AccountLifecycle(accounts)
    conversations = ConversationService(db, clock, settings, events)
    relationships = RelationshipService(db, clock, settings, events)
    accounts.on_rename(relationships.display_name_changed)
    accounts.on_profile_change(ProfileEvents(events).profile_changed)
    hub.on_session_ended(accounts.sessions.forget_session)
    imports = ImportService(db, clock, settings, events, media, indexer)
    exports = ExportService(db, clock, settings, events, media.storage, files)
    follower = InsightFollower(db, settings)  # runs in one worker at a time (a lease)
    db.add_commit_listener(follower.poke)
    services = Services(
        settings=settings,
        clock=clock,
        db=db,
        hub=hub,
        broker=broker,
        accounts=accounts,
        lifecycle=lifecycle,
        invites=InviteService(db, clock),
        deletion=AccountDeletion(lifecycle, conversations, exports, imports),
        relationships=relationships,
        avatars=AvatarService(db, accounts, media),
        conversations=conversations,
        group_invitations=InvitationService(db, clock, settings, events),
        messages=MessageService(db, clock, settings, events),
        message_actions=MessageActions(db, clock, events),
        moments=moments,
        moment_reactions=MomentReactionService(db, clock, events),
        media=media,
        stream=StreamService(db, hub, SocketSeats(settings)),
        search=SearchService(db, settings, moments, indexer),
        files=files,
        pruner=EventPruner(db, clock, settings),
        limiter=Limiter(settings, clock),
        exports=exports,
        ledger=LedgerService(db, clock, settings),
        placeholders=PlaceholderService(db, events),
        imports=imports,
        insight=InsightService(db, clock, settings),
        insight_follower=follower,
        insight_reports=InsightReports(db, clock, settings.insight_read_rows),
        operator_insight=OperatorInsight(db, clock, settings),
        leases=Leases(url, settings.lease_seconds),
        indexer=indexer,
    )
    guard_background(services)
    return services
