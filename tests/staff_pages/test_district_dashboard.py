"""District staff see their district's schools' figures, and nothing of another district's school."""

from __future__ import annotations

from backend.organisations import DistrictOffice
from backend.schools import School, school_by_slug
from tests.staff_pages.conftest import add_staff, client_for, sign_in, submitted_application


async def _districts(bot):
    """The demo school and a special-education centre in one district; a third school elsewhere."""
    now = bot.runtime.clock.now()
    async with bot.runtime.sessions() as session:
        ours = DistrictOffice(slug="kk1", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1",
                              level="primary", created_at=now)
        theirs = DistrictOffice(slug="ud1", name="สำนักงานเขตพื้นที่การศึกษาประถมศึกษาอุดรธานี เขต 1",
                                level="primary", created_at=now)
        session.add_all([ours, theirs])
        await session.flush()
        demo = await school_by_slug(session, "demo")
        demo.district_id = ours.id
        centre = School(slug="centre", name="ศูนย์การศึกษาพิเศษประจำจังหวัดตัวอย่าง",
                        settings={"school_type": "special_centre"}, district_id=ours.id, created_at=now)
        elsewhere = School(slug="elsewhere", name="โรงเรียนเขตอื่น", settings={}, district_id=theirs.id,
                           created_at=now)
        session.add_all([centre, elsewhere])
        await session.commit()
        return demo.id, centre.id, elsewhere.id


async def test_a_district_officer_sees_each_school_of_the_district_and_no_other(bot):
    demo_id, centre_id, elsewhere_id = await _districts(bot)
    parent = bot.standin.add_user("คุณแม่").user_id
    await submitted_application(bot, demo_id, parent)
    await submitted_application(bot, demo_id, parent, child="เด็กชายภูผา ใจงาม")
    await submitted_application(bot, elsewhere_id, parent, child="เด็กชายเขตอื่น ใจดี")
    officer = await add_staff(bot, centre_id, "district", "เจ้าหน้าที่เขต")
    async with client_for(bot) as client:
        await sign_in(bot, client, officer)
        page = await client.get("/staff/district")
        assert page.status_code == 200
        html = page.text
        assert "สพป.ขอนแก่น เขต 1" in html
        assert "โรงเรียนสาธิตบ้านสวน" in html and "ศูนย์การศึกษาพิเศษประจำจังหวัดตัวอย่าง" in html
        assert "โรงเรียนเขตอื่น" not in html
        demo_row = html.split('data-school="demo"')[1].split("</tr>")[0]
        assert "<td>2</td>" in demo_row  # two requests at the demo school
        assert "เด็กชายภูผา" not in html  # figures only, no child's name
        assert (await client.get(f"/staff/district/schools/{demo_id}")).status_code == 200
        assert (await client.get(f"/staff/district/schools/{elsewhere_id}")).status_code == 404
        assert (await client.get("/staff/district/schools/99999")).status_code == 404


async def test_school_staff_do_not_get_the_district_dashboard(bot):
    demo_id, _, _ = await _districts(bot)
    registrar = await add_staff(bot, demo_id, "registrar", "ครูทะเบียน")
    async with client_for(bot) as client:
        await sign_in(bot, client, registrar)
        assert (await client.get("/staff/district")).status_code == 403
        assert (await client.get(f"/staff/district/schools/{demo_id}")).status_code == 403


async def test_a_district_officer_sees_no_request_of_the_school_it_enrolled_through(bot):
    demo_id, _, _ = await _districts(bot)
    parent = bot.standin.add_user("คุณแม่").user_id
    application_id, _ = await submitted_application(bot, demo_id, parent)
    officer = await add_staff(bot, demo_id, "district", "เจ้าหน้าที่เขต")
    async with client_for(bot) as client:
        await sign_in(bot, client, officer)
        assert (await client.get(f"/staff/applications/{application_id}")).status_code == 404
        inbox = await client.get("/staff/")
        assert "เด็กหญิงฟ้าใส" not in inbox.text
