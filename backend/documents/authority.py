"""Who may sign a document, and how the signature block reads: the director, or someone the
director's written order empowers (ปฏิบัติราชการแทน), or who stands in for the director
(รักษาราชการแทน) or for a vacant post (รักษาการในตำแหน่ง). Sources: docs/rules.md, "Documents".

The person who signs is the one whose name and position print; the role only decides which pages
and buttons a member has. A member signs only with a printed name (full_name) on record: the LINE
display name never goes on an official document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import audit
from backend.documents.models import AuthorityKind, SigningAuthority
from backend.documents.types import spec_for
from backend.organisations import DistrictOffice
from backend.schools import School
from backend.staff import Role, StaffMember

# How the line under the signer's own position reads, by kind of authority.
CAPACITY_TH = {
    AuthorityKind.DELEGATED: "ปฏิบัติราชการแทน",
    AuthorityKind.ACTING: "รักษาราชการแทน",
    AuthorityKind.ACTING_IN_POSITION: "รักษาการในตำแหน่ง",
}
KIND_TH = {
    AuthorityKind.DELEGATED: "มอบอำนาจให้ลงนามแทน (ปฏิบัติราชการแทน)",
    AuthorityKind.ACTING: "รักษาราชการแทนผู้อำนวยการ",
    AuthorityKind.ACTING_IN_POSITION: "รักษาการในตำแหน่งผู้อำนวยการ (ตำแหน่งว่าง)",
}
NO_NAME = ("กรุณาบันทึกชื่อ-นามสกุลและตำแหน่งที่พิมพ์ใต้ลายมือชื่อ ในหน้า “ตั้งค่า” ก่อนลงนามค่ะ")
# Who signs a district office's permit, by the position recorded in their settings.
DISTRICT_DIRECTOR = "ผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา"
DISTRICT_DEPUTY = "รองผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา"
NOT_AUTHORISED_DISTRICT = ("เอกสารนี้ต้องลงนามโดยผู้อำนวยการสำนักงานเขตพื้นที่การศึกษา หรือรองผู้อำนวยการ"
                           "ที่ปฏิบัติราชการแทน กรุณาบันทึกตำแหน่งในหน้า “ตั้งค่า” ให้ตรงกับตำแหน่งจริงค่ะ")
NOT_AUTHORISED = ("ท่านไม่มีอำนาจลงนามเอกสารนี้ค่ะ เอกสารนี้ต้องลงนามโดยผู้อำนวยการ "
                  "หรือผู้ที่ผู้อำนวยการมอบอำนาจเป็นหนังสือ")

NOT_OBEC = "เอกสารนี้ต้องลงนามโดยเจ้าหน้าที่ของสำนักงานคณะกรรมการการศึกษาขั้นพื้นฐานค่ะ"


class NotAuthorised(Exception):
    """The member may not sign this document; ``message_th`` says why."""

    def __init__(self, message: str, message_th: str) -> None:
        super().__init__(message)
        self.message_th = message_th


@dataclass(frozen=True)
class Signature:
    """What prints under a signature, and the record of the authority it rests on."""

    staff_id: int
    name: str
    position: str
    capacity: str = ""  # "ปฏิบัติราชการแทน" ...; empty when signing in one's own right
    on_behalf_of: str = ""  # the post signed for: "ผู้อำนวยการโรงเรียน..."
    order_reference: str = ""  # the written order the authority rests on

    def as_data(self) -> dict[str, Any]:
        return asdict(self)


def director_post(school: School) -> str:
    return f"ผู้อำนวยการ{school.name}"


def _printed_name(member: StaffMember) -> str:
    name = " ".join((member.full_name or "").split())
    if not name:
        raise NotAuthorised("no printed name on record", NO_NAME)
    return name


async def active_authority(session: AsyncSession, member: StaffMember, doc_type: str,
                           on: dt.date) -> SigningAuthority | None:
    rows = await session.scalars(sa.select(SigningAuthority).where(
        SigningAuthority.school_id == member.school_id, SigningAuthority.staff_id == member.id,
        SigningAuthority.revoked_at.is_(None), SigningAuthority.valid_from <= on,
        sa.or_(SigningAuthority.valid_until.is_(None), SigningAuthority.valid_until >= on),
    ).order_by(SigningAuthority.id.desc()))
    return next((row for row in rows if not row.doc_types or doc_type in row.doc_types), None)


async def signature_for(session: AsyncSession, member: StaffMember, school: School, doc_type: str,
                        on: dt.date) -> Signature:
    """How ``member`` signs a ``doc_type`` of ``school`` on day ``on``; NotAuthorised if they may not."""
    signer = spec_for(doc_type).signer
    if signer == "obec":
        # OBEC's own document: an officer of OBEC signs it, whichever school's chat it came through.
        if not member.active or member.role != Role.OBEC:
            raise NotAuthorised("not OBEC's staff", NOT_OBEC)
        name = _printed_name(member)
        if not member.position:
            raise NotAuthorised("no position on record", NO_NAME)
        return Signature(member.id, name, member.position)
    if signer == "district":
        return await _district_signature(session, member, school)
    if not member.active or member.school_id != school.id:
        raise NotAuthorised("not staff of this school", NOT_AUTHORISED)
    if signer != "director":  # a receipt: the finance officer who received the money
        return Signature(member.id, _printed_name(member), member.position or "")
    if member.role == Role.DIRECTOR:
        return Signature(member.id, _printed_name(member), member.position or director_post(school))
    authority = await active_authority(session, member, doc_type, on)
    if authority is None:
        raise NotAuthorised("no signing authority", NOT_AUTHORISED)
    name = _printed_name(member)
    if not member.position:
        raise NotAuthorised("no position on record", NO_NAME)
    return Signature(member.id, name, member.position, CAPACITY_TH[AuthorityKind(authority.kind)],
                     director_post(school), authority.order_reference)


async def issuing_district(session: AsyncSession, school: School) -> DistrictOffice | None:
    """The district office a district's document filed through ``school``'s chat is issued by."""
    return await session.get(DistrictOffice, school.district_id) if school.district_id else None


async def _district_signature(session: AsyncSession, member: StaffMember, school: School) -> Signature:
    """A district office's permit: its director signs, or a deputy director in the director's place
    (ปฏิบัติราชการแทน, by the district's standing order); docs/rules.md, "Home schooling"."""
    district = await issuing_district(session, school)
    home = await session.get(School, member.school_id)
    if (district is None or home is None or home.district_id != district.id or not member.active
            or member.role != Role.DISTRICT):
        raise NotAuthorised("not staff of this district", NOT_AUTHORISED_DISTRICT)
    name = _printed_name(member)
    position = " ".join((member.position or "").split())
    if position.startswith(DISTRICT_DIRECTOR):
        return Signature(member.id, name, position)
    if position.startswith(DISTRICT_DEPUTY):
        return Signature(member.id, name, position, CAPACITY_TH[AuthorityKind.DELEGATED],
                         f"ผู้อำนวยการ{district.name}")
    raise NotAuthorised("not the district's director or deputy", NOT_AUTHORISED_DISTRICT)


async def may_sign(session: AsyncSession, member: StaffMember, school: School, doc_type: str,
                   on: dt.date) -> bool:
    try:
        await signature_for(session, member, school, doc_type, on)
    except NotAuthorised:
        return False
    return True


async def grant(session: AsyncSession, *, school: School, director: StaffMember, member: StaffMember,
                kind: str, order_reference: str, valid_from: dt.date, valid_until: dt.date | None,
                doc_types: Sequence[str] = (), now: dt.datetime) -> SigningAuthority:
    """The director empowers ``member`` to sign in the director's place; recorded and audited."""
    if director.role != Role.DIRECTOR or director.school_id != school.id or not director.active:
        raise NotAuthorised("only the director grants", "เฉพาะผู้อำนวยการมอบอำนาจลงนามได้ค่ะ")
    if member.school_id != school.id or member.id == director.id:
        raise NotAuthorised("not a member to empower", "เลือกบุคลากรของโรงเรียนที่จะมอบอำนาจค่ะ")
    reference = " ".join(order_reference.split())[:120]
    if not reference:
        raise NotAuthorised("order reference required",
                            "กรุณาระบุคำสั่งที่มอบอำนาจ (เช่น คำสั่งโรงเรียน... ที่ 12/2569) ค่ะ")
    if valid_until is not None and valid_until < valid_from:
        raise NotAuthorised("ends before it starts", "วันสิ้นสุดต้องไม่ก่อนวันเริ่มต้นค่ะ")
    authority = SigningAuthority(school_id=school.id, staff_id=member.id, kind=AuthorityKind(kind),
                                 doc_types=list(doc_types), order_reference=reference, valid_from=valid_from,
                                 valid_until=valid_until, granted_by=director.id, granted_at=now)
    session.add(authority)
    await session.flush()
    audit.record(session, school_id=school.id, actor=director.actor, action="signing_authority_granted",
                 subject=f"staff:{member.id}", at=now,
                 detail={"authority_id": authority.id, "kind": authority.kind, "doc_types": list(doc_types)})
    return authority


async def revoke(session: AsyncSession, *, authority: SigningAuthority, director: StaffMember,
                 now: dt.datetime) -> None:
    if director.role != Role.DIRECTOR or director.school_id != authority.school_id:
        raise NotAuthorised("only the director revokes", "เฉพาะผู้อำนวยการยกเลิกการมอบอำนาจได้ค่ะ")
    authority.revoked_at = now
    audit.record(session, school_id=authority.school_id, actor=director.actor,
                 action="signing_authority_revoked", subject=f"staff:{authority.staff_id}", at=now,
                 detail={"authority_id": authority.id})
    await session.flush()


async def authorities_of(session: AsyncSession, school_id: int) -> list[SigningAuthority]:
    """The school's authorities not revoked, newest first (the director's page lists them)."""
    return list(await session.scalars(sa.select(SigningAuthority).where(
        SigningAuthority.school_id == school_id, SigningAuthority.revoked_at.is_(None))
        .order_by(SigningAuthority.id.desc())))


async def members_who_may_sign(session: AsyncSession, school: School, doc_type: str,
                               on: dt.date) -> list[StaffMember]:
    """Everyone who could sign ``doc_type`` today (the director and those empowered), to tell them."""
    members = await session.scalars(sa.select(StaffMember).where(
        StaffMember.school_id == school.id, StaffMember.active.is_(True)).order_by(StaffMember.id))
    return [member for member in members if await may_sign(session, member, school, doc_type, on)]
