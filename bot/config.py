"""Settings of the LINE edge: the default channel, LINE's API hosts, and whether we simulate LINE."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from backend.config import BackendSettings, ConfigError, check_url, load_backend_settings


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


def _simulator_credentials(data_dir: Path) -> tuple[str, str]:
    """Credentials for the local simulator, made once so that web and worker processes agree."""
    path = data_dir / "simulator-channel.json"
    if path.exists():
        stored = json.loads(path.read_text())
        return stored["channel_secret"], stored["access_token"]
    data_dir.mkdir(parents=True, exist_ok=True)
    secret, token = secrets.token_hex(16), secrets.token_urlsafe(32)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"channel_secret": secret, "access_token": token}))
    tmp.chmod(0o600)
    tmp.replace(path)
    return secret, token


def load_settings(env: Mapping[str, str] | None = None, *, port: int = 8000) -> Settings:
    env = os.environ if env is None else env
    backend = load_backend_settings(env, port=port)
    secret = env.get("LINE_CHANNEL_SECRET") or ""
    token = env.get("LINE_CHANNEL_ACCESS_TOKEN") or ""
    if bool(secret) != bool(token):
        missing = "LINE_CHANNEL_ACCESS_TOKEN" if secret else "LINE_CHANNEL_SECRET"
        raise ConfigError(missing, "set both LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN, or neither")
    simulated = not secret
    if simulated:
        secret, token = _simulator_credentials(backend.data_dir)
        default_api = f"{backend.public_base_url}/sim/line"
    else:
        default_api = "https://api.line.me"
        if not backend.public_base_url.startswith("https://"):
            raise ConfigError("PUBLIC_BASE_URL", "LINE fetches images only over HTTPS: use https://")
    api = check_url(env, "LINE_API_BASE_URL", default_api, schemes={"http", "https"})
    data_default = api if env.get("LINE_API_BASE_URL") or simulated else "https://api-data.line.me"
    data_api = check_url(env, "LINE_API_DATA_BASE_URL", data_default, schemes={"http", "https"})
    return Settings(
        backend=backend,
        channel_secret=secret,
        channel_access_token=token,
        line_api_base_url=api,
        line_api_data_base_url=data_api,
        line_login_channel_id=env.get("LINE_LOGIN_CHANNEL_ID") or None,
        simulated=simulated,
    )
