"""What a service costs for one application, and when it is due, from the school's configuration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from backend import venues
from backend.applications.models import Application
from backend.school_config import SchoolConfig, Venue

AT_SUBMISSION = "at_submission"
AFTER_APPROVAL = "after_approval"

# Ref2 of a bill payment: which fee it is, so a bank file line names the fee without a lookup.
FEE_CODES = {
    "admission": "ADM",
    "transfer_in": "TIN",
    "transfer_out": "TOUT",
    "grade1_entry": "G1",
    "withdrawal": "WD",
    "credit_transfer": "CT",
    "replacement_documents": "RD",
    "venue_booking": "VB",
}

_REPLACEMENT_DOCUMENTS = {"transcript": "ปพ.1 (ระเบียนแสดงผลการเรียน)", "certificate": "ปพ.2 (ประกาศนียบัตร)"}


@dataclass(frozen=True)
class FeeQuote:
    amount: Decimal
    description: str  # what it is for, as the parent and the receipt read it
    fee_code: str
    due: str  # AT_SUBMISSION or AFTER_APPROVAL


def _baht(amount: Decimal) -> str:
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def _booked_venue(application: Application, config: SchoolConfig) -> Venue | None:
    chosen = (application.answers or {}).get("venue")
    # The chat stores the button value, "v_" + the venue id with "-" as "_" (flows/services/
    # venue_booking.option_value); backend cannot import flows, so the mapping is repeated here.
    return next((venue for venue in config.venues
                 if chosen in (venue.id, "v_" + venue.id.replace("-", "_"))), None)


def quote(application: Application, config: SchoolConfig) -> FeeQuote | None:
    """The fee this application owes, or None when the service is free for it."""
    service = config.service(application.service)
    code = FEE_CODES.get(application.service, "FEE")
    answers = application.answers or {}
    if application.service == "venue_booking":
        venue = _booked_venue(application, config)
        if venue is None or not venue.fee_per_day:
            return None
        try:
            first = dt.date.fromisoformat(str(answers["first_day"]))
            last = dt.date.fromisoformat(str(answers["last_day"]))
        except (KeyError, ValueError):
            return None
        # Same rule as flows/services/venue_booking.booking_fee: fee per day times the days booked.
        days = len(venues.booking_days(first, last))
        amount = venue.fee_per_day * days
        description = f"ค่าใช้{venue.name} {days} วัน (วันละ {_baht(venue.fee_per_day)} บาท)"
        return FeeQuote(amount.quantize(Decimal("0.01")), description, code, service.fee_due)
    if not service.fee:
        return None
    if application.service == "replacement_documents":
        document = _REPLACEMENT_DOCUMENTS.get(str(answers.get("document_type")), "เอกสารการศึกษา")
        description = f"ค่าธรรมเนียมออกใบแทน {document}"
    else:
        description = "ค่าธรรมเนียมคำขอ"
    return FeeQuote(service.fee.quantize(Decimal("0.01")), description, code, service.fee_due)
