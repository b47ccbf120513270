"""The public lottery (จับสลาก) and score ranking, as a pure function of published inputs.

Algorithm ``sha256-v1`` (docs/admission-round.md states it for anyone who wants to check):

1. Before applications close the school publishes ``commitment = SHA-256(secret)`` (hex) and
   names a public value no one at the school controls that becomes known only after the close
   (for example the first prize of the Government Lottery drawn on a stated day).
2. After the close: ``seed = SHA-256(secret + "|" + public_value)``; the secret is published, so
   anyone can check it against the commitment.
3. Each eligible applicant, named by the application number ``ref``, gets
   ``key = SHA-256(seed + "|" + ref)`` (hex). Lottery: applicants are ordered by key. Scores:
   by score, highest first, equal scores by key.
4. Applicants are split as the announcement orders them: in-area first, then the others; within
   each, the priority groups in the announcement's order, then everyone else.
5. ``in_area_seats`` seats go to the in-area list in order, the other ``seats - in_area_seats``
   to the others' list; seats one list cannot fill go to the rest in order (in-area first). The
   rest, in that order, is the reserve list (up to ``reserve_limit``); beyond it, not accepted.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

ALGORITHM = "sha256-v1"
GENERAL = ""  # the group of applicants in no priority group


def new_secret() -> str:
    return secrets.token_hex(32)


def commitment_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def seed_of(secret: str, public_value: str) -> str:
    return hashlib.sha256(f"{secret}|{public_value}".encode()).hexdigest()


def key_of(seed: str, ref: str) -> str:
    return hashlib.sha256(f"{seed}|{ref}".encode()).hexdigest()


def _ordered(applicants: Sequence[Mapping[str, Any]], seed: str, groups: Sequence[str],
             by_score: bool) -> list[Mapping[str, Any]]:
    rank = {code: n for n, code in enumerate([*groups, GENERAL])}

    def sort_key(applicant: Mapping[str, Any]) -> tuple:
        group = applicant.get("group") or GENERAL
        score = -float(applicant["score"]) if by_score else 0.0
        return (rank.get(group, len(rank)), score, key_of(seed, applicant["ref"]), applicant["ref"])

    return sorted(applicants, key=sort_key)


def run(inputs: Mapping[str, Any]) -> dict[str, Any]:
    """The result of a draw from its published inputs; the same inputs always give the same result.

    ``inputs``: algorithm, secret, public_value, commitment, selection ("lottery" or "scores"),
    seats, in_area_seats, reserve_limit (or None), priority_groups (codes in order) and
    applicants ([{ref, in_area, group, score}]).
    """
    if inputs["algorithm"] != ALGORITHM:
        raise ValueError(f"unknown algorithm {inputs['algorithm']!r}")
    if commitment_of(inputs["secret"]) != inputs["commitment"]:
        raise ValueError("the secret does not match the published commitment")
    seed = seed_of(inputs["secret"], inputs["public_value"])
    by_score = inputs["selection"] == "scores"
    groups = list(inputs["priority_groups"])
    applicants = list(inputs["applicants"])
    in_area = _ordered([a for a in applicants if a["in_area"]], seed, groups, by_score)
    others = _ordered([a for a in applicants if not a["in_area"]], seed, groups, by_score)
    seats = int(inputs["seats"])
    in_area_seats = min(int(inputs["in_area_seats"]), seats)
    accepted = in_area[:in_area_seats] + others[:seats - in_area_seats]
    rest = in_area[in_area_seats:] + others[seats - in_area_seats:]
    free = seats - len(accepted)
    accepted += rest[:free]
    rest = rest[free:]
    limit = inputs.get("reserve_limit")
    reserve = rest if limit is None else rest[:int(limit)]
    beyond = rest[len(reserve):]
    order: list[dict[str, Any]] = []
    for applicant in accepted:
        order.append({"ref": applicant["ref"], "outcome": "accepted"})
    for position, applicant in enumerate(reserve, start=1):
        order.append({"ref": applicant["ref"], "outcome": "reserve", "position": position})
    for applicant in beyond:
        order.append({"ref": applicant["ref"], "outcome": "not_accepted"})
    return {"seed": seed, "order": order}
