"""A second channel by SMS through an HTTP gateway: one JSON POST per message, bearer token.

Thai SMS providers differ in their APIs; most accept a JSON POST with a token, so the product
speaks one simple shape (documented in docs/production.md) and a small adapter at the provider
side, or the provider itself, maps it. The gateway is reached only when SMS_GATEWAY_URL is set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from backend.second_channel import ContactInfo, SecondChannelError

if TYPE_CHECKING:
    import httpx

MAX_SMS_CHARS = 670  # ten concatenated Thai (UCS-2) parts


def e164_thai(phone: str) -> str:
    digits = "".join(ch for ch in phone if ch.isdigit())
    return "+66" + digits[1:] if digits.startswith("0") else "+" + digits


class HttpSmsGateway:
    def __init__(self, *, url: str, token: str, sender: str = "", http: httpx.AsyncClient | None = None) -> None:
        self._url = url
        self._token = token
        self._sender = sender
        self._http = http

    async def send(self, *, to: ContactInfo, subject_th: str, body_th: str) -> None:
        if not to.phone:
            raise SecondChannelError("no phone number to send an SMS to")
        text = f"{subject_th}\n{body_th}"[:MAX_SMS_CHARS]
        payload = {"to": e164_thai(to.phone), "message": text, "sender": self._sender}
        import httpx  # on first use, as most deployments send no SMS (keeps start-up short)

        client = self._http or httpx.AsyncClient(timeout=15)
        try:
            response = await client.post(self._url, json=payload, headers={"Authorization": f"Bearer {self._token}"})
        except httpx.HTTPError as error:
            raise SecondChannelError(f"SMS gateway unreachable: {type(error).__name__}") from None
        finally:
            if self._http is None:
                await client.aclose()
        if response.status_code >= 300:
            raise SecondChannelError(f"SMS gateway answered {response.status_code}")
