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
