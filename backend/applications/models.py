"""The application row: one parent's request for one service, kept from its first answer on."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime
from backend.statuses import initial_status, read_only_status

# The answer that names the child, in every service that asks for one (flows/common.py's step).
CHILD_NAME_STEP = "student_name"


class ApplicationStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    DOCUMENTS_REQUESTED = "documents_requested"
    UNDER_REVIEW = "under_review"  # documents complete: the service clock runs
    APPROVED = "approved"
    REJECTED = "rejected"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Application(Base):
    """A request for one service. While ``draft`` it is also the conversation's whole state.

    ``answers`` maps stable step ids to JSON values; ``current_step`` is a step id (or an
    engine marker such as ``_summary``); ``session_nonce`` is stamped into every button of the
    conversation so buttons from an older conversation are recognised and refused.

    A new application is a draft; ``status`` is read-only and changes only through
    ``backend/applications/workflow.py`` (its transition tables).
    """

    __tablename__ = "applications"
    __table_args__ = (
        # One open conversation per parent and school: two taps that both try to start a draft
        # cannot create two.
        sa.Index(
            "uq_applications_one_draft_per_parent",
            "school_id",
            "parent_ref",
            unique=True,
            sqlite_where=sa.text("status = 'draft'"),
            postgresql_where=sa.text("status = 'draft'"),
        ),
        sa.Index("ix_applications_status_last_activity_at", "status", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    parent_ref: Mapped[str] = mapped_column(sa.String(128), index=True)
    service: Mapped[str] = mapped_column(sa.String(40))
    # Written only by workflow._change_status, along a declared transition.
    _status: Mapped[str] = mapped_column("status", sa.String(24), default=ApplicationStatus.DRAFT)
    status = read_only_status("backend.applications.workflow")
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    current_step: Mapped[str] = mapped_column(sa.String(64))
    missing_documents: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    flow_version: Mapped[int] = mapped_column(sa.Integer)
    session_nonce: Mapped[str] = mapped_column(sa.String(16), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    last_activity_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Set when an "unfinished request" reminder was pushed; a reminder is due again only after
    # new activity, so an idle parent is reminded once, not every sweep.
    reminded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # -- staff review (backend/applications/workflow.py changes these) -----------------------
    # When staff accepted the documents as complete: the service's time limit counts from here.
    complete_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    decision_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    # [{"document": step id, "name": what the parent is asked for}]; asked once (s.8 of the Act).
    # The parent's answer adds "files" (their ids) or "unavailable": true (flows/supplement.py).
    requested_documents: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    documents_requested_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # {"at": ISO datetime, "place": str, "note": str}
    appointment: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON, default=None)
    # [{"role": the chain's role signed for, "staff_id": int, "at": ISO datetime}]
    approvals: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # Why a decision is late, told to the parent with every s.10 notice.
    late_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    late_notice_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    parent_rating: Mapped[int | None] = mapped_column(sa.SmallInteger, default=None)
    parent_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # When its retention ended (backend/retention.py): answers, files and names are gone; the row
    # stays for the school's figures (service, status, dates).
    personal_data_erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # Who in the school holds the request now (backend/applications/assignment.py): the inbox
    # lists it under "mine" for them, and the actions the table gives the holder are theirs.
    assigned_to_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_members.id", ondelete="SET NULL"), default=None, index=True)
    assigned_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # Whom the school calls about the request (backend/applications/contact.py), set at submission.
    contact_name: Mapped[str | None] = mapped_column(sa.String(150), default=None)
    contact_phone: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    # Optimistic lock: two webhook deliveries for the same parent that slip past the edge's
    # per-user lock cannot both write the row; the second flush fails instead of interleaving.
    revision: Mapped[int] = mapped_column(sa.Integer, default=1)

    # Not a ClassVar: SQLAlchemy's DeclarativeBase declares __mapper_args__ as a plain attribute.
    __mapper_args__ = {"version_id_col": revision}  # noqa: RUF012 - read once, when the class is mapped

    def __init__(self, *, status: str | None = None, **columns: Any) -> None:
        status = initial_status("application", status, ApplicationStatus.DRAFT)
        super().__init__(_status=status, **columns)

    @property
    def child_name(self) -> str:
        """The child's name as the parent gave it; "" when the request names no child."""
        answers = self.answers or {}
        name = answers.get(CHILD_NAME_STEP) or answers.get("child_name") or ""
        return name if isinstance(name, str) else ""


class ApplicationNote(Base):
    """A note staff leave on a request for each other. Internal: never rendered for the parent
    (no notice, no chat reply, no e-document reads this table)."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("staff_members.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
