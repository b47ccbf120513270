"""School staff: who they are, their role, and the one-time invite codes that enrol them."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from backend import audit
from backend.db import Base, UTCDateTime


class Role(StrEnum):
    TEACHER = "teacher"
    REGISTRAR = "registrar"
    FINANCE = "finance"
    DIRECTOR = "director"
    ADMIN = "admin"
    # A district office's staff (เจ้าหน้าที่สำนักงานเขตพื้นที่การศึกษา), enrolled through one of its
    # schools: they see the figures of every school of that school's district (web/staff/routes/district.py).
    DISTRICT = "district"
    # A district's civil servant who only claims welfare or a pension (a retiree, say): enrolled
    # like other staff through one of the district's schools; sees no request (backend/welfare.py).
    CIVIL_SERVANT = "civil_servant"
    # A district office's finance officer (กลุ่มบริหารงานการเงินและสินทรัพย์): the only role that sees
    # and decides the district's civil servants' welfare claims and pension applications.
    DISTRICT_FINANCE = "district_finance"
    # OBEC's own staff (เจ้าหน้าที่สำนักงานคณะกรรมการการศึกษาขั้นพื้นฐาน), enrolled through the
    # same invites: they decide OBEC's own services (a certificate of qualification equivalence)
    # filed through any school's chat, and sign their documents as OBEC (backend/organisations.py).
    OBEC = "obec"


class StaffMember(Base):
    __tablename__ = "staff_members"
    __table_args__ = (sa.UniqueConstraint("school_id", "line_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # The chat platform's user id, opaque to the domain (called user_ref everywhere else).
    line_user_id: Mapped[str] = mapped_column(sa.String(64))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(16))
    # As printed under a signature: the full name with its title ("นายสมชาย ใจดี") and the
    # official position (ตำแหน่ง, "ผู้อำนวยการโรงเรียนบ้านหนองน้ำใส"); the role only decides what
    # the member may do on the pages.
    full_name: Mapped[str | None] = mapped_column(sa.String(120), default=None)
    position: Mapped[str | None] = mapped_column(sa.String(160), default=None)
    active: Mapped[bool] = mapped_column(default=True)
    notify_new_submissions: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Written into every session this member signs in to; logging out adds one, which ends every
    # session issued before (on every device) at once, on every web process.
    session_generation: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")

    @property
    def user_ref(self) -> str:
        return self.line_user_id

    @property
    def actor(self) -> str:
        """How this member appears in the audit log."""
        return audit.staff_actor(self.id)


class StaffInvite(Base):
    """A one-time enrolment code. Only its hash is kept: the code is shown once to the admin."""

    __tablename__ = "staff_invites"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(sa.ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(16))
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, default=None)
    used_by_staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("staff_members.id", ondelete="SET NULL"), default=None
    )


class InviteInvalid(Exception):
    """The code cannot enrol anyone; ``message_th`` is what the person typing it is told."""

    def __init__(self, reason: str, message_th: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message_th = message_th


# No 0/O, 1/I/L: the code is read off a screen or a sheet of paper and typed on a phone.
INVITE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVITE_LENGTH = 8  # 31**8 ≈ 8.5e11 codes, each valid for days and usable once
DEFAULT_INVITE_VALIDITY = dt.timedelta(days=3)

_UNKNOWN_TH = "รหัสเชิญไม่ถูกต้องค่ะ กรุณาตรวจสอบรหัสอีกครั้ง หรือขอรหัสใหม่จากผู้ดูแลระบบของโรงเรียนค่ะ"
_EXPIRED_TH = "รหัสเชิญนี้หมดอายุแล้วค่ะ กรุณาขอรหัสใหม่จากผู้ดูแลระบบของโรงเรียนค่ะ"
_USED_TH = "รหัสเชิญนี้ถูกใช้ไปแล้วค่ะ กรุณาขอรหัสใหม่จากผู้ดูแลระบบของโรงเรียนค่ะ"


def normalise_invite_code(text: str) -> str:
    """What people type: lower case, spaces or a dash in the middle are all accepted."""
    return "".join(ch for ch in text.upper() if not ch.isspace() and ch != "-")


def looks_like_invite_code(text: str) -> bool:
    """Whether a chat message could be an invite code (lets the edge route it before the flows)."""
    code = normalise_invite_code(text)
    # A code always has a digit: eight letters are a name typed in Latin letters ("Anna Berg",
    # a foreigner registering for OBEC's Thai test), never a code.
    return (len(code) == INVITE_LENGTH and all(ch in INVITE_ALPHABET for ch in code)
            and any(ch.isdigit() for ch in code))


def _hash(code: str) -> str:
    return hashlib.sha256(normalise_invite_code(code).encode()).hexdigest()


async def create_invite(
    session: AsyncSession,
    *,
    school_id: int,
    role: str,
    now: dt.datetime,
    valid_for: dt.timedelta = DEFAULT_INVITE_VALIDITY,
    actor: str = audit.SYSTEM,
) -> str:
    """Make a one-time code that enrols whoever types it as ``role`` of the school; returns the
    plain code, which is not stored and cannot be shown again."""
    role = Role(role)
    code = ""
    while not looks_like_invite_code(code):  # about one code in eleven has no digit: drawn again
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    invite = StaffInvite(school_id=school_id, role=role, code_hash=_hash(code), created_at=now,
                         expires_at=now + valid_for)
    session.add(invite)
    await session.flush()
    audit.record(session, school_id=school_id, actor=actor, action="staff_invite_created",
                 subject=f"staff_invite:{invite.id}", at=now, detail={"role": str(role)})
    return code


async def invite_known(session: AsyncSession, code: str) -> bool:
    """Whether a code was ever issued (used or expired alike): a message shaped like a code that
    none matches may be an answer (a passport number) rather than a mistyped code."""
    return await session.scalar(sa.select(StaffInvite.id).where(StaffInvite.code_hash == _hash(code))) is not None


async def redeem_invite(
    session: AsyncSession, *, code: str, user_ref: str, display_name: str, now: dt.datetime
) -> StaffMember:
    """Link the person to the invite's school and role. Someone already enrolled at that school
    gets the invite's role and is made active again."""
    invite = await session.scalar(
        sa.select(StaffInvite).where(StaffInvite.code_hash == _hash(code)).with_for_update()
    )
    if invite is None:
        raise InviteInvalid("unknown", _UNKNOWN_TH)
    if invite.used_at is not None:
        raise InviteInvalid("used", _USED_TH)
    if now >= invite.expires_at:
        raise InviteInvalid("expired", _EXPIRED_TH)
    member = await session.scalar(
        sa.select(StaffMember).where(StaffMember.school_id == invite.school_id,
                                     StaffMember.line_user_id == user_ref)
    )
    if member is None:
        member = StaffMember(school_id=invite.school_id, line_user_id=user_ref,
                             display_name=display_name[:120], role=invite.role, active=True,
                             notify_new_submissions=True, created_at=now)
        session.add(member)
    else:
        member.role = invite.role
        member.active = True
        member.display_name = display_name[:120] or member.display_name
    await session.flush()
    invite.used_at = now
    invite.used_by_staff_id = member.id
    audit.record(session, school_id=invite.school_id, actor=member.actor, action="staff_enrolled",
                 subject=f"staff_invite:{invite.id}", at=now, detail={"role": invite.role,
                                                                       "staff_id": member.id})
    await session.flush()
    return member


async def staff_by_user(
    session: AsyncSession, *, user_ref: str, school_id: int | None = None
) -> StaffMember | None:
    """The active staff member behind a chat user. Without a school, the earliest enrolment
    counts (one person working for two schools of the same provider is rare)."""
    statement = sa.select(StaffMember).where(StaffMember.line_user_id == user_ref,
                                             StaffMember.active.is_(True))
    if school_id is not None:
        statement = statement.where(StaffMember.school_id == school_id)
    return await session.scalar(statement.order_by(StaffMember.id).limit(1))


async def staff_for_role(
    session: AsyncSession, school_id: int, roles: Iterable[str]
) -> list[StaffMember]:
    """The school's active members holding any of ``roles``, in enrolment order."""
    wanted = [str(role) for role in roles]
    if not wanted:
        return []
    statement = (
        sa.select(StaffMember)
        .where(StaffMember.school_id == school_id, StaffMember.active.is_(True),
               StaffMember.role.in_(wanted))
        .order_by(StaffMember.id)
    )
    return list(await session.scalars(statement))


async def staff_of_school(session: AsyncSession, school_id: int) -> list[StaffMember]:
    """Every active member (the simulator's development login lists them)."""
    statement = (
        sa.select(StaffMember)
        .where(StaffMember.school_id == school_id, StaffMember.active.is_(True))
        .order_by(StaffMember.id)
    )
    return list(await session.scalars(statement))
