"""The retention schedule: past each period the data is gone, and the purge is recorded.

One parent's data of every kind is made at the same moment; the clock is then moved past each
period in turn, the daily job run, and what must be gone is gone while what must stay stays.
"""

from __future__ import annotations

import sqlalchemy as sa

from backend import audit, inbox, outbox, retention
from backend.applications.models import Application
from backend.data_rights import holdings
from backend.files.models import StoredFile
from backend.files.service import StoredFileNotFound
from backend.retention import DataPurge
from backend.staff import Role
from tests.fees.fee_samples import add_school, add_staff, approve, submitted
from tests.files.file_samples import jpeg
from tests.staging import in_status

PARENT = "U" + "p" * 32


async def _file(session, vault, school_id: int, marker: str) -> str:
    stored = await vault.store(session, school_id=school_id, owner_ref=PARENT, source_ref=marker,
                               data=jpeg(marker))
    return stored.id


def _draft(school_id: int, now, *, status: str = "draft", files: list[str]) -> Application:
    return in_status(Application(
        public_number=f"D-{status}", school_id=school_id, parent_ref=PARENT, service="replacement_documents",
        current_step="reason", flow_version=1, session_nonce=f"n-{status}", created_at=now, updated_at=now,
        last_activity_at=now, answers={"document_type": "transcript", "proof": files}, missing_documents=[]),
        status)


async def _everything(sessions, vault, clock) -> dict:
    """A parent's data of every kind, all made now."""
    now = clock.now()
    async with sessions() as session:
        school = await add_school(session, now)
        registrar = await add_staff(session, school, Role.REGISTRAR, now)
        ids = {"draft_file": await _file(session, vault, school.id, "draft"),
               "cancelled_file": await _file(session, vault, school.id, "cancelled"),
               "decided_file": await _file(session, vault, school.id, "decided"),
               "loose_file": await _file(session, vault, school.id, "loose")}
        decided = await submitted(session, school, now, parent_ref=PARENT)
        decided.answers = {**decided.answers, "proof": [ids["decided_file"]]}
        await approve(session, decided, registrar, now)
        ids["decided"] = decided.id
        session.add(_draft(school.id, now, files=[ids["draft_file"]]))
        session.add(_draft(school.id, now, status="cancelled", files=[ids["cancelled_file"]]))
        await inbox.record(session, school_id=school.id, channel="default", now=now, events=[inbox.NewEvent(
            "01HEVENT", PARENT, "message", 0, {"message": {"type": "text", "text": "ลูกชื่อสมชาย"}})])
        await session.execute(sa.update(inbox.InboundEvent).values(status=inbox.DONE, processed_at=now))
        [message] = await outbox.add(session, outbox.new_rows(
            school_id=school.id, channel="default", recipient=PARENT, now=now,
            batches=[[{"type": "text", "text": "ได้รับคำขอของ ด.ช.สมชาย แล้วค่ะ"}]]))
        await outbox.record_sent(session, message.id, attempts=1, via="push", now=now)
        ids["school"] = school.id
        await session.commit()
    return ids


async def _run(sessions, vault, now) -> retention.PurgeReport:
    async with sessions() as session:
        report = await retention.enforce(session, vault, now=now)
        await session.commit()
    return report


async def _purges(sessions) -> dict[str, int]:
    async with sessions() as session:
        rows = await session.execute(sa.select(DataPurge.kind, sa.func.sum(DataPurge.count))
                                     .group_by(DataPurge.kind))
        return {kind: int(total) for kind, total in rows}


async def _readable(sessions, vault, school_id: int, file_id: str) -> bool:
    async with sessions() as session:
        try:
            await vault.read(session, file_id, school_id=school_id)
        except StoredFileNotFound:
            return False
    return True


async def test_each_kind_of_data_is_gone_past_its_period_and_the_purge_is_recorded(sessions, vault, clock):
    ids = await _everything(sessions, vault, clock)
    school = ids["school"]

    # Within every period: nothing goes, nothing is recorded.
    assert sum((await _run(sessions, vault, clock.advance(days=6))).counts.values()) == 0
    assert await _purges(sessions) == {}

    # A week: the events LINE delivered (what the parent typed) are gone.
    report = await _run(sessions, vault, clock.advance(days=2))
    assert report[retention.INBOUND_EVENTS.kind] == 1
    async with sessions() as session:
        assert await session.scalar(sa.select(sa.func.count()).select_from(inbox.InboundEvent)) == 0

    # A month: the cancelled request and the photo that belonged to nothing.
    report = await _run(sessions, vault, clock.advance(days=23))
    assert (report[retention.CANCELLED.kind], report[retention.UNATTACHED_FILES.kind]) == (1, 1)
    assert not await _readable(sessions, vault, school, ids["cancelled_file"])
    assert not await _readable(sessions, vault, school, ids["loose_file"])
    assert await _readable(sessions, vault, school, ids["draft_file"])  # a draft waits 90 days

    # Three months: the unfinished draft with its photo, and the chat messages.
    report = await _run(sessions, vault, clock.advance(days=60))
    assert report[retention.DRAFTS.kind] == 1 and report[retention.MESSAGES.kind] >= 1
    assert not await _readable(sessions, vault, school, ids["draft_file"])
    async with sessions() as session:
        found = await holdings(session, school_id=school, parent_ref=PARENT)
        assert [a.id for a in found.applications] == [ids["decided"]]
        assert await session.scalar(sa.select(sa.func.count()).select_from(outbox.OutboundMessage)) == 0
    # ...while the decided request, the school's record, keeps everything.
    assert await _readable(sessions, vault, school, ids["decided_file"])

    # Ten years after the decision: its answers, files and the parent's reference are erased,
    # the row stays for the figures, and the old audit entries go.
    report = await _run(sessions, vault, clock.advance(days=10 * 365))
    assert report[retention.DECIDED.kind] == 1 and report[retention.AUDIT_LOG.kind] >= 2
    async with sessions() as session:
        decided = await session.get(Application, ids["decided"])
        assert decided.answers == {} and decided.parent_ref == retention.ERASED
        assert decided.status == "approved" and decided.personal_data_erased_at == clock.now()
        assert await session.get(StoredFile, ids["decided_file"]) is None
        assert await session.scalar(sa.select(sa.func.count()).select_from(audit.AuditEntry)) == 0

    # Every purge is on record: what kind, how many, up to when.
    recorded = await _purges(sessions)
    # (An admission round's kind needs a round: tests/admission_round/test_round_retention.py; a civil
    # servant's claim, kept from its payment: tests/privacy/test_claim_retention.py.)
    assert set(recorded) == {rule.kind for rule in retention.SCHEDULE} - {retention.ADMISSION_ROUND.kind,
                                                                          retention.FINANCIAL_CLAIMS.kind}
    assert {kind: recorded[kind] for kind in ("inbound_event", "cancelled_request", "unattached_file",
                                             "draft", "decided_request")} == {
        "inbound_event": 1, "cancelled_request": 1, "unattached_file": 1, "draft": 1, "decided_request": 1}
    async with sessions() as session:
        cutoffs = set(await session.scalars(sa.select(DataPurge.cutoff).where(DataPurge.kind == "draft")))
    assert cutoffs == {clock.now() - 10 * 365 * retention.DAY - retention.DRAFTS.keep}
    # Run again: nothing left to purge, nothing new recorded.
    assert sum((await _run(sessions, vault, clock.now())).counts.values()) == 0
