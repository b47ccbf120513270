"""PDPA choices are kept as a history; the latest choice counts and can be withdrawn."""

from backend import consent
from backend.clock import FakeClock
from backend.db import make_engine, make_sessionmaker
from backend.demo import create_demo_school
from backend.schools import school_by_slug


async def test_consent_can_be_given_and_withdrawn_and_both_are_recorded(database_url):
    await create_demo_school(database_url)
    engine = make_engine(database_url)
    clock = FakeClock()
    async with make_sessionmaker(engine)() as session:
        school_id = (await school_by_slug(session, "demo")).id
        who = {"school_id": school_id, "user_ref": "U" + "1" * 32, "purpose": consent.SENSITIVE}
        assert await consent.current(session, **who) is None
        consent.record(session, granted=True, now=clock.now(), **who)
        await session.flush()
        assert await consent.current(session, **who) is True
        consent.record(session, granted=False, now=clock.advance(days=1), **who)
        await session.flush()
        assert await consent.current(session, **who) is False
        assert await consent.current(session, **{**who, "purpose": consent.NOTICE}) is None
    await engine.dispose()
