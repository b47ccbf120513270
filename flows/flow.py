"""A service's conversation declared as data: steps, their conditions and checks, and submit.

Everything is checked when a Flow is built (FlowDefinitionError), so a mistake in a service
file stops start-up instead of surprising a parent half-way through a request.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from backend.applications.service import submit_application
from backend.thai.errors import ThaiInputError
from flows.kinds import Kind, Reply
from flows.say import MAX_LABEL, LineLimitError

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from backend.applications.models import Application

STABLE_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
EDIT_PREFIX = "แก้"  # summary buttons read "แก้<label>", so labels leave room for it
MAX_STEP_LABEL = MAX_LABEL - len(EDIT_PREFIX)
# Room in the quick reply for ข้าม / ไม่มีเอกสารนี้, ย้อนกลับ and ยกเลิก.
MAX_OPTIONS = 10
MAX_QUESTION = 4000  # leaves room under LINE's 5,000 for the progress line
_MAX_PROBES = 4096

SubmitFn = Callable[..., Awaitable[None]]
# What the parent is told after filing: the same words for everyone, or words made from the answers
# (stored values, as the draft holds them), e.g. how admission gives places in the grade chosen.
NextSteps = str | Callable[[Mapping[str, Any]], str]
# What the message that asked for a service already answers ("อยากจองหอประชุมวันเสาร์ที่ 19 ธ.ค.
# จัดงานทำบุญ"): the text and today, to stored values by step id (flows/understanding.py).
FirstMessage = Callable[[str, dt.date], Mapping[str, Any]]
# Whether a parent may start the service now: None, or the polite Thai words saying why not (an
# admission round not open yet, or closed). Called with (session, school_id, now).
OpeningCheck = Callable[["AsyncSession", int, dt.datetime], Awaitable["str | None"]]


# Who a service is for (Flow.audience): parents see it in the service menu; OBEC's public
# (people educated abroad, foreigners, publishers) find it under "บริการ สพฐ.".
PARENTS = "parents"
OBEC_PUBLIC = "obec_public"
# A district's civil servants (welfare claims, pension): in no menu of parents; only its members may
# start them (flows/civil_servants.py).
CIVIL_SERVANTS = "civil_servants"


class FlowDefinitionError(ValueError):
    """A flow that cannot work as declared."""


class ReturnToStep(ThaiInputError):
    """Raised by a submit function: the answer to ``step_id`` no longer works; ask it again."""

    def __init__(self, step_id: str, message_th: str) -> None:
        super().__init__(message_th, code="submit.return_to_step")
        self.step_id = step_id


class RefusedWithOffers(ThaiInputError):
    """A check's refusal that offers ways on as buttons: ``answers``, each sent as if typed (the
    nearest free days), and ``change`` (step id, button label): ask that earlier step again."""

    def __init__(self, message_th: str, *, code: str, answers: Sequence[str] = (),
                 change: tuple[str, str] | None = None) -> None:
        super().__init__(message_th, code=code)
        self.answers = tuple(answers)
        self.change = change


class UndeclaredAnswerError(KeyError):
    """A condition or check read an answer it did not list in ``uses``."""


class AnswerView(Mapping[str, Any]):
    """Earlier answers as typed values, limited to the ones a condition or check declared.

    Reading an undeclared answer fails loudly rather than silently seeing nothing, so a
    misdeclared ``uses`` is caught at definition time. Unanswered or skipped answers are None.
    """

    def __init__(self, values: Mapping[str, Any], allowed: Sequence[str], owner: str) -> None:
        self._values = values
        self._allowed = tuple(allowed)
        self._owner = owner

    def __getitem__(self, key: str) -> Any:
        if key not in self._allowed:
            raise UndeclaredAnswerError(f"step {self._owner!r} reads {key!r} not listed in uses")
        return self._values.get(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._allowed)

    def __len__(self) -> int:
        return len(self._allowed)


# What a flow knows from outside the conversation when it has no Facts, or they are not loaded yet.
NO_FACTS: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class Context:
    answers: AnswerView
    today: dt.date
    facts: Mapping[str, Any] = dataclasses.field(default_factory=lambda: NO_FACTS)


@dataclass(frozen=True)
class Facts:
    """What a flow's conditions and checks need from outside the conversation, such as an approved
    ผ่อนผัน on record for the child: ``load`` reads them from the database (the engine calls it
    once the answers in ``uses`` are given, and again when one of them changes); ``sample`` stands
    for them when the flow's conditions and checks are probed at definition."""

    load: Callable[[AsyncSession, Application], Awaitable[Mapping[str, Any]]]
    uses: tuple[str, ...]
    sample: Mapping[str, Any]


@dataclass(frozen=True)
class When:
    """Ask a step only when ``test`` holds for the earlier answers listed in ``uses``."""

    test: Callable[[Context], bool]
    uses: tuple[str, ...]
    describe: str  # shown on the diagram's arrow


def answer_is(step_id: str, value: Any) -> When:
    return When(lambda ctx: ctx.answers[step_id] == value, (step_id,), f"{step_id} = {value}")


def answer_in(step_id: str, values: Sequence[Any]) -> When:
    shown = " / ".join(map(str, values))
    return When(lambda ctx: ctx.answers[step_id] in values, (step_id,), f"{step_id} ∈ {shown}")


@dataclass(frozen=True)
class Check:
    """A business rule on a parsed answer (parsing is the kind's job): raise ThaiInputError."""

    test: Callable[[Any, Context], None]
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reading:
    """Words a step understands besides its kind's, read with earlier answers (those in
    ``uses``): "วันเดียว" for a booking's last day is its first day. ``read`` returns the value
    to store, or None when the text is not such words (the kind then reads it)."""

    read: Callable[[str, Context], Any]
    uses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    id: str  # stable: stored in drafts and postbacks, never positional
    question: str
    kind: Kind
    label: str  # short name on the summary and its edit button
    when: When | None = None
    check: Check | None = None
    # Optional steps offer "ข้าม". A required document offers "ไม่มีเอกสารนี้" instead, which
    # records it as missing: a missing document never blocks a request.
    required: bool = True
    reading: Reading | None = None
    # The days the date picker offers, from today: (first, last), either None for no limit.
    picker_range: Callable[[dt.date], tuple[dt.date | None, dt.date | None]] | None = None

    @property
    def is_document(self) -> bool:
        return self.kind.files


class Flow:
    """One school service's conversation: ordered steps, then a summary, then ``submit``."""

    def __init__(
        self,
        *,
        id: str,
        title: str,
        menu_label: str,
        number_prefix: str,
        version: int,
        steps: Sequence[Step],
        next_steps: NextSteps,
        intro: str = "",
        submit: SubmitFn = submit_application,
        facts: Facts | None = None,
        first_message: FirstMessage | None = None,
        totals: Callable[[Mapping[str, Any]], list[tuple[str, str]]] | None = None,
        opening: OpeningCheck | None = None,
        audience: str = PARENTS,
    ) -> None:
        self.id = id
        self.title = title
        self.menu_label = menu_label
        self.number_prefix = number_prefix
        self.version = version
        self.steps: tuple[Step, ...] = tuple(steps)
        self.next_steps = next_steps
        self.intro = intro
        self.submit = submit
        self.facts = facts
        # What a parent's first message (the one that asked for the service) already answers.
        self.first_message = first_message
        # Rows the summary shows after the answers, worked out from them (a fee's total).
        self.totals = totals
        # Whether the service may be started now (an admission round's dates).
        self.opening = opening
        # Who asks for it: a parent (the service menu), or OBEC's public (someone educated
        # abroad, a foreigner, a publisher: the "บริการ สพฐ." menu, outside the parents' one).
        self.audience = audience
        self._by_id = {step.id: step for step in self.steps}
        self._validate()

    def with_steps(self, steps: Sequence[Step]) -> Flow:
        """The same service with other steps (a school's own documents); checked again."""
        return Flow(id=self.id, title=self.title, menu_label=self.menu_label,
                    number_prefix=self.number_prefix, version=self.version, steps=steps,
                    next_steps=self.next_steps, intro=self.intro, submit=self.submit, facts=self.facts,
                    first_message=self.first_message, totals=self.totals, opening=self.opening,
                    audience=self.audience)

    # -- reading answers -------------------------------------------------------------------

    def next_steps_for(self, answers: Mapping[str, Any]) -> str:
        """What happens next, for the parent who filed these answers."""
        return self.next_steps(answers) if callable(self.next_steps) else self.next_steps

    def step(self, step_id: str) -> Step | None:
        return self._by_id.get(step_id)

    def _walk(self, answers: Mapping[str, Any], today: dt.date,
              facts: Mapping[str, Any] = NO_FACTS) -> Iterator[tuple[Step, dict]]:
        """Applicable steps in order, each with the typed answers visible to it.

        A condition on an answer not given yet is undecided: its step is left out for now
        (progress grows when it turns out to apply) and is never asked before its inputs.
        """
        visible: dict[str, Any] = {}
        unanswered: set[str] = set()
        for step in self.steps:
            if step.when is not None:
                if unanswered.intersection(step.when.uses):
                    continue
                view = AnswerView(dict(visible), step.when.uses, step.id)
                if not step.when.test(Context(view, today, facts)):
                    continue
            yield step, dict(visible)
            if step.id not in answers:
                unanswered.add(step.id)
            elif answers[step.id] is not None:
                visible[step.id] = step.kind.load(answers[step.id])

    def applicable(self, answers: Mapping[str, Any], today: dt.date,
                   facts: Mapping[str, Any] = NO_FACTS) -> list[Step]:
        """The steps that apply given the answers so far (progress counts only these)."""
        return [step for step, _ in self._walk(answers, today, facts)]

    def first_incomplete(
        self, answers: Mapping[str, Any], today: dt.date, facts: Mapping[str, Any] = NO_FACTS
    ) -> tuple[Step, str | None] | None:
        """The first applicable step without an answer, or whose check fails now because an
        earlier answer changed (with the check's message); None when ready for the summary.
        A check that finds an earlier answer at fault (ReturnToStep) sends to that step."""
        for step, visible in self._walk(answers, today, facts):
            if step.id not in answers:
                return step, None
            if step.check is not None and answers[step.id] is not None:
                try:
                    step.check.test(
                        step.kind.load(answers[step.id]),
                        self._context(step, visible, step.check.uses, today, facts),
                    )
                except ReturnToStep as back:
                    return self._by_id.get(back.step_id, step), back.message_th
                except ThaiInputError as error:
                    return step, error.message_th
        return None

    def read(
        self, step: Step, reply: Reply, answers: Mapping[str, Any], today: dt.date,
        facts: Mapping[str, Any] = NO_FACTS,
    ) -> Any:
        """What a reply at ``step`` says, as the value to store: the step's own words first (its
        Reading, with the earlier answers), then its kind. Raises ThaiInputError to ask back."""
        if reply.text is not None and step.reading is not None:
            visible = next((v for s, v in self._walk(answers, today, facts) if s.id == step.id), {})
            if all(visible.get(field) is not None for field in step.reading.uses):
                value = step.reading.read(reply.text, self._context(step, visible, step.reading.uses, today, facts))
                if value is not None:
                    return value
        return step.kind.parse(reply, today)

    def check_answer(
        self, step: Step, value: Any, answers: Mapping[str, Any], today: dt.date,
        facts: Mapping[str, Any] = NO_FACTS,
    ) -> None:
        """Run the step's business rule on a freshly parsed value; raises ThaiInputError, or
        ReturnToStep when the value is fine but shows an earlier answer is not."""
        if step.check is None or value is None:
            return
        visible = next(v for s, v in self._walk(answers, today, facts) if s.id == step.id)
        step.check.test(step.kind.load(value),
                        self._context(step, visible, step.check.uses, today, facts))

    @staticmethod
    def _context(step: Step, visible: dict, uses: Sequence[str], today: dt.date,
                 facts: Mapping[str, Any] = NO_FACTS) -> Context:
        return Context(AnswerView(visible, uses, step.id), today, facts)

    def mermaid(self) -> str:
        from flows.diagrams import mermaid

        return mermaid(self)

    # -- validation ------------------------------------------------------------------------

    def _fail(self, message: str) -> FlowDefinitionError:
        return FlowDefinitionError(f"flow {self.id!r}: {message}")

    def _validate(self) -> None:
        if not STABLE_ID.match(self.id):
            raise FlowDefinitionError(f"flow id {self.id!r} must match {STABLE_ID.pattern}")
        if not self.title.strip() or not self.next_steps_for({}).strip():
            raise self._fail("title and next_steps are required")
        if not 0 < len(self.menu_label) <= MAX_LABEL:
            raise self._fail(f"menu_label must be 1..{MAX_LABEL} characters")
        if not re.fullmatch(r"[A-Z]{2,4}", self.number_prefix):
            raise self._fail("number_prefix must be 2-4 capital letters")
        if self.version < 1:
            raise self._fail("version starts at 1")
        if not self.steps:
            raise self._fail("a flow needs at least one step")
        seen: list[str] = []
        for step in self.steps:
            self._validate_step(step, seen)
            seen.append(step.id)
        self._validate_facts()
        for step in self.steps:
            self._probe(step)
        self._render_every_prompt()

    def _validate_facts(self) -> None:
        if self.facts is None:
            return
        unknown = [name for name in self.facts.uses if name not in self._by_id]
        if unknown or not self.facts.uses:
            raise self._fail(f"facts use unknown or no steps: {unknown or '(none)'}")

    def _validate_step(self, step: Step, earlier: list[str]) -> None:
        if not STABLE_ID.match(step.id):
            raise self._fail(f"step id {step.id!r} must match {STABLE_ID.pattern}")
        if step.id in earlier:
            raise self._fail(f"duplicate step id {step.id!r}")
        if not step.question.strip():
            raise self._fail(f"step {step.id!r} has no question")
        if len(step.question) > MAX_QUESTION:
            raise self._fail(f"step {step.id!r}: question over {MAX_QUESTION} characters")
        if not 0 < len(step.label.strip()) <= MAX_STEP_LABEL:
            raise self._fail(f"step {step.id!r}: label must be 1..{MAX_STEP_LABEL} characters")
        self._validate_options(step)
        self._validate_uses(step, earlier)

    def _validate_options(self, step: Step) -> None:
        options = step.kind.options
        if len(options) > MAX_OPTIONS:
            raise self._fail(f"step {step.id!r}: {len(options)} options, at most {MAX_OPTIONS}")
        for value, label in options.items():
            if not STABLE_ID.match(value):
                raise self._fail(f"step {step.id!r}: option value {value!r} is not a stable id")
            if not 0 < len(label) <= MAX_LABEL:
                raise self._fail(f"step {step.id!r}: option label {label!r} over {MAX_LABEL}")

    def _validate_uses(self, step: Step, earlier: list[str]) -> None:
        """A condition or check reads only answers given before the step."""
        for rule, uses in (
            ("when", step.when and step.when.uses),
            ("check", step.check and step.check.uses),
            ("reading", step.reading and step.reading.uses),
        ):
            for field in uses or ():
                if field == step.id or (field in self._by_id and field not in earlier):
                    raise self._fail(f"step {step.id!r}: {rule} uses {field!r}, which comes later")
                if field not in self._by_id:
                    raise self._fail(f"step {step.id!r}: {rule} uses unknown field {field!r}")

    def _possible_values(self, field: str) -> tuple[tuple[Any, ...], bool]:
        """Typed values an answer can take, and whether that list is complete."""
        step = self._by_id[field]
        stored = step.kind.domain if step.kind.domain is not None else (step.kind.sample,)
        values = tuple(step.kind.load(v) for v in stored if v is not None)
        if not step.required or step.when is not None or step.is_document:
            values += (None,)
        return values, step.kind.domain is not None

    def _probe(self, step: Step) -> None:
        """Evaluate the step's condition and check over possible earlier answers (with and
        without the flow's facts), so a condition that reads the wrong answer, crashes, or can
        never hold fails now."""
        today = dt.date(2026, 6, 1)
        known_facts = (NO_FACTS, self.facts.sample) if self.facts is not None else (NO_FACTS,)
        if step.when is not None:
            possible = [self._possible_values(f) for f in step.when.uses]
            complete = all(is_complete for _, is_complete in possible)
            combinations = itertools.islice(
                itertools.product(*(values for values, _ in possible)), _MAX_PROBES
            )
            holds = False
            for combination, facts in itertools.product(combinations, known_facts):
                view = AnswerView(dict(zip(step.when.uses, combination, strict=True)), step.when.uses, step.id)
                try:
                    holds = bool(step.when.test(Context(view, today, facts))) or holds
                except Exception as error:  # any failure here is a mistake in the definition
                    raise self._fail(f"step {step.id!r}: condition fails: {error!r}") from error
            if complete and not holds:
                raise self._fail(f"step {step.id!r} is unreachable: its condition never holds")
        if step.check is not None and step.kind.sample is not None:
            for facts in known_facts:
                self._probe_check(step, Context(self._sample_view(step), today, facts))

    def _sample_view(self, step: Step) -> AnswerView:
        assert step.check is not None
        samples = {f: self._possible_values(f)[0][0] for f in step.check.uses}
        return AnswerView(samples, step.check.uses, step.id)

    def _probe_check(self, step: Step, ctx: Context) -> None:
        assert step.check is not None
        try:
            step.check.test(step.kind.load(step.kind.sample), ctx)
        except ReturnToStep as back:
            if back.step_id not in self._by_id:
                raise self._fail(f"step {step.id!r}: check returns to unknown step {back.step_id!r}") from back
        except ThaiInputError:
            pass
        except Exception as error:  # only ThaiInputError is a check's way to refuse
            raise self._fail(f"step {step.id!r}: check fails: {error!r}") from error

    def _render_every_prompt(self) -> None:
        from flows import prompts

        try:
            for step in self.steps:
                prompts.step_prompt(self, step, nonce=prompts.WIDEST_NONCE, position=99, total=99)
            prompts.summary_prompt(
                self, [(s, None) for s in self.steps], nonce=prompts.WIDEST_NONCE
            )
        except LineLimitError as error:
            raise self._fail(f"a prompt exceeds LINE's limits: {error}") from error
