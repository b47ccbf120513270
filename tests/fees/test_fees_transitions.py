"""A fee request's and a payment's status change only as their tables declare."""

from __future__ import annotations

from itertools import product

import pytest

from backend.fees.models import FeePayment, FeeRequest, FeeStatus, PaymentStatus
from backend.fees.transitions import (
    FEE_PAYMENT_TRANSITIONS,
    FEE_REQUEST_TRANSITIONS,
    FeeEvent,
    change_fee_status,
    change_payment_status,
)
from backend.statuses import TransitionRefused
from tests.staging import in_status

# Written out by hand (not derived from the module's tables) so that a change to a table is a
# visible change here.
REQUEST_MOVES = {
    ("unpaid", "pay"): "paid",
    ("expired", "pay"): "paid",
    ("paid", "pay_again"): "refund_flagged",
    ("refund_flagged", "pay_again"): "refund_flagged",
    ("unpaid", "expire"): "expired",
}
PAYMENT_MOVES = {
    ("pending", "pay"): "confirmed",
    ("pending", "pay_again"): "refund",
    ("pending", "wrong_amount"): "wrong_amount",
    ("pending", "reject_slip"): "rejected",
}


def _cases(statuses, moves, allowed: bool):
    for status, event in product(statuses, FeeEvent):
        if ((status.value, event.value) in moves) == allowed:
            yield pytest.param(status.value, event, id=f"{status}-{event}")


def test_the_tables_are_exactly_the_expected_ones():
    assert {(t.status, t.event.value): t.to for t in FEE_REQUEST_TRANSITIONS} == REQUEST_MOVES
    assert {(t.status, t.event.value): t.to for t in FEE_PAYMENT_TRANSITIONS} == PAYMENT_MOVES


@pytest.mark.parametrize(("status", "event"), list(_cases(FeeStatus, REQUEST_MOVES, allowed=True)))
def test_every_declared_fee_request_move_goes_through(status, event):
    request = in_status(FeeRequest(), status)
    change_fee_status(request, event)
    assert request.status == REQUEST_MOVES[(status, event.value)]


@pytest.mark.parametrize(("status", "event"), list(_cases(FeeStatus, REQUEST_MOVES, allowed=False)))
def test_every_other_fee_request_move_is_refused_by_name_and_changes_nothing(status, event):
    request = in_status(FeeRequest(), status)
    with pytest.raises(TransitionRefused) as refused:
        change_fee_status(request, event)
    assert str(refused.value) == (f"fee request in status '{status}': '{event}' is not a declared "
                                  "transition (see backend/fees/transitions.py)")
    assert request.status == status


@pytest.mark.parametrize(("status", "event"),
                         list(_cases(PaymentStatus, PAYMENT_MOVES, allowed=True)))
def test_every_declared_payment_move_goes_through(status, event):
    payment = in_status(FeePayment(), status)
    change_payment_status(payment, event)
    assert payment.status == PAYMENT_MOVES[(status, event.value)]


@pytest.mark.parametrize(("status", "event"),
                         list(_cases(PaymentStatus, PAYMENT_MOVES, allowed=False)))
def test_every_other_payment_move_is_refused_by_name_and_changes_nothing(status, event):
    payment = in_status(FeePayment(), status)
    with pytest.raises(TransitionRefused) as refused:
        change_payment_status(payment, event)
    assert str(refused.value) == (f"fee payment in status '{status}': '{event}' is not a declared "
                                  "transition (see backend/fees/transitions.py)")
    assert payment.status == status


def test_the_statuses_cannot_be_assigned_and_new_rows_start_unpaid_and_pending():
    request, payment = FeeRequest(), FeePayment()
    assert (request.status, payment.status) == (FeeStatus.UNPAID, PaymentStatus.PENDING)
    for row, status in ((request, FeeStatus.PAID), (payment, PaymentStatus.CONFIRMED)):
        with pytest.raises(AttributeError, match=r"only through backend\.fees\.transitions"):
            row.status = status
    assert (request.status, payment.status) == (FeeStatus.UNPAID, PaymentStatus.PENDING)
    with pytest.raises(ValueError, match="a new fee request starts as 'unpaid', not 'paid'"):
        FeeRequest(status=FeeStatus.PAID)
    with pytest.raises(ValueError, match="a new fee payment starts as 'pending', not 'confirmed'"):
        FeePayment(status=PaymentStatus.CONFIRMED)
