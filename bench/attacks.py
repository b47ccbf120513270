"""`python -m bench.attacks`: replay every attack of the hardening audit (issue 15) against running
servers, and show for each the answer it got and the servers' peak memory while it ran.

Two servers, as in the audit: one in production mode (real-LINE settings, keys given, the LINE
stand-in of bot/simulator as LINE, SQLite) and one in simulator mode for the development login.
Peak memory is the kernel's high-water mark (VmHWM, reset before each attack through
/proc/<pid>/clear_refs) of the web process, plus what its sandbox processes (backend/sandbox.py,
which parse untrusted files under their own budget) hold together; the sum must stay under
300 MB for every attack. Everything runs on
127.0.0.1. `--short` sends 32 MB where the audit sent 1-2 GB (the refusal comes in the first
kilobytes either way); tests/platform/test_attack_replay.py runs that form in CI.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import json
import os
import secrets
import shutil
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil
import sqlalchemy as sa

from bench.bombs import pdf_bomb, png_bomb
from bench.stack import free_port

MEBIBYTE = 1024 * 1024
PEAK_LIMIT_MB = 300
SECRET = "attack-replay-channel-secret-0123456789"
TOKEN = "attack-replay-access-token-" + "t" * 40
BANK_SECRET = "attack-replay-bank-secret-" + "b" * 32
SECOND_SECRET = "second-channel-secret-" + "s" * 20


@dataclass
class Outcome:
    finding: str
    attack: str
    expected: str
    got: str
    ok: bool
    web_peak_mb: float = 0.0
    sandbox_peak_mb: float = 0.0

    @property
    def within_memory(self) -> bool:
        return self.web_peak_mb + self.sandbox_peak_mb < PEAK_LIMIT_MB


# -- the processes ------------------------------------------------------------------------------


def _hwm_kb(pid: int) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _reset_hwm(pid: int) -> None:
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


@dataclass
class Served:
    """A server process under test, and the sandbox processes it starts."""

    name: str
    popen: subprocess.Popen
    url: str
    log: Path

    def _children(self) -> list[psutil.Process]:
        with contextlib.suppress(psutil.NoSuchProcess):
            return psutil.Process(self.popen.pid).children(recursive=True)
        return []

    def reset_peaks(self) -> None:
        for pid in [self.popen.pid, *(child.pid for child in self._children())]:
            _reset_hwm(pid)

    def peaks_mb(self) -> tuple[float, float]:
        """The web process's high-water mark since the last reset, and what its sandbox processes
        hold together: their proportional set sizes (shared pages counted once in all), at the
        end of the attack, or the largest one's high-water mark if that is more."""
        children = self._children()
        pss = 0
        for child in children:
            with contextlib.suppress(psutil.Error):
                pss += child.memory_full_info().pss
        largest = max((_hwm_kb(child.pid) for child in children), default=0) * 1024
        return _hwm_kb(self.popen.pid) / 1024, max(pss, largest) / MEBIBYTE

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def _start(name: str, args: list[str], env: dict[str, str], log_dir: Path, url: str) -> Served:
    log = log_dir / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    return Served(name, popen, url, log)


async def _wait_ready(url: str, served: Served, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as client:
        while time.monotonic() < deadline:
            if served.popen.poll() is not None:
                raise RuntimeError(f"{served.name} exited; see {served.log}")
            with contextlib.suppress(httpx.HTTPError):
                if (await client.get(url)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not become ready")


def _cli(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run([sys.executable, "-m", "bot.cli", *args], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise RuntimeError(f"schoolbot {' '.join(args)} failed: {done.stderr}")
    return done.stdout


# -- raw HTTP: bodies streamed until the server answers ---------------------------------------


async def stream_post(url: str, path: str, *, total: int, content_type: str, chunked: bool = False,
                      prefix: bytes = b"", headers: dict[str, str] | None = None) -> tuple[int, int]:
    """POST a body of `total` bytes without holding it, stopping when the server answers or
    closes; returns (status, bytes sent). status 0: the connection closed without an answer."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    lines = [f"POST {path} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Type: {content_type}",
             "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}",
             *(f"{k}: {v}" for k, v in (headers or {}).items()), "", ""]
    writer.write("\r\n".join(lines).encode())
    answer = asyncio.ensure_future(reader.readline())
    sent, block = 0, b"0" * MEBIBYTE
    try:
        if prefix:
            writer.write(f"{len(prefix):x}\r\n".encode() + prefix + b"\r\n" if chunked else prefix)
            sent += len(prefix)
        while sent < total and not answer.done():
            piece = block[: min(len(block), total - sent)]
            writer.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n" if chunked else piece)
            await writer.drain()
            sent += len(piece)
        if chunked and not answer.done():
            writer.write(b"0\r\n\r\n")
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    try:
        status_line = await asyncio.wait_for(answer, 60)
    except (TimeoutError, ConnectionError, OSError):
        status_line = b""
    writer.close()
    with contextlib.suppress(Exception):
        await writer.wait_closed()
    fields = status_line.split()
    return (int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0), sent


# -- the replay ---------------------------------------------------------------------------------


@dataclass
class Stage:
    work: Path
    data: Path
    keys: Path
    env: dict[str, str]
    database_url: str
    sim_url: str = ""
    web: Served | None = None
    sim: Served | None = None
    dev: Served | None = None
    outcomes: list[Outcome] = field(default_factory=list)
    ids: dict[str, object] = field(default_factory=dict)

    async def attack(self, finding: str, name: str, expected: str, server: Served,
                     run: Callable[[], Awaitable[tuple[bool, str]]]) -> None:
        await asyncio.sleep(0.5)  # let the previous attack's work settle before the peak is reset
        server.reset_peaks()
        try:
            ok, got = await run()
        except Exception as error:  # noqa: BLE001 - a failed attack is reported, not fatal
            ok, got = False, f"{type(error).__name__}: {error}"
        await asyncio.sleep(0.3)
        web, sandbox = server.peaks_mb()
        self.outcomes.append(Outcome(finding, name, expected, got, ok, web, sandbox))


def _production_env(work: Path, data: Path, keys: Path, web_port: int, sim_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LINE_", "DATABASE_", "REDIS_", "SIGNING_", "STAFF_", "FILE_", "BANK_"))}
    tmp = work / "tmp"
    tmp.mkdir(exist_ok=True)
    env.update({
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "DATA_DIR": str(data), "TMPDIR": str(tmp),
        "LINE_CHANNEL_SECRET": SECRET, "LINE_CHANNEL_ACCESS_TOKEN": TOKEN,
        "LINE_API_BASE_URL": f"http://127.0.0.1:{sim_port}/sim/line",
        "PUBLIC_BASE_URL": "https://bot.attack.test",
        "FILE_ENCRYPTION_KEYS": "replay:" + base64.b64encode(secrets.token_bytes(32)).decode(),
        "STAFF_SESSION_SECRET": secrets.token_hex(32),
        "SIGNING_DIR": str(keys / "signing"),
        "BANK_CALLBACK_SECRET": BANK_SECRET,
    })
    return env


async def _setup_data(stage: Stage) -> None:
    """The demo school with a fee for replacement documents; a parent who owes one; staff."""
    from backend.applications.models import Application
    from backend.applications.service import new_public_number, submit_application
    from backend.db import make_engine, make_sessionmaker
    from backend.fees.models import FeeRequest
    from backend.schools import School
    from backend.staff import StaffMember
    from backend.thai.ids import synthetic_national_id

    async with httpx.AsyncClient(base_url=stage.sim_url, timeout=30) as sim:
        parent = (await sim.post("/sim/api/users", json={"displayName": "คุณแม่ทดสอบ"})).json()["userId"]
        assert (await sim.post(f"/sim/api/users/{parent}/follow")).status_code == 200
    now = dt.datetime.now(dt.UTC)
    engine = make_engine(stage.database_url)
    async with make_sessionmaker(engine)() as session:
        school = await session.scalar(sa.select(School).where(School.slug == "demo"))
        services = dict(school.settings.get("services", {}))
        services["replacement_documents"] = {**services.get("replacement_documents", {}), "fee": "50.00",
                                             "fee_due": "at_submission"}
        school.settings = {**school.settings, "services": services}
        staff = {}
        for role in ("registrar", "teacher", "finance"):
            member = StaffMember(school_id=school.id, line_user_id=f"U{role:0<32}", display_name=f"ครู{role}",
                                 role=role, active=True, notify_new_submissions=False, created_at=now)
            session.add(member)
            staff[role] = member
        application = Application(
            public_number=new_public_number("RD"), school_id=school.id, parent_ref=parent,
            service="replacement_documents", status="draft", current_step="_summary", flow_version=1,
            session_nonce="n1", created_at=now, updated_at=now, last_activity_at=now, missing_documents=[],
            answers={"document_type": "transcript", "reason": "lost", "student_name": "นางสาวสมใจ ใจดี",
                     "student_national_id": synthetic_national_id(7), "graduation_year": 2565,
                     "applicant_relationship": "self"})
        session.add(application)
        await session.flush()
        await submit_application(session, application, now=now)
        await session.commit()
        fee = await session.scalar(sa.select(FeeRequest).where(FeeRequest.application_id == application.id))
        stage.ids.update(parent=parent, school_id=school.id, application_id=application.id, fee_id=fee.id,
                         ref1=fee.ref1, ref2=fee.ref2, **{f"{role}_id": m.id for role, m in staff.items()})
    await engine.dispose()


def _cookie(stage: Stage, role: str, generation: int = 0) -> dict[str, str]:
    from backend.clock import SystemClock
    from web.staff.auth import SESSION_COOKIE, Tokens

    tokens = Tokens(stage.env["STAFF_SESSION_SECRET"].encode(), SystemClock())
    token = tokens.new_session(staff_id=int(stage.ids[f"{role}_id"]), school_id=int(stage.ids["school_id"]),
                               generation=generation)
    return {SESSION_COOKIE: token}


async def _sql(stage: Stage, statement: sa.Executable) -> list:
    from backend.db import make_engine

    engine = make_engine(stage.database_url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(statement)
            return list(result) if result.returns_rows else []
    finally:
        await engine.dispose()


async def _bot_says(stage: Stage, after: int, timeout: float = 90) -> tuple[str, int]:
    user = stage.ids["parent"]
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(base_url=stage.sim_url, timeout=10) as sim:
        while time.monotonic() < deadline:
            timeline = (await sim.get(f"/sim/api/users/{user}/timeline", params={"after": after})).json()
            said = [item for item in timeline["items"] if item.get("from") == "bot"]
            if said:
                message = said[-1]["message"]
                return message.get("text") or message.get("altText", ""), timeline["cursor"]
            await asyncio.sleep(0.2)
    return "", after


async def _send_photo(stage: Stage, data: bytes) -> str:
    async with httpx.AsyncClient(base_url=stage.sim_url, timeout=60) as sim:
        cursor = (await sim.get(f"/sim/api/users/{stage.ids['parent']}/timeline")).json()["cursor"]
        await sim.post(f"/sim/api/users/{stage.ids['parent']}/files",
                       files={"files": ("photo.png", data, "image/png")})
    text, _ = await _bot_says(stage, cursor)
    return text


def _sign_bank(body: bytes) -> dict[str, str]:
    from backend.fees.bank import SIGNATURE_HEADER, sign_callback

    return {SIGNATURE_HEADER: sign_callback(BANK_SECRET.encode(), body)}


async def _attacks(stage: Stage, *, short: bool) -> None:  # noqa: C901 - one list of attacks, in the issue's order
    big = 32 * MEBIBYTE if short else 1024 * MEBIBYTE
    huge = 32 * MEBIBYTE if short else 2048 * MEBIBYTE
    web = stage.web
    base = web.url

    async def body_stream(path: str, content_type: str, chunked: bool = False, total: int = big,
                          headers: dict[str, str] | None = None) -> tuple[bool, str]:
        status, sent = await stream_post(base, path, total=total, content_type=content_type, chunked=chunked,
                                         headers=headers)
        return status == 413, f"{status} after {sent // 1024} KB of {total // MEBIBYTE} MB"

    mb = big // MEBIBYTE
    await stage.attack("1", f"bank callback, {mb} MB body declared", "413", web,
                       lambda: body_stream("/payments/bank-callback", "application/json"))
    await stage.attack("1", f"bank callback, {mb} MB body chunked", "413", web,
                       lambda: body_stream("/payments/bank-callback", "application/json", chunked=True))
    await stage.attack("1", f"staff session, {mb} MB JSON", "413", web,
                       lambda: body_stream("/staff/api/session", "application/json"))
    await stage.attack("1", f"webhook, {mb} MB chunked", "413", web,
                       lambda: body_stream("/line/webhook", "application/json", chunked=True,
                                           headers={"x-line-signature": "x"}))

    async def photo(data: bytes) -> tuple[bool, str]:
        text = await _send_photo(stage, data)
        return "ความละเอียดสูงเกินไป" in text, f"reply: {text[:48]}…" if text else "no reply"

    rgb, palette = png_bomb(), png_bomb(palette=True)
    await stage.attack("2", f"slip photo: PNG 13000x13000 one colour, {len(rgb) // 1024} KB", "polite refusal",
                       web, lambda: photo(rgb))
    await stage.attack("2", f"slip photo: palette PNG 13000x13000, {len(palette) // 1024} KB", "polite refusal",
                       web, lambda: photo(palette))

    bomb = pdf_bomb(512 * MEBIBYTE)

    async def verify_bomb() -> tuple[bool, str]:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            response = await client.post("/verify", files={"file": ("letter.pdf", bomb)})
        return response.status_code == 200 and "ลายมือชื่อ" in response.text, f"{response.status_code}"

    async def verify_flood() -> tuple[bool, str]:
        async with httpx.AsyncClient(base_url=base, timeout=120,
                                     headers={"x-forwarded-for": "203.0.113.9"}) as client:
            answers = await asyncio.gather(*(client.post("/verify", files={"file": ("a.pdf", bomb)})
                                             for _ in range(12)))
        codes = sorted(r.status_code for r in answers)
        return set(codes) <= {200, 429, 503} and 500 not in codes, " ".join(map(str, codes))

    await stage.attack("3", f"verify: PDF of {len(bomb) // 1024} KB inflating to 512 MB", "200, not signed",
                       web, verify_bomb)
    await stage.attack("3", "verify: the same PDF 12 times at once", "200 / 429 / 503", web, verify_flood)

    boundary = "replayboundary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n").encode()

    async def multipart(path: str, cookies: dict[str, str] | None = None) -> tuple[bool, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else None
        before = sum(f.stat().st_size for f in (stage.work / "tmp").glob("*") if f.is_file())
        status, sent = await stream_post(base, path, total=huge, prefix=part, headers=headers,
                                         content_type=f"multipart/form-data; boundary={boundary}")
        after = sum(f.stat().st_size for f in (stage.work / "tmp").glob("*") if f.is_file())
        spooled = max(after - before, 0)
        return status in (303, 413) and spooled < 64 * MEBIBYTE, (
            f"{status} after {sent // 1024} KB; {spooled // 1024} KB spooled to disk")

    await stage.attack("4", f"verify: {huge // MEBIBYTE} MB multipart", "413", web, lambda: multipart("/verify"))
    await stage.attack("4", f"statement upload, no session, {huge // MEBIBYTE} MB", "303 or 413", web,
                       lambda: multipart("/staff/fees/statement"))
    await stage.attack("4", f"statement upload, finance session, {huge // MEBIBYTE} MB", "413", web,
                       lambda: multipart("/staff/fees/statement", _cookie(stage, "finance")))

    async def keys_in_data_dir() -> tuple[bool, str]:
        refused = subprocess.run([sys.executable, "-m", "bot.cli", "db", "upgrade"], capture_output=True, text=True,
                                 env={k: v for k, v in stage.env.items()
                                      if k not in ("FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET")},
                                 check=False)
        named = all(name in refused.stderr for name in ("FILE_ENCRYPTION_KEYS", "STAFF_SESSION_SECRET"))
        left = sorted(p.name for p in stage.data.iterdir() if p.name in ("dev-file-keys", "staff-session.key"))
        return refused.returncode == 2 and named and not left, (
            f"exit {refused.returncode}, names both: {named}, keys in DATA_DIR: {left or 'none'}")

    await stage.attack("5", "production start without FILE_ENCRYPTION_KEYS, STAFF_SESSION_SECRET",
                       "refused, both named", web, keys_in_data_dir)

    async def revoked_receipt() -> tuple[bool, str]:
        body = json.dumps({"transaction_ref": "REPLAY-1", "ref1": stage.ids["ref1"], "ref2": stage.ids["ref2"],
                           "amount": "50.00"}).encode()
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            paid = await client.post("/payments/bank-callback", content=body, headers=_sign_bank(body))
        from backend.fees.models import FeeReceipt

        document_id = None
        for _ in range(300):  # the worker issues the signed receipt
            rows = await _sql(stage, sa.select(FeeReceipt.document_id))
            document_id = rows[0][0] if rows else None
            if document_id:
                break
            await asyncio.sleep(0.2)
        link = ""
        async with httpx.AsyncClient(base_url=stage.sim_url, timeout=10) as sim:
            for _ in range(100):
                items = (await sim.get(f"/sim/api/users/{stage.ids['parent']}/timeline")).json()["items"]
                links = [word for item in items for word in json.dumps(item).split('"')
                         if "/media/" in word and word.endswith(".pdf")]
                if links:
                    link = links[-1]
                    break
                await asyncio.sleep(0.2)
        path = urlsplit(link).path
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            before = (await client.get(path)).status_code if path else 0
            from backend.documents.models import IssuedDocument

            await _sql(stage, sa.update(IssuedDocument).where(IssuedDocument.id == document_id)
                       .values(status="revoked", revoked_at=dt.datetime.now(dt.UTC), revoked_reason="replay"))
            after = (await client.get(path)).status_code if path else 0
        return (paid.status_code, before, after) == (200, 200, 404), (
            f"paid {paid.status_code}; receipt link {before} before, {after} after revocation")

    await stage.attack("6", "revoked e-receipt through its fee-receipt link", "404", web, revoked_receipt)

    async def callback(data: dict, expected: int) -> tuple[bool, str]:
        body = json.dumps(data).encode()
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            response = await client.post("/payments/bank-callback", content=body, headers=_sign_bank(body))
        return response.status_code == expected, f"{response.status_code} {response.text[:40]}"

    for amount in ("50.001", "1e30"):
        await stage.attack("7", f"signed bank callback, amount {amount}", "400", web,
                           lambda amount=amount: callback({"transaction_ref": f"R-{amount}", "ref1": stage.ids["ref1"],
                                                           "amount": amount}, 400))
    await stage.attack("7", "signed bank callback, transaction_ref of 200 characters", "400", web,
                       lambda: callback({"transaction_ref": "K" * 200, "ref1": stage.ids["ref1"], "amount": "50"}, 400))

    async def unmatched() -> tuple[bool, str]:
        ok, got = await callback({"transaction_ref": "R-UNKNOWN", "ref1": "NOSUCHREF1", "amount": "50.00"}, 200)
        from backend.fees.models import FeeFlag

        flags = await _sql(stage, sa.select(FeeFlag.kind).where(FeeFlag.kind == "unmatched_payment"))
        return ok and len(flags) == 1, f"{got}; flags for finance: {len(flags)}"

    await stage.attack("7", "signed bank callback, unknown Ref1", "200 + flag for finance", web, unmatched)

    async def other_school() -> tuple[bool, str]:
        body = json.dumps({"transaction_ref": "R-X", "ref1": stage.ids["ref1"], "amount": "50.00"}).encode()
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            response = await client.post("/payments/bank-callback/second-school", content=body,
                                         headers=_sign_bank(body))
        return response.status_code == 401, f"{response.status_code}"

    await stage.attack("7", "the default school's secret on another school's callback", "401", web, other_school)

    async def at_rest() -> tuple[bool, str]:
        database = stage.data / "schoolbot.sqlite3"
        modes = (oct(stat.S_IMODE(stage.data.stat().st_mode)), oct(stat.S_IMODE(database.stat().st_mode)))
        raw = b"".join(p.read_bytes() for p in stage.data.glob("schoolbot.sqlite3*"))
        plain = SECOND_SECRET.encode() in raw or TOKEN.encode() in raw
        shown = f"DATA_DIR {modes[0]}, SQLite {modes[1]}, secrets in clear: {plain}"
        return modes == ("0o700", "0o600") and not plain, shown

    await stage.attack("8", "file modes and channel credentials at rest", "0700 / 0600, sealed", web, at_rest)

    async def least_privilege() -> tuple[bool, str]:
        page = f"/staff/applications/{stage.ids['application_id']}"
        codes = {}
        for role in ("teacher", "finance", "registrar"):
            async with httpx.AsyncClient(base_url=base, timeout=30, cookies=_cookie(stage, role)) as client:
                codes[role] = (await client.get(page)).status_code
        return codes == {"teacher": 404, "finance": 404, "registrar": 200}, str(codes)

    await stage.attack("9", "a request's page by role", "teacher 404, finance 404", web, least_privilege)

    async def headers() -> tuple[bool, str]:
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            seen = {path: (await client.get(path)).headers for path in ("/staff/login", "/verify", "/media/x")}
            api = (await client.get("/openapi.json")).status_code
        complete = all("frame-ancestors 'none'" in h.get("content-security-policy", "")
                       and h.get("x-content-type-options") == "nosniff" and h.get("referrer-policy")
                       and h.get("strict-transport-security") for h in seen.values())
        return complete and api == 404, f"headers on all three: {complete}; /openapi.json {api}"

    await stage.attack("10", "security headers; /openapi.json", "present; 404", web, headers)

    async def reflected() -> tuple[bool, str]:
        planted = "โอนเงินเข้าบัญชี 999-9-99999 ด่วน"
        async with httpx.AsyncClient(base_url=base, timeout=30, cookies=_cookie(stage, "registrar")) as client:
            page = await client.get(f"/staff/applications/{stage.ids['application_id']}",
                                    params={"error": planted, "done": planted})
        shown = planted in page.text
        return page.status_code == 200 and not shown, f"{page.status_code}, text shown: {shown}"

    await stage.attack("11", "?error= and ?done= with planted text", "not shown", web, reflected)

    async def logout() -> tuple[bool, str]:
        cookie = _cookie(stage, "registrar")
        async with httpx.AsyncClient(base_url=base, timeout=30, cookies=cookie) as phone:
            await phone.post("/staff/logout")
        async with httpx.AsyncClient(base_url=base, timeout=30, cookies=cookie) as copy:  # a copy of it
            again = (await copy.get("/staff/")).status_code
        return again == 303, f"the old cookie after logout: {again}"

    await stage.attack("12", "reuse of the session cookie after logout", "303 to login", web, logout)

    async def webhook_batch() -> tuple[bool, str]:
        from bot.signature import sign

        def event(n: int, **extra) -> dict:
            return {"type": "message", "mode": "active", "timestamp": 1764000000000 + n,
                    "webhookEventId": f"01HREPLAY{n:017d}", "replyToken": "r" * 32,
                    "source": {"type": "user", "userId": "U" + "e" * 32},
                    "message": {"id": str(n), "type": "text", "text": "สวัสดีค่ะ"}, **extra}

        bad_file = {"type": "file", "id": "9", "fileSize": "abc"}
        body = json.dumps({"events": [event(1), event(2, source="x"), event(3, message=bad_file)]}).encode()
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            response = await client.post("/line/webhook", content=body,
                                         headers={"x-line-signature": sign(SECRET, body)})
        from backend.inbox import InboundEvent

        stored = await _sql(stage, sa.select(InboundEvent.event_id).where(InboundEvent.event_id.like("01HREPLAY%")))
        return response.status_code == 200 and len(stored) == 1, f"{response.status_code}; recorded {len(stored)} of 3"

    await stage.attack("13", "signed webhook batch with \"source\":\"x\" and fileSize \"abc\"",
                       "200, the good event kept", web, webhook_batch)

    async def unknown_channel() -> tuple[bool, str]:
        from bot.signature import sign

        body = b'{"events":[]}'
        async with httpx.AsyncClient(base_url=base, timeout=30) as client:
            unknown = await client.post("/line/webhook/no-such-school", content=body,
                                        headers={"x-line-signature": sign(SECRET, body)})
            wrong = await client.post("/line/webhook", content=body, headers={"x-line-signature": "AAAA"})
        same = (unknown.status_code, unknown.content) == (wrong.status_code, wrong.content)
        shown = f"unknown {unknown.status_code}, wrong signature {wrong.status_code}"
        return same and unknown.status_code == 400, shown

    await stage.attack("14", "webhook to an unknown channel", "as a wrong signature", web, unknown_channel)

    async def dev_login() -> tuple[bool, str]:
        async with httpx.AsyncClient(base_url=stage.dev.url, timeout=30) as client:
            response = await client.post("/staff/dev-login", data={"staff_id": "abc"})
        return response.status_code == 400, f"{response.status_code}"

    await stage.attack("15", "simulator dev-login with staff_id=abc", "400", stage.dev, dev_login)


async def replay(*, short: bool, keep: bool = False) -> list[Outcome]:
    from backend.documents.signing import make_dev_ca
    from flows.services import load_catalog

    load_catalog()  # the set-up files a request, as a program does
    work = Path(tempfile.mkdtemp(prefix="schoolbot-attacks-"))
    data, keys, logs = work / "data", work / "keys", work / "logs"
    logs.mkdir()
    web_port, sim_port, dev_port = free_port(), free_port(), free_port()
    env = _production_env(work, data, keys, web_port, sim_port)
    stage = Stage(work, data, keys, env, f"sqlite:///{data / 'schoolbot.sqlite3'}",
                  sim_url=f"http://127.0.0.1:{sim_port}")
    try:
        make_dev_ca(keys / "signing", "demo", "โรงเรียนสาธิตบ้านสวน")
        _cli(["db", "upgrade"], env)
        _cli(["demo"], env)
        _cli(["school", "add", "--slug", "second-school", "--name", "โรงเรียนที่สอง"], env)
        _cli(["school", "add-channel", "--school", "second-school", "--slug", "second", "--secret", SECOND_SECRET,
              "--token", TOKEN + "-second"], env)
        stage.sim = _start("standin", [sys.executable, "-m", "bot.simulator", "--port", str(sim_port),
                                       "--webhook-url", f"http://127.0.0.1:{web_port}/line/webhook",
                                       "--channel-secret", SECRET, "--access-token", TOKEN], env, logs,
                           stage.sim_url)
        stage.web = _start("web", [sys.executable, "-m", "bot.cli", "serve", "--port", str(web_port)], env, logs,
                           f"http://127.0.0.1:{web_port}")
        dev_env = {k: v for k, v in env.items() if not k.startswith(("LINE_", "FILE_", "STAFF_", "SIGNING_"))}
        dev_env.update(DATA_DIR=str(work / "dev-data"), PUBLIC_BASE_URL=f"http://127.0.0.1:{dev_port}")
        _cli(["db", "upgrade"], dev_env)
        _cli(["demo"], dev_env)
        stage.dev = _start("simulator-mode", [sys.executable, "-m", "bot.cli", "serve", "--port", str(dev_port)],
                           dev_env, logs, f"http://127.0.0.1:{dev_port}")
        await _wait_ready(f"{stage.sim_url}/sim/api/state", stage.sim)
        await _wait_ready(f"{stage.web.url}/readyz", stage.web)
        await _wait_ready(f"{stage.dev.url}/readyz", stage.dev)
        await _setup_data(stage)
        web, sandbox = stage.web.peaks_mb()
        stage.outcomes.append(Outcome("-", "idle, after start-up and set-up", "-", "-", True, web, sandbox))
        await _attacks(stage, short=short)
    finally:
        for served in (stage.dev, stage.web, stage.sim):
            if served is not None:
                served.stop()
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return stage.outcomes


def report(outcomes: list[Outcome]) -> str:
    rows = [f"{'#':>3}  {'attack':<62} {'expected':<26} {'web MB':>7} {'sandbox':>7}  result",
            "-" * 140]
    for o in outcomes:
        verdict = "ok" if o.ok and o.within_memory else ("MEMORY" if o.ok else "FAIL")
        rows.append(f"{o.finding:>3}  {o.attack[:62]:<62} {o.expected[:26]:<26} {o.web_peak_mb:7.0f} "
                    f"{o.sandbox_peak_mb:7.0f}  {verdict}: {o.got}")
    worst = max((o.web_peak_mb + o.sandbox_peak_mb for o in outcomes), default=0)
    rows.append(f"\npeak (web process + sandbox processes) over all attacks: {worst:.0f} MB "
                f"(limit {PEAK_LIMIT_MB} MB); {sum(not (o.ok and o.within_memory) for o in outcomes)} failed")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.attacks", description=__doc__.splitlines()[0])
    parser.add_argument("--short", action="store_true", help="32 MB bodies instead of 1-2 GB (CI)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs) afterwards")
    args = parser.parse_args(argv)
    outcomes = asyncio.run(replay(short=args.short, keep=args.keep))
    print(report(outcomes))
    sys.exit(0 if all(o.ok and o.within_memory for o in outcomes) else 1)


if __name__ == "__main__":
    main()
