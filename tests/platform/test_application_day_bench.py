"""The application-day bench's parents send what a parent's phone sends (bench/application_day.py):
a follow, "สมัครเรียน", then the privacy notice's own start button; and the bench's pass/fail lines
name the issue's targets."""

from __future__ import annotations

import random

from backend.school_config import SchoolConfig
from bench import load
from bench.application_day import ApplicationDayParents, application_day_parents, checks
from flows import postback
from flows.front_desk import PRIVACY_OK, privacy_notice
from flows.router import route
from flows.services import load_catalog


def test_each_parent_follows_asks_to_apply_and_taps_the_notices_start_button():
    load_catalog()
    parents = ApplicationDayParents(2, random.Random(1))
    user = parents.ids[0]
    kinds, events = zip(*[(kind, payload["events"][0]) for kind, _, payload in
                          (parents.next_event(user) for _ in range(3))], strict=True)
    assert kinds == ("follow", "text", "privacy_ok")
    assert route(events[1]["message"]["text"]).service == "admission"
    tapped = postback.decode(events[2]["postback"]["data"])
    assert tapped is not None and (tapped.action, tapped.args) == (PRIVACY_OK, ("admission",))
    # The same data as the button the bot shows.
    shown = privacy_notice(SchoolConfig(), "โรงเรียน", "admission").choices[0].postback
    assert shown == events[2]["postback"]["data"]
    with application_day_parents():
        assert load.Users is ApplicationDayParents
    assert load.Users is not ApplicationDayParents


def test_an_event_stored_but_never_processed_fails_the_no_loss_line():
    outcome = load.Outcome(name="ours", events_sent=10, webhook_ms={"p99": 12.0})
    outcome.inbox = {"done": 9, "failed": 0, "pending": 1}  # type: ignore[attr-defined]
    found = checks(outcome, None)
    assert found["webhook_p99_under_50ms"]["met"] and not found["no_event_lost"]["met"]
    outcome.inbox = {"done": 10, "failed": 0, "pending": 0}  # type: ignore[attr-defined]
    assert checks(outcome, None)["no_event_lost"]["met"]
