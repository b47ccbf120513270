"""The schoolbot command as a school's IT person uses it."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main


@pytest.fixture
def cli_env(monkeypatch, env):
    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    main(["demo"])


def test_a_schools_configuration_round_trips_through_show_and_set(cli_env, capsys, monkeypatch, tmp_path):
    capsys.readouterr()
    main(["school", "show-config", "--school", "demo"])
    config = json.loads(capsys.readouterr().out)
    config["phone"] = "02-111-2222"
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")
    main(["school", "set-config", "--school", "demo", "--file", str(path)])
    main(["school", "show-config", "--school", "demo"])
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])["phone"] == "02-111-2222"


def test_an_invalid_configuration_is_refused_naming_the_field_and_nothing_changes(cli_env, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO('{"venues": [{"id": "Main Hall", "name": "หอประชุม"}]}'))
    with pytest.raises(SystemExit) as exited:
        main(["school", "set-config", "--school", "demo", "--file", "-"])
    assert exited.value.code == 1
    assert "venues.0.id" in capsys.readouterr().err
    main(["school", "show-config", "--school", "demo"])
    assert json.loads(capsys.readouterr().out)["venues"][0]["id"] == "hall"


def test_a_second_school_gets_its_own_channel_and_webhook_url(cli_env, capsys):
    main(["school", "add", "--slug", "bannong", "--name", "โรงเรียนบ้านหนองบัว"])
    main(["school", "add-channel", "--school", "bannong", "--slug", "bannong", "--secret", "s", "--token", "t"])
    assert "/line/webhook/bannong" in capsys.readouterr().out
    main(["school", "list"])
    listing = capsys.readouterr().out
    assert "bannong\tโรงเรียนบ้านหนองบัว\tchannels: bannong" in listing
    with pytest.raises(SystemExit):
        main(["school", "add-channel", "--school", "bannong", "--slug", "bannong", "--secret", "s", "--token", "t"])


def test_invalid_configuration_stops_with_the_variable_named(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "only-half")
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["db", "upgrade"])
    assert exited.value.code == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in capsys.readouterr().err
