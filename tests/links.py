"""The links the bot hands out (rich-menu tiles, Flex buttons, quick replies, images) and whether
the application serves them: a link to our own host must name a page that exists."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from starlette.routing import BaseRoute, Match, Mount

# Where LINE messages carry a URL to open or fetch.
URL_KEYS = ("uri", "linkUri", "originalContentUrl", "previewImageUrl")


def links_in(node: Any) -> Iterator[str]:
    """Every URL in a message, a rich menu definition, or anything built of dicts and lists."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in URL_KEYS and isinstance(value, str):
                yield value
            elif key == "url" and isinstance(value, str) and node.get("type") in {"image", "video"}:
                yield value  # a Flex image (hero) or video
            else:
                yield from links_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from links_in(item)


def _served(routes: Sequence[BaseRoute], scope: dict[str, Any]) -> bool:
    for route in routes:
        match, child_scope = route.matches(scope)
        if match is not Match.FULL:
            continue
        if isinstance(route, Mount):  # /sim: the simulator's own application
            if _served(route.routes, {**scope, **child_scope}):
                return True
            continue
        return True
    return False


def unserved(app: Any, base_url: str, links: Iterable[str]) -> list[str]:
    """The links to base_url whose path no GET route of the app matches (query strings aside).

    Links elsewhere (a school's privacy notice, LINE's own pages) are not ours to check.
    """
    base = urlsplit(base_url)
    missing = []
    for link in links:
        parts = urlsplit(link)
        if (parts.scheme, parts.netloc) != (base.scheme, base.netloc):
            continue
        scope = {"type": "http", "method": "GET", "path": parts.path, "root_path": ""}
        if not _served(app.routes, scope):
            missing.append(link)
    return missing
