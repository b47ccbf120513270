"""The flows a school offers: its enabled services, with its own document rules applied."""

from __future__ import annotations

import dataclasses

from backend.catalog import CATALOG
from backend.school_config import DocumentRule, SchoolConfig, SchoolConfigError
from backend.welfare import is_civil_servant_service
from flows import prompts
from flows.civil_servants import MemberCheck, members_only
from flows.flow import Flow, FlowDefinitionError
from flows.services import service_spec, title_of

_cache: dict[tuple[int, str], dict[str, Flow]] = {}


def apply_document_rules(flow: Flow, rules: dict[str, DocumentRule]) -> Flow:
    """Leave out documents the school does not ask for; make optional those it does not need."""
    if not rules:
        return flow
    documents = {step.id for step in flow.steps if step.is_document}
    unknown = sorted(set(rules) - documents)
    if unknown:
        raise SchoolConfigError(
            f"services.{flow.id}.documents: unknown documents {unknown}; this service asks for {sorted(documents)}")
    steps = []
    for step in flow.steps:
        rule = rules.get(step.id)
        if rule is None:
            steps.append(step)
        elif rule.ask:
            steps.append(dataclasses.replace(step, required=rule.required))
    try:
        return flow.with_steps(steps)
    except FlowDefinitionError as error:
        raise SchoolConfigError(f"services.{flow.id}.documents: {error}") from None


def flows_for(config: SchoolConfig) -> dict[str, Flow]:
    """Built once per distinct configuration (and catalog): flows are checked when built, which
    takes a moment."""
    key = (CATALOG.version, config.model_dump_json())
    flows = _cache.get(key)
    if flows is None:
        flows = {}
        for service_id in config.enabled_services():
            spec = service_spec(service_id)
            if spec.offered(config):
                rules = config.service(service_id).documents
                flows[service_id] = apply_document_rules(spec.flow_for(config), rules)
        _cache[key] = flows
    return flows


def withheld_for(config: SchoolConfig) -> dict[str, str]:
    """What the engine tells a parent asking for a service the school's type does not offer."""
    return {service_id: prompts.NOT_OFFERED_BY_TYPE.format(school_type=config.school_type.label_th,
                                                          title=title_of(service_id))
            for service_id in CATALOG.service_ids() if not config.type_offers(service_id)}


def members_only_for(config: SchoolConfig) -> dict[str, MemberCheck]:
    """The services in the school's engine that only the district's civil servants may start, kept
    out of the parents' menu (flows/civil_servants.py)."""
    return {service_id: members_only(flow.title) for service_id, flow in flows_for(config).items()
            if is_civil_servant_service(service_id)}
