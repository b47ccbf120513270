"""Statuses that change only along a declared transition table.

A model with a status (an application, a fee request, a fee payment) maps its "status" column to
a private ``_status`` and exposes ``status`` read-only: it reads and queries like a column
(``Application.status == "draft"``), and ``row.status = ...`` raises. A new row gets its entity's
initial status from the constructor (``initial_status``); every later status is written by one
function of the entity's transition module, and only along a row of its table:

- applications: ``backend/applications/workflow.py`` (TRANSITIONS for staff, PARENT_TRANSITIONS,
  ROUND_TRANSITIONS for an admission round's decisions)
- fee requests and payments: ``backend/fees/transitions.py``
- documents' signature requests: ``backend/documents/signature_requests.py``

``tests/platform/test_status_changes_only_through_tables.py`` also reads the code for a direct
write, and ``tests/staging.py`` stages rows in a later status for tests.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.hybrid import hybrid_property


class TransitionRefused(ValueError):
    """A status change that no row of the entity's transition table declares. The callers check
    what the user may do first, so this is a bug to fix, not a message for a parent or staff.
    (A ValueError, as submitting a request that is no longer a draft always was.)"""

    def __init__(self, entity: str, status: str, event: str, table: str) -> None:
        super().__init__(f"{entity} in status '{status}': '{event}' is not a declared transition "
                         f"(see {table})")


def read_only_status(changed_by: str) -> hybrid_property[str]:
    """The public ``status`` of a model whose private ``_status`` only ``changed_by`` writes."""

    def status(self: Any) -> str:
        return self._status

    def refuse(self: Any, value: str) -> None:
        raise AttributeError(f"{type(self).__name__}.status is read-only: its status changes only "
                             f"through {changed_by}")

    return hybrid_property(status, refuse)


def initial_status(entity: str, given: str | None, initial: str) -> str:
    """The status a new row starts in: ``initial`` (saying it is allowed, to be explicit).
    A row created straight into a later status would skip the transition table."""
    if given is not None and given != initial:
        raise ValueError(f"a new {entity} starts as '{initial}', not '{given}': later statuses are "
                         f"reached through its transition table")
    return initial
