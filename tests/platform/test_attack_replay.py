"""The hardening audit's attacks, replayed against real server processes in the short form of
bench/attacks.py: each gets the refusal it should, and the servers stay under 300 MB throughout
(`python -m bench.attacks` sends the audit's full 1-2 GB bodies)."""

from __future__ import annotations

import asyncio

from bench.attacks import PEAK_LIMIT_MB, replay, report


def test_every_attack_is_refused_and_no_server_goes_past_300_mb():
    outcomes = asyncio.run(replay(short=True))
    shown = report(outcomes)
    assert len(outcomes) >= 27, shown  # every finding of the audit, 1 to 15
    assert {o.finding for o in outcomes} >= {str(n) for n in range(1, 16)}, shown
    failed = [o for o in outcomes if not o.ok]
    assert not failed, shown
    heavy = [o for o in outcomes if o.web_peak_mb + o.sandbox_peak_mb >= PEAK_LIMIT_MB]
    assert not heavy, shown
