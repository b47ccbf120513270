"""The SMS second channel: one JSON POST with the bearer token, errors become SecondChannelError."""

import httpx
import pytest

from backend.second_channel import ContactInfo, SecondChannelError
from backend.sms_gateway import HttpSmsGateway, e164_thai


def test_thai_numbers_are_sent_in_international_form():
    assert e164_thai("081-234-5678") == "+66812345678"


async def test_a_legal_notice_is_posted_to_the_gateway_with_the_token():
    seen = []

    def gateway(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "queued"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(gateway)) as http:
        sms = HttpSmsGateway(url="https://sms.example/api/send", token="t0ken", sender="SCHOOL", http=http)
        await sms.send(to=ContactInfo(phone="0812345678", email=None), subject_th="ผลการพิจารณา",
                       body_th="ไม่อนุมัติ")
    [request] = seen
    assert request.headers["authorization"] == "Bearer t0ken"
    import json

    assert json.loads(request.read()) == {"to": "+66812345678", "message": "ผลการพิจารณา\nไม่อนุมัติ",
                                          "sender": "SCHOOL"}


@pytest.mark.parametrize("status", [400, 500])
async def test_a_refusal_by_the_gateway_is_an_error_to_retry(status):
    async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(status))) as http:
        sms = HttpSmsGateway(url="https://sms.example/api/send", token="t", http=http)
        with pytest.raises(SecondChannelError):
            await sms.send(to=ContactInfo(phone="0812345678", email=None), subject_th="ก", body_th="ข")
