"""One student's record as the school's grading system exported it, or the archived scan of it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

import backend.files.models
import backend.schools  # noqa: F401
from backend.db import Base, UTCDateTime


class StudentRecord(Base):
    """The data of a student's ปพ.1: who, the courses term by term, the results, graduation.

    ``data`` holds the courses and results (see backend/records/importer.py for its keys); the
    identifying fields are columns so staff find a student by number, national ID or name.
    A record may instead (or as well) point to the scan of the paper record the school archived.
    """

    __tablename__ = "student_records"
    __table_args__ = (sa.UniqueConstraint("school_id", "student_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    student_number: Mapped[str] = mapped_column(sa.String(20))  # เลขประจำตัวนักเรียน
    national_id: Mapped[str | None] = mapped_column(sa.String(13), index=True, default=None)
    name: Mapped[str] = mapped_column(sa.String(160))  # with its title: "เด็กหญิงสมใจ รักเรียน"
    data: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    source: Mapped[str] = mapped_column(sa.String(24))  # the layout it came in, or "scan"
    scan_file_id: Mapped[str | None] = mapped_column(
        sa.ForeignKey("stored_files.id", ondelete="SET NULL"), default=None)
    imported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
