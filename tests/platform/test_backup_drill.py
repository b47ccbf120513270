"""The restore drill a district runs: a school with a parent's request, its documents and a signed
e-document is backed up, restored into an empty DATA_DIR, database and signing folder, and the
request, its files and the e-document are all there and still verify. A damaged archive, or one
that would overwrite live data, is refused and nothing is written."""

from __future__ import annotations

import asyncio
import io
import json
import os
import tarfile
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from backend import backup as backups
from backend.applications.models import Application
from backend.clock import FakeClock
from backend.db import make_engine
from backend.documents.models import IssuedDocument
from backend.documents.signing import make_dev_ca
from backend.documents.untrusted_pdf import check_signature
from backend.files.models import StoredFile
from backend.migrate import upgrade
from backend.records.models import StudentRecord
from tests.chat import Parent, file_transfer_out
from tests.conftest import POSTGRES_URL
from tests.director import director_signs
from tests.harness import production_keys, running_bot
from web.staff.auth import SIMULATOR_CLIENT_ID


def deployment(env: dict[str, str]) -> backups.Deployment:
    return backups.Deployment(database_url=env["DATABASE_URL"], data_dir=Path(env["DATA_DIR"]),
                              signing_dir=Path(env["SIGNING_DIR"]))


async def staff_action(client: httpx.AsyncClient, application_id: int, action: str, **fields) -> None:
    import re

    page = await client.get("/staff/settings")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text).group(1)
    done = await client.post(f"/staff/applications/{application_id}/actions/{action}",
                             data={"csrf": csrf, **fields}, follow_redirects=True)
    assert done.status_code == 200


async def a_school_with_an_issued_letter(env: dict[str, str], clock: FakeClock, namespace: str) -> dict:
    """A parent files a transfer-out with a photo; the registrar prepares and the director signs the
    sending letter. What the restored deployment must still show."""
    make_dev_ca(Path(env["SIGNING_DIR"]), "demo", "โรงเรียนสาธิตบ้านสวน")
    async with running_bot(env, clock, namespace=namespace) as bot:
        parent = Parent(bot)
        await file_transfer_out(parent)
        async with bot.runtime.sessions() as session:
            application = await session.scalar(sa.select(Application))
            session.add(StudentRecord(
                school_id=application.school_id, student_number="4521",
                national_id=application.answers["student_national_id"], name="เด็กหญิงสมใจ ใจดี",
                data={"student_number": "4521", "name": "เด็กหญิงสมใจ ใจดี", "level": "primary",
                      "birth_date": "2018-01-09", "terms": [], "gpa": "", "credits_earned": "0.0",
                      "graduated": False},
                source="template", imported_at=clock.now(), updated_at=clock.now()))
            from backend.staff import StaffMember

            user = bot.standin.add_user("ครูทะเบียน")
            registrar = StaffMember(school_id=application.school_id, line_user_id=user.user_id,
                                    display_name="ครูทะเบียน", role="registrar", active=True,
                                    notify_new_submissions=False, created_at=clock.now(),
                                    full_name="นางสาวทะเบียน ใจดี", position="ครู")
            session.add(registrar)
            await session.commit()
        async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as staff:
            token = bot.standin.issue_id_token(user.user_id, SIMULATOR_CLIENT_ID)
            await staff.post("/staff/api/session", json={"id_token": token})
            for action in ("accept_complete", "sign_off"):
                await staff_action(staff, application.id, action)
            await staff_action(staff, application.id, "issue_document", student_number="4521")
        await director_signs(bot, application.id)
        await bot.process()
        async with bot.runtime.sessions() as session:
            application = await session.get(Application, application.id)
            document = await session.scalar(sa.select(IssuedDocument))
            files = {row.id: row.sha256 for row in await session.scalars(
                sa.select(StoredFile).where(StoredFile.deleted_at.is_(None)))}
        return {"application_id": application.id, "status": application.status,
                "answers": application.answers, "reference": application.public_number,
                "code": document.code, "pdf_file": document.storage_key, "files": files}


async def empty_database(tmp_path: Path) -> str:
    """A new, empty database of the same kind as the suite's."""
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    server = sa.engine.make_url(POSTGRES_URL)
    name = f"{server.database}_restore_{uuid.uuid4().hex[:10]}"
    engine = make_engine(POSTGRES_URL)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    if not POSTGRES_URL:
        return
    engine = make_engine(POSTGRES_URL)
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        await connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{sa.engine.make_url(url).database}" WITH (FORCE)'))
    await engine.dispose()


def newest_migration() -> str:
    from alembic.script import ScriptDirectory

    from backend.migrate import MIGRATIONS, alembic_config

    config = alembic_config("sqlite://")
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


@pytest.fixture
def keys(tmp_path) -> dict[str, str]:
    return production_keys(tmp_path / "keys")


async def test_a_restored_backup_shows_the_request_its_files_and_a_still_valid_e_document(
        env, keys, clock, redis_namespace, tmp_path):
    before_env = {**env, **keys}
    before = await a_school_with_an_issued_letter(before_env, clock, redis_namespace)
    archive = tmp_path / "backup" / "school.tar"
    report = await asyncio.to_thread(backups.backup, deployment(before_env), archive, now=clock.now())
    manifest = report.manifest
    assert manifest["migration_head"] == newest_migration()
    assert manifest["versions"]["schoolbot"] and manifest["versions"]["database"]
    names = [member["name"] for member in manifest["members"]]
    assert any(name.startswith("signing/demo/") for name in names)
    assert sum(name.startswith("data/files/") for name in names) == len(before["files"])
    # The files stay encrypted in the archive: no member is the letter's plain PDF.
    with tarfile.open(archive) as tar:
        assert not any(tar.extractfile(m).read().startswith(b"%PDF") for m in tar if m.isfile())

    restored = tmp_path / "restored"
    after_env = {**env, **keys, "DATA_DIR": str(restored / "data"), "SIGNING_DIR": str(restored / "signing"),
                 "DATABASE_URL": await empty_database(restored)}
    try:
        await asyncio.to_thread(backups.restore, deployment(after_env), archive)
        await asyncio.to_thread(upgrade, after_env["DATABASE_URL"])  # what the operator runs next
        async with running_bot(after_env, FakeClock(clock.now()), namespace=redis_namespace + "r") as bot:
            async with bot.runtime.sessions() as session:
                application = await session.get(Application, before["application_id"])
                assert (application.public_number, application.status, application.answers) == (
                    before["reference"], before["status"], before["answers"])
                for file_id, sha256 in before["files"].items():
                    content, _ = await bot.runtime.files.read(session, file_id, school_id=application.school_id)
                    assert content and __import__("hashlib").sha256(content).hexdigest() == sha256
                pdf, _ = await bot.runtime.files.read(session, before["pdf_file"], school_id=application.school_id)
            roots = bot.runtime.documents.signer_for("demo").trust_roots
            signature = await asyncio.to_thread(check_signature, pdf, roots)
            assert signature.ok, signature
            async with httpx.AsyncClient(timeout=30) as phone:
                page = await phone.get(f"{bot.base_url}/verify/{before['code']}")
            assert "ใช้ได้ (ยังมีผล)" in page.text
    finally:
        await drop_database(after_env["DATABASE_URL"])


def small_deployment(folder: Path) -> backups.Deployment:
    """A deployment with a few encrypted-looking files and a migrated SQLite database."""
    data = folder / "data"
    (data / "files" / "1").mkdir(parents=True)
    (data / "files" / "1" / "abc").write_bytes(os.urandom(2000))
    (folder / "signing" / "demo").mkdir(parents=True)
    (folder / "signing" / "demo" / "school.p12").write_bytes(os.urandom(500))
    url = f"sqlite:///{data / 'schoolbot.sqlite3'}"
    upgrade(url)
    return backups.Deployment(database_url=url, data_dir=data, signing_dir=folder / "signing")


def empty_target(folder: Path) -> backups.Deployment:
    return backups.Deployment(database_url=f"sqlite:///{folder / 'data' / 'db.sqlite3'}",
                              data_dir=folder / "data", signing_dir=folder / "signing")


def written(target: backups.Deployment) -> list[Path]:
    return [p for root in (target.data_dir, target.signing_dir) if root.exists()
            for p in root.rglob("*") if p.is_file()]


def test_a_damaged_archive_is_refused_and_nothing_is_written(tmp_path, clock):
    archive = tmp_path / "b.tar"
    backups.backup(small_deployment(tmp_path / "live"), archive, now=clock.now())
    damaged = bytearray(archive.read_bytes())
    damaged[len(damaged) // 2] ^= 0xFF
    archive.write_bytes(bytes(damaged))
    target = empty_target(tmp_path / "new")
    with pytest.raises(backups.BackupError, match="damaged"):
        backups.restore(target, archive)
    assert written(target) == []
    with pytest.raises(backups.BackupError):
        backups.verify(archive)


def test_a_member_changed_inside_a_well_formed_archive_is_refused_by_its_checksum(tmp_path, clock):
    archive = tmp_path / "b.tar"
    backups.backup(small_deployment(tmp_path / "live"), archive, now=clock.now())
    out = io.BytesIO()
    with tarfile.open(archive) as source, tarfile.open(fileobj=out, mode="w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "signing/demo/school.p12":
                data = os.urandom(len(data))  # another key, the same size
            copy.addfile(member, io.BytesIO(data))
    archive.write_bytes(out.getvalue())
    target = empty_target(tmp_path / "new")
    with pytest.raises(backups.BackupError, match=r"signing/demo/school\.p12 does not match its checksum"):
        backups.restore(target, archive)
    assert written(target) == []


def test_restore_refuses_to_overwrite_a_deployment_that_holds_data(tmp_path, clock):
    archive = tmp_path / "b.tar"
    live = small_deployment(tmp_path / "live")
    backups.backup(live, archive, now=clock.now())
    with pytest.raises(backups.BackupError, match=r"DATA_DIR .* is not empty"):
        backups.restore(live, archive)
    manifest = backups.verify(archive)
    assert manifest["database"]["kind"] == "sqlite"
    assert {m["name"] for m in manifest["members"]} == {
        "database/schoolbot.sqlite3", "data/files/1/abc", "signing/demo/school.p12"}


def test_an_archive_from_an_unknown_newer_version_is_refused(tmp_path, clock):
    archive = tmp_path / "b.tar"
    backups.backup(small_deployment(tmp_path / "live"), archive, now=clock.now())
    out = io.BytesIO()
    with tarfile.open(archive) as source, tarfile.open(fileobj=out, mode="w:gz") as copy:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                manifest["migration_head"] = "99z"
                data = json.dumps(manifest).encode()
                member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    archive.write_bytes(out.getvalue())
    with pytest.raises(backups.BackupError, match="99z"):
        backups.restore(empty_target(tmp_path / "new"), archive)
    with tarfile.open(archive) as tar:  # well-formed (and gzip'd: read as well), refused for its content
        assert "manifest.json" in tar.getnames()


def test_backup_and_restore_through_the_command(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    live = tmp_path / "live"
    monkeypatch.setenv("DATA_DIR", str(live / "data"))
    for name in ("DATABASE_URL", "REDIS_URL", "LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "SIGNING_DIR"):
        monkeypatch.delenv(name, raising=False)
    main(["db", "upgrade"])
    main(["demo"])
    archive = tmp_path / "nightly.tar"
    main(["backup", "--out", str(archive)])
    assert f"migration {newest_migration()}" in capsys.readouterr().out
    main(["restore", "--check", str(archive)])
    assert "intact" in capsys.readouterr().out
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "new" / "data"))
    main(["restore", str(archive)])
    assert "schoolbot db upgrade" in capsys.readouterr().out
    main(["school", "list"])
    assert "demo" in capsys.readouterr().out
    with pytest.raises(SystemExit) as refused:
        main(["restore", str(archive)])
    assert refused.value.code == 1
    assert "not empty" in capsys.readouterr().err


def test_a_file_deleted_while_the_backup_runs_is_left_out_and_the_archive_still_restores(tmp_path, clock, monkeypatch):
    live = small_deployment(tmp_path / "live")
    listed = backups._tree

    def listing_then_a_purge(root, prefix, *, skip):
        found = listed(root, prefix, skip=skip)
        if prefix == backups.DATA_PREFIX:
            (live.data_dir / "files" / "1" / "abc").unlink()  # a retention purge, just after the listing
        return found

    monkeypatch.setattr(backups, "_tree", listing_then_a_purge)
    archive = tmp_path / "b.tar"
    report = backups.backup(live, archive, now=clock.now())
    assert "data/files/1/abc" not in {m["name"] for m in report.manifest["members"]}
    assert not any(p.name.startswith(".backup-") for p in live.data_dir.iterdir())  # its links are gone
    backups.restore(empty_target(tmp_path / "new"), archive)


def test_signing_material_with_nowhere_to_go_is_refused_before_anything_is_written(tmp_path, clock):
    archive = tmp_path / "b.tar"
    backups.backup(small_deployment(tmp_path / "live"), archive, now=clock.now())
    target = backups.Deployment(database_url=f"sqlite:///{tmp_path / 'new' / 'data' / 'db.sqlite3'}",
                                data_dir=tmp_path / "new" / "data", signing_dir=None)
    with pytest.raises(backups.BackupError, match="set SIGNING_DIR"):
        backups.restore(target, archive)
    assert not (tmp_path / "new" / "data" / "db.sqlite3").exists()
    assert not (tmp_path / "new" / "data").exists() or not any((tmp_path / "new" / "data").iterdir())


def test_the_database_password_is_handed_to_pg_dump_outside_its_command_line():
    dbname, env = backups._libpq_target("postgresql+asyncpg://school:s3cret-pw@db.internal:5432/schoolbot?sslmode=require")
    assert "s3cret-pw" not in dbname and dbname.startswith("postgresql://school@db.internal:5432/schoolbot")
    assert "sslmode=require" in dbname
    assert env == {"PGPASSWORD": "s3cret-pw"}
    assert backups._libpq_target("postgresql://postgres@127.0.0.1/x")[1] is None
