"""The fee state machines: how a fee request and a payment for it change status, declared in one
table each; the only place either status is written.

Both tables are driven by the same events, since a payment decided is what changes its request:
money of the right amount confirms the payment and pays the request; money for a request already
paid becomes a refund owed; a wrong amount is recorded on the payment and leaves the request as
it was. Who may set off an event is checked by backend/fees/service.py before (finance staff by
``_finance_only``; the bank, the statement import and the expiry sweep are the product itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backend.fees.models import FeePayment, FeeRequest, FeeStatus, PaymentStatus
from backend.statuses import TransitionRefused


class FeeEvent(StrEnum):
    # Money of the right amount came in: from the bank (callback, inquiry, a verified slip), a
    # line of the statement finance staff import, or finance staff confirming a slip or cash.
    PAY = "pay"
    # Money came in for a request already paid: the parent is owed a refund (same sources).
    PAY_AGAIN = "pay_again"
    # Money of another amount came in (same sources): finance staff sort it out.
    WRONG_AMOUNT = "wrong_amount"
    # Finance staff found no money in the account for a parent's slip.
    REJECT_SLIP = "reject_slip"
    # The due date passed unpaid (the worker's sweep).
    EXPIRE = "expire"


@dataclass(frozen=True)
class FeeTransition:
    status: str
    event: FeeEvent
    to: str


F, P, E = FeeStatus, PaymentStatus, FeeEvent

# status               event           new status
FEE_REQUEST_TRANSITIONS: tuple[FeeTransition, ...] = (
    FeeTransition(F.UNPAID, E.PAY, F.PAID),
    # Late money is receipted like any other; a flag lets finance staff decide what the delay means.
    FeeTransition(F.EXPIRED, E.PAY, F.PAID),
    FeeTransition(F.PAID, E.PAY_AGAIN, F.REFUND_FLAGGED),
    # A third payment: one more refund owed, one more flag; the status stays.
    FeeTransition(F.REFUND_FLAGGED, E.PAY_AGAIN, F.REFUND_FLAGGED),
    FeeTransition(F.UNPAID, E.EXPIRE, F.EXPIRED),
)

# status               event           new status
FEE_PAYMENT_TRANSITIONS: tuple[FeeTransition, ...] = (
    FeeTransition(P.PENDING, E.PAY, P.CONFIRMED),
    FeeTransition(P.PENDING, E.PAY_AGAIN, P.REFUND),
    FeeTransition(P.PENDING, E.WRONG_AMOUNT, P.WRONG_AMOUNT),
    FeeTransition(P.PENDING, E.REJECT_SLIP, P.REJECTED),
)


def _next_status(entity: str, status: str, event: FeeEvent,
                 table: tuple[FeeTransition, ...]) -> str:
    for transition in table:
        if transition.status == status and transition.event == event:
            return transition.to
    raise TransitionRefused(entity, status, event, "backend/fees/transitions.py")


def change_fee_status(request: FeeRequest, event: FeeEvent) -> None:
    """The one writer of a fee request's status: along FEE_REQUEST_TRANSITIONS, or
    TransitionRefused."""
    request._status = _next_status("fee request", request.status, event, FEE_REQUEST_TRANSITIONS)


def change_payment_status(payment: FeePayment, event: FeeEvent) -> None:
    """The one writer of a fee payment's status: along FEE_PAYMENT_TRANSITIONS, or
    TransitionRefused."""
    payment._status = _next_status("fee payment", payment.status, event, FEE_PAYMENT_TRANSITIONS)
