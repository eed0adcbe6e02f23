"""Notes assessment: what a candidate's notes do with each checklist point and scenario signal.

Deterministic, explainable and offline. Notes are cut into sentences and list lines, and
each is read once: does it commit to something (a clause, a decision, a number with a unit,
a reason) or only name terms (a bare list, vague or hedged wording, a short question)?
Which words sit inside a negation's scope, NegEx-style ("we won't monitor drift",
"negative sampling is overkill")? Which numbers with units does it give ("15k refreshes a
second", "10 ms")? A point is then `covered` (named in a committing sentence; for points
that need a number, given one), `negated` (named only inside a negation), `listed` (named
without reasoning, or beyond the few points one sentence may credit) or `missing`. Each
result says which phrases matched, the words of the notes that showed it, the sentence,
the negating words or the reason it earns nothing. Trade-off sentences and sentences that
give a reason are collected per step.

Words and phrases are matched the same way on both sides: every word is reduced (case,
accents, British spelling, plurals, -ing/-ed, a final -e), so "Caching", "caches" and
"cache" meet. A phrase matches only whole words, in order: "ann" never fires on
"announce". Words joined by a hyphen or a slash may also be written as one word or as two
("two-tower", "two tower", "twotower"; "A/B test", "ab test"), and abbreviations listed in
coverage_terms.yaml match their long forms both ways ("QPS", "queries per second").
Probability notation reads as words: "P(add | playlist, user)" is "probability of add given
playlist, user". A list inside parentheses is an aside, and a line whose part after a
semicolon is a clause ("log loss, AUC; accuracy misleads here") is not a bare list.

All word lists live in coverage_terms.yaml; this module only applies them. Work is linear
in the length of the notes, which are read up to MAX_ASSESSED_CHARS per step.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from components.loading import parse_yaml, read_text, validate
from design_framework.steps import Point, load_framework

TERMS_PATH = Path(__file__).with_name("coverage_terms.yaml")
MAX_ASSESSED_CHARS = 20_000
"""Notes read per step (about 3,000 words): the assessment stays fast whatever is pasted,
and the checklist says when notes were longer."""
MAX_VARIANTS = 64
"""Most spellings tried for one phrase once abbreviations are expanded."""
FULL_MARKS_SHARE = 0.5
"""Share of a step's relevant points (checklist and signals, rounded up) that earns the
step's full coverage points: no interviewer expects every point in 45 minutes, and a strong
candidate covers about half to two thirds of them (tests/fixtures/notes_points/). The rest
are shown as what the notes could also mention, not as points lost."""
WORDS_PER_CREDIT, MAX_CREDITS = 5, 4
"""One committing sentence credits one point, one more per five words, at most four: a
dense terse line ("A/B test 2 weeks on listening time, guardrail skip rate") says four
things, a sentence stuffed with terms still earns only a few."""


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


class NegationTerms(_Model):
    """How negation is read (NegEx-style triggers, pseudo-triggers and scope ends)."""

    dismissals: list[str] = Field(description="Wave a topic away; reach both ways.")
    negators: list[str] = Field(description="Plain negation; reaches forward only.")
    pseudo: list[str] = Field(description="Look like negations and are not ('not only').")
    terminators: list[str] = Field(description="Words that end a negation's scope.")
    window: int = Field(6, ge=1, le=20, description="Most words a scope reaches.")
    not_before: list[str] = Field(
        description="Words after a ^trigger that make it the domain's word ('skip rate')."
    )


class QuantityTerms(_Model):
    """How numbers with units are recognised."""

    scales: dict[str, float] = Field(description="Multipliers written after a number (k, M).")
    number_words: list[str] = Field(description="Words that start a spelled-out number.")
    fillers: list[str] = Field(description="Words allowed between a number and its unit.")
    units: dict[str, list[str]] = Field(description="Unit words by kind.")
    per_time: list[str] = Field(description="Units of time that make a count a rate.")


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
    negation: NegationTerms = Field(description="How negation is read.")
    vague: list[str] = Field(description="Wording that commits to nothing ('is important').")
    clause_words: list[str] = Field(
        description="Words that make a line a clause rather than a bare list of terms."
    )
    label_headings: list[str] = Field(
        description="Headings that only label a list of terms ('Keywords:'), not a list of "
        "what the heading asks for ('Sources:')."
    )
    line_verbs: list[str] = Field(
        description="Verbs a terse line may start with ('cache popular prefixes')."
    )
    quantities: QuantityTerms = Field(description="How numbers with units are recognised.")
    reasons: list[str] = Field(description="Words that give the reason for a decision.")


@lru_cache(maxsize=1)
def load_terms(path: Path = TERMS_PATH) -> Terms:
    return validate(Terms, parse_yaml(read_text(path), str(path), shipped=path == TERMS_PATH))


# --- results ---------------------------------------------------------------------------

COVERED, NEGATED, LISTED, MISSING = "covered", "negated", "listed", "missing"
STATUSES = (COVERED, NEGATED, LISTED, MISSING)
"""A point's status, best first: stated in a sentence that commits to something; named only
to dismiss it; named without reasoning (a bare list, vague wording, no number where one is
needed); not named at all."""
_RANK = {status: rank for rank, status in enumerate(STATUSES)}


@dataclass(frozen=True)
class PointCoverage:
    """What the notes do with one point, and what showed it."""

    id: str
    text: str
    status: str = MISSING
    matched: list[str] = field(default_factory=list)
    """The point's phrases that matched, as written in the data."""
    evidence: list[str] = field(default_factory=list)
    """The words in the notes that showed it (phrases or quantities), as written, in order."""
    sentence: str = ""
    """The sentence (or list line) that gave the status."""
    negation: list[str] = field(default_factory=list)
    """For a negated point: the words that negated it ("won't", "no need")."""
    reason: str = ""
    """For a listed point: why it earns nothing ("named in a list, not explained")."""

    @property
    def covered(self) -> bool:
        return self.status == COVERED


@dataclass(frozen=True)
class NotRelevant:
    """A generic checklist point the scenario does not need: never missed, never scored."""

    id: str
    text: str
    reason: str


@dataclass(frozen=True)
class StepCoverage:
    """Coverage of one step's notes: framework checklist, scenario signals, trade-offs."""

    step_id: str
    checklist: list[PointCoverage]
    signals: list[PointCoverage] = field(default_factory=list)
    tradeoffs: list[str] = field(default_factory=list)
    """Sentences that weigh options and commit to one (they count as reasoning)."""
    reasons: list[str] = field(default_factory=list)
    """Other sentences that cover a point and say why (half a trade-off each)."""
    not_relevant: list[NotRelevant] = field(default_factory=list)
    truncated: bool = False
    """Whether the notes were longer than MAX_ASSESSED_CHARS and only their start was read."""

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
        """Covered points over all relevant points (checklist and signals); 0.0 when none."""
        return self.covered / self.total if self.total else 0.0

    @property
    def target(self) -> int:
        """Covered points that earn the step's full coverage points (FULL_MARKS_SHARE of the
        relevant points, rounded up); 0 when the step has none."""
        return math.ceil(round(FULL_MARKS_SHARE * self.total, 9)) if self.total else 0

    @property
    def counted(self) -> int:
        """Covered points that count toward the target: each dismissed (negated) point takes
        one back, and none count beyond the target."""
        negated = len(self.with_status(NEGATED))
        return min(self.target, max(0, self.covered - negated))

    @property
    def credit(self) -> float:
        """Share of the step's coverage points earned: counted points over the target
        (1.0 for a step with no relevant point)."""
        return self.counted / self.target if self.target else 1.0

    @property
    def missing(self) -> list[PointCoverage]:
        """Every point not covered, whatever its status (negated, listed or missing)."""
        return [point for point in self.points if not point.covered]

    def with_status(self, status: str) -> list[PointCoverage]:
        return [point for point in self.points if point.status == status]


# --- words -----------------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+|\d+")
_WORD_SPLIT = re.compile(r"([^\W\d_]+|\d+)")
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


class _Token(NamedTuple):
    stem: str
    kind: str
    """How this word is separated from the one before it (GLUE, SPACE or BREAK)."""
    start: int
    end: int


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    append = tokens.append
    pieces = _WORD_SPLIT.split(text)  # gap, word, gap, word, ..., gap: one C-level pass
    previous_end = len(pieces[0])
    in_probability = False
    for index in range(1, len(pieces), 2):
        word, gap = pieces[index], pieces[index - 1]
        start = previous_end + (len(gap) if index > 1 else 0)
        end = start + len(word)
        if gap == " " and tokens:  # the common case, kept cheap
            append(_Token(stem(word), SPACE, start, end))
            previous_end = end
            continue
        if len(word) == 1 and word in "sS" and gap in _APOSTROPHES:
            previous_end = end  # a possessive: "user's" is "user"
            continue
        if in_probability and (")" in gap or "\n" in gap):
            in_probability = False
        if gap.startswith("(") and tokens and _is_probability_p(text, tokens[-1]):
            # "P(skip | session)" reads "probability of skip given session"
            p = tokens.pop()
            append(_Token("probability", p.kind, p.start, p.end))
            append(_Token("of", SPACE, p.end, p.end))
            append(_Token(stem(word), SPACE, start, end))
            in_probability = True
            previous_end = end
            continue
        if in_probability and gap.strip() == "|":
            append(_Token("given", SPACE, previous_end, start))
            append(_Token(stem(word), SPACE, start, end))
            previous_end = end
            continue
        kind = BREAK if not tokens else _gap_kind(gap)
        if gap == "," and tokens and tokens[-1].stem.isdigit() and word.isdigit():
            kind = GLUE  # a thousands separator: 10,000
        spoken = _SPOKEN.get(gap.strip())
        if spoken and tokens:
            glue = GLUE if gap == gap.strip() else SPACE
            append(_Token(spoken, glue, previous_end, start))
            kind = glue
        append(_Token(stem(word), kind, start, end))
        previous_end = end
    return tokens


def _is_probability_p(text: str, token: _Token) -> bool:
    """Whether a token is the P of probability notation: a lone "P" or "p" before "("."""
    return token.end - token.start == 1 and text[token.start] in "Pp"


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
        self._at_stem: dict[str, list[int]] = {}
        for index, word in enumerate(self.stems):
            self._at_stem.setdefault(word, []).append(index)
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
        if target not in self.compact:
            return []
        inner = set(accumulate(len(s) for s in needle[:-1]))
        hits = []
        # A match starts on a word, so that word is a prefix of the target: look up each
        # prefix instead of scanning the text (linear in the phrase, not in the notes).
        for length in range(1, len(target) + 1):
            for first in self._at_stem.get(target[:length], ()):
                position = self.starts[first]
                if not self.compact.startswith(target, position):
                    continue
                last = self._last_at.get(position + len(target))
                if last is not None and self._joinable(first, last, inner):
                    hits.append((first, last))
        return sorted(hits)

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


@lru_cache(maxsize=8192)
def _targets(phrase: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    return tuple((variant, "".join(variant)) for variant in phrase_variants(phrase) if variant)


class _Notes:
    """Notes cut into reduced words, remembering where each word came from."""

    def __init__(self, text: str):
        self.text = text
        tokens = _tokens(text)
        self.tokens = tokens
        self.words = _Words([t.stem for t in tokens], [t.kind for t in tokens])

    def find(self, phrase: str) -> list[tuple[int, int]]:
        """Word index spans where any variant of ``phrase`` occurs, in order, without repeats."""
        compact = self.words.compact
        spans: list[tuple[int, int]] = []
        for variant, target in _targets(phrase):
            if target in compact:  # most phrases are absent: one C-level scan rules them out
                spans += self.words.find(variant)
        return sorted(set(spans)) if spans else spans

    def snippet(self, span: tuple[int, int]) -> str:
        first, last = span
        return self.text[self.tokens[first].start : self.tokens[last].end]

    def has_any(self, phrases: Iterable[str]) -> bool:
        return any(self.find(phrase) for phrase in phrases)


def phrase_matches(notes: str, phrase: str) -> list[str]:
    """The words in ``notes`` that match ``phrase``, as written there (empty: no match)."""
    found = _Notes(notes)
    return list(dict.fromkeys(found.snippet(span) for span in found.find(phrase)))


# --- sentences -------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n")
_BULLET = re.compile(r"(?:[-*\u2022+>]+|\d+[.)])\s+")
_LAST_WORD = re.compile(r"\S+$")
_ABBREVIATION_WINDOW = 24
"""Characters looked at before a full stop to find the word it ends (abbreviations are
short), so splitting stays linear however the notes are written."""


def _sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence or list line, bullets and blanks trimmed. Linear."""
    abbreviations = _abbreviations()
    spans, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        if match.group() == ".":
            window = text[max(start, match.start() - _ABBREVIATION_WINDOW) : match.start()]
            last = _LAST_WORD.search(window)
            last_word = last.group().lstrip("([{\"'").casefold() if last else ""
            if last_word in abbreviations:
                continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(text)))
    trimmed = []
    for begin, end in spans:
        while begin < end and text[begin].isspace():
            begin += 1
        while end > begin and text[end - 1].isspace():
            end -= 1
        bullet = _BULLET.match(text, begin, end)
        if bullet:
            begin = bullet.end()
        if begin < end and any(char.isalpha() for char in text[begin:end]):
            trimmed.append((begin, end))
    return trimmed


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    return frozenset(a.casefold() for a in load_terms().abbreviations)


def sentences(text: str) -> list[str]:
    """Split notes into sentences: at . ! ? followed by a blank, and at line breaks.

    A full stop after an abbreviation ("vs.", "e.g.") does not end a sentence; list bullets
    are dropped; pieces without a letter (a lone "1.") are skipped. Linear in the length.
    """
    return [text[begin:end] for begin, end in _sentence_spans(text)]


# --- quantities ------------------------------------------------------------------------

_DIGITS = re.compile(
    r"(?<![\w.@])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:e[+-]?\d+)?"
    r"(?:\s?(?:k|m|mn|b|bn)(?![^\W\d_])|\s?(?:thousand|million|billion|trillion|hundred)s?\b)?\+?",
    re.IGNORECASE,
)
_SCALE_WORD = re.compile(r"hundred|thousand|million|billion|trillion", re.IGNORECASE)
_UNIT_TEXT = re.compile(r"%|/|[^\W\d_]+")
_UNIT_STOP = re.compile(r"[,;.:!?()\n]|\d")


@dataclass(frozen=True)
class Quantity:
    """A number with its unit, as written ("15k refreshes a second"), and the unit's kinds."""

    text: str
    kinds: frozenset[str]
    start: int


@lru_cache(maxsize=1)
def _quantity_tables():
    terms = load_terms().quantities
    words = "|".join(sorted(map(re.escape, terms.number_words), key=len, reverse=True))
    scale = r"(?:hundred|thousand|million|billion|trillion)s?"
    spelled = re.compile(
        rf"\b(?:(?:{words})\s+(?:of\s+)?)?{scale}\b(?:\s+(?:of\s+)?{scale}\b)*", re.IGNORECASE
    )
    units = {stem(word): kind for kind, words in terms.units.items() for word in words}
    return (
        spelled,
        units,
        frozenset(map(stem, terms.fillers)),
        frozenset(map(stem, terms.per_time)),
    )


def find_quantities(text: str, offset: int = 0) -> list[Quantity]:
    """Numbers followed by a unit within a few words, in any common notation."""
    has_scale_word = _SCALE_WORD.search(text) is not None
    if not has_scale_word and not any(char.isdigit() for char in text):
        return []
    spelled, units, fillers, per_time = _quantity_tables()
    found = []
    numbers = [(m.start(), m.end()) for m in _DIGITS.finditer(text)]
    if has_scale_word:
        numbers = sorted(numbers + [(m.start(), m.end()) for m in spelled.finditer(text)])
    last_end = -1
    for start, end in numbers:
        if start < last_end:
            continue
        rest = text[end : end + 48]
        stop = _UNIT_STOP.search(rest)
        rest = rest[: stop.start()] if stop else rest
        kinds: set[str] = set()
        words = [w if w in "%/" else stem(w) for w in _UNIT_TEXT.findall(rest)]
        unit_end = 0
        skipped = 0
        for index, word in enumerate(words):
            following = words[index + 1] if index + 1 < len(words) else ""
            if word in ("per", "a", "an", "/") and following in per_time:
                kinds.add("rate")
                unit_end = index + 2
                break
            if word == "%":
                kinds.add("share")
                unit_end = index + 1
                break
            if word in units:
                kinds.add(units[word])
                unit_end = index + 1
                after = words[index + 1 : index + 3]
                if len(after) == 2 and after[0] in ("per", "a", "an", "/") and after[1] in per_time:
                    kinds.add("rate")
                    unit_end = index + 3
                elif units[word] in ("data", "audience") and after[:1] == ["/"]:
                    kinds.add("rate")
                if word in ("qps", "rps", "qpm", "tps", "eps"):
                    kinds.add("rate")
                break
            if word in fillers:
                continue
            skipped += 1
            if skipped > 1:
                break
        if kinds:
            shown_end = end + _end_of_words(text[end:], unit_end)
            found.append(Quantity(text[start:shown_end].strip(), frozenset(kinds), offset + start))
            last_end = shown_end
        else:
            found.append(Quantity(text[start:end].strip(), frozenset(), offset + start))
            last_end = end
    return found


def _end_of_words(rest: str, count: int) -> int:
    """Character offset in ``rest`` just after its first ``count`` unit words."""
    if count <= 0:
        return 0
    end = 0
    for index, match in enumerate(_UNIT_TEXT.finditer(rest)):
        end = match.end()
        if index + 1 >= count:
            break
    return end


# --- reading sentences -----------------------------------------------------------------


@dataclass
class _Segment:
    """One sentence or list line, and how it reads."""

    start: int
    end: int
    first: int
    last: int
    """Token indexes of its first and last word (last < first: no words)."""
    commits: bool = False
    why_not: str = ""
    credits: int = 1
    quantities: list[Quantity] = field(default_factory=list)
    bare_numbers: list[Quantity] = field(default_factory=list)
    """Numbers without a unit: in a line that gives one latency in ms, the others are read
    as ms too ("budget 50 ms: gateway 5, features 10, model 15")."""
    dismissive: bool = False


@dataclass(frozen=True)
class _Scope:
    first: int
    last: int
    trigger: str
    dismissal: bool
    trigger_span: tuple[int, int]


@lru_cache(maxsize=1)
def _label_words() -> frozenset[str]:
    return frozenset(word.casefold() for word in load_terms().label_headings)


@lru_cache(maxsize=1)
def _line_verbs() -> frozenset[str]:
    return frozenset(word.casefold() for word in load_terms().line_verbs)


@lru_cache(maxsize=1)
def _not_before() -> frozenset[str]:
    return frozenset(stem(word) for word in load_terms().negation.not_before)


@lru_cache(maxsize=1)
def _clause_stems() -> frozenset[str]:
    return frozenset(stem(word) for word in load_terms().clause_words)


_RELATION = re.compile(r"->|=>|\u2192|[<>=\u2264\u2265]|\bvs\b|\bx\b")
"""Symbols that relate terms ("Kafka -> Flink", "label = added", "p99 < 50 ms")."""
_HEADING = re.compile(r"([^\W\d_][\w'/-]*(?: [\w'/-]+){0,2}):\s")
"""A list under a heading ("Sources: play logs, playlists, track metadata") enumerates what
the heading asks for, unless the heading only labels the terms ("Keywords: ...")."""
_SPACED_SEPARATORS = {"+", "/", "&"}
_SCOPE_STOP = set(",;.!?()[]\n")


class _Reading:
    """Notes cut into sentences, each read once: commitment, negation scopes, quantities."""

    def __init__(self, text: str):
        terms = load_terms()
        self.text = text
        self._span_cache: dict[tuple[str, ...], list[tuple[int, int]]] = {}
        self.notes = _Notes(text)
        tokens = self.notes.tokens
        self.segments: list[_Segment] = []
        self.segment_of: list[int] = [-1] * len(tokens)
        """Sentence of each word; -1 for words outside every sentence (a lone "1.")."""
        index = 0
        for number, (start, end) in enumerate(_sentence_spans(text)):
            first = index
            while index < len(tokens) and tokens[index].start < end:
                if tokens[index].start >= start:
                    self.segment_of[index] = number
                index += 1
            self.segments.append(_Segment(start, end, first, index - 1))
        self.vague_at = self._starts(terms.vague)
        self.terminator_at = self._starts(terms.negation.terminators)
        pseudo = self._spans(terms.negation.pseudo)
        self.pseudo_tokens = {i for first, last in pseudo for i in range(first, last + 1)}
        self.scopes: list[_Scope] = []
        for phrase in terms.negation.dismissals:
            self._add_scopes(phrase, dismissal=True)
        for phrase in terms.negation.negators:
            self._add_scopes(phrase, dismissal=False)
        clause = _clause_stems()
        for segment in self.segments:
            self._read(segment, clause)

    # phrases of the word tables, found once over the whole notes
    def spans_of(self, phrases: tuple[str, ...]) -> list[tuple[int, int]]:
        cached = self._span_cache.get(phrases)
        if cached is None:
            cached = self._span_cache[phrases] = self._spans(phrases)
        return cached

    def _spans(self, phrases: Iterable[str]) -> list[tuple[int, int]]:
        return [span for phrase in phrases for span in self.notes.find(phrase.lstrip("^"))]

    def _starts(self, phrases: Iterable[str]) -> set[int]:
        return {first for first, _ in self._spans(phrases)}

    def _gap_stops(self, index: int) -> bool:
        """Whether punctuation between word ``index - 1`` and word ``index`` ends a scope."""
        tokens = self.notes.tokens
        gap = self.text[tokens[index - 1].end : tokens[index].start]
        return any(char in _SCOPE_STOP for char in gap)

    def _gap_has(self, index: int, char: str) -> bool:
        tokens = self.notes.tokens
        return char in self.text[tokens[index - 1].end : tokens[index].start]

    def _add_scopes(self, phrase: str, dismissal: bool) -> None:
        at_start = phrase.startswith("^")
        window = load_terms().negation.window
        tokens = self.notes.tokens
        for first, last in self.notes.find(phrase.lstrip("^")):
            if first in self.pseudo_tokens:
                continue
            if self.segment_of[first] < 0:
                continue
            segment = self.segments[self.segment_of[first]]
            if at_start and (first != segment.first or self._followed_by_noun(last)):
                continue
            if any(s.trigger_span[0] <= first and last <= s.trigger_span[1] for s in self.scopes):
                continue  # "not" inside "not needed": the dismissal already reads it
            trigger = self.notes.snippet((first, last))
            end = last
            while (
                end + 1 <= segment.last
                and end + 1 - last <= window
                and not self._gap_stops(end + 1)
                and end + 1 not in self.terminator_at
            ):
                end += 1
            begin = first
            if dismissal:
                while (
                    begin - 1 >= segment.first
                    and first - (begin - 1) <= window
                    and not self._gap_stops(begin)
                    and (begin == first or not self._gap_has(begin, ":"))
                    and begin - 1 not in self.terminator_at
                ):
                    begin -= 1
            if end > last or begin < first:
                self.scopes.append(_Scope(begin, end, trigger, dismissal, (first, last)))
            if dismissal:
                segment.dismissive = True
        del tokens

    def _followed_by_noun(self, last: int) -> bool:
        tokens = self.notes.tokens
        nouns = _not_before()
        return last + 1 < len(tokens) and tokens[last + 1].stem in nouns

    def _read(self, segment: _Segment, clause: frozenset[str]) -> None:
        text = self.text[segment.start : segment.end]
        tokens = self.notes.tokens[segment.first : segment.last + 1]
        words, clause_word, listy = _shape(tokens, text, segment.start, clause)
        if listy and ";" in text:
            listy = not self._has_clause_part(tokens, text, segment.start, clause)
        found = find_quantities(text, segment.start)
        segment.quantities = [q for q in found if q.kinds]
        segment.bare_numbers = [q for q in found if not q.kinds]
        segment.credits = max(1, min(MAX_CREDITS, 1 + words // WORDS_PER_CREDIT))
        vague = bool(self.vague_at) and any(
            segment.first <= i <= segment.last for i in self.vague_at
        )
        first_word = _WORD.match(text)
        has_clause = (
            clause_word
            or _RELATION.search(text) is not None
            or (first_word is not None and first_word.group().casefold() in _line_verbs())
        )
        heading = _HEADING.match(text) if ":" in text[:48] else None
        enumerates = bool(heading) and heading.group(1).strip().casefold() not in _label_words()
        listy = listy and not enumerates
        has_clause = has_clause or enumerates
        if segment.quantities and not listy:
            segment.commits = True
        elif segment.quantities:
            segment.why_not = "named in a list, not explained"
        elif text.rstrip().endswith("?") and words <= 6:
            segment.why_not = "asked, not answered"
        elif vague:
            segment.why_not = "vague wording, nothing decided"
        elif words < 3 or not has_clause or listy:
            segment.why_not = "named in a list, not explained"
        else:
            segment.commits = True

    @staticmethod
    def _has_clause_part(
        tokens: Sequence[_Token], text: str, offset: int, clause: frozenset[str]
    ) -> bool:
        """Whether a part of a line between semicolons is a clause of its own: "log loss,
        AUC, calibration; accuracy misleads at this base rate" lists the metrics and then
        says why, which a bare list of terms does not."""
        begin = 0
        for part in text.split(";"):
            start, end = offset + begin, offset + begin + len(part)
            begin += len(part) + 1
            inside = [token for token in tokens if start <= token.start < end]
            words, clause_word, listy = _shape(inside, part, start, clause)
            if words >= 3 and not listy and (clause_word or _RELATION.search(part)):
                return True
        return False

    def negation_of(self, span: tuple[int, int], absence_counts: bool) -> _Scope | None:
        first, last = span
        for scope in self.scopes:
            if absence_counts and not scope.dismissal:
                continue
            if scope.trigger_span[0] >= first and scope.trigger_span[1] <= last:
                continue  # the phrase itself holds the negation ("no history")
            if scope.first <= last and first <= scope.last:
                return scope
        return None


def _shape(
    tokens: Sequence[_Token], text: str, offset: int, clause: frozenset[str]
) -> tuple[int, bool, bool]:
    """One pass over a sentence's words: how many words (glued parts count once), whether
    one is a clause word, and whether the sentence is a list of terms: three or more short
    items, most of them without a clause word. Items are separated by commas, semicolons,
    bars, a spaced +, / or &, and by "and" or "or", outside parentheses: "(adds, skips,
    plays)" is an aside, not a list. ``offset`` is where ``text`` starts."""
    words = items = short = item_words = depth = 0
    any_clause = item_clause = False
    previous_end = 0
    last = len(tokens) - 1
    for index, token in enumerate(tokens):
        if index == 0 or token.kind != GLUE:
            words += 1
        conjunction = token.kind == SPACE and token.stem in ("and", "or") and not depth
        if index and not conjunction:
            gap = text[previous_end - offset : token.start - offset]
            outside = not depth
            separator = False
            for char in gap:
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth = max(0, depth - 1)
                elif char in ",;|" and not depth:
                    separator = True
            separator = separator or (
                outside
                and gap[:1].isspace()
                and gap[-1:].isspace()
                and gap.strip() in _SPACED_SEPARATORS
            )
        else:
            separator = conjunction
        previous_end = token.end
        if separator and item_words:
            items += 1
            short += item_words <= 3 and not item_clause
            item_words, item_clause = 0, False
        if conjunction:
            continue
        item_words += 1
        if token.stem in clause and (index == last or tokens[index + 1].kind != GLUE):
            item_clause = any_clause = True
    if item_words:
        items += 1
        short += item_words <= 3 and not item_clause
    return words, any_clause, items >= 3 and short / items >= 0.75


# --- coverage --------------------------------------------------------------------------


@dataclass
class _Candidate:
    status: str
    segment: int
    position: int
    matched: list[str]
    evidence: list[str]
    negation: list[str] = field(default_factory=list)
    reason: str = ""


def _candidates(reading: _Reading, point: Point | Any) -> dict[int, _Candidate]:
    """The best reading of ``point`` in each sentence that names it, by sentence index."""
    by_segment: dict[int, _Candidate] = {}
    notes = reading.notes
    absence = getattr(point, "absence_counts", False)
    needs_quantity = getattr(point, "needs", None) == "quantity"
    for phrase in point.phrases:
        for span in notes.find(phrase):
            number = reading.segment_of[span[0]]
            if number < 0:
                continue
            segment = reading.segments[number]
            scope = reading.negation_of(span, absence)
            if scope is not None:
                candidate = _Candidate(NEGATED, number, span[0], [phrase], [], [scope.trigger])
            elif not segment.commits:
                candidate = _Candidate(
                    LISTED, number, span[0], [phrase], [], reason=segment.why_not
                )
            elif needs_quantity:
                candidate = _Candidate(
                    LISTED, number, span[0], [phrase], [], reason="named without a number"
                )
            else:
                candidate = _Candidate(COVERED, number, span[0], [phrase], [])
            candidate.evidence.append(notes.snippet(span))
            _keep(by_segment, number, candidate)
    if needs_quantity:
        kinds = set(getattr(point, "units", []) or [])
        wanted = getattr(point, "quantities", 1)
        for number, segment in enumerate(reading.segments):
            matching = [q for q in segment.quantities if not kinds or q.kinds & kinds]
            if matching and "latency" in kinds and len(matching) < wanted:
                matching = sorted(matching + segment.bare_numbers, key=lambda q: q.start)
            if len(matching) < wanted:
                continue
            positions = [i for i in range(segment.first, segment.last + 1)]
            start_token = next(
                (i for i in positions if notes.tokens[i].start >= matching[0].start),
                segment.first,
            )
            candidate = _Candidate(
                COVERED, number, start_token, [], [q.text for q in matching[: max(wanted, 3)]]
            )
            _keep(by_segment, number, candidate)
    return by_segment


def _keep(by_segment: dict[int, _Candidate], number: int, candidate: _Candidate) -> None:
    """Within one sentence the first mention decides ("we can ignore cold start because new
    tracks are few" dismisses cold start); a number outranks a phrase it goes with."""
    current = by_segment.get(number)
    if current is None:
        by_segment[number] = candidate
        return
    if candidate.status == current.status:
        current.matched = list(dict.fromkeys(current.matched + candidate.matched))
        current.evidence = list(dict.fromkeys(current.evidence + candidate.evidence))
        current.position = min(current.position, candidate.position)
        return
    quantity_over_phrase = candidate.status == COVERED and not candidate.matched
    if quantity_over_phrase and current.status == LISTED:
        candidate.matched = current.matched
        by_segment[number] = candidate
    elif candidate.position < current.position and current.matched:
        by_segment[number] = candidate


def _assess(reading: _Reading, points: Sequence[Point | Any]) -> list[PointCoverage]:
    """Statuses of ``points``; one sentence credits at most its ``credits`` points."""
    per_point = [_candidates(reading, point) for point in points]
    by_segment: dict[int, list[tuple[int, int]]] = {}
    for index, candidates in enumerate(per_point):
        for number, candidate in candidates.items():
            if candidate.status == COVERED:
                by_segment.setdefault(number, []).append((candidate.position, index))
    for number, credited in by_segment.items():
        segment = reading.segments[number]
        for _, index in sorted(credited)[segment.credits :]:
            candidate = per_point[index][number]
            candidate.status = LISTED
            candidate.reason = (
                f"the same sentence already credits {segment.credits} "
                f"point{'s' if segment.credits > 1 else ''}"
            )
    results = []
    for point, candidates in zip(points, per_point, strict=True):
        if not candidates:
            results.append(PointCoverage(point.id, point.text))
            continue
        best = min(candidates.values(), key=lambda c: (_RANK[c.status], c.segment))
        same = [c for c in candidates.values() if c.status == best.status]
        matched = list(dict.fromkeys(p for c in same for p in c.matched))
        if best.status == COVERED:
            evidence = list(dict.fromkeys(best.evidence))
        else:
            evidence = list(dict.fromkeys(e for c in same for e in c.evidence))
        segment = reading.segments[best.segment]
        results.append(
            PointCoverage(
                point.id,
                point.text,
                best.status,
                matched,
                evidence,
                reading.text[segment.start : segment.end],
                list(dict.fromkeys(n for c in same for n in c.negation)),
                best.reason,
            )
        )
    return results


def _prepare(notes: str | None) -> tuple[str, bool]:
    text = notes or ""
    if len(text) > MAX_ASSESSED_CHARS:
        return text[:MAX_ASSESSED_CHARS], True
    return text, False


def cover_points(notes: str, points: Iterable[Point | Any]) -> list[PointCoverage]:
    """For each point, its status in ``notes``, which phrases matched and what showed it."""
    text, _ = _prepare(notes)
    return _assess(_Reading(text), list(points))


def step_coverage(notes: str, step_id: str, scenario: Any = None) -> StepCoverage:
    """Coverage of one step's notes against the framework checklist and, when a scenario is
    given, the signals its interviewer guide expects for that step. Checklist points the
    scenario marks as not relevant are set aside, neither missed nor scored.

    Raises KeyError for an unknown step id.
    """
    step = load_framework().get(step_id)
    guide = scenario.steps.get(step_id) if scenario is not None else None
    skip = dict(getattr(guide, "not_relevant", {}) or {})
    text, truncated = _prepare(notes)
    reading = _Reading(text)
    relevant = [point for point in step.checklist if point.id not in skip]
    checklist = _assess(reading, relevant)
    signals = _assess(reading, guide.signals) if guide is not None else []
    tradeoffs = _counted_tradeoffs(reading)
    return StepCoverage(
        step_id=step_id,
        checklist=checklist,
        signals=signals,
        tradeoffs=tradeoffs,
        reasons=_reasons(reading, [*checklist, *signals], tradeoffs),
        not_relevant=[
            NotRelevant(point.id, point.text, skip[point.id])
            for point in step.checklist
            if point.id in skip
        ],
        truncated=truncated,
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


def _is_tradeoff_in(found: _Notes, first: int, last: int, spans_of=None) -> bool:
    """Whether words ``first`` to ``last`` of ``found`` state a trade-off. ``spans_of``
    gives the spans of a phrase list over the whole notes (found once, not per sentence)."""
    terms = load_terms().tradeoffs
    spans_of = spans_of or (lambda phrases: [s for p in phrases for s in found.find(p)])

    def spans(phrases):
        return [span for span in spans_of(tuple(phrases)) if first <= span[0] <= last]

    if spans(terms.markers):
        return True
    choices = spans(terms.choices)
    if spans(terms.comparisons) and (choices or spans(terms.justifications)):
        return True
    if not choices:
        return False
    first_choice_end = min(end for _, end in choices)
    for begin, end in spans(terms.choice_contrasts):
        following = found.tokens[end + 1].stem if end + 1 <= last else ""
        if begin > first_choice_end and following and not following.isdigit():
            return True
    return False


def is_tradeoff(sentence: str) -> bool:
    """Whether a sentence compares options and justifies or states a choice."""
    found = _Notes(sentence)
    return _is_tradeoff_in(found, 0, len(found.tokens) - 1)


def find_tradeoffs(notes: str) -> list[str]:
    """The sentences of ``notes`` that state a trade-off, in order, as written."""
    return [sentence for sentence in sentences(notes or "") if is_tradeoff(sentence)]


def _reasons(reading: _Reading, points: list[PointCoverage], tradeoffs: list[str]) -> list[str]:
    """Sentences that cover a point and give a reason, other than the trade-offs."""
    terms = load_terms()
    starts = reading._starts([*terms.tradeoffs.justifications, *terms.reasons])
    covering = {point.sentence for point in points if point.covered}
    found = []
    for segment in reading.segments:
        text = reading.text[segment.start : segment.end]
        if (
            text in covering
            and text not in tradeoffs
            and not segment.dismissive
            and any(segment.first <= i <= segment.last for i in starts)
        ):
            found.append(text)
    return found


def _counted_tradeoffs(reading: _Reading) -> list[str]:
    """Trade-off sentences that also commit to something and dismiss nothing."""
    return [
        reading.text[segment.start : segment.end]
        for segment in reading.segments
        if segment.commits
        and not segment.dismissive
        and segment.last >= segment.first
        and _is_tradeoff_in(reading.notes, segment.first, segment.last, reading.spans_of)
    ]
