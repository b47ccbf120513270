"""Browser-side protections for the pages people open: what a page may load and run, who may frame
it, what it tells other sites, and that it is only ever reached over HTTPS.

A small ASGI middleware rather than a library: the policy is a handful of fixed headers per
path prefix, and each needs a reason written next to it (the LIFF SDK's hosts, the PDF viewer's
sandbox); a route that sets a header itself (a PDF's sandbox policy) keeps its own.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# The staff pages (LIFF). LIFF opens its endpoint as a page of its own in LINE's in-app browser
# (or the system browser on a computer), never inside a frame, so no site may frame these pages.
# The only script from elsewhere is LINE's LIFF SDK, which talks to LINE's servers.
STAFF_CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self' https://static.line-scdn.net",
    "connect-src 'self' https://*.line.me https://*.line-scdn.net",
    "img-src 'self' data: blob:",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
# The public verify page: no script at all.
VERIFY_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
              "base-uri 'none'; frame-ancestors 'none'")
# Images and PDFs by signed link: shown by the browser's own viewer, never run as our origin.
MEDIA_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox; frame-ancestors 'none'"

POLICIES: tuple[tuple[str, str], ...] = (("/staff", STAFF_CSP), ("/verify", VERIFY_CSP), ("/media", MEDIA_CSP),
                                         # The admission round's public page: no script either.
                                         ("/admission", VERIFY_CSP))
HSTS = "max-age=31536000; includeSubDomains"


def _policy_for(path: str) -> str | None:
    for prefix, policy in POLICIES:
        if path == prefix or path.startswith(prefix + "/"):
            return policy
    return None


class SecurityHeaders:
    """Adds the headers to every response under /staff, /verify and /media (HSTS everywhere
    when the service is served over HTTPS)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = _policy_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if self.https:
                    headers.setdefault("strict-transport-security", HSTS)
                if policy is not None:
                    headers.setdefault("content-security-policy", policy)
                    headers.setdefault("x-content-type-options", "nosniff")
                    headers.setdefault("referrer-policy", "no-referrer")
                    headers.setdefault("x-frame-options", "DENY")
                    headers.setdefault("cross-origin-opener-policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)
