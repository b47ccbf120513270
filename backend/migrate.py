"""Apply and create schema migrations (Alembic) for a database URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", database_url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


async def seal_stored_secrets(database_url: str, keyring) -> int:
    """After the migrations: seal channel credentials stored in the clear before 15a; how many."""
    from backend.db import make_engine, make_sessionmaker
    from backend.school_admin import seal_stored_secrets as seal

    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            sealed = await seal(session, keyring)
            await session.commit()
            return sealed
    finally:
        await engine.dispose()
