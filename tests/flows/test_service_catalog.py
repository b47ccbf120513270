"""One spec per service (flows/services/<id>.py), registered in the domain's catalog at start: no
service file can be silently left out, every part of the program knows the same services, and a
spec missing a part stops the start with a message naming its module and the part."""

from __future__ import annotations

import importlib
import sys
from decimal import Decimal

import pytest

import flows.services
from backend.applications.models import Application
from backend.catalog import CATALOG, Catalog, CatalogError, CatalogNotLoaded
from backend.demo import DEMO_SETTINGS
from backend.documents.from_applications import staff_fields
from backend.documents.types import spec_for
from backend.fees.schedule import quote
from backend.school_config import SchoolConfigError, parse_school_config
from flows.intents import match_service
from flows.registry import flows_for
from flows.services import ALL_FLOWS, load_spec, register, service_module_names, specs


def test_every_module_in_flows_services_is_a_registered_service():
    modules = [name.rpartition(".")[2] for name in service_module_names()]
    assert modules and sorted(CATALOG.service_ids()) == sorted(modules)


def test_the_catalog_is_what_the_school_configuration_accepts():
    everything = {service_id: {"enabled": True} for service_id in CATALOG.service_ids()}
    config = parse_school_config({"services": everything})
    assert config.enabled_services() == list(CATALOG.service_ids())
    with pytest.raises(SchoolConfigError, match="unknown service ids"):
        parse_school_config({"services": {"library_card": {}}})
    for spec in specs():
        assert config.service(spec.id).time_limit_days == spec.time_limit_days
        assert config.service(spec.id).approvers == list(spec.approvers)


def test_a_school_still_sets_its_own_time_limits_and_approvers():
    config = parse_school_config(DEMO_SETTINGS)
    assert config.service("venue_booking").approvers == ["director"]
    assert config.service("transfer_out").approvers == ["registrar"]
    custom = parse_school_config({"services": {"transfer_out": {"time_limit_days": 3}}})
    assert custom.service("transfer_out").time_limit_days == 3


def test_the_catalog_is_what_the_documents_the_flows_and_the_router_know():
    issued = {spec.document.type.id for spec in specs() if spec.document is not None}
    assert set(CATALOG.document_ids()) == issued | {"receipt"}
    for spec in specs():
        if spec.document is not None:
            assert spec_for(spec.document.type.id) is spec.document.type
            assert spec.document.type.template_path.is_file()
            assert staff_fields(spec.id)[: len(spec.document.staff_fields)] == list(spec.document.staff_fields)
    assert list(ALL_FLOWS) == list(CATALOG.service_ids())
    assert set(flows_for(parse_school_config(DEMO_SETTINGS))) == set(CATALOG.service_ids())
    for spec in specs():
        assert match_service(spec.flow_for(parse_school_config(DEMO_SETTINGS)).menu_label) in (spec.id, None)


def test_every_service_charges_under_its_own_fee_code():
    codes = [spec.fee.code for spec in specs()]
    assert len(set(codes)) == len(codes)
    for spec in specs():
        # A free service refuses a fee (test_rules_data), and so does OBEC's own (tests/rules).
        if spec.fee.compute is None and not spec.free_by and "obec" not in spec.approvers:
            config = parse_school_config({"services": {spec.id: {"fee": "10"}}})
            application = Application(service=spec.id, answers={})
            charged = quote(application, config)
            assert (charged.amount, charged.fee_code) == (Decimal("10.00"), spec.fee.code)


def test_reading_the_catalog_before_it_is_loaded_says_what_to_call():
    with pytest.raises(CatalogNotLoaded, match=r"flows\.services\.load_catalog\(\)"):
        Catalog().service_ids()


# -- a spec that cannot work stops the start ---------------------------------------------------

VALID = '''
from pathlib import Path

from backend.catalog import DocumentType, FeeRule, ServiceDocument
from flows import kinds
from flows.flow import Flow, Step
from flows.spec import ServiceSpec

FLOW = Flow(id="trial", title="ทดลอง", menu_label="ทดลอง", number_prefix="ZZ", version=1,
            steps=[Step("requester_name", "ชื่อค่ะ", kinds.person_name(), label="ชื่อ")],
            next_steps="รอผลค่ะ")
SPEC = ServiceSpec(
    id="trial",
    flow=FLOW,
    menu_position=99,
    time_limit_days=5,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(id="trial_letter", title_th="หนังสือทดลอง", required=("subject_name",),
                          download_name="trial.pdf", short_title="ทดลอง",
                          template=Path(__file__).with_name("trial_letter.html")),
        make_data=lambda answers, application, config, given: {"subject_name": "ทดลอง"},
    ),
    fee=FeeRule(code="TRY"),
    routing_words=(r"ทดลอง",),
    routing_priority=99,
)
'''
MODULE = "flows.services.trial"


@pytest.fixture
def write_service(tmp_path, monkeypatch):
    """Writes flows/services/trial.py (in a folder added to the package for one test)."""
    monkeypatch.setattr(flows.services, "__path__", [*flows.services.__path__, str(tmp_path)])
    (tmp_path / "trial_letter.html").write_text('{% extends "base.html" %}', encoding="utf-8")

    def write(source: str) -> str:
        (tmp_path / "trial.py").write_text(source, encoding="utf-8")
        importlib.invalidate_caches()
        return MODULE

    with CATALOG.scope():
        yield write
    sys.modules.pop(MODULE, None)
    vars(flows.services).pop("trial", None)


def test_a_complete_spec_is_found_and_registered(write_service):
    module = write_service(VALID)
    assert module in service_module_names()
    register(load_spec(module), declared_in=module)
    assert CATALOG.service("trial").document.type.id == "trial_letter"
    assert match_service("ขอทดลองค่ะ") == "trial"


@pytest.mark.parametrize(("change", "message"), [
    (("SPEC = ServiceSpec(", "OTHER = ServiceSpec("), "no SPEC = ServiceSpec"),
    (("    time_limit_days=5,\n", ""), "missing 1 required keyword-only argument: 'time_limit_days'"),
    (("    fee=FeeRule(code=\"TRY\"),\n", ""), "'fee'"),
    (("    id=\"trial\",\n", "    id=\"other\",\n"), "SPEC.id is 'other'"),
])
def test_a_module_that_is_not_a_whole_service_fails_naming_itself(write_service, change, message):
    module = write_service(VALID.replace(*change))
    with pytest.raises(CatalogError) as failed:
        load_spec(module)
    assert str(failed.value).startswith(f"{MODULE}: ") and message in str(failed.value)


@pytest.mark.parametrize(("change", "message"), [
    (("    flow=FLOW,\n", ""), "give flow= (the same for every school) or build="),
    (("time_limit_days=5", "time_limit_days=0"), "time_limit_days 0 must be working days"),
    (('approvers=("registrar",)', 'approvers=("principal",)'), "approvers ['principal'] must be staff roles"),
    (('with_name("trial_letter.html")', 'with_name("missing.html")'), "missing.html does not exist"),
    (('required=("subject_name",)', 'required=("name",)'), "required must list 'subject_name'"),
    (('download_name="trial.pdf"', 'download_name="ทดลอง.pdf"'), "must be an ASCII .pdf name"),
    (('fee=FeeRule(code="TRY")', 'fee=FeeRule(code="RD")'),
     "fee code 'RD' is already the code of replacement_documents"),
    (("routing_priority=99", "routing_priority=10"), "routing_priority 10 is also replacement_documents's"),
    (("menu_position=99", "menu_position=10"), "menu_position 10 is also admission's"),
    (('number_prefix="ZZ"', 'number_prefix="TO"'), "number_prefix 'TO' is also transfer_out's"),
    (('id="trial_letter"', 'id="receipt"'), "document id 'receipt' is already registered"),
    (('routing_words=(r"ทดลอง",)', 'routing_words=(r"ทดลอง(",)'), "is not a regular expression"),
])
def test_a_spec_missing_a_part_stops_the_start_naming_its_module_and_the_part(write_service, change, message):
    module = write_service(VALID.replace(*change))
    with pytest.raises(CatalogError) as failed:
        register(load_spec(module), declared_in=module)
    assert str(failed.value).startswith(f"{MODULE}: ") and message in str(failed.value)

