"""Fixtures of the admission round's tests (tests/admission_round/round_world.py)."""

from tests.admission_round.round_world import world  # noqa: F401 - the fixture
