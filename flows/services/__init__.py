"""The school services, one small file each.

A service file exports ``FLOW`` (the same for every school) or ``build(config) -> Flow`` (when
its questions depend on the school's configuration, e.g. its venues), and optionally
``offered(config) -> bool`` when a school's configuration can leave it nothing to offer.
``BUILDERS`` and ``OFFERED`` list them by service id. ``ALL_FLOWS`` is every service as the demo
school configures it (backend.demo): what the diagrams show and the conversation tests talk to.
"""

from __future__ import annotations

from collections.abc import Callable

from backend.demo import DEMO_SETTINGS
from backend.school_config import SchoolConfig, parse_school_config
from flows.flow import Flow
from flows.services import (
    admission,
    credit_transfer,
    grade1_entry,
    replacement_documents,
    transfer_in,
    transfer_out,
    venue_booking,
    withdrawal,
)

_MODULES = (
    admission,
    transfer_in,
    transfer_out,
    grade1_entry,
    withdrawal,
    credit_transfer,
    replacement_documents,
    venue_booking,
)


def _service_id(module) -> str:
    return module.SERVICE_ID if hasattr(module, "SERVICE_ID") else module.FLOW.id


def _builder(module) -> Callable[[SchoolConfig], Flow]:
    if hasattr(module, "build"):
        return module.build
    return lambda config: module.FLOW


def _always(config: SchoolConfig) -> bool:
    return True


BUILDERS: dict[str, Callable[[SchoolConfig], Flow]] = {
    _service_id(module): _builder(module) for module in _MODULES
}
OFFERED: dict[str, Callable[[SchoolConfig], bool]] = {
    _service_id(module): getattr(module, "offered", _always) for module in _MODULES
}
SAMPLE_CONFIG = parse_school_config(DEMO_SETTINGS)
ALL_FLOWS: dict[str, Flow] = {
    service_id: build(SAMPLE_CONFIG) for service_id, build in BUILDERS.items()
}
