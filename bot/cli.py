"""The `schoolbot` command: serve, worker, db upgrade, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from backend.config import ConfigError


def _settings(port: int = 8000):
    from bot.config import load_settings

    return load_settings(port=port)


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from bot.app import create_app

    settings = _settings(args.port)
    run_worker = args.worker if args.worker is not None else settings.backend.redis_url is None
    if settings.simulated:
        print(f"No LINE account configured: the simulator is at {settings.backend.public_base_url}/sim/")
    app = create_app(settings, run_worker=run_worker)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=False)


def _worker(args: argparse.Namespace) -> None:
    from bot.runtime import build_runtime

    settings = _settings()

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
    from backend.migrate import upgrade

    settings = _settings()
    settings.backend.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.backend.database_url, args.revision)
    print("database is up to date")


def _demo(args: argparse.Namespace) -> None:
    from backend.demo import create_demo_school

    settings = _settings()
    created = asyncio.run(create_demo_school(settings.backend.database_url, slug=settings.backend.default_school))
    print("demo school created" if created else "demo school already exists")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="schoolbot", description="LINE bot for Thai school e-Services")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the web app (webhook, staff pages, simulator)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
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

    demo = commands.add_parser("demo", help="create a demo school with sample configuration")
    demo.set_defaults(func=_demo)

    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        args.func(args)
    except ConfigError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
