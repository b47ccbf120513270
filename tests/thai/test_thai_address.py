"""Thai addresses against the official province / district / subdistrict / postal-code list."""

import subprocess
import sys

import pytest

from backend.thai.address import Address, address_by_code, find_subdistricts, validate_address
from backend.thai.errors import ThaiInputError

PHRA_BOROM = Address("กรุงเทพมหานคร", "พระนคร", "พระบรมมหาราชวัง", "10200", "100101")
KO_TAO = Address("สุราษฎร์ธานี", "เกาะพะงัน", "เกาะเต่า", "84360", "840503")
TALAT_SURAT = Address("สุราษฎร์ธานี", "เมืองสุราษฎร์ธานี", "ตลาด", "84000", "840101")


@pytest.mark.parametrize(
    "parts",
    [
        ("กรุงเทพมหานคร", "เขตพระนคร", "แขวงพระบรมมหาราชวัง", "10200"),
        ("กรุงเทพมหานคร", "พระนคร", "พระบรมมหาราชวัง", "10200"),
        ("กทม.", "เขต พระนคร", "แขวง พระบรมมหาราชวัง", "๑๐๒๐๐"),
        ("กรุงเทพฯ", "พระนคร", "พระบรมมหาราชวัง", None),
        ("Bangkok", "Phra Nakhon", "Phra Borom Maha Ratchawang", "10200"),
        # Provincial words typed for Bangkok are understood too.
        ("จังหวัดกรุงเทพมหานคร", "อำเภอพระนคร", "ตำบลพระบรมมหาราชวัง", "10200"),
    ],
)
def test_bangkok_forms(parts: tuple[str, str, str, str | None]) -> None:
    assert validate_address(*parts) == PHRA_BOROM


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("สุราษฎร์ธานี", "เกาะพะงัน", "เกาะเต่า", "84360"), KO_TAO),
        (("จ.สุราษฎร์ธานี", "อ.เกาะพะงัน", "ต.เกาะเต่า", "84360"), KO_TAO),
        (("จังหวัดสุราษฎร์ธานี", "อำเภอเกาะพะงัน", "ตำบลเกาะเต่า", ""), KO_TAO),
        (("สุราษฏร์ธานี", "เกาะพะงัน", "เกาะเต่า", "84360"), KO_TAO),  # ฏ for ฎ
        (("สุราษฎร์ธานี", "อ.เมือง", "ต.ตลาด", "84000"), TALAT_SURAT),
        (("สุราษฎร์ธานี", "เมืองสุราษฎร์ธานี", "ตลาด", "84000"), TALAT_SURAT),
    ],
)
def test_provincial_forms(parts: tuple[str, str, str, str | None], expected: Address) -> None:
    assert validate_address(*parts) == expected


def test_same_subdistrict_name_resolves_by_province_and_district() -> None:
    # "ตลาด" exists in many provinces; each lookup lands on its own.
    korat = validate_address("นครราชสีมา", "อ.เมือง", "ตลาด", "30000")
    assert korat.province == "นครราชสีมา" and korat.subdistrict_code.startswith("30")
    assert validate_address("โคราช", "เมือง", "ตลาด", "30000") == korat


def test_display_uses_bangkok_words_in_bangkok_only() -> None:
    assert PHRA_BOROM.format_th() == "แขวงพระบรมมหาราชวัง เขตพระนคร กรุงเทพมหานคร 10200"
    assert KO_TAO.format_th() == "ตำบลเกาะเต่า อำเภอเกาะพะงัน จังหวัดสุราษฎร์ธานี 84360"


def _refusal(*parts: str | None) -> ThaiInputError:
    with pytest.raises(ThaiInputError) as caught:
        validate_address(*parts)  # type: ignore[arg-type]
    assert "ค่ะ" in caught.value.message_th
    return caught.value


def test_unknown_province_suggests_close_names() -> None:
    error = _refusal("สุราษธานี", "เกาะพะงัน", "เกาะเต่า", "84360")
    assert error.code == "address.province"
    assert "สุราษฎร์ธานี" in error.message_th


def test_district_in_the_wrong_province_says_where_it_is() -> None:
    error = _refusal("เชียงใหม่", "เกาะพะงัน", "เกาะเต่า", None)
    assert error.code == "address.district"
    assert "จังหวัดสุราษฎร์ธานี" in error.message_th


def test_misspelt_district_suggests_close_names() -> None:
    error = _refusal("สุราษฎร์ธานี", "เกาะพงัน", "เกาะเต่า", None)
    assert error.code == "address.district"
    assert "เกาะพะงัน" in error.message_th


def test_bangkok_refusals_speak_of_khet_and_khwaeng() -> None:
    district = _refusal("กรุงเทพมหานคร", "พระนครศรี", "พระบรมมหาราชวัง", "10200")
    assert district.code == "address.district" and "เขต" in district.message_th
    assert "อำเภอ" not in district.message_th
    subdistrict = _refusal("กรุงเทพมหานคร", "พระนคร", "ดุสิต", "10200")
    assert subdistrict.code == "address.subdistrict"
    assert "แขวง" in subdistrict.message_th and "ตำบล" not in subdistrict.message_th
    assert "เขตดุสิต" in subdistrict.message_th  # where แขวงดุสิต really is


def test_misspelt_subdistrict_suggests_close_names() -> None:
    error = _refusal("สุราษฎร์ธานี", "เกาะพะงัน", "เกาะเตา", None)
    assert error.code == "address.subdistrict"
    assert "เกาะเต่า" in error.message_th


def test_wrong_postal_code_gives_the_right_one() -> None:
    error = _refusal("สุราษฎร์ธานี", "เกาะพะงัน", "เกาะเต่า", "84280")
    assert error.code == "address.postal_code"
    assert "84360" in error.message_th


def test_malformed_postal_code() -> None:
    assert _refusal("สุราษฎร์ธานี", "เกาะพะงัน", "เกาะเต่า", "8436").code == (
        "address.postal_code_format"
    )


def test_address_by_code() -> None:
    assert address_by_code("840503") == KO_TAO
    assert address_by_code("999999") is None


def test_find_subdistricts_by_name_puts_exact_names_first() -> None:
    found = find_subdistricts("ต.ตลาด", limit=20)
    assert found and all("ตลาด" in a.subdistrict for a in found)
    exact = [a.subdistrict == "ตลาด" for a in found]
    assert exact[0] and exact == sorted(exact, reverse=True)
    assert len(find_subdistricts("ตลาด", limit=3)) == 3


def test_find_subdistricts_by_postal_code() -> None:
    found = find_subdistricts("84280")
    assert {a.subdistrict for a in found} == {"เกาะพะงัน", "บ้านใต้"}
    assert {a.postal_code for a in found} == {"84280"}


def test_find_subdistricts_nothing_found() -> None:
    assert find_subdistricts("ไม่มีชื่อนี้แน่นอน") == []


def test_importing_the_module_loads_no_data() -> None:
    # The bot imports this at start; the 7,436 subdistricts load only on first use.
    code = (
        "import backend.thai.address as a\n"
        "assert a._provinces_by_key.cache_info().currsize == 0\n"
        "assert a._districts_everywhere.cache_info().currsize == 0\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=".")


def test_names_spelt_with_to_patak_still_match_either_way() -> None:
    # ฎ/ฏ are folded together for typos; a real ฏ name (เขาคิชฌกูฏ) must still be found.
    for typed in ("เขาคิชฌกูฏ", "เขาคิชฌกูฎ"):
        found = validate_address("จันทบุรี", typed, "พลวง", "22210")
        assert found.district == "เขาคิชฌกูฏ"
