"""A module imported on its first use rather than when the importing module loads.

For heavy libraries that a process may never need: `schoolbot serve` should answer /readyz within
two seconds (docs/performance.md, "Start-up"), and most of its cold start was importing them.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for a module and imports it at the first attribute access. Type checkers see the real
    module when it is imported under `if TYPE_CHECKING:` and bound to this at run time only."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)



_FREEZING = {"enabled": False}


def enable_start_up_freeze() -> None:
    """For the entry points of long-lived processes (`schoolbot serve`, `schoolbot worker`): a test
    process builds many apps one after another and must not keep their garbage."""
    _FREEZING["enabled"] = True


def freeze_start_up_objects() -> None:
    """Move everything made so far (modules, mapped classes, routes, pydantic models, compiled
    statements: about 280,000 objects the collector tracks in a web process) out of the cyclic
    garbage collector's way, in a process whose entry point enabled it. They live as long as the
    process, yet every full collection walked all of them again (hundreds of milliseconds of CPU with
    the event loop stopped); after this, a full collection walks only what was made since. Called
    once start-up is done, and again after a late bulk import (the LINE SDK). Cyclic garbage made
    before the call is kept (a collection first would cost a full walk at start-up for a few objects)."""
    if _FREEZING["enabled"]:
        import gc

        gc.freeze()
