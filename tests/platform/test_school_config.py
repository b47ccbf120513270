"""A school's configuration: defaults for everything, and clear refusals that name the field."""

from decimal import Decimal

import pytest

from backend.catalog import CATALOG
from backend.demo import DEMO_SETTINGS
from backend.school_config import SchoolConfigError, parse_school_config


def test_an_empty_configuration_offers_every_service_with_default_time_limits():
    config = parse_school_config({})
    assert config.enabled_services() == list(CATALOG.service_ids())
    assert config.service("transfer_out").time_limit_days == 1
    assert config.service("credit_transfer").time_limit_days == 30


def test_the_demo_school_configuration_is_valid_and_has_priced_venues():
    config = parse_school_config(DEMO_SETTINGS)
    assert config.venues and all(v.fee_per_day >= 0 for v in config.venues)
    assert config.service("replacement_documents").fee == Decimal("50.00")


def test_a_school_can_switch_a_service_off_and_set_its_own_time_limit():
    config = parse_school_config({"services": {"credit_transfer": {"enabled": False},
                                               "admission": {"time_limit_days": 3}}})
    assert "credit_transfer" not in config.enabled_services()
    assert config.service("admission").time_limit_days == 3


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"services": {"adoption": {}}}, "services"),
        ({"services": {"admission": {"fee": "-5"}}}, "services.admission.fee"),
        ({"services": {"admission": {"fee": "1.005"}}}, "services.admission.fee"),
        ({"services": {"admission": {"fee_due": "whenever"}}}, "services.admission.fee_due"),
        ({"venues": [{"id": "Hall 1", "name": "หอประชุม"}]}, "venues.0.id"),
        ({"venues": [{"id": "hall", "name": "ก"}, {"id": "hall", "name": "ข"}]}, "venues"),
        ({"academic_year": 2024}, "academic_year"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_unusable_values_are_refused_naming_the_field(data, field):
    with pytest.raises(SchoolConfigError) as raised:
        parse_school_config(data)
    assert str(raised.value).startswith(field)
