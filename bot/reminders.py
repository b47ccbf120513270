"""Pushes a reminder to parents who left a request half-done, once, after their school's idle time."""

from __future__ import annotations

import datetime as dt
import logging

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend import outbox
from backend.clock import Clock
from backend.school_config import SchoolConfigError, parse_school_config
from backend.schools import School
from bot.channels import ChannelRegistry, UnknownChannel
from bot.conversation import FlowConversation
from bot.render import render

log = logging.getLogger(__name__)


async def queue_due_reminders(*, sessions: async_sessionmaker[AsyncSession], conversation: FlowConversation,
                              channels: ChannelRegistry, clock: Clock) -> int:
    """Write due reminders to the outbox (the worker delivers them); returns how many."""
    queued = 0
    async with sessions() as session:
        for school in await session.scalars(sa.select(School)):
            try:
                config = parse_school_config(school.settings)
                channel = await channels.for_school(school.id)
            except (SchoolConfigError, UnknownChannel):
                log.warning("school %s: no reminders (configuration or channel missing)", school.id)
                continue
            if channel is None:
                continue
            engine = conversation.engine_for(config)
            reminders = await engine.due_reminders(
                session, idle_for=dt.timedelta(hours=config.reminder_after_hours), school_id=school.id)
            for reminder in reminders:
                outbox.enqueue(session, school_id=school.id, channel=channel.slug, recipient=reminder.user_ref,
                               payload=render(reminder.messages), now=clock.now())
            queued += len(reminders)
        await session.commit()
    return queued
