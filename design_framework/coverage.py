"""Notes coverage: which checklist points and scenario signals a candidate's notes cover.

Matching is deterministic and explainable. Notes and phrases are both cut into words, and
every word is reduced the same way (case, accents, British spelling, plurals, -ing/-ed, a
final -e), so "Caching", "caches" and "cache" meet, and so do "optimise" and "optimize". A
phrase matches only whole words, in order: "ann" never fires on "announce", nor "rank" on
"frankly". Words joined by a hyphen or a slash may also be written as one word or as two
("two-tower", "two tower", "twotower"; "A/B test", "ab test"), and abbreviations listed in
coverage_terms.yaml match their long forms both ways ("QPS", "queries per second"). Each
result says which phrases matched, as written in the data, and the words in the notes that
showed it.

All word lists live in coverage_terms.yaml; this module only applies them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from components.loading import parse_yaml, read_text, validate
from design_framework.steps import Point, load_framework

TERMS_PATH = Path(__file__).with_name("coverage_terms.yaml")
MAX_VARIANTS = 64
"""Most spellings tried for one phrase once abbreviations are expanded."""


# --- the word tables -------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Spelling(_Model):
    """British to American spelling."""

    words: dict[str, str] = Field(
        description="British word, or start of a word, mapped to its American spelling."
    )
    suffixes: dict[str, str] = Field(description="British word ending mapped to American.")
    suffix_min_stem: int = Field(
        3, ge=1, description="Letters a word needs before a suffix for the suffix to change."
    )


class TradeoffTerms(_Model):
    """Words that show a sentence compares options and justifies a choice."""

    markers: list[str] = Field(description="Enough on their own ('trade-off', 'instead of').")
    comparisons: list[str] = Field(description="Compare options ('vs', 'cheaper than').")
    justifications: list[str] = Field(description="Give a reason ('because', 'so that').")
    choices: list[str] = Field(description="State a choice ('we chose', 'prefer').")
    choice_contrasts: list[str] = Field(
        description="After a choice, name the option turned down ('chose X over Y')."
    )


class Terms(_Model):
    """Everything the matcher knows about words, loaded from coverage_terms.yaml."""

    irregular: dict[str, str] = Field(
        description="Words the stemmer would get wrong, mapped to their base form."
    )
    invariant: list[str] = Field(description="Words ending in -s that are not plurals.")
    spelling: Spelling = Field(description="British to American spelling.")
    synonyms: list[list[str]] = Field(
        description="Groups of equivalent phrases (abbreviations and their long forms)."
    )
    tradeoffs: TradeoffTerms = Field(description="How trade-off sentences are recognised.")
    abbreviations: list[str] = Field(
        description="Words whose trailing full stop does not end a sentence ('vs.', 'e.g.')."
    )


@lru_cache(maxsize=1)
def load_terms(path: Path = TERMS_PATH) -> Terms:
    return validate(Terms, parse_yaml(read_text(path), str(path)))


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PointCoverage:
    """Whether the notes cover one point, and what showed it."""

    id: str
    text: str
    covered: bool
    matched: list[str] = field(default_factory=list)
    """The point's phrases that matched, as written in the data."""
    evidence: list[str] = field(default_factory=list)
    """The words in the notes that matched, as the candidate wrote them, in order."""


@dataclass(frozen=True)
class StepCoverage:
    """Coverage of one step's notes: framework checklist, scenario signals, trade-offs."""

    step_id: str
    checklist: list[PointCoverage]
    signals: list[PointCoverage] = field(default_factory=list)
    tradeoffs: list[str] = field(default_factory=list)

    @property
    def points(self) -> list[PointCoverage]:
        return [*self.checklist, *self.signals]

    @property
    def covered(self) -> int:
        return sum(point.covered for point in self.points)

    @property
    def total(self) -> int:
        return len(self.points)

    @property
    def ratio(self) -> float:
        """Covered points over all points (checklist and signals); 0.0 when there are none."""
        return self.covered / self.total if self.total else 0.0

    @property
    def missing(self) -> list[PointCoverage]:
        return [point for point in self.points if not point.covered]


# --- words -----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+|\d+")
GLUE, SPACE, BREAK = "glue", "space", "break"
"""How two neighbouring words are separated: nothing or a hyphen/slash (glue), blanks
(space), or punctuation that ends a phrase such as a comma or a new line (break)."""
_GLUE_CHARS = set("-\u2010\u2011\u2012\u2013/_'\u2019.+")
_SPACED_GLUE = {"-", "\u2013", "\u2014", "/"}
_SPOKEN = {"@": "at", "&": "and"}
_APOSTROPHES = {"'", "\u2019"}


def _fold(word: str) -> str:
    word = unicodedata.normalize("NFKD", word.casefold())
    return "".join(char for char in word if not unicodedata.combining(char))


@lru_cache(maxsize=1)
def _spelling_tables():
    spelling = load_terms().spelling
    words = sorted(spelling.words.items(), key=lambda item: -len(item[0]))
    suffixes = sorted(spelling.suffixes.items(), key=lambda item: -len(item[0]))
    return words, suffixes, spelling.suffix_min_stem


def american(word: str) -> str:
    """The American spelling of a lower-case word ("neighbours" -> "neighbors")."""
    words, suffixes, min_stem = _spelling_tables()
    for british, us in words:
        if word.startswith(british):
            word = us + word[len(british) :]
            break
    for british, us in suffixes:
        if word.endswith(british) and len(word) - len(british) >= min_stem:
            return word[: -len(british)] + us
    return word


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Reduce one word so that its plural, -ing, -ed and spelling variants meet.

    A light, predictable stemmer rather than a linguistic one: notes and phrases go through
    it alike, so what matters is that related forms land on the same string.
    """
    terms = load_terms()
    word = _fold(word)
    word = american(terms.irregular.get(word, word))
    if word.isdigit() or len(word) <= 2 or word in terms.invariant:
        return word
    if (
        word.endswith("s")
        and len(word) > 3
        and not word.endswith("ss")
        and not (word.endswith(("us", "is")) and len(word) > 4)
    ):
        word = word[:-1]
    if word.endswith("ization"):
        word = word[: -len("ation")]
    if word.endswith("ie") and len(word) > 3:
        word = word[:-2] + "y"
    stripped = False
    if word.endswith("ing") and len(word) - 3 >= 3:
        word, stripped = word[:-3], True
    elif word.endswith("ed") and len(word) - 2 >= 4:
        word, stripped = word[:-2], True
    if stripped and len(word) >= 4 and word[-1] == word[-2] and word[-1] in "bdgmnprt":
        word = word[:-1]
    if word.endswith("e") and len(word) >= 4:
        word = word[:-1]
    return word


def _gap_kind(gap: str) -> str:
    if not gap:
        return GLUE
    if "\n" in gap:
        return BREAK
    if gap.isspace():
        return SPACE
    if not any(char.isspace() for char in gap) and all(char in _GLUE_CHARS for char in gap):
        return GLUE
    if gap.strip() in _SPACED_GLUE:
        return SPACE
    return BREAK


@dataclass(frozen=True)
class _Token:
    stem: str
    kind: str
    """How this word is separated from the one before it (GLUE, SPACE or BREAK)."""
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD.finditer(text):
        gap = text[previous_end : match.start()]
        word = match.group()
        if word.casefold() == "s" and gap in _APOSTROPHES:
            previous_end = match.end()  # a possessive: "user's" is "user"
            continue
        kind = BREAK if not tokens else _gap_kind(gap)
        if gap == "," and tokens and tokens[-1].stem.isdigit() and word.isdigit():
            kind = GLUE  # a thousands separator: 10,000
        spoken = _SPOKEN.get(gap.strip())
        if spoken and tokens:
            glue = GLUE if gap == gap.strip() else SPACE
            tokens.append(_Token(spoken, glue, previous_end, match.start()))
            kind = glue
        tokens.append(_Token(stem(word), kind, match.start(), match.end()))
        previous_end = match.end()
    return tokens


def normalize(text: str) -> str:
    """The words of ``text`` as the matcher sees them, separated by single spaces.

    >>> normalize("Optimising two-tower models' latency @ p99")
    'optimiz two tower model latency at p 99'
    """
    return " ".join(token.stem for token in _tokens(text))


# --- finding phrases -------------------------------------------------------------------


class _Words:
    """A sequence of reduced words, searchable for phrases on word boundaries only."""

    def __init__(self, stems: Sequence[str], kinds: Sequence[str]):
        self.stems = list(stems)
        self.kinds = list(kinds)
        self.starts = [0, *accumulate(len(s) for s in self.stems)][:-1]
        self.compact = "".join(self.stems)
        self._first_at = {offset: index for index, offset in enumerate(self.starts)}
        self._last_at = {
            offset + len(s): index
            for index, (offset, s) in enumerate(zip(self.starts, self.stems, strict=True))
        }

    def find(self, needle: Sequence[str]) -> list[tuple[int, int]]:
        """(first, last) word indexes of every place ``needle`` occurs as whole words.

        Words are compared without the separators between them, so "two tower" also finds
        "twotower" and "ab test" finds "a/b test"; a match must start and end on word
        boundaries, never crosses a comma or a line break, and only glues words written
        apart with blanks when both have two letters or more ("a nn" is not "ann").
        """
        target = "".join(needle)
        if not target:
            return []
        inner = set(accumulate(len(s) for s in needle[:-1]))
        hits = []
        position = self.compact.find(target)
        while position != -1:
            first = self._first_at.get(position)
            last = self._last_at.get(position + len(target))
            if first is not None and last is not None and self._joinable(first, last, inner):
                hits.append((first, last))
            position = self.compact.find(target, position + 1)
        return hits

    def _joinable(self, first: int, last: int, inner: set[int]) -> bool:
        origin = self.starts[first]
        for index in range(first + 1, last + 1):
            kind = self.kinds[index]
            if kind == BREAK:
                return False
            glued = self.starts[index] - origin not in inner
            if (
                glued
                and kind == SPACE
                and min(len(self.stems[index - 1]), len(self.stems[index])) < 2
            ):
                return False
        return True


def _words_of(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((token.stem, token.kind) for token in _tokens(text))


@lru_cache(maxsize=1)
def _synonym_groups() -> tuple[tuple[tuple[tuple[str, str], ...], ...], ...]:
    groups = []
    for group in load_terms().synonyms:
        members = dict.fromkeys(words for words in map(_words_of, group) if words)
        if len(members) > 1:
            # longest first, so "customer lifetime value" is swapped whole, not for its tail
            groups.append(
                tuple(sorted(members, key=lambda words: -len("".join(s for s, _ in words))))
            )
    return tuple(groups)


@lru_cache(maxsize=8192)
def phrase_variants(phrase: str) -> tuple[tuple[str, ...], ...]:
    """Every way of writing ``phrase`` that counts as the phrase, as reduced words.

    The phrase itself comes first; then each abbreviation or long form it contains is
    swapped for the other members of its synonym group.
    """
    base = _words_of(phrase)
    if not base:
        return ()
    variants = [base]
    for group in _synonym_groups():
        for variant in list(variants):
            words = _Words([s for s, _ in variant], [k for _, k in variant])
            for member in group:
                hits = words.find([s for s, _ in member])
                if not hits:
                    continue
                first, last = hits[0]
                for other in group:
                    if other != member:
                        swapped = variant[:first] + other + variant[last + 1 :]
                        if swapped not in variants and len(variants) < MAX_VARIANTS:
                            variants.append(swapped)
                break
    return tuple(dict.fromkeys(tuple(s for s, _ in variant) for variant in variants))


class _Notes:
    """Notes cut into reduced words, remembering where each word came from."""

    def __init__(self, text: str):
        self.text = text
        tokens = _tokens(text)
        self.tokens = tokens
        self.words = _Words([t.stem for t in tokens], [t.kind for t in tokens])

    def find(self, phrase: str) -> list[tuple[int, int]]:
        """Word index spans where any variant of ``phrase`` occurs, in order, without repeats."""
        spans = {span for variant in phrase_variants(phrase) for span in self.words.find(variant)}
        return sorted(spans)

    def snippet(self, span: tuple[int, int]) -> str:
        first, last = span
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def has_any(self, phrases: Iterable[str]) -> bool:
        return any(self.find(phrase) for phrase in phrases)


def phrase_matches(notes: str, phrase: str) -> list[str]:
    """The words in ``notes`` that match ``phrase``, as written there (empty: no match)."""
    found = _Notes(notes)
    return list(dict.fromkeys(found.snippet(span) for span in found.find(phrase)))


# --- coverage --------------------------------------------------------------------------


def cover_points(notes: str, points: Iterable[Point | Any]) -> list[PointCoverage]:
    """For each point, whether ``notes`` cover it, which phrases matched and which words showed it."""
    found = _Notes(notes or "")
    results = []
    for point in points:
        matched: list[str] = []
        spans: list[tuple[int, int]] = []
        for phrase in point.phrases:
            hits = found.find(phrase)
            if hits:
                matched.append(phrase)
                spans += hits
        evidence = list(dict.fromkeys(found.snippet(span) for span in sorted(set(spans))))
        results.append(PointCoverage(point.id, point.text, bool(matched), matched, evidence))
    return results


def step_coverage(notes: str, step_id: str, scenario: Any = None) -> StepCoverage:
    """Coverage of one step's notes against the framework checklist and, when a scenario is
    given, the signals its interviewer guide expects for that step.

    Raises KeyError for an unknown step id.
    """
    step = load_framework().get(step_id)
    guide = scenario.steps.get(step_id) if scenario is not None else None
    return StepCoverage(
        step_id=step_id,
        checklist=cover_points(notes, step.checklist),
        signals=cover_points(notes, guide.signals) if guide is not None else [],
        tradeoffs=find_tradeoffs(notes or ""),
    )


def notes_coverage(
    notes_by_step: Mapping[str, str], scenario: Any = None
) -> dict[str, StepCoverage]:
    """Coverage of every framework step, in interview order; missing notes count as empty."""
    return {
        step_id: step_coverage(notes_by_step.get(step_id, ""), step_id, scenario)
        for step_id in load_framework().ids
    }


# --- trade-offs ------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_BULLET = re.compile(r"^(?:[-*\u2022+>]+|\d+[.)])\s+")


def sentences(text: str) -> list[str]:
    """Split notes into sentences: at . ! ? followed by a blank, and at line breaks.

    A full stop after an abbreviation ("vs.", "e.g.") does not end a sentence; list bullets
    are dropped; pieces without a letter (a lone "1.") are skipped.
    """
    abbreviations = {a.casefold() for a in load_terms().abbreviations}
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() == ".":
            before = text[start : match.start()].split()
            last_word = before[-1].lstrip("([{\"'").casefold() if before else ""
            if last_word in abbreviations:
                continue
        pieces.append(text[start : match.end()])
        start = match.end()
    pieces.append(text[start:])
    cleaned = (_BULLET.sub("", piece.strip()).strip() for piece in pieces)
    return [piece for piece in cleaned if any(char.isalpha() for char in piece)]


def is_tradeoff(sentence: str) -> bool:
    """Whether a sentence compares options and justifies or states a choice."""
    terms = load_terms().tradeoffs
    found = _Notes(sentence)
    if found.has_any(terms.markers):
        return True
    choices = [span for phrase in terms.choices for span in found.find(phrase)]
    if found.has_any(terms.comparisons) and (choices or found.has_any(terms.justifications)):
        return True
    if not choices:
        return False
    first_choice_end = min(last for _, last in choices)
    for phrase in terms.choice_contrasts:
        for first, last in found.find(phrase):
            following = found.tokens[last + 1].stem if last + 1 < len(found.tokens) else ""
            if first > first_choice_end and following and not following.isdigit():
                return True
    return False


def find_tradeoffs(notes: str) -> list[str]:
    """The sentences of ``notes`` that state a trade-off, in order, as written."""
    return [sentence for sentence in sentences(notes or "") if is_tradeoff(sentence)]
