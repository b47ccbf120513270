"""Which requests a staff member may see, and how much of them: each role sees what its actions
need (PDPA s.37, appropriate security measures; s.22, data limited to the purpose).

- registrar and admin: every submitted request of the school (they receive, check and close).
- director and teacher: the requests of the services whose approval chain (the school's
  configuration) names their role, once the documents are accepted (the chain signs from
  there); a director also every approved request, to issue its e-document.
- anyone but finance: also the requests a colleague assigned to them.
- finance: no request at all; fees have their own pages (web/finance).
- district (a district office's staff): none of a school's requests; the district's own
  requests (a child without a school place, home schooling and its yearly report, learning
  centres) of the district's schools on the district pages (web/staff/routes/district.py).
- district_finance: only the district's civil servants' welfare claims and pension applications,
  on their own pages (web/staff/routes/welfare.py); no school role ever sees those, whatever school
  chat they were filed through (backend/welfare.py).
- civil_servant (a claimant only): no request at all.
- obec (OBEC's own staff): OBEC's own requests (qualification equivalence, ...) filed through
  any school's chat, and nothing of a school's; a school's staff see none of OBEC's.

Full national ID numbers are shown to the roles that record or sign on them (registrar,
director, admin); the others see the last three digits. Every view is in the audit log.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.catalog import CATALOG
from backend.school_config import SchoolConfig
from backend.staff import Role, StaffMember
from backend.welfare import civil_servant_services

S = ApplicationStatus
# From here on the approval chain and the document issuers act on a request.
REVIEWED = (S.UNDER_REVIEW, S.APPROVED, S.REJECTED, S.CLOSED)
WHOLE_SCHOOL = frozenset({Role.REGISTRAR, Role.ADMIN})
ISSUERS = frozenset({Role.REGISTRAR, Role.DIRECTOR})  # the table's ISSUE_DOCUMENT row
FULL_NATIONAL_IDS = frozenset({Role.REGISTRAR, Role.DIRECTOR, Role.ADMIN, Role.OBEC})


def sees_requests(member: StaffMember) -> bool:
    return member.role not in (Role.FINANCE, Role.CIVIL_SERVANT, Role.DISTRICT_FINANCE)


def sees_national_ids(member: StaffMember) -> bool:
    return member.role in FULL_NATIONAL_IDS


def chain_services(role: str, config: SchoolConfig) -> list[str]:
    """The services whose approval chain names the role (disabled ones too: their requests stay)."""
    return [service for service in CATALOG.service_ids() if role in (config.service(service).approvers or [])]


def district_services() -> list[str]:
    """The district office's services (their approval chain names the district's staff): their
    requests are filed through a school's chat but are the district's, not the school's."""
    return [service.id for service in CATALOG.services() if Role.DISTRICT.value in service.approvers]


def obec_services() -> list[str]:
    """OBEC's own services (their approval chain names OBEC's staff)."""
    return [service.id for service in CATALOG.services() if Role.OBEC.value in service.approvers]


def visible(member: StaffMember, config: SchoolConfig) -> sa.ColumnElement[bool]:
    """The requests this member may see, as a WHERE clause (drafts are never staff's business,
    nor a district's or OBEC's requests filed through the school's chat)."""
    if member.role == Role.OBEC:
        return sa.and_(Application.service.in_(obec_services()), Application.status != S.DRAFT)
    school = sa.and_(Application.school_id == member.school_id, Application.status != S.DRAFT,
                     Application.service.not_in([*district_services(), *civil_servant_services(),
                                                 *obec_services()]))
    if member.role in WHOLE_SCHOOL:
        return school
    if not sees_requests(member):
        return sa.false()
    reach = sa.and_(Application.service.in_(chain_services(member.role, config)),
                    Application.status.in_(REVIEWED))
    if member.role in ISSUERS:
        reach = sa.or_(reach, Application.status == S.APPROVED)
    # A request a colleague assigned to this member (backend/applications/assignment.py).
    reach = sa.or_(reach, Application.assigned_to_id == member.id)
    return sa.and_(school, reach)


def mask_national_id(value: str) -> str:
    """"1-2345-67890-12-3" shown as "X-XXXX-XXXXX-12-3": enough to tell two children apart."""
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    if len(digits) != 13:
        return "X-XXXX-XXXXX-XX-X"
    return f"X-XXXX-XXXXX-{digits[10:12]}-{digits[12]}"
