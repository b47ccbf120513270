"""The public lottery: committed in advance, reproducible from its published inputs, in the
announcement's order, never re-run; a correction is a new, logged draw. Score ranking for ม.1/ม.4."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from backend.admission_round import lottery, service
from backend.admission_round.models import EntryStatus, Selection
from backend.admission_round.service import RoundError
from backend.thai.grades import Grade
from tests.admission_round.round_world import CLOSE_DAY, STAFF, bangkok

PRIZE = "รางวัลที่ 1 สลากกินแบ่งรัฐบาล งวดวันที่ 16 มีนาคม 2570"
AFTER_CLOSE = bangkok(CLOSE_DAY + dt.timedelta(days=2))


async def _eligible(world, round_, count: int, *, in_area: bool = True, group: str | None = None):
    applications = [await world.apply(Grade(round_.grade), in_area=in_area) for _ in range(count)]
    await service.mark_eligibility(world.session, round_, applications, eligible=True, reason="",
                                   priority_group=group, actor=STAFF, now=world.clock.now())
    return applications


async def _committed(world, **changes):
    round_ = await world.new_round(**changes)
    await service.commit(world.session, round_, public_value_source=PRIZE, actor=STAFF, now=world.clock.now())
    return round_


async def test_two_seats_five_applicants_reproducible_from_published_inputs(world):
    round_ = await _committed(world, seats=2)
    commitment = round_.commitment
    await _eligible(world, round_, 5)
    world.at(AFTER_CLOSE)
    draw = await service.draw(world.session, round_, public_value="123456", actor=STAFF, now=world.clock.now())
    outcomes = [row["outcome"] for row in draw.result["order"]]
    assert outcomes == ["accepted", "accepted", "reserve", "reserve", "reserve"]
    assert [row.get("position") for row in draw.result["order"][2:]] == [1, 2, 3]
    # Anyone: the published secret matches the commitment published before the close, and
    # running the documented algorithm on the published inputs gives the same order.
    published = json.loads(json.dumps(draw.inputs))
    assert lottery.commitment_of(published["secret"]) == commitment == published["commitment"]
    assert lottery.run(published) == draw.result
    entries = {e.ref: e for e in await service.entries_of(world.session, round_.id)}
    assert [entries[row["ref"]].status for row in draw.result["order"]] == outcomes
    [logged] = await world.audit(action="draw.publish")
    assert logged.detail == {"draw": 1, "applicants": 5, "accepted": 2, "reserve": 3, "not_accepted": 0}


def test_another_public_value_or_a_changed_secret_gives_another_draw():
    secret = lottery.new_secret()
    inputs = {"algorithm": lottery.ALGORITHM, "selection": "lottery", "seats": 1, "in_area_seats": 1,
              "reserve_limit": None, "priority_groups": [], "commitment": lottery.commitment_of(secret),
              "secret": secret, "public_value": "111111",
              "applicants": [{"ref": f"AD-{n}", "in_area": True, "group": ""} for n in range(40)]}
    orders = {tuple(r["ref"] for r in lottery.run({**inputs, "public_value": str(v)})["order"]) for v in range(5)}
    assert len(orders) == 5
    with pytest.raises(ValueError, match="commitment"):
        lottery.run({**inputs, "secret": lottery.new_secret()})


async def test_in_area_first_then_priority_groups_then_others(world):
    round_ = await _committed(world, seats=3, in_area_seats=2,
                              priority_groups=[{"code": "sibling", "label": "มีพี่น้องเรียนอยู่"}])
    in_area = await _eligible(world, round_, 3)
    sibling = await _eligible(world, round_, 1, group="sibling")
    others = await _eligible(world, round_, 2, in_area=False)
    world.at(AFTER_CLOSE)
    draw = await service.draw(world.session, round_, public_value="654321", actor=STAFF, now=world.clock.now())
    order = [row["ref"] for row in draw.result["order"]]
    outcome = {row["ref"]: row["outcome"] for row in draw.result["order"]}
    assert order[0] == sibling[0].public_number  # the group the announcement names comes first in area
    assert sum(outcome[a.public_number] == "accepted" for a in in_area + sibling) == 2
    assert sum(outcome[a.public_number] == "accepted" for a in others) == 1
    # The reserve list: the rest of the in-area list, then the others.
    reserve = [row["ref"] for row in draw.result["order"] if row["outcome"] == "reserve"]
    in_area_refs = {a.public_number for a in in_area}
    assert [ref in in_area_refs for ref in reserve] == [True, True, False]


async def test_unfilled_seats_of_one_list_go_to_the_other_and_the_reserve_limit(world):
    round_ = await _committed(world, seats=3, in_area_seats=3, reserve_limit=1)
    await _eligible(world, round_, 1)
    await _eligible(world, round_, 4, in_area=False)
    world.at(AFTER_CLOSE)
    draw = await service.draw(world.session, round_, public_value="1", actor=STAFF, now=world.clock.now())
    assert [row["outcome"] for row in draw.result["order"]] == ["accepted"] * 3 + ["reserve", "not_accepted"]


async def test_no_draw_before_the_close_or_without_a_commitment_or_with_unchecked_applications(world):
    round_ = await world.new_round()
    await _eligible(world, round_, 3)
    with pytest.raises(RoundError) as early:
        await service.draw(world.session, round_, public_value="1", actor=STAFF, now=world.clock.now())
    assert early.value.code == "draw.not_closed"
    world.at(AFTER_CLOSE)
    with pytest.raises(RoundError) as late_commit:
        await service.commit(world.session, round_, public_value_source=PRIZE, actor=STAFF, now=world.clock.now())
    assert late_commit.value.code == "draw.too_late"
    with pytest.raises(RoundError) as uncommitted:
        await service.draw(world.session, round_, public_value="1", actor=STAFF, now=world.clock.now())
    assert uncommitted.value.code == "draw.no_commitment"

    world.at(bangkok(CLOSE_DAY))
    other = await _committed(world, grade=Grade.K3)
    await world.apply(Grade.K3)  # never checked
    world.at(AFTER_CLOSE)
    with pytest.raises(RoundError) as pending:
        await service.draw(world.session, other, public_value="1", actor=STAFF, now=world.clock.now())
    assert pending.value.code == "draw.pending"


async def test_a_published_draw_is_not_rerun_a_correction_is_logged_with_its_reason(world):
    round_ = await _committed(world, seats=2)
    applications = await _eligible(world, round_, 4)
    wrongly_refused = await world.apply()
    await service.mark_eligibility(world.session, round_, [wrongly_refused], eligible=False, reason="ไม่อยู่ในเขต",
                                   actor=STAFF, now=world.clock.now())
    world.at(AFTER_CLOSE)
    first = await service.draw(world.session, round_, public_value="777", actor=STAFF, now=world.clock.now())
    with pytest.raises(RoundError) as again:
        await service.draw(world.session, round_, public_value="778", actor=STAFF, now=world.clock.now())
    assert again.value.code == "draw.published"
    with pytest.raises(RoundError):  # a correction keeps the public value
        await service.draw(world.session, round_, public_value="778", actor=STAFF, now=world.clock.now(),
                           correction_reason="x")
    await service.mark_eligibility(world.session, round_, [wrongly_refused], eligible=True,
                                   reason="ตรวจทะเบียนบ้านแล้วอยู่ในเขต", actor=STAFF, now=world.clock.now())
    second = await service.draw(world.session, round_, public_value="777", actor=STAFF, now=world.clock.now(),
                                correction_reason="ผู้สมัครหนึ่งรายถูกตัดสิทธิ์โดยผิดพลาด")
    assert (second.number, second.replaces, first.result != second.result) == (2, 1, True)
    assert len(second.inputs["applicants"]) == len(applications) + 1
    assert first.inputs["applicants"] != second.inputs["applicants"]  # the first stays as published
    assert lottery.run(second.inputs) == second.result
    [logged] = await world.audit(action="draw.correct")
    assert logged.detail["draw"] == 2


async def test_a_withdrawal_before_the_draw_leaves_the_inputs(world):
    round_ = await _committed(world, seats=1)
    stays, leaves = await _eligible(world, round_, 2)
    await service.withdraw(world.session, leaves.id, now=world.clock.now())
    world.at(AFTER_CLOSE)
    draw = await service.draw(world.session, round_, public_value="5", actor=STAFF, now=world.clock.now())
    assert [a["ref"] for a in draw.inputs["applicants"]] == [stays.public_number]


async def test_scores_rank_highest_first_ties_by_the_lottery_key(world):
    round_ = await _committed(world, seats=2, grade=Grade.M1, selection=Selection.SCORES)
    a, b, c, d = await _eligible(world, round_, 4)
    with pytest.raises(RoundError) as unknown:
        await service.import_scores(world.session, round_, "เลขที่,คะแนน\nAD-NOPE,5\n", actor=STAFF,
                                    now=world.clock.now())
    assert "บรรทัด 2" in unknown.value.message_th
    rows = f"เลขที่ใบสมัคร,คะแนน\n{a.public_number},55.5\n{b.public_number},80\n{c.public_number},55.5\n"
    with pytest.raises(RoundError):
        await service.draw(world.session, round_, public_value="9", actor=STAFF, now=AFTER_CLOSE)  # d has none
    assert await service.import_scores(world.session, round_, rows + f"{d.public_number},12\n", actor=STAFF,
                                       now=world.clock.now()) == 4
    world.at(AFTER_CLOSE)
    draw = await service.draw(world.session, round_, public_value="9", actor=STAFF, now=world.clock.now())
    order = [row["ref"] for row in draw.result["order"]]
    assert order[0] == b.public_number and order[-1] == d.public_number
    tied = sorted([a.public_number, c.public_number], key=lambda r: lottery.key_of(draw.result["seed"], r))
    assert order[1:3] == tied
    statuses = {e.ref: e.status for e in await service.entries_of(world.session, round_.id)}
    assert statuses[b.public_number] == EntryStatus.ACCEPTED and statuses[d.public_number] == EntryStatus.RESERVE
