"""The dashboard's admission funnel: how far the round's applicants got, stage by stage."""

from __future__ import annotations

import datetime as dt

from backend.admission_round import results, service
from tests.admission_round.round_world import CLOSE_DAY, STAFF, bangkok
from web.staff.charts import admission_funnel


async def test_the_funnel_counts_each_applicant_in_every_stage_it_reached(world):
    assert await admission_funnel(world.session, school_id=world.school.id) is None  # no round yet

    round_ = await world.new_round(seats=2)
    await service.commit(world.session, round_, public_value_source="สลาก", actor=STAFF, now=world.clock.now())
    applications = [await world.apply() for _ in range(4)]
    await service.mark_eligibility(world.session, round_, applications[:3], eligible=True, reason="",
                                   actor=STAFF, now=world.clock.now())
    await service.mark_eligibility(world.session, round_, applications[3:], eligible=False,
                                   reason="อายุไม่ถึงเกณฑ์", actor=STAFF, now=world.clock.now())
    world.at(bangkok(CLOSE_DAY + dt.timedelta(days=1)))
    await service.draw(world.session, round_, public_value="1", actor=STAFF, now=world.clock.now())
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())

    funnel = await admission_funnel(world.session, school_id=world.school.id)

    assert funnel is not None and funnel.title == "การรับนักเรียน ปีการศึกษา 2570"
    assert funnel.labels == ["สมัคร", "มีสิทธิ์", "ได้รับคัดเลือก", "รายงานตัว", "มอบตัว"]
    assert funnel.series == [("อ.2", [4.0, 3.0, 2.0, 0.0, 0.0])]
    assert funnel.rows()[2] == ["ได้รับคัดเลือก", 2]
