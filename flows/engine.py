"""The conversation engine: applies one parent input to their draft and says what comes next.

Everything every service shares lives here once: progress, back, edit from the summary,
cancel and start over with confirmation, resuming after days, stale and double-tapped buttons,
re-asking when an answer does not fit, and submission. The caller owns the transaction: the
engine flushes, never commits. The caller also serialises one parent's messages (a per-user
lock taken before ``handle``); if two slip through, the draft's revision counter makes the
second flush fail with StaleDataError rather than interleave.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application, ApplicationStatus
from backend.applications.workflow import ParentAction, parent_moves
from backend.clock import Clock
from backend.thai.errors import ThaiInputError
from backend.thai.normalise import bare_forms, fold
from flows import postback, prompts
from flows.civil_servants import MemberCheck
from flows.flow import (
    NO_FACTS,
    OBEC_PUBLIC,
    PARENTS,
    Flow,
    FlowDefinitionError,
    RefusedWithOffers,
    ReturnToStep,
    Step,
)
from flows.inputs import FilesInput, Input, PostbackInput, RefusedFile, TextInput
from flows.kinds import Reply
from flows.router import CONTROL, Destination, route
from flows.say import MAX_QUICK_REPLIES, AskFiles, Choice, Say, Text
from flows.sessions import SessionStore, new_nonce
from flows.understanding import GIVEN, OFFER, contact_offer, first_message_answers, shown_given

# Thailand keeps no daylight saving, so a fixed offset needs no tz database.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")
SUMMARY = "_summary"
# A second tap on the same button this soon is one tap of a hurried thumb, not a question.
DOUBLE_TAP = dt.timedelta(seconds=10)


class DraftLookup:
    """The parent's open draft row, read from the database at most once.

    Made for one input (Engine.draft_lookup) and shared by whoever asks about the draft while
    handling it (the front desk's checks, then the engine), instead of each running the same
    query. Only the engine opens or cancels a draft while it is in use, and it settles the
    lookup when it does.
    """

    __slots__ = ("_read", "_row", "_school_id", "_session", "_sessions", "_user_ref")

    def __init__(
        self, sessions: SessionStore, session: AsyncSession, school_id: int, user_ref: str
    ) -> None:
        self._sessions = sessions
        self._session = session
        self._school_id = school_id
        self._user_ref = user_ref
        self._read = False
        self._row: Application | None = None

    async def row(self) -> Application | None:
        if not self._read:
            self._row = await self._sessions.open_draft(
                self._session, school_id=self._school_id, parent_ref=self._user_ref
            )
            self._read = True
        return self._row

    def settle(self, row: Application | None) -> None:
        """The engine opened or cancelled the draft itself: what a later ask must answer."""
        self._row = row
        self._read = True


def with_lead(lead: str, says: list[Say]) -> list[Say]:
    """``lead`` (what was received, why a question comes again) said in the same bubble as the
    question that follows, not a bubble of its own; before a summary card, its own bubble."""
    if says and isinstance(says[0], Text | AskFiles):
        first = says[0]
        return [dataclasses.replace(first, text=f"{lead}\n\n{first.text}"), *says[1:]]
    return [Text(lead), *says]


@dataclass(frozen=True)
class Reminder:
    """A nudge the edge pushes to a parent whose draft has been idle."""

    application_id: int
    school_id: int
    user_ref: str
    messages: list[Say]


class Engine:
    def __init__(
        self,
        *,
        flows: Mapping[str, Flow],
        sessions: SessionStore,
        clock: Clock,
        welcome_back_after: dt.timedelta = dt.timedelta(hours=1),
        withheld: Mapping[str, str] | None = None,
        members_only: Mapping[str, MemberCheck] | None = None,
    ) -> None:
        """``withheld``: what to say, by service id, when a parent asks for a service the school's
        type does not offer (flows/registry.py withheld_for); others not offered get NOT_AVAILABLE."""
        for key, flow in flows.items():
            if key != flow.id:
                raise FlowDefinitionError(f"flow {flow.id!r} registered under {key!r}")
        # Services only some users may start (a district's civil servants: flows/civil_servants.py):
        # out of every menu, and checked when started.
        self._members_only = dict(members_only or {})
        self._flows = dict(flows)
        # The parents' menu; OBEC's services for its own public have a menu of their own.
        listed = [flow for key, flow in self._flows.items() if key not in self._members_only]
        self._menu_flows = [flow for flow in listed if flow.audience == PARENTS]
        self._obec_flows = [flow for flow in listed if flow.audience == OBEC_PUBLIC]
        if max(len(self._menu_flows), len(self._obec_flows)) > MAX_QUICK_REPLIES - 1:
            raise FlowDefinitionError("too many services for one menu")
        self._sessions = sessions
        self._clock = clock
        self._welcome_back_after = welcome_back_after
        self._withheld = dict(withheld or {})
        # Service menus without a resume button, by their text: the same few (the greeting above
        # all) are shown again and again, and values said are immutable.
        self._menus: dict[str, Text] = {}
        # A service's own name typed (or sent by a rich-menu tile) while a request is open means
        # "take me there", never an answer: its title, its menu label, "ขอ" + its title.
        self._names = {fold(compact): flow.id for flow in self._flows.values()
                       for name in (flow.title, flow.menu_label, "ขอ" + flow.title)
                       for compact in bare_forms(name)[:1]}

    # -- public API ------------------------------------------------------------------------

    async def handle(
        self,
        session: AsyncSession,
        *,
        school_id: int,
        user_ref: str,
        input: Input,
        lookup: DraftLookup | None = None,
    ) -> list[Say]:
        """``lookup``: the caller's lookup of this parent's open draft for this same input, so
        the row is read once however many times it is asked about."""
        if lookup is None:
            lookup = self.draft_lookup(session, school_id=school_id, user_ref=user_ref)
        draft = await self._open_draft(session, school_id, user_ref, lookup=lookup)
        if draft is None:
            return await self._without_draft(session, school_id, user_ref, input, lookup)
        idle = self._clock.now() - draft.last_activity_at >= self._welcome_back_after
        turn = _Turn(self, session, draft, self._flows[draft.service], lookup=lookup)
        await turn.load_facts()
        says = await turn.apply(input, idle=idle)
        await turn.finish()
        return says

    async def start(
        self,
        session: AsyncSession,
        *,
        school_id: int,
        user_ref: str,
        flow_id: str,
        lookup: DraftLookup | None = None,
        said: str | None = None,
    ) -> list[Say]:
        """Begin a service (from the rich menu or a menu button), or resume its open draft.

        ``said``: the message that asked for the service in words; what it already answers is
        kept for its steps (flows/understanding.py) and only the rest is asked."""
        draft = await self._open_draft(session, school_id, user_ref, lookup=lookup)
        flow = self._flows.get(flow_id)
        if draft is not None:
            return await self._resume(session, draft, flow, flow_id)
        if flow is None:
            return [Text(self.unavailable(flow_id)), self.menu(prompts.GREETING)]
        now = self._clock.now()
        refusal = await self._refusal(session, flow, school_id, user_ref, now)
        if refusal is not None:
            return [self.menu(refusal)]
        first = flow.first_incomplete({}, self.today())
        assert first is not None  # a flow has at least one step, checked at definition
        draft = await self._sessions.create_draft(
            session,
            school_id=school_id,
            parent_ref=user_ref,
            service=flow.id,
            flow_version=flow.version,
            number_prefix=flow.number_prefix,
            first_step=first[0].id,
            now=now,
        )
        if lookup is not None:
            lookup.settle(draft)
        opening = prompts.STARTING.format(title=flow.title)
        if flow.intro:
            opening += "\n" + flow.intro
        given = first_message_answers(flow, said, self.today()) if said else {}
        filed = await self._sessions.filed_answers(session, school_id=school_id, parent_ref=user_ref)
        offer = contact_offer(flow, filed)
        kept_aside = {key: value for key, value in ((GIVEN, given), (OFFER, offer)) if value}
        if kept_aside:
            draft.answers = kept_aside
        if given:
            opening += "\n" + prompts.GIVEN_FIRST.format(given=shown_given(flow, given))
            turn = _Turn(self, session, draft, flow)
            await turn.take_given_facts()
            return with_lead(opening, turn.advance())
        return with_lead(opening, _Turn(self, session, draft, flow).ask_current())

    async def member_refusal(self, session: AsyncSession, service: str, *, school_id: int,
                             user_ref: str) -> str | None:
        """Why this user may not start a service kept for some (flows/civil_servants.py); None if they may."""
        check = self._members_only.get(service)
        return await check(session, school_id, user_ref) if check is not None else None

    async def _refusal(self, session: AsyncSession, flow: Flow, school_id: int, user_ref: str,
                       now: dt.datetime) -> str | None:
        """Why this user may not start the service now (not a civil servant of the district, an
        admission round not open), in Thai; None when they may."""
        refusal = await self.member_refusal(session, flow.id, school_id=school_id, user_ref=user_ref)
        if refusal is not None:
            return refusal
        return await flow.opening(session, school_id, now) if flow.opening is not None else None

    async def _resume(self, session: AsyncSession, draft: Application, flow: Flow | None,
                      flow_id: str) -> list[Say]:
        """A service asked for while a draft is open: that draft again, or why not another."""
        turn = _Turn(self, session, draft, self._flows[draft.service])
        says: list[Say]
        if flow is None:
            says = [Text(self.unavailable(flow_id)), turn.menu()]
        elif draft.service == flow_id:
            await turn.load_facts()
            says = with_lead(prompts.RESUMING.format(title=flow.title), turn.ask_current())
        else:
            says = [prompts.other_draft_open(turn.flow, draft.session_nonce)]
        await turn.finish()
        return says

    async def due_reminders(
        self, session: AsyncSession, *, idle_for: dt.timedelta, school_id: int | None = None
    ) -> list[Reminder]:
        """Drafts idle longer than ``idle_for`` and not yet reminded; marks them reminded."""
        now = self._clock.now()
        reminders = []
        drafts = await self._sessions.idle_drafts(session, idle_since=now - idle_for, school_id=school_id)
        for draft in drafts:
            flow = self._flows.get(draft.service)
            if flow is None:
                continue
            draft.reminded_at = now
            reminders.append(
                Reminder(
                    application_id=draft.id,
                    school_id=draft.school_id,
                    user_ref=draft.parent_ref,
                    messages=[prompts.reminder(flow, draft.session_nonce)],
                )
            )
        await session.flush()
        return reminders

    async def has_open_draft(
        self,
        session: AsyncSession,
        *,
        school_id: int,
        user_ref: str,
        lookup: DraftLookup | None = None,
    ) -> bool:
        if lookup is None:
            lookup = self.draft_lookup(session, school_id=school_id, user_ref=user_ref)
        return await lookup.row() is not None

    def draft_lookup(self, session: AsyncSession, *, school_id: int, user_ref: str) -> DraftLookup:
        """A lookup of the parent's open draft to share while one input is handled."""
        return DraftLookup(self._sessions, session, school_id, user_ref)

    def flow(self, service: str) -> Flow | None:
        return self._flows.get(service)

    def named_service(self, text: str) -> str | None:
        """The service a whole message names ("สมัครเรียน", "ใช้อาคารสถานที่ค่ะ"), else None."""
        return next((self._names[key] for key in map(fold, bare_forms(text)) if key in self._names), None)

    @property
    def services(self) -> Collection[str]:
        """The ids of the services this school offers."""
        return self._flows.keys()

    def unavailable(self, service: str) -> str:
        """What a parent asking for a service the school does not offer is told."""
        return self._withheld.get(service, prompts.NOT_AVAILABLE)

    def title_of(self, service: str) -> str:
        flow = self._flows.get(service)
        return flow.title if flow else service

    # -- shared helpers --------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return self._clock.now()

    def today(self) -> dt.date:
        return self._clock.now().astimezone(BANGKOK).date()

    async def repeat_confirm(self, session: AsyncSession, *, school_id: int, user_ref: str,
                             pb: postback.Postback) -> list[Say] | None:
        """"ยืนยันส่งคำขอ" tapped again on a request already filed: nothing for a double tap, else
        a note that it is filed, with its number; None for any other button."""
        if pb.nonce == postback.NO_CONVERSATION or pb.action != "confirm":
            return None
        old = await self._sessions.by_nonce(session, school_id=school_id, parent_ref=user_ref, nonce=pb.nonce)
        if old is None or old.status in (ApplicationStatus.DRAFT, ApplicationStatus.CANCELLED):
            return None
        if old.submitted_at is not None and self.now() - old.submitted_at < DOUBLE_TAP:
            return []
        return [Text(prompts.ALREADY_FILED.format(title=self.title_of(old.service), number=old.public_number),
                     [prompts.STATUS_CHOICE])]

    def menu(self, text: str, *, resume_nonce: str | None = None) -> Text:
        """The service menu under ``text``; with ``resume_nonce``, a button to go back to that draft."""
        if resume_nonce is not None:
            return prompts.service_menu(self._menu_flows, text, resume_nonce=resume_nonce)
        menu = self._menus.get(text)
        if menu is None:
            menu = self._menus[text] = prompts.service_menu(self._menu_flows, text)
        return menu

    def obec_menu(self) -> Text:
        """OBEC's own services, for the people they are for (not parents): "บริการ สพฐ."."""
        if not self._obec_flows:
            return Text(prompts.NO_OBEC_SERVICES)
        return prompts.service_menu(self._obec_flows, prompts.OBEC_MENU)

    async def _open_draft(
        self,
        session: AsyncSession,
        school_id: int,
        user_ref: str,
        *,
        lookup: DraftLookup | None = None,
    ) -> Application | None:
        if lookup is None:
            lookup = self.draft_lookup(session, school_id=school_id, user_ref=user_ref)
        draft = await lookup.row()
        if draft is None:
            return None
        flow = self._flows.get(draft.service)
        if flow is None:
            # The school switched the service off: the draft cannot go on, and would otherwise
            # block every new request from this parent.
            parent_moves(draft, ParentAction.SERVICE_SWITCHED_OFF)
            await session.flush()
            lookup.settle(None)
            return None
        if draft.flow_version != flow.version:
            # Step ids are stable across versions: keep what still means something, then
            # continue from the first step the new version still needs.
            known = {step.id for step in flow.steps}
            draft.answers = {k: v for k, v in draft.answers.items() if k in known}
            draft.missing_documents = [m for m in draft.missing_documents if m["document"] in known]
            draft.flow_version = flow.version
            nxt = flow.first_incomplete(draft.answers, self.today())
            draft.current_step = SUMMARY if nxt is None else nxt[0].id
        return draft

    async def _without_draft(
        self,
        session: AsyncSession,
        school_id: int,
        user_ref: str,
        input: Input,
        lookup: DraftLookup,
    ) -> list[Say]:
        """No open draft (``lookup`` says so, and ``start`` need not ask the database again)."""
        if isinstance(input, PostbackInput):
            pb = postback.decode(input.data)
            if pb is not None and pb.action == "start" and pb.arg(0):
                return await self.start(
                    session, school_id=school_id, user_ref=user_ref, flow_id=pb.arg(0) or "",
                    lookup=lookup,
                )
            if pb is None or pb.nonce == postback.NO_CONVERSATION:
                return [self.menu(prompts.GREETING)]
            repeated = await self.repeat_confirm(session, school_id=school_id, user_ref=user_ref, pb=pb)
            if repeated is not None:
                return repeated
            # One short answer where the button was tapped, not a greeting in the middle of the chat.
            menu = self.menu(prompts.STALE_BUTTON + prompts.STALE_WAYS_ON)
            return [Text(menu.text, [*menu.choices, prompts.STATUS_CHOICE][:MAX_QUICK_REPLIES])]
        if isinstance(input, FilesInput):
            return [self.menu(prompts.FILES_WITHOUT_REQUEST)]
        if isinstance(input, RefusedFile):
            return [Text(input.message_th)]
        if isinstance(input, TextInput):
            routed = route(input.text, services=self.services)
            if routed.to is Destination.NOT_OFFERED and routed.service is not None:
                return [Text(self.unavailable(routed.service)), self.menu(prompts.GREETING)]
            if routed.to is Destination.SERVICE and routed.service is not None:
                return await self.start(
                    session, school_id=school_id, user_ref=user_ref, flow_id=routed.service,
                    lookup=lookup, said=input.text,
                )
        return [self.menu(prompts.GREETING)]


class _Turn:
    """One input applied to one open draft."""

    def __init__(self, engine: Engine, session: AsyncSession, draft: Application, flow: Flow,
                 *, lookup: DraftLookup | None = None):
        self.engine = engine
        self.session = session
        self.draft = draft
        self.flow = flow
        self.lookup = lookup  # the lookup that found the draft, if any: for engine.start
        self.now = engine.now()
        self.today = engine.today()
        # What the flow's conditions and checks know from outside the conversation (Flow.facts).
        self.facts: Mapping[str, Any] = NO_FACTS

    async def load_facts(self) -> None:
        """Read the flow's facts once the answers they depend on are given."""
        facts = self.flow.facts
        if facts is None or not all(self.draft.answers.get(f) is not None for f in facts.uses):
            self.facts = NO_FACTS
            return
        self.facts = await facts.load(self.session, self.draft)

    async def finish(self) -> None:
        self.draft.last_activity_at = self.now
        self.draft.updated_at = self.now
        await self.session.flush()

    # -- what to show ----------------------------------------------------------------------

    @property
    def nonce(self) -> str:
        return self.draft.session_nonce

    def menu(self) -> Text:
        text = prompts.DRAFT_KEPT.format(title=self.flow.title)
        return self.engine.menu(text, resume_nonce=self.nonce)

    def ask(self, step: Step, *, note: str | None = None, extra: tuple[Choice, ...] = ()) -> list[Say]:
        """Ask ``step``; ``extra``: buttons for what the note offers, beside the step's own."""
        applicable = self.flow.applicable(self.draft.answers, self.today, self.facts)
        position = [s.id for s in applicable].index(step.id) + 1
        offer = self.draft.answers.get(OFFER) or {}
        following = self._following_documents(step, applicable) if step.kind.one_page else []
        prompt = prompts.step_prompt(
            self.flow, step, nonce=self.nonce, position=position, total=len(applicable), extra=extra,
            reuse=shown_given(self.flow, offer) if step.id in offer else None,
            together=[step.label, *(s.label for s in following)] if following else (),
            picker=self._picker_range(step),
        )
        return with_lead(note, [prompt]) if note else [prompt]

    def summary(self) -> Say:
        answers = self.draft.answers
        return prompts.summary_prompt(
            self.flow,
            [(s, answers.get(s.id)) for s in self.flow.applicable(answers, self.today, self.facts)],
            nonce=self.nonce,
            missing=frozenset(m["document"] for m in self.draft.missing_documents),
            totals=self.flow.totals(answers) if self.flow.totals else (),
        )

    def current_step(self) -> Step | None:
        step = self.flow.step(self.draft.current_step)
        if step is None or step not in self.flow.applicable(self.draft.answers, self.today, self.facts):
            return None
        return step

    def ask_current(self, *, note: str | None = None) -> list[Say]:
        if self.draft.current_step == SUMMARY:
            return [Text(note), self.summary()] if note else [self.summary()]
        step = self.current_step()
        if step is None:
            return self.advance()
        return self.ask(step, note=note)

    def advance(self, *, extra: tuple[Choice, ...] = ()) -> list[Say]:
        """Go to the first step still needing an answer, or to the summary (where ``extra``
        buttons are not shown: its card has an edit button on every answer). A step the first
        message already answered (flows/understanding.py) takes that answer through its checks
        instead of being asked; one that does not pass is asked with the reason."""
        while True:
            nxt = self.flow.first_incomplete(self.draft.answers, self.today, self.facts)
            if nxt is None:
                self.draft.current_step = SUMMARY
                return [self.summary()]
            step, note = nxt
            self.draft.current_step = step.id
            if note is None and (given := self._take_given(step)) is not None:
                try:
                    self.flow.check_answer(step, given, self.draft.answers, self.today, self.facts)
                except ReturnToStep:
                    return self.ask(step)
                except ThaiInputError as error:
                    return self.ask(step, note=error.message_th)
                self._record(step, given)
                continue
            return self.ask(step, note=note, extra=extra)

    async def take_given_facts(self) -> None:
        """Take the first message's answers that the flow's facts depend on (a venue, whose booked
        days the date checks need), while each is the next step to ask: advance() cannot read
        facts, which takes the database. One that fails its check is left to advance(), which
        asks the step."""
        facts = self.flow.facts
        while facts is not None:
            given = self.draft.answers.get(GIVEN) or {}
            nxt = self.flow.first_incomplete(self.draft.answers, self.today, self.facts)
            if nxt is None or nxt[1] is not None or nxt[0].id not in facts.uses or nxt[0].id not in given:
                return
            step, value = nxt[0], given[nxt[0].id]
            try:
                self.flow.check_answer(step, value, self.draft.answers, self.today, self.facts)
            except (ReturnToStep, ThaiInputError):
                return
            self._take_given(step)
            await self._keep(step, value)

    def _take_given(self, step: Step) -> Any:
        """The answer the first message gave for ``step``, removed from those kept aside; None
        when it gave none (or the step's answer feeds the flow's facts: take_given_facts takes
        those, as only an async turn can read the facts again)."""
        given = self.draft.answers.get(GIVEN)
        if not given or step.id not in given:
            return None
        rest = {key: value for key, value in given.items() if key != step.id}
        others = {key: value for key, value in self.draft.answers.items() if key != GIVEN}
        self.draft.answers = {**others, GIVEN: rest} if rest else others
        if self.flow.facts is not None and step.id in self.flow.facts.uses:
            return None
        return given[step.id]

    def ask_again_showing(self, step: Step) -> list[Say]:
        """Ask a step the parent went back to, reminding them of the answer it holds."""
        self.draft.current_step = step.id
        if step.id not in self.draft.answers:
            return self.ask(step)
        shown = prompts.shown_answer(
            step,
            self.draft.answers[step.id],
            missing=any(m["document"] == step.id for m in self.draft.missing_documents),
        )
        return self.ask(step, note=f"คำตอบเดิม: {shown}")

    # -- what to do ------------------------------------------------------------------------

    async def apply(self, input: Input, *, idle: bool) -> list[Say]:
        if isinstance(input, PostbackInput):
            return await self.on_postback(input)
        if isinstance(input, TextInput):
            routed = route(input.text, at_summary=self.draft.current_step == SUMMARY)
            if routed.to in CONTROL:
                return self.on_control(routed.to)
            named = self.engine.named_service(input.text)
            if named is not None:
                # A rich-menu tile or the service's name: resume (or name the other open request).
                return await self.engine.start(self.session, school_id=self.draft.school_id,
                                               user_ref=self.draft.parent_ref, flow_id=named, lookup=self.lookup)
            if idle:
                # Days later a message is more likely "สวัสดี" than the answer: show where
                # they are instead of taking it as one.
                return self.ask_current(note=prompts.WELCOME_BACK.format(title=self.flow.title))
            if routed.to is Destination.CONFIRM:
                return await self.submit()
            return await self.answer(Reply(text=input.text))
        if isinstance(input, FilesInput):
            return await self.answer(Reply(files=tuple(input.file_ids)))
        if isinstance(input, RefusedFile):
            return self.ask_current(note=input.message_th)
        step = self.current_step()
        expects = step.kind.expects_th if step else "การกดยืนยันหรือแก้ไข"
        notes = [prompts.WELCOME_BACK.format(title=self.flow.title)] if idle else []
        notes.append(prompts.NOT_UNDERSTOOD.format(expects=expects))
        return self.ask_current(note="\n".join(notes))

    def on_control(self, word: str) -> list[Say]:
        if word == "cancel":
            return [prompts.confirm_cancel(self.flow, self.nonce)]
        if word == "restart":
            return [prompts.confirm_restart(self.flow, self.nonce)]
        if word == "back":
            return self.back()
        return [self.menu()]

    async def on_postback(self, input: PostbackInput) -> list[Say]:
        pb = postback.decode(input.data)
        if pb is None:
            return self.ask_current(note=prompts.UNKNOWN_BUTTON)
        if pb.action == "start":
            return await self.engine.start(
                self.session,
                school_id=self.draft.school_id,
                user_ref=self.draft.parent_ref,
                flow_id=pb.arg(0) or "",
                lookup=self.lookup,
            )
        if pb.action == "menu":  # the rich menu's button belongs to no conversation
            return [self.menu()]
        if pb.nonce != self.nonce:
            return await self.stale_tap(pb)

        step_id = pb.arg(0) or ""
        if (
            pb.action in {"ans", "date", "nodoc", "skip", "back"}
            and step_id != self.draft.current_step
        ):
            return self.late_tap(pb, step_id, input.params)
        return await self.on_button(pb, step_id, input.params)

    async def stale_tap(self, pb: postback.Postback) -> list[Say]:
        """A button of another conversation: a repeated confirm of one submitted says nothing."""
        repeated = await self.engine.repeat_confirm(
            self.session, school_id=self.draft.school_id, user_ref=self.draft.parent_ref, pb=pb
        )
        if repeated is not None:
            return repeated
        return self.ask_current(note=prompts.STALE_BUTTON)

    async def on_button(self, pb: postback.Postback, step_id: str, params: dict[str, str]) -> list[Say]:
        """A button of this conversation, for its current step or for no step."""
        match pb.action:
            case "ans":
                return await self.answer(Reply(option=pb.arg(1)))
            case "date":
                return await self.answer(Reply(date=params.get("date", "")))
            case "cancel" | "restart" | "menu":
                return self.on_control(pb.action)
            case "edit":
                return self.edit(step_id)
            case "confirm":
                if self.draft.current_step != SUMMARY:
                    return self.ask_current()
                return await self.submit()
        moves: dict[str, Callable[[], list[Say]]] = {
            "nodoc": self.document_missing,
            "skip": self.skip,
            "back": self.back,
            "cancel_yes": self.cancel,
            "restart_yes": self.restart,
            "resume": self.ask_current,
            "reuse": self.reuse,
            "regroup": lambda: self.regroup(pb.args),
        }
        move = moves.get(pb.action)
        return move() if move is not None else self.ask_current(note=prompts.UNKNOWN_BUTTON)

    def edit(self, step_id: str) -> list[Say]:
        """The summary's "edit" button: ask that question again, showing the answer given."""
        step = self.flow.step(step_id)
        if step is None or step not in self.flow.applicable(self.draft.answers, self.today, self.facts):
            return self.ask_current()
        return self.ask_again_showing(step)

    def late_tap(self, pb: postback.Postback, step_id: str, params: dict[str, str]) -> list[Say]:
        """A button for a step that is no longer current: usually a double tap.

        A repeat of what was already recorded does nothing and says nothing; a different
        answer to an earlier question is not taken silently (the summary is where to edit).
        """
        answers = self.draft.answers
        repeat = {
            "ans": answers.get(step_id) == pb.arg(1),
            "date": answers.get(step_id) == params.get("date"),
            "nodoc": any(m["document"] == step_id for m in self.draft.missing_documents),
            "skip": step_id in answers and answers[step_id] is None,
            "back": True,
        }[pb.action]
        if repeat:
            return []
        return self.ask_current(note=prompts.ALREADY_ANSWERED)

    async def answer(self, reply: Reply) -> list[Say]:
        if self.draft.current_step == SUMMARY:
            return self.ask_current(note=prompts.AT_SUMMARY)
        step = self.current_step()
        if step is None:
            return self.advance()
        try:
            value = self._parse(step, reply)
            self.flow.check_answer(step, value, self.draft.answers, self.today, self.facts)
        except ReturnToStep:
            # The answer is fine but shows that an earlier one is not (a name title that does
            # not fit the birth date): keep it, and ask the earlier one again with the reason.
            await self._keep(step, value)
            return self.advance()
        except ThaiInputError as error:
            return self.ask(step, note=error.message_th, extra=self._offers(error))
        if step.kind.one_page and len(reply.files) > 1:
            spread = self._spread_files(step, list(reply.files))
            if spread is not None:
                return spread
        await self._keep(step, value)
        self._drop_offer(step)
        if step.is_document:
            received = prompts.DOCUMENT_RECEIVED.format(label=step.label)
            return with_lead(received, self.advance())
        return self.advance()

    def _offers(self, error: ThaiInputError) -> tuple[Choice, ...]:
        """The buttons a refusal offers (RefusedWithOffers): answers to send, an earlier step to change."""
        if not isinstance(error, RefusedWithOffers):
            return ()
        offers = [Choice(answer, text=answer) for answer in error.answers]
        if error.change is not None:
            step_id, label = error.change
            offers.append(Choice(label, postback=postback.encode(self.nonce, "edit", step_id)))
        return tuple(offers)

    def _picker_range(self, step: Step) -> tuple[str | None, str | None]:
        if step.picker_range is None:
            return None, None
        first, last = step.picker_range(self.today)
        return (first.isoformat() if first else None), (last.isoformat() if last else None)

    def _following_documents(self, step: Step, applicable: list[Step]) -> list[Step]:
        """The documents asked right after ``step`` and not given yet."""
        after = applicable[applicable.index(step) + 1:]
        return list(itertools.takewhile(lambda s: s.is_document and s.id not in self.draft.answers, after))

    def _spread_files(self, step: Step, files: list[str]) -> list[Say] | None:
        """Several photos sent together at a one-page document's step while more documents are
        still to come: one photo to each document in the order asked, any extra ones to the last; a
        button puts them back together as pages of this one. None when nothing follows."""
        following = self._following_documents(step, self.flow.applicable(self.draft.answers, self.today, self.facts))
        if not following:
            return None
        targets = [step, *following][: len(files)]
        given: dict[str, list[str]] = {target.id: [] for target in targets}
        for number, file_id in enumerate(files):
            given[targets[min(number, len(targets) - 1)].id].append(file_id)
        for target in targets:
            self._record(target, given[target.id])
        note = prompts.files_spread(len(files), [(target.label, len(given[target.id])) for target in targets],
                                    first_label=step.label)
        together = prompts.together_choice(step, [target.id for target in targets], nonce=self.nonce)
        return with_lead(note, self.advance(extra=(together,)))

    def regroup(self, step_ids: tuple[str, ...]) -> list[Say]:
        """The photos spread over several documents were all pages of the first one."""
        first = self.flow.step(step_ids[0]) if step_ids else None
        others = [i for i in step_ids[1:] if i in self.draft.answers]
        if first is None or not isinstance(self.draft.answers.get(first.id), list):
            return self.ask_current(note=prompts.UNKNOWN_BUTTON)
        if not others:
            return []  # tapped twice
        files = [f for i in (first.id, *others) for f in self.draft.answers.get(i) or []]
        self.draft.answers = {k: v for k, v in self.draft.answers.items() if k not in others}
        self._record(first, files)
        return with_lead(prompts.DOCUMENT_RECEIVED.format(label=first.label), self.advance())

    async def _keep(self, step: Step, value: Any) -> None:
        """Record an answer; the flow's facts are read again when they depend on it."""
        self._record(step, value)
        if self.flow.facts is not None and step.id in self.flow.facts.uses:
            await self.load_facts()

    def _parse(self, step: Step, reply: Reply) -> Any:
        kind = step.kind
        if reply.files and not kind.files:
            raise ThaiInputError(
                prompts.FILES_NOT_NEEDED.format(expects=kind.expects_th), code="input.files"
            )
        if kind.files and not reply.files:
            hint = " ถ้ายังไม่มี กด “ไม่มีเอกสารนี้” ได้ค่ะ" if step.required else ""
            expects = f"{kind.expects_th}: {step.label}"
            raise ThaiInputError(
                prompts.DOES_NOT_FIT.format(expects=expects) + hint, code="input.not_files"
            )
        if (reply.option is not None and not kind.options) or (
            reply.date is not None and not kind.date_picker
        ):
            raise ThaiInputError(
                prompts.DOES_NOT_FIT.format(expects=kind.expects_th), code="input.kind"
            )
        return self.flow.read(step, reply, self.draft.answers, self.today, self.facts)

    def _record(self, step: Step, value: Any, *, missing: bool = False) -> None:
        # New containers each time: the JSON columns notice reassignment, not mutation.
        self.draft.answers = {**self.draft.answers, step.id: value}
        others = [m for m in self.draft.missing_documents if m["document"] != step.id]
        if missing:
            others.append({"document": step.id, "name": step.label})
        self.draft.missing_documents = others

    def reuse(self) -> list[Say]:
        """"ใช้ข้อมูลเดิม": the contact details of the parent's last request, each taken when its
        step comes (through its checks, as a first message's answers are)."""
        offer = self.draft.answers.get(OFFER)
        if not offer:
            return self.ask_current(note=prompts.UNKNOWN_BUTTON)
        answers = {key: value for key, value in self.draft.answers.items() if key != OFFER}
        given = {**(answers.get(GIVEN) or {}), **{k: v for k, v in offer.items() if k not in answers}}
        self.draft.answers = {**answers, GIVEN: given}
        return self.advance()

    def _drop_offer(self, step: Step) -> None:
        """A contact detail typed anew: the old ones are not offered again in this request."""
        if step.id in (self.draft.answers.get(OFFER) or {}):
            self.draft.answers = {key: value for key, value in self.draft.answers.items() if key != OFFER}

    def document_missing(self) -> list[Say]:
        step = self.current_step()
        if step is None or not step.is_document or not step.required:
            return self.ask_current(note=prompts.UNKNOWN_BUTTON)
        self._record(step, None, missing=True)
        return with_lead(prompts.DOCUMENT_MISSING.format(label=step.label), self.advance())

    def skip(self) -> list[Say]:
        step = self.current_step()
        if step is None or step.required:
            return self.ask_current(note=prompts.UNKNOWN_BUTTON)
        self._record(step, None)
        return self.advance()

    def back(self) -> list[Say]:
        applicable = self.flow.applicable(self.draft.answers, self.today, self.facts)
        if self.draft.current_step == SUMMARY:
            return self.ask_again_showing(applicable[-1])
        ids = [s.id for s in applicable]
        position = ids.index(self.draft.current_step) if self.draft.current_step in ids else 0
        if position == 0:
            return self.ask_current(note=prompts.FIRST_STEP)
        return self.ask_again_showing(applicable[position - 1])

    def cancel(self) -> list[Say]:
        parent_moves(self.draft, ParentAction.CANCEL)
        # Nothing of a cancelled request is kept: it was never filed, and it holds a child's data.
        self.draft.answers = {}
        self.draft.missing_documents = []
        text = prompts.CANCELLED.format(title=self.flow.title)
        return [self.engine.menu(text + "\nต้องการใช้บริการอื่น เลือกจากปุ่มด้านล่างได้เลยค่ะ")]

    def restart(self) -> list[Say]:
        self.draft.answers = {}
        self.draft.missing_documents = []
        # A new nonce makes every button shown before the restart stale.
        self.draft.session_nonce = new_nonce()
        self.draft.flow_version = self.flow.version
        return with_lead(prompts.RESTARTED, self.advance())

    async def submit(self) -> list[Say]:
        if self.flow.first_incomplete(self.draft.answers, self.today, self.facts) is not None:
            return self.advance()
        applicable = {s.id for s in self.flow.applicable(self.draft.answers, self.today, self.facts)}
        # Answers to questions that stopped applying (after an edit) are not filed.
        self.draft.answers = {k: v for k, v in self.draft.answers.items() if k in applicable}
        missing = [m for m in self.draft.missing_documents if m["document"] in applicable]
        self.draft.missing_documents = missing
        try:
            await self.flow.submit(self.session, self.draft, now=self.now)
        except ReturnToStep as error:
            # Something changed since the answer was given (e.g. another family booked the
            # venue first): say why and ask that one question again; nothing else is lost.
            step = self.flow.step(error.step_id)
            if step is None:
                raise
            self.draft.answers = {k: v for k, v in self.draft.answers.items() if k != step.id}
            self.draft.current_step = step.id
            return self.ask_current(note=error.message_th)
        text = prompts.SUBMITTED.format(
            title=self.flow.title, number=self.draft.public_number,
            next_steps=self.flow.next_steps_for(self.draft.answers),
        )
        if missing:
            names = ", ".join(m["name"] for m in missing)
            text += "\n" + prompts.MISSING_LIST.format(names=names)
        return [Text(text)]
