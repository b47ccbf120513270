"""The staff pages' routes under /staff: login, inbox, request pages with actions, documents,
dashboard, settings. Each route states what it needs (web/staff/dependencies.py)."""

from __future__ import annotations

from fastapi import APIRouter

from web.staff.dependencies import STAFF_PREFIX
from web.staff.routes import (
    admission,
    applications,
    bulk,
    dashboard,
    district,
    documents,
    login,
    obec,
    records,
    settings,
    welfare,
)

router = APIRouter(prefix=STAFF_PREFIX, include_in_schema=False)
for group in (login, applications, bulk, documents, dashboard, district, obec, records, settings, admission,
              welfare):
    router.include_router(group.router)
