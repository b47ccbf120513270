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

log = logging.getLogger(__name__)


def create_bank_callback_router() -> APIRouter:
    """Reads the secret and sessions from app.state.runtime (``fees.callback_secret``)."""
    router = APIRouter(include_in_schema=False)

    @router.post("/payments/bank-callback")
    async def bank_callback(request: Request) -> JSONResponse:
        runtime = request.app.state.runtime
        body = await request.body()
        try:
            transaction = read_callback(getattr(runtime.fees, "callback_secret", None), body, request.headers.get(SIGNATURE_HEADER))
        except CallbackRejected as error:
            log.warning("bank callback refused: %s", error)
            return JSONResponse({"status": "rejected"}, status_code=401)
        async with runtime.sessions() as session:
            settled = await apply_bank_transaction(session, transaction, method=PaymentMethod.BANK_CALLBACK,
                                                   now=runtime.clock.now())
            await session.commit()
        if settled is None:
            # Acknowledged all the same: the bank must not retry a payment we cannot place; it
            # shows in the statement import as an unmatched line for staff.
            return JSONResponse({"status": "unmatched"})
        return JSONResponse({"status": settled.outcome})

    return router
