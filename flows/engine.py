"""The conversation engine: applies one parent input to their draft and says what comes next.

Everything every service shares lives here once: progress, back, edit from the summary,
cancel and start over with confirmation, resuming after days, stale and double-tapped buttons,
re-asking when an answer does not fit, and submission. The caller owns the transaction: the
engine flushes, never commits. The caller also serialises one parent's messages (a per-user
lock taken before ``handle``); if two slip through, the draft's revision counter makes the
second flush fail with StaleDataError rather than interleave.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.applications.models import Application, ApplicationStatus
from backend.applications.workflow import ParentAction, parent_moves
from backend.clock import Clock
from backend.thai.errors import ThaiInputError
from flows import postback, prompts
from flows.flow import NO_FACTS, Flow, FlowDefinitionError, ReturnToStep, Step
from flows.inputs import FilesInput, Input, PostbackInput, TextInput
from flows.kinds import Reply
from flows.router import CONTROL, Destination, route
from flows.say import MAX_QUICK_REPLIES, Say, Text
from flows.sessions import SessionStore, new_nonce

# Thailand keeps no daylight saving, so a fixed offset needs no tz database.
BANGKOK = dt.timezone(dt.timedelta(hours=7), "Asia/Bangkok")
SUMMARY = "_summary"


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
    ) -> None:
        for key, flow in flows.items():
            if key != flow.id:
                raise FlowDefinitionError(f"flow {flow.id!r} registered under {key!r}")
        if len(flows) > MAX_QUICK_REPLIES - 1:
            raise FlowDefinitionError("too many services for one menu")
        self._flows = dict(flows)
        self._sessions = sessions
        self._clock = clock
        self._welcome_back_after = welcome_back_after
        # Service menus without a resume button, by their text: the same few (the greeting above
        # all) are shown again and again, and values said are immutable.
        self._menus: dict[str, Text] = {}

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
    ) -> list[Say]:
        """Begin a service (from the rich menu or a menu button), or resume its open draft."""
        draft = await self._open_draft(session, school_id, user_ref, lookup=lookup)
        flow = self._flows.get(flow_id)
        if draft is not None:
            turn = _Turn(self, session, draft, self._flows[draft.service])
            says: list[Say]
            if flow is None:
                says = [Text(prompts.NOT_AVAILABLE), turn.menu()]
            elif draft.service == flow_id:
                await turn.load_facts()
                says = [Text(prompts.RESUMING.format(title=flow.title)), *turn.ask_current()]
            else:
                says = [prompts.other_draft_open(turn.flow, draft.session_nonce)]
            await turn.finish()
            return says
        if flow is None:
            return [Text(prompts.NOT_AVAILABLE), self.menu(prompts.GREETING)]
        now = self._clock.now()
        if flow.opening is not None:
            refusal = await flow.opening(session, school_id, now)
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
        return [Text(opening), *_Turn(self, session, draft, flow).ask_current()]

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

    @property
    def services(self) -> Collection[str]:
        """The ids of the services this school offers."""
        return self._flows.keys()

    def title_of(self, service: str) -> str:
        flow = self._flows.get(service)
        return flow.title if flow else service

    # -- shared helpers --------------------------------------------------------------------

    def now(self) -> dt.datetime:
        return self._clock.now()

    def today(self) -> dt.date:
        return self._clock.now().astimezone(BANGKOK).date()

    async def is_repeat_confirm(self, session: AsyncSession, *, school_id: int, user_ref: str,
                                pb: postback.Postback) -> bool:
        """A second tap on "ยืนยันส่งคำขอ" of a request already submitted: say nothing more."""
        if pb.nonce == postback.NO_CONVERSATION or pb.action != "confirm":
            return False
        old = await self._sessions.by_nonce(session, school_id=school_id, parent_ref=user_ref, nonce=pb.nonce)
        return old is not None and old.status == ApplicationStatus.SUBMITTED

    def menu(self, text: str, *, resume_nonce: str | None = None) -> Text:
        """The service menu under ``text``; with ``resume_nonce``, a button to go back to that draft."""
        if resume_nonce is not None:
            return prompts.service_menu(self._flows.values(), text, resume_nonce=resume_nonce)
        menu = self._menus.get(text)
        if menu is None:
            menu = self._menus[text] = prompts.service_menu(self._flows.values(), text)
        return menu

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
            if await self.is_repeat_confirm(session, school_id=school_id, user_ref=user_ref, pb=pb):
                return []
            return [Text(prompts.STALE_BUTTON), self.menu(prompts.GREETING)]
        if isinstance(input, FilesInput):
            return [self.menu(prompts.FILES_WITHOUT_REQUEST)]
        if isinstance(input, TextInput):
            routed = route(input.text, services=self.services)
            if routed.to is Destination.SERVICE and routed.service is not None:
                return await self.start(
                    session, school_id=school_id, user_ref=user_ref, flow_id=routed.service,
                    lookup=lookup,
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

    def ask(self, step: Step, *, note: str | None = None) -> list[Say]:
        applicable = self.flow.applicable(self.draft.answers, self.today, self.facts)
        position = [s.id for s in applicable].index(step.id) + 1
        prompt = prompts.step_prompt(
            self.flow, step, nonce=self.nonce, position=position, total=len(applicable)
        )
        return [Text(note), prompt] if note else [prompt]

    def summary(self) -> Say:
        answers = self.draft.answers
        return prompts.summary_prompt(
            self.flow,
            [(s, answers.get(s.id)) for s in self.flow.applicable(answers, self.today, self.facts)],
            nonce=self.nonce,
            missing=frozenset(m["document"] for m in self.draft.missing_documents),
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

    def advance(self) -> list[Say]:
        """Go to the first step still needing an answer, or to the summary."""
        nxt = self.flow.first_incomplete(self.draft.answers, self.today, self.facts)
        if nxt is None:
            self.draft.current_step = SUMMARY
            return [self.summary()]
        step, note = nxt
        self.draft.current_step = step.id
        return self.ask(step, note=note)

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
            if idle:
                # Days later a message is more likely "สวัสดี" than the answer: show where
                # they are instead of taking it as one.
                return self.ask_current(note=prompts.WELCOME_BACK.format(title=self.flow.title))
            if routed.to is Destination.CONFIRM:
                return await self.submit()
            return await self.answer(Reply(text=input.text))
        if isinstance(input, FilesInput):
            return await self.answer(Reply(files=tuple(input.file_ids)))
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
        if await self.engine.is_repeat_confirm(
            self.session, school_id=self.draft.school_id, user_ref=self.draft.parent_ref, pb=pb
        ):
            return []
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
            return self.ask(step, note=error.message_th)
        await self._keep(step, value)
        if step.is_document:
            received = prompts.DOCUMENT_RECEIVED.format(label=step.label)
            return [Text(received), *self.advance()]
        return self.advance()

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
        return kind.parse(reply, self.today)

    def _record(self, step: Step, value: Any, *, missing: bool = False) -> None:
        # New containers each time: the JSON columns notice reassignment, not mutation.
        self.draft.answers = {**self.draft.answers, step.id: value}
        others = [m for m in self.draft.missing_documents if m["document"] != step.id]
        if missing:
            others.append({"document": step.id, "name": step.label})
        self.draft.missing_documents = others

    def document_missing(self) -> list[Say]:
        step = self.current_step()
        if step is None or not step.is_document or not step.required:
            return self.ask_current(note=prompts.UNKNOWN_BUTTON)
        self._record(step, None, missing=True)
        return [Text(prompts.DOCUMENT_MISSING.format(label=step.label)), *self.advance()]

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
        return [Text(prompts.RESTARTED), *self.advance()]

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
