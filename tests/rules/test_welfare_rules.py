"""The checks a civil servant's claim passes in the chat before it is filed: deadlines from the
receipt date or the term's opening, eligible children (legitimate, the first three, ages), the
yearly tuition rate per level, and the pension's filing window (docs/rules.md, "Welfare claims of
civil servants", "Pension and gratuity"). Each refusal is polite Thai that says what to do."""

from __future__ import annotations

import datetime as dt

import pytest

from backend import welfare
from backend.thai.errors import ThaiInputError
from flows.kinds import Reply
from flows.services import pension, welfare_claim

TODAY = dt.date(2026, 11, 25)
FLOW = welfare_claim.FLOW


def _polite(message: str) -> None:
    assert message.rstrip().endswith("ค่ะ") or "ค่ะ" in message


def _check(step_id: str, text: str, answers: dict, facts: dict | None = None):
    """The value a typed reply gives at a step, after the step's rule; raises ThaiInputError."""
    step = FLOW.step(step_id)
    value = FLOW.read(step, Reply(text=text), answers, TODAY)
    FLOW.check_answer(step, value, answers, TODAY, facts or {welfare_claim.EARLIER: 0})
    return value


def test_the_rule_table_reads_and_names_its_sources():
    table = welfare.rules()
    assert table.tuition_cap("government", "kindergarten") == 5800
    # Rates not found are unset, not guessed: no cap for them in the chat.
    assert table.tuition_cap("government", "primary") is None
    assert table.tuition_cap("private", "kindergarten") is None
    assert all(source.url.startswith("http") for source in table.sources)


@pytest.mark.parametrize(("receipt", "refused"), [
    ("2025-11-24", True),   # a year and a day ago
    ("2025-11-26", False),  # within the year
    ("2026-11-25", False),  # today
    ("2026-12-01", True),   # a day to come
])
def test_a_medical_receipt_is_claimed_within_one_year_of_its_date(receipt, refused):
    message = welfare.deadline_refusal("medical", dt.date.fromisoformat(receipt), TODAY)
    assert (message is not None) is refused
    if message:
        _polite(message)


def test_the_deadline_names_the_day_it_passed_in_the_buddhist_era():
    message = welfare.deadline_refusal("tuition", dt.date(2025, 5, 16), TODAY)
    assert message is not None and "วันเปิดภาคเรียน" in message and "2569" in message


def test_only_the_first_three_children_count():
    assert welfare.child_order_refusal(3) is None
    message = welfare.child_order_refusal(4)
    assert message is not None and "คนที่ 1 ถึงคนที่ 3" in message


@pytest.mark.parametrize(("birth", "refused"), [
    ("2023-11-02", True),   # 2 on the term's opening day
    ("2023-11-01", False),  # 3 that day
    ("2001-11-01", False),  # 25
    ("2000-10-31", True),   # 26
])
def test_tuition_is_for_children_aged_three_to_twenty_five(birth, refused):
    message = welfare.tuition_age_refusal(dt.date.fromisoformat(birth), dt.date(2026, 11, 1))
    assert (message is not None) is refused


def test_medical_care_of_a_child_of_age_is_refused_with_the_exception_named():
    assert welfare.medical_child_age_refusal(dt.date(2007, 1, 1), dt.date(2026, 11, 1)) is None  # 19
    message = welfare.medical_child_age_refusal(dt.date(2006, 1, 1), dt.date(2026, 11, 1))  # 20
    assert message is not None and "ไร้ความสามารถ" in message


def test_the_yearly_rate_counts_the_childs_other_claims_of_the_year():
    assert welfare.tuition_amount_refusal(5800, 5800, 0, "อนุบาล") is None
    message = welfare.tuition_amount_refusal(2301, 5800, 3500, "อนุบาล")
    assert message is not None and "2,300 บาท" in message and "3,500 บาท" in message
    assert "ไม่มียอดที่เบิกได้เหลือ" in welfare.tuition_amount_refusal(1, 5800, 5800, "อนุบาล")
    assert welfare.tuition_amount_refusal(99_999, None, 0, "ประถมศึกษา") is None  # no rate set


def test_earlier_claims_count_the_approved_amount_once_approved():
    class Row:
        def __init__(self, answers, approvals=()):
            self.answers, self.approvals = answers, list(approvals)

    child = {"claim_type": "tuition", "child_name": "เด็กหญิงใจงาม ใจดี", "academic_year": 2569}
    rows = [Row({**child, "amount": 3500}, [{"kind": "approved", "amount": 3000}]),
            Row({**child, "amount": 1000}),
            Row({**child, "amount": 900, "academic_year": 2568}),
            Row({**child, "amount": 700, "child_name": "เด็กชายใจดี ใจดี"})]
    assert welfare.earlier_amounts(rows, child=child["child_name"], academic_year=2569) == 4000


# -- in the conversation: the steps' own checks ---------------------------------------------------

TUITION = {"claim_type": "tuition", "child_name": "เด็กหญิงใจงาม ใจดี", "child_relation": "legitimate",
           "child_order": 1, "academic_year": 2569, "term": "term2", "term_start": "2026-11-01",
           "school_kind": "government", "level": "kindergarten"}


def test_money_is_read_as_teachers_type_it():
    assert _check("amount", "๕,๐๐๐ บาท", TUITION) == 5000
    assert _check("amount", "1,250.50", {"claim_type": "medical", "patient": "self"}) == 1250
    with pytest.raises(ThaiInputError) as unreadable:
        _check("amount", "ห้าพันบาท", TUITION)
    assert "เป็นตัวเลข" in unreadable.value.message_th and "ค่ะ" in unreadable.value.message_th


def test_an_amount_over_the_rate_is_refused_in_the_conversation():
    with pytest.raises(ThaiInputError) as refused:
        _check("amount", "6,000", TUITION)
    assert "5,800" in refused.value.message_th
    with pytest.raises(ThaiInputError):
        _check("amount", "2,400", TUITION, {welfare_claim.EARLIER: 3500})
    assert _check("amount", "2,300", TUITION, {welfare_claim.EARLIER: 3500}) == 2300


def test_an_adopted_child_is_refused_with_the_way_to_choose_again():
    with pytest.raises(ThaiInputError) as refused:
        _check("child_relation", "ลูกบุญธรรม", {"claim_type": "tuition"})
    assert "บุตรบุญธรรม" in refused.value.message_th and "เลือกใหม่" in refused.value.message_th
    assert _check("child_relation", "บุตรชอบด้วยกฎหมาย", {"claim_type": "tuition"}) == "legitimate"


def test_a_childs_age_is_counted_on_the_term_opening_or_the_receipt_date():
    with pytest.raises(ThaiInputError):
        _check("child_birth_date", "2 พ.ย. 2566", TUITION)  # 2 on 1 Nov 2569
    assert _check("child_birth_date", "10 พ.ค. 2564", TUITION) == "2021-05-10"
    medical = {"claim_type": "medical", "patient": "child", "receipt_date": "2026-11-01"}
    with pytest.raises(ThaiInputError):
        _check("child_birth_date", "1 ม.ค. 2549", medical)  # 20


def test_the_questions_follow_the_kind_of_claim():
    medical_self = {"requester_name": "นางสมศรี ใจดี", "claimant_status": "civil_servant", "position": "ครู",
                    "claim_type": "medical", "patient": "self"}
    asked = {step.id for step in FLOW.applicable(medical_self, TODAY)}
    assert {"hospital", "receipt_date"} <= asked
    assert not asked & {"child_name", "family_documents", "term_start", "level"}
    asked = {step.id for step in FLOW.applicable(TUITION, TODAY)}
    assert {"term_start", "level", "family_documents", "child_birth_date"} <= asked
    assert not asked & {"hospital", "receipt_date", "patient"}


@pytest.mark.parametrize(("retirement", "first"), [
    ("2027-10-01", "2027-02-01"), ("2027-03-31", "2026-07-31"), ("2027-10-31", "2027-02-28")])
def test_a_pension_is_filed_at_most_eight_months_ahead(retirement, first):
    assert pension.earliest_filing(dt.date.fromisoformat(retirement)) == dt.date.fromisoformat(first)


def test_a_pension_filed_too_early_is_told_the_first_day():
    step = pension.FLOW.step("retirement_date")
    with pytest.raises(ThaiInputError) as early:
        pension.FLOW.check_answer(step, "2027-10-01", {}, TODAY)
    assert "8 เดือน" in early.value.message_th and "1 กุมภาพันธ์ 2570" in early.value.message_th
    pension.FLOW.check_answer(step, "2027-07-01", {}, TODAY)
