"""Issue, revoke, reissue and verify e-documents: render, sign, store encrypted, keep the record."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from backend import metrics
from backend.config import BackendSettings, SigningSettings
from backend.documents import untrusted_pdf
from backend.documents.models import DocumentEvent, DocumentStatus, IssuedDocument
from backend.documents.preview import MAX_SCAN_PAGES, pdf_pages_as_data_urls
from backend.documents.render import (
    DATA_SCHEMA,
    RenderRequest,
    SchoolInfo,
    render_pdf,
)
from backend.documents.signing import (
    SchoolSigner,
    load_school_signer,
    sign_pdf,
)
from backend.documents.types import check_data, spec_for
from backend.files.service import FileVault
from backend.organisations import OBEC_ADDRESS_TH, OBEC_NAME_TH, OBEC_SLUG, DistrictOffice
from backend.sandbox import CHAT, PUBLIC, Sandbox, shared_sandbox
from backend.school_config import parse_school_config
from backend.schools import School
from backend.thai.errors import ThaiInputError
from backend.thai.names import parse_person_name

log = logging.getLogger(__name__)

# Crockford's base32: no I, L, O or U, so a code read off paper and typed back cannot be misread.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 12  # 60 bits: not guessable, short enough to type
_CODE_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})

_PREFIX_ABBREVIATIONS = {"เด็กชาย": "ด.ช.", "เด็กหญิง": "ด.ญ.", "นางสาว": "น.ส."}


class DocumentStateError(Exception):
    """The action does not fit the document's status (revoking a revoked one, say)."""


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(text: str) -> str:
    """Accept codes as people type them: lower case, with dashes or spaces, O for 0, I or L for 1."""
    return "".join(text.split()).replace("-", "").upper().translate(_CODE_READ_AS)


def _mask_word(word: str) -> str:
    return f"{word[0]}***" if word else ""


def mask_name(full_name: str) -> str:
    """ "เด็กหญิงสมใจ ใจดี" -> "ด.ญ. ส*** ใ***": enough to recognise, not enough to identify."""
    try:
        name = parse_person_name(full_name)
    except ThaiInputError:
        return " ".join(_mask_word(word) for word in full_name.split()) or "***"
    masked = f"{_mask_word(name.first)} {' '.join(_mask_word(w) for w in name.last.split())}"
    if name.prefix:
        return f"{_PREFIX_ABBREVIATIONS.get(name.prefix, name.prefix)} {masked}"
    return masked


def _json_ready(data: dict[str, Any]) -> dict[str, Any]:
    # Exactly what a JSON column gives back, so the record and the attachment compare equal.
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def school_info(school: School) -> SchoolInfo:
    """What a document's head and foot print of the school, from its row and configuration."""
    config = parse_school_config(school.settings)
    return SchoolInfo(slug=school.slug, name=school.name, address=config.address, phone=config.phone,
                      email=config.email, owning_unit=config.owning_unit)


# The folder of a district office's own signing material (SIGNING_DIR/district-<slug>/) and
# templates: its permits carry the district's letterhead and key, not the school's.
DISTRICT_SLUG_PREFIX = "district-"
DISTRICT_OWNING_UNIT = "กลุ่มส่งเสริมการจัดการศึกษา"


async def issuing_office(session: AsyncSession, school: School, doc_type: str) -> SchoolInfo:
    """Who a document is issued by: the school; OBEC for OBEC's own documents (signer "obec"),
    filed through a school's chat; or for a district's permit (signer "district") the district
    office the school belongs to. Each but the school has its own name, letterhead and signing key."""
    signer = spec_for(doc_type).signer
    if signer == "obec":
        return SchoolInfo(slug=OBEC_SLUG, name=OBEC_NAME_TH, address=OBEC_ADDRESS_TH, owning_unit="")
    if signer != "district":
        return school_info(school)
    district = await session.get(DistrictOffice, school.district_id) if school.district_id else None
    if district is None:
        raise DistrictNotSet(f"school {school.id} belongs to no district office")
    return SchoolInfo(slug=DISTRICT_SLUG_PREFIX + district.slug, name=district.name,
                      owning_unit=DISTRICT_OWNING_UNIT)


class DistrictNotSet(RuntimeError):
    """A district's permit asked of a school that belongs to no district office."""


def prepare_data(doc_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """Check a document's data and add what is derived from it (a receipt's total in words)."""
    check_data(doc_type, data)
    prepared = _json_ready(data)
    derive = spec_for(doc_type).derive
    if derive is not None:
        derive(prepared)
    return prepared


class VerifyOutcome(StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"
    ALTERED = "altered"  # claims to be one of ours, but is not the file we issued
    UNKNOWN = "unknown"  # not a document of this system
    NOT_SIGNED = "not_signed"


@dataclass(frozen=True)
class VerifyResult:
    outcome: VerifyOutcome
    signature: untrusted_pdf.SignatureCheck
    sha256: str
    document: IssuedDocument | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is VerifyOutcome.VALID


@dataclass
class DocumentIssuer:
    """Everything issuing needs beyond the session; built once per process."""

    vault: FileVault
    signing: SigningSettings
    public_base_url: str
    data_dir: Path | None = None
    # Injected in tests (a fake TSA); otherwise SIGNING_TSA_URL decides.
    timestamper: Any = None
    thai_numerals: bool = True
    # Where uploaded PDFs are read (/verify): a process with a memory and CPU budget, never the
    # threads that render and sign, so a flood of uploads cannot delay a document.
    sandbox: Sandbox = field(default_factory=lambda: shared_sandbox(PUBLIC), repr=False)
    _signers: dict[str, SchoolSigner] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(
        cls, backend: BackendSettings, signing: SigningSettings, vault: FileVault
    ) -> DocumentIssuer:
        """The issuer a process uses: DATA_DIR, PUBLIC_BASE_URL and the signing material."""
        return cls(
            vault=vault,
            signing=signing,
            public_base_url=backend.public_base_url,
            data_dir=backend.data_dir,
        )

    def signer_for(self, school_slug: str) -> SchoolSigner:
        if school_slug not in self._signers:
            self._signers[school_slug] = load_school_signer(
                self.signing, school_slug, timestamper=self.timestamper
            )
        return self._signers[school_slug]

    def verify_url(self, code: str) -> str:
        return f"{self.public_base_url.rstrip('/')}/verify/{code}"

    async def issue(
        self,
        session: AsyncSession,
        *,
        school: School,
        doc_type: str,
        data: dict[str, Any],
        application_id: int | None = None,
        issued_by: str,
        now,
        supersedes: str | None = None,
    ) -> IssuedDocument:
        """Render, sign and store one document; flushed, the caller commits."""
        spec = spec_for(doc_type)
        prepared = prepare_data(doc_type, data)
        code = new_code()
        office = await issuing_office(session, school, doc_type)
        record: dict[str, Any] = {
            "schema": DATA_SCHEMA,
            "code": code,
            "doc_type": spec.id,
            "title": spec.title_th,
            "school": {"slug": school.slug, "name": school.name},
            # Who issues it: the school, or the district office whose permit it is.
            "issuer": {"slug": office.slug, "name": office.name},
            "issued_at": now.isoformat(),
            "verify_url": self.verify_url(code),
            "application_id": application_id,
            "supersedes": supersedes,
            "data": prepared,
        }
        request = RenderRequest(
            school=office,
            doc_type=doc_type,
            code=code,
            verify_url=record["verify_url"],
            issued_at=now,
            record=record,
            thai_numerals=self.thai_numerals,
            scan_pages=await self._scan_pages(session, school.id, prepared),
        )
        signer = self.signer_for(office.slug)
        # WeasyPrint and pyHanko are synchronous and CPU-bound (pyHanko even runs its own event
        # loop): a worker thread keeps the web process answering meanwhile.
        started = time.perf_counter()
        pdf = await asyncio.to_thread(self._render_and_sign, request, signer, office.name)
        metrics.SIGNING_SECONDS.labels(spec.id).observe(time.perf_counter() - started)
        stored = await self.vault.store(
            session,
            school_id=school.id,
            owner_ref="issued-documents",
            source_ref=f"document:{code}",
            data=pdf,
        )
        document = IssuedDocument(
            school_id=school.id,
            application_id=application_id,
            doc_type=spec.id,
            code=code,
            sha256=hashlib.sha256(pdf).hexdigest(),
            storage_key=stored.id,
            status=DocumentStatus.VALID,
            masked_name=mask_name(str(prepared["subject_name"])),
            data=record,
            issued_at=now,
            issued_by=issued_by,
        )
        session.add(document)
        await session.flush()
        session.add(
            DocumentEvent(document_id=document.id, action="issued", actor=issued_by, at=now)
        )
        await session.flush()
        log.info("issued document %s (%s) for school %s", code, doc_type, school.id)
        return document

    async def render_draft(self, session: AsyncSession, *, school: School, doc_type: str,
                           data: dict[str, Any], now) -> bytes:
        """An unsigned copy marked as a draft, for whoever is asked to sign it to read first."""
        prepared = prepare_data(doc_type, data)
        request = RenderRequest(school=await issuing_office(session, school, doc_type), doc_type=doc_type, code="DRAFT",
                                verify_url=self.verify_url("DRAFT"), issued_at=now,
                                record={"data": prepared}, thai_numerals=self.thai_numerals, draft=True,
                                scan_pages=await self._scan_pages(session, school.id, prepared))
        return await asyncio.to_thread(render_pdf, request, data_dir=self.data_dir)

    async def _scan_pages(self, session: AsyncSession, school_id: int, data: dict[str, Any]) -> tuple[str, ...]:
        """The archived scan a document reproduces, as images (a PDF's pages rendered to PNG)."""
        file_id = data.get("record_scan")
        if not file_id:
            return ()
        content, content_type = await self.vault.read(session, str(file_id), school_id=school_id)
        if content_type == "application/pdf":
            # Staff upload the scan: read in the sandbox all the same, as every uploaded PDF is.
            return await shared_sandbox(CHAT).run(pdf_pages_as_data_urls, content, max_pages=MAX_SCAN_PAGES)
        return (f"data:{content_type};base64,{base64.b64encode(content).decode('ascii')}",)

    def _render_and_sign(
        self, request: RenderRequest, signer: SchoolSigner, school_name: str
    ) -> bytes:
        unsigned = render_pdf(request, data_dir=self.data_dir)
        return sign_pdf(
            unsigned, signer, reason=f"{spec_for(request.doc_type).title_th} ออกโดย{school_name}"
        )

    async def revoke(
        self, session: AsyncSession, *, document: IssuedDocument, reason: str, revoked_by: str, now
    ) -> IssuedDocument:
        if document.status != DocumentStatus.VALID:
            raise DocumentStateError(f"document {document.code} is {document.status}, not valid")
        if not reason.strip():
            raise ValueError("a revocation needs a reason")
        document.status = DocumentStatus.REVOKED
        document.revoked_reason = reason.strip()
        document.revoked_at = now
        session.add(
            DocumentEvent(
                document_id=document.id,
                action="revoked",
                reason=reason.strip(),
                actor=revoked_by,
                at=now,
            )
        )
        await session.flush()
        log.info("revoked document %s", document.code)
        return document

    async def reissue(
        self,
        session: AsyncSession,
        *,
        document: IssuedDocument,
        reason: str,
        issued_by: str,
        now,
        data: dict[str, Any] | None = None,
    ) -> IssuedDocument:
        """A corrected (or simply fresh) copy under a new code; the old one becomes superseded."""
        if document.status != DocumentStatus.VALID:
            raise DocumentStateError(f"document {document.code} is {document.status}, not valid")
        if not reason.strip():
            raise ValueError("a reissue needs a reason")
        school = await session.get(School, document.school_id)
        assert school is not None
        replacement = await self.issue(
            session,
            school=school,
            doc_type=document.doc_type,
            data=data if data is not None else document.data["data"],
            application_id=document.application_id,
            issued_by=issued_by,
            now=now,
            supersedes=document.code,
        )
        document.status = DocumentStatus.SUPERSEDED
        document.superseded_by = replacement.id
        session.add(
            DocumentEvent(
                document_id=document.id,
                action="superseded",
                reason=reason.strip(),
                actor=issued_by,
                at=now,
            )
        )
        await session.flush()
        return replacement

    async def read_pdf(self, session: AsyncSession, document: IssuedDocument) -> bytes:
        pdf, _content_type = await self.vault.read(
            session, document.storage_key, school_id=document.school_id
        )
        return pdf

    async def verify_upload(self, session: AsyncSession, pdf_bytes: bytes) -> VerifyResult:
        """Is this file a document we issued, unchanged, validly signed and still in force?

        The file is parsed only in the sandbox; raises SandboxFailed when it costs more than a
        document of ours could (and SandboxBusy when too many wait)."""
        digest = hashlib.sha256(pdf_bytes).hexdigest()
        document = await session.scalar(
            sa.select(IssuedDocument).where(IssuedDocument.sha256 == digest)
        )
        claimed = document
        if claimed is None:
            record = await self.sandbox.run(untrusted_pdf.embedded_record, pdf_bytes)
            code = record.get("code") if isinstance(record, dict) else None
            if isinstance(code, str):
                claimed = await document_by_code(session, code)
        roots = []
        if claimed is not None:
            issuer = (claimed.data or {}).get("issuer") or {}
            school = await session.get(School, claimed.school_id)
            slug = issuer.get("slug") or (school.slug if school is not None else None)
            if slug:
                roots = self.signer_for(str(slug)).trust_roots
        check = await self.sandbox.run(untrusted_pdf.signature_of, pdf_bytes,
                                       [root.dump() for root in roots])
        if not check.signed:
            outcome = VerifyOutcome.NOT_SIGNED
        elif claimed is None:
            outcome = VerifyOutcome.UNKNOWN
        elif document is None or not check.ok:
            outcome = VerifyOutcome.ALTERED
        else:
            outcome = VerifyOutcome(document.status)
        return VerifyResult(outcome=outcome, signature=check, sha256=digest, document=claimed)


async def document_by_code(session: AsyncSession, code: str) -> IssuedDocument | None:
    return await session.scalar(
        sa.select(IssuedDocument).where(IssuedDocument.code == normalize_code(code))
    )


async def document_events(session: AsyncSession, document_id: int) -> list[DocumentEvent]:
    rows = await session.scalars(
        sa.select(DocumentEvent)
        .where(DocumentEvent.document_id == document_id)
        .order_by(DocumentEvent.id)
    )
    return list(rows)
