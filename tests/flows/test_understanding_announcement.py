"""The second frozen table (tests/data/understanding_announcement.toml, issue 13): asking about the
admission announcement reaches the card, in the words parents type, and asking to apply still
starts the service. docs/understanding.md has the accuracy before and after."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from flows.router import Destination, route
from flows.services import ALL_FLOWS, load_catalog
from flows.understanding import first_message_answers

TABLE = Path(__file__).parents[1] / "data" / "understanding_announcement.toml"
REQUIRED_ACCURACY = 0.95


def _where(text: str, today: dt.date) -> str:
    routed = route(text)
    if routed.to is Destination.ADMISSION_ANNOUNCEMENT:
        return "announcement"
    if routed.to is not Destination.SERVICE or routed.service is None:
        return routed.to.value
    answers = first_message_answers(ALL_FLOWS[routed.service], text, today)
    return " ".join([routed.service, *(f"{key}={value}" for key, value in sorted(answers.items()))])


def score() -> tuple[int, int, list[str]]:
    load_catalog()
    with TABLE.open("rb") as file:
        table = tomllib.load(file)
    today = dt.date.fromisoformat(table["today"])
    rows = [row for group in table["messages"] for row in group["rows"]]
    wrong = [f"{text!r} → {got!r}, expected {expected!r}" for text, expected in rows
             if (got := _where(text, today)) != expected]
    return len(rows) - len(wrong), len(rows), wrong


def test_asking_about_the_announcement_is_understood():
    right, total, wrong = score()
    assert total >= 20
    assert right / total >= REQUIRED_ACCURACY, f"{right}/{total}; not understood:\n" + "\n".join(wrong)


@pytest.mark.parametrize("text", ["ประกาศรับสมัคร", "รับสมัครเมื่อไหร่คะ"])
def test_the_announcement_is_answered_in_the_middle_of_a_request_too(text):
    load_catalog()
    assert route(text, at_summary=True).to is Destination.ADMISSION_ANNOUNCEMENT
