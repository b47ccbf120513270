"""The school's outgoing-letter numbers: "ที่ ศธ 04002.123/45", running from 1 each calendar year.

The registration number of an outgoing letter (ทะเบียนหนังสือส่ง) starts again at 1 each calendar
year (docs/rules.md, "Documents"). A number is taken in the transaction that issues the letter, so
a rolled-back issue gives it back and two issues never share one.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from backend.documents.models import LetterCounter


async def next_letter_number(session: AsyncSession, *, school_id: int, year: int) -> int:
    """The next number of the school's BE ``year``; the counter row stays locked until commit."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(LetterCounter).values(school_id=school_id, year=year, last_number=0)
                          .on_conflict_do_nothing(index_elements=["school_id", "year"]))
    number = await session.scalar(
        sa.update(LetterCounter).where(LetterCounter.school_id == school_id, LetterCounter.year == year)
        .values(last_number=LetterCounter.last_number + 1).returning(LetterCounter.last_number))
    assert number is not None
    return int(number)


def letter_reference(code: str, number: int) -> str:
    """"ศธ 04002.123" and 45 -> "ศธ 04002.123/45" (printed after "ที่", in Thai digits)."""
    return f"{' '.join(code.split())}/{number}"
