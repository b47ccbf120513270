"""Paths that used to strand a parent in the simulated chat (issue 16, "Bugs"): each test
plays what a parent did and checks the chat answers with a way on."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from backend.applications.models import Application
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent, _actions, file_transfer_out
from tests.harness import running_bot


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace, rich_menus=True) as running:
        await running.rich_menu_deploy
        yield running


async def _draft(bot, parent: Parent) -> Application:
    async with bot.runtime.sessions() as session:
        return await session.scalar(sa.select(Application).where(Application.parent_ref == parent.user_id)
                                    .order_by(Application.id.desc()).limit(1))


def _labels(messages) -> list[str]:
    return [action.get("label") for message in messages for action in _actions(message)]


async def _admission_to_documents(parent: Parent, *, seed: int = 31) -> None:
    """Follow, start admission from the rich menu and answer up to the first document."""
    await parent.follow()
    await parent.tap_rich_menu("สมัครเรียน")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.say("เด็กหญิงสมใจ ใจดี")
    await parent.say(synthetic_national_id(seed))
    await parent.tap("เลือกวันที่", date="2020-03-15")
    await parent.say("ป.1")
    while (await _draft(parent.bot, parent)).current_step not in {"photo"}:
        step = (await _draft(parent.bot, parent)).current_step
        if step == "parent_name":
            await parent.say("นางสมศรี ใจดี")
        elif step == "applicant_relationship":
            await parent.tap("มารดา")
        elif step == "parent_phone":
            await parent.say("0812345678")
        elif step == "home_address":
            await parent.say("12 หมู่ 3 ต.ในเมือง อ.เมืองขอนแก่น จ.ขอนแก่น 40000")
        elif step == "in_service_area":
            await parent.tap("อยู่ในเขต")
        else:  # pragma: no cover - the admission questions changed
            raise AssertionError(f"unexpected step {step}: {parent.last_text()}")


# -- bug 1: resuming is not an answer --------------------------------------------------------

async def test_the_rich_menu_tile_of_the_open_request_resumes_it(bot):
    parent = Parent(bot)
    await _admission_to_documents(parent)
    await parent.send_photos(1)  # the photo; now the birth certificate is asked
    await parent.say("เมนู")
    await parent.tap_rich_menu("สมัครเรียน")
    assert "ทำค้างไว้" in parent.last_text() and "สูติบัตร" in parent.last_text(), parent.last_text()
    assert "ขั้นตอนนี้ขอเป็น" not in parent.last_text()
    assert (await _draft(bot, parent)).current_step == "birth_certificate"


async def _venue_to_attendees(parent: Parent) -> None:
    await parent.follow()
    await parent.say("จองหอประชุมค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.tap("หอประชุม")
    await parent.say("นายสมชาย ใจดี")
    await parent.tap("ข้าม")
    await parent.say("ประชุมประจำปีของหมู่บ้าน")
    await parent.tap("ใช่")
    await parent.tap("เลือกวันที่", date="2026-12-10")
    await parent.tap("เลือกวันที่", date="2026-12-11")
    assert "กี่คน" in parent.last_text(), parent.last_text()


async def test_a_draft_in_the_status_list_has_a_button_and_its_name_resumes_it(bot):
    parent = Parent(bot)
    await _venue_to_attendees(parent)
    await parent.say("ติดตามสถานะ")
    assert "ยังทำไม่เสร็จ" in parent.last_text()
    await parent.tap("ทำต่อ")
    assert "กี่คน" in parent.last_text(), parent.last_text()
    await parent.say("ใช้อาคารสถานที่")
    assert "ทำค้างไว้" in parent.last_text() and "กี่คน" in parent.last_text(), parent.last_text()
    assert "กรุณาพิมพ์เป็นตัวเลข" not in parent.last_text()


# -- bug 2: stale buttons --------------------------------------------------------------------

async def test_confirm_tapped_again_on_a_filed_request_says_it_is_filed(bot):
    parent = Parent(bot)
    await file_transfer_out(parent)
    await bot.process()  # the "filed" notice card arrives
    parent.new_messages()
    number = (await _draft(bot, parent)).public_number
    bot.runtime.clock.advance(minutes=2)  # not a double tap: the parent comes back to the card
    await parent.tap("ยืนยันส่งคำขอ")
    assert number in parent.last_text() and "ไม่ต้องกดยืนยันซ้ำ" in parent.last_text(), parent.last_text()


async def test_an_old_button_gets_one_short_answer_without_the_greeting(bot):
    parent = Parent(bot)
    await file_transfer_out(parent)
    await bot.process()  # the "filed" notice card arrives
    parent.new_messages()
    replies = await parent.tap("ไม่มีเอกสารนี้")
    assert len(replies) == 1, parent.last_text()
    assert "ปุ่มนี้" in parent.last_text() and "สวัสดี" not in parent.last_text()
    assert "ติดตามสถานะ" in _labels(replies)


# -- bug 3: photos sent together --------------------------------------------------------------

async def test_two_photos_sent_together_are_filed_as_two_documents(bot):
    parent = Parent(bot)
    await _admission_to_documents(parent)
    await parent.send_photos(1)  # the child's photo
    await parent.send_photos(2)  # birth certificate and house registration together
    draft = await _draft(bot, parent)
    assert len(draft.answers["birth_certificate"]) == 1
    assert len(draft.answers["student_house_registration"]) == 1
    assert draft.current_step == "parents_id_cards", parent.last_text()
    assert "ทะเบียนบ้าน" in parent.last_text()
    # Two pages of one document: one tap puts them back together.
    await parent.tap("เป็นสูติบัตรทั้งหมด")
    draft = await _draft(bot, parent)
    assert len(draft.answers["birth_certificate"]) == 2
    assert "student_house_registration" not in draft.answers
    assert draft.current_step == "student_house_registration", parent.last_text()


# -- bug 4: a refused file keeps the question and its buttons ------------------------------

async def test_a_refused_file_asks_the_question_again_with_its_buttons(bot):
    parent = Parent(bot)
    await _admission_to_documents(parent)
    replies = await parent._after(await bot.simulator.send_files(
        parent.user_id, [(b"just some text, not a document", "text/plain", "note.txt")]))
    labels = _labels(replies)
    assert "ไม่มีเอกสารนี้" in labels and "ย้อนกลับ" in labels, parent.last_text()
    assert "รูปถ่ายหน้าตรง" in parent.last_text()


# -- bugs 5, 6 and 7: venue booking ------------------------------------------------------------

async def _book_hall(parent: Parent, *, first: str, last: str) -> None:
    await parent.follow()
    await parent.say("จองหอประชุมค่ะ")
    await parent.tap("รับทราบ เริ่มกรอก")
    await parent.tap("หอประชุม")
    await parent.say("นายสมชาย ใจดี")
    await parent.tap("ข้าม")
    await parent.say("ประชุมประจำปีของหมู่บ้าน")
    await parent.tap("ใช่")
    await parent.tap("เลือกวันที่", date=first)
    await parent.tap("เลือกวันที่", date=last)


async def test_a_taken_day_is_refused_at_the_date_with_the_nearest_free_days(bot):
    first = Parent(bot, "ผู้จองคนแรก")
    await _book_hall(first, first="2026-12-10", last="2026-12-11")
    await first.say("120")
    await first.say("0812345678")
    await first.tap("ยืนยันส่งคำขอ")
    assert "เลขที่คำขอ" in first.last_text()

    second = Parent(bot, "ผู้จองคนที่สอง")
    await second.follow()
    await second.say("จองหอประชุมค่ะ")
    await second.tap("รับทราบ เริ่มกรอก")
    await second.tap("หอประชุม")
    await second.say("นายสมหมาย ใจงาม")
    await second.tap("ข้าม")
    await second.say("งานทำบุญหมู่บ้าน")
    await second.tap("ใช่")
    replies = await second.tap("เลือกวันที่", date="2026-12-11")
    text = second.last_text()
    assert "มีผู้จองแล้ว" in text and "11 ธันวาคม 2569" in text, text
    labels = _labels(replies)
    assert "12 ธ.ค. 2569" in labels and "9 ธ.ค. 2569" in labels, labels
    await second.tap("12 ธ.ค. 2569")
    assert (await _draft(bot, second)).answers["first_day"] == "2026-12-12"
    # A period running into a taken day is refused at the last day.
    await second.tap("ย้อนกลับ")
    await second.tap("เลือกวันที่", date="2026-12-08")
    await second.tap("เลือกวันที่", date="2026-12-10")
    assert "มีผู้จองแล้ว" in second.last_text() and "10 ธันวาคม 2569" in second.last_text(), second.last_text()
    assert "9 ธ.ค. 2569" in _labels(second._last_batch)


async def test_too_many_people_for_the_venue_offers_another_venue(bot):
    parent = Parent(bot)
    await _book_hall(parent, first="2026-12-10", last="2026-12-11")
    replies = await parent.say("500")
    assert "300" in parent.last_text() and "หน้าสรุป" not in parent.last_text(), parent.last_text()
    assert "เปลี่ยนสถานที่" in _labels(replies)
    await parent.tap("เปลี่ยนสถานที่")
    await parent.tap("สนามฟุตบอล")
    assert "กี่คน" in parent.last_text(), parent.last_text()
    await parent.say("500")
    assert "เบอร์โทรศัพท์" in parent.last_text(), parent.last_text()


async def test_the_venue_fee_total_is_shown_and_the_status_asks_for_no_documents(bot):
    parent = Parent(bot)
    await _book_hall(parent, first="2026-12-10", last="2026-12-11")
    await parent.say("120")
    await parent.say("0812345678")
    assert "3,000" in parent.last_text(), parent.last_text()  # the summary: 2 days at 1,500
    await parent.tap("ยืนยันส่งคำขอ")
    text = parent.last_text()
    assert "3,000" in text and "สนามฟุตบอล" not in text, text
    await parent.say("ติดตามสถานะ")
    assert "เอกสาร" not in parent.last_text().split("VB-")[1], parent.last_text()
