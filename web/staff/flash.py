"""What a staff page says after an action ("saved", or why it was refused), carried across the
redirect by a code: the text stays on the server, so a link cannot make a page say anything.

A refusal's text comes from the domain (often with a number or a document name in it), so it is
kept under a random code for a few minutes, for the one member it was meant for; the URL carries
only the code. A message for another member, an expired code or a made-up one shows nothing.
"""

from __future__ import annotations

import re
import secrets
from urllib.parse import urlencode

from fastapi.responses import RedirectResponse

from backend.state import SharedState

LIFETIME_SECONDS = 300
_CODE = re.compile(r"[A-Za-z0-9_-]{16}")


async def remember(state: SharedState, *, staff_id: int, text: str) -> str:
    code = secrets.token_urlsafe(12)
    await state.set(f"flash:{staff_id}:{code}", text.encode("utf-8"), ttl=LIFETIME_SECONDS)
    return code


async def recall(state: SharedState, *, staff_id: int, code: str | None) -> str | None:
    if not code or not _CODE.fullmatch(code):
        return None
    text = await state.get(f"flash:{staff_id}:{code}")
    return text.decode("utf-8") if text is not None else None


async def refused(state: SharedState, *, staff_id: int, url: str, text: str, anchor: str = "") -> RedirectResponse:
    """Back to the page at url, which shows the refusal text by its code."""
    code = await remember(state, staff_id=staff_id, text=text)
    separator = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{separator}error={code}{anchor}", status_code=303)


async def back(state: SharedState, *, staff_id: int, url: str, error: str | None = None,
               done: str | None = None, **query: str) -> RedirectResponse:
    """Back to the page at url, carrying what to say (a refusal, a result) by code only."""
    if error:
        query["error"] = await remember(state, staff_id=staff_id, text=error)
    if done:
        query["done"] = await remember(state, staff_id=staff_id, text=done)
    return RedirectResponse(f"{url}?{urlencode(query)}" if query else url, status_code=303)
