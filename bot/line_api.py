"""One line-bot-sdk v3 async client pair per channel, created inside the running loop and closed on shutdown."""

from __future__ import annotations

from linebot.v3.messaging import (
    AsyncApiClient,
    AsyncMessagingApi,
    AsyncMessagingApiBlob,
    Configuration,
)

from bot.channels import Channel


class LineClients:
    def __init__(self, *, api_base_url: str, data_base_url: str) -> None:
        self._api_base_url = api_base_url
        self._data_base_url = data_base_url
        self._clients: dict[str, tuple[AsyncApiClient, AsyncApiClient]] = {}

    def _pair(self, channel: Channel) -> tuple[AsyncApiClient, AsyncApiClient]:
        pair = self._clients.get(channel.slug)
        if pair is None:
            # The SDK's Configuration has one host; LINE serves content from a second host,
            # so the blob API gets a client of its own.
            api = AsyncApiClient(Configuration(host=self._api_base_url, access_token=channel.access_token))
            data = AsyncApiClient(Configuration(host=self._data_base_url, access_token=channel.access_token))
            pair = self._clients[channel.slug] = (api, data)
        return pair

    def messaging(self, channel: Channel) -> AsyncMessagingApi:
        return AsyncMessagingApi(self._pair(channel)[0])

    def blob(self, channel: Channel) -> AsyncMessagingApiBlob:
        return AsyncMessagingApiBlob(self._pair(channel)[1])

    async def close(self) -> None:
        for api, data in self._clients.values():
            await api.close()
            await data.close()
        self._clients.clear()
