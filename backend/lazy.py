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
