"""How long each kind of personal data is kept, and the daily job that removes it when its time
is up, with a record of every purge (PDPA s.37: delete when the retention period ends; the
privacy notice promises it). The schedule and its sources are in docs/rules.md ("Personal data").

What a school must keep (a request it decided, its e-documents and receipts) is kept for the
school's records period; what it never had to keep (an unfinished draft, a cancelled request,
photos sent outside any request) goes within weeks; what only made the chat work (the events
LINE delivered, the messages sent) goes within days to months.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend import audit, inbox, notices, outbox, thai_test, venues
from backend.admission_round import retention as rounds
from backend.applications.models import Application, ApplicationNote, ApplicationStatus
from backend.db import Base, UTCDateTime, rowcount
from backend.documents.models import IssuedDocument
from backend.fees.models import FeePayment, FeeReceipt, FeeRequest
from backend.files.models import StoredFile
from backend.files.service import FileVault
from backend.welfare import civil_servant_services

DAY = dt.timedelta(days=1)
ERASED = "erased"  # what stands in for a parent's reference once their data is gone


@dataclass(frozen=True)
class Rule:
    kind: str
    keep: dt.timedelta
    counted_from: str
    then: str


# The schedule. docs/rules.md gives each period's basis; tests/retention checks each one.
DRAFTS = Rule("draft", 90 * DAY, "the parent's last answer",
              "the draft, its answers and its files are deleted")
CANCELLED = Rule("cancelled_request", 30 * DAY, "the cancellation",
                 "the request, its answers and its files are deleted")
DECIDED = Rule("decided_request", 10 * 365 * DAY, "the decision",
               "answers, files, e-document PDFs and names are erased; the row stays for the figures")
UNATTACHED_FILES = Rule("unattached_file", 30 * DAY, "the upload",
                        "a photo or PDF that belongs to no request, payment or document is deleted")
INBOUND_EVENTS = Rule("inbound_event", 7 * DAY, "the event's arrival",
                      "the event as LINE delivered it (what the parent typed) is deleted")
MESSAGES = Rule("chat_message", 90 * DAY, "the message being written",
                "messages sent to parents and staff, and the notices behind them, are deleted")
# A civil servant's welfare claim or pension application is a financial record of the district:
# kept 10 years from its last financial event (the payment recorded, or the refusal), since the
# system cannot know when the Office of the Auditor General has audited it (docs/rules.md,
# "Welfare claims of civil servants", retention). An approved claim not yet paid is kept.
FINANCIAL_CLAIMS = Rule("civil_servant_claim", 10 * 365 * DAY, "the payment recorded, or the refusal",
                        "answers, receipts, forms and names are erased; the row stays for the figures")
AUDIT_LOG = Rule("audit_log", 10 * 365 * DAY, "the entry",
                 "the entry is deleted (it holds ids and counts, no names)")
# An admission round's applicants who did not become students (backend/admission_round/retention.py).
ADMISSION_ROUND = Rule("admission_round", 365 * DAY, "the round's last day",
                       "applications of children not admitted are erased (the draw stays, by application "
                       "number), typed reasons cleared, มอบตัว slots deleted")
SCHEDULE = (DRAFTS, CANCELLED, DECIDED, FINANCIAL_CLAIMS, UNATTACHED_FILES, INBOUND_EVENTS, MESSAGES, AUDIT_LOG,
            ADMISSION_ROUND)
RUN_EVERY = DAY

DECIDED_STATUSES = (ApplicationStatus.APPROVED, ApplicationStatus.REJECTED, ApplicationStatus.CLOSED)
# A claim's last financial event: paid (closed) or refused; its ``updated_at`` records when.
SETTLED_CLAIM_STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.CLOSED)
_FILE_ID = re.compile(r"[0-9a-f]{32}")
_BATCH = 500


class DataPurge(Base):
    """One purge: what kind of data, how much, everything older than what, when, and why."""

    __tablename__ = "data_purges"
    __table_args__ = (sa.Index("ix_data_purges_ran_at", "ran_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None: the whole deployment (the daily job); a school: a parent's own request.
    school_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("schools.id", ondelete="CASCADE"), default=None)
    kind: Mapped[str] = mapped_column(sa.String(40))
    count: Mapped[int] = mapped_column(sa.Integer)
    # Everything of the kind last touched before this went (retention); None for a request.
    cutoff: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    reason: Mapped[str] = mapped_column(sa.String(24))  # "retention" | "parent_request"
    ran_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


def record_purge(session: AsyncSession, *, kind: str, count: int, now: dt.datetime, reason: str,
                 cutoff: dt.datetime | None = None, school_id: int | None = None) -> None:
    if count:
        session.add(DataPurge(school_id=school_id, kind=kind, count=count, cutoff=cutoff, reason=reason,
                              ran_at=now))


def referenced_files(application: Application) -> set[str]:
    """The stored files an application's answers and requested documents name."""
    found: set[str] = set()
    for value in (application.answers or {}).values():
        if isinstance(value, list):
            found.update(v for v in value if isinstance(v, str) and _FILE_ID.fullmatch(v))
    for item in application.requested_documents or []:
        if isinstance(item, dict):
            found.update(v for v in item.get("files", []) if isinstance(v, str))
    return found


async def delete_requests(session: AsyncSession, vault: FileVault, applications: Iterable[Application]) -> int:
    """Delete requests the school need not keep (drafts, cancelled), with their files."""
    count = 0
    for application in applications:
        await vault.purge(session, referenced_files(application))
        await venues.release(session, holder_ref=application.public_number)
        await thai_test.release(session, holder_ref=application.public_number)
        await session.delete(application)
        count += 1
    await session.flush()
    return count


async def erase_request(session: AsyncSession, vault: FileVault, application: Application,
                        now: dt.datetime) -> None:
    """What a decided request keeps after its records period: its service, status and dates."""
    files = referenced_files(application)
    fees = list(await session.scalars(sa.select(FeeRequest).where(FeeRequest.application_id == application.id)))
    for fee in fees:
        fee.parent_ref, fee.payload = ERASED, None
        files.update(await session.scalars(sa.select(FeePayment.slip_file_id).where(
            FeePayment.fee_request_id == fee.id, FeePayment.slip_file_id.is_not(None))))
        for receipt in await session.scalars(sa.select(FeeReceipt).where(FeeReceipt.fee_request_id == fee.id)):
            receipt.payer = "-"
    await vault.purge(session, files)
    # The e-documents' PDFs cannot go (their rows name them), so they are made unreadable; the
    # verify page still says, by code or hash, that the school issued them.
    documents = list(await session.scalars(sa.select(IssuedDocument).where(
        IssuedDocument.application_id == application.id)))
    await vault.erase(session, [document.storage_key for document in documents])
    for document in documents:
        document.data = {}
    await session.execute(sa.delete(notices.Notice).where(notices.Notice.application_id == application.id))
    application.answers = {}
    application.missing_documents = []
    application.requested_documents = []
    application.decision_reason = None
    application.appointment = None
    application.late_reason = None
    application.contact_name = None
    application.contact_phone = None
    # Staff's internal notes are about the request's people too.
    await session.execute(sa.delete(ApplicationNote).where(ApplicationNote.application_id == application.id))
    application.parent_ref = ERASED
    application.personal_data_erased_at = now
    await session.flush()


async def _erase_ended_rounds(session: AsyncSession, vault: FileVault, now: dt.datetime,
                             cutoff: dt.datetime) -> int:
    """Admission rounds whose last day is a year past: their non-admitted applicants' data goes."""
    erased = 0
    for round_ in await rounds.ended_rounds(session, ended_before=cutoff):
        for application in await rounds.applications_to_erase(session, round_):
            await erase_request(session, vault, application, now)
            erased += 1
        await rounds.forget_round(session, round_)
    return erased


async def _loose_files(session: AsyncSession, candidates: list[StoredFile]) -> list[str]:
    """Of these files, those no kept request, payment or document names."""
    ids = {row.id for row in candidates}
    kept: set[str] = set(await session.scalars(sa.select(FeePayment.slip_file_id).where(
        FeePayment.slip_file_id.in_(ids))))
    kept.update(await session.scalars(sa.select(IssuedDocument.storage_key).where(
        IssuedDocument.storage_key.in_(ids))))
    owners = {(row.school_id, row.owner_ref) for row in candidates}
    for school_id, owner_ref in owners:
        for application in await session.scalars(sa.select(Application).where(
                Application.school_id == school_id, Application.parent_ref == owner_ref)):
            kept.update(referenced_files(application))
    return [file_id for file_id in ids if file_id not in kept]


async def purge_loose_files(session: AsyncSession, vault: FileVault, *, uploaded_before: dt.datetime,
                            owner: tuple[int, str] | None = None) -> int:
    """Delete files that belong to nothing (photos sent outside a request, parts of a deleted
    one), uploaded before the cutoff; only one parent's when owner = (school_id, user_ref)."""
    purged, after_id = 0, ""
    while True:
        query = sa.select(StoredFile).where(StoredFile.created_at < uploaded_before, StoredFile.id > after_id,
                                            StoredFile.owner_ref != "issued-documents")
        if owner is not None:
            query = query.where(StoredFile.school_id == owner[0], StoredFile.owner_ref == owner[1])
        batch = list(await session.scalars(query.order_by(StoredFile.id).limit(_BATCH)))
        if not batch:
            return purged
        after_id = batch[-1].id
        purged += await vault.purge(session, await _loose_files(session, batch))


@dataclass
class PurgeReport:
    counts: dict[str, int]
    now: dt.datetime

    def __getitem__(self, kind: str) -> int:
        return self.counts.get(kind, 0)


async def enforce(session: AsyncSession, vault: FileVault, *, now: dt.datetime) -> PurgeReport:
    """Remove everything whose retention ended by now, and record each purge. The caller commits.
    Safe to run twice (from several worker processes): the second run finds nothing."""
    counts: dict[str, Any] = {}
    cutoffs = {rule.kind: now - rule.keep for rule in SCHEDULE}

    drafts = await session.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.DRAFT, Application.last_activity_at < cutoffs[DRAFTS.kind]))
    counts[DRAFTS.kind] = await delete_requests(session, vault, list(drafts))
    cancelled = await session.scalars(sa.select(Application).where(
        Application.status == ApplicationStatus.CANCELLED, Application.updated_at < cutoffs[CANCELLED.kind]))
    counts[CANCELLED.kind] = await delete_requests(session, vault, list(cancelled))

    claims = civil_servant_services()
    decided = list(await session.scalars(sa.select(Application).where(
        Application.status.in_(DECIDED_STATUSES), Application.personal_data_erased_at.is_(None),
        Application.decided_at < cutoffs[DECIDED.kind], Application.service.not_in(claims))))
    for application in decided:
        await erase_request(session, vault, application, now)
    counts[DECIDED.kind] = len(decided)
    counts[ADMISSION_ROUND.kind] = await _erase_ended_rounds(session, vault, now, cutoffs[ADMISSION_ROUND.kind])
    settled = list(await session.scalars(sa.select(Application).where(
        Application.service.in_(claims), Application.status.in_(SETTLED_CLAIM_STATUSES),
        Application.personal_data_erased_at.is_(None), Application.updated_at < cutoffs[FINANCIAL_CLAIMS.kind])))
    for application in settled:
        await erase_request(session, vault, application, now)
    counts[FINANCIAL_CLAIMS.kind] = len(settled)

    counts[UNATTACHED_FILES.kind] = await purge_loose_files(session, vault,
                                                            uploaded_before=cutoffs[UNATTACHED_FILES.kind])
    counts[INBOUND_EVENTS.kind] = await inbox.purge_processed(session, older_than=cutoffs[INBOUND_EVENTS.kind])
    messages_cutoff = cutoffs[MESSAGES.kind]
    sent = await session.execute(sa.delete(outbox.OutboundMessage).where(
        outbox.OutboundMessage.status != outbox.PENDING, outbox.OutboundMessage.created_at < messages_cutoff))
    told = await session.execute(sa.delete(notices.Notice).where(
        notices.Notice.delivered_at.is_not(None), notices.Notice.created_at < messages_cutoff))
    counts[MESSAGES.kind] = rowcount(sent) + rowcount(told)
    old_entries = await session.execute(
        sa.delete(audit.AuditEntry).where(audit.AuditEntry.at < cutoffs[AUDIT_LOG.kind]))
    counts[AUDIT_LOG.kind] = rowcount(old_entries)

    for kind, count in counts.items():
        record_purge(session, kind=kind, count=count, now=now, reason="retention", cutoff=cutoffs[kind])
    await session.flush()
    return PurgeReport(counts, now)
