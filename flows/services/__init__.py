"""The school services, one small file each.

A service file exports ``FLOW`` (the same for every school) or ``build(config) -> Flow`` (when
its questions depend on the school's configuration, e.g. its venues). ``BUILDERS`` lists them
by service id; ``ALL_FLOWS`` are the static ones with no school configuration applied.
"""

from __future__ import annotations

from collections.abc import Callable

from backend.school_config import SchoolConfig
from flows.flow import Flow
from flows.services import admission, grade1_entry, transfer_in, transfer_out, withdrawal

_MODULES = (admission, transfer_in, transfer_out, grade1_entry, withdrawal)


def _builder(module) -> Callable[[SchoolConfig], Flow]:
    if hasattr(module, "build"):
        return module.build
    return lambda config: module.FLOW


BUILDERS: dict[str, Callable[[SchoolConfig], Flow]] = {
    module.SERVICE_ID if hasattr(module, "SERVICE_ID") else module.FLOW.id: _builder(module)
    for module in _MODULES
}
ALL_FLOWS: dict[str, Flow] = {m.FLOW.id: m.FLOW for m in _MODULES if hasattr(m, "FLOW")}
