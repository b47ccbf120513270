"""Write a baht amount in Thai words, as receipts under the Ministry of Finance rules require."""

# Written here rather than wrapping PyPI `bahttext`: it writes 0.01 as "ศูนย์บาทเอ็ดสตางค์" (usual:
# "หนึ่งสตางค์"), prefixes "ศูนย์บาท" to amounts under one baht and rounds half-even, so a wrapper
# would have to redo the satang part, the zero case and the rounding: most of the work.

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

_DIGITS = ("ศูนย์", "หนึ่ง", "สอง", "สาม", "สี่", "ห้า", "หก", "เจ็ด", "แปด", "เก้า")
_PLACES = ("", "สิบ", "ร้อย", "พัน", "หมื่น", "แสน")
_MILLION = 1_000_000


def baht_text(amount: Decimal) -> str:
    """Thai words for a money amount, rounded half-up to the satang first.

    >>> baht_text(Decimal("1234.50"))
    'หนึ่งพันสองร้อยสามสิบสี่บาทห้าสิบสตางค์'
    """
    if isinstance(amount, bool) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"amount must be a Decimal, got {type(amount).__name__}")
    amount = Decimal(amount)
    if not amount.is_finite():
        raise ValueError("amount must be a finite number")
    if amount < 0:
        raise ValueError("amount must not be negative")
    with localcontext() as context:
        # Room for every digit: the default 28 would make quantize fail on huge amounts.
        context.prec = max(context.prec, amount.adjusted() + 4)
        satang_total = int(amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) * 100)
    baht, satang = divmod(satang_total, 100)
    if baht == 0 and satang == 0:
        return "ศูนย์บาทถ้วน"
    words = _number_words(baht) + "บาท" if baht else ""
    return words + (_number_words(satang) + "สตางค์" if satang else "ถ้วน")


def _number_words(number: int) -> str:
    """Words for a positive integer; millions repeat, so 10**12 is หนึ่งล้านล้าน."""
    if number >= _MILLION:
        millions, rest = divmod(number, _MILLION)
        # The units digit of the rest reads เอ็ด: the whole number has more than one digit.
        return _number_words(millions) + "ล้าน" + _below_million(rest, units_one_as_et=True)
    return _below_million(number, units_one_as_et=number >= 10)


def _below_million(number: int, *, units_one_as_et: bool) -> str:
    words = []
    for place, character in reversed(list(enumerate(reversed(str(number))))):
        digit = int(character)
        if digit == 0:
            continue
        if place == 0:
            words.append("เอ็ด" if digit == 1 and units_one_as_et else _DIGITS[digit])
        elif place == 1:
            # 10 is สิบ (not หนึ่งสิบ) and 20 is ยี่สิบ.
            words.append({1: "", 2: "ยี่"}.get(digit, _DIGITS[digit]) + "สิบ")
        else:
            words.append(_DIGITS[digit] + _PLACES[place])
    return "".join(words)
