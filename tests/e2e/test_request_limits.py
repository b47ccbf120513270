"""No request can make the server read more than its route needs: bodies are counted while they
stream in and refused past the route's limit (413) before they are parsed or any signature or
session is checked; the public verify page is rate-limited per client and reads uploads in the
sandbox."""

from __future__ import annotations

import re

import httpx
import pytest

from backend.sandbox import Sandbox
from backend.schools import school_by_slug
from bench.bombs import pdf_bomb
from tests.harness import running_bot
from tests.staff_pages.conftest import add_staff, client_for, sign_in
from tests.staff_pages.test_staff_work import csrf_of
from web.verify.router import UPLOADS_PER_CLIENT

MEBIBYTE = 1024 * 1024


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot(env, clock, namespace=redis_namespace) as running:
        yield running


async def _stream(size: int, chunk: int = 64 * 1024):
    sent = 0
    while sent < size:
        yield b" " * min(chunk, size - sent)
        sent += chunk


async def test_an_oversized_body_is_refused_while_it_streams_whatever_it_claims(bot):
    async with httpx.AsyncClient(base_url=bot.base_url, timeout=30) as client:
        # The sign-in endpoint takes an ID token of at most 4 KB; a megabyte is refused at once,
        # declared or not, JSON or not, before any sign-in is attempted.
        declared = await client.post("/staff/api/session", content=b"{" + b" " * MEBIBYTE + b"}",
                                     headers={"content-type": "application/json"})
        streamed = await client.post("/staff/api/session", content=_stream(8 * MEBIBYTE),
                                     headers={"content-type": "application/json"})
        callback = await client.post("/payments/bank-callback", content=b"{" + b" " * 100_000 + b"}",
                                     headers={"X-Bank-Signature": "0" * 64})
        webhook = await client.post("/line/webhook", content=_stream(3 * MEBIBYTE),
                                    headers={"x-line-signature": "x"})
        form = await client.post("/staff/dev-login", data={"staff_id": "1" * 100_000})
    assert [r.status_code for r in (declared, streamed, callback, webhook, form)] == [413] * 5


async def test_uploads_are_refused_past_their_own_limit_before_the_form_is_read(bot):
    async with bot.runtime.sessions() as session:
        school = await school_by_slug(session, "demo")
    finance = await add_staff(bot, school.id, "finance", "นางการเงิน ดีมาก")
    async with client_for(bot) as staff, client_for(bot) as stranger:
        await sign_in(bot, staff, finance)
        csrf = await csrf_of(staff)
        big = await staff.post("/staff/fees/statement", data={"csrf": csrf},
                               files={"statement": ("s.csv", b"a" * (6 * MEBIBYTE))})
        # Without a session the form is never read: sent to sign in, or refused for its size.
        anonymous = await stranger.post("/staff/fees/statement",
                                        files={"statement": ("s.csv", b"a" * (6 * MEBIBYTE))})
        # 300 KB in all: over the default limit of a form, within the statement upload's.
        fits = await staff.post("/staff/fees/statement", data={"csrf": csrf, "note": "x" * 300_000},
                                files={"statement": ("s.csv", "Ref1,จำนวนเงิน\nABC,50.00\n".encode())})
    assert big.status_code == 413 and anonymous.status_code in (303, 413)
    assert fits.status_code == 200


async def test_the_verify_page_takes_a_document_sized_upload_and_refuses_more(bot):
    async with client_for(bot) as public:
        small = await public.post("/verify", files={"file": ("a.pdf", b"%PDF-1.7\n" + b"0" * MEBIBYTE)})
        huge = await public.post("/verify", files={"file": ("a.pdf", b"%PDF-1.7\n" + b"0" * (21 * MEBIBYTE))})
    assert small.status_code == 200 and "ไม่มีลายมือชื่อดิจิทัล" in small.text
    assert huge.status_code == 413


async def test_a_pdf_that_inflates_to_half_a_gigabyte_gets_an_answer_not_a_crash(bot):
    async with client_for(bot) as public:
        response = await public.post("/verify", files={"file": ("a.pdf", pdf_bomb(512 * MEBIBYTE))})
    assert response.status_code == 200
    assert "ไม่มีลายมือชื่อดิจิทัล" in response.text or "ไม่พบเอกสารนี้" in response.text


async def test_uploads_to_the_verify_page_are_limited_per_client(bot):
    async with client_for(bot) as public:
        statuses = [(await public.post("/verify", files={"file": ("a.pdf", b"%PDF-1.7\n")})).status_code
                    for _ in range(UPLOADS_PER_CLIENT + 1)]
        by_code = await public.get("/verify/ABCDEFGHJKMN")  # looking a code up is never limited
    assert statuses == [200] * UPLOADS_PER_CLIENT + [429]
    assert by_code.status_code == 404


async def test_when_the_sandbox_is_full_the_verify_page_asks_to_come_back(bot):
    bot.runtime.documents.sandbox = Sandbox(max_waiting=0)
    async with client_for(bot) as public:
        response = await public.post("/verify", files={"file": ("a.pdf", b"%PDF-1.7\n")})
    assert response.status_code == 503 and response.headers["retry-after"]
    assert re.search("ลองใหม่", response.text)
