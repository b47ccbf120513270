"""Every setting the product reads from its environment, in one typed object.

`Variables` declares each environment variable once (its name is the field's name, its meaning the
field's description); docs/configuration.md is the table of them, checked against this class by a
test. Nothing else in the product reads ``os.environ`` for its own settings. `load_settings` turns
the variables into `Settings`: what each part of the product is given (the domain's
`BackendSettings`, LINE's hosts and channel, the staff pages' secrets, the signing material), with
the defaults that let the bot run with nothing set (SQLite, the simulator, development keys made
once under DATA_DIR) and the refusal to run for real on those development keys.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from backend.config import BackendSettings, ConfigError, SigningSettings
from backend.data_dir import prepare_data_dir

SIGNING_DIR_NAME = "signing"  # per-school signing material under DATA_DIR, development only


def _url(value: str | None, schemes: set[str]) -> str | None:
    if value is None:
        return None
    value = value.rstrip("/")
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not parsed.netloc:
        raise ValueError(f"must be a URL starting with {' or '.join(sorted(schemes))}://")
    return value


_WEB = {"http", "https"}


class Variables(BaseSettings):
    """The environment variables, as set (unset or empty: the default)."""

    model_config = SettingsConfigDict(case_sensitive=True, extra="ignore", frozen=True,
                                      env_ignore_empty=True)

    # -- LINE
    LINE_CHANNEL_SECRET: SecretStr | None = Field(
        None, description="the default school's Messaging API channel secret; unset: the simulator")
    LINE_CHANNEL_ACCESS_TOKEN: SecretStr | None = Field(
        None, description="the default school's channel access token (set both or neither)")
    LINE_API_BASE_URL: str | None = Field(
        None, description="LINE's API; default `https://api.line.me` (the simulator's when simulated)")
    LINE_API_DATA_BASE_URL: str | None = Field(
        None, description="LINE's content API; default `https://api-data.line.me`, or "
                          "`LINE_API_BASE_URL` when only that is set")
    LINE_LOGIN_CHANNEL_ID: str | None = Field(
        None, description="the LINE Login channel whose ID tokens the staff pages verify "
                          "(simulator: built in)")
    # -- where things live
    DATABASE_URL: str | None = Field(
        None, description="`postgresql://...` in production; default a SQLite file in `DATA_DIR`")
    REDIS_URL: str | None = Field(
        None, description="shared locks and caches for several processes; default an in-process store")
    REDIS_NAMESPACE: str = Field("schoolbot", min_length=1, description="prefix of Redis keys")
    PORT: int = Field(8000, ge=1, le=65535,
                      description="the port `schoolbot serve` listens on unless `--port` is given "
                                  "(`PORT=8100 make run`)")
    PUBLIC_BASE_URL: str | None = Field(
        None, description="the HTTPS address LINE and phones fetch images and files from; "
                          "default `http://127.0.0.1:<port>`")
    DATA_DIR: Path = Field(
        Path("data"), description="encrypted uploads, SQLite, and (development only) generated keys")
    DEFAULT_SCHOOL: str = Field("demo", min_length=1,
                                description="slug of the school the default channel belongs to")
    MAX_UPLOAD_MB: int = Field(10, ge=1, description="largest photo or PDF accepted from parents")
    S3_BUCKET: str | None = Field(None, description="S3-compatible storage for uploads; "
                                                    "default files under `DATA_DIR`")
    S3_ENDPOINT_URL: str | None = Field(None, description="the S3 endpoint (other than AWS)")
    S3_ACCESS_KEY_ID: str | None = Field(None, description="S3 access key (needed with `S3_BUCKET`)")
    S3_SECRET_ACCESS_KEY: SecretStr | None = Field(
        None, description="S3 secret key (needed with `S3_BUCKET`)")
    S3_REGION: str = Field("us-east-1", description="S3 region")
    # -- keys (production: all three kinds set, kept apart from DATA_DIR)
    FILE_ENCRYPTION_KEYS: SecretStr | None = Field(
        None, description="`id:base64(32 bytes)[,...]`, the first encrypts new files; "
                          "**required in production** (development: a key made in `DATA_DIR`)")
    STAFF_SESSION_SECRET: SecretStr | None = Field(
        None, description="signs staff sessions and public media links, the same on every web host; "
                          "**required in production** (development: a key made in `DATA_DIR`)")
    STAFF_SESSION_PREVIOUS_SECRETS: SecretStr | None = Field(
        None, description="while rotating `STAFF_SESSION_SECRET`: the secrets it replaces, comma-separated; "
                          "what they signed is still accepted until removed (docs/production.md, key rotation)")
    STAFF_LIFF_ID: str | None = Field(
        None, description="the staff LIFF app (endpoint `PUBLIC_BASE_URL/staff/login`)")
    SIGNING_DIR: Path | None = Field(
        None, description="per-school signing material, `<SIGNING_DIR>/<slug>/school.p12` or "
                          "`key.pem` + `cert.pem` (+ `chain.pem`); outside `DATA_DIR` "
                          "(development: `DATA_DIR/signing`)")
    SIGNING_PKCS12_FILE: Path | None = Field(
        None, description="one PKCS#12 key and certificate for every school without its own")
    SIGNING_PKCS12_PASSWORD: SecretStr | None = Field(None, description="its password")
    SIGNING_KEY_FILE: Path | None = Field(
        None, description="or: one PEM key for every school without its own (with `SIGNING_CERT_FILE`)")
    SIGNING_CERT_FILE: Path | None = Field(None, description="the PEM certificate of `SIGNING_KEY_FILE`")
    SIGNING_CHAIN_FILE: Path | None = Field(None, description="the issuing CA certificates (PEM)")
    SIGNING_KEY_PASSWORD: SecretStr | None = Field(None, description="the password of `SIGNING_KEY_FILE`")
    SIGNING_TSA_URL: str | None = Field(None, description="an RFC 3161 timestamp authority for signatures")
    SIGNING_TRUST_ROOTS: Path | None = Field(
        None, description="PEM roots the verify page trusts besides the chain's own")
    # -- logs and metrics (docs/observability.md)
    LOG_FORMAT: str = Field("json", pattern="^(json|text)$",
                            description="`json`: one JSON object a line (request and event ids); `text`: for reading")
    LOG_LEVEL: str = Field("INFO", pattern="^(DEBUG|INFO|WARNING|ERROR)$", description="the least severe level logged")
    METRICS_TOKEN: SecretStr | None = Field(
        None, description="serve `GET /metrics` (Prometheus) to scrapers sending `Authorization: Bearer <token>`; "
                          "unset: no metrics page")
    METRICS_PORT: int | None = Field(
        None, ge=1, le=65535, description="`schoolbot worker` serves its metrics on this port (no token: keep it "
                                          "on a private network); unset: none")
    METRICS_HOST: str = Field("127.0.0.1", description="the address the worker's metrics port binds to")
    # -- other services
    SMS_GATEWAY_URL: str | None = Field(
        None, description="second channel for rejections and late-decision notices: POST JSON "
                          "`{to, message, sender}`; unset: no SMS")
    SMS_GATEWAY_TOKEN: SecretStr | None = Field(None, description="sent as `Authorization: Bearer`")
    SMS_SENDER: str = Field("", description="the SMS sender name")
    BANK_CALLBACK_SECRET: SecretStr | None = Field(
        None, description="HMAC-SHA256 secret of the default school's payment callback "
                          "(`POST /payments/bank-callback`, header `X-Bank-Signature`); other schools: "
                          "`schoolbot school set-bank-secret`")

    @field_validator("LINE_API_BASE_URL", "LINE_API_DATA_BASE_URL", "PUBLIC_BASE_URL",
                     "S3_ENDPOINT_URL", "SMS_GATEWAY_URL", "SIGNING_TSA_URL")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        return _url(value, _WEB)

    @field_validator("DATABASE_URL")
    @classmethod
    def _database(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("sqlite", "postgres")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("REDIS_URL")
    @classmethod
    def _redis(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// or rediss:// URL")
        return value

    @classmethod
    def settings_customise_sources(cls, settings_cls: type[BaseSettings], init_settings: Any,
                                   env_settings: Any, dotenv_settings: Any,
                                   file_secret_settings: Any) -> tuple[Any, ...]:
        given = _GIVEN_ENVIRONMENT.get()
        if given is None:
            return init_settings, env_settings
        return init_settings, _MappingSource(settings_cls, given)

    @classmethod
    def read(cls, env: Mapping[str, str] | None = None) -> Variables:
        """From the process environment, or from ``env`` alone (tests, tools) when given."""
        token = _GIVEN_ENVIRONMENT.set(env)
        try:
            return cls()
        except ValidationError as error:
            issue = error.errors()[0]
            variable = str(issue["loc"][0]) if issue["loc"] else "(environment)"
            raise ConfigError(variable, _plain(issue)) from None
        finally:
            _GIVEN_ENVIRONMENT.reset(token)


# A mapping standing in for the process environment while Variables.read builds from it.
_GIVEN_ENVIRONMENT: ContextVar[Mapping[str, str] | None] = ContextVar("given_environment", default=None)


class _MappingSource(PydanticBaseSettingsSource):
    """Environment variables from a given mapping instead of the process environment."""

    def __init__(self, settings_cls: type[BaseSettings], environment: Mapping[str, str]) -> None:
        super().__init__(settings_cls)
        self._environment = environment

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._environment.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return {name: value for name in self.settings_cls.model_fields
                if (value := self._environment.get(name)) not in (None, "")}


def _plain(issue: Any) -> str:
    message = str(issue["msg"])
    return message.removeprefix("Value error, ")


@dataclass(frozen=True)
class Settings:
    backend: BackendSettings
    channel_secret: str
    channel_access_token: str
    line_api_base_url: str
    line_api_data_base_url: str
    line_login_channel_id: str | None
    # True when no LINE credentials are configured: the built-in simulator plays LINE at /sim.
    simulated: bool
    staff_session_secret: bytes
    staff_liff_id: str | None
    signing: SigningSettings
    bank_callback_secret: bytes | None
    # Secrets being rotated out: sessions, links and forms they signed are still accepted.
    staff_session_previous_secrets: tuple[bytes, ...] = ()
    metrics_token: bytes | None = None
    metrics_port: int | None = None
    metrics_host: str = "127.0.0.1"
    # The port `schoolbot serve` listens on: --port, else PORT.
    port: int = 8000


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value is not None else ""


def _simulator_credentials(data_dir: Path) -> tuple[str, str]:
    """Credentials for the local simulator, made once so that web and worker processes agree."""
    path = data_dir / "simulator-channel.json"
    if path.exists():
        stored = json.loads(path.read_text())
        return stored["channel_secret"], stored["access_token"]
    secret, token = secrets.token_hex(16), secrets.token_urlsafe(32)
    _write_once(path, json.dumps({"channel_secret": secret, "access_token": token}).encode())
    return secret, token


def _development_session_secret(data_dir: Path) -> bytes:
    """A key made once under DATA_DIR so that processes on one development machine agree."""
    path = data_dir / "staff-session.key"
    if not path.exists():
        _write_once(path, secrets.token_hex(32).encode())
    return path.read_bytes()


def _write_once(path: Path, data: bytes) -> None:
    prepare_data_dir(path.parent)
    tmp = path.with_suffix(f".{secrets.token_hex(4)}.tmp")
    tmp.write_bytes(data)
    tmp.chmod(0o600)
    tmp.replace(path)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _production_keys_missing(v: Variables, data_dir: Path) -> list[str]:
    """With real LINE credentials every key must be given, never the development ones that sit
    beside the data: a copy of DATA_DIR must not carry what decrypts or signs it."""
    missing = []
    if v.FILE_ENCRYPTION_KEYS is None:
        missing.append("FILE_ENCRYPTION_KEYS")
    if v.STAFF_SESSION_SECRET is None:
        missing.append("STAFF_SESSION_SECRET")
    deployment_wide = v.SIGNING_PKCS12_FILE is not None or (
        v.SIGNING_KEY_FILE is not None and v.SIGNING_CERT_FILE is not None)
    if v.SIGNING_DIR is None and not deployment_wide:
        missing.append("SIGNING_DIR (or SIGNING_PKCS12_FILE, or SIGNING_KEY_FILE with SIGNING_CERT_FILE)")
    return missing


MIN_SESSION_SECRET = 32  # characters: a generated secret (`secrets.token_hex(32)` gives 64), not a word


def _check_production_keys(v: Variables, data_dir: Path) -> None:
    """The keys given for production are real and kept apart from the data they protect."""
    if len(_secret(v.STAFF_SESSION_SECRET)) < MIN_SESSION_SECRET:
        raise ConfigError("STAFF_SESSION_SECRET", f"use at least {MIN_SESSION_SECRET} random characters "
                          "(e.g. the output of: python -c 'import secrets; print(secrets.token_hex(32))')")
    for name in ("SIGNING_DIR", "SIGNING_PKCS12_FILE", "SIGNING_KEY_FILE"):
        path = getattr(v, name)
        if path is not None and _inside(path.expanduser(), data_dir):
            raise ConfigError(name, "must not be inside DATA_DIR: a copy of the data must not carry "
                              "the keys that sign it")


def load_settings(env: Mapping[str, str] | None = None, *, port: int | None = None) -> Settings:
    """``port``: where the app is served (--port), else PORT."""
    v = Variables.read(env)
    port = v.PORT if port is None else port
    data_dir = v.DATA_DIR.expanduser().resolve()
    public_base_url = v.PUBLIC_BASE_URL or f"http://127.0.0.1:{port}"
    secret, token = _secret(v.LINE_CHANNEL_SECRET), _secret(v.LINE_CHANNEL_ACCESS_TOKEN)
    if bool(secret) != bool(token):
        missing = "LINE_CHANNEL_ACCESS_TOKEN" if secret else "LINE_CHANNEL_SECRET"
        raise ConfigError(missing, "set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither")
    simulated = not secret
    if simulated:
        secret, token = _simulator_credentials(data_dir)
        default_api = f"{public_base_url}/sim/line"
    else:
        default_api = "https://api.line.me"
        if not public_base_url.startswith("https://"):
            raise ConfigError("PUBLIC_BASE_URL", "LINE fetches images only over HTTPS: use https://")
        missing = _production_keys_missing(v, data_dir)
        if missing:
            raise ConfigError(missing[0], "with real LINE credentials these must be set, so that no "
                              "development key kept in DATA_DIR is used: " + ", ".join(missing))
    if not simulated:
        _check_production_keys(v, data_dir)
    api = v.LINE_API_BASE_URL or default_api
    data_api = v.LINE_API_DATA_BASE_URL or (
        api if v.LINE_API_BASE_URL or simulated else "https://api-data.line.me")
    return Settings(
        backend=_backend_settings(v, data_dir, public_base_url),
        channel_secret=secret,
        channel_access_token=token,
        line_api_base_url=api,
        line_api_data_base_url=data_api,
        line_login_channel_id=v.LINE_LOGIN_CHANNEL_ID,
        simulated=simulated,
        staff_session_secret=(_secret(v.STAFF_SESSION_SECRET).encode() if v.STAFF_SESSION_SECRET
                              else _development_session_secret(data_dir)),
        staff_liff_id=v.STAFF_LIFF_ID,
        signing=_signing_settings(v, data_dir, simulated=simulated),
        bank_callback_secret=_secret(v.BANK_CALLBACK_SECRET).encode() or None,
        staff_session_previous_secrets=tuple(
            part.strip().encode() for part in _secret(v.STAFF_SESSION_PREVIOUS_SECRETS).split(",") if part.strip()),
        metrics_token=_secret(v.METRICS_TOKEN).encode() or None,
        metrics_port=v.METRICS_PORT,
        metrics_host=v.METRICS_HOST,
        port=port,
    )


def storage_settings(env: Mapping[str, str] | None = None) -> tuple[BackendSettings, SigningSettings]:
    """Where the data and the signing material are, as load_settings says, without making any
    development file (a restore needs an empty DATA_DIR) nor checking the production keys."""
    v = Variables.read(env)
    data_dir = v.DATA_DIR.expanduser().resolve()
    simulated = v.LINE_CHANNEL_SECRET is None
    return (_backend_settings(v, data_dir, v.PUBLIC_BASE_URL or "http://127.0.0.1:8000"),
            _signing_settings(v, data_dir, simulated=simulated))


def _backend_settings(v: Variables, data_dir: Path, public_base_url: str) -> BackendSettings:
    s3 = None
    if v.S3_BUCKET:
        for name in ("S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"):
            if getattr(v, name) is None:
                raise ConfigError(name, "is required when S3_BUCKET is set")
        s3 = {"bucket": v.S3_BUCKET, "access_key_id": v.S3_ACCESS_KEY_ID or "",
              "secret_access_key": _secret(v.S3_SECRET_ACCESS_KEY), "region": v.S3_REGION}
        if v.S3_ENDPOINT_URL:
            s3["endpoint_url"] = v.S3_ENDPOINT_URL
    return BackendSettings(
        data_dir=data_dir,
        database_url=v.DATABASE_URL or f"sqlite:///{data_dir / 'schoolbot.sqlite3'}",
        redis_url=v.REDIS_URL,
        redis_namespace=v.REDIS_NAMESPACE,
        public_base_url=public_base_url,
        default_school=v.DEFAULT_SCHOOL,
        file_encryption_keys=_secret(v.FILE_ENCRYPTION_KEYS) or None,
        max_upload_bytes=v.MAX_UPLOAD_MB * 1024 * 1024,
        s3=s3,
        sms_gateway_url=v.SMS_GATEWAY_URL,
        sms_gateway_token=_secret(v.SMS_GATEWAY_TOKEN) or None,
        sms_sender=v.SMS_SENDER,
    )


def _signing_settings(v: Variables, data_dir: Path, *, simulated: bool) -> SigningSettings:
    def password(value: SecretStr | None) -> bytes | None:
        return value.get_secret_value().encode("utf-8") if value is not None else None

    def path(value: Path | None) -> Path | None:
        return value.expanduser() if value is not None else None

    # Per-school material: SIGNING_DIR; in development also DATA_DIR/signing (`schoolbot signing
    # dev-ca` writes there). In production DATA_DIR is never searched for keys.
    keys_dir = path(v.SIGNING_DIR) or (data_dir / SIGNING_DIR_NAME if simulated else None)
    return SigningSettings(
        keys_dir=keys_dir,
        key_file=path(v.SIGNING_KEY_FILE),
        cert_file=path(v.SIGNING_CERT_FILE),
        chain_file=path(v.SIGNING_CHAIN_FILE),
        key_password=password(v.SIGNING_KEY_PASSWORD),
        pkcs12_file=path(v.SIGNING_PKCS12_FILE),
        pkcs12_password=password(v.SIGNING_PKCS12_PASSWORD),
        tsa_url=v.SIGNING_TSA_URL,
        trust_roots_file=path(v.SIGNING_TRUST_ROOTS),
    )


def environment_variables() -> list[tuple[str, str, str]]:
    """Each variable, its default as written in the table (empty: unset) and its meaning, in
    declaration order: the rows of docs/configuration.md."""
    return [(name, "" if field.default in (None, "") else str(field.default), field.description or "")
            for name, field in Variables.model_fields.items()]


__all__ = ["ConfigError", "Settings", "Variables", "environment_variables", "load_settings", "storage_settings"]
