"""How a staff page is answered: the templates with the Thai words they use, never from a cache."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from fastapi.templating import Jinja2Templates

from backend.applications import contact
from web.staff import issued_documents, presentation
from web.staff.dependencies import STAFF_PREFIX, SignedInStaff

TEMPLATES = Path(__file__).parent / "templates"


def staff_templates(*folders: Path) -> Jinja2Templates:
    """The staff pages' templates; pages from other folders (finance) extend their base.html."""
    templates = Jinja2Templates(directory=[*folders, TEMPLATES])
    templates.env.filters.update(thai_date=presentation.thai_date, thai_datetime=presentation.thai_datetime)
    templates.env.globals.update(base=STAFF_PREFIX, ROLE_TH=presentation.ROLE_TH)
    return templates


templates = staff_templates()
templates.env.globals.update(
    STATUS_TH=presentation.STATUS_TH, ACTION_TH=presentation.ACTION_TH, HISTORY_TH=presentation.HISTORY_TH,
    history_label=presentation.history_label,
    appointment_text=presentation.appointment_text, child_name=presentation.child_name,
    tel_href=contact.tel_href,
    **issued_documents.template_globals())


def render(templates: Jinja2Templates, request: Request, name: str, staff: SignedInStaff | None,
           **context: Any) -> Response:
    response = templates.TemplateResponse(request, name, {
        "me": staff.member if staff else None, "csrf": staff.csrf if staff else "", **context})
    # Pages show personal data: never from a shared cache, never from the back button later.
    response.headers["cache-control"] = "no-store"
    return response


def page(request: Request, name: str, staff: SignedInStaff | None, **context: Any) -> Response:
    return render(templates, request, name, staff, **context)


def not_found(request: Request, staff: SignedInStaff) -> Response:
    # Another school's application and a guessed number look the same: not there.
    response = page(request, "not_found.html", staff)
    response.status_code = 404
    return response
