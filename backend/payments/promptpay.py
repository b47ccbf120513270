"""Build and parse PromptPay (EMVCo merchant-presented / Thai QR) payment payloads."""

# Written here rather than wrapping PyPI `promptpay` / `promptpay-qr`: those build amounts from
# floats (1.005 -> "1.00"), accept zero or negative amounts, skip ID-length checks and have no
# bill payment (tag 30), which is the route a school needs for reconciliation on Ref1/Ref2.

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from decimal import Decimal

from backend.payments.tlv import (
    TlvError,
    crc16_ccitt_false,
    encode_field,
    split_fields,
    unique_fields,
)

CREDIT_TRANSFER_AID = "A000000677010111"
BILL_PAYMENT_AID = "A000000677010112"
CURRENCY_THB = "764"
COUNTRY_TH = "TH"

# Tag 54 holds at most 13 characters (EMVCo), so 9,999,999,999.99 is the largest amount.
_MAX_AMOUNT = Decimal("9999999999.99")
_CENT = Decimal("0.01")

_REF_PATTERN = re.compile(r"[A-Z0-9]{1,20}")
_AMOUNT_TEXT_PATTERN = re.compile(r"[0-9]{1,10}(\.[0-9]{1,2})?")
_SEPARATORS = re.compile(r"[\s-]")


class PromptPayError(ValueError):
    """A PromptPay payload or one of its inputs is invalid (message meant for developers/staff)."""


class PayloadKind(enum.StrEnum):
    CREDIT_TRANSFER = "credit_transfer"  # tag 29: pay to a mobile number, national/tax ID, e-wallet
    BILL_PAYMENT = "bill_payment"  # tag 30: pay a biller, with Ref1/Ref2 for reconciliation


class TargetType(enum.StrEnum):
    MOBILE = "mobile"
    # Tag 29 sub 02 carries either; the payload cannot tell a person's ID from a company's.
    NATIONAL_OR_TAX_ID = "national_or_tax_id"
    EWALLET = "ewallet"


@dataclass(frozen=True)
class PromptPayPayload:
    kind: PayloadKind
    target_type: TargetType | None  # credit transfer only
    target_value: str | None  # mobile in local form "0812345678"; IDs as digits
    biller_id: str | None  # bill payment only
    ref1: str | None
    ref2: str | None
    ref3: str | None  # tag 62 sub 07
    amount: Decimal | None
    currency: str
    country: str
    dynamic: bool  # tag 01 = 12 (one-off QR); EMVCo allows an amount in a static QR too


# ---------------------------------------------------------------------------------------------
# Building

# Field order after 00/01: merchant account, 58, 53, 54, 62, then 63. EMVCo allows any order but
# the CRC depends on it. This is the order of dtinth/promptpay-qr and PyPI `promptpay`, so our
# tag-29 payloads are byte-identical to theirs and to 7 of the 8 public tag-29 test vectors.


def credit_transfer_payload(
    *,
    mobile: str | None = None,
    national_id: str | None = None,
    tax_id: str | None = None,
    ewallet_id: str | None = None,
    amount: Decimal | None = None,
) -> str:
    """A tag-29 payload paying exactly one PromptPay target; dynamic (01=12) iff amount is given.

    mobile: 10 digits starting with 0, or +66 and 9 digits; spaces and hyphens are ignored.
    national_id / tax_id: 13 digits; ewallet_id: 15 digits. Only the format is checked, not the
    national-ID check digit: the tag carries whatever ID is registered with PromptPay.
    """
    given = {
        name: value
        for name, value in (
            ("mobile", mobile),
            ("national_id", national_id),
            ("tax_id", tax_id),
            ("ewallet_id", ewallet_id),
        )
        if value is not None
    }
    if len(given) != 1:
        raise PromptPayError(
            "give exactly one of mobile, national_id, tax_id, ewallet_id; got "
            f"{len(given)} ({', '.join(given) or 'none'})"
        )
    if mobile is not None:
        target = encode_field("01", "0066" + _local_mobile(mobile)[1:])
    elif ewallet_id is not None:
        target = encode_field("03", _digits(ewallet_id, 15, "ewallet_id"))
    else:
        name, value = next(iter(given.items()))
        target = encode_field("02", _digits(value, 13, name))
    merchant = encode_field("00", CREDIT_TRANSFER_AID) + target
    return _assemble("29", merchant, amount, ref3=None)


def bill_payment_payload(
    *,
    biller_id: str,
    ref1: str,
    ref2: str | None = None,
    ref3: str | None = None,
    amount: Decimal | None = None,
) -> str:
    """A tag-30 (bill payment) payload; dynamic (01=12) iff amount is given.

    biller_id: the 15-digit biller ID the bank assigned (13-digit tax ID + 2-digit suffix, as the
    Thai QR standard specifies). A bare 13-digit tax ID is also accepted and emitted unchanged,
    without inventing a suffix, because public generators (promptparse) emit it that way; whether
    a bank accepts it is the bank's call, so configure the 15-digit ID your bank gave you.
    ref1/ref2/ref3: 1-20 characters of A-Z and 0-9 (uppercase only: banks refuse anything else,
    and some allow fewer than 20). ref3 goes in tag 62 sub 07.
    """
    if not isinstance(biller_id, str) or not re.fullmatch(r"[0-9]{13}|[0-9]{15}", biller_id):
        raise PromptPayError("biller_id must be 15 digits (tax ID + 2-digit suffix) or 13 digits")
    merchant = (
        encode_field("00", BILL_PAYMENT_AID)
        + encode_field("01", biller_id)
        + encode_field("02", _ref(ref1, "ref1"))
    )
    if ref2 is not None:
        merchant += encode_field("03", _ref(ref2, "ref2"))
    return _assemble("30", merchant, amount, ref3=None if ref3 is None else _ref(ref3, "ref3"))


def _assemble(
    merchant_tag: str, merchant_value: str, amount: Decimal | None, ref3: str | None
) -> str:
    fields = [
        encode_field("00", "01"),
        encode_field("01", "11" if amount is None else "12"),
        encode_field(merchant_tag, merchant_value),
        encode_field("58", COUNTRY_TH),
        encode_field("53", CURRENCY_THB),
    ]
    if amount is not None:
        fields.append(encode_field("54", format_amount(amount)))
    if ref3 is not None:
        fields.append(encode_field("62", encode_field("07", ref3)))
    body = "".join(fields) + "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def format_amount(amount: Decimal) -> str:
    """The tag-54 text of a positive Decimal amount with at most 2 decimals, e.g. "30.00"."""
    # Floats are refused outright: 1.005 is 1.00499999... and would silently lose a satang.
    if isinstance(amount, bool) or not isinstance(amount, Decimal):
        raise PromptPayError(f"amount must be a decimal.Decimal, got {type(amount).__name__}")
    if not amount.is_finite():
        raise PromptPayError("amount must be a finite number")
    if amount <= 0:
        raise PromptPayError("amount must be greater than zero")
    if amount > _MAX_AMOUNT:
        raise PromptPayError(f"amount must be at most {_MAX_AMOUNT} (tag 54 holds 13 characters)")
    if amount != amount.quantize(_CENT):
        raise PromptPayError("amount must have at most 2 decimal places")
    return f"{amount.quantize(_CENT):f}"


def _local_mobile(mobile: object) -> str:
    if not isinstance(mobile, str):
        raise PromptPayError("mobile must be a string")
    compact = _SEPARATORS.sub("", mobile)
    if compact.startswith("+66"):
        compact = "0" + compact[3:]
    if not re.fullmatch(r"0[0-9]{9}", compact):
        # The number itself stays out of the message: messages end up in logs.
        raise PromptPayError(
            "mobile must be 10 digits starting with 0 (or +66 and 9 digits), "
            f"got {len(compact)} characters"
        )
    return compact


def _digits(value: object, count: int, name: str) -> str:
    if not isinstance(value, str):
        raise PromptPayError(f"{name} must be a string")
    compact = _SEPARATORS.sub("", value)
    if not re.fullmatch(rf"[0-9]{{{count}}}", compact):
        raise PromptPayError(f"{name} must be {count} digits, got {len(compact)} characters")
    return compact


def _ref(value: object, name: str) -> str:
    if not isinstance(value, str) or not _REF_PATTERN.fullmatch(value):
        length = len(value) if isinstance(value, str) else 0
        raise PromptPayError(
            f"{name} must be 1 to 20 characters of A-Z and 0-9 (uppercase), got {length} "
            "characters or other characters"
        )
    return value


# ---------------------------------------------------------------------------------------------
# Parsing


def parse_payload(text: str) -> PromptPayPayload:
    """The fields of a PromptPay payload, after checking its CRC and structure.

    Tags other than those PromptPay defines (e.g. 59 merchant name in bank-issued QRs) are
    skipped; fields this module would refuse to build are refused here too.
    """
    fields = _checked_fields(text)
    initiation = _required(fields, "01", "point of initiation")
    if initiation not in ("11", "12"):
        raise PromptPayError("tag 01 must be 11 (static) or 12 (dynamic)")
    if _required(fields, "53", "currency") != CURRENCY_THB:
        raise PromptPayError("tag 53 must be 764 (Thai baht)")
    if _required(fields, "58", "country") != COUNTRY_TH:
        raise PromptPayError("tag 58 must be TH")
    amount = _parse_amount(fields["54"]) if "54" in fields else None
    ref3 = None
    if "62" in fields:
        additional = _sub_fields(fields["62"], "62")
        ref3 = _ref(additional["07"], "ref3 (tag 62 sub 07)") if "07" in additional else None

    if ("29" in fields) == ("30" in fields):
        raise PromptPayError(
            "payload must hold exactly one of tag 29 (credit transfer) and tag 30 (bill payment)"
        )
    target_type: TargetType | None = None
    target_value: str | None = None
    biller_id: str | None = None
    ref1: str | None = None
    ref2: str | None = None
    if "29" in fields:
        kind = PayloadKind.CREDIT_TRANSFER
        target_type, target_value = _parse_credit_transfer(fields["29"])
    else:
        kind = PayloadKind.BILL_PAYMENT
        biller_id, ref1, ref2 = _parse_bill_payment(fields["30"])
    return PromptPayPayload(
        kind=kind,
        target_type=target_type,
        target_value=target_value,
        biller_id=biller_id,
        ref1=ref1,
        ref2=ref2,
        ref3=ref3,
        amount=amount,
        currency=CURRENCY_THB,
        country=COUNTRY_TH,
        dynamic=initiation == "12",
    )


def _checked_fields(text: str) -> dict[str, str]:
    """The top-level fields by tag, once the CRC matches and the first and last fields are right."""
    if not isinstance(text, str) or not text.isascii():
        raise PromptPayError("payload must be a string of ASCII characters")
    if len(text) < 8 or text[-8:-4] != "6304":
        raise PromptPayError("payload must end with the CRC field: 6304 and 4 hex digits")
    written_crc = text[-4:]
    if not re.fullmatch(r"[0-9A-F]{4}", written_crc):
        raise PromptPayError("CRC must be 4 uppercase hexadecimal digits")
    if int(written_crc, 16) != crc16_ccitt_false(text[:-4].encode("ascii")):
        raise PromptPayError("CRC mismatch: the payload was altered or mistyped")

    try:
        ordered = split_fields(text)
        fields = unique_fields(ordered)
    except TlvError as error:
        raise PromptPayError(str(error)) from None
    if ordered[0] != ("00", "01"):
        raise PromptPayError("payload must start with 000201 (payload format indicator 01)")
    if ordered[-1] != ("63", written_crc):
        raise PromptPayError("the CRC field 63 must be the last field, 4 characters long")
    return fields


def _parse_credit_transfer(value: str) -> tuple[TargetType, str]:
    sub = _sub_fields(value, "29")
    if sub.get("00") != CREDIT_TRANSFER_AID:
        raise PromptPayError(f"tag 29 sub 00 must be {CREDIT_TRANSFER_AID}")
    targets = [tag for tag in sub if tag != "00"]
    if len(targets) != 1 or targets[0] not in ("01", "02", "03"):
        raise PromptPayError("tag 29 must hold exactly one target: sub 01, 02 or 03")
    tag = targets[0]
    if tag == "01":
        if not re.fullmatch(r"0066[0-9]{9}", sub["01"]):
            raise PromptPayError("tag 29 sub 01 must be 0066 followed by 9 digits")
        return TargetType.MOBILE, "0" + sub["01"][4:]
    if tag == "02":
        return TargetType.NATIONAL_OR_TAX_ID, _digits(sub["02"], 13, "tag 29 sub 02")
    return TargetType.EWALLET, _digits(sub["03"], 15, "tag 29 sub 03")


def _parse_bill_payment(value: str) -> tuple[str, str, str | None]:
    sub = _sub_fields(value, "30")
    if sub.get("00") != BILL_PAYMENT_AID:
        raise PromptPayError(f"tag 30 sub 00 must be {BILL_PAYMENT_AID}")
    unexpected = set(sub) - {"00", "01", "02", "03"}
    if unexpected:
        raise PromptPayError(f"tag 30 holds unexpected sub-tags {sorted(unexpected)}")
    biller_id = _required(sub, "01", "biller ID (tag 30 sub 01)")
    if not re.fullmatch(r"[0-9]{13}|[0-9]{15}", biller_id):
        raise PromptPayError("tag 30 sub 01 (biller ID) must be 15 or 13 digits")
    ref1 = _ref(_required(sub, "02", "ref1 (tag 30 sub 02)"), "ref1")
    ref2 = _ref(sub["03"], "ref2") if "03" in sub else None
    return biller_id, ref1, ref2


def _parse_amount(text: str) -> Decimal:
    if not _AMOUNT_TEXT_PATTERN.fullmatch(text):
        raise PromptPayError("tag 54 must be a plain decimal amount with at most 2 decimals")
    amount = Decimal(text)
    if amount <= 0:
        raise PromptPayError("tag 54 must be greater than zero")
    return amount


def _sub_fields(value: str, parent: str) -> dict[str, str]:
    try:
        return unique_fields(split_fields(value, where=f"tag {parent}"), where=f"tag {parent}")
    except TlvError as error:
        raise PromptPayError(str(error)) from None


def _required(fields: dict[str, str], tag: str, what: str) -> str:
    if tag not in fields:
        raise PromptPayError(f"missing tag {tag} ({what})")
    return fields[tag]
