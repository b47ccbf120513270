"""A name typed in the chat (the venue booker's) is checked as names are: no digits, no formula."""

from __future__ import annotations

import datetime as dt

import pytest

from backend.thai.errors import ThaiInputError
from flows import kinds

TODAY = dt.date(2026, 12, 2)


@pytest.mark.parametrize("typed", ["=1+1 ใจดี", "=HYPERLINK(x) ใจดี", "-สมชาย ใจดี", "@สมชาย ใจดี"])
def test_formula_like_names_are_refused_politely(typed: str) -> None:
    with pytest.raises(ThaiInputError) as caught:
        kinds.person_name().parse(kinds.Reply(text=typed), TODAY)
    assert caught.value.message_th.count("ค่ะ") >= 1
    assert "เช่น เด็กหญิงสมใจ ใจดี" in caught.value.message_th


def test_a_name_is_kept_as_typed() -> None:
    assert kinds.person_name().parse(kinds.Reply(text="  นาง สมศรี   มีสุข "), TODAY) == "นาง สมศรี มีสุข"
    assert kinds.person_name().parse(kinds.Reply(text="John O'Neil-Smith"), TODAY) == "John O'Neil-Smith"
