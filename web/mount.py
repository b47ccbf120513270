"""Everything web/ serves, added to the application that bot/app.py builds."""

from __future__ import annotations

from fastapi import FastAPI

from web.admission.router import router as admission_router
from web.bank_callback import router as bank_callback_router
from web.finance.router import router as finance_router
from web.security_headers import SecurityHeaders
from web.staff.auth import SignInRequired, StaffPagesConfig, sign_in_redirect
from web.staff.dependencies import DevIdTokens, StaffSite
from web.staff.router import router as staff_router
from web.verify.router import create_verify_router


def mount_web(app: FastAPI, staff: StaffPagesConfig, *, dev_id_tokens: DevIdTokens | None = None) -> None:
    """The verify page, the bank callback, and the staff and finance pages under /staff.

    The routes reach the running application through app.state.runtime (see web/runtime.py);
    dev_id_tokens: see StaffSite.
    """
    # The public verification page of issued e-documents (s.13 of the Act): no login.
    app.include_router(create_verify_router())
    # The admission round's public page: the announcement, commitment, draws (masked names).
    app.include_router(admission_router)
    app.include_router(bank_callback_router)
    app.state.staff_site = StaffSite(staff, dev_id_tokens=dev_id_tokens)
    # Any staff or finance page reached without a valid session goes to the login page and back.
    app.add_exception_handler(SignInRequired, sign_in_redirect)
    app.include_router(staff_router)
    app.include_router(finance_router)
    # Content-Security-Policy, frame-ancestors, nosniff, Referrer-Policy on /staff, /verify and
    # /media; HSTS when served over HTTPS.
    app.add_middleware(SecurityHeaders, https=staff.secure_cookies)
