"""Configuration: defaults that run with nothing set, and errors that name the variable to fix."""

import pytest

from backend.config import ConfigError
from bot.config import load_settings


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


def test_real_line_defaults_to_line_hosts(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
                              "PUBLIC_BASE_URL": "https://bot.example.ac.th"})
    assert not settings.simulated
    assert settings.line_api_base_url == "https://api.line.me"
    assert settings.line_api_data_base_url == "https://api-data.line.me"


def test_data_host_follows_api_host_when_only_that_is_set(tmp_path):
    settings = load_settings({"DATA_DIR": str(tmp_path), "LINE_CHANNEL_SECRET": "s", "LINE_CHANNEL_ACCESS_TOKEN": "t",
                              "PUBLIC_BASE_URL": "https://bot.example.ac.th",
                              "LINE_API_BASE_URL": "http://127.0.0.1:9000"})
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
