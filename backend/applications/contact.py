"""Every request has someone to call: the contact's name and phone.

A flow fills them as answers (``contact_name`` / ``contact_phone``, or the older step ids
``parent_name`` / ``requester_name`` and ``parent_phone`` / ``phone``); at submission they are
copied onto the request. A service that does not ask (transfer out, replacement documents) takes
them from the parent's most recent earlier request at the school, if any: asked once per parent,
offered back afterwards.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application, ApplicationStatus

NAME_KEYS = ("contact_name", "parent_name", "requester_name")
PHONE_KEYS = ("contact_phone", "parent_phone", "phone")


def _first(answers: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = answers.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())[:150]
    return None


def from_answers(application: Application) -> tuple[str | None, str | None]:
    answers = application.answers or {}
    return _first(answers, NAME_KEYS), _first(answers, PHONE_KEYS)


async def earlier_contact(session: AsyncSession, application: Application) -> tuple[str | None, str | None]:
    """The contact on the parent's most recent earlier request at this school that has one."""
    row = (await session.execute(
        sa.select(Application.contact_name, Application.contact_phone).where(
            Application.school_id == application.school_id, Application.parent_ref == application.parent_ref,
            Application.id != application.id, Application.status != ApplicationStatus.DRAFT,
            Application.contact_phone.is_not(None), Application.personal_data_erased_at.is_(None),
        ).order_by(Application.submitted_at.desc(), Application.id.desc()).limit(1))).first()
    return (row[0], row[1]) if row else (None, None)


async def fill_contact(session: AsyncSession, application: Application) -> None:
    """Set the request's contact from its answers, else from the parent's earlier request."""
    name, phone = from_answers(application)
    if name is None or phone is None:
        earlier_name, earlier_phone = await earlier_contact(session, application)
        if phone is None and earlier_phone is not None:
            phone, name = earlier_phone, name or earlier_name
    application.contact_name = name
    application.contact_phone = phone


def tel_href(phone: str | None) -> str | None:
    """A tel: link for a Thai phone as typed ("081-234-5678" -> "tel:0812345678")."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit() or ch == "+")
    return f"tel:{digits}" if len(digits) >= 9 else None
