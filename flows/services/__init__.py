"""The school services, one file each: every module here declares one service as ``SPEC``.

``load_catalog()`` imports every module of this package, checks its ``SPEC`` (a ServiceSpec,
flows/spec.py) and registers it in the domain's catalog (backend.catalog), from which the school
configuration, documents and fees read what they need. A program calls it once when it starts
(bot/runtime.py, bot/cli.py, tests/conftest.py); a spec that cannot work stops the start with a
message naming its module. Code shared by several services lives outside this package
(flows/common.py): whatever is here is a service, so none can be silently left out.

``ALL_FLOWS`` is every service as the demo school configures it (backend.demo): what the
diagrams show and the conversation tests talk to.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import ModuleType
from typing import Any

from backend.catalog import CATALOG, CatalogError
from backend.demo import DEMO_SETTINGS
from backend.school_config import SchoolConfig, parse_school_config
from flows.flow import Flow
from flows.spec import ServiceSpec

# Document types of the domain itself, which no service issues, register when imported.
DOMAIN_DOCUMENT_MODULES = ("backend.fees.receipts",)


def service_module_names() -> list[str]:
    """Every module in this package, each of which must be a service."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__, prefix=f"{__name__}."))


def load_spec(module_name: str) -> ServiceSpec:
    """Import a service module and return its SPEC, checked to be one service named as its file."""
    try:
        module = importlib.import_module(module_name)
    except CatalogError:
        raise
    except Exception as error:  # a spec missing a part fails as it is made, at import
        raise CatalogError(f"{module_name}: {type(error).__name__}: {error}") from error
    return spec_of(module)


def spec_of(module: ModuleType) -> ServiceSpec:
    spec = getattr(module, "SPEC", None)
    if not isinstance(spec, ServiceSpec):
        raise CatalogError(
            f"{module.__name__}: no SPEC = ServiceSpec(...); every module in flows/services is a "
            "service (code shared by several services goes in flows/common.py)")
    if spec.id != module.__name__.rpartition(".")[2]:
        raise CatalogError(f"{module.__name__}: SPEC.id is {spec.id!r}; a service's module is named by its id")
    return spec


def load_catalog() -> None:
    """Register every service of this package in the domain's catalog, checked; once per process."""
    if CATALOG.loaded:
        return
    for name in DOMAIN_DOCUMENT_MODULES:
        importlib.import_module(name)
    declared = [(load_spec(name), name) for name in service_module_names()]
    _check_order(declared, [spec for spec, _ in declared])
    for spec, name in sorted(declared, key=lambda pair: pair[0].menu_position):
        CATALOG.add_service(spec, declared_in=name)
    CATALOG.mark_loaded()
    _check_flows(declared)


def register(spec: ServiceSpec, *, declared_in: str) -> None:
    """Add one more service after load_catalog() (a test's throwaway service), checked the same way."""
    _check_order([(spec, declared_in)], specs())
    CATALOG.add_service(spec, declared_in=declared_in)
    _check_flows([(spec, declared_in)])


def _check_order(new: Sequence[tuple[ServiceSpec, str]], known: Iterable[ServiceSpec]) -> None:
    """Menu places and the order words are tried in must be unambiguous."""
    for spec, declared_in in new:
        clashes = []
        for other in known:
            if other is spec:
                continue
            if other.menu_position == spec.menu_position:
                clashes.append(f"menu_position {spec.menu_position} is also {other.id}'s")
            if other.routing_priority == spec.routing_priority:
                clashes.append(f"routing_priority {spec.routing_priority} is also {other.id}'s: "
                               "say which is tried first")
        if clashes:
            raise CatalogError(f"{declared_in}: " + "; ".join(clashes))


def _check_flows(new: Sequence[tuple[ServiceSpec, str]]) -> None:
    """Build each new service's flow as the demo school has it: it must carry the service's id
    and a number prefix of its own (request numbers tell services apart by it)."""
    config = demo_config()
    new_ids = {spec.id for spec, _ in new}
    prefixes = {spec.flow_for(config).number_prefix: spec.id for spec in specs() if spec.id not in new_ids}
    for spec, declared_in in new:
        try:
            flow = spec.flow_for(config)
        except Exception as error:
            raise CatalogError(
                f"{declared_in}: its flow cannot be built: {type(error).__name__}: {error}") from error
        if flow.id != spec.id:
            raise CatalogError(f"{declared_in}: the flow's id {flow.id!r} differs from SPEC.id {spec.id!r}")
        if flow.number_prefix in prefixes:
            raise CatalogError(f"{declared_in}: number_prefix {flow.number_prefix!r} is also "
                               f"{prefixes[flow.number_prefix]}'s")
        prefixes[flow.number_prefix] = spec.id


def specs() -> tuple[ServiceSpec, ...]:
    """Every registered service, in menu order."""
    return tuple(rules for rules in CATALOG.services() if isinstance(rules, ServiceSpec))


def service_spec(service_id: str) -> ServiceSpec:
    """The service's spec; KeyError for an id no service declares."""
    rules = CATALOG.service(service_id)
    if not isinstance(rules, ServiceSpec):
        raise KeyError(service_id)
    return rules


def demo_config() -> SchoolConfig:
    return parse_school_config(DEMO_SETTINGS)


class _DemoFlows(Mapping[str, Flow]):
    """Every service's flow as the demo school configures it; built again when the catalog changes."""

    def __init__(self) -> None:
        self._version = -1
        self._flows: dict[str, Flow] = {}

    def _current(self) -> dict[str, Flow]:
        if self._version != CATALOG.version:
            config = demo_config()
            self._flows = {spec.id: spec.flow_for(config) for spec in specs()}
            self._version = CATALOG.version
        return self._flows

    def __getitem__(self, service_id: str) -> Flow:
        return self._current()[service_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._current())

    def __len__(self) -> int:
        return len(self._current())


ALL_FLOWS: Mapping[str, Flow] = _DemoFlows()


def title_of(service: str) -> str:
    """A service's title for cards and messages (its id when no service of that id exists now)."""
    flow = ALL_FLOWS.get(service)
    return flow.title if flow else service


def __getattr__(name: str) -> Any:
    if name == "SAMPLE_CONFIG":  # the demo school's configuration, which ALL_FLOWS is built for
        return demo_config()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
