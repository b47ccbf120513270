"""Fixtures for e-documents: a migrated database with one school, a development CA, an issuer."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.config import SigningSettings
from backend.db import make_engine, make_sessionmaker
from backend.documents.service import DocumentIssuer
from backend.documents.signing import make_dev_ca
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore
from backend.schools import School
from backend.thai.ids import synthetic_national_id

SCHOOL_SLUG = "nongnamsai"
SCHOOL_NAME = "โรงเรียนบ้านหนองน้ำใส"
PUBLIC_BASE_URL = "https://school.example"
NOW = dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC)

STUDENT_NAME = "เด็กหญิงสมใจ รักเรียน"
STUDENT_ID = synthetic_national_id(20261126)
BIRTH_DATE = "2017-05-14"


def transfer_out_data() -> dict:
    return {
        "subject_name": STUDENT_NAME,
        "national_id": STUDENT_ID,
        "birth_date": BIRTH_DATE,
        "student_number": "4521",
        "grade": "ประถมศึกษาปีที่ 3",
        "destination_school": "โรงเรียนอนุบาลขอนแก่น",
        "destination_province": "ขอนแก่น",
        "reason": "ผู้ปกครองย้ายที่ทำงาน",
        "documents_enclosed": ["ระเบียนแสดงผลการเรียน (ปพ.1) 1 ฉบับ"],
    }


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def dev_certificates(data_dir: Path):
    return make_dev_ca(data_dir, SCHOOL_SLUG, SCHOOL_NAME, now=NOW - dt.timedelta(days=1))


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(database_url)
    yield make_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def school(sessions) -> School:
    async with sessions() as session:
        row = School(
            slug=SCHOOL_SLUG,
            name=SCHOOL_NAME,
            settings={"address": "123 หมู่ 4 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"},
            created_at=NOW,
        )
        session.add(row)
        await session.commit()
        return row


@pytest.fixture
def issuer(data_dir: Path, dev_certificates, clock) -> DocumentIssuer:
    keyring = KeyRing({"test": os.urandom(32)}, "test")
    vault = FileVault(keyring=keyring, blob_store=LocalBlobStore(data_dir / "files"), clock=clock)
    return DocumentIssuer(
        vault=vault,
        signing=SigningSettings(keys_dir=data_dir),
        public_base_url=PUBLIC_BASE_URL,
        data_dir=data_dir,
    )
