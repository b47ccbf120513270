"""An admission round's personal data after its retention: a year after the round's last day the
applications of children who did not become students are erased, the reasons staff typed are
cleared and the มอบตัว slots deleted; the new students' applications stay; the published draw stays
checkable by application number, and the public page no longer shows those names."""

from __future__ import annotations

import base64
import datetime as dt
import os

import sqlalchemy as sa

from backend import retention
from backend.admission_round import handover, lottery, results, service
from backend.admission_round.models import AdmissionEntry, AdmissionSlot, EntryStatus
from backend.admission_round.retention import last_day
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore
from tests.admission_round.round_world import CLOSE_DAY, STAFF, bangkok
from web.admission.router import ERASED_NAME, masked_names

HANDOVER_DAY = dt.date(2027, 3, 20)


async def _ended_round(world):
    """2 seats, 5 applicants: one not eligible (with a reason), a draw, one confirmed and booked."""
    round_ = await world.new_round(seats=2, handover_day=HANDOVER_DAY)
    await service.commit(world.session, round_, public_value_source="สลาก", actor=STAFF, now=world.clock.now())
    applications = [await world.apply() for _ in range(5)]
    await service.mark_eligibility(world.session, round_, applications[:4], eligible=True, reason="",
                                   actor=STAFF, now=world.clock.now())
    await service.mark_eligibility(world.session, round_, applications[4:], eligible=False,
                                   reason="บ้านเลขที่ 99 นอกเขตบริการ", actor=STAFF, now=world.clock.now())
    world.at(bangkok(CLOSE_DAY + dt.timedelta(days=1)))
    draw = await service.draw(world.session, round_, public_value="13579", actor=STAFF, now=world.clock.now())
    await results.announce(world.session, round_, actor=STAFF, now=world.clock.now())
    first = draw.result["order"][0]["ref"]
    entry = await world.session.scalar(sa.select(AdmissionEntry).where(AdmissionEntry.ref == first))
    owner = next(a for a in applications if a.public_number == first)
    await results.confirm(world.session, entry_id=entry.id, draw=1, parent_ref=owner.parent_ref,
                          school_id=world.school.id, now=world.clock.now())
    slot = await handover.add_slot(world.session, round_, starts_at=bangkok(HANDOVER_DAY, 8), capacity=5,
                                   actor=STAFF, now=world.clock.now())
    await handover.book(world.session, entry, slot.id, now=world.clock.now())
    await world.session.flush()
    return round_, draw, owner, applications


async def test_a_year_after_the_round_the_applicants_not_admitted_are_erased_and_the_draw_stays(world, tmp_path):
    vault = FileVault(KeyRing.from_config("k1:" + base64.b64encode(os.urandom(32)).decode()),
                      LocalBlobStore(tmp_path / "blobs"), world.clock)
    round_, draw, student, applications = await _ended_round(world)
    assert last_day(round_) == HANDOVER_DAY
    refs = [row["ref"] for row in draw.result["order"]]

    world.at(bangkok(HANDOVER_DAY + dt.timedelta(days=364)))  # within the year: nothing goes
    report = await retention.enforce(world.session, vault, now=world.clock.now())
    assert report["admission_round"] == 0
    assert all(a.personal_data_erased_at is None for a in applications)

    world.at(bangkok(HANDOVER_DAY + dt.timedelta(days=366)))
    report = await retention.enforce(world.session, vault, now=world.clock.now())
    assert report["admission_round"] == 4
    for application in applications:
        await world.session.refresh(application)
    others = [a for a in applications if a is not student]
    assert all(a.answers == {} and a.parent_ref == retention.ERASED for a in others)
    assert student.answers["student_name"] == "เด็กหญิงสมใจ ใจดี" and student.personal_data_erased_at is None
    entries = list(await world.session.scalars(sa.select(AdmissionEntry).where(AdmissionEntry.round_id == round_.id)))
    assert [e.reason for e in entries if e.status == EntryStatus.NOT_ELIGIBLE] == [None]
    assert await world.session.scalar(sa.select(sa.func.count()).select_from(AdmissionSlot)) == 0
    purge = await world.session.scalar(sa.select(retention.DataPurge).where(
        retention.DataPurge.kind == "admission_round"))
    assert purge is not None and purge.count == 4

    # The draw is as published and anyone can still re-run it; names of erased applicants are gone.
    assert lottery.run(draw.inputs) == draw.result
    names = await masked_names(world.session, refs, world.school.id)
    assert names[student.public_number] != ERASED_NAME and "***" in names[student.public_number]
    assert [names[ref] for ref in refs if ref != student.public_number] == [ERASED_NAME] * 3

    # The next day's run finds nothing more.
    world.at(bangkok(HANDOVER_DAY + dt.timedelta(days=367)))
    assert (await retention.enforce(world.session, vault, now=world.clock.now()))["admission_round"] == 0
