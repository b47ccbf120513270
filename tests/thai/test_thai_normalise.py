"""The one normaliser for chat text matched against words."""

from __future__ import annotations

import pytest

from backend.thai.normalise import bare_forms, compact, fold


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        (" ติดตาม  สถานะ ", "ติดตามสถานะ"),
        ("ยกเลิก\u200bค่ะ\ufeff", "ยกเลิกค่ะ"),  # zero-width space, byte order mark
        ("ป.๔ ม.๑", "ป.4ม.1"),  # Thai digits
        ("ＡＢＣ１２", "abc12"),  # full-width Latin and digits, lower case
        ("ชําระเงิน", "ชำระเงิน"),  # SARA AM typed in two parts
        ("กี่", "กี่"),
        ("ก\u0e48\u0e35", "กี่"),  # tone mark typed before the vowel
        ("ค่่ะ", "ค่ะ"),  # a mark typed twice
        ("“เมนู”", "เมนู"),
        ("ยกเลิก 🙏🏻!!", "ยกเลิก"),
        ("ปพ.1", "ปพ.1"),  # punctuation inside is kept
        ("🙏", ""),
    ],
)
def test_compact(typed, expected):
    assert compact(typed) == expected


@pytest.mark.parametrize(
    ("typed", "forms"),
    [
        ("ยกเลิก", ("ยกเลิก",)),
        ("ยกเลิกนะคะ", ("ยกเลิกนะคะ", "ยกเลิกนะ", "ยกเลิก")),
        # A word ending in a particle's syllable keeps a form where it is whole.
        ("สถานะค่ะ", ("สถานะค่ะ", "สถานะ", "สถา")),
        ("ยกเลิกค่ะๆ 🙏", ("ยกเลิกค่ะๆ", "ยกเลิกค่ะ", "ยกเลิก")),
        ("ยกเลิกค่าาา", ("ยกเลิกค่าาา", "ยกเลิก")),
        ("ย้อนกลับครับผม", ("ย้อนกลับครับผม", "ย้อนกลับ")),
        ("เมนูครัช", ("เมนูครัช", "เมนู")),
        ("ส่งเอกสารจ๊ะ", ("ส่งเอกสารจ๊ะ", "ส่งเอกสาร")),
        ("ติดต่อหน่อยฮะ", ("ติดต่อหน่อยฮะ", "ติดต่อหน่อย", "ติดต่อ")),
        # A message that is nothing but a particle stays itself.
        ("ค่ะ", ("ค่ะ",)),
        ("ครับบบ", ("ครับบบ",)),
    ],
)
def test_bare_forms_take_off_one_particle_at_a_time(typed, forms):
    assert bare_forms(typed) == forms


@pytest.mark.parametrize("particle", ["ค่ะ", "คะ", "ค้ะ", "ค๊ะ", "ค่า", "คับ", "ครับ", "ครัช", "คร้าบ",
                                      "นะ", "น้า", "จ้า", "จ้ะ", "จ๊ะ", "ฮะ", "ฮับ", "งับ", "เด้อ"])
def test_each_polite_particle_comes_off(particle):
    assert bare_forms("เมนู" + particle)[-1] == "เมนู"


def test_fold_forgives_doubled_letters_and_look_alike_letters():
    assert fold("ยกเลิกก") == fold("ยกเลิก")
    assert fold("เริ่มไหม่") == fold("เริ่มใหม่")
    assert fold("สถาณะ") == fold("สถานะ")
