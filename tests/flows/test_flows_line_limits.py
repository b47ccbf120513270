"""Every prompt and button of every flow fits LINE's limits, by construction."""

from __future__ import annotations

import pytest
from flows_chat import assert_within_line_limits

from flows import prompts
from flows.say import AskFiles, Choice, LineLimitError, Text
from flows.services import ALL_FLOWS

# The widest a conversation gets: the longest nonce and two-digit progress.
EVERY_STEP = [(flow, step) for flow in ALL_FLOWS.values() for step in flow.steps]


@pytest.mark.parametrize(("flow", "step"), EVERY_STEP, ids=lambda v: getattr(v, "id", ""))
def test_every_question_fits(flow, step):
    say = prompts.step_prompt(flow, step, nonce=prompts.WIDEST_NONCE, position=99, total=99)
    assert_within_line_limits([say])
    assert isinstance(say, AskFiles) == step.is_document


@pytest.mark.parametrize("flow", ALL_FLOWS.values(), ids=lambda f: f.id)
def test_every_summary_and_confirmation_fits(flow):
    nonce = prompts.WIDEST_NONCE
    says = [
        prompts.summary_prompt(flow, [(s, None) for s in flow.steps], nonce=nonce),
        prompts.confirm_cancel(flow, nonce),
        prompts.confirm_restart(flow, nonce),
        prompts.other_draft_open(flow, nonce),
        prompts.reminder(flow, nonce),
        prompts.service_menu(ALL_FLOWS.values(), prompts.GREETING, resume_nonce=nonce),
    ]
    for say in says:
        assert_within_line_limits([say])


@pytest.mark.parametrize(
    "build",
    [
        lambda: Choice("ป้ายที่ยาวเกินยี่สิบตัวอักษรแน่นอน", postback="v1"),
        lambda: Choice("ตกลง", postback="x" * 301),
        lambda: Choice("ตกลง"),
        lambda: Choice("ตกลง", text="ตกลง", date_picker=True),
        lambda: Text("ก" * 5001),
        lambda: Text("เลือกค่ะ", [Choice(f"ข้อ {i}", postback=str(i)) for i in range(14)]),
        lambda: AskFiles(
            "ส่งรูปค่ะ", "เอกสาร", [Choice(f"ข้อ {i}", postback=str(i)) for i in range(12)]
        ),
    ],
)
def test_values_over_a_limit_cannot_be_built(build):
    with pytest.raises(LineLimitError):
        build()
