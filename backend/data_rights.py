"""A parent's rights over their data, exercised in the chat (PDPA ss.30-33): to see what the school
holds about them and get a copy, and to have it erased, except what the school must keep.

Every request is recorded (s.39 asks for a record of requests and of refusals with their
reasons), and so is every purge it causes (backend/retention.py). What cannot be erased at once
is a request the school is deciding or has decided: the school keeps it by law for its records
period (retention.DECIDED), and the parent is told which requests and until when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend import audit, contacts, inbox, notices, outbox, retention
from backend.admission_round.retention import RoundPlace, places_of
from backend.applications.models import Application, ApplicationStatus
from backend.consent import ConsentRecord
from backend.db import Base, UTCDateTime, rowcount
from backend.documents.models import IssuedDocument
from backend.fees.models import FeeRequest
from backend.files.models import StoredFile
from backend.files.service import FileVault
from backend.welfare import is_civil_servant_service

ACCESS = "access"
ERASURE = "erasure"
# Requests the school need not keep: they go at once when the parent asks.
DELETABLE = (ApplicationStatus.DRAFT, ApplicationStatus.CANCELLED)


class DataRequest(Base):
    """One request by a parent about their data, and what came of it (ids and counts only)."""

    __tablename__ = "data_requests"
    __table_args__ = (sa.Index("ix_data_requests_person", "school_id", "parent_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    parent_ref: Mapped[str] = mapped_column(sa.String(128))
    kind: Mapped[str] = mapped_column(sa.String(16))  # access | erasure
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # erasure: {"erased": {kind: count}, "kept": [application ids], "reason": "..."}
    outcome: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)


@dataclass
class Holdings:
    """What the school holds about one parent."""

    applications: list[Application]
    files: list[StoredFile]
    consents: list[ConsentRecord]
    fees: list[FeeRequest]
    documents: list[IssuedDocument]
    # The applications that took part in an admission round: their place, and the round's erasure.
    places: dict[int, RoundPlace] = field(default_factory=dict)

    def kept_until(self, application: Application) -> dt.datetime | dt.date | None:
        """When the application's data will be erased: a round's non-admitted applicant by the
        round's rule (a year after it), anything else decided by the decided requests' rule."""
        place = self.places.get(application.id)
        if place is not None and place.erased_on is not None:
            return place.erased_on
        return kept_until(application)

    @property
    def empty(self) -> bool:
        return not (self.applications or self.files or self.consents or self.fees)


async def holdings(session: AsyncSession, *, school_id: int, parent_ref: str) -> Holdings:
    applications = list(await session.scalars(sa.select(Application).where(
        Application.school_id == school_id, Application.parent_ref == parent_ref).order_by(Application.created_at)))
    files = list(await session.scalars(sa.select(StoredFile).where(
        StoredFile.school_id == school_id, StoredFile.owner_ref == parent_ref,
        StoredFile.deleted_at.is_(None)).order_by(StoredFile.created_at)))
    consents = list(await session.scalars(sa.select(ConsentRecord).where(
        ConsentRecord.school_id == school_id, ConsentRecord.user_ref == parent_ref).order_by(ConsentRecord.id)))
    fees = list(await session.scalars(sa.select(FeeRequest).where(
        FeeRequest.school_id == school_id, FeeRequest.parent_ref == parent_ref).order_by(FeeRequest.id)))
    ids = [a.id for a in applications]
    documents = list(await session.scalars(sa.select(IssuedDocument).where(
        IssuedDocument.application_id.in_(ids)).order_by(IssuedDocument.id))) if ids else []
    return Holdings(applications, files, consents, fees, documents, await places_of(session, ids))


def kept_until(application: Application) -> dt.datetime | None:
    """When a request the school keeps will be erased; None while it is still being decided."""
    if is_civil_servant_service(application.service):  # a financial record: from the payment or refusal
        if application.status not in retention.SETTLED_CLAIM_STATUSES:
            return None
        return application.updated_at + retention.FINANCIAL_CLAIMS.keep
    if application.decided_at is None or application.status not in retention.DECIDED_STATUSES:
        return None
    return application.decided_at + retention.DECIDED.keep


def _iso(moment: dt.datetime | dt.date | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def copy_of(found: Holdings, *, school_name: str, now: dt.datetime) -> dict[str, Any]:
    """Everything held, as data a program can read (s.31): answers as given, files described."""
    return {
        "school": school_name,
        "made_at": now.isoformat(),
        "requests": [{
            "number": a.public_number, "service": a.service, "status": a.status,
            "created_at": a.created_at.isoformat(),
            "submitted_at": _iso(a.submitted_at), "decided_at": _iso(a.decided_at),
            "answers": a.answers or {}, "missing_documents": a.missing_documents or [],
            "requested_documents": a.requested_documents or [],
            "appointment": a.appointment, "decision_reason": a.decision_reason,
            "kept_until": _iso(found.kept_until(a)),
            **({"admission_round": found.places[a.id].state_th} if a.id in found.places else {}),
        } for a in found.applications],
        "files": [{"id": f.id, "type": f.content_type, "bytes": f.size_bytes,
                   "received_at": f.created_at.isoformat()} for f in found.files],
        "fees": [{"description": f.description, "amount": str(f.amount), "status": f.status,
                  "ref1": f.ref1, "due_at": f.due_at.isoformat()} for f in found.fees],
        "documents": [{"code": d.code, "type": d.doc_type, "status": d.status,
                       "issued_at": d.issued_at.isoformat()} for d in found.documents],
        "consents": [{"purpose": c.purpose, "granted": c.granted, "notice_version": c.notice_version,
                      "at": c.recorded_at.isoformat()} for c in found.consents],
    }


def record_request(session: AsyncSession, *, school_id: int, parent_ref: str, kind: str,
                   now: dt.datetime) -> DataRequest:
    request = DataRequest(school_id=school_id, parent_ref=parent_ref, kind=kind, received_at=now)
    session.add(request)
    return request


@dataclass
class Erasure:
    request: DataRequest
    erased: dict[str, int] = field(default_factory=dict)
    kept: list[Application] = field(default_factory=list)
    places: dict[int, RoundPlace] = field(default_factory=dict)


async def erase_for_parent(session: AsyncSession, vault: FileVault, *, school_id: int, parent_ref: str,
                           channel: str, now: dt.datetime) -> Erasure:
    """Erase what the school need not keep; keep, and say so, what it must (s.33's exceptions:
    a request being decided or decided is the school's record under its legal duty and public
    task). Recorded as a data request, its purges and an audit entry. The caller commits."""
    request = record_request(session, school_id=school_id, parent_ref=parent_ref, kind=ERASURE, now=now)
    await session.flush()
    result = Erasure(request)
    applications = list(await session.scalars(sa.select(Application).where(
        Application.school_id == school_id, Application.parent_ref == parent_ref)))
    deletable = [a for a in applications if a.status in DELETABLE]
    result.kept = [a for a in applications if a.status not in DELETABLE]
    result.places = await places_of(session, [a.id for a in result.kept])
    result.erased["request"] = await retention.delete_requests(session, vault, deletable)
    result.erased["file"] = await retention.purge_loose_files(session, vault, uploaded_before=now + retention.DAY,
                                                              owner=(school_id, parent_ref))
    events = await session.execute(sa.delete(inbox.InboundEvent).where(
        inbox.InboundEvent.school_id == school_id, inbox.InboundEvent.user_ref == parent_ref,
        inbox.InboundEvent.status != inbox.PENDING))
    sent = await session.execute(sa.delete(outbox.OutboundMessage).where(
        outbox.OutboundMessage.school_id == school_id, outbox.OutboundMessage.recipient == parent_ref,
        outbox.OutboundMessage.status != outbox.PENDING))
    told = await session.execute(sa.delete(notices.Notice).where(
        notices.Notice.school_id == school_id, notices.Notice.recipient_ref == parent_ref,
        notices.Notice.delivered_at.is_not(None)))
    result.erased["chat"] = rowcount(events) + rowcount(sent) + rowcount(told)
    if not result.kept:
        # Nothing left that the consent records or the contact would account for.
        consents = await session.execute(sa.delete(ConsentRecord).where(
            ConsentRecord.school_id == school_id, ConsentRecord.user_ref == parent_ref))
        contact = await session.execute(sa.delete(contacts.Contact).where(
            contacts.Contact.channel == channel, contacts.Contact.user_ref == parent_ref))
        result.erased["record"] = rowcount(consents) + rowcount(contact)
    for kind, count in result.erased.items():
        retention.record_purge(session, kind=f"parent_{kind}", count=count, now=now, reason="parent_request",
                               school_id=school_id)
    request.completed_at = now
    request.outcome = {"erased": result.erased, "kept": [a.id for a in result.kept],
                       "reason": "kept by law: requests being decided or decided (PDPA s.33, s.24(4), (6))"
                       if result.kept else ""}
    audit.record(session, school_id=school_id, actor=audit.PARENT, action="personal_data_erased",
                 subject=f"data_request:{request.id}", at=now,
                 detail={"erased": result.erased, "kept": len(result.kept)})
    await session.flush()
    return result
