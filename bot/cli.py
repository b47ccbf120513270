"""The `schoolbot` command: serve, worker, db upgrade, backup, restore, demo, richmenu."""

from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import signal
import sys
from pathlib import Path

from backend.config import ConfigError
from backend.data_dir import prepare_data_dir


def _settings(port: int | None = None):
    from bot.config import load_settings

    return load_settings(port=port)


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from backend.lazy import enable_start_up_freeze
    from bot.app import create_app

    enable_start_up_freeze()
    settings = _settings(args.port)
    run_worker = args.worker if args.worker is not None else settings.backend.redis_url is None
    if settings.simulated:
        print(f"No LINE account configured: the simulator is at {settings.backend.public_base_url}/sim/")
    app = create_app(settings, run_worker=run_worker, deploy_rich_menus=settings.simulated)
    # log_config=None: uvicorn's own lines go through the handler _configure_logging set.
    uvicorn.run(app, host=args.host, port=settings.port, log_config=None, access_log=False)


def _worker(args: argparse.Namespace) -> None:
    from backend.lazy import enable_start_up_freeze
    from bot.runtime import build_runtime

    enable_start_up_freeze()
    settings = _settings()
    if settings.metrics_port is not None:
        from bot.metrics import serve_worker_metrics

        serve_worker_metrics(settings.metrics_host, settings.metrics_port)

    async def main() -> None:
        runtime = build_runtime(settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        try:
            await runtime.worker(concurrency=args.concurrency).run(stop)
        finally:
            await runtime.close()

    _run_loop(main())


def _run_loop(coroutine) -> None:
    """Run on uvloop when installed (uvicorn[standard] brings it, and the web process uses it too):
    the worker spends much of its time in socket I/O to the database, Redis and LINE."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(coroutine)
    else:
        uvloop.run(coroutine)


def _db_upgrade(args: argparse.Namespace) -> None:
    from backend.migrate import seal_stored_secrets, upgrade

    settings = _settings()
    prepare_data_dir(settings.backend.data_dir)
    upgrade(settings.backend.database_url, args.revision)
    sealed = asyncio.run(seal_stored_secrets(settings.backend.database_url, _keyring(settings)))
    if sealed:
        print(f"sealed the credentials of {sealed} channel(s) stored before they were encrypted")
    print("database is up to date")


def _demo(args: argparse.Namespace) -> None:
    from backend.demo import create_demo_school

    settings = _settings()
    created = asyncio.run(create_demo_school(settings.backend.database_url, slug=settings.backend.default_school))
    print("demo school created" if created else "demo school already exists")
    keys_dir = settings.signing.keys_dir
    if settings.simulated and keys_dir is not None and not (keys_dir / settings.backend.default_school).exists():
        # So that e-documents can be issued and verified right away when trying the bot out.
        from backend.documents.signing import make_dev_ca

        make_dev_ca(keys_dir, settings.backend.default_school, "โรงเรียนสาธิตบ้านสวน")
        print("development signing certificate made for the demo school")
    if settings.simulated and keys_dir is not None and not (keys_dir / "obec").exists():
        # OBEC's own documents (a certificate of equivalence) are signed with OBEC's material.
        from backend.documents.signing import make_dev_ca
        from backend.organisations import OBEC_SHORT_TH, OBEC_SLUG

        make_dev_ca(keys_dir, OBEC_SLUG, OBEC_SHORT_TH)
        print("development signing certificate made for OBEC's own documents")


def _theme(args: argparse.Namespace):
    from richmenus.render import Theme

    return Theme(primary=args.primary, accent=args.accent)


def _richmenu_render(args: argparse.Namespace) -> None:
    from pathlib import Path

    from richmenus.menus import all_menus
    from richmenus.render import render_all

    settings = _settings()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for menu in render_all(all_menus(settings.backend.public_base_url), _theme(args)):
        path = out / f"{menu.name}.png"
        path.write_bytes(menu.image)
        print(f"{path}  {menu.deployed_name}  {len(menu.image) // 1024} KB")


def _richmenu_deploy(args: argparse.Namespace) -> None:
    from backend.school_config import parse_school_config
    from bot.runtime import build_runtime
    from richmenus.deploy import deploy
    from richmenus.menus import PARENTS, all_menus
    from richmenus.render import render_all

    settings = _settings()

    async def main() -> None:
        # The runtime gives the channel registry (the default channel needs its school in the
        # database, as `schoolbot demo` creates) and the SDK clients, which need the running loop.
        runtime = build_runtime(settings)
        try:
            channel = await runtime.channels.get(args.channel)
            # The tiles name only the services the channel's school offers (its type's).
            school = await runtime.channels.school(channel.school_id)
            offered = parse_school_config(school.settings).enabled_services()
            menus = render_all(all_menus(settings.backend.public_base_url, offered), _theme(args))
            report = await deploy(runtime.clients.messaging(channel), runtime.clients.blob(channel), menus,
                                  make_default=PARENTS)
            print(report.summary())
        finally:
            await runtime.close()

    asyncio.run(main())


def _school(args: argparse.Namespace) -> None:
    import json
    import sys as _sys

    from backend import school_admin
    from backend.clock import SystemClock
    from backend.db import make_engine, make_sessionmaker

    settings = _settings()

    async def run() -> None:
        engine = make_engine(settings.backend.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                now = SystemClock().now()
                if args.school_command == "list":
                    for school, channels in await school_admin.list_schools(session):
                        default = " (default channel)" if school.slug == settings.backend.default_school else ""
                        print(f"{school.slug}\t{school.name}{default}\tchannels: {', '.join(channels) or '-'}")
                elif args.school_command == "add":
                    await school_admin.add_school(session, slug=args.slug, name=args.name, now=now)
                    print(f"school {args.slug} added")
                elif args.school_command == "show-config":
                    school = await school_admin.get_school(session, args.school)
                    print(json.dumps(school.settings, ensure_ascii=False, indent=2))
                elif args.school_command == "set-config":
                    text = _sys.stdin.read() if args.file == "-" else Path(args.file).read_text(encoding="utf-8")
                    await school_admin.set_config(session, slug=args.school, config=json.loads(text))
                    print(f"configuration of {args.school} saved")
                elif args.school_command == "add-channel":
                    await school_admin.add_channel(session, keyring=_keyring(settings), school_slug=args.school,
                                                   slug=args.slug, secret=args.secret, token=args.token, now=now)
                    print(f"channel added: webhook URL {settings.backend.public_base_url}/line/webhook/{args.slug}")
                await session.commit()
        finally:
            await engine.dispose()

    from backend.school_admin import SchoolAdminError
    from backend.school_config import SchoolConfigError

    try:
        asyncio.run(run())
    except (SchoolAdminError, SchoolConfigError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


def _keyring(settings):
    from backend.files.crypto import deployment_keyring

    return deployment_keyring(settings.backend.file_encryption_keys, settings.backend.data_dir)


def _rotate_file_keys(args: argparse.Namespace) -> None:
    from backend.db import make_engine, make_sessionmaker
    from backend.files.service import rewrap_all
    from backend.school_admin import reseal_stored_secrets

    settings = _settings()
    keyring = _keyring(settings)

    async def run() -> tuple[int, int]:
        engine = make_engine(settings.backend.database_url)
        try:
            sessions = make_sessionmaker(engine)
            files = await rewrap_all(sessions, keyring)
            async with sessions() as session:
                sealed = await reseal_stored_secrets(session, keyring)
                await session.commit()
            return files, sealed
        finally:
            await engine.dispose()

    files, sealed = asyncio.run(run())
    print(f"{files} file(s) and {sealed} stored credential(s) now under key {keyring.current_key_id}; "
          "the older keys can leave FILE_ENCRYPTION_KEYS once no backup you keep needs them")


def _with_school(slug: str, work) -> None:
    """Run work(session, school, now) in a transaction, for commands about one school."""
    from backend.clock import SystemClock
    from backend.db import make_engine, make_sessionmaker
    from backend.schools import school_by_slug

    settings = _settings()

    async def run() -> None:
        engine = make_engine(settings.backend.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                school = await school_by_slug(session, slug)
                if school is None:
                    print(f"error: no school {slug!r} (see: schoolbot school list)", file=sys.stderr)
                    sys.exit(1)
                await work(session, school, SystemClock().now(), settings)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())


def _school_bank_secret(args: argparse.Namespace) -> None:
    from backend import school_admin

    async def work(session, school, now, settings) -> None:
        secret = sys.stdin.readline().strip() if args.from_stdin else secrets.token_urlsafe(32)
        await school_admin.set_bank_callback_secret(session, keyring=_keyring(settings), school_slug=school.slug,
                                                    secret=secret)
        if not args.from_stdin:
            print(f"bank callback secret (give it to the bank; it is not shown again): {secret}")
        print(f"the bank posts to {settings.backend.public_base_url}/payments/bank-callback/{school.slug}")

    try:
        _with_school(args.school, work)
    except ValueError as error:  # SchoolAdminError: a secret too short
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


def _staff_invite(args: argparse.Namespace) -> None:
    from backend.staff import create_invite

    async def work(session, school, now, settings) -> None:
        if args.role in ("district", "district_finance", "civil_servant") and school.district_id is None:
            print(f"error: {school.slug} belongs to no district office: "
                  "set one first (schoolbot district add-school)", file=sys.stderr)
            sys.exit(1)
        code = await create_invite(session, school_id=school.id, role=args.role, now=now)
        print(f"invite code for a {args.role} of {school.slug}: {code}")
        print("the teacher types it in the school's LINE chat (valid 3 days, once)")

    _with_school(args.school, work)


def _district_add(args: argparse.Namespace) -> None:
    from backend.organisations import DistrictOffice, district_by_slug

    async def work(session, school, now, settings) -> None:
        if await district_by_slug(session, args.slug) is not None:
            print(f"error: a district office {args.slug!r} exists already", file=sys.stderr)
            sys.exit(1)
        session.add(DistrictOffice(slug=args.slug, name=args.name, level=args.level, created_at=now))
        print(f"district office {args.slug} added")

    _with_session(work)


def _district_add_school(args: argparse.Namespace) -> None:
    from backend.organisations import district_by_slug

    async def work(session, school, now, settings) -> None:
        district = await district_by_slug(session, args.district)
        if district is None:
            print(f"error: no district office {args.district!r}", file=sys.stderr)
            sys.exit(1)
        school.district_id = district.id
        print(f"{school.slug} belongs to {district.slug}")

    _with_school(args.school, work)


def _with_session(work) -> None:
    """Run work(session, None, now, settings) in a transaction, for commands about no one school."""
    from backend.clock import SystemClock
    from backend.db import make_engine, make_sessionmaker

    settings = _settings()

    async def run() -> None:
        engine = make_engine(settings.backend.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                await work(session, None, SystemClock().now(), settings)
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(run())


def _signing_dev_ca(args: argparse.Namespace) -> None:
    from backend.documents.signing import make_dev_ca

    async def work(session, school, now, settings) -> None:
        if not settings.simulated or settings.signing.keys_dir is None:
            raise SystemExit("development certificates are for the simulator only: with real LINE "
                             "credentials, put the school's own key in SIGNING_DIR/<slug>/")
        paths = make_dev_ca(settings.signing.keys_dir, school.slug, school.name, overwrite=args.overwrite)
        print(f"development signing key and certificate for {school.slug} written under "
              f"{settings.signing.keys_dir} (not for production: {paths!r})")

    _with_school(args.school, work)


def _obec_add_test_session(args: argparse.Namespace) -> None:
    import datetime as dt

    from backend import thai_test

    async def work(session, school, now, settings) -> None:
        try:
            added = await thai_test.add_session(
                session, held_on=dt.date.fromisoformat(args.date), place=args.place, seats=args.seats,
                registration_closes=dt.date.fromisoformat(args.closes), now=now)
        except ValueError as error:
            print(f"error: {error}", file=sys.stderr)
            sys.exit(1)
        print(f"Thai competency test session {added.id}: {added.held_on}, {added.seats} seats, "
              f"registration until {added.registration_closes}")

    _with_session(work)


def _obec_dev_ca(args: argparse.Namespace) -> None:
    from backend.documents.signing import make_dev_ca
    from backend.organisations import OBEC_SHORT_TH, OBEC_SLUG

    async def work(session, school, now, settings) -> None:
        if not settings.simulated or settings.signing.keys_dir is None:
            raise SystemExit("development certificates are for the simulator only: with real LINE "
                             f"credentials, put OBEC's own key in SIGNING_DIR/{OBEC_SLUG}/")
        make_dev_ca(settings.signing.keys_dir, OBEC_SLUG, OBEC_SHORT_TH)
        print(f"development signing key and certificate for OBEC written under {settings.signing.keys_dir}")

    _with_session(work)


def _deployment(backend, signing):
    from backend.backup import Deployment

    files = {role: path for role, path in (
        ("pkcs12", signing.pkcs12_file), ("key", signing.key_file), ("cert", signing.cert_file),
        ("chain", signing.chain_file), ("trust_roots", signing.trust_roots_file)) if path is not None}
    return Deployment(database_url=backend.database_url, data_dir=backend.data_dir,
                      signing_dir=signing.keys_dir, signing_files=files, files_in_s3=backend.s3 is not None)


def _backup(args: argparse.Namespace) -> None:
    from backend.backup import backup
    from backend.clock import SystemClock

    settings = _settings()
    now = SystemClock().now()
    out = Path(args.out) if args.out else Path(f"schoolbot-backup-{now:%Y%m%dT%H%M%SZ}.tar")
    report = backup(_deployment(settings.backend, settings.signing), out, now=now)
    print(report.summary())
    if report.manifest["file_store"] != "DATA_DIR/files":
        print("note: the files are in the S3 bucket, which this archive does not hold; back the bucket up")
    print("keep FILE_ENCRYPTION_KEYS and STAFF_SESSION_SECRET in your secret store, not with this archive")


def _restore(args: argparse.Namespace) -> None:
    from backend.backup import restore, verify

    if args.check:
        manifest = verify(Path(args.archive))
        print(f"{args.archive}: intact, {len(manifest['members'])} members, made {manifest['created_at']} "
              f"by schoolbot {manifest['versions']['schoolbot']} at migration {manifest['migration_head']}")
        return
    from bot.config import storage_settings

    manifest = restore(_deployment(*storage_settings()), Path(args.archive))
    print(f"restored {len(manifest['members'])} members from {args.archive} "
          f"(made {manifest['created_at']}, migration {manifest['migration_head']}); "
          "now run: schoolbot db upgrade")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="schoolbot", description="LINE bot for Thai school e-Services")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app (webhook, staff pages, simulator)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None, help="default: PORT, else 8000")
    serve.add_argument("--worker", action=argparse.BooleanOptionalAction, default=None,
                       help="also process events in this process (default: yes unless REDIS_URL is set)")
    serve.set_defaults(func=_serve)

    worker = commands.add_parser("worker", help="process recorded events and deliver messages")
    worker.add_argument("--concurrency", type=int, default=32)
    worker.set_defaults(func=_worker)

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_commands.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("revision", nargs="?", default="head")
    upgrade.set_defaults(func=_db_upgrade)

    school = commands.add_parser("school", help="schools, their configuration and LINE channels")
    school_commands = school.add_subparsers(dest="school_command", required=True)
    school_commands.add_parser("list", help="list schools and their channels")
    add = school_commands.add_parser("add", help="add a school")
    add.add_argument("--slug", required=True)
    add.add_argument("--name", required=True, help="the school's name in Thai")
    show = school_commands.add_parser("show-config", help="print a school's configuration (JSON)")
    show.add_argument("--school", required=True)
    set_config = school_commands.add_parser("set-config", help="replace a school's configuration from JSON")
    set_config.add_argument("--school", required=True)
    set_config.add_argument("--file", required=True, help="a JSON file, or - for standard input")
    channel = school_commands.add_parser("add-channel", help="add a further LINE channel for a school")
    channel.add_argument("--school", required=True)
    channel.add_argument("--slug", required=True, help="appears in the webhook URL")
    channel.add_argument("--secret", required=True)
    channel.add_argument("--token", required=True)
    bank_secret = school_commands.add_parser(
        "set-bank-secret", help="make (or read) the secret the school's bank signs payment callbacks with")
    bank_secret.add_argument("--school", required=True)
    bank_secret.add_argument("--from-stdin", action="store_true",
                             help="read the secret the bank gave from standard input instead of making one")
    bank_secret.set_defaults(func=_school_bank_secret)
    school.set_defaults(func=_school)

    staff = commands.add_parser("staff", help="school staff who use the staff pages")
    staff_commands = staff.add_subparsers(dest="staff_command", required=True)
    invite = staff_commands.add_parser("invite", help="a one-time code a teacher types in the chat to enrol")
    invite.add_argument("--school", required=True)
    invite.add_argument("--role", required=True,
                        choices=["teacher", "registrar", "finance", "director", "admin", "district",
                                 "district_finance", "civil_servant", "obec"])
    invite.set_defaults(func=_staff_invite)

    district = commands.add_parser("district", help="district offices (สพป./สพม.) and their schools")
    district_commands = district.add_subparsers(dest="district_command", required=True)
    district_add = district_commands.add_parser("add", help="add a district office")
    district_add.add_argument("--slug", required=True)
    district_add.add_argument("--name", required=True, help="its full name in Thai")
    district_add.add_argument("--level", choices=["primary", "secondary"], default="primary",
                              help="primary (สพป.) or secondary (สพม.)")
    district_add.set_defaults(func=_district_add)
    district_school = district_commands.add_parser("add-school", help="make a school belong to a district office")
    district_school.add_argument("--district", required=True)
    district_school.add_argument("--school", required=True)
    district_school.set_defaults(func=_district_add_school)

    obec = commands.add_parser("obec", help="OBEC's own services (docs/rules.md, \"OBEC's own services\")")
    obec_commands = obec.add_subparsers(dest="obec_command", required=True)
    test_session = obec_commands.add_parser("add-test-session",
                                            help="open a session of the Thai competency test for registration")
    test_session.add_argument("--date", required=True, help="the test day, YYYY-MM-DD")
    test_session.add_argument("--place", required=True, help="where, in Thai")
    test_session.add_argument("--seats", required=True, type=int)
    test_session.add_argument("--closes", required=True, help="the last day of registration, YYYY-MM-DD")
    test_session.set_defaults(func=_obec_add_test_session)
    obec_commands.add_parser("dev-ca", help="make a development certificate for OBEC's own documents"
                             ).set_defaults(func=_obec_dev_ca)

    signing = commands.add_parser("signing", help="keys that sign the school's e-documents")
    signing_commands = signing.add_subparsers(dest="signing_command", required=True)
    dev_ca = signing_commands.add_parser("dev-ca", help="make a development CA and school certificate")
    dev_ca.add_argument("--school", required=True)
    dev_ca.add_argument("--overwrite", action="store_true")
    dev_ca.set_defaults(func=_signing_dev_ca)

    backup = commands.add_parser(
        "backup", help="the database, the encrypted files and the signing material in one checked archive")
    backup.add_argument("--out", help="the archive to write (default: schoolbot-backup-<time>.tar here)")
    backup.set_defaults(func=_backup)
    restore = commands.add_parser("restore", help="restore an archive into an empty DATA_DIR and database")
    restore.add_argument("archive")
    restore.add_argument("--check", action="store_true", help="only check the archive's checksums")
    restore.set_defaults(func=_restore)

    rotate = commands.add_parser(
        "rotate-file-keys", help="put every stored file and credential under the first FILE_ENCRYPTION_KEYS key")
    rotate.set_defaults(func=_rotate_file_keys)

    demo = commands.add_parser("demo", help="create a demo school with sample configuration")
    demo.set_defaults(func=_demo)

    richmenu = commands.add_parser("richmenu", help="the rich menus (tap menus under the chat)")
    richmenu_commands = richmenu.add_subparsers(dest="richmenu_command", required=True)
    for name, func, help_text in (
        ("deploy", _richmenu_deploy, "create or update the channel's rich menus; unchanged menus are left alone"),
        ("render", _richmenu_render, "write the menus' images as PNG files for review"),
    ):
        sub = richmenu_commands.add_parser(name, help=help_text)
        sub.add_argument("--primary", default="#0b3d91", help="school colour of the tiles (any CSS colour)")
        sub.add_argument("--accent", default="#f2b705", help="colour of the marks under the labels")
        sub.set_defaults(func=func)
        if name == "deploy":
            sub.add_argument("--channel", default="default", help="channel slug (default: the environment's channel)")
        else:
            sub.add_argument("--out", required=True, help="directory for the PNG files")

    args = parser.parse_args(argv)
    _configure_logging()
    from backend.catalog import CatalogError
    from flows.services import load_catalog

    try:
        load_catalog()
    except CatalogError as error:
        print(f"service catalog error: {error}", file=sys.stderr)
        sys.exit(2)
    try:
        args.func(args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        sys.exit(2)
    except _command_errors() as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)


def _configure_logging() -> None:
    """JSON lines (LOG_FORMAT, LOG_LEVEL); an invalid value is reported when the settings load."""
    from backend.observability import configure_logging
    from bot.config import Variables

    try:
        variables = Variables.read()
        configure_logging(json_lines=variables.LOG_FORMAT == "json", level=variables.LOG_LEVEL)
    except ConfigError:
        configure_logging()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request, with its URL


def _command_errors() -> tuple[type[Exception], ...]:
    # Failures an operator can fix (unknown channel, LINE refusing a request), shown without a traceback.
    from linebot.v3.messaging.exceptions import ApiException

    from backend.backup import BackupError
    from bot.channels import UnknownChannel

    return (UnknownChannel, ApiException, BackupError)


if __name__ == "__main__":
    main()
