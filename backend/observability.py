"""Structured logs: one JSON object a line, with the request id or event id of what was being done,
and nothing personal in them.

Code logs ids and counts, never a name, a national ID, a phone number or a message's text (a test
runs whole conversations and checks). As a second line of defence the formatter scrubs what looks
like such data from every message and traceback (an exception's text can quote a value): 13-digit
ID numbers, Thai phone numbers, LINE user ids and any Thai-script text (logs are written in
English, so Thai in a log line can only be something a person typed).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
from contextvars import ContextVar

# Set by the web app per request (bot/app.py) and by the worker per event (bot/worker.py).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
event_id: ContextVar[int | str | None] = ContextVar("event_id", default=None)

_make_record = logging.getLogRecordFactory()


def _record_with_ids(*args: object, **kwargs: object) -> logging.LogRecord:
    """Each record takes the ids of the request or event it was made in (formatting may be later,
    elsewhere: a queue handler, a test's capture)."""
    record = _make_record(*args, **kwargs)
    record.request_id = request_id.get()
    record.event_id = event_id.get()
    return record


if getattr(_make_record, "__name__", "") != "_record_with_ids":  # a re-import must not wrap twice
    logging.setLogRecordFactory(_record_with_ids)

_SCRUB = [
    (re.compile(r"(?<![\dA-Za-z])\d(?:[ -]?\d){12}(?![\dA-Za-z])"), "[national-id]"),
    (re.compile(r"(?<![\dA-Za-z+])(?:\+66[ -]?|0)[689](?:[ -]?\d){7,8}(?!\d)"), "[phone]"),
    (re.compile(r"(?<![\dA-Za-z+])0[2-7](?:[ -]?\d){7}(?!\d)"), "[phone]"),
    (re.compile(r"\bU[0-9a-f]{32}\b"), "[line-user]"),
    (re.compile(r"[\u0E00-\u0E7F]+(?:[ .]+[\u0E00-\u0E7F]+)*"), "[thai-text]"),
]


def scrub(text: str) -> str:
    """The text with anything that looks like personal data replaced by a marker."""
    for pattern, marker in _SCRUB:
        text = pattern.sub(marker, text)
    return text


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, request_id / event_id when set, and the scrubbed traceback."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
        }
        for name in ("request_id", "event_id"):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


class ScrubbingFormatter(logging.Formatter):
    """The plain text format for development, scrubbed the same way, with the ids when set."""

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{name}={value}" for name, value in (
            ("request", getattr(record, "request_id", None)), ("event", getattr(record, "event_id", None)))
            if value is not None)
        return scrub(super().format(record) + (f" [{ids}]" if ids else ""))


def configure_logging(*, json_lines: bool = True, level: str = "INFO") -> None:
    """Every logger of the process (uvicorn's too) to standard error in the chosen format."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if json_lines else ScrubbingFormatter(
        "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
