"""The one place that builds every service and wires them together."""

from __future__ import annotations

from dataclasses import dataclass

from guanxi.accounts.invites import InviteService
from guanxi.accounts.service import AccountService
from guanxi.accounts.service_lifecycle import AccountLifecycle
from guanxi.clock import Clock
from guanxi.conversations.media_refs import MessageMediaReferrer
from guanxi.conversations.service import ConversationService
from guanxi.conversations.service_invitations import InvitationService
from guanxi.conversations.service_messages import MessageService
from guanxi.db.data_folder import secure_data_folder
from guanxi.db.database import Database
from guanxi.db.dialects import is_sqlite, sqlite_file
from guanxi.deletion.service import AccountDeletion
from guanxi.eventlog.pruner import EventPruner
from guanxi.eventlog.service import EventLog
from guanxi.media.service import MediaService
from guanxi.media.storage import LocalMediaStore
from guanxi.moments.media_refs import MomentMediaReferrer
from guanxi.moments.service import MomentService
from guanxi.moments.service_reactions import MomentReactionService
from guanxi.ratelimit.limiter import Limiter
from guanxi.ratelimit.sockets import SocketSeats
from guanxi.realtime.broker import Broker, make_broker
from guanxi.realtime.hub import Hub
from guanxi.relationships.service import RelationshipService
from guanxi.search.indexer import SearchIndexer
from guanxi.search.match_sqlite import SEARCH_SCHEMA
from guanxi.search.service import SearchService
from guanxi.settings import Settings
from guanxi.stream.service import StreamService
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
    conversations: ConversationService
    group_invitations: InvitationService
    messages: MessageService
    moments: MomentService
    moment_reactions: MomentReactionService
    media: MediaService
    stream: StreamService
    search: SearchService
    files: ThreadPool  # file reads and writes: media blobs, the search index
    pruner: EventPruner
    limiter: Limiter
    indexer: SearchIndexer | None = None  # SQLite's search index (PostgreSQL indexes itself)

    async def start(self) -> None:
        secure_data_folder(self.settings.data_dir)
        await self.db.start()
        if self.indexer is not None:
            await self.indexer.start()
        await self.broker.start()
        self.limiter.start()
        self.accounts.limiter.start()
        self.stream.seats.start()
        await self.media.start()
        self.pruner.periodic.start()
        secure_data_folder(self.settings.data_dir)  # the files the database just made

    async def stop(self) -> None:
        await self.pruner.periodic.stop()
        await self.media.stop()
        await self.limiter.close()
        await self.accounts.limiter.close()
        await self.stream.seats.close()
        await self.broker.stop()
        if self.indexer is not None:
            await self.indexer.stop()
        await self.db.stop()
        self.accounts.close()
        self.files.close()


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    clock = clock or Clock()
    url = settings.effective_database_url()
    indexer = None
    attach = None
    files = ThreadPool("guanxi-files", settings.file_io_threads)
    if is_sqlite(url):
        indexer = SearchIndexer(sqlite_file(url), files)
        attach = (str(indexer.file.path), SEARCH_SCHEMA)
    db = Database(url, batch_max=settings.write_batch_max, attach=attach)
    if indexer is not None:
        db.add_commit_listener(indexer.poke)
    hub = Hub(settings.sockets_per_user, settings.sockets_per_session)
    broker = make_broker(hub, settings.redis_url, settings.redis_channel, settings.data_dir)
    events = EventLog(broker, clock)
    media = MediaService(
        db, clock, settings, LocalMediaStore(settings.data_dir / "media", files, clock)
    )
    media.add_referrer(MessageMediaReferrer())
    media.add_referrer(MomentMediaReferrer(clock))
    moments = MomentService(db, clock, settings, events)
    accounts = AccountService(db, clock, settings, broker)
    lifecycle = AccountLifecycle(accounts)
    conversations = ConversationService(db, clock, settings, events)
    relationships = RelationshipService(db, clock, settings, events)
    accounts.on_rename(relationships.display_name_changed)
    return Services(
        settings=settings,
        clock=clock,
        db=db,
        hub=hub,
        broker=broker,
        accounts=accounts,
        lifecycle=lifecycle,
        invites=InviteService(db, clock),
        deletion=AccountDeletion(lifecycle, conversations),
        relationships=relationships,
        conversations=conversations,
        group_invitations=InvitationService(db, clock, settings, events),
        messages=MessageService(db, clock, settings, events),
        moments=moments,
        moment_reactions=MomentReactionService(db, clock, events),
        media=media,
        stream=StreamService(db, hub, SocketSeats(settings)),
        search=SearchService(db, settings, moments, indexer),
        files=files,
        pruner=EventPruner(db, clock, settings),
        limiter=Limiter(settings, clock),
        indexer=indexer,
    )
