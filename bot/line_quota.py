"""The school's monthly message quota read from LINE (web/message_quota.py says what and why)."""

from __future__ import annotations

import logging

from bot.channels import ChannelRegistry
from bot.line_api import LineClients
from web.message_quota import QuotaReading

log = logging.getLogger(__name__)


class LineMessageQuota:
    def __init__(self, *, channels: ChannelRegistry, clients: LineClients) -> None:
        self._channels = channels
        self._clients = clients

    async def reading(self, school_id: int) -> QuotaReading | None:
        import aiohttp  # lazy, like the SDK (bot/line_api.py)
        from linebot.v3.messaging.exceptions import ApiException

        channel = await self._channels.for_school(school_id)
        if channel is None:
            return None
        api = self._clients.messaging(channel)
        try:
            quota = await api.get_message_quota()
            consumption = await api.get_message_quota_consumption()
        except (ApiException, aiohttp.ClientError, TimeoutError) as error:
            log.warning("LINE's message quota could not be read: %s", type(error).__name__)
            return None
        limit = quota.value if str(getattr(quota.type, "value", quota.type)) == "limited" else None
        return QuotaReading(limit=limit, used=consumption.total_usage)
