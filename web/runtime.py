"""What the web pages need from the running application, and the dependencies that hand it to routes.

bot/ builds the application's runtime and keeps it on ``app.state.runtime``; web/ knows it only by
the protocol below, so the pages never import bot/ and a test can hand them any object that fits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Annotated, Protocol

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from backend.clock import Clock
from backend.documents.service import DocumentIssuer
from backend.files.service import FileVault
from backend.state import SharedState
from web.message_quota import MessageQuota


class BankCallbackSecret(Protocol):
    # BANK_CALLBACK_SECRET: the default school's callbacks (the others' secrets are in the database).
    @property
    def callback_secret(self) -> bytes | None: ...

    @property
    def default_school(self) -> str: ...


class WebRuntime(Protocol):
    """The part of the running application (bot.runtime.Runtime) that the pages use."""

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def files(self) -> FileVault: ...

    @property
    def documents(self) -> DocumentIssuer: ...

    # Short-lived counters shared by the web processes (rate limits).
    @property
    def state(self) -> SharedState: ...

    # The school's monthly LINE message quota, shown before a send to many parents.
    @property
    def message_quota(self) -> MessageQuota: ...

    # The fee desk, for the bank callback's shared secret; None when fees are not offered.
    @property
    def fees(self) -> BankCallbackSecret | None: ...


def web_runtime(request: Request) -> WebRuntime:
    return request.app.state.runtime


Runtime = Annotated[WebRuntime, Depends(web_runtime)]


async def db_session(runtime: Runtime) -> AsyncIterator[AsyncSession]:
    async with runtime.sessions() as session:
        yield session


# One session per request, closed when the route returns (before the response is sent, as the
# routes' own `async with` did); what a route does not commit is rolled back.
DbSession = Annotated[AsyncSession, Depends(db_session, scope="function")]


def current_time(runtime: Runtime) -> dt.datetime:
    return runtime.clock.now()


# The moment of this request, from the application's clock (tests move it; nothing sleeps).
Now = Annotated[dt.datetime, Depends(current_time)]
