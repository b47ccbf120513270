"""Configuration: defaults that run with nothing set, and errors that name the variable to fix."""

import re
from pathlib import Path

import pytest

from backend.config import ConfigError
from bot.config import environment_variables, load_settings
from tests.harness import production_keys


def test_nothing_set_runs_the_simulator_on_sqlite(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path)})
    assert settings.simulated
    assert settings.backend.database_url.startswith("sqlite:///")
    assert settings.backend.redis_url is None
    assert settings.line_api_base_url == "http://127.0.0.1:8000/sim/line"
    assert settings.line_api_data_base_url == settings.line_api_base_url


def test_simulator_credentials_are_stable_across_processes(tmp_path):
    first = load_settings({"DATA_DIR": str(tmp_path)})
    second = load_settings({"DATA_DIR": str(tmp_path)})
    assert (first.channel_secret, first.channel_access_token) == (second.channel_secret, second.channel_access_token)


def production(tmp_path, **more) -> dict[str, str]:
    """Real LINE credentials with the keys production requires, kept outside DATA_DIR."""
    return {"DATA_DIR": str(tmp_path / "data"), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
            "PUBLIC_BASE_URL": "https://bot.example.ac.th", **production_keys(tmp_path / "keys"), **more}


def test_real_line_defaults_to_line_hosts(tmp_path):
    settings = load_settings(production(tmp_path))
    assert not settings.simulated
    assert settings.line_api_base_url == "https://api.line.me"
    assert settings.line_api_data_base_url == "https://api-data.line.me"


def test_data_host_follows_api_host_when_only_that_is_set(tmp_path):
    settings = load_settings(production(tmp_path, LINE_API_BASE_URL="http://127.0.0.1:9000"))
    assert settings.line_api_data_base_url == "http://127.0.0.1:9000"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"LINE_CHANNEL_SECRET": "s"}, "LINE_CHANNEL_ACCESS_TOKEN"),
        ({"LINE_CHANNEL_ACCESS_TOKEN": "t"}, "LINE_CHANNEL_SECRET"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"REDIS_URL": "localhost:6379"}, "REDIS_URL"),
        ({"PUBLIC_BASE_URL": "bot.example"}, "PUBLIC_BASE_URL"),
        ({"LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t", "PUBLIC_BASE_URL": "http://bot.example"},
         "PUBLIC_BASE_URL"),
        ({"LINE_API_BASE_URL": "api.line.me"}, "LINE_API_BASE_URL"),
        ({"MAX_UPLOAD_MB": "ten"}, "MAX_UPLOAD_MB"),
    ],
)
def test_invalid_configuration_names_the_variable(tmp_path, env, variable):
    with pytest.raises(ConfigError) as raised:
        load_settings({"DATA_DIR": str(tmp_path), **env})
    assert raised.value.variable == variable
    assert variable in str(raised.value)


def test_real_line_credentials_without_keys_refuse_to_start_naming_each_variable(tmp_path):
    env = {"DATA_DIR": str(tmp_path), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
           "PUBLIC_BASE_URL": "https://bot.example.ac.th"}
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    for variable in ("FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET", "SIGNING_DIR", "SIGNING_PKCS12_FILE"):
        assert variable in str(raised.value)
    # Nothing was made beside the data to stand in for the missing keys.
    assert not (tmp_path / "staff-session.key").exists()


@pytest.mark.parametrize("missing", ["FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET"])
def test_each_missing_production_key_is_named(tmp_path, missing):
    env = production(tmp_path)
    del env[missing]
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    assert raised.value.variable == missing


def test_production_signing_keys_may_not_sit_in_the_data_folder(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings(production(tmp_path, SIGNING_DIR=str(tmp_path / "data" / "signing")))
    assert raised.value.variable == "SIGNING_DIR"


@pytest.mark.parametrize("variable", ["SIGNING_PKCS12_FILE", "SIGNING_KEY_FILE"])
def test_no_production_signing_key_may_sit_in_the_data_folder(tmp_path, variable):
    env = production(tmp_path, **{variable: str(tmp_path / "data" / "school.key"),
                                  "SIGNING_CERT_FILE": str(tmp_path / "keys" / "cert.pem")})
    del env["SIGNING_DIR"]
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    assert raised.value.variable == variable


def test_a_production_session_secret_must_be_random_not_a_word(tmp_path):
    with pytest.raises(ConfigError) as raised:
        load_settings(production(tmp_path, STAFF_SESSION_SECRET="changeme"))
    assert raised.value.variable == "STAFF_SESSION_SECRET"


def test_production_never_looks_for_school_keys_in_the_data_folder(tmp_path):
    env = production(tmp_path)
    del env["SIGNING_DIR"]
    env["SIGNING_PKCS12_FILE"] = str(tmp_path / "keys" / "school.p12")
    settings = load_settings(env)
    assert settings.signing.keys_dir is None
    assert settings.signing.pkcs12_file == tmp_path / "keys" / "school.p12"


def test_production_uses_the_given_keys(tmp_path):
    env = production(tmp_path)
    settings = load_settings(env)
    assert settings.staff_session_secret == env["STAFF_SESSION_SECRET"].encode()
    assert settings.backend.file_encryption_keys == env["FILE_ENCRYPTION_KEYS"]
    assert settings.signing.keys_dir == tmp_path / "keys" / "signing"


def test_the_simulator_makes_its_development_keys_once(tmp_path):
    first = load_settings({"DATA_DIR": str(tmp_path)})
    second = load_settings({"DATA_DIR": str(tmp_path)})
    assert first.staff_session_secret == second.staff_session_secret
    assert first.signing.keys_dir == tmp_path / "signing"


def test_the_process_environment_is_read_when_no_mapping_is_given(tmp_path, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MAX_UPLOAD_MB", "3")
    monkeypatch.delenv("LINE_CHANNEL_SECRET", raising=False)
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    assert load_settings().backend.max_upload_bytes == 3 * 1024 * 1024


def test_every_variable_is_in_the_configuration_table_and_nothing_else():
    table = (Path(__file__).parents[2] / "docs" / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, flags=re.MULTILINE))
    assert documented == {name for name, _, _ in environment_variables()}


def test_no_module_reads_the_environment_for_settings_but_the_settings_module():
    root = Path(__file__).parents[2]
    readers = sorted(
        str(path.relative_to(root)) for package in ("backend", "flows", "bot", "web", "richmenus")
        for path in (root / package).rglob("*.py")
        if re.search(r"os\.environ|os\.getenv", path.read_text(encoding="utf-8"))
    )
    # bot/line_api.py asks only whether proxy variables or ~/.netrc exist (how HTTP is routed).
    assert readers == ["bot/config.py", "bot/line_api.py"]
