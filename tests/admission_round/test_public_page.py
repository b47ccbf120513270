"""The round's public page: the commitment before the close, then the draw's inputs, algorithm and
result with masked names; the JSON anyone downloads re-runs to the same order."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import httpx
import pytest
from fastapi import FastAPI

from backend.admission_round import lottery, service
from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.schools import School
from tests.admission_round.round_world import CLOSE_DAY, STAFF, Round, bangkok
from web.admission.router import router
from web.security_headers import SecurityHeaders

PRIZE = "รางวัลที่ 1 สลากกินแบ่งรัฐบาล งวดวันที่ 16 มีนาคม 2570"


@pytest.fixture
async def site(database_url):
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    clock = FakeClock(bangkok(dt.date(2027, 2, 1)))
    app = FastAPI()
    app.state.runtime = SimpleNamespace(sessions=sessions, clock=clock)
    app.include_router(router)
    app.add_middleware(SecurityHeaders, https=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://school.example") as client:
        yield SimpleNamespace(client=client, sessions=sessions, clock=clock)
    await engine.dispose()


async def test_commitment_then_draw_with_masked_names_and_rerunnable_inputs(site):
    async with site.sessions() as session:
        school = School(slug="banna", name="โรงเรียนบ้านนา", settings={}, created_at=site.clock.now())
        session.add(school)
        await session.flush()
        world = Round(session=session, clock=site.clock, school=school)
        round_ = await world.new_round(seats=2)
        await service.commit(session, round_, public_value_source=PRIZE, actor=STAFF, now=site.clock.now())
        applications = [await world.apply() for _ in range(5)]
        await service.mark_eligibility(session, round_, applications, eligible=True, reason="", actor=STAFF,
                                       now=site.clock.now())
        await session.commit()
        commitment = round_.commitment

    before = await site.client.get("/admission/banna/2570/k2")
    assert before.status_code == 200
    assert commitment in before.text and PRIZE in before.text
    assert "ผลครั้งที่" not in before.text
    assert "script-src" not in before.headers["content-security-policy"]  # no script on a public page

    world.at(bangkok(CLOSE_DAY + dt.timedelta(days=1)))
    async with site.sessions() as session:
        round_ = await service.find_round(session, school_id=school.id, academic_year=2570, grade="k2")
        await service.draw(session, round_, public_value="482913", actor=STAFF, now=site.clock.now())
        await session.commit()

    page = (await site.client.get("/admission/banna/2570/k2")).text
    assert "ผลครั้งที่ 1" in page and "482913" in page
    assert "ด.ญ. ส*** ใ***" in page and "สมใจ" not in page  # masked names only
    assert page.count("ได้รับคัดเลือก") - page.count("ไม่ได้รับคัดเลือก") == 2
    assert "สำรองลำดับที่ 3" in page
    published = (await site.client.get("/admission/banna/2570/k2/draws/1.json")).json()
    assert lottery.run(published["inputs"]) == published["result"]
    assert lottery.commitment_of(published["inputs"]["secret"]) == commitment
    assert (await site.client.get("/admission/banna/2570/k2/draws/2.json")).status_code == 404
    assert (await site.client.get("/admission/nowhere/2570/k2")).status_code == 404
