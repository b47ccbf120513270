"""The schoolbot command as a school's IT person uses it."""

from __future__ import annotations

import io
import json

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def _no_start_up_freeze(monkeypatch):
    """`serve` and `worker` ask a long-lived process to freeze its start-up objects (backend/lazy.py);
    this test process, which runs them in-process, is not one and must keep collecting."""
    from backend import lazy

    monkeypatch.setitem(lazy._FREEZING, "enabled", False)


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
    main(["school", "set-bank-secret", "--school", "bannong"])
    told = capsys.readouterr().out
    assert "/payments/bank-callback/bannong" in told and "not shown again" in told
    main(["school", "list"])
    listing = capsys.readouterr().out
    assert "bannong\tโรงเรียนบ้านหนองบัว\tchannels: bannong" in listing
    with pytest.raises(SystemExit):
        main(["school", "add-channel", "--school", "bannong", "--slug", "bannong", "--secret", "s", "--token", "t"])


def test_a_district_office_gets_its_schools_and_district_staff_only_where_a_school_has_one(cli_env, capsys):
    main(["school", "add", "--slug", "bannong", "--name", "โรงเรียนบ้านหนองบัว"])
    with pytest.raises(SystemExit):
        main(["staff", "invite", "--school", "bannong", "--role", "district"])
    assert "belongs to no district office" in capsys.readouterr().err
    main(["district", "add", "--slug", "kk1", "--name", "สำนักงานเขตพื้นที่การศึกษาประถมศึกษาขอนแก่น เขต 1"])
    main(["district", "add-school", "--district", "kk1", "--school", "bannong"])
    assert "bannong belongs to kk1" in capsys.readouterr().out
    main(["staff", "invite", "--school", "bannong", "--role", "district"])
    assert "invite code for a district of bannong" in capsys.readouterr().out


def test_obec_opens_a_thai_test_session_and_enrols_its_officers_with_an_invite(cli_env, capsys):
    main(["obec", "add-test-session", "--date", "2026-12-12", "--place", "สพฐ. กรุงเทพฯ", "--seats", "30",
          "--closes", "2026-12-01"])
    assert "2026-12-12, 30 seats, registration until 2026-12-01" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["obec", "add-test-session", "--date", "2026-12-12", "--place", "x", "--seats", "30",
              "--closes", "2026-12-20"])
    assert "registration closes after the test" in capsys.readouterr().err
    main(["staff", "invite", "--school", "demo", "--role", "obec"])
    assert "invite code for a obec of demo" in capsys.readouterr().out


def test_invalid_configuration_stops_with_the_variable_named(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "only-half")
    monkeypatch.delenv("LINE_CHANNEL_ACCESS_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exited:
        main(["db", "upgrade"])
    assert exited.value.code == 2
    assert "LINE_CHANNEL_ACCESS_TOKEN" in capsys.readouterr().err


def test_real_line_credentials_without_keys_stop_the_server_naming_each_variable(monkeypatch, capsys, tmp_path):
    for name in ("FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET", "SIGNING_DIR", "SIGNING_PKCS12_FILE",
                 "SIGNING_KEY_FILE", "DATABASE_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("LINE_CHANNEL_SECRET", "s" * 32)
    monkeypatch.setenv("LINE_CHANNEL_ACCESS_TOKEN", "t" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://bot.school.example")
    for command in (["serve"], ["worker"], ["db", "upgrade"]):
        with pytest.raises(SystemExit) as exited:
            main(command)
        assert exited.value.code == 2
        refusal = capsys.readouterr().err
        for variable in ("FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET", "SIGNING_DIR"):
            assert variable in refusal, (command, refusal)
    # Nothing was made beside the data to stand in for the missing keys.
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())


def test_db_upgrade_makes_the_data_folder_private_and_seals_channel_credentials(monkeypatch, tmp_path, capsys):
    import asyncio
    import os
    import stat

    import sqlalchemy as sa

    from backend.db import make_engine
    from backend.schools import MessagingChannel

    for name in ("LINE_CHANNEL_SECRET", "LINE_CHANNEL_ACCESS_TOKEN", "REDIS_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("DATA_DIR", str(data))
    old_umask = os.umask(0o022)  # what a shell usually has: files 0644, folders 0755
    try:
        main(["db", "upgrade"])
        main(["demo"])
        database = f"sqlite:///{data / 'schoolbot.sqlite3'}"

        async def add_plain_channel() -> None:  # as a version before sealing stored it
            engine = make_engine(database)
            async with engine.begin() as connection:
                await connection.execute(sa.insert(MessagingChannel).values(
                    school_id=1, slug="old", channel_secret="plain-secret", access_token="plain-token",
                    created_at=sa.func.now()))
            await engine.dispose()

        asyncio.run(add_plain_channel())
        main(["db", "upgrade"])
    finally:
        os.umask(old_umask)
    assert "sealed the credentials of 1 channel" in capsys.readouterr().out
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "schoolbot.sqlite3").stat().st_mode) == 0o600
    raw = (data / "schoolbot.sqlite3").read_bytes() + b"".join(
        p.read_bytes() for p in data.glob("schoolbot.sqlite3-*"))
    assert b"plain-secret" not in raw and b"plain-token" not in raw


def test_serve_takes_its_port_from_PORT_as_make_run_passes_it(cli_env, capsys, monkeypatch):
    import uvicorn

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: served.update(options))
    monkeypatch.setenv("PORT", "8100")
    main(["serve"])
    assert served["port"] == 8100
    assert "http://127.0.0.1:8100/sim/" in capsys.readouterr().out
    main(["serve", "--port", "8200"])
    assert served["port"] == 8200
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SystemExit):
        main(["serve"])
    assert "PORT" in capsys.readouterr().err
