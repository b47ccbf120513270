"""The bank's payment callback: POST /payments/bank-callback[/<school>], signed with an HMAC.

Each school has its own secret and URL, so one school's bank (or a leak of its secret) can pay
no other school's fees; the URL without a school is the default school's, signed with
BANK_CALLBACK_SECRET. A callback for an unknown school, or one without a secret, is refused
exactly as a bad signature is, after the same work: the URL tells nobody which schools exist.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend import sealed_text
from backend.fees.bank import (
    SIGNATURE_HEADER,
    CallbackMalformed,
    CallbackRejected,
    apply_bank_transaction,
    read_callback,
)
from backend.fees.models import PaymentMethod
from backend.school_admin import BANK_CALLBACK_SECRET
from backend.schools import School, school_by_slug
from web.runtime import DbSession, Now, Runtime

log = logging.getLogger(__name__)

# A payment notice is a few hundred bytes; anything much larger is refused while it streams in,
# before the signature is computed over it.
MAX_BODY_BYTES = 16 * 1024
router = APIRouter(include_in_schema=False, max_body_size=MAX_BODY_BYTES)
# Checked against when a school has no secret: nothing is signed with it.
_NO_SECRET = secrets.token_bytes(32)


async def _school_and_secret(db: DbSession, runtime: Runtime, slug: str | None
                             ) -> tuple[School | None, bytes | None]:
    desk = runtime.fees
    if desk is None:
        return None, None
    if slug is None:
        school = await school_by_slug(db, desk.default_school)
        return school, desk.callback_secret
    school = await school_by_slug(db, slug)
    if school is None or not school.bank_callback_secret:
        return None, None
    return school, sealed_text.open_text(runtime.files.keyring, school.bank_callback_secret,
                                         school_id=school.id, purpose=BANK_CALLBACK_SECRET).encode()


async def _receive(request: Request, runtime: Runtime, db: DbSession, now: Now, slug: str | None) -> JSONResponse:
    body = await request.body()  # at most MAX_BODY_BYTES: the route's limit answers 413 beyond
    school, secret = await _school_and_secret(db, runtime, slug)
    try:
        transaction = read_callback(secret or _NO_SECRET, body, request.headers.get(SIGNATURE_HEADER))
        if school is None or not secret:
            raise CallbackRejected("no such school, or no secret for it")
    except CallbackMalformed as error:
        # Signed by the bank but not a payment we can take: 400, which the bank does not retry.
        log.warning("bank callback malformed: %s", error)
        return JSONResponse({"status": "malformed", "detail": str(error)}, status_code=400)
    except CallbackRejected as error:
        log.warning("bank callback refused: %s", error)
        return JSONResponse({"status": "rejected"}, status_code=401)
    settled = await apply_bank_transaction(db, transaction, school_id=school.id,
                                           method=PaymentMethod.BANK_CALLBACK, now=now)
    await db.commit()
    if settled is None:
        # Acknowledged all the same: the bank must not retry a payment we cannot place; it
        # waits as a flag on the finance page for staff to place by hand.
        return JSONResponse({"status": "unmatched"})
    return JSONResponse({"status": settled.outcome})


@router.post("/payments/bank-callback")
async def default_school_callback(request: Request, runtime: Runtime, db: DbSession, now: Now) -> JSONResponse:
    return await _receive(request, runtime, db, now, None)


@router.post("/payments/bank-callback/{school}")
async def school_callback(school: str, request: Request, runtime: Runtime, db: DbSession, now: Now) -> JSONResponse:
    return await _receive(request, runtime, db, now, school)
