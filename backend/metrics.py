"""The Prometheus metrics of a process (prometheus-client's default registry).

Counted where things happen: events received (the webhook), processed (the worker, by outcome) and
how late (from LINE's timestamp to done), outbox retries and LINE API errors by status (the
sender), document signing time (the issuer). The backlogs (events waiting, messages waiting and
the age of the oldest) are read from the database when /metrics is scraped, so they hold for the
whole deployment whichever process answers (bot/metrics.py). Labels never carry a user or a school
name: their values are a closed set (outcomes, HTTP status codes, document types).
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

EVENTS_RECEIVED = Counter("schoolbot_events_received", "LINE webhook events recorded", ["type"])
EVENTS_PROCESSED = Counter("schoolbot_events_processed", "events processed by a worker", ["outcome"])
EVENT_LAG = Histogram(
    "schoolbot_event_lag_seconds", "from the event's LINE timestamp to its processing committed",
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 1800))
OUTBOX_RETRIES = Counter("schoolbot_outbox_retries", "deliveries to LINE put off to retry later")
OUTBOX_FINAL = Counter("schoolbot_outbox_delivered", "outbox messages that reached a final state", ["status"])
LINE_API_ERRORS = Counter("schoolbot_line_api_errors", "LINE Messaging API calls that failed", ["code"])
SIGNING_SECONDS = Histogram(
    "schoolbot_document_signing_seconds", "rendering and signing one e-document", ["doc_type"],
    buckets=(0.25, 0.5, 1, 2, 4, 8, 15, 30, 60))

# Read from the database at scrape time.
EVENTS_WAITING = Gauge("schoolbot_events_waiting", "recorded events not yet processed")
EVENTS_OLDEST_WAITING = Gauge("schoolbot_events_oldest_waiting_seconds",
                              "age of the oldest event not yet processed (0: none)")
EVENTS_GIVEN_UP = Gauge("schoolbot_events_given_up", "events given up after every attempt (kept for staff)")
OUTBOX_BACKLOG = Gauge("schoolbot_outbox_backlog", "messages waiting to be delivered to LINE")
OUTBOX_RETRYING = Gauge("schoolbot_outbox_retrying", "waiting messages that failed at least once")
OUTBOX_OLDEST = Gauge("schoolbot_outbox_oldest_seconds", "age of the oldest waiting message (0: none)")
