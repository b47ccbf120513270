"""A draft's status changes only as the parent's table declares; nothing else writes a status."""

from __future__ import annotations

import datetime as dt
from itertools import product

import pytest

from backend.applications.models import Application
from backend.applications.models import ApplicationStatus as S
from backend.applications.workflow import (
    PARENT_TRANSITIONS,
    TRANSITIONS,
    Action,
    ActionNotAllowed,
    ParentAction,
    parent_moves,
    perform,
)
from backend.statuses import TransitionRefused
from tests.staging import in_status

# Written out by hand (not derived from the module's table) so that a change to the table is a
# visible change here.
PARENT_MOVES = {
    (S.DRAFT, "submit"): S.SUBMITTED,
    (S.DRAFT, "cancel"): S.CANCELLED,
    (S.DRAFT, "service_switched_off"): S.CANCELLED,
}
NOW = dt.datetime(2026, 11, 23, 3, 0, tzinfo=dt.UTC)


def _application(status: str = S.DRAFT) -> Application:
    new = Application(public_number="TO-7KX3M9QP", school_id=1, parent_ref="U1", service="transfer_out",
                      answers={}, current_step="_summary", missing_documents=[], flow_version=1,
                      session_nonce="n1", created_at=NOW, updated_at=NOW, last_activity_at=NOW)
    return in_status(new, status)


def _cases(allowed: bool):
    for status, action in product(S, ParentAction):
        if ((status, action.value) in PARENT_MOVES) == allowed:
            yield pytest.param(status, action, id=f"{status}-{action}")


def test_the_parents_table_is_exactly_the_expected_one():
    assert {(t.status, t.action.value): t.to for t in PARENT_TRANSITIONS} == PARENT_MOVES
    assert all(t.who == {"parent"} for t in PARENT_TRANSITIONS)


@pytest.mark.parametrize(("status", "action"), list(_cases(allowed=True)))
def test_every_declared_parent_move_goes_through(status, action):
    application = _application(status)
    parent_moves(application, action)
    assert application.status == PARENT_MOVES[(status, action.value)]


@pytest.mark.parametrize(("status", "action"), list(_cases(allowed=False)))
def test_every_other_parent_move_is_refused_by_name_and_changes_nothing(status, action):
    application = _application(status)
    with pytest.raises(TransitionRefused) as refused:
        parent_moves(application, action)
    assert str(refused.value) == (f"application in status '{status}': '{action}' is not a declared "
                                  "transition (see backend/applications/workflow.py)")
    assert application.status == status


@pytest.mark.parametrize("action", list(Action))
def test_the_parent_cannot_take_a_staff_action(action):
    for status in S:
        application = _application(status)
        with pytest.raises(TransitionRefused):
            parent_moves(application, action)  # type: ignore[arg-type]
        assert application.status == status


@pytest.mark.parametrize("action", list(ParentAction))
async def test_staff_cannot_submit_or_cancel_a_parents_draft(world, action):
    application = await world.application(S.DRAFT)
    with pytest.raises(ActionNotAllowed):
        await perform(world.session, application, action.value, staff=world.staff["admin"],
                      now=world.clock.now(), config=world.config)
    assert application.status == S.DRAFT


def test_each_status_and_action_has_one_row_so_the_move_is_never_ambiguous():
    pairs = [(t.status, t.action) for t in (*TRANSITIONS, *PARENT_TRANSITIONS)]
    assert len(pairs) == len(set(pairs))


def test_the_status_cannot_be_assigned_and_a_new_application_is_a_draft():
    application = _application()
    with pytest.raises(AttributeError, match=r"only through backend\.applications\.workflow"):
        application.status = S.SUBMITTED
    assert application.status == S.DRAFT
    assert Application(status=S.DRAFT).status == S.DRAFT
    with pytest.raises(ValueError, match="a new application starts as 'draft', not 'approved'"):
        Application(status=S.APPROVED)
