"""Who is looking: LINE ID-token login, the signed staff session cookie, and signed document links."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from fastapi import HTTPException
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, SignatureExpired

from backend.clock import Clock
from backend.signed_tokens import timed_serializer

if TYPE_CHECKING:
    import httpx
from backend.staff import StaffMember

SESSION_COOKIE = "staff_session"
# Short: a phone left on a desk should not stay signed in for the day; LIFF signs in again silently.
SESSION_LIFETIME = dt.timedelta(hours=2)
# Long enough to open the photo, short enough that a forwarded link is soon useless.
DOCUMENT_LINK_LIFETIME = dt.timedelta(minutes=5)
# The client_id the simulator's ID tokens carry when no LINE Login channel is configured.
SIMULATOR_CLIENT_ID = "simulator-login"


class LoginRefused(Exception):
    """The ID token did not verify (forged, expired, another channel's) or LINE could not be asked."""


@dataclass(frozen=True)
class LineIdentity:
    user_ref: str  # LINE's `sub`: the userId, opaque to the domain
    display_name: str


@dataclass(frozen=True)
class StaffPagesConfig:
    session_secret: bytes
    line_api_base_url: str
    line_login_channel_id: str | None
    liff_id: str | None
    # Simulated LINE only: a page to pick a staff member instead of opening LIFF in LINE.
    dev_login: bool
    secure_cookies: bool
    default_school: str = "demo"
    # Secrets being rotated out (STAFF_SESSION_PREVIOUS_SECRETS): what they signed is still accepted.
    previous_session_secrets: tuple[bytes, ...] = ()

    @classmethod
    def from_settings(cls, settings: Any) -> StaffPagesConfig:
        """From bot.config.Settings (duck-typed: the pages do not depend on the LINE edge)."""
        channel_id = settings.line_login_channel_id
        if settings.simulated and not channel_id:
            channel_id = SIMULATOR_CLIENT_ID
        return cls(
            session_secret=settings.staff_session_secret,
            previous_session_secrets=settings.staff_session_previous_secrets,
            line_api_base_url=settings.line_api_base_url,
            line_login_channel_id=channel_id,
            liff_id=settings.staff_liff_id,
            dev_login=settings.simulated,
            secure_cookies=settings.backend.public_base_url.startswith("https://"),
            default_school=settings.backend.default_school,
        )


async def verify_id_token(
    id_token: str, *, base_url: str, channel_id: str, http: httpx.AsyncClient | None = None
) -> LineIdentity:
    """Ask LINE whether the ID token is genuine, current and meant for our channel.

    LINE's verify endpoint checks signature, expiry and audience for us, so no JWT library is
    needed; we still check `aud` ourselves in case a proxy or a mistake answers for another channel.
    """
    if not id_token or len(id_token) > 4096:
        raise LoginRefused("empty or oversized ID token")
    import httpx  # on first use: a staff login, not every start-up

    client = http or httpx.AsyncClient(timeout=10)
    try:
        response = await client.post(f"{base_url}/oauth2/v2.1/verify",
                                      data={"id_token": id_token, "client_id": channel_id})
    except httpx.HTTPError as error:
        raise LoginRefused(f"LINE could not be reached: {type(error).__name__}") from None
    finally:
        if http is None:
            await client.aclose()
    if response.status_code != 200:
        raise LoginRefused(f"LINE refused the ID token ({response.status_code})")
    claims = response.json()
    if str(claims.get("aud")) != channel_id or not isinstance(claims.get("sub"), str):
        raise LoginRefused("ID token for another channel")
    return LineIdentity(user_ref=claims["sub"], display_name=str(claims.get("name") or ""))


@dataclass(frozen=True)
class StaffSession:
    staff_id: int
    school_id: int
    # Ties the CSRF token to this one session.
    nonce: str
    # The member's session generation when it was issued: logging out moves the member's on,
    # which ends this session on the server, not only in the browser that logged out.
    generation: int = 0

    def csrf_token(self, secret: bytes) -> str:
        message = f"{self.staff_id}:{self.school_id}:{self.nonce}".encode()
        return hmac.new(secret, b"csrf\x00" + message, hashlib.sha256).hexdigest()[:32]


class Tokens:
    """Signed, time-limited values: the session cookie and the document links."""

    def __init__(self, secret: bytes, clock: Clock, previous: tuple[bytes, ...] = ()) -> None:
        self._secret = secret
        self._sessions = timed_serializer(secret, salt="staff-session", clock=clock, previous=previous)
        self._documents = timed_serializer(secret, salt="staff-document", clock=clock, previous=previous)

    @property
    def secret(self) -> bytes:
        return self._secret

    def new_session(self, *, staff_id: int, school_id: int, generation: int) -> str:
        return self._sessions.dumps([staff_id, school_id, secrets.token_hex(8), generation])

    def read_session(self, token: str | None) -> StaffSession | None:
        if not token:
            return None
        try:
            staff_id, school_id, nonce, generation = self._sessions.loads(
                token, max_age=int(SESSION_LIFETIME.total_seconds()))
            return StaffSession(int(staff_id), int(school_id), str(nonce), int(generation))
        except (BadSignature, SignatureExpired, ValueError, TypeError):
            return None

    def document_link(self, *, file_id: str, application_id: int, staff_id: int) -> str:
        """A token naming only ids (no names, no national IDs), valid for a few minutes."""
        return self._documents.dumps([file_id, application_id, staff_id])

    def read_document_link(self, token: str) -> tuple[str, int, int] | None:
        try:
            file_id, application_id, staff_id = self._documents.loads(
                token, max_age=int(DOCUMENT_LINK_LIFETIME.total_seconds()))
        except (BadSignature, SignatureExpired, ValueError, TypeError):
            return None
        return str(file_id), int(application_id), int(staff_id)


def simulator_id_tokens(standin: Any) -> Callable[[str, str, str], str]:
    """For the development login: an ID token from the LINE stand-in for a staff member's user.

    Staff enrolled outside the chat (a seeded demo) are not simulated users yet: add them, so the
    login still takes the same road as in LINE, through the verify endpoint.
    """

    def issue(user_ref: str, display_name: str, client_id: str) -> str:
        if standin.user(user_ref) is None:
            standin.add_user(display_name, user_id=user_ref)
        return standin.issue_id_token(user_ref, client_id)

    return issue


class SignInRequired(Exception):
    """Not signed in (or no longer active staff). The app answers it by sending the person to the
    login page and back here afterwards (see `sign_in_redirect`), so routes need no try/except."""

    def __init__(self, login_url: str) -> None:
        super().__init__("sign-in required")
        self.login_url = login_url


async def sign_in_redirect(request: Any, error: SignInRequired) -> RedirectResponse:
    return RedirectResponse(error.login_url, status_code=303)


class StaffGate:
    """Who is asking, for every staff page: the session cookie, re-read against the staff table
    each time (a deactivated member or a changed role takes effect at once), and the CSRF check."""

    def __init__(self, session_secret: bytes, *, prefix: str, previous_secrets: tuple[bytes, ...] = ()) -> None:
        self._secret = session_secret
        self._previous = previous_secrets
        self._prefix = prefix
        self._tokens: dict[int, Tokens] = {}

    def tokens(self, clock: Clock) -> Tokens:
        found = self._tokens.get(id(clock))
        if found is None:
            found = self._tokens[id(clock)] = Tokens(self._secret, clock, self._previous)
        return found

    def login_url(self, request: Any) -> str:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return f"{self._prefix}/login?next={quote(target)}"

    async def signed_in(self, request: Any, session: Any, tokens: Tokens) -> tuple[StaffMember, StaffSession]:
        """The staff member and session of this request; raises SignInRequired."""
        staff_session = tokens.read_session(request.cookies.get(SESSION_COOKIE))
        if staff_session is None:
            raise SignInRequired(self.login_url(request))
        member = await session.get(StaffMember, staff_session.staff_id)
        if (member is None or not member.active or member.school_id != staff_session.school_id
                or member.session_generation != staff_session.generation):
            raise SignInRequired(self.login_url(request))
        return member, staff_session

    def csrf_token(self, staff_session: StaffSession) -> str:
        return staff_session.csrf_token(self._secret)

    def check_csrf(self, staff_session: StaffSession, form: Any) -> None:
        given = str(form.get("csrf") or "")
        # A page rendered before the secret changed (on this host or another) still submits.
        if not any(hmac.compare_digest(given, staff_session.csrf_token(secret))
                   for secret in (self._secret, *self._previous)):
            raise HTTPException(403, "แบบฟอร์มหมดอายุ กรุณาเปิดหน้านี้ใหม่อีกครั้งค่ะ")
