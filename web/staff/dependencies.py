"""What staff routes ask for: the site's configuration, who is signed in, their school, a CSRF-checked form.

Each is a FastAPI dependency named for what it gives (``staff: CurrentStaff``), so a route states
its preconditions in its signature and its body is only the page's own work.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from starlette.datastructures import FormData

from backend.school_config import SchoolConfig, parse_school_config
from backend.schools import School
from backend.staff import StaffMember
from flows.flow import Flow
from flows.registry import flows_for
from web.runtime import DbSession, Runtime
from web.staff.auth import SignInRequired, StaffGate, StaffPagesConfig, StaffSession, Tokens

STAFF_PREFIX = "/staff"

# Mints an ID token for a simulated user: (user_ref, display_name, client_id) -> token.
DevIdTokens = Callable[[str, str, str], str]


class StaffSite:
    """The staff pages of one application: their configuration and the gate every page passes.

    dev_id_tokens (simulated LINE only) lets the development login get an ID token for a
    staff member from the LINE stand-in, so it signs in through LINE's verify endpoint too.
    """

    def __init__(self, config: StaffPagesConfig, *, dev_id_tokens: DevIdTokens | None = None) -> None:
        self.config = config
        self.dev_id_tokens = dev_id_tokens
        self.gate = StaffGate(config.session_secret, prefix=STAFF_PREFIX,
                              previous_secrets=config.previous_session_secrets)


def staff_site(request: Request) -> StaffSite:
    # Put there by web.mount.mount_web, once per application.
    return request.app.state.staff_site


Site = Annotated[StaffSite, Depends(staff_site)]


def staff_tokens(site: Site, runtime: Runtime) -> Tokens:
    return site.gate.tokens(runtime.clock)


# The signed session cookie and document links, on the application's clock.
StaffTokens = Annotated[Tokens, Depends(staff_tokens)]


@dataclass(frozen=True)
class SignedInStaff:
    member: StaffMember
    session: StaffSession
    # What this member's forms must send back (see StaffGate.check_csrf).
    csrf: str


async def current_staff(request: Request, site: Site, tokens: StaffTokens, db: DbSession) -> SignedInStaff:
    member, staff_session = await site.gate.signed_in(request, db, tokens)
    return SignedInStaff(member, staff_session, site.gate.csrf_token(staff_session))


# A signed-in, active staff member; anyone else is sent to the login page and back (SignInRequired).
CurrentStaff = Annotated[SignedInStaff, Depends(current_staff)]


async def staff_for_file(request: Request, site: Site, tokens: StaffTokens, db: DbSession) -> SignedInStaff:
    try:
        return await current_staff(request, site, tokens, db)
    except SignInRequired:
        raise HTTPException(401, "กรุณาเข้าสู่ระบบก่อนค่ะ") from None


# As CurrentStaff, for a file opened from a page (an image, a PDF): no redirect to a login page
# the browser would show inside an <img>, only 401.
StaffForFile = Annotated[SignedInStaff, Depends(staff_for_file)]


async def checked_form(request: Request, staff: CurrentStaff, site: Site) -> AsyncIterator[FormData]:
    # The context closes an uploaded file's temporary storage when the route is done with it.
    async with request.form() as form:
        site.gate.check_csrf(staff.session, form)
        yield form


# The posted form, once its CSRF token is this member's; 403 otherwise. Declare it after the
# staff dependency, so that sign-in (and role) are checked first.
CheckedForm = Annotated[FormData, Depends(checked_form, scope="function")]


@dataclass
class StaffSchool:
    """The signed-in member's school, its configuration and its services."""

    school: School
    config: SchoolConfig

    @cached_property
    def flows(self) -> dict[str, Flow]:
        return flows_for(self.config)

    def title(self, service: str) -> str:
        flow = self.flows.get(service)
        return flow.title if flow is not None else service


async def staff_school(staff: CurrentStaff, db: DbSession) -> StaffSchool:
    school = await db.get(School, staff.member.school_id)
    assert school is not None  # the staff row's foreign key keeps it
    return StaffSchool(school, parse_school_config(school.settings))


SchoolOfStaff = Annotated[StaffSchool, Depends(staff_school)]
