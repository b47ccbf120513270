"""The container image and the compose file, checked without Docker (this machine has no Docker
daemon; CI neither): the files are read for the properties a district relies on, and the image's
entrypoint script is run here, against the real `schoolbot` command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.config import Variables

ROOT = Path(__file__).parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
SERVICES = COMPOSE["services"]


def stages(dockerfile: str) -> dict[str, str]:
    """Each build stage's instructions (continuation lines joined), by its name."""
    text = re.sub(r"\\\n\s*", " ", dockerfile)
    found, name = {}, None
    for line in text.splitlines():
        if line.startswith("FROM "):
            name = line.split(" AS ")[-1].strip() if " AS " in line else line
            found[name] = ""
        elif name and line.strip() and not line.lstrip().startswith("#"):
            found[name] += line + "\n"
    return found


def test_the_image_is_multi_stage_runs_as_a_user_and_carries_thai_fonts_but_no_build_tools():
    built = stages(DOCKERFILE)
    assert list(built) == ["build", "run"]
    run = built["run"]
    assert "build-essential" in built["build"]
    for tool in ("build-essential", "gcc", "g++", "make ", "-dev "):
        assert tool not in run, f"{tool} installed in the run stage"
    for package in ("fonts-thai-tlwg", "libharfbuzz-subset0", "libpango-1.0-0", "postgresql-client"):
        assert re.search(rf"apt-get install[^\n]*\b{re.escape(package)}\b", run), package
    [user] = re.findall(r"^USER (\S+)$", run, flags=re.MULTILINE)
    assert user.split(":")[0] not in ("root", "0")
    assert "--require-hashes -r /tmp/requirements.lock" in built["build"]
    assert "COPY --from=build /opt/venv /opt/venv" in run
    assert re.search(r'^ENTRYPOINT \["schoolbot-entrypoint"\]$', run, flags=re.MULTILINE)
    assert "HEALTHCHECK" in run and "/readyz" in run
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".env", ".venv", "data", "signing", "backups", ".git"} <= set(ignored)


def test_compose_runs_the_migration_once_before_web_and_worker_and_checks_every_service():
    assert {"postgres", "redis", "migrate", "web", "worker", "caddy"} <= set(SERVICES)
    assert SERVICES["migrate"]["command"] == ["migrate"] and SERVICES["migrate"]["restart"] == "no"
    assert SERVICES["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker"):
        assert SERVICES[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        assert SERVICES[name]["depends_on"]["redis"]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "web", "worker", "caddy"):
        assert SERVICES[name]["healthcheck"]["test"], name
    assert SERVICES["caddy"]["depends_on"]["web"]["condition"] == "service_healthy"
    # Only the proxy is published; the worker's metrics port stays on the internal network.
    published = {name for name, service in SERVICES.items() if service.get("ports")}
    assert published == {"caddy"}
    assert {"80:80", "443:443"} <= set(SERVICES["caddy"]["ports"])
    caddyfile = (ROOT / "docker" / "Caddyfile").read_text()
    assert "reverse_proxy web:8000" in caddyfile and "X-Request-ID" in caddyfile


def test_the_applications_settings_in_compose_and_env_example_are_real_settings():
    known = set(Variables.model_fields) | {"FORWARDED_ALLOW_IPS"}  # uvicorn's own (docs/production.md)
    compose_only = {"SITE_ADDRESS", "POSTGRES_PASSWORD"}  # for compose itself, not the application
    for name in ("web", "worker", "migrate"):
        assert set(SERVICES[name]["environment"]) <= known, name
        assert SERVICES[name]["env_file"] == ".env"
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^([A-Z0-9_]+)=", example, flags=re.MULTILINE))
    assert named - compose_only <= known, named - compose_only - known
    for required in ("FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET", "LINE_CHANNEL_SECRET",
                     "LINE_CHANNEL_ACCESS_TOKEN", "PUBLIC_BASE_URL", "METRICS_TOKEN", *compose_only):
        assert required in named
    environment = SERVICES["web"]["environment"]
    assert environment["DATABASE_URL"].startswith("postgresql://") and environment["REDIS_URL"].startswith("redis://")


@pytest.fixture
def fake_schoolbot(tmp_path) -> Path:
    """A `schoolbot` that prints the arguments it was started with."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "schoolbot"
    fake.write_text('#!/bin/sh\necho "schoolbot $*"\n')
    fake.chmod(0o755)
    return bin_dir


@pytest.mark.parametrize(("args", "runs"), [
    ([], "schoolbot serve --host 0.0.0.0 --port 8000 --no-worker"),
    (["web"], "schoolbot serve --host 0.0.0.0 --port 8000 --no-worker"),
    (["web", "--worker"], "schoolbot serve --host 0.0.0.0 --port 8000 --no-worker --worker"),
    (["worker", "--concurrency", "8"], "schoolbot worker --concurrency 8"),
    (["migrate"], "schoolbot db upgrade"),
    (["backup", "--out", "/backups/x.tar.gz"], "schoolbot backup --out /backups/x.tar.gz"),
])
def test_the_entrypoint_starts_the_process_the_container_is_for(fake_schoolbot, args, runs):
    result = subprocess.run(["sh", str(ROOT / "docker" / "entrypoint.sh"), *args], capture_output=True, text=True,
                            env={"PATH": f"{fake_schoolbot}:/usr/bin:/bin"}, check=True)
    assert result.stdout.strip() == runs


def test_the_entrypoints_migrate_brings_an_empty_database_to_the_head(tmp_path):
    """The migrate service's command, run here with the real schoolbot on SQLite."""
    venv_bin = Path(sys.executable).parent
    env = {"PATH": f"{venv_bin}:/usr/bin:/bin", "DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path),
           "LOG_FORMAT": "json"}
    result = subprocess.run(["sh", str(ROOT / "docker" / "entrypoint.sh"), "migrate"], capture_output=True,
                            text=True, env=env, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "database is up to date" in result.stdout
    assert (tmp_path / "data" / "schoolbot.sqlite3").exists()
    assert os.stat(tmp_path / "data").st_mode & 0o077 == 0
    # The log lines are JSON, as the container's log driver collects them.
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines and all(line.startswith("{") for line in lines)
