"""Say it once: what the message that asked for a service already answers.

"อยากจองหอประชุมวันเสาร์ที่ 19 ธ.ค. จัดงานทำบุญหมู่บ้าน" asks for venue booking and gives the
venue, the first day and the purpose; "สมัคร ป.1 ให้ลูกชาย" asks for admission and gives the
grade. A service says what its first message can give (``Flow(first_message=...)``, built from
backend/thai/understand.py's finders); the engine keeps those answers aside (``GIVEN`` in the
draft) and takes each one when its step comes, through the step's own checks, as if the parent
had typed it there: a value that does not pass is asked again with the reason, nothing is taken
silently, and the summary shows everything before it is sent.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from backend.thai.normalise import compact, strip_endings
from flows.flow import Flow

# The draft's answers keep what the first message gave under this key until each step comes; a
# step id can never be it (step ids start with a letter).
GIVEN = "_given"
# The contact details asked in every request, by step id, and what each is: given once, they
# are offered back in the next request ("ใช้ข้อมูลเดิม") instead of asked again.
CONTACT_STEPS = {
    "parent_name": "name", "requester_name": "name",
    "parent_phone": "phone", "phone": "phone",
    "applicant_relationship": "relationship",
}  # fmt: skip
# The draft keeps the details it may offer under this key until they are taken or answered anew.
OFFER = "_offer"
# Words that ask for something rather than say what for ("อยากจอง", "ขอใช้"), before the rest.
_ASKING = re.compile(r"^(?:\s*(?:อยาก|ต้องการ|จะ|ขอ|ใช้|จอง|เช่า|ยืม|ได้ไหม|ได้มั้ย|เพื่อ|สำหรับ|ไว้|วัน))+\s*")
_MIN_FREE_TEXT = 4


def first_message_answers(flow: Flow, text: str, today: dt.date) -> dict[str, Any]:
    """The stored values, by step id, that ``text`` gives for ``flow`` (none when the flow reads
    nothing from a first message)."""
    if flow.first_message is None:
        return {}
    return {step_id: value for step_id, value in flow.first_message(text, today).items()
            if flow.step(step_id) is not None and value is not None}


def rest_of(text: str, spans: Iterable[tuple[int, int]]) -> str | None:
    """What the message says besides the parts found (``spans``) and the words that ask: the
    free text of a purpose ("จัดงานทำบุญหมู่บ้าน"), or None when nothing of substance is left."""
    pieces, at = [], 0
    for start, end in sorted(spans):
        pieces.append(text[at:start])
        at = max(at, end)
    pieces.append(text[at:])
    kept = []
    for piece in pieces:
        piece = _ASKING.sub("", strip_endings(piece, keep_lone=False)).strip()
        if piece:
            kept.append(" ".join(piece.split()))
    rest = " ".join(kept)
    return rest if len(compact(rest)) >= _MIN_FREE_TEXT else None


def shown_given(flow: Flow, given: Mapping[str, Any]) -> str:
    """The answers a first message gave, as the parent is told them: "สถานที่: หอประชุม, …"."""
    parts = []
    for step in flow.steps:
        if step.id in given:
            try:
                parts.append(f"{step.label}: {step.kind.show(given[step.id])}")
            except (KeyError, ValueError):
                continue
    return ", ".join(parts)


def contact_offer(flow: Flow, filed: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The contact details of the parent's latest filed request that ``flow`` asks too, by this
    flow's step ids; a value its step would not take (a relationship it does not offer) is left
    out. Empty when nothing can be offered."""
    for answers in filed:
        said: dict[str, Any] = {}
        for step_id, what in CONTACT_STEPS.items():
            if answers.get(step_id) is not None:
                said.setdefault(what, answers[step_id])
        if not said:
            continue
        offer = {}
        for step in flow.steps:
            kind_of = CONTACT_STEPS.get(step.id)
            if kind_of is None or kind_of not in said or step.when is not None:
                continue
            if step.kind.options and said[kind_of] not in step.kind.options:
                continue
            offer[step.id] = said[kind_of]
        return offer
    return {}
