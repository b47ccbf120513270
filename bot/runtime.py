"""Everything a web or worker process needs, built once from settings and closed on shutdown."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from backend import retention
from backend.admission_round import results as admission_results
from backend.clock import Clock, SystemClock
from backend.db import make_engine, make_sessionmaker
from backend.deadlines import late_decisions
from backend.documents.service import DocumentIssuer
from backend.files.crypto import deployment_keyring
from backend.files.service import FileVault
from backend.files.storage import BlobStore, LocalBlobStore, S3BlobStore, S3Config
from backend.second_channel import SecondChannel
from backend.sms_gateway import HttpSmsGateway
from backend.state import SharedState, make_state
from bot.admission import AnnouncementDesk
from bot.bulk import BulkSender
from bot.channels import ChannelRegistry
from bot.config import Settings
from bot.conversation import FlowConversation
from bot.data_rights import DataRights, DataRightsConversation
from bot.documents import DocumentLinks, register_document_media
from bot.enrolment import Enrolment
from bot.fees import FeeConversation, FeeDesk
from bot.handlers import Conversation, EventHandler
from bot.line_api import LineClients
from bot.line_quota import LineMessageQuota
from bot.media import MediaLinks
from bot.notices import deliver_notices
from bot.reminders import queue_due_reminders
from bot.sender import Sender
from bot.worker import Worker
from flows.services import load_catalog

REMINDER_SWEEP = dt.timedelta(minutes=5)
LATE_SWEEP = dt.timedelta(hours=1)
# Admission seats past their รายงานตัว deadline: looked for every few minutes.
ADMISSION_SWEEP = dt.timedelta(minutes=5)


@dataclass
class Runtime:
    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    state: SharedState
    clock: Clock
    channels: ChannelRegistry
    clients: LineClients
    files: FileVault
    conversation: FlowConversation
    documents: DocumentIssuer
    # Signed, expiring public links (QR images, previews, downloads) served at /media.
    media: MediaLinks
    # Where notices that matter legally are also sent (SMS / e-mail); None: not configured.
    second_channel: SecondChannel | None = None
    # Fee requests, QR, slips and receipts in the chat (bot/fees.py); None: fees not offered.
    fees: FeeDesk | None = None
    handler: EventHandler = field(init=False)
    sender: Sender = field(init=False)
    bulk_sender: BulkSender = field(init=False)
    # The month's message quota, read from LINE for the staff pages (web/message_quota.py).
    message_quota: LineMessageQuota = field(init=False)

    def __post_init__(self) -> None:
        conversation: Conversation = self.conversation
        if self.fees is not None:
            self.fees.register_media()
            conversation = FeeConversation(self.conversation, self.fees)
        # "ข้อมูลของฉัน" and "ลบข้อมูลของฉัน": a parent's rights over their data (PDPA ss.30-33).
        rights = DataRights(files=self.files, media=self.media, clock=self.clock)
        rights.register_media()
        conversation = DataRightsConversation(conversation, rights)
        self.handler = EventHandler(conversation=conversation, files=self.files, clients=self.clients,
                                    clock=self.clock, max_upload_bytes=self.settings.backend.max_upload_bytes)
        self.sender = Sender(clients=self.clients, clock=self.clock)
        self.bulk_sender = BulkSender(sessions=self.sessions, channels=self.channels, clients=self.clients,
                                      clock=self.clock)
        self.message_quota = LineMessageQuota(channels=self.channels, clients=self.clients)

    def worker(self, **options) -> Worker:
        async def reminders() -> None:
            await queue_due_reminders(sessions=self.sessions, conversation=self.conversation,
                                      channels=self.channels, clock=self.clock)

        async def deliver() -> bool:
            return bool(await deliver_notices(sessions=self.sessions, channels=self.channels, clock=self.clock,
                                  staff_url=f"{self.settings.backend.public_base_url}/staff",
                                  second_channel=self.second_channel, media=self.media,
                                  render=self.fees.render_notice if self.fees else None))

        async def retention_schedule() -> None:
            # Daily: everything whose retention period ended goes, and each purge is recorded.
            async with self.sessions() as session:
                await retention.enforce(session, self.files, now=self.clock.now())
                await session.commit()

        async def late() -> None:
            async with self.sessions() as session:
                await late_decisions(session, now=self.clock.now())
                await session.commit()

        async def admission_deadlines() -> None:
            # Seats not confirmed by their deadline go to the next reserve (with their own deadline).
            async with self.sessions() as session:
                await admission_results.sweep(session, now=self.clock.now())
                await session.commit()

        fee_jobs = self.fees.periodic_jobs() if self.fees else []
        options.setdefault("periodic", [(retention.RUN_EVERY, retention_schedule), (REMINDER_SWEEP, reminders),
                                        (LATE_SWEEP, late), (ADMISSION_SWEEP, admission_deadlines), *fee_jobs])
        # Notices become outbox messages in batches, then go to LINE in bulk, paced (bot/bulk.py).
        options.setdefault("bulk", [deliver, self.bulk_sender.run_pass])
        options.setdefault("background", [self.bulk_sender])  # its streams run on after run_pass returns
        return Worker(sessions=self.sessions, state=self.state, channels=self.channels, handler=self.handler,
                      sender=self.sender, clients=self.clients, clock=self.clock, **options)

    async def close(self) -> None:
        await self.clients.close()
        await self.state.close()
        await self.engine.dispose()


def build_runtime(settings: Settings, *, clock: Clock | None = None, state: SharedState | None = None) -> Runtime:
    """Create the runtime; call inside the running event loop (the SDK's clients need it)."""
    load_catalog()  # the services, checked: a broken spec stops the start here
    backend = settings.backend
    clock = clock or SystemClock()
    engine = make_engine(backend.database_url)
    sessions = make_sessionmaker(engine)
    keyring = deployment_keyring(backend.file_encryption_keys, backend.data_dir)
    blobs: BlobStore = (S3BlobStore(S3Config(**backend.s3)) if backend.s3
                        else LocalBlobStore(backend.data_dir / "files"))
    files = FileVault(keyring=keyring, blob_store=blobs, clock=clock, max_bytes=backend.max_upload_bytes)
    state = state or make_state(backend.redis_url, backend.redis_namespace)
    clients = LineClients(api_base_url=settings.line_api_base_url, data_base_url=settings.line_api_data_base_url)
    enrolment = Enrolment(state=state, clients=clients, public_base_url=backend.public_base_url)
    documents = DocumentIssuer.from_settings(backend, settings.signing, files)
    media = MediaLinks(secret=settings.staff_session_secret, clock=clock, public_base_url=backend.public_base_url,
                       previous_secrets=settings.staff_session_previous_secrets)
    # -- fees: QR images and receipts through media; the bank callback's shared secret.
    fee_desk = FeeDesk(sessions=sessions, clock=clock, media=media, files=files, documents=documents,
                       public_base_url=backend.public_base_url, callback_secret=settings.bank_callback_secret,
                       default_school=backend.default_school)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=sessions,
        state=state,
        clock=clock,
        channels=ChannelRegistry(sessions, default_school=backend.default_school,
                                 default_secret=settings.channel_secret,
                                 default_token=settings.channel_access_token, keyring=keyring),
        clients=clients,
        files=files,
        documents=documents,
        media=media,
        fees=fee_desk,
        second_channel=(HttpSmsGateway(url=backend.sms_gateway_url, token=backend.sms_gateway_token or "",
                                       sender=backend.sms_sender) if backend.sms_gateway_url else None),
        conversation=FlowConversation(clock=clock, enrolment=enrolment),
    )
    # -- e-documents in the chat: preview and download links, and fresh links on request.
    register_document_media(runtime.media, runtime.documents)
    runtime.conversation.document_links = DocumentLinks(runtime.media)
    # -- the admission announcement as a card ("ประกาศรับสมัคร": the rich menu's tile, or a question).
    runtime.conversation.announcements = AnnouncementDesk(backend.public_base_url)
    return runtime
