"""The conversation as the chat sees it: until a service is chosen, the menu of services."""

from __future__ import annotations

from bot import messages as m
from bot.handlers import EventContext

SERVICES = [
    ("สมัครเรียน", "สมัครเรียน"),
    ("ย้ายเข้า", "ขอย้ายเข้า"),
    ("ย้ายออก", "ขอย้ายออก"),
    ("ผ่อนผันเข้า ป.1", "ขอผ่อนผันเข้าเรียน ป.1"),
    ("ลาออก", "ขอลาออก"),
    ("เทียบโอนผลการเรียน", "ขอเทียบโอนผลการเรียน"),
    ("ขอใบแทน", "ขอใบแทนเอกสาร"),
    ("ขอใช้สถานที่", "ขอใช้อาคารสถานที่"),
    ("ติดตามสถานะ", "ติดตามสถานะ"),
]


def menu(intro: str) -> list[m.Message]:
    return m.text(intro, quick_replies=[m.message_action(label, text) for label, text in SERVICES])


class MenuConversation:
    """Answers every message with the service menu; flows/ take over the services themselves."""

    async def on_text(self, ctx: EventContext, text: str) -> list[m.Message]:
        return menu("ได้รับข้อความแล้วค่ะ เลือกบริการที่ต้องการจากปุ่มด้านล่างได้เลยค่ะ")

    async def on_postback(self, ctx: EventContext, data: str, params: dict[str, str]) -> list[m.Message]:
        return menu("เลือกบริการที่ต้องการจากปุ่มด้านล่างได้เลยค่ะ")

    async def on_files(self, ctx: EventContext, file_ids: list[str]) -> list[m.Message]:
        return m.text("ได้รับไฟล์แล้วค่ะ ขอบคุณค่ะ")

    async def on_other(self, ctx: EventContext, kind: str) -> list[m.Message]:
        return menu("ขออภัยค่ะ ระบบยังไม่เข้าใจข้อความประเภทนี้ กรุณาพิมพ์ข้อความหรือเลือกบริการจากปุ่มด้านล่างนะคะ")
