"""A throwaway service, written by following docs/adding-a-service.md: a member of the public asks
for a card of the school's library. tests/e2e/test_a_service_added_in_one_file.py puts this
folder beside flows/services for one test; the service exists nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from backend.applications.models import Application
from backend.catalog import DocumentType, FeeRule, ServiceDocument
from backend.documents.from_applications import Answers
from backend.school_config import SchoolConfig
from flows import kinds
from flows.common import PARENT_PHONE
from flows.flow import Flow, Step
from flows.spec import ServiceSpec

FLOW = Flow(
    id="library_card",
    title="บัตรห้องสมุด",
    menu_label="ขอบัตรห้องสมุด",
    number_prefix="LC",
    version=1,
    intro="บุคคลทั่วไปขอบัตรสมาชิกห้องสมุดของโรงเรียนได้ค่ะ เตรียมรูปถ่ายหน้าตรงไว้ด้วยนะคะ",
    steps=[
        Step(
            "requester_name",
            "ชื่อและนามสกุลของผู้ขอบัตรค่ะ เช่น นายสมชาย ใจดี",
            kinds.person_name(),
            label="ชื่อผู้ขอบัตร",
        ),
        PARENT_PHONE,
        Step("photo", "ขอรูปถ่ายหน้าตรงของผู้ขอบัตรค่ะ", kinds.document(), label="รูปถ่าย"),
    ],
    next_steps="ห้องสมุดจะตรวจสอบคำขอ แล้วส่งบัตรสมาชิกทาง LINE นี้ค่ะ",
)


def document_data(answers: Answers, application: Application, config: SchoolConfig,
                  given: Mapping[str, str]) -> dict[str, Any]:
    return {
        "subject_name": answers.need("requester_name", "ชื่อผู้ขอบัตร"),
        "phone": answers.get("parent_phone"),
    }


SPEC = ServiceSpec(
    id="library_card",
    flow=FLOW,
    menu_position=90,
    time_limit_days=3,
    approvers=("registrar",),
    document=ServiceDocument(
        type=DocumentType(
            id="library_card", title_th="บัตรสมาชิกห้องสมุดโรงเรียน", required=("subject_name",),
            download_name="library-card.pdf", short_title="บัตรห้องสมุด",
            # A real service's template goes in backend/documents/templates/<id>.html; this one
            # stays beside its service so that nothing of it is left in the source tree.
            template=Path(__file__).with_name("library_card.html"),
        ),
        make_data=document_data,
    ),
    fee=FeeRule(code="LIB"),
    routing_words=(r"ห้องสมุด",),
    routing_priority=90,
)
