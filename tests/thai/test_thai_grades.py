"""School grades and their Thai labels."""

import pytest

from backend.thai.errors import ThaiInputError
from backend.thai.grades import Grade, parse_grade


def test_stable_ids_in_school_order() -> None:
    assert [g.value for g in Grade] == [
        "k1", "k2", "k3", "p1", "p2", "p3", "p4", "p5", "p6",
        "m1", "m2", "m3", "m4", "m5", "m6",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("grade", "short", "long"),
    [
        (Grade.K1, "อ.1", "อนุบาลปีที่ 1"),
        (Grade.K3, "อ.3", "อนุบาลปีที่ 3"),
        (Grade.P1, "ป.1", "ประถมศึกษาปีที่ 1"),
        (Grade.P6, "ป.6", "ประถมศึกษาปีที่ 6"),
        (Grade.M1, "ม.1", "มัธยมศึกษาปีที่ 1"),
        (Grade.M6, "ม.6", "มัธยมศึกษาปีที่ 6"),
    ],
)
def test_labels(grade: Grade, short: str, long: str) -> None:
    assert grade.label_th == short
    assert grade.long_label_th == long


def test_label_with_thai_digits_for_letters() -> None:
    assert Grade.M4.label_thai_digits() == "ม.๔"


@pytest.mark.parametrize(
    ("typed", "grade"),
    [
        ("ป.1", Grade.P1),
        ("ป1", Grade.P1),
        ("ป 1", Grade.P1),
        ("ป. 1", Grade.P1),
        ("ป.๑", Grade.P1),
        ("ประถม 1", Grade.P1),
        ("ประถมศึกษา 1", Grade.P1),
        ("ประถมศึกษาปีที่ ๑", Grade.P1),
        ("ประถมศึกษาปีที่1", Grade.P1),
        ("ชั้น ป.1", Grade.P1),
        ("อ.2", Grade.K2),
        ("อนุบาล 2", Grade.K2),
        ("อนุบาลปีที่ 2", Grade.K2),
        ("ม.4", Grade.M4),
        ("มัธยม 4", Grade.M4),
        ("มัธยมศึกษาปีที่ 4", Grade.M4),
        ("ม.๖", Grade.M6),
        ("p3", Grade.P3),
        ("M5", Grade.M5),
    ],
)
def test_accepted_forms(typed: str, grade: Grade) -> None:
    assert parse_grade(typed) is grade


@pytest.mark.parametrize("grade", list(Grade))
def test_every_label_reads_back(grade: Grade) -> None:
    assert parse_grade(grade.label_th) is grade
    assert parse_grade(grade.long_label_th) is grade
    assert parse_grade(grade.label_thai_digits()) is grade
    assert parse_grade(grade.value) is grade


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "grade.unreadable"),
        ("ก.1", "grade.unreadable"),
        ("ป.", "grade.unreadable"),
        ("ปวช.1", "grade.unreadable"),
        ("ป.7", "grade.out_of_range"),
        ("อ.4", "grade.out_of_range"),
        ("ม.0", "grade.out_of_range"),
        ("ม.12", "grade.out_of_range"),
    ],
)
def test_refused_forms(typed: str, code: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        parse_grade(typed)
    assert caught.value.code == code
    assert "ค่ะ" in caught.value.message_th
