"""Staff enrolment in the chat: a teacher types the one-time invite code, the bot links their LINE
account to the school and role, and switches their rich menu to the staff menu."""

from __future__ import annotations

import logging

from backend.staff import InviteInvalid, Role, redeem_invite
from backend.state import SharedState
from bot import messages as m
from bot.handlers import EventContext
from bot.line_api import LineClients

log = logging.getLogger(__name__)

MAX_TRIES_PER_HOUR = 5
STAFF_MENU_ALIAS = "staff"
CLAIMANTS_MENU_ALIAS = "claimants"  # richmenus/menus.py claimants_menu
ROLE_TH = {Role.TEACHER: "ครู", Role.REGISTRAR: "งานทะเบียน", Role.FINANCE: "การเงิน",
           Role.DIRECTOR: "ผู้อำนวยการ", Role.ADMIN: "ผู้ดูแลระบบ", Role.DISTRICT: "เจ้าหน้าที่เขตพื้นที่การศึกษา",
           Role.DISTRICT_FINANCE: "การเงินของสำนักงานเขตพื้นที่การศึกษา", Role.OBEC: "เจ้าหน้าที่ สพฐ."}
# A civil servant enrolled only to claim (a retiree): no staff pages, so no staff menu; told how to claim.
CLAIMANT_WELCOME = ("ลงทะเบียนเป็นข้าราชการในสังกัดสำนักงานเขตพื้นที่การศึกษาผ่าน{school}เรียบร้อยแล้วค่ะ\n"
                    "ใช้เมนูด้านล่าง หรือพิมพ์ “เบิกค่ารักษาพยาบาล” “เบิกค่าเล่าเรียนบุตร” หรือ “ขอรับบำเหน็จบำนาญ” "
                    "ในแชตนี้ได้เลยค่ะ")


class Enrolment:
    def __init__(self, *, state: SharedState, clients: LineClients, public_base_url: str) -> None:
        self._state = state
        self._clients = clients
        self._staff_url = f"{public_base_url}/staff/"

    async def redeem(self, ctx: EventContext, text: str) -> list[m.Message]:
        tries_key = f"invite-tries:{ctx.channel.slug}:{ctx.user_ref}"
        tries = int(await self._state.get(tries_key) or 0)
        if tries >= MAX_TRIES_PER_HOUR:
            # Codes are short: guessing is slowed down per person.
            return m.text("ขออภัยค่ะ ใส่รหัสเชิญผิดหลายครั้งแล้ว กรุณารอ 1 ชั่วโมงแล้วลองใหม่ หรือขอรหัสใหม่จากผู้ดูแลระบบค่ะ")
        try:
            async with ctx.session.begin_nested():
                member = await redeem_invite(ctx.session, code=text, user_ref=ctx.user_ref,
                                             display_name=await self._display_name(ctx), now=ctx.now)
                if member.school_id != ctx.channel.school_id:
                    raise InviteInvalid("unknown", "ขออภัยค่ะ รหัสนี้ไม่ใช่ของโรงเรียนนี้ กรุณาตรวจสอบรหัสอีกครั้งค่ะ")
        except InviteInvalid as error:
            await self._state.set(tries_key, str(tries + 1).encode(), ttl=3600)
            return m.text(error.message_th)
        if member.role == Role.CIVIL_SERVANT:
            await self._link_staff_menu(ctx, alias=CLAIMANTS_MENU_ALIAS)
            return m.text(CLAIMANT_WELCOME.format(school=ctx.school_name))
        await self._link_staff_menu(ctx)
        role = ROLE_TH.get(Role(member.role), member.role)
        return m.text(
            f"ลงทะเบียนเป็นเจ้าหน้าที่ ({role}) ของ{ctx.school_name}เรียบร้อยแล้วค่ะ\n"
            "เมนูด้านล่างเปลี่ยนเป็นเมนูเจ้าหน้าที่แล้ว ใช้ตรวจคำขอ อนุมัติ และออกเอกสารได้เลยค่ะ",
            quick_replies=[m.uri_action("เปิดหน้าคำขอ", self._staff_url)],
        )

    async def _display_name(self, ctx: EventContext) -> str:
        try:
            profile = await self._clients.messaging(ctx.channel).get_profile(ctx.user_ref)
            return profile.display_name or ""
        except Exception:  # noqa: BLE001 - the name is a convenience; enrolment does not depend on it
            return ""

    async def _link_staff_menu(self, ctx: EventContext, *, alias: str = STAFF_MENU_ALIAS) -> None:
        from linebot.v3.messaging import exceptions as line_errors  # lazy: see bot/line_api.py

        api = self._clients.messaging(ctx.channel)
        try:
            found = await api.get_rich_menu_alias(alias)
            await api.link_rich_menu_id_to_user(ctx.user_ref, found.rich_menu_id)
        except line_errors.ApiException as error:
            # No staff menu deployed yet (schoolbot richmenu deploy): the pages still work.
            log.warning("staff menu not linked (HTTP %s)", error.status)
