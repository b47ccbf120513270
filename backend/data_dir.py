"""DATA_DIR and the SQLite file hold national ID numbers, children's documents and channel
tokens: only the service's own user may read them (a folder 0700, files 0600), whatever the
umask of the shell that started the service."""

from __future__ import annotations

import os
import stat
from pathlib import Path

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def prepare_data_dir(path: Path) -> Path:
    """Make the folder (and missing parents) private to this user; tighten it if it exists."""
    path = Path(path)
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(FOLDER_MODE)
    return path


def sqlite_path(database_url: str) -> Path | None:
    """The file of a sqlite:/// URL (sync or async driver); None for other databases or memory."""
    for prefix in ("sqlite+aiosqlite:///", "sqlite:///"):
        if database_url.startswith(prefix):
            name = database_url.removeprefix(prefix).split("?", 1)[0]
            return Path(name) if name and name != ":memory:" else None
    return None


def private_sqlite_file(database_url: str) -> None:
    """Create the SQLite file 0600 before SQLite does (it would use the umask, usually 0644), or
    tighten an existing one. SQLite gives its -wal and -shm files the database file's mode."""
    path = sqlite_path(database_url)
    if path is None:
        return
    path.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDONLY | os.O_CREAT, FILE_MODE)
    os.close(descriptor)
    for companion in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if companion.exists() and stat.S_IMODE(companion.stat().st_mode) & 0o077:
            companion.chmod(FILE_MODE)
