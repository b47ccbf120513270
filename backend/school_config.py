"""A school's own configuration (services, documents, fees, venues, calendar, contact) as typed data.

Stored as JSON on the school's row so staff change it without code; read through this model,
which fills defaults and refuses values that would break a conversation or a fee.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from backend.catalog import CATALOG
from backend.organisations import SchoolType
from backend.thai.grades import Grade
from backend.working_days import WorkingCalendar


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentRule(_Strict):
    """A school's change to one document a service asks for."""

    ask: bool = True  # False: this school does not ask for it at all
    required: bool = True  # False: the parent may skip it without it counting as missing


class ServiceConfig(_Strict):
    """A school's settings for one service; unset values are the service's own (backend.catalog)."""

    enabled: bool = True
    time_limit_days: int = Field(default=0, ge=0, le=365)  # 0: the default for the service
    fee: Decimal | None = Field(default=None, ge=0, max_digits=9, decimal_places=2)
    fee_due: str = Field(default="after_approval", pattern="^(at_submission|after_approval)$")
    documents: dict[str, DocumentRule] = Field(default_factory=dict)
    # Staff roles that sign off, in order (e.g. teacher -> registrar -> director); None: the default.
    approvers: list[str] | None = None


class GradeRange(_Strict):
    """The grades a school teaches, lowest to highest: admission offers only its entry grades.
    อ.1 (3-year-olds) is taught only where OBEC already allowed it, so "k1" as the lowest is that
    permission; unset, a school teaches อ.2–ม.6 (docs/rules.md, "Entry grades")."""

    lowest: Grade = Grade.K2
    highest: Grade = Grade.M6

    @model_validator(mode="after")
    def _in_order(self) -> GradeRange:
        order = list(Grade)
        if order.index(self.lowest) > order.index(self.highest):
            raise ValueError("lowest grade comes after the highest")
        return self

    def teaches(self, grade: Grade) -> bool:
        order = list(Grade)
        return order.index(self.lowest) <= order.index(grade) <= order.index(self.highest)

    def label_th(self) -> str:
        return f"{self.lowest.label_th}–{self.highest.label_th}"


class Closure(_Strict):
    """Days the school office is closed besides weekends and public holidays (a holiday the
    Cabinet announced late, a provincial or school closure): no working day for time limits."""

    first_day: dt.date
    last_day: dt.date | None = None  # None: the first day only
    reason: str = Field(min_length=1, max_length=120)

    @model_validator(mode="after")
    def _in_order(self) -> Closure:
        if self.last_day is not None and self.last_day < self.first_day:
            raise ValueError("last_day is before first_day")
        if self.last_day is not None and (self.last_day - self.first_day).days > 366:
            raise ValueError("a closure lasts at most a year")
        return self

    def days(self) -> list[dt.date]:
        last = self.last_day or self.first_day
        return [self.first_day + dt.timedelta(days=n) for n in range((last - self.first_day).days + 1)]


class Venue(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_-]{1,32}$")
    name: str = Field(min_length=1, max_length=60)
    fee_per_day: Decimal = Field(default=Decimal(0), ge=0, max_digits=9, decimal_places=2)
    capacity: int | None = Field(default=None, ge=1)


# -- fees: where PromptPay payments go, and how long a parent has to pay -------------------------


class PromptPayConfig(_Strict):
    """The school's PromptPay account. With a biller ID (bill payment, tag 30) every fee request
    carries its own Ref1, so the bank's file and callbacks say exactly which request was paid;
    a proxy ID alone (credit transfer, tag 29: mobile, tax ID or e-wallet) carries no reference."""

    biller_id: str | None = Field(default=None, pattern=r"^([0-9]{15}|[0-9]{13})$")
    # 10-digit mobile starting with 0, 13-digit national/tax ID, or 15-digit e-wallet ID.
    proxy_id: str | None = Field(default=None, pattern=r"^(0[0-9]{9}|[0-9]{13}|[0-9]{15})$")

    @model_validator(mode="after")
    def _one_target(self) -> PromptPayConfig:
        if self.biller_id is None and self.proxy_id is None:
            raise ValueError("promptpay needs biller_id or proxy_id")
        return self


# backend.staff.Role.DISTRICT_FINANCE (not imported: backend.staff reads this module's callers).
DISTRICT_FINANCE = "district_finance"


class SchoolConfig(_Strict):
    # Which list of services the school follows (backend/organisations.py): an ordinary school,
    # โรงเรียนศึกษาสงเคราะห์, โรงเรียนเฉพาะความพิการ or ศูนย์การศึกษาพิเศษ.
    school_type: SchoolType = SchoolType.ORDINARY
    address: str = ""
    phone: str = ""
    email: str = ""
    office_hours: str = "จันทร์–ศุกร์ 08:30–16:30 น."
    academic_year: int | None = Field(default=None, ge=2500, le=2700)  # BE; None: from today's date
    privacy_notice_url: str = ""
    # A parent who left a request half-done is reminded once after this many hours.
    reminder_after_hours: int = Field(default=24, ge=1, le=720)
    services: dict[str, ServiceConfig] = Field(default_factory=dict)
    venues: list[Venue] = Field(default_factory=list)
    # -- fees (backend/fees) --
    promptpay: PromptPayConfig | None = None
    fee_payment_days: int = Field(default=7, ge=1, le=90)  # days a parent has to pay a fee
    fee_reminder_days: int = Field(default=2, ge=0, le=30)  # reminded this many days before
    receipt_officer: str = Field(default="", max_length=120)  # name printed as the receiver
    # -- rules the school applies (docs/rules.md) --
    grades: GradeRange = Field(default_factory=GradeRange)
    closures: list[Closure] = Field(default_factory=list, max_length=200)
    # -- official letters (backend/documents): the school's code for outgoing letters, before the
    # running number ("ศธ 04002.123" prints "ที่ ศธ 04002.123/45"), and the unit that owns them.
    letter_code: str = Field(default="", max_length=40, pattern=r"^$|^[ก-ฮ]{1,4} ?[0-9๐-๙][0-9๐-๙.]*$")
    owning_unit: str = Field(default="งานทะเบียน", min_length=1, max_length=80)

    @field_validator("services")
    @classmethod
    def _known_services(cls, value: dict[str, ServiceConfig]) -> dict[str, ServiceConfig]:
        known = CATALOG.service_ids()
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown service ids {unknown}; known: {list(known)}")
        for service_id, service in value.items():
            free_by = CATALOG.service(service_id).free_by
            if free_by and service.fee:
                raise ValueError(
                    f"{service_id}.fee: {service_id} must be free ({free_by}); "
                    "a school may not charge for it")
            if service.fee and "obec" in CATALOG.service(service_id).approvers:
                raise ValueError(
                    f"{service_id}.fee: {service_id} is OBEC's own service (docs/rules.md, \"OBEC's own "
                    "services\"): a school may not charge for it")
            if DISTRICT_FINANCE in CATALOG.service(service_id).approvers and service != ServiceConfig():
                # A civil servant's claim reaches the district's finance staff through any school's
                # chat: the school neither switches it off nor changes how it is decided.
                raise ValueError(
                    f"{service_id}: the district's service for its civil servants, decided by its finance "
                    "staff (docs/rules.md, \"Welfare claims of civil servants\"); a school may not switch it "
                    "off or change its settings")
        return value

    @field_validator("venues")
    @classmethod
    def _unique_venues(cls, value: list[Venue]) -> list[Venue]:
        ids = [venue.id for venue in value]
        if len(ids) != len(set(ids)):
            raise ValueError("venue ids must be unique")
        return value

    def service(self, service_id: str) -> ServiceConfig:
        """The school's settings for the service, its unset values filled with the service's defaults."""
        rules = CATALOG.service(service_id)  # KeyError for an id no service declares
        config = self.services.get(service_id, ServiceConfig())
        defaults: dict[str, Any] = {}
        if not config.time_limit_days:
            defaults["time_limit_days"] = rules.time_limit_days
        if config.approvers is None:
            defaults["approvers"] = list(rules.approvers)
        return config.model_copy(update=defaults) if defaults else config

    def enabled_services(self) -> list[str]:
        """The services the school's parents see: those its type offers, less those it switched off."""
        return [s for s in CATALOG.service_ids() if self.type_offers(s) and self.service(s).enabled]

    def type_offers(self, service_id: str) -> bool:
        """Whether a school of this type offers the service at all (its spec's school_types)."""
        return self.school_type.value in CATALOG.service(service_id).school_types

    def working_calendar(self) -> WorkingCalendar:
        """The school's working days: weekdays less Thailand's holidays and its own closures."""
        return WorkingCalendar((day, closure.reason) for closure in self.closures for day in closure.days())

    def venue(self, venue_id: str) -> Venue | None:
        return next((venue for venue in self.venues if venue.id == venue_id), None)


class SchoolConfigError(ValueError):
    """A configuration that cannot be used; the message names each field at fault."""


def parse_school_config(data: dict[str, Any] | None) -> SchoolConfig:
    try:
        return SchoolConfig.model_validate(data or {})
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or '(root)'}: {issue['msg']}"
            for issue in error.errors()
        )
        raise SchoolConfigError(problems) from None


# Parsed configurations by their settings' canonical JSON (keys sorted): the chat reads a school's
# configuration on every message, and validating it costs more than the rest of a simple answer.
# Keyed with the catalog's version too: which service ids are valid comes from it.
_PARSED: dict[tuple[int, bytes], SchoolConfig] = {}
_MAX_PARSED = 64
# Values that JSON has no type for are refused rather than turned into strings, so that two
# settings that parse differently never share a key (such settings are parsed every time).
_KEY_OPTIONS = (orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME
                | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS)


def _settings_key(data: dict[str, Any]) -> bytes:
    key = orjson.dumps(data, option=_KEY_OPTIONS)
    if b"null" in key:
        # orjson writes NaN and infinities as null too; the standard library tells them apart.
        key = b"\0" + json.dumps(data, sort_keys=True).encode()
    return key


def cached_school_config(data: dict[str, Any] | None) -> SchoolConfig:
    """parse_school_config, remembered per distinct settings: the key is the settings' content, not
    the row or the dict object, so a change of a school's settings (even made in place) is parsed
    afresh on the next call. Configurations are frozen; callers must not change what they hold."""
    try:
        key = (CATALOG.version, _settings_key(data or {}))
    except (TypeError, ValueError):  # not plain JSON: set in code, not read from the row
        return parse_school_config(data)
    config = _PARSED.get(key)
    if config is None:
        config = parse_school_config(data)  # a broken configuration raises every time, never cached
        if len(_PARSED) >= _MAX_PARSED:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[key] = config
    return config
