"""How a prepared document's signature request changes status, declared in one table; the only
place its status is written. Who may sign or withdraw is checked by backend/documents/issuing.py
(and backend/documents/authority.py) before."""

from __future__ import annotations

from enum import StrEnum

from backend.documents.models import SignatureRequest, SignatureStatus
from backend.statuses import TransitionRefused


class SignatureEvent(StrEnum):
    SIGN = "sign"  # the director or a delegate signed it: the document is issued
    WITHDRAW = "withdraw"  # who prepared it, or the director, took it back


S, E = SignatureStatus, SignatureEvent
# status       event        new status
TRANSITIONS: tuple[tuple[str, str, str], ...] = (
    (S.PENDING, E.SIGN, S.SIGNED),
    (S.PENDING, E.WITHDRAW, S.WITHDRAWN),
)


def change_status(request: SignatureRequest, event: SignatureEvent) -> None:
    for status, on, to in TRANSITIONS:
        if status == request.status and on == event:
            request._status = to
            return
    raise TransitionRefused("signature request", request.status, event, "backend/documents/signature_requests.py")
