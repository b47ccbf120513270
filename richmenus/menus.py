"""The bot's rich menus: the parents' services menu and the staff menu."""

from __future__ import annotations

from collections.abc import Collection

from richmenus.layout import (
    COMPACT,
    FULL,
    Cell,
    MenuDefinition,
    MessageAction,
    SwitchAction,
    UriAction,
)

PARENTS = "parents"
STAFF = "staff"
# A district's civil servant enrolled only to claim (role civil_servant: a retiree): their services.
CLAIMANTS = "claimants"


# How the "other requests" tile names the services behind it, in this order (the first three
# the school offers are named).
OTHER_REQUESTS = (("withdrawal", "ลาออก"), ("replacement_documents", "ใบแทน"), ("credit_transfer", "เทียบโอน"),
                  ("grade1_entry", "ผ่อนผัน"), ("venue_booking", "สถานที่"))


def other_requests(offered: Collection[str] | None) -> str:
    named = [word for service, word in OTHER_REQUESTS if offered is None or service in offered]
    return " ".join(named[:3]) + " ฯลฯ"


def parents_menu(offered: Collection[str] | None = None) -> MenuDefinition:
    """``offered``: the services the school's parents see (its type's: SchoolConfig.enabled_services);
    None: every service. The tiles name only services the school offers."""
    # Each tap sends the words a parent would type, so the free-text matcher handles taps and
    # typing alike; "เมนู" lists every service, including those without a tile of their own.
    return MenuDefinition(
        name=PARENTS,
        alias_id=PARENTS,
        chat_bar_text="เมนูบริการ",
        size=FULL,
        rows=2,
        columns=4,
        cells=(
            # Applying is the main tile (both rows); the admission announcement sits beside it,
            # since most parents open a school's chat on its admission days.
            Cell("สมัครเรียน", "รับนักเรียนใหม่ทุกระดับชั้น", MessageAction("สมัครเรียน"), row=0, column=0,
                 row_span=2),
            Cell("ประกาศรับ", "วันรับสมัคร ที่นั่ง เอกสาร", MessageAction("ประกาศรับสมัคร"), row=0, column=1),
            Cell("ย้ายเข้า–ออก", "ขอย้ายเข้าหรือย้ายออก", MessageAction("ขอย้าย"), row=0, column=2),
            Cell("คำขออื่น ๆ", other_requests(offered), MessageAction("เมนู"), row=0, column=3),
            Cell("ติดตามสถานะ", "ดูความคืบหน้าคำขอ", MessageAction("ติดตามสถานะ"), row=1, column=1),
            Cell("ติดต่อโรงเรียน", "โทรศัพท์ เวลาทำการ แผนที่", MessageAction("ติดต่อโรงเรียน"), row=1, column=2),
            Cell("เกี่ยวกับบริการ", "ขั้นตอนและค่าธรรมเนียม", MessageAction("เกี่ยวกับบริการ"), row=1, column=3),
        ),
    )


def staff_menu(public_base_url: str) -> MenuDefinition:
    # The staff pages will be LIFF apps; until their LIFF IDs exist the tiles open the pages on
    # our own host, where the LIFF endpoints will live.
    base = public_base_url.rstrip("/")
    return MenuDefinition(
        name=STAFF,
        alias_id=STAFF,
        chat_bar_text="งานเจ้าหน้าที่",
        size=COMPACT,
        rows=1,
        columns=5,
        cells=(
            # The inbox: open requests first, overdue at the top.
            Cell("คำขอรอตรวจ", "ตรวจและอนุมัติคำขอ", UriAction(f"{base}/staff/"), row=0, column=0),
            Cell("แดชบอร์ด", "สรุปงานและสถิติ", UriAction(f"{base}/staff/dashboard"), row=0, column=1),
            # Approved requests: those whose document is issued from their page.
            Cell("ออกเอกสาร", "ลงนามและส่งเอกสาร", UriAction(f"{base}/staff/?status=approved"),
                 row=0, column=2),
            Cell("เมนูผู้ปกครอง", "ดูเมนูแบบผู้ปกครอง", SwitchAction(PARENTS, "richmenu=parents"),
                 row=0, column=3),
            # The staff's own claims (a teacher is a civil servant of the district): the words a
            # teacher would type start the claim, which then asks medical or tuition with buttons.
            Cell("สวัสดิการ", "เบิกค่ารักษา ค่าเล่าเรียน", MessageAction("เบิกสวัสดิการ"), row=0, column=4),
        ),
    )


def claimants_menu() -> MenuDefinition:
    """Welfare claims and pension for a district's civil servants (flows/services/welfare_claim.py,
    pension.py): each tile sends the words a teacher would type."""
    return MenuDefinition(
        name=CLAIMANTS,
        alias_id=CLAIMANTS,
        chat_bar_text="เมนูสวัสดิการ",
        size=COMPACT,
        rows=1,
        columns=4,
        cells=(
            Cell("ค่ารักษา", "เบิกตามใบเสร็จ", MessageAction("เบิกค่ารักษาพยาบาล"), row=0, column=0),
            Cell("ค่าเล่าเรียน", "บุตรคนที่ 1–3", MessageAction("เบิกค่าเล่าเรียนบุตร"), row=0, column=1),
            Cell("บำเหน็จบำนาญ", "ผู้เกษียณอายุ", MessageAction("ขอรับบำเหน็จบำนาญ"), row=0, column=2),
            Cell("ติดตามสถานะ", "ความคืบหน้า", MessageAction("ติดตามสถานะ"), row=0, column=3),
        ),
    )


def all_menus(public_base_url: str, offered: Collection[str] | None = None) -> list[MenuDefinition]:
    return [parents_menu(offered), staff_menu(public_base_url), claimants_menu()]
