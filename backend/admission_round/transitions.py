"""How an applicant's place in a round changes, declared in one table; the only place an
entry's status is written. Who may set off an event is checked by the callers (staff roles in
backend/admission_round/service.py, the parent's own tap, the deadline sweep)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from backend.admission_round.models import AdmissionEntry, EntryStatus
from backend.statuses import TransitionRefused


class EntryEvent(StrEnum):
    MARK_ELIGIBLE = "mark_eligible"
    MARK_NOT_ELIGIBLE = "mark_not_eligible"
    WITHDRAW = "withdraw"  # the parent withdrew the application
    ACCEPT = "accept"  # the draw or ranking gave a seat
    RESERVE = "reserve"  # the draw or ranking put on the reserve list
    NOT_ACCEPT = "not_accept"  # beyond the reserve list
    PROMOTE = "promote"  # a seat freed: the next reserve is offered it
    RESET = "reset"  # a correction draw replaces the published one
    CONFIRM = "confirm"  # รายงานตัว
    DECLINE = "decline"
    LAPSE = "lapse"  # the รายงานตัว deadline passed
    HAND_OVER = "hand_over"  # มอบตัว


@dataclass(frozen=True)
class EntryTransition:
    status: str
    event: EntryEvent
    to: str


S, E = EntryStatus, EntryEvent

ENTRY_TRANSITIONS: tuple[EntryTransition, ...] = (
    EntryTransition(S.PENDING, E.MARK_ELIGIBLE, S.ELIGIBLE),
    EntryTransition(S.PENDING, E.MARK_NOT_ELIGIBLE, S.NOT_ELIGIBLE),
    EntryTransition(S.ELIGIBLE, E.MARK_NOT_ELIGIBLE, S.NOT_ELIGIBLE),
    EntryTransition(S.NOT_ELIGIBLE, E.MARK_ELIGIBLE, S.ELIGIBLE),
    EntryTransition(S.ELIGIBLE, E.MARK_ELIGIBLE, S.ELIGIBLE),  # a new reason or group
    EntryTransition(S.NOT_ELIGIBLE, E.MARK_NOT_ELIGIBLE, S.NOT_ELIGIBLE),
    *(EntryTransition(s, E.WITHDRAW, S.WITHDRAWN)
      for s in (S.PENDING, S.ELIGIBLE, S.NOT_ELIGIBLE, S.ACCEPTED, S.RESERVE, S.NOT_ACCEPTED)),
    EntryTransition(S.ELIGIBLE, E.ACCEPT, S.ACCEPTED),
    EntryTransition(S.ELIGIBLE, E.RESERVE, S.RESERVE),
    EntryTransition(S.ELIGIBLE, E.NOT_ACCEPT, S.NOT_ACCEPTED),
    EntryTransition(S.RESERVE, E.PROMOTE, S.ACCEPTED),
    *(EntryTransition(s, E.RESET, S.ELIGIBLE) for s in (S.ACCEPTED, S.RESERVE, S.NOT_ACCEPTED)),
    EntryTransition(S.ACCEPTED, E.CONFIRM, S.CONFIRMED),
    EntryTransition(S.ACCEPTED, E.DECLINE, S.DECLINED),
    EntryTransition(S.CONFIRMED, E.DECLINE, S.DECLINED),
    EntryTransition(S.ACCEPTED, E.LAPSE, S.LAPSED),
    EntryTransition(S.CONFIRMED, E.HAND_OVER, S.HANDED_OVER),
)

_NEXT = {(t.status, t.event): t.to for t in ENTRY_TRANSITIONS}


def can(entry: AdmissionEntry, event: EntryEvent) -> bool:
    return (entry.status, event) in _NEXT


def move(entry: AdmissionEntry, event: EntryEvent) -> str:
    """Apply ``event`` to ``entry`` along the table; the new status."""
    to = _NEXT.get((entry.status, event))
    if to is None:
        raise TransitionRefused("admission entry", entry.status, event, "backend/admission_round/transitions.py")
    entry._status = to
    return to
