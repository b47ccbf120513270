"""The bank's payment callback: POST /payments/bank-callback, signed with a shared-secret HMAC."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from backend.fees.bank import (
    SIGNATURE_HEADER,
    CallbackRejected,
    apply_bank_transaction,
    read_callback,
)
from backend.fees.models import PaymentMethod
from web.runtime import DbSession, Now, Runtime

log = logging.getLogger(__name__)

# A payment notice is a few hundred bytes; anything much larger is refused while it streams in,
# before the signature is computed over it.
MAX_BODY_BYTES = 16 * 1024
router = APIRouter(include_in_schema=False, max_body_size=MAX_BODY_BYTES)


@router.post("/payments/bank-callback")
async def bank_callback(request: Request, runtime: Runtime, db: DbSession, now: Now) -> JSONResponse:
    body = await request.body()
    # Read at each call: the secret belongs to the fee desk (None when fees are not offered).
    secret = runtime.fees.callback_secret if runtime.fees is not None else None
    try:
        transaction = read_callback(secret, body, request.headers.get(SIGNATURE_HEADER))
    except CallbackRejected as error:
        log.warning("bank callback refused: %s", error)
        return JSONResponse({"status": "rejected"}, status_code=401)
    settled = await apply_bank_transaction(db, transaction, method=PaymentMethod.BANK_CALLBACK, now=now)
    await db.commit()
    if settled is None:
        # Acknowledged all the same: the bank must not retry a payment we cannot place; it
        # shows in the statement import as an unmatched line for staff.
        return JSONResponse({"status": "unmatched"})
    return JSONResponse({"status": settled.outcome})
