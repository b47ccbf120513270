"""One archive holding everything a deployment needs to come back: the database, the file store
(still encrypted: the archive never holds a plain file) and the signing material.

The archive is a tar (not compressed: the files are encrypted, so compressing them only costs
time; a gzip'd archive reads too) whose first member, ``manifest.json``, names the format, the versions
(product, Python, database), the database's migration head, and every other member with its size
and SHA-256. `restore` checks every member against the manifest before it writes anything, and
writes only into an empty target (an empty DATA_DIR, an empty database, an empty signing folder):
a damaged or tampered archive, or one that would overwrite live data, is refused whole.

What is *not* in the archive, on purpose: FILE_ENCRYPTION_KEYS and STAFF_SESSION_SECRET (they live
in the secret store, never beside the data they protect). Files kept in an S3 bucket are not
copied either (the bucket's own versioning and replication back them up); the manifest says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path, PurePosixPath

import sqlalchemy as sa

from backend.data_dir import FILE_MODE, FOLDER_MODE, prepare_data_dir, sqlite_path

FORMAT = "schoolbot-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/schoolbot.sqlite3"
POSTGRES_MEMBER = "database/postgresql.dump"
DATA_PREFIX = "data/"
SIGNING_PREFIX = "signing/"
SIGNING_FILES_PREFIX = "signing-files/"
_CHUNK = 1 << 20
SNAPSHOT_PREFIX = ".backup-"  # a backup's hard links inside DATA_DIR while it runs


class BackupError(Exception):
    """The backup could not be made or the archive cannot be restored; says why, never a secret."""


@dataclass(frozen=True)
class Deployment:
    """Where one deployment keeps what a backup must hold (plain paths: no settings object)."""

    database_url: str
    data_dir: Path
    # Per-school signing material (SIGNING_DIR); None, or inside DATA_DIR (development), is not
    # copied separately.
    signing_dir: Path | None = None
    # Deployment-wide signing files by role (pkcs12, key, cert, chain, trust_roots).
    signing_files: dict[str, Path] = field(default_factory=dict)
    # True when the encrypted files live in an S3 bucket instead of DATA_DIR/files.
    files_in_s3: bool = False


@dataclass(frozen=True)
class Report:
    archive: Path
    manifest: dict

    def summary(self) -> str:
        members = self.manifest["members"]
        total = sum(member["size"] for member in members)
        return (f"{self.archive}: {len(members)} members, {total / 1e6:.1f} MB, "
                f"database {self.manifest['database']['kind']} at migration {self.manifest['migration_head']}")


# -- making a backup


def backup(deployment: Deployment, archive: Path, *, now: dt.datetime) -> Report:
    """Write the archive (atomically: a partial archive never carries the final name)."""
    archive = Path(archive)
    if archive.exists():
        raise BackupError(f"{archive} exists already; choose a new name")
    data_dir = Path(deployment.data_dir)
    with tempfile.TemporaryDirectory(prefix="schoolbot-backup-") as scratch:
        # The database first, then the files as they are after it: a file stored later is not in
        # this database copy (harmless), and a file the copy names but that is gone by the time it
        # is linked was deleted afterwards (a purge, an erasure) and is not wanted back.
        members: list[tuple[str, Path]] = []
        kind, server_version = _dump_database(deployment.database_url, Path(scratch), members)
        head = _migration_head(f"sqlite:///{members[0][1]}" if kind == "sqlite" else deployment.database_url)
        listed = _tree(data_dir, DATA_PREFIX, skip=_sqlite_files(sqlite_path(deployment.database_url)))
        if deployment.signing_dir is not None and not _inside(deployment.signing_dir, data_dir):
            listed += _tree(deployment.signing_dir, SIGNING_PREFIX, skip=set())
        for role, path in sorted(deployment.signing_files.items()):
            if not path.is_file():
                raise BackupError(f"signing file {role} ({path}) is not there")
            listed.append((f"{SIGNING_FILES_PREFIX}{role}", path))
        # Hard links (inside DATA_DIR: the same file system) hold each file as it was listed while
        # the archive is written; where a link cannot be made, a copy in the scratch folder.
        links = Path(tempfile.mkdtemp(prefix=SNAPSHOT_PREFIX, dir=data_dir if data_dir.is_dir() else scratch))
        try:
            members += _snapshot(listed, links)
            manifest = {
                "format": FORMAT,
                "created_at": now.isoformat(),
                "versions": {"schoolbot": _product_version(), "python": platform.python_version(),
                             "database": server_version},
                "migration_head": head,
                "database": {"kind": kind},
                "file_store": "s3 bucket (not in this archive)" if deployment.files_in_s3 else "DATA_DIR/files",
                "members": [{"name": name, "size": path.stat().st_size, "sha256": _sha256(path)}
                            for name, path in members],
            }
            _write_archive(archive, manifest, members)
        finally:
            shutil.rmtree(links, ignore_errors=True)
    return Report(archive=archive, manifest=manifest)


def _snapshot(listed: list[tuple[str, Path]], links: Path) -> list[tuple[str, Path]]:
    kept = []
    for name, path in listed:
        target = links / name
        target.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        try:
            try:
                os.link(path, target)
            except FileNotFoundError:
                raise
            except OSError:  # another file system, or links not allowed: a copy
                shutil.copyfile(path, target)
                target.chmod(FILE_MODE)
        except FileNotFoundError:
            continue  # deleted since it was listed
        kept.append((name, target))
    return kept


def _dump_database(database_url: str, scratch: Path, members: list[tuple[str, Path]]) -> tuple[str, str]:
    path = sqlite_path(database_url)
    if path is not None:
        if not path.exists():
            raise BackupError(f"the SQLite database {path} does not exist")
        copy = scratch / "schoolbot.sqlite3"
        # SQLite's online backup API: a consistent copy while the bot keeps writing (WAL included).
        source = sqlite3.connect(path)
        target = sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        members.append((SQLITE_MEMBER, copy))
        return "sqlite", sqlite3.sqlite_version
    if database_url.startswith(("postgresql", "postgres")):
        dump = scratch / "postgresql.dump"
        dbname, env = _libpq_target(database_url)
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              f"--file={dump}", f"--dbname={dbname}"], "pg_dump", env)
        members.append((POSTGRES_MEMBER, dump))
        version = _run([_tool("pg_dump"), "--version"], "pg_dump").strip()
        return "postgresql", version
    raise BackupError("only SQLite and PostgreSQL databases can be backed up")


def _tree(root: Path, prefix: str, *, skip: set[Path]) -> list[tuple[str, Path]]:
    root = Path(root)
    if not root.exists():
        return []
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() or not path.is_file() or path.resolve() in skip:
            continue
        relative = path.relative_to(root)
        if relative.parts[0].startswith(SNAPSHOT_PREFIX):
            continue  # another backup's links
        if path.name.startswith((".tmp-", ".dev-file-keys-")) or path.suffix == ".tmp":
            continue  # a write in progress: the finished file is what counts
        found.append((prefix + relative.as_posix(), path))
    return found


def _sqlite_files(path: Path | None) -> set[Path]:
    if path is None:
        return set()
    path = path.resolve()
    return {path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm"),
            path.with_name(path.name + "-journal")}


def _write_archive(archive: Path, manifest: dict, members: list[tuple[str, Path]]) -> None:
    archive.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=archive.parent, prefix=f".{archive.name}.")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w") as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode = len(data), FILE_MODE
            tar.addfile(info, io.BytesIO(data))
            for name, path in members:
                info = tarfile.TarInfo(name)
                info.size, info.mode = path.stat().st_size, FILE_MODE
                with path.open("rb") as handle:
                    tar.addfile(info, handle)
            tar.close()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(temporary, archive)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# -- checking and restoring


def verify(archive: Path) -> dict:
    """The manifest of an archive whose every member is present, whole and as listed; else raise."""
    with tempfile.TemporaryDirectory(prefix="schoolbot-verify-") as scratch:
        return _unpack(Path(archive), Path(scratch))


def restore(deployment: Deployment, archive: Path) -> dict:
    """Restore into an empty deployment; returns the manifest. Nothing is written unless every
    member checks out and every target is empty."""
    archive = Path(archive)
    _refuse_non_empty(deployment)
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=_parent_for_staging(deployment.data_dir)))
    try:
        manifest = _unpack(archive, staging)
        _check_compatible(manifest, deployment)
        signing_files = _signing_destinations(staging, deployment)
        # Every check passed: from here on, only writing.
        _restore_database(deployment.database_url, manifest, staging)
        _move_tree(staging / DATA_PREFIX, deployment.data_dir)
        if deployment.signing_dir is not None and (staging / SIGNING_PREFIX).exists():
            _move_tree(staging / SIGNING_PREFIX, deployment.signing_dir)
        for source, target in signing_files:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(source, target)
            target.chmod(FILE_MODE)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _signing_destinations(staging: Path, deployment: Deployment) -> list[tuple[Path, Path]]:
    """Where the archive's signing material goes in this deployment; refuses what has no place."""
    if (staging / SIGNING_PREFIX).exists() and deployment.signing_dir is None:
        raise BackupError("the archive holds per-school signing material: set SIGNING_DIR")
    moves = []
    for source in sorted((staging / SIGNING_FILES_PREFIX).glob("*")):
        target = deployment.signing_files.get(source.name)
        if target is None:
            raise BackupError(f"the archive holds a deployment-wide signing file ({source.name}) "
                              "but no setting says where it goes")
        if target.exists():
            raise BackupError(f"{target} exists: restore only into an empty deployment")
        moves.append((source, target))
    return moves


def _parent_for_staging(data_dir: Path) -> Path:
    # Beside DATA_DIR, so that moving the files into place is a rename on the same file system.
    parent = Path(data_dir).resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    return parent


def _unpack(archive: Path, into: Path) -> dict:
    try:
        with tarfile.open(archive, mode="r:*") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise BackupError("not a schoolbot backup: the manifest is not its first member")
            manifest = _read_manifest(tar, first)
            expected = {member["name"]: member for member in manifest["members"]}
            seen: set[str] = set()
            while (info := tar.next()) is not None:
                _check_member(info, expected, seen)
                target = into / info.name
                target.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
                source = tar.extractfile(info)
                assert source is not None  # a regular file, checked above
                digest, size = hashlib.sha256(), 0
                with target.open("wb") as out:
                    for chunk in iter(lambda: source.read(_CHUNK), b""):  # noqa: B023
                        digest.update(chunk)
                        size += len(chunk)
                        out.write(chunk)
                target.chmod(FILE_MODE)
                wanted = expected[info.name]
                if size != wanted["size"] or digest.hexdigest() != wanted["sha256"]:
                    raise BackupError(f"damaged archive: {info.name} does not match its checksum")
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise BackupError(f"damaged or unreadable archive: {type(error).__name__}: {error}") from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"damaged archive: {len(missing)} member(s) missing, e.g. {missing[0]}")
    return manifest


def _read_manifest(tar: tarfile.TarFile, info: tarfile.TarInfo) -> dict:
    handle = tar.extractfile(info)
    try:
        manifest = json.loads(handle.read()) if handle is not None else None
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"damaged archive or unknown format (expected {FORMAT})")
    members = manifest.get("members")
    if not isinstance(members, list) or not all(
            isinstance(m, dict) and isinstance(m.get("name"), str) and isinstance(m.get("size"), int)
            and isinstance(m.get("sha256"), str) for m in members):
        raise BackupError("damaged archive: the manifest's member list is unreadable")
    return manifest


def _check_member(info: tarfile.TarInfo, expected: dict, seen: set[str]) -> None:
    name = info.name
    parts = PurePosixPath(name).parts
    if not info.isfile() or name.startswith("/") or ".." in parts or name not in expected or name in seen:
        raise BackupError(f"damaged archive: unexpected member {name!r}")
    seen.add(name)


def _refuse_non_empty(deployment: Deployment) -> None:
    database_file = sqlite_path(deployment.database_url)
    data_dir = Path(deployment.data_dir)
    if data_dir.exists():
        present = [p for p in data_dir.rglob("*") if p.is_file() and p.resolve() not in _sqlite_files(database_file)]
        if present:
            raise BackupError(f"DATA_DIR {data_dir} is not empty: restore only into an empty one")
    if deployment.signing_dir is not None and Path(deployment.signing_dir).exists() and any(
            p.is_file() for p in Path(deployment.signing_dir).rglob("*")):
        raise BackupError(f"SIGNING_DIR {deployment.signing_dir} is not empty: restore only into an empty one")
    if _database_has_tables(deployment.database_url):
        raise BackupError("the database is not empty: restore only into a new, empty database")


def _check_compatible(manifest: dict, deployment: Deployment) -> None:
    kind = manifest.get("database", {}).get("kind")
    here = "sqlite" if sqlite_path(deployment.database_url) is not None else "postgresql"
    if kind != here:
        raise BackupError(f"the archive holds a {kind} database; DATABASE_URL names a {here} one")
    head = manifest.get("migration_head")
    if head is not None and head not in _known_revisions():
        raise BackupError(f"the archive's database is at migration {head}, which this version does not "
                          "know: restore with the version that made it (see the manifest), then upgrade")


def _restore_database(database_url: str, manifest: dict, staging: Path) -> None:
    path = sqlite_path(database_url)
    if path is not None:
        path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
        for companion in _sqlite_files(path):
            companion.unlink(missing_ok=True)  # an empty database made by a probe
        shutil.move(staging / SQLITE_MEMBER, path)
        path.chmod(FILE_MODE)
        return
    dbname, env = _libpq_target(database_url)
    _run([_tool("pg_restore"), "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
          f"--dbname={dbname}", str(staging / POSTGRES_MEMBER)], "pg_restore", env)


def _move_tree(source: Path, target: Path) -> None:
    if not source.exists():
        prepare_data_dir(target)
        return
    prepare_data_dir(target)
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_dir():
            destination.mkdir(mode=FOLDER_MODE, exist_ok=True)
        else:
            destination.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
            os.replace(path, destination)


# -- helpers


def _libpq_target(database_url: str) -> tuple[str, dict[str, str] | None]:
    """The URL without its password and, when it has one, an environment giving it (PGPASSWORD)
    so that the password never shows in the process list; the tools are run by absolute path, and
    libpq options other than the password go in the URL's query (e.g. `?sslmode=require`)."""
    url = sa.engine.make_url(database_url)
    env = {"PGPASSWORD": str(url.password)} if url.password else None
    # URL.set(password=None) would keep the password: a new URL without it.
    bare = sa.engine.URL.create("postgresql", username=url.username, host=url.host, port=url.port,
                                database=url.database, query=url.query)
    return bare.render_as_string(hide_password=False), env


def _sqlite_query(path: Path, sql: str) -> object | None:
    """The first value of a query on an existing SQLite file (None: no file, no row, no table)."""
    if not path.exists():
        return None
    connection = sqlite3.connect(path)
    try:
        row = connection.execute(sql).fetchone()
    except sqlite3.Error:
        return None
    finally:
        connection.close()
    return row[0] if row else None


def _postgres_query(database_url: str, sql: str) -> object | None:
    import asyncio

    from backend.db import make_engine

    async def run() -> object | None:
        engine = make_engine(database_url)
        try:
            async with engine.connect() as connection:
                return (await connection.execute(sa.text(sql))).scalar()
        finally:
            await engine.dispose()

    return asyncio.run(run())


_TABLES = {"sqlite": "SELECT count(*) FROM sqlite_master WHERE type='table'",
           "postgresql": "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"}


def _database_has_tables(database_url: str) -> bool:
    path = sqlite_path(database_url)
    if path is not None:
        return bool(_sqlite_query(path, _TABLES["sqlite"]))
    return bool(_postgres_query(database_url, _TABLES["postgresql"]))


def _migration_head(database_url: str) -> str | None:
    path = sqlite_path(database_url)
    if path is not None:
        head = _sqlite_query(path, "SELECT version_num FROM alembic_version")
    elif _postgres_query(database_url, "SELECT to_regclass('alembic_version') IS NOT NULL"):
        head = _postgres_query(database_url, "SELECT version_num FROM alembic_version")
    else:
        head = None
    return str(head) if head is not None else None


def _known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    from backend.migrate import MIGRATIONS, alembic_config

    config = alembic_config("sqlite://")
    config.set_main_option("script_location", str(MIGRATIONS))
    return {script.revision for script in ScriptDirectory.from_config(config).walk_revisions()}


def _product_version() -> str:
    try:
        return metadata.version("schoolbot")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _inside(path: Path, folder: Path) -> bool:
    return Path(path).resolve().is_relative_to(Path(folder).resolve())


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (PostgreSQL's client tools, at least the server's major version)")
    return found


def _run(command: list[str], name: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        raise BackupError(f"{name} failed: {result.stderr.strip()[-500:]}")
    return result.stdout


__all__ = ["BackupError", "Deployment", "Report", "backup", "restore", "verify"]
