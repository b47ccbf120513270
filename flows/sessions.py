"""Where conversations live: each open conversation is its draft Application row.

Design choice: the database row is the conversation's only state. Every answer is flushed into
the caller's transaction as it is given, so a Redis loss or a restart costs nothing, and there
is no second copy to keep consistent. backend.state.SharedState is not used; if profiling ever
shows the one indexed lookup per message matters, a cache belongs here and nowhere else.
Serialising a parent's concurrent deliveries is the edge's job (a per-user lock around the
transaction); the row's revision counter is the backstop.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application, ApplicationStatus
from backend.applications.service import new_public_number

NONCE_BYTES = 6  # 8 URL-safe characters: unguessable per conversation, cheap in postback data

# Built once, with parameters: SQLAlchemy then reuses the statement's cache key and compiled form
# instead of building and analysing the same query for every message.
_OPEN_DRAFT = sa.select(Application).where(
    Application.school_id == sa.bindparam("school_id"),
    Application.parent_ref == sa.bindparam("parent_ref"),
    Application.status == ApplicationStatus.DRAFT,
)
_BY_NONCE = sa.select(Application).where(
    Application.school_id == sa.bindparam("school_id"),
    Application.parent_ref == sa.bindparam("parent_ref"),
    Application.session_nonce == sa.bindparam("nonce"),
)


# The parent's requests already filed (not drafts, not cancelled), newest first: where the
# contact details they gave once are offered back from (flows/understanding.py).
_FILED = (
    sa.select(Application.answers)
    .where(
        Application.school_id == sa.bindparam("school_id"),
        Application.parent_ref == sa.bindparam("parent_ref"),
        Application.status.not_in((ApplicationStatus.DRAFT, ApplicationStatus.CANCELLED)),
    )
    .order_by(Application.id.desc())
    .limit(5)
)


def new_nonce() -> str:
    return secrets.token_urlsafe(NONCE_BYTES)


class SessionStore:
    async def open_draft(
        self, session: AsyncSession, *, school_id: int, parent_ref: str
    ) -> Application | None:
        return await session.scalar(_OPEN_DRAFT, {"school_id": school_id, "parent_ref": parent_ref})

    async def filed_answers(
        self, session: AsyncSession, *, school_id: int, parent_ref: str
    ) -> list[dict]:
        """The answers of the parent's latest filed requests at this school, newest first."""
        rows = await session.scalars(_FILED, {"school_id": school_id, "parent_ref": parent_ref})
        return [answers for answers in rows if isinstance(answers, dict)]

    async def by_nonce(
        self, session: AsyncSession, *, school_id: int, parent_ref: str, nonce: str
    ) -> Application | None:
        """The conversation a button came from, whatever became of it."""
        return await session.scalar(
            _BY_NONCE, {"school_id": school_id, "parent_ref": parent_ref, "nonce": nonce}
        )

    async def create_draft(
        self,
        session: AsyncSession,
        *,
        school_id: int,
        parent_ref: str,
        service: str,
        flow_version: int,
        number_prefix: str,
        first_step: str,
        now: dt.datetime,
    ) -> Application:
        draft = Application(
            public_number=new_public_number(number_prefix),
            school_id=school_id,
            parent_ref=parent_ref,
            service=service,
            status=ApplicationStatus.DRAFT,
            answers={},
            current_step=first_step,
            missing_documents=[],
            flow_version=flow_version,
            session_nonce=new_nonce(),
            created_at=now,
            updated_at=now,
            last_activity_at=now,
        )
        session.add(draft)
        await session.flush()
        return draft

    async def idle_drafts(
        self, session: AsyncSession, *, idle_since: dt.datetime, school_id: int | None = None
    ) -> Sequence[Application]:
        """Drafts untouched since ``idle_since`` and not reminded since their last activity."""
        statement = sa.select(Application)
        if school_id is not None:
            statement = statement.where(Application.school_id == school_id)
        result = await session.scalars(
            statement
            .where(
                Application.status == ApplicationStatus.DRAFT,
                Application.last_activity_at <= idle_since,
                sa.or_(
                    Application.reminded_at.is_(None),
                    Application.reminded_at < Application.last_activity_at,
                ),
            )
            .order_by(Application.last_activity_at)
        )
        return result.all()
