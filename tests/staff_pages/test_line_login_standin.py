"""The stand-in's LINE Login verify endpoint answers for the ID tokens it issues, as LINE does."""

from __future__ import annotations

import httpx
import pytest

from backend.clock import FakeClock
from bot.simulator import LineStandIn, create_simulator_app

CLIENT_ID = "1660000000"


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def standin(clock) -> LineStandIn:
    return LineStandIn(channel_secret="secret-a", access_token="token-a", clock=clock)


@pytest.fixture
async def client(standin):
    app = create_simulator_app(standin, webhook_url="http://127.0.0.1:9/webhook")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://sim/line") as http:
        yield http
    await app.state.simulator.aclose()


async def verify(client, token: str, client_id: str = CLIENT_ID) -> httpx.Response:
    return await client.post("/oauth2/v2.1/verify", data={"id_token": token, "client_id": client_id})


async def test_a_token_it_issued_verifies_to_the_users_claims(standin, client, clock):
    user = standin.add_user("ครูสมศรี")
    response = await verify(client, standin.issue_id_token(user.user_id, CLIENT_ID))
    assert response.status_code == 200
    claims = response.json()
    assert claims["iss"] == "https://access.line.me"
    assert claims["sub"] == user.user_id and claims["aud"] == CLIENT_ID
    assert claims["name"] == "ครูสมศรี"
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["iat"] == int(clock.now().timestamp())


async def test_forged_expired_and_foreign_tokens_are_refused_with_lines_errors(standin, client, clock):
    user = standin.add_user("ครูสมศรี")
    token = standin.issue_id_token(user.user_id, CLIENT_ID)
    header, payload, signature = token.split(".")
    other = LineStandIn(channel_secret="secret-b", access_token="t", clock=clock)
    other.users[user.user_id] = user
    foreign = other.issue_id_token(user.user_id, CLIENT_ID)

    for bad in (f"{header}.{payload}.{signature[:-2]}xx", foreign, "not-a-token", ""):
        response = await verify(client, bad)
        assert response.status_code == 400
        assert response.json() == {"error": "invalid_request", "error_description": "Invalid IdToken."}

    wrong_channel = await verify(client, token, client_id="1669999999")
    assert wrong_channel.status_code == 400
    assert wrong_channel.json()["error_description"] == "Invalid IdToken Audience."

    clock.advance(hours=1)
    expired = await verify(client, token)
    assert expired.status_code == 400
    assert expired.json()["error_description"] == "IdToken expired."


async def test_the_request_log_does_not_keep_the_token(standin, client):
    user = standin.add_user()
    token = standin.issue_id_token(user.user_id, CLIENT_ID)
    await verify(client, token)
    [logged] = standin.requests_to("verify_id_token")
    assert token not in repr(logged)
