"""The catalog of school services and e-document types: what the domain knows of each, filled at start.

Each service is declared once, in flows/services/<id>.py; the domain must not import the
conversations, so it defines here what it needs of a service (``ServiceRules``: time limit,
approval chain, the document it issues and how that document's data is made, fee rule) and
reads it from ``CATALOG``, which ``flows.services.load_catalog()`` fills when a program starts
(bot/runtime.py, bot/cli.py, tests/conftest.py). Document types that belong to no service register
themselves (the receipt: backend/fees/receipts.py).

A rule that cannot work stops the start with a ``CatalogError`` naming the module that declared
it and the part at fault; reading the catalog before it was loaded raises ``CatalogNotLoaded``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backend.applications.models import Application
    from backend.documents.from_applications import Answers
    from backend.school_config import SchoolConfig

# Where a document type's template is looked for unless it names its own file.
PACKAGED_TEMPLATES = Path(__file__).resolve().parent / "documents" / "templates"
STABLE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# Ref2 of a PromptPay bill payment: banks print it upper case; the fee request stores 20 characters.
FEE_CODE = re.compile(r"^[A-Z0-9]{1,20}$")
# A chat button shows "1. " before a document's short title, within LINE's 20 characters.
MAX_SHORT_TITLE = 17
MAX_TIME_LIMIT_DAYS = 365
# Whose authority a document carries (DocumentType.signer).
SIGNERS = ("director", "finance", "obec", "district")
LOAD_HINT = ("call flows.services.load_catalog() when the program starts "
             "(bot/runtime.py and bot/cli.py do)")


class CatalogError(ValueError):
    """A service or document type declared so that it cannot work; the message names where."""


class CatalogNotLoaded(RuntimeError):
    """The catalog was read before the services were registered."""


# -- documents ------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DocumentType:
    """One kind of e-document: how it is named, what its template needs, where the template is."""

    id: str  # stored on every issued document: never renamed
    title_th: str  # as printed on the document and shown in the chat
    # Keys the template cannot do without; the rest of a document's data is optional.
    # Every type needs "subject_name": the person the document is about (the student, the payer,
    # the applicant), from which the public verify page shows a masked name.
    required: tuple[str, ...]
    download_name: str  # what a phone saves the PDF as: ASCII, as some phones mangle other names
    short_title: str  # for a chat button, at most MAX_SHORT_TITLE characters
    # The Jinja2 template; by default backend/documents/templates/<id>.html. A school may still
    # override it with a file of the same name in its own template folder.
    template: Path | None = None
    # Adds what is derived from the data before it is stored and printed (a receipt's total).
    derive: Callable[[dict[str, Any]], None] | None = None
    # Whose authority the document carries: "director" (the director signs, or whoever the
    # director's order empowers: backend/documents/authority.py), "finance" (the officer who
    # received the money signs a receipt), "obec" (OBEC's own document: an officer of OBEC signs
    # it, and it is issued as OBEC's, with OBEC's signing material, not a school's), or "district"
    # (a district office's permit: the district's director or a deputy signs, under the district's
    # letterhead and signing key).
    signer: str = "director"
    # Which official form it follows: "letter" (หนังสือภายนอก: ครุฑ, ที่, เรื่อง, เรียน ... numbered
    # from the school's letter series), "certificate" (หนังสือรับรอง: ครุฑ, ที่, numbered too),
    # or "form" (a form of its own: ใบแทน ปพ.1/ปพ.2, the receipt).
    layout: str = "form"

    @property
    def numbered(self) -> bool:
        """Whether it takes a number from the school's outgoing-letter series ("ที่ ศธ .../45")."""
        return self.layout in ("letter", "certificate")

    @property
    def template_path(self) -> Path:
        return self.template or PACKAGED_TEMPLATES / f"{self.id}.html"

    def problems(self) -> list[str]:
        found = []
        if not STABLE_ID.match(self.id):
            found.append(f"document id {self.id!r} must be lower-case letters, digits and _")
        if not self.title_th.strip():
            found.append(f"document {self.id}: title_th is empty")
        if "subject_name" not in self.required:
            found.append(f"document {self.id}: required must list 'subject_name'")
        if not (self.download_name.isascii() and self.download_name.endswith(".pdf")
                and "/" not in self.download_name):
            found.append(f"document {self.id}: download_name {self.download_name!r} must be an ASCII .pdf name")
        if not 0 < len(self.short_title) <= MAX_SHORT_TITLE:
            found.append(f"document {self.id}: short_title {self.short_title!r} must have "
                         f"1–{MAX_SHORT_TITLE} characters")
        if self.signer not in SIGNERS:
            found.append(f"document {self.id}: signer {self.signer!r} must be one of {', '.join(SIGNERS)}")
        if self.layout not in ("letter", "certificate", "form"):
            found.append(f"document {self.id}: layout {self.layout!r} must be letter, certificate or form")
        if not self.template_path.is_file():
            found.append(f"document {self.id}: template {self.template_path} does not exist")
        return found


@dataclass(frozen=True)
class StaffField:
    """Something only staff know, asked on the issue form (the application does not hold it)."""

    name: str
    label_th: str
    required: bool = False
    multiline: bool = False  # kept as typed (lines and all); the service's data maker reads it
    placeholder: str = ""
    # What a reissue form shows from the issued document's data; by default its value of ``name``.
    shown_from: Callable[[Mapping[str, Any]], str] | None = None

    def value_in(self, data: Mapping[str, Any]) -> str:
        if self.shown_from is not None:
            return self.shown_from(data)
        return str(data.get(self.name) or "")


# Makes a document's data from an approved application (its answers, read through ``Answers``),
# the school's configuration and the staff's issue form; raises DocumentInputMissing when
# something it needs is absent.
DataMaker = Callable[["Answers", "Application", "SchoolConfig", Mapping[str, str]], dict[str, Any]]


@dataclass(frozen=True, kw_only=True)
class ServiceDocument:
    """The e-document a service's approved outcome is issued as, and how its data is made."""

    type: DocumentType
    make_data: DataMaker
    # Asked on the staff's issue form before the letter's reference number.
    staff_fields: tuple[StaffField, ...] = ()
    # Whether its data is made with the student's stored record (backend/records): the ใบแทน
    # reproduces it, the transfer letter encloses it. The record reaches make_data as answers.record.
    uses_record: bool = False


# -- fees ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Charge:
    amount: Decimal
    description: str  # what it is for, as the parent and the receipt read it


@dataclass(frozen=True, kw_only=True)
class FeeRule:
    """What a service costs. By default the fee a school sets (services.<id>.fee), charged when
    above zero; ``compute`` works it out from the application instead (the venue's fee per day)."""

    code: str  # Ref2 of a bill payment: which fee a bank file line is for, without a lookup
    # For a configured fee: what it is for, from the application's answers.
    describe: Callable[[Mapping[str, Any]], str] | None = None
    compute: Callable[[Application, SchoolConfig], Charge | None] | None = None

    def description(self, answers: Mapping[str, Any]) -> str:
        return self.describe(answers) if self.describe is not None else "ค่าธรรมเนียมคำขอ"


# -- services -----------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ServiceRules:
    """What the domain knows of one school service; flows/services/<id>.py declares it."""

    id: str  # stored on every application: never renamed
    # Working days a decision may take unless the school sets its own (services.<id>.time_limit_days).
    time_limit_days: int
    # Staff roles that sign off, in order, unless the school sets its own (services.<id>.approvers).
    approvers: tuple[str, ...]
    document: ServiceDocument | None  # None: the outcome is issued on paper, if at all
    fee: FeeRule
    source: str = ""  # the rule the service follows (law, regulation, manual): see docs/rules.md
    # The rule that makes the service free, named when a school's configuration sets a fee for
    # it (docs/rules.md, "What is free"); empty: the school may set a fee.
    free_by: str = ""
    # The last day a decision may fall due, from the application (a venue booking's day before
    # its first day of use); None: the time limit alone decides.
    latest_due: Callable[[Application], dt.date | None] | None = None
    # The types of school whose parents see it (backend/organisations.py SchoolType values), after
    # the source's list for each type (docs/rules.md, "Services by type of school"). By default
    # an ordinary school's only: a service reaches special-education schools when its spec says so.
    school_types: tuple[str, ...] = ("ordinary",)
    # A district office's request decided by assigning the child a school of the district
    # (backend/referrals.py) rather than by the review, sign-off and permit of the others.
    assigns_school: bool = False

    def problems(self) -> list[str]:
        from backend.organisations import SchoolType
        from backend.staff import Role  # the staff model module; not needed to define rules

        found = []
        if not STABLE_ID.match(self.id):
            found.append(f"id {self.id!r} must be lower-case letters, digits and _")
        if not isinstance(self.time_limit_days, int) or not 1 <= self.time_limit_days <= MAX_TIME_LIMIT_DAYS:
            found.append(f"time_limit_days {self.time_limit_days!r} must be working days, 1–{MAX_TIME_LIMIT_DAYS}")
        roles = {role.value for role in Role}
        if not self.approvers or not set(self.approvers) <= roles:
            found.append(f"approvers {list(self.approvers)} must be staff roles, in order, from {sorted(roles)}")
        types = {kind.value for kind in SchoolType}
        if not self.school_types or not set(self.school_types) <= types:
            found.append(f"school_types {list(self.school_types)} must be types of school from {sorted(types)}")
        if not FEE_CODE.match(self.fee.code):
            found.append(f"fee code {self.fee.code!r} must be 1–20 upper-case letters or digits")
        if self.document is not None:
            found += self.document.type.problems()
            names = [field.name for field in self.document.staff_fields]
            if len(names) != len(set(names)):
                found.append(f"document staff_fields repeat a name: {names}")
        return found


class Catalog:
    """The services and document types of this program, in the order they were registered."""

    def __init__(self) -> None:
        self._services: dict[str, ServiceRules] = {}
        self._declared_in: dict[str, str] = {}
        self._documents: dict[str, DocumentType] = {}
        self._loaded = False
        # Changes on every registration: what is built from the catalog is rebuilt when it changes.
        self.version = 0

    # -- filling (at start-up) ------------------------------------------------------------------

    def add_document_type(self, document: DocumentType, *, declared_in: str) -> None:
        problems = document.problems()
        known = self._documents.get(document.id)
        if known is not None and known != document:
            problems.append(f"document id {document.id!r} is already registered")
        if problems:
            raise CatalogError(f"{declared_in}: " + "; ".join(problems))
        self._documents[document.id] = document
        self.version += 1

    def add_service(self, rules: ServiceRules, *, declared_in: str) -> None:
        problems = rules.problems()
        if rules.id in self._services:
            problems.append(f"service id {rules.id!r} is already declared in {self._declared_in[rules.id]}")
        for other in self._services.values():
            if other.fee.code == rules.fee.code:
                problems.append(f"fee code {rules.fee.code!r} is already the code of {other.id}")
        if rules.document is not None and rules.document.type.id in self._documents:
            doc_id = rules.document.type.id
            owner = next((other.id for other in self._services.values()
                          if other.document is not None and other.document.type.id == doc_id), None)
            problems.append(f"document id {doc_id!r} is already "
                            + (f"issued by {owner}" if owner else "registered"))
        if problems:
            raise CatalogError(f"{declared_in}: " + "; ".join(problems))
        self._services[rules.id] = rules
        self._declared_in[rules.id] = declared_in
        if rules.document is not None:
            self._documents[rules.document.type.id] = rules.document.type
        self.version += 1

    def mark_loaded(self) -> None:
        self._loaded = True

    @property
    def loaded(self) -> bool:
        return self._loaded

    @contextlib.contextmanager
    def scope(self) -> Iterator[Catalog]:
        """Undo on exit whatever was registered inside (a test's throwaway service)."""
        saved = (dict(self._services), dict(self._declared_in), dict(self._documents), self._loaded)
        try:
            yield self
        finally:
            self._services, self._declared_in, self._documents, self._loaded = saved
            self.version += 1  # never back to a number a cache saw with other contents

    # -- reading --------------------------------------------------------------------------------

    def _ready(self) -> None:
        if not self._loaded:
            raise CatalogNotLoaded(f"the service catalog is not loaded: {LOAD_HINT}")

    def service(self, service_id: str) -> ServiceRules:
        """The service's rules; KeyError for an id no service file declares."""
        self._ready()
        return self._services[service_id]

    def services(self) -> tuple[ServiceRules, ...]:
        self._ready()
        return tuple(self._services.values())

    def service_ids(self) -> tuple[str, ...]:
        self._ready()
        return tuple(self._services)

    def declared_in(self, service_id: str) -> str:
        return self._declared_in[service_id]

    def document_type(self, doc_type: str) -> DocumentType:
        self._ready()
        try:
            return self._documents[doc_type]
        except KeyError:
            raise ValueError(f"unknown document type {doc_type!r}; known: {list(self._documents)}") from None

    def document_ids(self) -> tuple[str, ...]:
        self._ready()
        return tuple(self._documents)


CATALOG = Catalog()
