"""The record of every document a school issued, and the audit trail of what happened to it."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import backend.applications.models
import backend.files.models
import backend.schools  # noqa: F401 - registers the schools table that the foreign keys point at
from backend.db import Base, UTCDateTime
from backend.statuses import initial_status, read_only_status


class DocumentStatus(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class IssuedDocument(Base):
    """One signed PDF. `data` is exactly the JSON embedded in it as document.json."""

    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(
        sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="SET NULL"), index=True, default=None
    )
    doc_type: Mapped[str] = mapped_column(sa.String(40))
    # Printed on the document and in its QR code; the public verify page is found by it.
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)  # of the signed PDF
    # The StoredFile holding the signed PDF, encrypted like the files parents send.
    storage_key: Mapped[str] = mapped_column(sa.ForeignKey("stored_files.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(sa.String(16), default=DocumentStatus.VALID)
    revoked_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    superseded_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issued_documents.id", ondelete="SET NULL"), default=None
    )
    # The only trace of the person the public verify page may show: "ด.ญ. ส*** ใ***".
    masked_name: Mapped[str] = mapped_column(sa.String(255))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    issued_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    issued_by: Mapped[str] = mapped_column(sa.String(128))


class DocumentEvent(Base):
    """Audit log: who issued, revoked or replaced a document, when and why."""

    __tablename__ = "issued_document_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        sa.ForeignKey("issued_documents.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(16))  # issued / revoked / superseded
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    actor: Mapped[str] = mapped_column(sa.String(128))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LetterCounter(Base):
    """The last outgoing-letter number a school used in a (BE calendar) year: "ที่ ศธ 04002.123/45".
    Taken like receipt numbers (an atomic UPDATE ... RETURNING in the issuing transaction)."""

    __tablename__ = "letter_counters"

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, primary_key=True)  # BE calendar year
    last_number: Mapped[int] = mapped_column(sa.Integer, default=0)


class SignatureStatus(StrEnum):
    PENDING = "pending"
    SIGNED = "signed"
    WITHDRAWN = "withdrawn"


class SignatureRequest(Base):
    """A document prepared by staff and waiting for the person with authority to sign it: the PDF
    is signed with the school's key only when that person approves it on the staff pages."""

    __tablename__ = "document_signature_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    doc_type: Mapped[str] = mapped_column(sa.String(40))
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)  # the document's data, as prepared
    # What is done when it is signed: a first issue, or a reissue of this document (with why).
    replaces_document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issued_documents.id", ondelete="SET NULL"), default=None)
    reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    prepared_by: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id", ondelete="CASCADE"))
    prepared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Written only by backend/documents/signature_requests.py, along a declared transition.
    _status: Mapped[str] = mapped_column("status", sa.String(16), default=SignatureStatus.PENDING)
    status = read_only_status("backend.documents.signature_requests")
    decided_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_members.id", ondelete="SET NULL"), default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    document_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("issued_documents.id", ondelete="SET NULL"), default=None)

    def __init__(self, *, status: str | None = None, **columns: Any) -> None:
        status = initial_status("signature request", status, SignatureStatus.PENDING)
        super().__init__(_status=status, **columns)


class AuthorityKind(StrEnum):
    """How someone other than the director signs in the director's place (งานสารบรรณ practice)."""

    DELEGATED = "delegated"  # ปฏิบัติราชการแทน: the director delegated the power by a written order
    ACTING = "acting"  # รักษาราชการแทน: the director is away or cannot act
    ACTING_IN_POSITION = "acting_in_position"  # รักษาการในตำแหน่ง: the post is vacant


class SigningAuthority(Base):
    """A staff member's power to sign the school's documents in the director's place: who, how,
    by which order, for which document types, from when to when. Granted and revoked by the director."""

    __tablename__ = "signing_authorities"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("staff_members.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    doc_types: Mapped[list[str]] = mapped_column(sa.JSON)  # empty: every type the director signs
    order_reference: Mapped[str] = mapped_column(sa.String(120))  # คำสั่งโรงเรียน... ที่ .../...
    valid_from: Mapped[dt.date] = mapped_column(sa.Date)
    valid_until: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    granted_by: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_members.id", ondelete="SET NULL"), default=None)
    granted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
