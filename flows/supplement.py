"""The chat reopened for just the documents staff asked for (once, s.8 of the Licensing
Facilitation Act): one document at a time, photos or PDFs, "not available" recorded."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications import workflow
from backend.applications.models import Application, ApplicationStatus
from backend.clock import Clock
from backend.school_config import SchoolConfig
from backend.welfare import is_civil_servant_service
from flows import postback
from flows.flow import Flow
from flows.inputs import FilesInput, Input, PostbackInput, TextInput
from flows.router import Destination, route
from flows.say import AskFiles, Choice, Say, Text

ACTION = "supp"


# Built once, with parameters, so SQLAlchemy reuses its cache key and compiled form.
_WAITING = (
    sa.select(Application)
    .where(Application.school_id == sa.bindparam("school_id"),
           Application.parent_ref == sa.bindparam("parent_ref"),
           Application.status == ApplicationStatus.DOCUMENTS_REQUESTED)
    .order_by(Application.documents_requested_at.desc(), Application.id.desc()).limit(1)
)


async def waiting_request(session: AsyncSession, *, school_id: int, user_ref: str) -> Application | None:
    """The parent's request that waits for documents, if any (the newest)."""
    return await session.scalar(_WAITING, {"school_id": school_id, "parent_ref": user_ref})


def wants_supplement(input: Input) -> bool:
    if isinstance(input, FilesInput):
        return True
    if isinstance(input, TextInput):
        return route(input.text).to is Destination.SEND_DOCUMENTS
    if isinstance(input, PostbackInput):
        pb = postback.decode(input.data)
        return pb is not None and pb.action == ACTION
    return False


def _next_index(application: Application) -> int | None:
    for index, item in enumerate(application.requested_documents or []):
        if not item.get("files") and not item.get("unavailable"):
            return index
    return None


def _asker(application: Application) -> str:
    """Who asked: the school, or for a civil servant's claim the district's finance staff."""
    return "กลุ่มการเงินของสำนักงานเขตพื้นที่การศึกษา" if is_civil_servant_service(application.service) else "โรงเรียน"


def ask(application: Application) -> list[Say]:
    requested = application.requested_documents or []
    index = _next_index(application)
    if index is None:
        return []
    item = requested[index]
    nonce = f"a{application.id}"
    return [AskFiles(
        f"{_asker(application)}ขอเอกสารเพิ่มเติมสำหรับคำขอเลขที่ {application.public_number} "
        f"(รายการที่ {index + 1} จาก {len(requested)}): {item.get('name', '')}",
        document_label=str(item.get("name", "")),
        choices=[Choice("ยังไม่มีเอกสารนี้", postback=postback.encode(nonce, ACTION, "none", str(index)))],
    )]


async def handle(session: AsyncSession, application: Application, input: Input, *, flow: Flow | None,
                 config: SchoolConfig, clock: Clock) -> list[Say]:
    """Take what the parent sent for the current requested document, then ask the next."""
    index = _next_index(application)
    if index is None:
        return []
    requested = [dict(item) for item in application.requested_documents or []]
    said: list[Say] = []
    if isinstance(input, FilesInput):
        requested[index]["files"] = list(input.file_ids)
        document = requested[index].get("document", "")
        step = flow.step(document) if flow is not None else None
        if step is not None and step.is_document:
            # The file joins the answer it completes, so staff see it where they expect it.
            answers = dict(application.answers or {})
            answers[document] = [*(answers.get(document) or []), *input.file_ids]
            application.answers = answers
            application.missing_documents = [m for m in application.missing_documents or []
                                             if m.get("document") != document]
        said.append(Text(f"ได้รับ{requested[index].get('name', 'เอกสาร')}แล้วค่ะ"))
    elif isinstance(input, PostbackInput):
        pb = postback.decode(input.data)
        if pb is not None and pb.arg(0) == "none" and pb.arg(1) == str(index):
            requested[index]["unavailable"] = True
            said.append(Text(f"บันทึกไว้แล้วว่ายังไม่มีเอกสารนี้ค่ะ {_asker(application)}จะพิจารณาตามเอกสารที่มีค่ะ"))
    application.requested_documents = requested
    application.updated_at = clock.now()
    if _next_index(application) is None:
        await workflow.perform(session, application, workflow.Action.DOCUMENTS_RECEIVED, staff=None,
                               now=clock.now(), config=config)
        asker = _asker(application)
        return [*said, Text(f"ส่งเอกสารครบตามที่{asker}ขอแล้วค่ะ {asker}จะตรวจสอบและแจ้งผลทาง LINE นี้ค่ะ")]
    await session.flush()
    return [*said, *ask(application)]
