"""What a service costs for one application, and when it is due, from the school's configuration."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from backend.applications.models import Application
from backend.catalog import CATALOG
from backend.school_config import SchoolConfig

AT_SUBMISSION = "at_submission"
AFTER_APPROVAL = "after_approval"


@dataclass(frozen=True)
class FeeQuote:
    amount: Decimal
    description: str  # what it is for, as the parent and the receipt read it
    fee_code: str
    due: str  # AT_SUBMISSION or AFTER_APPROVAL


def quote(application: Application, config: SchoolConfig) -> FeeQuote | None:
    """The fee this application owes, or None when the service is free for it.

    The service's fee rule (its spec in flows/services) either computes the fee from the
    application (a venue's fee per day) or charges the fee the school set for the service.
    """
    service = config.service(application.service)
    rule = CATALOG.service(application.service).fee
    if rule.compute is not None:
        charge = rule.compute(application, config)
        if charge is None:
            return None
        return FeeQuote(charge.amount.quantize(Decimal("0.01")), charge.description, rule.code, service.fee_due)
    if not service.fee:
        return None
    description = rule.description(application.answers or {})
    return FeeQuote(service.fee.quantize(Decimal("0.01")), description, rule.code, service.fee_due)
