"""Thai personal names and title prefixes."""

import pytest

from backend.thai.errors import ThaiInputError
from backend.thai.names import PersonName, expected_prefixes, parse_person_name, title_fits_age


@pytest.mark.parametrize(
    ("typed", "prefix"),
    [
        ("เด็กชายสมชาย ใจดี", "เด็กชาย"),
        ("เด็กชาย สมชาย ใจดี", "เด็กชาย"),
        ("ด.ช. สมชาย ใจดี", "เด็กชาย"),
        ("ด.ช.สมชาย ใจดี", "เด็กชาย"),
        ("ดช. สมชาย ใจดี", "เด็กชาย"),
        ("ด . ช . สมชาย ใจดี", "เด็กชาย"),
        ("เด็กหญิงสมชาย ใจดี", "เด็กหญิง"),
        ("ด.ญ. สมชาย ใจดี", "เด็กหญิง"),
        ("นายสมชาย ใจดี", "นาย"),
        ("นาย สมชาย ใจดี", "นาย"),
        ("นางสาวสมชาย ใจดี", "นางสาว"),
        ("น.ส. สมชาย ใจดี", "นางสาว"),
        ("นส.สมชาย ใจดี", "นางสาว"),
        ("นางสมชาย ใจดี", "นาง"),
        ("สมชาย ใจดี", None),
        ("  สมชาย    ใจดี  ", None),
    ],
)
def test_prefix_forms_normalize_to_the_full_form(typed: str, prefix: str | None) -> None:
    assert parse_person_name(typed) == PersonName(prefix, "สมชาย", "ใจดี")


def test_name_shown_with_prefix_joined_as_on_documents() -> None:
    assert str(parse_person_name("ด.ญ. สมใจ ใจดี")) == "เด็กหญิงสมใจ ใจดี"
    assert str(parse_person_name("สมใจ ใจดี")) == "สมใจ ใจดี"


def test_surname_of_several_words_is_kept_whole() -> None:
    assert parse_person_name("ด.ช.ณัฐ ณ อยุธยา") == PersonName("เด็กชาย", "ณัฐ", "ณ อยุธยา")


def test_sara_am_typed_as_two_characters_is_stored_as_one() -> None:
    typed = "ด.ช.สม\u0e4d\u0e32ราญ ใจดี"
    assert parse_person_name(typed).first == "สม\u0e33ราญ"


def test_sex_follows_the_prefix() -> None:
    assert parse_person_name("ด.ญ.สมใจ ใจดี").sex == "female"
    assert parse_person_name("นายสมชาย ใจดี").sex == "male"
    assert parse_person_name("สมชาย ใจดี").sex is None


def test_latin_script_names_are_accepted() -> None:
    assert parse_person_name("John O'Neil-Smith") == PersonName(None, "John", "O'Neil-Smith")


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "name.empty"),
        ("ด.ช.", "name.missing_first"),
        ("นาย", "name.missing_first"),
        ("สมชาย", "name.missing_last"),
        ("ด.ช. สมชาย", "name.missing_last"),
        ("สมชาย2 ใจดี", "name.digits"),
        ("สมชาย ใจดี๒", "name.digits"),
        ("สมชาย @ ใจดี", "name.symbols"),
        ("สมชาย ใจดี😀", "name.symbols"),
        # What a spreadsheet would run as a formula, and marks that begin or end a word.
        ("=1+1 ใจดี", "name.digits"),
        ("=สมชาย ใจดี", "name.symbols"),
        ("-สมชาย ใจดี", "name.symbols"),
        ("+สมชาย ใจดี", "name.symbols"),
        ("'สมชาย ใจดี", "name.symbols"),
        ("สมชาย ใจดี-", "name.symbols"),
        ("สมชาย " + "ก" * 101, "name.too_long"),
    ],
)
def test_refused_names(typed: str, code: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_person_name(typed)
    assert caught.value.code == code
    assert "ค่ะ" in caught.value.message_th
    assert "สมชาย" not in caught.value.message_th


@pytest.mark.parametrize(
    ("age", "sex", "prefixes"),
    [
        (6, None, ("เด็กชาย", "เด็กหญิง")),
        (14, "male", ("เด็กชาย",)),
        (14, "female", ("เด็กหญิง",)),
        (15, "male", ("นาย",)),
        (15, "female", ("นางสาว", "นาง")),
        (40, None, ("นาย", "นางสาว", "นาง")),
    ],
)
def test_expected_prefixes_change_at_fifteen(
    age: int, sex: str | None, prefixes: tuple[str, ...]
) -> None:
    assert expected_prefixes(age, sex) == prefixes  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("prefix", "age", "fits"),
    [
        ("นาย", 6, False),  # "นาย…" for a 6-year-old
        ("นางสาว", 14, False),
        ("นาง", 10, False),
        ("นาย", 15, True),  # at 15 the sources differ: either title is accepted
        ("เด็กชาย", 15, True),
        ("เด็กหญิง", 16, False),
        ("เด็กชาย", 14, True),
        ("นางสาว", 18, True),
        (None, 6, True),  # no title typed: nothing to refuse
    ],
)
def test_a_title_must_fit_the_age(prefix: str | None, age: int, fits: bool) -> None:
    assert title_fits_age(prefix, age) is fits
