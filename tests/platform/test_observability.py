"""What a district's operator sees: JSON log lines with request and event ids and no personal data,
and Prometheus metrics at /metrics for a scraper that holds the token (docs/observability.md)."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest

from backend.observability import JsonFormatter, scrub
from backend.thai.ids import synthetic_national_id
from tests.chat import Parent, file_transfer_out
from tests.harness import running_bot

TOKEN = "metrics-token-for-the-test-0123456789"


@pytest.fixture
async def bot(env, clock, redis_namespace):
    async with running_bot({**env, "METRICS_TOKEN": TOKEN}, clock, namespace=redis_namespace) as running:
        yield running


def json_lines(records: list[logging.LogRecord]) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(record)) for record in records]


def personal_data_in(text: str, national_id: str) -> list[str]:
    dashed = f"{national_id[0]}-{national_id[1:5]}-{national_id[5:10]}-{national_id[10:12]}-{national_id[12]}"
    needles = [national_id, dashed, "สมใจ", "ใจดี", "คุณแม่", "หนองบัว"]
    return [needle for needle in needles if needle in text]


async def test_a_whole_request_leaves_no_personal_data_in_the_logs_and_each_line_names_its_event(bot, caplog):
    caplog.set_level(logging.INFO)
    national_id = synthetic_national_id(21)  # what file_transfer_out types
    parent = Parent(bot, name="คุณแม่")
    await file_transfer_out(parent, id_seed=21)
    assert caplog.records, "the request was logged"
    for record in caplog.records:
        # What the code logs, before the formatter's scrubbing: no name, no ID number, no place.
        raw = record.getMessage() + (logging.Formatter().formatException(record.exc_info) if record.exc_info else "")
        assert personal_data_in(raw, national_id) == [], (record.name, raw)
    lines = json_lines(caplog.records)
    stored = [line for line in lines if line["message"].startswith("stored file")]
    assert stored and all(isinstance(line["event_id"], int) for line in stored)
    assert {"time", "level", "logger", "message"} <= set(stored[0])


def test_the_formatter_scrubs_what_looks_personal_from_messages_and_tracebacks():
    national_id = synthetic_national_id(5)
    dashed = f"{national_id[0]}-{national_id[1:5]}-{national_id[5:10]}-{national_id[10:12]}-{national_id[12]}"
    text = (f"student {national_id} / {dashed}, phone 0812345678 or 081-234-5678 or +66 81 234 5678 "
            f"or 02-123-4567, user U{'0a' * 16}, name เด็กหญิงสมใจ ใจดี")
    cleaned = scrub(text)
    for secret in (national_id, dashed, "0812345678", "081-234-5678", "81 234 5678", "02-123-4567", "สมใจ",
                   "U0a0a"):
        assert secret not in cleaned
    # Ids, counts, dates and file ids are what logs are for: they stay.
    kept = "event 123456 failed after 8 attempts on 2026-12-02T10:00:00; file 3f9a0c1b2d4e5f60718293a4b5c6d7e8"
    assert scrub(kept) == kept
    try:
        raise ValueError(f"duplicate key (national_id)=({national_id})")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "insert failed", None, __import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert national_id not in line["exception"] and "[national-id]" in line["exception"]


async def test_every_response_carries_a_request_id_that_its_log_lines_carry_too(bot, caplog):
    caplog.set_level(logging.INFO)
    async with httpx.AsyncClient(base_url=bot.base_url) as client:
        given = await client.post("/line/webhook", content=b"{}", headers={
            "x-line-signature": "forged", "x-request-id": "proxy-7f3a"})
        made = await client.get("/healthz")
    assert given.status_code == 400 and given.headers["x-request-id"] == "proxy-7f3a"
    assert re.fullmatch(r"[0-9a-f]{16}", made.headers["x-request-id"])
    [rejected] = [line for line in json_lines(caplog.records) if line["message"] == "webhook signature rejected"]
    assert rejected["request_id"] == "proxy-7f3a"


def metric(page: str, name: str) -> float:
    found = re.search(rf"^{re.escape(name)} (\S+)$", page, flags=re.MULTILINE)
    assert found, f"{name} not in /metrics"
    return float(found.group(1))


async def test_metrics_are_served_only_to_the_token_and_count_events_outbox_and_line_errors(bot, clock):
    async with httpx.AsyncClient(base_url=bot.base_url) as scraper:
        assert (await scraper.get("/metrics")).status_code == 404
        assert (await scraper.get("/metrics", headers={"authorization": "Bearer wrong"})).status_code == 404
        auth = {"authorization": f"Bearer {TOKEN}"}
        before = (await scraper.get("/metrics", headers=auth)).text

        user = bot.standin.add_user("คุณพ่อ")
        await bot.simulator.follow(user.user_id)
        await bot.simulator.send_text(user.user_id, "สวัสดีค่ะ")
        waiting = (await scraper.get("/metrics", headers=auth)).text
        assert metric(waiting, "schoolbot_events_waiting") == 2
        clock.advance(seconds=70)  # too late for a reply: pushes, the first of which LINE fails
        bot.standin.fail_next("push", 500)
        await bot.process()
        clock.advance(seconds=30)  # the failed push waits for its retry
        after = (await scraper.get("/metrics", headers=auth)).text

    def grew(name: str) -> float:
        return metric(after, name) - (metric(before, name) if name in before else 0.0)

    assert grew('schoolbot_events_received_total{type="follow"}') == 1
    assert grew('schoolbot_events_received_total{type="message"}') == 1
    assert grew('schoolbot_events_processed_total{outcome="done"}') == 2
    assert grew('schoolbot_line_api_errors_total{code="500"}') == 1
    assert grew("schoolbot_outbox_retries_total") == 1
    assert metric(after, "schoolbot_events_waiting") == 0
    assert metric(after, "schoolbot_outbox_backlog") >= 1 and metric(after, "schoolbot_outbox_retrying") >= 1
    assert metric(after, "schoolbot_outbox_oldest_seconds") >= 30
    assert grew("schoolbot_event_lag_seconds_count") == 2
    assert "schoolbot_document_signing_seconds" in after


def test_a_worker_process_serves_its_counters_on_its_own_port():
    from backend import metrics
    from bot.metrics import serve_worker_metrics
    from tests.harness import free_socket

    sock = free_socket()
    port = sock.getsockname()[1]
    sock.close()
    server = serve_worker_metrics("127.0.0.1", port)
    try:
        metrics.EVENTS_PROCESSED.labels("given_up").inc()
        page = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    finally:
        server.shutdown()
        server.server_close()
    assert metric(page, 'schoolbot_events_processed_total{outcome="given_up"}') >= 1
