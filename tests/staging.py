"""Rows put straight into a later status, for tests that start in the middle of a request's life.

The product reaches a status only along its entity's transition table (backend/statuses.py), and
a new row starts in its initial status. A fixture that walked a row there instead would also
leave the audit entries and notices of every step, which the test does not expect. This is the
one place outside the transition modules that writes the private ``_status``.
"""

from __future__ import annotations

from typing import TypeVar

from backend.applications.models import Application
from backend.fees.models import FeePayment, FeeRequest

Row = TypeVar("Row", Application, FeeRequest, FeePayment)


def in_status(row: Row, status: str) -> Row:
    """``row`` (new, not yet flushed, or loaded) with its status set to ``status``."""
    row._status = status
    return row
