"""The conversation as the chat sees it: LINE inputs into flows, and flows' answers into LINE messages."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from backend.applications.models import Application, ApplicationStatus
from backend.clock import Clock
from backend.school_config import SchoolConfig, SchoolConfigError
from backend.schools import School
from backend.staff import invite_known
from bot import messages as m
from bot.enrolment import Enrolment
from bot.handlers import EventContext
from bot.render import render
from flows.engine import Engine
from flows.front_desk import FrontDesk
from flows.inputs import FilesInput, Input, OtherInput, PostbackInput, RefusedFile, TextInput
from flows.registry import flows_for, members_only_for, withheld_for
from flows.router import Destination, route
from flows.sessions import SessionStore

log = logging.getLogger(__name__)

_MAX_KNOWN_CONFIGS = 32
UNAVAILABLE = ("ขออภัยค่ะ ขณะนี้ระบบบริการออนไลน์ของโรงเรียนขัดข้องชั่วคราว "
               "กรุณาลองใหม่ภายหลัง หรือติดต่อโรงเรียนโดยตรงนะคะ")


class FlowConversation:
    """Every message goes to the front desk and the services' engine (flows/)."""

    def __init__(self, *, clock: Clock, enrolment: Enrolment | None = None) -> None:
        self._clock = clock
        self.enrolment = enrolment
        self._sessions = SessionStore()
        self._engines: dict[str, Engine] = {}
        # The same (cached, frozen) configuration object comes back message after message: found
        # by identity first, without serialising it. Holding the object keeps its id unique.
        self._by_config: dict[int, tuple[SchoolConfig, Engine]] = {}
        self.front_desk = FrontDesk(engine_for=self.engine_for, clock=clock)
        # Answers "send me the file again" (bot/documents.py DocumentLinks); set by the runtime.
        self.document_links = None
        # Shows the admission announcement (bot/admission.py AnnouncementDesk); set by the runtime.
        self.announcements = None

    def engine_for(self, config: SchoolConfig) -> Engine:
        known = self._by_config.get(id(config))
        if known is not None and known[0] is config:
            return known[1]
        key = config.model_dump_json()
        engine = self._engines.get(key)
        if engine is None:
            engine = self._engines[key] = Engine(flows=flows_for(config), sessions=self._sessions, clock=self._clock,
                                                 withheld=withheld_for(config), members_only=members_only_for(config))
        if len(self._by_config) >= _MAX_KNOWN_CONFIGS:
            self._by_config.pop(next(iter(self._by_config)))
        self._by_config[id(config)] = (config, engine)
        return engine

    async def _say(self, ctx: EventContext, input: Input) -> list[m.Message]:
        school = await ctx.session.get(School, ctx.channel.school_id)
        try:
            says = await self.front_desk.handle(ctx.session, school=school, user_ref=ctx.user_ref, input=input)
        except SchoolConfigError as error:
            # A school's configuration was saved broken (by hand in the database): the parent
            # hears so politely instead of silence; the log names the field for the school's IT.
            log.error("school %s: configuration unusable: %s", school.slug, error)
            return m.text(UNAVAILABLE)
        return render(says)

    async def _has_draft(self, ctx: EventContext) -> bool:
        found = await ctx.session.scalar(sa.select(Application.id).where(
            Application.school_id == ctx.channel.school_id, Application.parent_ref == ctx.user_ref,
            Application.status == ApplicationStatus.DRAFT).limit(1))
        return found is not None

    async def on_text(self, ctx: EventContext, text: str) -> list[m.Message]:
        routed = route(text)
        # Shaped like a code but issued as none, while a request is being filled in: an answer
        # (a passport number such as "AB234567"), which goes to the request.
        if (self.enrolment is not None and routed.to is Destination.INVITE_CODE and routed.code
                and (await invite_known(ctx.session, routed.code) or not await self._has_draft(ctx))):
            return await self.enrolment.redeem(ctx, routed.code)
        if self.announcements is not None and routed.to is Destination.ADMISSION_ANNOUNCEMENT:
            return await self.announcements.answer(ctx)
        return await self._say(ctx, TextInput(text))

    async def on_postback(self, ctx: EventContext, data: str, params: dict[str, str]) -> list[m.Message]:
        if self.document_links is not None:
            answered = await self.document_links.answer(ctx, data)
            if answered is not None:
                return answered
        return await self._say(ctx, PostbackInput(data, params))

    async def on_files(self, ctx: EventContext, file_ids: list[str]) -> list[m.Message]:
        return await self._say(ctx, FilesInput(file_ids))

    async def on_other(self, ctx: EventContext, kind: str) -> list[m.Message]:
        return await self._say(ctx, OtherInput(kind))

    async def on_refused(self, ctx: EventContext, message_th: str) -> list[m.Message]:
        return await self._say(ctx, RefusedFile(message_th))
