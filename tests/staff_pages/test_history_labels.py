"""Every kind of entry a request's history can hold reads in Thai: none falls to the catch-all."""

from __future__ import annotations

import re
from pathlib import Path

from backend.applications.workflow import Action, ParentAction
from web.staff.presentation import OTHER_HISTORY_TH, history_label

ROOT = Path(__file__).resolve().parents[2]
# An audit.record(...) call whose subject is a request: its action is a row of that request's history.
RECORD = re.compile(r"audit\.record\((?P<call>.*?)\)\n", re.S)
ACTION = re.compile(r'action="(?P<action>[a-z_]+)"')
FEE_AUDIT = re.compile(r'_audit\(session, request, [\w.]+, "(?P<action>[a-z_]+)"')


def recorded_actions() -> set[str]:
    found = {str(a) for a in Action} | {str(a) for a in ParentAction}
    for folder in ("backend", "web", "bot", "flows"):
        for path in (ROOT / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            for call in RECORD.finditer(text):
                body = call.group("call")
                if "application_subject" in body or "APPLICATION_SUBJECT" in body:
                    found.update(m.group("action") for m in ACTION.finditer(body))
            found.update(m.group("action") for m in FEE_AUDIT.finditer(text))
    return found - {"application_viewed"}  # views are in the log, never in the history


def test_the_scan_finds_the_known_kinds():
    actions = recorded_actions()
    assert {"submit", "fee_paid", "fee_requested", "late_notice", "document_prepared", "reject"} <= actions


def test_every_recorded_action_has_a_thai_label():
    untranslated = sorted(a for a in recorded_actions() if history_label(a) == OTHER_HISTORY_TH)
    assert untranslated == []
