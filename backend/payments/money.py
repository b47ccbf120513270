"""Money as Thai people write it: read an amount school staff type (e.g. a fee) into a Decimal,
and write amounts for parents and for the school's papers."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
# Grouping commas must sit every three digits, so "1,23" (a typo, or a decimal comma) is refused
# rather than read as 123.
_AMOUNT = re.compile(
    r"(?:฿|THB)?\s*"  # "฿100", "THB 100"
    r"(?P<number>(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]{1,2})?)"
    r"(?:\.-)?\s*(?:บาท|฿|THB)?",  # "100.-" is the usual way to write a whole price
    re.IGNORECASE,
)


class AmountFormatError(ValueError):
    """The text is not an amount of money; `user_message` is polite Thai for the staff member."""

    user_message = "กรุณาพิมพ์จำนวนเงินเป็นตัวเลข ทศนิยมไม่เกิน 2 ตำแหน่ง เช่น 1,234.50 ค่ะ"


def parse_amount(text: str) -> Decimal:
    """The amount in `text`: "1,234.50", "๑๒๓", "100 บาท", "฿100", "100.-" are all understood.

    Zero is allowed (a waived fee); negative amounts, more than 2 decimals and stray
    characters are refused with AmountFormatError.
    """
    if not isinstance(text, str):
        raise AmountFormatError("amount text must be a string")
    match = _AMOUNT.fullmatch(text.translate(_THAI_DIGITS).strip())
    if match is None:
        raise AmountFormatError(
            "amount must be digits with optional thousands commas and at most 2 decimals"
        )
    return Decimal(match["number"].replace(",", ""))


def baht(amount: Decimal) -> str:
    """An amount as Thai people read prices: "1,500" or "1,500.50"."""
    return f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"


def baht_with_satang(value: Any) -> str:
    """An amount as receipts and finance reports print it, always with satang: "1,500.00"."""
    return f"{Decimal(str(value)):,.2f}"
