"""ServiceSpec: everything one school service is, declared once as ``SPEC`` in flows/services/<id>.py.

The domain's part of a spec (time limit, approval chain, document, fee rule: ``ServiceRules``)
is what backend code reads from the catalog; the rest is the conversation: its flow, when a
school offers it, where it sits in the menu and which words a parent types to ask for it.
docs/adding-a-service.md walks through writing one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from backend.catalog import ServiceRules
from backend.school_config import SchoolConfig
from flows.flow import Flow


def always_offered(config: SchoolConfig) -> bool:
    return True


@dataclass(frozen=True, kw_only=True)
class ServiceSpec(ServiceRules):
    """A service: its rules for the domain (inherited) and its conversation."""

    # The conversation: ``flow`` when it is the same for every school, or ``build`` when its
    # questions depend on the school's configuration (its venues, its academic year).
    flow: Flow | None = None
    build: Callable[[SchoolConfig], Flow] | None = None
    # False when a school's configuration leaves the service nothing to offer (no venues listed).
    offered: Callable[[SchoolConfig], bool] = always_offered
    # Place in the service menu: lower first.
    menu_position: int
    # What a parent types to ask for it: regular expressions searched in the text with spaces and
    # dots removed. Services are tried by routing_priority, lower first, so a service with
    # specific words ("ย้ายออก") goes before one with broad words ("ย้าย…ไป", "สมัคร").
    routing_words: tuple[str, ...]
    routing_priority: int

    def flow_for(self, config: SchoolConfig) -> Flow:
        """The service's conversation as this school configures it."""
        if self.build is not None:
            return self.build(config)
        assert self.flow is not None, "checked by problems()"
        return self.flow

    def problems(self) -> list[str]:
        found = super().problems()
        if (self.flow is None) == (self.build is None):
            found.append("give flow= (the same for every school) or build= (a function of the school's "
                         "configuration), one of them")
        elif self.flow is not None and self.flow.id != self.id:
            found.append(f"flow id {self.flow.id!r} differs from the service id {self.id!r}")
        if not self.routing_words:
            found.append("routing_words is empty: a parent could not ask for the service in words")
        for pattern in self.routing_words:
            try:
                re.compile(pattern)
            except re.error as error:
                found.append(f"routing word {pattern!r} is not a regular expression: {error}")
        return found
