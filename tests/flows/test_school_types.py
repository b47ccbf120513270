"""A school's type sets exactly which services its parents see: in the configuration, the service
menu's flows, the rich menu's tiles and free-text routing (docs/rules.md, "Services by type of
school")."""

from __future__ import annotations

import pytest

from backend.demo import DEMO_SETTINGS
from backend.organisations import SchoolType
from backend.school_config import SchoolConfigError, parse_school_config
from flows.registry import flows_for, members_only_for, withheld_for
from flows.router import Destination, route
from richmenus.menus import parents_menu

EVERY = {"admission", "transfer_in", "transfer_out", "grade1_entry", "withdrawal", "credit_transfer",
         "replacement_documents", "venue_booking", "no_school_place", "home_school", "learning_centre"}
# A district's civil servants' services (welfare claims, pension): in every school's chat, for
# them only, never in the parents' menu (flows/civil_servants.py).
CIVIL_SERVANTS = {"welfare_claim", "pension"}
# The source's lists (the document this product answers: "ระดับสถานศึกษา" and the two lists of
# สำนักบริหารงานการศึกษาพิเศษ).
EXPECTED = {
    SchoolType.ORDINARY: EVERY,
    SchoolType.WELFARE: {"admission", "transfer_in", "transfer_out", "withdrawal", "replacement_documents",
                         "venue_booking"},
    SchoolType.DISABILITY: {"admission", "transfer_in", "transfer_out", "withdrawal", "replacement_documents",
                            "venue_booking"},
    SchoolType.SPECIAL_CENTRE: {"admission", "transfer_in", "transfer_out", "withdrawal", "venue_booking",
                                "grade1_entry"},
}


# OBEC's own services, for people who are not parents, reach OBEC through any school's chat
# (docs/rules.md, "OBEC's own services"); they are not in the parents' menu.
OBECS = {"qualification_equivalence", "thai_competency_test", "learning_media_producer", "learning_media_permit",
         "learning_centre_obec"}


def school_of(school_type: SchoolType):
    return parse_school_config({**DEMO_SETTINGS, "school_type": school_type.value})


@pytest.mark.parametrize("school_type", list(SchoolType), ids=str)
def test_a_school_of_each_type_shows_exactly_its_services(school_type):
    config = school_of(school_type)
    assert set(members_only_for(config)) == CIVIL_SERVANTS
    assert set(config.enabled_services()) == EXPECTED[school_type] | OBECS | CIVIL_SERVANTS
    # The flows the engine offers (service menu and buttons) are the same set; parents see only theirs.
    assert set(flows_for(config)) == EXPECTED[school_type] | OBECS | CIVIL_SERVANTS
    assert {flow.id for flow in flows_for(config).values()
            if flow.audience == "parents" and flow.id not in CIVIL_SERVANTS} == EXPECTED[school_type]
    # What it does not offer has a polite answer naming the type and the service.
    withheld = withheld_for(config)
    assert set(withheld) == EVERY - EXPECTED[school_type]
    for message in withheld.values():
        assert school_type.label_th in message and "ค่ะ" in message


def test_an_ordinary_school_is_the_default():
    assert parse_school_config({}).school_type is SchoolType.ORDINARY
    with pytest.raises(SchoolConfigError, match="school_type"):
        parse_school_config({"school_type": "university"})


def test_switching_a_service_on_does_not_give_a_school_a_service_its_type_has_not():
    config = parse_school_config({"school_type": "special_centre", "services": {"credit_transfer": {"enabled": True}}})
    assert "credit_transfer" not in config.enabled_services()


def test_the_router_says_a_service_asked_for_in_words_is_not_offered_here():
    offered = school_of(SchoolType.SPECIAL_CENTRE).enabled_services()
    assert route("ขอเทียบโอนผลการเรียนค่ะ", services=offered) == route("ขอเทียบโอนผลการเรียน", services=offered)
    routed = route("ขอเทียบโอนผลการเรียนค่ะ", services=offered)
    assert routed.to is Destination.NOT_OFFERED and routed.service == "credit_transfer"
    assert route("ขอผ่อนผันเข้า ป.1", services=offered).to is Destination.SERVICE
    welfare = school_of(SchoolType.WELFARE).enabled_services()
    assert route("ขอผ่อนผันเข้า ป.1", services=welfare).to is Destination.NOT_OFFERED


def test_the_rich_menu_names_only_services_the_school_offers():
    def other_requests_tile(offered):
        return next(cell.sublabel for cell in parents_menu(offered).cells if cell.label == "คำขออื่น ๆ")

    assert "เทียบโอน" in other_requests_tile(school_of(SchoolType.ORDINARY).enabled_services())
    centre = other_requests_tile(school_of(SchoolType.SPECIAL_CENTRE).enabled_services())
    assert "เทียบโอน" not in centre and "ใบแทน" not in centre and "ผ่อนผัน" in centre
    welfare = other_requests_tile(school_of(SchoolType.WELFARE).enabled_services())
    assert "เทียบโอน" not in welfare and "ใบแทน" in welfare
