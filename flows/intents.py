"""Which school service a parent's free text asks for, by keyword rules (no ML).

Each service's words are declared in its spec (flows/services/<id>.py, ``routing_words``). The
first service whose words match wins, in ``routing_priority`` order, so the specific words come
before the broad ones ("ย้ายออก" before "ย้าย…ไป", "ขอใบแทน ปพ.1" before anything about grades).
Patterns run on the compact text (backend/thai/normalise.py: no spaces, Thai digits as 0-9,
Latin in lower case) with dots removed.
"""

from __future__ import annotations

import re

from backend.catalog import CATALOG
from backend.thai.normalise import compact
from flows.services import specs

# One expression per service (its patterns as alternatives): the same matches, one search each.
# Compiled again when the catalog changes.
_compiled: tuple[int, tuple[tuple[str, re.Pattern[str]], ...]] = (-1, ())


def _rules() -> tuple[tuple[str, re.Pattern[str]], ...]:
    global _compiled
    version, rules = _compiled
    if version != CATALOG.version:
        ordered = sorted(specs(), key=lambda spec: spec.routing_priority)
        rules = tuple((spec.id, re.compile("|".join(f"(?:{word})" for word in spec.routing_words)))
                      for spec in ordered)
        _compiled = (CATALOG.version, rules)
    return rules


def match_service(text: str) -> str | None:
    """The service id the text asks for, or None when no rule matches."""
    searched = compact(text).replace(".", "")
    for service, pattern in _rules():
        if pattern.search(searched):
            return service
    return None
