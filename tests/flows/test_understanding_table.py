"""The frozen held-out table of free answers and dates (tests/data/understanding.toml): the bot
must understand at least 95 % of them. docs/understanding.md has the accuracy before and after.

Each answer row is read the way the engine reads a typed reply at that step (the flow's reader:
the kind, the step's phrasings and the earlier answers); each intent row the way the engine reads
a first message with no request open (the router, then what the message already answers).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

from backend.thai.errors import ThaiInputError
from flows.kinds import Reply
from flows.router import Destination, route
from flows.services import ALL_FLOWS

TABLE = Path(__file__).parents[1] / "data" / "understanding.toml"
ASK_BACK = "?"
REQUIRED_ACCURACY = 0.95


def _load() -> dict[str, Any]:
    with TABLE.open("rb") as file:
        return tomllib.load(file)


def _read_answer(service: str, step_id: str, text: str, given: dict[str, Any], today: dt.date) -> str:
    flow = ALL_FLOWS[service]
    step = flow.step(step_id)
    assert step is not None, f"{service} has no step {step_id}"
    reader = getattr(flow, "read", None)
    try:
        if reader is not None:
            value = reader(step, Reply(text=text), given, today)
        else:  # before the matcher existed (the baseline in docs/understanding.md)
            value = step.kind.parse(Reply(text=text), today)
    except ThaiInputError:
        return ASK_BACK
    return str(value)


def _read_intent(text: str, today: dt.date) -> tuple[str | None, dict[str, Any]]:
    routed = route(text)
    if routed.to is not Destination.SERVICE or routed.service is None:
        return None, {}
    try:
        from flows.understanding import first_message_answers
    except ImportError:  # before "say it once" existed
        return routed.service, {}
    return routed.service, first_message_answers(ALL_FLOWS[routed.service], text, today)


def score() -> tuple[int, int, list[str]]:
    table = _load()
    today = dt.date.fromisoformat(table["today"])
    right, total, wrong = 0, 0, []
    for group in table["answers"]:
        for text, expected in group["rows"]:
            total += 1
            got = _read_answer(group["service"], group["step"], text, group.get("given", {}), today)
            if got == expected:
                right += 1
            else:
                wrong.append(f"{group['service']}.{group['step']}: {text!r} → {got!r}, expected {expected!r}")
    for row in table["intents"]:
        total += 1
        service, answers = _read_intent(row["text"], today)
        shown = {key: str(value) for key, value in answers.items()}
        if service == row["service"] and shown == row["answers"]:
            right += 1
        else:
            wrong.append(f"intent {row['text']!r} → {service} {shown}, expected {row['service']} {row['answers']}")
    return right, total, wrong


def test_the_table_is_large_enough_to_mean_something() -> None:
    table = _load()
    assert sum(len(group["rows"]) for group in table["answers"]) + len(table["intents"]) >= 150


def test_free_answers_and_dates_are_understood() -> None:
    right, total, wrong = score()
    accuracy = right / total
    assert accuracy >= REQUIRED_ACCURACY, (
        f"{right}/{total} = {accuracy:.1%} understood; not understood:\n" + "\n".join(wrong)
    )
