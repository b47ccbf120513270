"""Settings of the domain and persistence, read from environment variables and checked at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse


class ConfigError(Exception):
    """Invalid configuration; the message names the environment variable to fix."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable


@dataclass(frozen=True)
class BackendSettings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    # Prefix of every Redis key, so that deployments (or test runs) can share one Redis.
    redis_namespace: str
    public_base_url: str
    default_school: str
    file_encryption_keys: str | None
    max_upload_bytes: int
    # S3-compatible storage for uploads when S3_BUCKET is set; otherwise files under DATA_DIR.
    s3: dict[str, str] | None = None
    # The second channel for notices that matter legally (rejections, late decisions).
    sms_gateway_url: str | None = None
    sms_gateway_token: str | None = None
    sms_sender: str = ""

    @property
    def database_is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(name, f"must be at least {minimum}")
    return value


def check_url(env: Mapping[str, str], name: str, default: str, *, schemes: set[str]) -> str:
    value = (env.get(name) or default).rstrip("/")
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ConfigError(name, f"must be a URL starting with {' or '.join(sorted(schemes))}://")
    return value


def load_backend_settings(env: Mapping[str, str] | None = None, *, port: int = 8000) -> BackendSettings:
    env = os.environ if env is None else env
    data_dir = Path(env.get("DATA_DIR") or "data").expanduser().resolve()
    database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'schoolbot.sqlite3'}"
    if not database_url.startswith(("sqlite", "postgres")):
        raise ConfigError("DATABASE_URL", "must be a sqlite:/// or postgresql:// URL")
    redis_url = env.get("REDIS_URL") or None
    if redis_url and not redis_url.startswith(("redis://", "rediss://", "unix://")):
        raise ConfigError("REDIS_URL", "must be a redis:// or rediss:// URL")
    public_base_url = check_url(
        env, "PUBLIC_BASE_URL", f"http://127.0.0.1:{port}", schemes={"http", "https"}
    )
    default_school = env.get("DEFAULT_SCHOOL") or "demo"
    s3 = None
    if env.get("S3_BUCKET"):
        s3 = {"bucket": env["S3_BUCKET"]}
        for name, key in (("S3_ACCESS_KEY_ID", "access_key_id"), ("S3_SECRET_ACCESS_KEY", "secret_access_key")):
            if not env.get(name):
                raise ConfigError(name, "is required when S3_BUCKET is set")
            s3[key] = env[name]
        if env.get("S3_ENDPOINT_URL"):
            s3["endpoint_url"] = check_url(env, "S3_ENDPOINT_URL", "", schemes={"http", "https"})
        s3["region"] = env.get("S3_REGION") or "us-east-1"
    return BackendSettings(
        data_dir=data_dir,
        database_url=database_url,
        redis_url=redis_url,
        redis_namespace=env.get("REDIS_NAMESPACE") or "schoolbot",
        public_base_url=public_base_url,
        default_school=default_school,
        file_encryption_keys=env.get("FILE_ENCRYPTION_KEYS") or None,
        max_upload_bytes=_int(env, "MAX_UPLOAD_MB", 10) * 1024 * 1024,
        s3=s3,
        sms_gateway_url=check_url(env, "SMS_GATEWAY_URL", "", schemes={"https", "http"}) if env.get("SMS_GATEWAY_URL") else None,
        sms_gateway_token=env.get("SMS_GATEWAY_TOKEN") or None,
        sms_sender=env.get("SMS_SENDER") or "",
    )
