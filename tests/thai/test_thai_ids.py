"""Thai national ID numbers."""

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.thai.digits import to_thai_digits
from backend.thai.errors import ThaiInputError
from backend.thai.ids import (
    EXAMPLE_G_CODE,
    format_national_id,
    format_student_id,
    is_valid_national_id,
    mask_national_id,
    mask_student_id,
    national_id_check_digit,
    parse_national_id,
    parse_student_id,
    synthetic_national_id,
)

VALID = synthetic_national_id(2566)
NON_THAI = synthetic_national_id(2566, non_thai=True)


def _with_wrong_check_digit(digits: str) -> str:
    return digits[:12] + str((int(digits[12]) + 1) % 10)


def test_synthetic_ids_are_deterministic_per_seed_and_valid() -> None:
    assert synthetic_national_id(7) == synthetic_national_id(random.Random(7))
    assert VALID[0] in "12345678"
    assert NON_THAI[0] == "0"
    assert is_valid_national_id(VALID)


def test_check_digit_of_the_example_in_messages() -> None:
    # "1-2345-67890-12-1" is shown to users as the shape to type; it must itself be valid.
    assert national_id_check_digit("123456789012") == 1
    assert parse_national_id("1-2345-67890-12-1") == "1234567890121"


@pytest.mark.parametrize(
    "typed",
    [
        VALID,
        format_national_id(VALID),
        " ".join([VALID[:1], VALID[1:5], VALID[5:10], VALID[10:12], VALID[12:]]),
        to_thai_digits(format_national_id(VALID)),
        f"  {VALID}\n",
        format_national_id(VALID).replace("-", "–"),
    ],
)
def test_accepted_forms(typed: str) -> None:
    assert parse_national_id(typed) == VALID


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "national_id.empty"),
        ("   ", "national_id.empty"),
        ("1-2345-6789O-12-1", "national_id.not_digits"),  # letter O for zero
        ("เลข 1234567890121", "national_id.not_digits"),
        ("123456789012", "national_id.length"),
        ("12345678901210", "national_id.length"),
        (_with_wrong_check_digit(VALID), "national_id.checksum"),
        (NON_THAI, "national_id.leading_digit"),
    ],
)
def test_refused_forms_say_why(typed: str, code: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_national_id(typed)
    assert caught.value.code == code
    assert "ค่ะ" in caught.value.message_th


def test_each_refusal_reason_has_its_own_message() -> None:
    messages = set()
    for typed in ["12a", "123", _with_wrong_check_digit(VALID), NON_THAI]:
        with pytest.raises(ThaiInputError) as caught:
            parse_national_id(typed)
        messages.add(caught.value.message_th)
    assert len(messages) == 4


def test_length_message_tells_how_many_digits_were_typed() -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_national_id(VALID[:12])
    assert "13 หลัก" in caught.value.message_th
    assert "12 หลัก" in caught.value.message_th


def test_category_zero_is_accepted_only_for_children_without_registration() -> None:
    assert parse_national_id(NON_THAI, allow_non_thai=True) == NON_THAI
    assert not is_valid_national_id(NON_THAI)
    assert is_valid_national_id(NON_THAI, allow_non_thai=True)


def test_leading_nine_is_refused_even_when_non_thai_ids_are_allowed() -> None:
    body = "9" + VALID[1:12]
    nine = body + str(national_id_check_digit(body))
    with pytest.raises(ThaiInputError) as caught:
        parse_national_id(nine, allow_non_thai=True)
    assert caught.value.code == "national_id.leading_digit"


def test_refusal_never_repeats_the_typed_number() -> None:
    wrong = _with_wrong_check_digit(VALID)
    for typed in [wrong, format_national_id(wrong), VALID[:12]]:
        with pytest.raises(ThaiInputError) as caught:
            parse_national_id(typed)
        compact = caught.value.message_th.replace("-", "")
        assert VALID[:12] not in compact
        assert VALID[1:9] not in compact


def test_format_and_mask() -> None:
    assert format_national_id("1234567890121") == "1-2345-67890-12-1"
    assert mask_national_id("1234567890121") == "1-xxxx-xxxxx-12-1"
    assert mask_national_id("1-2345-67890-12-1") == "1-xxxx-xxxxx-12-1"


def test_format_refuses_what_is_not_thirteen_digits() -> None:
    with pytest.raises(ValueError):
        format_national_id("12345")


seeds = st.integers(min_value=0, max_value=2**32)


@given(seeds, st.booleans())
def test_synthetic_ids_always_pass_the_checksum(seed: int, non_thai: bool) -> None:
    digits = synthetic_national_id(seed, non_thai=non_thai)
    assert len(digits) == 13 and digits.isdigit()
    assert parse_national_id(digits, allow_non_thai=True) == digits


@given(seeds, st.booleans())
def test_format_then_parse_round_trips(seed: int, thai: bool) -> None:
    digits = synthetic_national_id(seed)
    shown = format_national_id(digits)
    assert parse_national_id(to_thai_digits(shown) if thai else shown) == digits


@given(seeds, st.integers(min_value=1, max_value=9))
def test_any_wrong_check_digit_is_caught(seed: int, shift: int) -> None:
    # Only the check digit is guaranteed: the mod 11 → mod 10 fold lets a few body typos pass.
    digits = synthetic_national_id(seed)
    typo = digits[:12] + str((int(digits[12]) + shift) % 10)
    assert not is_valid_national_id(typo, allow_non_thai=True)


@given(seeds)
def test_mask_keeps_only_first_and_last_three_digits(seed: int) -> None:
    digits = synthetic_national_id(seed)
    masked = mask_national_id(digits)
    visible = [ch for ch in masked if ch.isdigit()]
    assert visible == [digits[0], *digits[10:]]


# -- students without a Thai ID: the 0-series and G-codes ---------------------------------------------

@pytest.mark.parametrize("typed", ["G644200000001", "g644200000001", "G 6442 0000 0001", "G-644200000001",
                                   "G๖๔๔๒๐๐๐๐๐๐๐๑"])
def test_a_g_code_is_read_as_the_school_issued_it(typed: str) -> None:
    assert parse_student_id(typed) == EXAMPLE_G_CODE


@pytest.mark.parametrize("typed", ["G64420000001", "G6442000000011", "G64420000000A"])
def test_a_g_code_of_the_wrong_shape_is_asked_again_politely(typed: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_student_id(typed)
    assert caught.value.code == "g_code.shape"
    assert "G ตามด้วยตัวเลข 12 หลัก" in caught.value.message_th


def test_a_student_id_of_the_zero_series_is_accepted_with_its_checksum() -> None:
    assert parse_student_id(format_national_id(NON_THAI)) == NON_THAI
    with pytest.raises(ThaiInputError) as caught:
        parse_student_id(NON_THAI[:12] + str((int(NON_THAI[12]) + 1) % 10))
    assert caught.value.code == "national_id.checksum"


def test_student_ids_show_and_mask_by_their_kind() -> None:
    assert format_student_id(EXAMPLE_G_CODE) == EXAMPLE_G_CODE
    assert mask_student_id(EXAMPLE_G_CODE) == "G64xxxxxxx001"
    assert format_student_id(NON_THAI).startswith("0-")
    assert mask_student_id(NON_THAI) == mask_national_id(NON_THAI)
