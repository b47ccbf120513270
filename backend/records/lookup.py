"""Which stored record a request is about: the student number staff type, else the national ID
the parent gave."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application
from backend.records.models import StudentRecord


async def record_for(session: AsyncSession, application: Application,
                     staff_input: Mapping[str, str] | None) -> StudentRecord | None:
    number = " ".join(str((staff_input or {}).get("student_number") or "").split())
    school = StudentRecord.school_id == application.school_id
    if number:
        return await session.scalar(sa.select(StudentRecord).where(school, StudentRecord.student_number == number))
    national_id = (application.answers or {}).get("student_national_id")
    if isinstance(national_id, str) and national_id:
        return await session.scalar(sa.select(StudentRecord).where(school, StudentRecord.national_id == national_id)
                                    .order_by(StudentRecord.updated_at.desc()).limit(1))
    return None


def record_data(record: StudentRecord) -> dict[str, Any]:
    """The record as a document carries it (embedded in the PDF as structured data)."""
    data = dict(record.data)
    if record.scan_file_id:
        data["scan_file_id"] = record.scan_file_id
    return data
