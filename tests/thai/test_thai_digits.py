"""Thai ↔ Arabic digit conversion."""

from hypothesis import given
from hypothesis import strategies as st

from backend.thai.digits import to_arabic_digits, to_thai_digits


def test_thai_digits_become_arabic_and_text_is_kept() -> None:
    assert to_arabic_digits("โทร ๐๘๑-๒๓๔-๕๖๗๘") == "โทร 081-234-5678"


def test_full_width_digits_from_other_keyboards_become_arabic() -> None:
    assert to_arabic_digits("１５/３/２５６２") == "15/3/2562"


def test_arabic_digits_become_thai_for_official_letters() -> None:
    assert to_thai_digits("ปีการศึกษา 2566 ชั้น ป.1") == "ปีการศึกษา ๒๕๖๖ ชั้น ป.๑"


@given(st.text())
def test_arabic_then_thai_then_arabic_is_stable(text: str) -> None:
    arabic = to_arabic_digits(text)
    assert to_arabic_digits(to_thai_digits(arabic)) == arabic


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_conversion_never_touches_non_digits(text: str) -> None:
    converted = to_thai_digits(to_arabic_digits(text))
    assert len(converted) == len(text)
    for before, after in zip(text, converted, strict=True):
        assert before == after or (before.isdecimal() and after in "๐๑๒๓๔๕๖๗๘๙")


@given(st.integers(min_value=0))
def test_thai_digits_read_back_as_the_same_number(n: int) -> None:
    assert int(to_arabic_digits(to_thai_digits(str(n)))) == n
