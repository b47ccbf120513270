"""Domain operations on applications that do not depend on how the answers were collected."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit, notices
from backend.applications import contact, workflow
from backend.applications.models import Application, ApplicationStatus

# Crockford's base32 without I, L, O, U: read aloud over the phone without confusion.
_NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_NUMBER_LENGTH = 8  # 32**8 ≈ 10**12: not guessable from a neighbour's number


def new_public_number(prefix: str) -> str:
    """A short non-guessable application number such as "TO-7KX3M9QP".

    Yearly sequential numbers ("TO-2569-000123") come later, allocated at submission.
    """
    token = "".join(secrets.choice(_NUMBER_ALPHABET) for _ in range(_NUMBER_LENGTH))
    return f"{prefix}-{token}"


async def submit_application(
    session: AsyncSession, application: Application, *, now: dt.datetime
) -> None:
    """Mark a complete draft as filed. The caller owns the transaction; this only flushes."""
    workflow.parent_moves(application, workflow.ParentAction.SUBMIT)  # only a draft is submitted
    application.submitted_at = now
    application.updated_at = now
    if workflow.is_civil_servant_service(application.service):
        # No staff step accepts a claim as complete: its decision is due from the filing.
        workflow.start_claim_clock(application, now)
    await session.flush()  # the application's id, for the records below
    await contact.fill_contact(session, application)
    # In the same transaction as the status, so the parent's notice and the staff's alerts
    # exist exactly once. The service clock starts later, when staff accept the documents.
    audit.record(session, school_id=application.school_id, actor=audit.PARENT, action="submit",
                 subject=audit.application_subject(application.id), at=now,
                 detail={"from": ApplicationStatus.DRAFT, "to": ApplicationStatus.SUBMITTED})
    workflow.notify_parent(session, application, notices.STATUS_CHANGED, now)
    await workflow.notify_staff(session, application, notices.NEW_SUBMISSION,
                                workflow.roles_acting_in(ApplicationStatus.SUBMITTED, application.service), now)
    # -- fees: a fee due at submission is requested with it (after the status notice, so the
    # parent reads "submitted" before "please pay").
    from backend.fees.service import AT_SUBMISSION, open_fee_if_due

    await open_fee_if_due(session, application, moment=AT_SUBMISSION, now=now)
    await session.flush()
