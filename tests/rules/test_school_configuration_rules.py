"""A school's configuration may tighten a rule where the source allows, never loosen it: no fee on a
service that must be free, grades in order, closures that make sense."""

from __future__ import annotations

import pytest

from backend.school_config import SchoolConfigError, parse_school_config
from backend.thai.grades import Grade
from flows.services import specs

FREE = ("admission", "transfer_in", "transfer_out", "withdrawal", "grade1_entry", "no_school_place", "home_school")
# Free as a civil servant's entitlement, not by s.54 (docs/rules.md, "Welfare claims of civil servants").
ENTITLEMENTS = ("welfare_claim", "pension")


@pytest.mark.parametrize("service", FREE)
def test_a_fee_on_a_service_that_must_be_free_is_refused_naming_the_rule(service: str) -> None:
    with pytest.raises(SchoolConfigError) as refused:
        parse_school_config({"services": {service: {"fee": "50"}}})
    message = str(refused.value)
    assert f"{service}.fee" in message and "must be free" in message
    assert "s.54" in message and "docs/rules.md" in message


@pytest.mark.parametrize("service", FREE)
def test_no_fee_or_a_zero_fee_is_fine(service: str) -> None:
    assert parse_school_config({"services": {service: {"fee": "0"}}}).service(service).fee == 0
    assert parse_school_config({"services": {service: {"enabled": False}}}).service(service).fee is None


@pytest.mark.parametrize("service", ["qualification_equivalence", "thai_competency_test",
                                     "learning_media_producer", "learning_media_permit", "learning_centre_obec"])
def test_a_school_may_not_charge_for_obecs_own_service(service: str) -> None:
    with pytest.raises(SchoolConfigError, match="OBEC's own service"):
        parse_school_config({"services": {service: {"fee": "50"}}})


def test_services_that_may_charge_still_can() -> None:
    free = {spec.id for spec in specs() if spec.free_by}
    assert free == {*FREE, *ENTITLEMENTS}
    config = parse_school_config({"services": {"replacement_documents": {"fee": "50"}}})
    assert config.service("replacement_documents").fee == 50


def test_the_grades_a_school_teaches() -> None:
    assert parse_school_config({}).grades.teaches(Grade.K2)
    assert not parse_school_config({}).grades.teaches(Grade.K1)  # อ.1 only where allowed
    primary = parse_school_config({"grades": {"lowest": "k1", "highest": "p6"}}).grades
    assert primary.teaches(Grade.K1) and not primary.teaches(Grade.M1)
    with pytest.raises(SchoolConfigError, match="lowest grade comes after the highest"):
        parse_school_config({"grades": {"lowest": "m1", "highest": "p6"}})
    with pytest.raises(SchoolConfigError, match=r"grades\.lowest"):
        parse_school_config({"grades": {"lowest": "p7"}})


def test_closures_must_make_sense() -> None:
    with pytest.raises(SchoolConfigError, match="last_day is before first_day"):
        parse_school_config({"closures": [{"first_day": "2026-12-03", "last_day": "2026-12-01",
                                           "reason": "ปิดซ่อม"}]})
    with pytest.raises(SchoolConfigError, match="reason"):
        parse_school_config({"closures": [{"first_day": "2026-12-03"}]})


def test_every_service_names_its_source_in_docs_rules() -> None:
    from pathlib import Path

    rules = (Path(__file__).resolve().parents[2] / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {line.lstrip("#").strip().lower().replace(" ", "-")
               for line in rules.splitlines() if line.startswith("#")}
    for spec in specs():
        assert spec.source.startswith("docs/rules.md#"), spec.id
        anchor = spec.source.split("#", 1)[1].split(":", 1)[0]
        assert anchor in anchors, f"{spec.id}: no heading for #{anchor} in docs/rules.md"


@pytest.mark.parametrize("service", ENTITLEMENTS)
@pytest.mark.parametrize("setting", [{"enabled": False}, {"time_limit_days": 60}, {"approvers": ["registrar"]}])
def test_a_school_may_not_switch_off_or_change_the_districts_civil_servant_services(service, setting) -> None:
    """They are the district's (its finance staff decide), not the school's: docs/rules.md,
    "Welfare claims of civil servants"."""
    with pytest.raises(SchoolConfigError) as refused:
        parse_school_config({"services": {service: setting}})
    assert service in str(refused.value) and "may not switch it off" in str(refused.value)
    # Left alone (or an empty entry), the service stays on for the school's civil servants.
    assert parse_school_config({"services": {service: {}}}).service(service).enabled
    assert service in {s.id for s in specs()}
