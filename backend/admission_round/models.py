"""The round's tables: the announcement (``admission_rounds``), each applicant's place in it
(``admission_entries``) and every draw or ranking made (``admission_draws``)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from backend.db import Base, UTCDateTime
from backend.statuses import initial_status, read_only_status


class Selection(StrEnum):
    LOTTERY = "lottery"  # จับสลาก: no test (kindergarten, ป.1 out of area; any grade the school says)
    SCORES = "scores"  # a test's scores imported as CSV (ม.1, ม.4 where the announcement says so)


class AdmissionRound(Base):
    """One school's announcement for one academic year (BE) and entry grade.

    Dates are Bangkok calendar days. ``priority_groups`` lists the groups the school's
    announcement names, in its order: ``[{"code": "sibling", "label": "มีพี่น้องเรียนอยู่"}]``.
    ``documents`` lists what to bring on each day: ``{"application": [...], "handover": [...]}``.
    The commitment (``commitment``: SHA-256 of ``secret``) is published before the close;
    ``secret`` is shown only with the draw.
    """

    __tablename__ = "admission_rounds"
    __table_args__ = (sa.UniqueConstraint("school_id", "academic_year", "grade"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    academic_year: Mapped[int] = mapped_column(sa.Integer)
    grade: Mapped[str] = mapped_column(sa.String(4))
    applications_open: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    applications_close: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    selection_day: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    results_day: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    report_day: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    handover_day: Mapped[dt.date | None] = mapped_column(sa.Date, default=None)
    seats: Mapped[int] = mapped_column(sa.Integer)
    in_area_seats: Mapped[int] = mapped_column(sa.Integer)
    reserve_limit: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    selection: Mapped[str] = mapped_column(sa.String(12), default=Selection.LOTTERY)
    priority_groups: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    documents: Mapped[dict[str, list[str]]] = mapped_column(sa.JSON, default=dict)
    # Where the default dates came from (the calendar file's sources), or "school" once edited.
    dates_source: Mapped[list[dict[str, str]]] = mapped_column(sa.JSON, default=list)
    commitment: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    secret: Mapped[str | None] = mapped_column(sa.String(64), default=None)
    # What public value the draw will use, named before it is known (e.g. a lottery's first prize).
    public_value_source: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    committed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # The draw whose results were sent to the parents (None: not yet), and when.
    results_draw: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    results_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    # Days a reserve offered a freed seat has to confirm it (at least until the report day ends).
    offer_days: Mapped[int] = mapped_column(sa.Integer, default=2)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class EntryStatus(StrEnum):
    PENDING = "pending"  # applied, not checked yet
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"  # offered a seat (by the draw, or promoted from the reserve list)
    RESERVE = "reserve"
    NOT_ACCEPTED = "not_accepted"  # beyond the reserve list
    CONFIRMED = "confirmed"  # รายงานตัว done
    DECLINED = "declined"
    LAPSED = "lapsed"  # the รายงานตัว deadline passed
    HANDED_OVER = "handed_over"  # มอบตัว done


class AdmissionEntry(Base):
    """One application's place in its round. Its status changes only through
    backend/admission_round/transitions.py."""

    __tablename__ = "admission_entries"
    __table_args__ = (sa.Index("ix_admission_entries_round_status", "round_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("admission_rounds.id", ondelete="CASCADE"))
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("applications.id", ondelete="CASCADE"),
                                                unique=True)
    # The public reference (the application's number): the draw's inputs name applicants by it.
    ref: Mapped[str] = mapped_column(sa.String(32))
    _status: Mapped[str] = mapped_column("status", sa.String(16))
    status = read_only_status("backend.admission_round.transitions")
    reason: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    in_area: Mapped[bool] = mapped_column(default=False)
    priority_group: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    score: Mapped[float | None] = mapped_column(sa.Float, default=None)
    reserve_position: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    confirm_by: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None, index=True)
    # The draw that decided this entry's outcome (a card from an earlier draw is out of date).
    draw_number: Mapped[int | None] = mapped_column(sa.Integer, default=None)
    student_number: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    # The มอบตัว appointment booked (admission_slots.id), and when staff marked the child handed over.
    slot_id: Mapped[int | None] = mapped_column(sa.ForeignKey("admission_slots.id", ondelete="SET NULL"),
                                                default=None)
    handed_over_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    def __init__(self, *, status: str | None = None, **columns: Any) -> None:
        super().__init__(_status=initial_status("admission entry", status, EntryStatus.PENDING), **columns)


class AdmissionDraw(Base):
    """A lottery or ranking as published: its inputs and result, never changed afterwards. A
    correction is a new draw (``number`` + 1) naming the one it replaces and why."""

    __tablename__ = "admission_draws"
    __table_args__ = (sa.UniqueConstraint("round_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("admission_rounds.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(sa.Integer)
    inputs: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    replaces: Mapped[int | None] = mapped_column(sa.Integer, default=None)  # the earlier draw's number
    reason: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    actor: Mapped[str] = mapped_column(sa.String(64))
    drawn_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AdmissionSlot(Base):
    """A มอบตัว appointment time with room for ``capacity`` families; ``booked`` is only raised
    by a conditional UPDATE (booked < capacity), so two parents cannot take the last place."""

    __tablename__ = "admission_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("admission_rounds.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    capacity: Mapped[int] = mapped_column(sa.Integer)
    booked: Mapped[int] = mapped_column(sa.Integer, default=0)


class StudentNumberSeries(Base):
    """A school's running series of student numbers (เลขประจำตัวนักเรียน): the next one to issue."""

    __tablename__ = "student_number_series"

    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), primary_key=True)
    next_number: Mapped[int] = mapped_column(sa.Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
