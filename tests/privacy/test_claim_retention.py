"""A civil servant's claim is a financial record of the district: its data is kept 10 years from
the payment (or the refusal), not from the approval as a school's request is, and an approved
claim not yet paid is never erased (docs/rules.md, "Welfare claims of civil servants")."""

from __future__ import annotations

import datetime as dt

from backend import retention
from backend.applications.models import Application
from backend.data_rights import kept_until
from backend.staff import Role
from flows.services import ALL_FLOWS
from tests.fees.fee_samples import add_school, add_staff, approve, submitted
from tests.files.file_samples import jpeg
from tests.staging import in_status

CLAIMANT = "U" + "c" * 32
assert "welfare_claim" in ALL_FLOWS and "pension" in ALL_FLOWS  # the services are declared


def _claim(school_id: int, service: str, status: str, *, decided: dt.datetime, settled: dt.datetime,
           files: list[str]) -> Application:
    return in_status(Application(
        public_number=f"WC-{service[:4]}-{status[:4]}", school_id=school_id, parent_ref=CLAIMANT, service=service,
        current_step="_summary", flow_version=1, session_nonce=f"n-{service[:4]}-{status[:4]}",
        created_at=decided, updated_at=settled, last_activity_at=decided, submitted_at=decided,
        decided_at=decided, answers={"requester_name": "นางสมศรี ใจดี", "receipts": files},
        missing_documents=[]), status)


async def test_a_claim_is_kept_ten_years_from_its_payment_and_an_unpaid_one_is_kept(sessions, vault, clock):
    start = clock.now()
    async with sessions() as session:
        school = await add_school(session, start)
        registrar = await add_staff(session, school, Role.REGISTRAR, start)
        request = await submitted(session, school, start, parent_ref=CLAIMANT)
        await approve(session, request, registrar, start)
        receipt = (await vault.store(session, school_id=school.id, owner_ref=CLAIMANT, source_ref="r",
                                     data=jpeg("receipt"))).id
        paid_later = start + dt.timedelta(days=200)
        paid = _claim(school.id, "welfare_claim", "closed", decided=start, settled=paid_later, files=[receipt])
        pension = _claim(school.id, "pension", "rejected", decided=start, settled=start, files=[])
        unpaid = _claim(school.id, "welfare_claim", "approved", decided=start, settled=start, files=[])
        session.add_all([paid, pension, unpaid])
        await session.commit()
        ids = (request.id, paid.id, pension.id, unpaid.id)
    assert kept_until(paid) == paid_later + retention.FINANCIAL_CLAIMS.keep and kept_until(unpaid) is None

    # Ten years after the approval: the school's request and the refused pension go; the claim
    # paid 200 days after its approval stays, with its receipt.
    async with sessions() as session:
        report = await retention.enforce(session, vault, now=start + dt.timedelta(days=10 * 365 + 1))
        await session.commit()
    assert report[retention.DECIDED.kind] == 1 and report[retention.FINANCIAL_CLAIMS.kind] == 1
    async with sessions() as session:
        request, paid, pension, unpaid = [await session.get(Application, i) for i in ids]
        assert request.parent_ref == retention.ERASED and pension.answers == {}
        assert paid.answers["requester_name"] == "นางสมศรี ใจดี"
        assert (await vault.read(session, receipt, school_id=school.id))[0] == jpeg("receipt")

    # Ten years after the payment: the paid claim's data and receipt go; the unpaid one stays.
    async with sessions() as session:
        report = await retention.enforce(session, vault, now=paid_later + dt.timedelta(days=10 * 365 + 1))
        await session.commit()
    assert report[retention.FINANCIAL_CLAIMS.kind] == 1
    async with sessions() as session:
        paid, unpaid = await session.get(Application, ids[1]), await session.get(Application, ids[3])
        assert paid.answers == {} and paid.parent_ref == retention.ERASED and paid.status == "closed"
        assert unpaid.answers["requester_name"] == "นางสมศรี ใจดี"
