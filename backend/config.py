"""What the domain and persistence are given to run: where data lives, which servers, which keys.

Read from the environment by the composition root (bot/config.py, the one place that reads it)
and handed in; the domain never reads the environment itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


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


@dataclass(frozen=True)
class SigningSettings:
    """Where the keys that sign e-documents are (backend/documents/signing.py says the order)."""

    # Per-school material: <keys_dir>/<school slug>/school.p12, or key.pem + cert.pem (+ chain.pem).
    # None: no school has its own; the deployment-wide key below signs for all.
    keys_dir: Path | None = None
    key_file: Path | None = None
    cert_file: Path | None = None
    chain_file: Path | None = None
    key_password: bytes | None = field(default=None, repr=False)
    pkcs12_file: Path | None = None
    pkcs12_password: bytes | None = field(default=None, repr=False)
    tsa_url: str | None = None
    trust_roots_file: Path | None = None
