"""README's service table lists every e-service of the source with its state, and no service this
program registers is missing from it (flows/service_table.py)."""

from __future__ import annotations

from pathlib import Path

from backend.catalog import CATALOG
from flows.service_table import NOT_YET, SOURCE_SERVICES, WORKS, state_of, table

README = Path(__file__).resolve().parents[2] / "README.md"
REGENERATE = "replace README's service table with the output of `.venv/bin/python -m flows.service_table`"


def test_the_readme_carries_the_service_table_as_the_catalog_makes_it():
    assert table() in README.read_text(encoding="utf-8"), REGENERATE


def test_every_registered_service_has_a_row_of_the_source():
    listed = {row.service_id for row in SOURCE_SERVICES}
    assert set(CATALOG.service_ids()) <= listed, "a service with no row in flows/service_table.py"


def test_the_source_lists_are_all_there_and_the_states_say_what_works():
    by_level: dict[str, int] = {}
    for row in SOURCE_SERVICES:
        by_level[row.level.name] = by_level.get(row.level.name, 0) + 1
    # The source: 8 school services, 6 and 6 special-education ones, 11 at a district office
    # (two for its civil servants), 9 at OBEC.
    assert sorted(by_level.values()) == sorted([8, 6, 6, 9, 2, 9])
    states = {(row.level.name, row.number): state_of(row) for row in SOURCE_SERVICES}
    assert states[("school", 6)] == WORKS  # credit transfer at an ordinary school
    assert all(state == WORKS for (level, _), state in states.items() if level.startswith("special"))
    assert states[("OBEC (สพฐ.)", 1)] == NOT_YET


def test_a_row_for_a_type_that_does_not_offer_the_service_does_not_work():
    from dataclasses import replace

    from flows.service_table import SPECIAL_CENTRE, SourceService

    row = SourceService(SPECIAL_CENTRE, 99, "การขอเทียบโอนผลการเรียน", "credit_transfer")
    assert state_of(row) == NOT_YET
    assert state_of(replace(row, service_id="venue_booking")) == WORKS
