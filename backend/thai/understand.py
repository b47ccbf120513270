"""Which of a few offered choices a typed reply means, the way Thai people write it.

A step that offers buttons ("มารดา", "หอประชุม", "ใช่") also takes the answer typed: "แม่ค่ะ",
"หอประชุมค่ะ", "ค่ะ". ``match_choice`` compares the reply with each choice's phrases (its label
and the synonyms the caller gives) and answers only when it is sure; otherwise None, and the
caller asks back. In order, the first rule that decides wins:

1. the whole reply, without polite endings (normalise.bare_forms), is a phrase (folded: a doubled
   letter, ใ/ไ and ณ/น forgiven);
2. the reply says it does not know ("ไม่แน่ใจ", "ไม่ทราบ"): unsure, unless that is a phrase;
3. the longest phrase of at least three letters found inside the reply ("ยายเป็นคนเลี้ยงค่ะ");
   "ไม่อยู่ในเขต" holds "อยู่ในเขต" but is longer, so a negation that is a phrase wins;
4. the reply is the start of one label only ("สนาม" for "สนามฟุตบอล");
5. a small typo: the nearest phrase by edit distance, one edit in four letters or more, two in
   eight or more ("หอประชม", "ผู้ปกคลอง"), when no other choice is as near;
6. the reply's letters in order within one label only ("สนามบอล", "ห้อง 101" for
   "ห้องประชุมเล็ก 101").

Domain-neutral: the words of a domain (kinship, venues) are the caller's synonyms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, TypeVar

__all__ = ["UNSURE", "Found", "edit_distance", "find_choice", "find_date", "key", "likely_choices",
           "match_choice", "number_words_as_digits"]

from backend.thai.dates import date_phrases, parse_thai_date
from backend.thai.digits import number_words_as_digits, to_arabic_digits
from backend.thai.errors import ThaiInputError
from backend.thai.normalise import bare_forms, compact, fold

# Replies that say the parent does not know: asked back rather than read as a choice.
UNSURE = ("ไม่แน่ใจ", "ไม่ทราบ", "ไม่รู้", "ยังไม่รู้", "ขอถาม", "สงสัย", "ไม่เข้าใจ")
# Shorter phrases are matched only as the whole reply: "ตา" or "อา" are inside too many words.
_MIN_CONTAINED = 3
_MIN_PREFIX = 3
_MIN_SUBSEQUENCE = 4
_NOT = "ไม่"


def key(text: str) -> str:
    """The form phrases are compared in: compact, folded, without dots."""
    return fold(compact(text).replace(".", ""))


@dataclass(frozen=True, slots=True)
class _Phrase:
    key: str
    value: str
    is_label: bool


@lru_cache(maxsize=128)
def _phrases(choices: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[_Phrase, ...]:
    found: list[_Phrase] = []
    for value, phrases in choices:
        for index, phrase in enumerate(phrases):
            phrase_key = key(phrase)
            if phrase_key:
                found.append(_Phrase(phrase_key, value, is_label=index == 0))
    return tuple(found)


_SEVERAL = "\x00several"  # a rule found more than one choice: ask back, try no weaker rule


def _one(values: Iterable[str]) -> str | None:
    distinct = set(values)
    if not distinct:
        return None
    return distinct.pop() if len(distinct) == 1 else _SEVERAL


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insert, delete, replace one character)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _allowed_edits(length: int) -> int:
    return 2 if length >= 8 else 1 if length >= 4 else 0


def _is_subsequence(short: str, long: str) -> bool:
    letters = iter(long)
    return all(letter in letters for letter in short)


def _contained(forms: Sequence[str], phrases: Sequence[_Phrase]) -> str | None:
    best: list[tuple[_Phrase, str]] = []
    for form in forms:
        for phrase in phrases:
            if len(phrase.key) >= _MIN_CONTAINED and phrase.key in form:
                if not best or len(phrase.key) > len(best[0][0].key):
                    best = [(phrase, form)]
                elif len(phrase.key) == len(best[0][0].key):
                    best.append((phrase, form))
    if not best:
        return None
    # A "not" outside the phrase may turn it around ("ไม่อยากยินยอม"): ask back.
    if any(_NOT in form.replace(phrase.key, " ") for phrase, form in best):
        return _SEVERAL
    return _one(phrase.value for phrase, _ in best)


def _nearest(forms: Sequence[str], phrases: Sequence[_Phrase]) -> str | None:
    best_distance, best_values = None, set()
    for form in forms:
        for phrase in phrases:
            allowed = _allowed_edits(min(len(form), len(phrase.key)))
            if not allowed or abs(len(form) - len(phrase.key)) > allowed:
                continue
            distance = edit_distance(form, phrase.key)
            if distance > allowed:
                continue
            if best_distance is None or distance < best_distance:
                best_distance, best_values = distance, {phrase.value}
            elif distance == best_distance:
                best_values.add(phrase.value)
    return _one(best_values)


def match_choice(text: str, choices: Mapping[str, Sequence[str]], *, exact: bool = False) -> str | None:
    """The value of the choice ``text`` surely means, or None (ask back).

    ``choices``: each value with its phrases, the button label first, then synonyms. ``exact``:
    only the whole reply, give or take polite endings and folded slips (rule 1), as an explicit
    consent must be.
    """
    phrases = _phrases(tuple((value, tuple(words)) for value, words in choices.items()))
    forms = tuple(dict.fromkeys(fold(form.replace(".", "")) for form in bare_forms(text)))
    forms = tuple(form for form in forms if form)
    if not forms:
        return None
    by_key: dict[str, set[str]] = {}
    for phrase in phrases:
        by_key.setdefault(phrase.key, set()).add(phrase.value)
    for form in forms:
        if form in by_key:
            whole = _one(by_key[form])
            return None if whole == _SEVERAL else whole
    if exact:
        return None
    unsure = {key(word) for word in UNSURE}
    if any(form.startswith(word) for form in forms for word in unsure):
        return None
    labels = tuple(phrase.key for phrase in phrases if phrase.is_label)
    values = tuple(phrase.value for phrase in phrases if phrase.is_label)
    shortest = forms[-1]
    rules: tuple[Callable[[], str | None], ...] = (
        lambda: _contained(forms, phrases),
        lambda: _in_one_label(shortest, labels, values, _MIN_PREFIX, str.startswith),
        lambda: _nearest(forms, phrases),
        lambda: _in_one_label(shortest, labels, values, _MIN_SUBSEQUENCE,
                              lambda label, form: _is_subsequence(form, label)),
    )
    for rule in rules:
        found = rule()
        if found is not None:
            return None if found == _SEVERAL else found
    return None


def _in_one_label(form: str, labels: Sequence[str], values: Sequence[str], shortest: int,
                  holds: Callable[[str, str], bool]) -> str | None:
    if len(form) < shortest:
        return None
    return _one(value for label, value in zip(labels, values, strict=True) if holds(label, form))


def likely_choices(text: str, choices: Mapping[str, Sequence[str]], *, most: int = 3) -> list[str]:
    """The choices a reply that matched none surely may mean, to ask "did you mean…": those
    whose label starts with it, holds its letters in order, or is two edits from it; at most
    ``most``, in the order given. Empty when it is none of them."""
    forms = [fold(form.replace(".", "")) for form in bare_forms(text)]
    shortest = forms[-1] if forms else ""
    if len(shortest) < _MIN_PREFIX:
        return []
    found = []
    for value, phrases in choices.items():
        label = key(phrases[0]) if phrases else ""
        near = any(edit_distance(shortest, key(phrase)) <= 2 for phrase in phrases)
        if label.startswith(shortest) or _is_subsequence(shortest, label) or near:
            found.append(value)
    return found if len(found) <= most else []


# -- finding things inside a longer message ("อยากจองหอประชุมวันเสาร์ที่ 19 ธ.ค. จัดงานทำบุญ") --


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Found(Generic[T]):
    """A value found in a message, and where its words are (start, end in the message)."""

    value: T
    start: int
    end: int


def _squeezed(text: str) -> tuple[str, list[int]]:
    """The text without spaces, in lower case with 0-9 digits, and for each of its characters
    the index in ``text`` it came from."""
    kept, where = [], []
    for index, char in enumerate(text):
        if char.isspace() or char in "\u200b\u200c\u200d\ufeff":
            continue
        kept.append(char)
        where.append(index)
    squeezed = to_arabic_digits("".join(kept)).lower().replace("\u0e4d\u0e32", "\u0e33")
    return squeezed, where


def find_choice(text: str, choices: Mapping[str, Sequence[str]]) -> Found[str] | None:
    """The choice whose phrase (label or synonym, three letters or more) is written inside the
    text, the longest phrase winning; None when none is, or two choices' phrases are as long."""
    squeezed, where = _squeezed(text)
    if len(where) != len(squeezed):  # a character changed length when normalised: no spans
        return None
    best: list[tuple[int, int, str]] = []
    for value, phrases in choices.items():
        for phrase in phrases:
            wanted = compact(phrase)
            at = squeezed.find(wanted) if len(wanted) >= _MIN_CONTAINED else -1
            if at < 0:
                continue
            if not best or len(wanted) > best[0][1] - best[0][0]:
                best = [(at, at + len(wanted), value)]
            elif len(wanted) == best[0][1] - best[0][0]:
                best.append((at, at + len(wanted), value))
    if not best or len({value for _, _, value in best}) != 1:
        return None
    start, end, value = best[0]
    return Found(value, where[start], where[end - 1] + 1)


def find_date(text: str, *, today: dt.date, upcoming: bool) -> Found[dt.date] | None:
    """The first date written inside the text ("… วันเสาร์ที่ 19 ธ.ค. จัดงาน …"), read as
    backend/thai/dates.py reads a date alone; None when there is none it can read."""
    arabic = to_arabic_digits(text)
    for found in date_phrases().finditer(arabic):
        phrase = found.group(0).strip()
        for candidate in (phrase, _WITHOUT_TRAILING_NUMBER.sub("", phrase)):
            try:
                value = parse_thai_date(candidate, today=today, upcoming=upcoming)
            except ThaiInputError:
                continue
            return Found(value, found.start(), found.start() + len(found.group(0).rstrip()))
    return None


_WITHOUT_TRAILING_NUMBER = re.compile(r"\s*\d+$")
