"""Benchmark: how long issuing one e-document takes (render + sign + encrypt + store + commit).

    PYTHONPATH=. python bench/issue_documents.py [--count 50] [--doc-type transfer_out_letter|all]
                                                 [--database-url postgresql://...]

Uses a throw-away data directory, a development CA and SQLite unless --database-url is given
(which must point at an empty, migrated database).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

from backend.catalog import CATALOG
from backend.clock import SystemClock
from backend.config import SigningSettings
from backend.db import make_engine, make_sessionmaker
from backend.documents.service import DocumentIssuer
from backend.documents.signing import make_dev_ca
from backend.files.crypto import KeyRing
from backend.files.service import FileVault
from backend.files.storage import LocalBlobStore
from backend.migrate import upgrade
from backend.schools import School
from flows.services import load_catalog

SAMPLE = {
    "subject_name": "เด็กหญิงสมใจ รักเรียน",
    "national_id": "1103700012345",  # never checked, never shown: only makes the payload realistic
    "student_number": "4521",
    "grade": "ประถมศึกษาปีที่ 3",
    "destination_school": "โรงเรียนอนุบาลขอนแก่น",
    "destination_province": "ขอนแก่น",
    "reason": "ผู้ปกครองย้ายที่ทำงาน",
    "documents_enclosed": ["ระเบียนแสดงผลการเรียน (ปพ.1) 1 ฉบับ", "แบบบันทึกผลการเรียน 1 ฉบับ"],
    "reference_number": "ศธ 04001.123/456",
}
OTHER_SAMPLES = {
    "admission_result": {
        "grade": "ประถมศึกษาปีที่ 1",
        "academic_year": 2570,
        "report_date": "2027-03-20",
    },
    "transfer_in_acceptance": {"origin_school": "โรงเรียนวัดป่า"},
    "withdrawal_certificate": {"withdrawal_date": "2026-11-20"},
    "grade1_entry_decision": {"decision": "deferred", "academic_year": 2570},
    "credit_transfer_result": {
        "courses": [{"code": "ท31101", "name": "ภาษาไทย", "credits": "1.0", "result": "3"}]
    },
    "replacement_letter": {"original_document": "ปพ.1", "original_number": "1234567"},
    "venue_permit": {
        "venue": "หอประชุม",
        "purpose": "ประชุม",
        "start_date": "2026-12-05",
        "end_date": "2026-12-05",
    },
    "receipt": {
        "book_number": "12",
        "receipt_number": "345",
        "received_by": "นางสมศรี มีทรัพย์",
        "items": [{"description": "ค่าธรรมเนียม", "amount": "50"}],
    },
}


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def run(count: int, doc_type: str, database_url: str, data_dir: Path) -> None:
    make_dev_ca(data_dir, "bench", "โรงเรียนบ้านหนองน้ำใส")
    engine = make_engine(database_url)
    sessions = make_sessionmaker(engine)
    clock = SystemClock()
    issuer = DocumentIssuer(
        vault=FileVault(
            KeyRing({"bench": os.urandom(32)}, "bench"), LocalBlobStore(data_dir / "files"), clock
        ),
        signing=SigningSettings(keys_dir=data_dir),
        public_base_url="https://school.example",
        data_dir=data_dir,
    )
    async with sessions() as session:
        school = School(
            slug="bench",
            name="โรงเรียนบ้านหนองน้ำใส",
            created_at=clock.now(),
            settings={"address": "123 หมู่ 4 ตำบลในเมือง อำเภอเมืองขอนแก่น จังหวัดขอนแก่น 40000"},
        )
        session.add(school)
        await session.commit()

    types = list(CATALOG.document_ids()) if doc_type == "all" else [doc_type]

    async def issue_one(index: int) -> float:
        kind = types[index % len(types)]
        data = SAMPLE if kind == "transfer_out_letter" else {**SAMPLE, **OTHER_SAMPLES[kind]}
        started = time.perf_counter()
        async with sessions() as session:
            await issuer.issue(
                session,
                school=school,
                doc_type=kind,
                data=data,
                issued_by="bench",
                now=dt.datetime.now(dt.UTC),
            )
            await session.commit()
        return (time.perf_counter() - started) * 1000

    for index in range(3):  # warm up: fonts, templates, signer
        await issue_one(index)
    timings = [await issue_one(index) for index in range(count)]
    await engine.dispose()

    print(
        f"issue {count} x {doc_type} on {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, {database_url.split(':')[0]}"
    )
    print(
        f"p50 {statistics.median(timings):.0f} ms   p95 {percentile(timings, 0.95):.0f} ms   "
        f"max {max(timings):.0f} ms   mean {statistics.fmean(timings):.0f} ms"
    )


def main() -> None:
    load_catalog()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument(
        "--doc-type", default="transfer_out_letter", choices=["all", *CATALOG.document_ids()]
    )
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        database_url = args.database_url
        if database_url is None:
            database_url = f"sqlite:///{Path(temp) / 'bench.sqlite3'}"
            upgrade(database_url)  # runs its own event loop: before ours starts
        asyncio.run(run(args.count, args.doc_type, database_url, Path(temp)))


if __name__ == "__main__":
    main()
