"""Flows are checked when they are defined: mistakes stop start-up, not a parent's request."""

from __future__ import annotations

import re

import pytest

from flows import kinds
from flows.engine import Engine
from flows.flow import Check, Flow, FlowDefinitionError, Step, When, answer_is
from flows.services import ALL_FLOWS
from flows.sessions import SessionStore

NAME = Step("student_name", "ชื่อนักเรียนคะ", kinds.person_name(), label="ชื่อนักเรียน")
REASON = Step("reason", "สาเหตุคะ", kinds.choice({"move": "ย้ายบ้าน", "other": "อื่น ๆ"}), label="สาเหตุ")


def flow(*steps: Step, **overrides) -> Flow:
    settings = {
        "id": "sample",
        "title": "ตัวอย่าง",
        "menu_label": "ตัวอย่าง",
        "number_prefix": "SA",
        "version": 1,
        "steps": steps,
        "next_steps": "โรงเรียนจะแจ้งผลค่ะ",
    }
    return Flow(**{**settings, **overrides})


def test_a_sound_flow_is_accepted():
    sound = flow(
        NAME,
        REASON,
        Step("detail", "เล่าค่ะ", kinds.text(), label="รายละเอียด", when=answer_is("reason", "other")),
    )
    assert [s.id for s in sound.steps] == ["student_name", "reason", "detail"]


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ((NAME, NAME), "duplicate step id 'student_name'"),
        ((), "at least one step"),
        ((Step("Bad-Id", "คำถาม", kinds.text(), label="ข้อ"),), "step id 'Bad-Id'"),
        ((Step("blank", "   ", kinds.text(), label="ข้อ"),), "has no question"),
        ((Step("long", "ถาม" * 2001, kinds.text(), label="ข้อ"),), "question over"),
        ((Step("nolabel", "คำถาม", kinds.text(), label=""),), "label must be"),
        ((Step("wide", "คำถาม", kinds.text(), label="ป้ายที่ยาวเกินกว่าสิบเจ็ดตัว"),), "label must be"),
        (
            (NAME, Step("x", "คำถาม", kinds.text(), label="ข้อ", when=answer_is("nickname", "a"))),
            "uses unknown field 'nickname'",
        ),
        (
            (
                Step("x", "คำถาม", kinds.text(), label="ข้อ", when=answer_is("reason", "other")),
                REASON,
            ),
            "uses 'reason', which comes later",
        ),
        (
            (
                REASON,
                Step("x", "คำถาม", kinds.text(), label="ข้อ", when=answer_is("reason", "typo")),
            ),
            "'x' is unreachable",
        ),
        (
            (
                NAME,
                REASON,
                Step(
                    "x",
                    "คำถาม",
                    kinds.text(),
                    label="ข้อ",
                    # Reads "reason" but declares only "student_name".
                    when=When(lambda ctx: ctx.answers["reason"] == "other", ("student_name",), "?"),
                ),
            ),
            "reads 'reason' not listed in uses",
        ),
        (
            (
                NAME,
                Step(
                    "x",
                    "คำถาม",
                    kinds.text(),
                    label="ข้อ",
                    check=Check(lambda value, ctx: ctx.answers["student_name"], ()),
                ),
            ),
            "check fails",
        ),
        (
            (
                Step(
                    "many",
                    "เลือกค่ะ",
                    kinds.choice({f"o{i}": f"ตัวเลือก {i}" for i in range(11)}),
                    label="ข้อ",
                ),
            ),
            "11 options, at most 10",
        ),
        (
            (Step("wide", "เลือกค่ะ", kinds.choice({"a": "ตัวเลือกที่ยาวเกินยี่สิบตัวอักษร"}), label="ข้อ"),),
            "over 20",
        ),
        (
            (Step("odd", "เลือกค่ะ", kinds.choice({"A|B": "ก"}), label="ข้อ"),),
            "not a stable id",
        ),
    ],
)
def test_a_broken_flow_is_refused_with_the_reason(steps, message):
    with pytest.raises(FlowDefinitionError, match=re.escape(message)):
        flow(*steps)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id": "Transfer Out"}, "flow id"),
        ({"menu_label": "ป้ายเมนูที่ยาวเกินกว่ายี่สิบตัวอักษร"}, "menu_label"),
        ({"number_prefix": "to"}, "number_prefix"),
        ({"version": 0}, "version"),
        ({"next_steps": " "}, "next_steps"),
    ],
)
def test_flow_settings_are_checked(overrides, message):
    with pytest.raises(FlowDefinitionError, match=message):
        flow(NAME, **overrides)


def test_the_engine_refuses_a_flow_registered_under_another_id(clock):
    with pytest.raises(FlowDefinitionError, match="registered under"):
        Engine(flows={"other": ALL_FLOWS["withdrawal"]}, sessions=SessionStore(), clock=clock)
