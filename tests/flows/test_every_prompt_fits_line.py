"""Every message the services can make, rendered for LINE, passes LINE's own limits.

Walks every step of every service (as the demo school configures them) through the renderer
and the LINE stand-in's validator, which checks what LINE's API checks.
"""

from __future__ import annotations

import pytest

from backend.demo import DEMO_SETTINGS
from backend.school_config import parse_school_config
from bot.render import render
from bot.simulator.validation import check_messages
from flows import prompts
from flows.registry import flows_for

FLOWS = flows_for(parse_school_config(DEMO_SETTINGS))
WIDEST = prompts.WIDEST_NONCE


@pytest.mark.parametrize("flow", FLOWS.values(), ids=list(FLOWS))
def test_every_question_of_every_service_renders_within_lines_limits(flow):
    steps = flow.steps
    for position, step in enumerate(steps, start=1):
        say = prompts.step_prompt(flow, step, nonce=WIDEST, position=position, total=len(steps))
        messages = render([say])
        assert len(messages) <= 5
        assert check_messages(messages) == [], step.id


@pytest.mark.parametrize("flow", FLOWS.values(), ids=list(FLOWS))
def test_the_longest_summary_of_every_service_renders_within_lines_limits(flow):
    answered = [(step, None) for step in flow.steps]
    summary = prompts.summary_prompt(flow, answered, nonce=WIDEST)
    messages = render([summary])
    assert check_messages(messages) == []


def test_menus_reminders_and_confirmations_render_within_lines_limits():
    flows = list(FLOWS.values())
    says = [prompts.service_menu(flows, prompts.GREETING, resume_nonce=WIDEST)]
    for flow in flows:
        says += [prompts.reminder(flow, WIDEST), prompts.confirm_cancel(flow, WIDEST),
                 prompts.confirm_restart(flow, WIDEST), prompts.other_draft_open(flow, WIDEST)]
    for say in says:
        assert check_messages(render([say])) == []
