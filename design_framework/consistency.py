"""Notes and board agree (issue 22, item 5): the numbers the notes state, read with their
units, against the figures the board implies.

Three steps, each usable alone:

* :func:`stated_numbers` reads each step's notes for claims with units: the latency budget
  ("p99 under 200 ms", "a 0.2 s budget"), the peak rate ("15k QPS", "1.5M rps"), candidates
  per funnel stage ("retrieve 10k candidates", "the ranker scores 500", "top 1,000 from
  ANN"), the slate ("show 20 tracks"), the catalog ("100M tracks"), the batch window ("the
  nightly job must finish in 4 hours") and replicas ("40 ranker replicas", "12 pods of the
  model server"). Each :class:`Stated` keeps the step, the exact words and their offset.
* :func:`board_figures` gives what the board implies, from the same analysis the rubric
  uses (:mod:`components.analysis`, the ``capacity.batch_window`` rule's arithmetic).
* :func:`mismatches` compares them and returns one :class:`Mismatch` per disagreement,
  each with its place in the notes and the nodes behind the board's figure.

Precision comes before recall: a wrong warning costs the candidate's trust, a missed one
costs little. So a number counts only when its unit or its stage is plain: a number tied
to no stage, followed by a word that counts something else ("500 trees"), in a question, a
comparison ("vs"), or in a clause that negates or supposes it ("not 500 ms", "if we had 1B
items", "rather than 10k", "used to score 5,000") is skipped. Figures the board leaves at
the catalog's defaults (an ``out_k`` nobody typed) are no statement and are not compared.

How each figure is compared, and with what:

* **candidates**: with the stage's ``out_k`` or the items it takes in (the sum of what
  feeds it), whichever side the words name ("scores 500" the input, "keeps 100" the
  output; "ranker 100" with no verb either side). Retrieval channels count alone or
  summed ("10k from retrieval" against 1,000 + 800 + 200). A batch job's items per key
  come from the ``capacity.batch_window`` rule's reading (its ``in_k``, or the stage or
  arrow that hands it its list).
* **slate_size**: with the last funnel stage's ``out_k`` when it is typed: a slate larger
  than what that stage keeps is a disagreement (showing 20 of 30 returned is not). With no
  typed last stage, with the scenario's slate size.
* **latency_budget**: the board's slowest request path (the event path in a nearline
  scenario) over the stated budget is a disagreement; the budget is a ceiling, so a faster
  board agrees. The board states no budget of its own, so the stated budget is also
  compared with the scenario's: a budget looser than the scenario's is flagged (the notes
  relaxed a requirement), a tighter one is a target the candidate chose and is not.
* **batch_window**: the same, with the hours the board's batch job takes (the
  ``capacity.batch_window`` arithmetic) and the scenario's window.
* **peak_qps**: the design format has no rate of its own (no param states one), so the
  stated peak is compared with the scenario's: lower is under-sizing, and more than
  :data:`HEADROOM` times higher is a misread figure rather than headroom. An event rate
  ("150k streams a second") counts only in a nearline scenario, where the peak is events.
* **catalog_size**: the first stage draws from the scenario's catalog, so the stated size
  is compared with it; a figure the scenario itself gives for something else (the full
  catalog beside a cold-start pool) is no disagreement.
* **replicas**: with the ``replicas`` a component of that type declares (a batch job's
  ``workers``); nothing declared, nothing compared.

Every comparison allows rounding: within :data:`ROUNDING` (15%), or within a factor of
:data:`APPROXIMATE` (2) when the notes say "about", "~" or "roughly". A range ("300-500
candidates") agrees with anything inside it; for a budget the upper bound is the one that
matters and is taken. Each figure of the scenario may also be any value a curveball of the
scenario sets (the notes may follow the changed requirement).

Pure: no Streamlit. :func:`mismatch_line` formats one disagreement for the report.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field

from components.analysis import (
    RequestPathCycle,
    critical_path,
    event_critical_path,
    final_stages,
    funnel_flow,
)
from components.design import Design
from components.loading import parse_yaml, read_text, validate
from design_framework.steps import load_framework

TERMS_PATH = Path(__file__).with_name("consistency_terms.yaml")

ROUNDING = 1.15
"""Two figures agree when the larger is at most this times the smaller ("2,000" ~ 1,800)."""
APPROXIMATE = 2.0
"""...or at most this times, when the notes say "about" (same order, in the same breath)."""
HEADROOM = 3.0
"""A stated peak rate up to this times the scenario's is headroom, not a misread figure."""
CATALOG_MIN = 1_000_000
"""Items a bare count ("100M tracks", no "catalog" beside it) needs to be read as the catalog."""
PER_KEY = frozenset(
    [
        "user",
        "users",
        "request",
        "requests",
        "query",
        "queries",
        "listener",
        "listeners",
        "channel",
        "session",
        "call",
        "key",
        "subscriber",
        "member",
        "device",
    ]
)
"""What a count of items may be per and still be a funnel's or a slate's figure."""
QUOTE_CLAUSE = 80
"""A clause up to this long is quoted whole (the figure with its cue); a longer one from
the figure's first words."""
STAGE_REACH = 8
"""Words between a stage's name and the number it owns ("the ranker then scores 500")."""
VERB_REACH = 3
"""Words between a verb that names a stage and its number ("retrieve the top 1,000")."""

KINDS = (
    "latency_budget",
    "peak_qps",
    "candidates",
    "slate_size",
    "catalog_size",
    "batch_window",
    "replicas",
)
UNITS = {
    "latency_budget": "ms",
    "peak_qps": "per second",
    "candidates": "items",
    "slate_size": "items",
    "catalog_size": "items",
    "batch_window": "hours",
    "replicas": "count",
}


# ---- the words ---------------------------------------------------------------------------


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StageWords(_Model):
    """How notes name one component type."""

    nouns: list[str] = Field(default_factory=list, description="Names that stand anywhere.")
    verbs: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Verbs naming the stage right before a number, by side (in, out).",
    )


class ConsistencyTerms(_Model):
    """Word lists of consistency_terms.yaml (its comments say what each is for)."""

    stages: dict[str, StageWords] = Field(description="Names of component types.")
    verbs: dict[str, list[str]] = Field(description="Verbs by the side of a stage they name.")
    item_nouns: list[str] = Field(description="Words counting items.")
    after_count: list[str] = Field(description="Words that may follow a bare count.")
    latency_cues: list[str] = Field(description="Words of the whole answer's latency.")
    latency_stage_words: list[str] = Field(description="Words of one stage's latency.")
    end_to_end: list[str] = Field(description="Words that make a latency the whole path's.")
    request_units: list[str] = Field(description="Units of a request rate.")
    event_units: list[str] = Field(description="Units of an event rate.")
    not_peak: list[str] = Field(description="Words of a rate that is not the peak.")
    slate_cues: list[str] = Field(description="Words of the slate.")
    show_verbs: list[str] = Field(description="Verbs of showing items to the user.")
    catalog_cues: list[str] = Field(description="Words of the catalog.")
    not_catalog: list[str] = Field(description="Words of a count that is not the catalog.")
    replica_units: list[str] = Field(description="Units of replicas.")
    window_cues: list[str] = Field(description="Words of a batch window.")
    not_window: list[str] = Field(description="Words of hours that are no batch window.")
    approximate: list[str] = Field(description="Words of an approximate figure.")
    upper_bound: list[str] = Field(description="Words of an upper bound.")
    lower_bound: list[str] = Field(description="Words of a lower bound.")
    not_committed: list[str] = Field(description="Triggers of a clause that commits to nothing.")
    pseudo: list[str] = Field(description="Phrases holding a trigger that state a bound.")
    alternatives: list[str] = Field(description="Words comparing options.")


@lru_cache(maxsize=1)
def load_terms(path: Path = TERMS_PATH) -> ConsistencyTerms:
    return validate(ConsistencyTerms, parse_yaml(read_text(path), str(path), shipped=True))


def _phrase(words) -> re.Pattern:
    """Any of ``words`` as whole words, hyphen and space alike, longest first."""
    parts = []
    for word in sorted(set(words), key=len, reverse=True):
        escaped = re.escape(word).replace(r"\-", r"[-\s]?").replace(r"\ ", r"[-\s]+")
        left = r"(?<![\w-])" if word[0].isalnum() else ""
        right = r"(?![\w])" if word[-1].isalnum() or word.endswith("'t") else ""
        parts.append(left + escaped + right)
    return re.compile("|".join(parts), re.IGNORECASE)


@dataclass(frozen=True)
class _Lexicon:
    stage: re.Pattern
    stage_of: dict[str, tuple[str, str | None]]
    """lower-cased name -> (component type, side a verb names or None for a noun)"""
    side_of_verb: dict[str, str]
    patterns: dict[str, re.Pattern]
    sets: dict[str, frozenset[str]]


def _norm(text: str) -> str:
    return re.sub(r"[-\s]+", " ", text.lower()).strip()


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    terms = load_terms()
    stage_of: dict[str, tuple[str, str | None]] = {}
    for type_id, words in terms.stages.items():
        for noun in words.nouns:
            stage_of[_norm(noun)] = (type_id, None)
        for side, verbs in words.verbs.items():
            for verb in verbs:
                stage_of[_norm(verb)] = (type_id, side)
    side_of_verb = {_norm(v): side for side, verbs in terms.verbs.items() for v in verbs}
    lists = [
        "latency_cues",
        "latency_stage_words",
        "end_to_end",
        "not_peak",
        "slate_cues",
        "show_verbs",
        "catalog_cues",
        "not_catalog",
        "window_cues",
        "not_window",
        "approximate",
        "upper_bound",
        "lower_bound",
        "not_committed",
        "pseudo",
        "alternatives",
        "item_nouns",
    ]
    patterns = {name: _phrase(getattr(terms, name)) for name in lists}
    sets = {
        name: frozenset(_norm(w) for w in getattr(terms, name))
        for name in (
            [
                "item_nouns",
                "after_count",
                "request_units",
                "event_units",
                "replica_units",
                "show_verbs",
            ]
        )
    }
    return _Lexicon(_phrase(stage_of), stage_of, side_of_verb, patterns, sets)


# ---- numbers -----------------------------------------------------------------------------

_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mn": 1e6, "million": 1e6}
_SCALES |= {"b": 1e9, "bn": 1e9, "billion": 1e9}
_NUMBER = re.compile(
    r"(?<![\w@.$£€/#])(?<![a-z]-)(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<scale>thousand|million|billion|mn|bn|k|m|b)(?![a-z]))?(?P<plus>\+)?"
    r"(?![\d])",
    re.IGNORECASE,
)
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|—|to)\s*(?=~?\d)", re.IGNORECASE)
_WORD = re.compile(r"[a-z][a-z'’]*(?:-[a-z]+)*|%|/|\?", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(
    r",\s|;|\(|\)|\s[-–—]\s|->|=>|→|\bbut\b|\bwhereas\b|\bwhile\b|\bthough\b", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class _Number:
    value: float
    start: int
    end: int
    plus: bool
    high: float | None = None
    """The other end of a range written "300-500" or "between 300 and 500"."""


def _value(match: re.Match) -> float:
    number = float(match.group("num").replace(",", ""))
    scale = (match.group("scale") or "").lower()
    return number * _SCALES.get(scale, 1)


def _numbers(text: str) -> list[_Number]:
    """Numbers in a clause with their scale; "300-500" is one number with a high end."""
    found: list[_Number] = []
    matches = list(_NUMBER.finditer(text))
    skip = set()
    for index, match in enumerate(matches):
        if index in skip:
            continue
        value, end, high = _value(match), match.end(), None
        nxt = matches[index + 1] if index + 1 < len(matches) else None
        joint = _RANGE_JOIN.match(text[end:]) if nxt else None
        if joint and text[end + joint.end() :].lstrip("~").startswith(nxt.group(0)):
            other = _value(nxt)
            if not match.group("scale") and nxt.group("scale"):
                value *= _SCALES[nxt.group("scale").lower()]  # "1-2k": both in thousands
            if other > value:  # "cut 2,000 to 400" is a cut, not a range
                high, end = other, nxt.end()
                skip.add(index + 1)
        between = re.search(r"between\s+~?$", text[: match.start()], re.IGNORECASE)
        if between and nxt and re.match(r"^\s*and\s*~?$", text[end : nxt.start()]):
            high, end = _value(nxt), nxt.end()
            skip.add(index + 1)
        found.append(_Number(value, match.start(), end, bool(match.group("plus")), high))
    return found


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


# ---- what the notes state ----------------------------------------------------------------


@dataclass(frozen=True)
class Stated:
    """One figure the notes commit to."""

    kind: str
    """latency_budget, peak_qps, candidates, slate_size, catalog_size, batch_window, replicas"""
    value: float
    """Normalised: ms, per second, items, hours or a count (see UNITS). For a range, the
    bound that matters (``bound`` says which)."""
    step: str
    quote: str
    """The exact words in the step's notes, from ``start``."""
    start: int
    """Character offset of ``quote`` in the step's notes."""
    stage: str | None = None
    """The component type it is about (candidates, replicas)."""
    side: str | None = None
    """For candidates: ``in`` (what the stage takes), ``out`` (what it keeps) or ``either``."""
    approximate: bool = False
    low: float | None = None
    """The lowest value the words allow (a range's low end, or 0 for "up to")."""
    high: float | None = None
    """The highest value the words allow (a range's high end; None: no upper end)."""
    bound: str | None = None
    """``range`` (value is the upper end), ``upper`` ("under 200 ms"), ``lower`` ("over
    100M") or None for a plain figure."""
    basis: str | None = None
    """For peak_qps: ``requests`` or ``events``."""

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    def to_json(self) -> dict:
        return {**asdict(self), "unit": self.unit}


@dataclass
class _Clause:
    step: str
    text: str
    """The whole step's notes."""
    start: int
    end: int
    sentence: str

    @property
    def body(self) -> str:
        return self.text[self.start : self.end]


def _clauses(step: str, text: str):
    """Sentences (and list lines) cut at commas, semicolons, arrows and "but": a figure's
    stage, unit and negation are read inside its clause."""
    position = 0
    for piece in _SENTENCE_END.split(text):
        begin = text.find(piece, position)
        position = begin + len(piece)
        if not piece.strip():
            continue
        left = 0
        for brk in [*_CLAUSE_BREAK.finditer(piece), None]:
            right = brk.start() if brk else len(piece)
            if piece[left:right].strip():
                yield _Clause(step, text, begin + left, begin + right, piece)
            left = brk.end() if brk else left


def stated_numbers(notes: dict[str, str]) -> list[Stated]:
    """Every figure the notes commit to, step by step, in the order written."""
    found: list[Stated] = []
    for step, text in notes.items():
        if text:
            found += _step_numbers(step, text)
    return found


@lru_cache(maxsize=64)  # at most 64 texts of a step's cap (100,000 characters)
def _step_numbers(step: str, text: str) -> tuple[Stated, ...]:
    # Read once per step's text: the board asks again after every drop and connect, while
    # the notes stay as they were (2,000 words take about 40 ms to read).
    found: list[Stated] = []
    for clause in _clauses(step, text):
        found += _read_clause(clause)
    return tuple(found)


def _read_clause(clause: _Clause) -> list[Stated]:
    lex = _lexicon()
    sentence = clause.sentence
    if sentence.rstrip().endswith("?") or lex.patterns["alternatives"].search(sentence):
        return []  # a question or a comparison of options commits to no figure
    body = clause.body
    if _uncommitted(body):
        return []
    out = []
    for number in _numbers(body):
        if _YEAR.match(body[number.start : number.end]):
            continue
        stated = _read_number(clause, body, number)
        if stated is not None:
            out.append(stated)
    return out


def _uncommitted(body: str) -> bool:
    lex = _lexicon()
    cleaned = lex.patterns["pseudo"].sub(" ", body)
    return bool(lex.patterns["not_committed"].search(cleaned))


def _qualifiers(before: str, number: _Number) -> tuple[bool, str | None]:
    lex = _lexicon()
    tail = " ".join(before.split()[-3:]) + " "
    approximate = bool(lex.patterns["approximate"].search(tail)) or tail.rstrip().endswith("~")
    if number.high is not None:
        return approximate, "range"
    if lex.patterns["upper_bound"].search(tail):
        return approximate, "upper"
    if number.plus or lex.patterns["lower_bound"].search(tail):
        return approximate, "lower"
    return approximate, None


def _make(kind, value, clause, number, body, quote_end, approx, bound, **extra) -> Stated:
    start = clause.start + number.start
    # the quote runs from the start of the figure's phrase: its qualifier or stage if near
    lead = extra.pop("lead", None)
    if lead is not None:
        start = min(start, clause.start + lead)
    end = clause.start + quote_end
    if kind != "candidates" and lead is None and len(body.strip()) <= QUOTE_CLAUSE:
        # a short clause is the figure's phrase: "p99 under 200 ms end to end"
        start = clause.start + len(body) - len(body.lstrip())
        end = clause.start + len(body.rstrip().rstrip("."))
    low, high = value, value
    scale = extra.pop("scale", 1.0)
    if bound == "range":
        low, high, value = number.value * scale, number.high * scale, number.high * scale
    elif bound == "upper":
        low = 0.0
    elif bound == "lower":
        high = None
    return Stated(
        kind=kind,
        value=value,
        step=clause.step,
        quote=clause.text[start:end].strip(),
        start=start,
        approximate=approx,
        low=low,
        high=high,
        bound=bound,
        **extra,
    )


def _unit_after(after: str) -> tuple[list[str], int]:
    """The first words after a number (a unit glued on, "200ms", counts as a word) and
    where the first of them ends."""
    words = _words(after[:60])
    first = _WORD.search(after)
    return words, (first.end() if first else 0)


_LATENCY_UNITS = {
    "ms": 1.0,
    "msec": 1.0,
    "millisecond": 1.0,
    "milliseconds": 1.0,
    "s": 1000.0,
    "sec": 1000.0,
    "secs": 1000.0,
    "second": 1000.0,
    "seconds": 1000.0,
    "min": 60_000.0,
    "mins": 60_000.0,
    "minute": 60_000.0,
    "minutes": 60_000.0,
}
_HOUR_UNITS = {"h": 1.0, "hr": 1.0, "hrs": 1.0, "hour": 1.0, "hours": 1.0, "day": 24.0}
_HOUR_UNITS |= {"days": 24.0}
_PER_SECOND = ("per second", "a second", "/ s", "/ sec", "per sec", "each second")


def _read_number(clause: _Clause, body: str, number: _Number) -> Stated | None:
    before, after = body[: number.start], body[number.end :]
    words, first_end = _unit_after(after)
    unit = words[0] if words else ""
    glued = after[:1].isalpha()
    approx, bound = _qualifiers(before, number)
    if unit in _LATENCY_UNITS and not _is_rate(words[1:]):
        return _latency(clause, body, number, unit, first_end, approx, bound)
    if unit in _HOUR_UNITS:
        return _window(clause, body, number, unit, first_end, approx, bound)
    if glued and unit not in ("k", "m", "b"):
        return None
    lex = _lexicon()
    rate = _rate(clause, body, number, words, approx, bound)
    if rate is not None or _is_rate(words[:3]) or unit in lex.sets["request_units"]:
        return rate
    replicas = _replicas(clause, body, number, words, approx, bound)
    if replicas is not None:
        return replicas
    if unit in lex.sets["replica_units"]:
        return None
    return _items(clause, body, number, words, approx, bound)


def _is_rate(words: list[str]) -> bool:
    text = " ".join(words[:3])
    return any(text.startswith(p) for p in (*_PER_SECOND, "per", "a day", "/"))


def _latency(clause, body, number, unit, unit_end, approx, bound) -> Stated | None:
    lex = _lexicon()
    whole = lex.patterns["end_to_end"].search(body)
    if not lex.patterns["latency_cues"].search(body):
        return None
    if lex.patterns["latency_stage_words"].search(body) and not whole:
        return None  # one stage's share ("feature lookups within 10 ms at p99")
    if whole and lex.stage.search(body):
        return None  # "end to end 200 ms, the ranker 60" split badly: not sure whose
    scale = _LATENCY_UNITS[unit]
    end = number.end + unit_end
    return _make(
        "latency_budget",
        (number.high or number.value) * scale,
        clause,
        number,
        body,
        end,
        approx,
        bound,
        scale=scale,
    )


def _window(clause, body, number, unit, unit_end, approx, bound) -> Stated | None:
    lex = _lexicon()
    if not lex.patterns["window_cues"].search(body) or lex.patterns["not_window"].search(body):
        return None
    scale = _HOUR_UNITS[unit]
    return _make(
        "batch_window",
        (number.high or number.value) * scale,
        clause,
        number,
        body,
        number.end + unit_end,
        approx,
        bound,
        scale=scale,
    )


def _rate(clause, body, number, words, approx, bound) -> Stated | None:
    lex = _lexicon()
    unit = words[0] if words else ""
    rest = " ".join(words[1:4])
    if unit in ("qps", "rps"):
        basis, length = "requests", 1
    elif unit in lex.sets["request_units"] | lex.sets["event_units"] and rest.startswith(
        _PER_SECOND
    ):
        basis = "events" if unit in lex.sets["event_units"] else "requests"
        length = 1 + len(next(p for p in _PER_SECOND if rest.startswith(p)).split())
    elif unit == "req" and rest.startswith("/ s"):
        basis, length = "requests", 3
    else:
        return None
    if lex.patterns["not_peak"].search(body):
        return None
    end = number.end + _end_of_words(body[number.end :], length)
    return _make("peak_qps", number.high or number.value, clause, number, body, end, approx, bound,
                 basis=basis)  # fmt: skip


def _end_of_words(rest: str, count: int) -> int:
    end = 0
    for index, match in enumerate(_WORD.finditer(rest)):
        end = match.end()
        if index + 1 >= count:
            break
    return end


@dataclass(frozen=True)
class _Mention:
    type_id: str
    side: str | None
    start: int
    end: int
    verb: bool


def _mentions(body: str) -> list[_Mention]:
    lex = _lexicon()
    found = []
    for match in lex.stage.finditer(body):
        type_id, side = lex.stage_of[_norm(match.group(0))]
        found.append(_Mention(type_id, side, match.start(), match.end(), side is not None))
    return found


def _replicas(clause, body, number, words, approx, bound) -> Stated | None:
    lex = _lexicon()
    bound = "range" if bound == "range" else None  # "over 200 workers" is across them
    after = body[number.end :]
    mentions = _mentions(body)
    # "40 ranker replicas": a stage named between the number and its unit
    for mention in mentions:
        if mention.start >= number.end and not body[number.end : mention.start].strip():
            rest = _words(body[mention.end :])
            if rest and rest[0] in lex.sets["replica_units"]:
                end = mention.end + _end_of_words(body[mention.end :], 1)
                return _make("replicas", number.value, clause, number, body, end, approx, bound,
                             stage=mention.type_id)  # fmt: skip
    if not words or words[0] not in lex.sets["replica_units"]:
        return None
    unit_end = number.end + _end_of_words(after, 1)
    # "12 pods of the model server"
    of = re.match(r"\s+of\s+(?:the\s+|our\s+)?", body[unit_end:], re.IGNORECASE)
    if of:
        for mention in mentions:
            if mention.start == unit_end + of.end() and not mention.verb:
                return _make("replicas", number.value, clause, number, body, mention.end, approx,
                             bound, stage=mention.type_id)  # fmt: skip
    # "the ranker runs on 40 replicas"
    owner = _owner(body, number, mentions, nouns_only=True)
    if owner is None:
        return None
    near = len(_words(body[owner.end : number.start])) <= VERB_REACH + 1
    return _make("replicas", number.value, clause, number, body, unit_end, approx, bound,
                 stage=owner.type_id, lead=owner.start if near else None)  # fmt: skip


def _owner(body, number, mentions, nouns_only=False) -> _Mention | None:
    """The stage named nearest before the number, within reach."""
    best = None
    for mention in mentions:
        if mention.end > number.start or (nouns_only and mention.verb):
            continue
        gap = len(_words(body[mention.end : number.start]))
        reach = VERB_REACH if mention.verb else STAGE_REACH
        if gap <= reach:
            best = mention
    return best


def _items(clause, body, number, words, approx, bound) -> Stated | None:
    lex = _lexicon()
    if number.value != int(number.value) and not (number.high or number.value) >= 1000:
        return None  # 2.5 items is no count
    unit = words[0] if words else ""
    noun = unit in lex.sets["item_nouns"]
    if unit and not noun and unit not in lex.sets["after_count"]:
        return None  # "500 trees", "300M users": it counts something else
    per = words[1:3] if noun else words[:2]
    if per[:1] == ["per"] and per[1:] and per[1] not in PER_KEY:
        return None  # "2 tracks per artist": a cap on something else
    end = number.end + (_end_of_words(body[number.end :], 1) if noun else 0)
    mentions = _mentions(body)
    stage = _stage_of_count(body, number, mentions)
    if stage is not None:
        type_id, side, lead, stage_end = stage
        end = max(end, stage_end or 0)
        if type_id not in ("candidate_generation", "pre_ranker", "ranker", "re_ranker",
                           "batch_scoring"):  # fmt: skip
            return None
        return _make("candidates", number.high or number.value, clause, number, body, end,
                     approx, bound, stage=type_id, side=side, lead=lead)  # fmt: skip
    if not noun and not lex.patterns["slate_cues"].search(body):
        return None
    slate = _slate(body, number, words)
    if slate is not None:
        return _make("slate_size", number.high or number.value, clause, number, body, end,
                     approx, bound, lead=slate)  # fmt: skip
    if noun and _is_catalog(body, number):
        return _make("catalog_size", number.high or number.value, clause, number, body, end,
                     approx, bound)  # fmt: skip
    return None


def _stage_of_count(body, number, mentions) -> tuple[str, str, int, int | None] | None:
    """Which stage a count belongs to and which side of it: (type, in/out/either, where
    the words about it start, where they end when the stage is named after the number),
    or None."""
    lex = _lexicon()
    after = body[number.end :]
    # "1,000 from the two-tower ANN": what that stage returns
    source = re.match(
        r"\s*(?:[a-z]+\s+)?from\s+(?:the\s+|our\s+|an?\s+)?(?:[\w-]+\s+){0,2}?", after, re.I
    )
    if source:
        at = number.end + source.end()
        for mention in mentions:
            if mention.start == at and not mention.verb:
                return mention.type_id, "out", number.start, mention.end
    owner = _owner(body, number, mentions)
    if owner is not None:
        if lex.patterns["catalog_cues"].search(body[owner.end : number.start]):
            return None  # "the ANN covers a catalog of 100M tracks": the catalog
        between = _words(body[owner.end : number.start])
        side = _side(between, owner)
        if _CUT_FROM.match(after):
            side = "in"  # "cuts 2,000 to 400": 2,000 is what it takes
        return owner.type_id, side, owner.start, None
    # "feed 500 candidates to the ranker": what that stage takes
    target = re.match(r"\s*(?:[a-z]+\s+)?(?:to|into)\s+(?:the\s+|our\s+|an?\s+)?", after, re.I)
    if target:
        at = number.end + target.end()
        for mention in mentions:
            if mention.start == at and not mention.verb:
                return mention.type_id, "in", number.start, mention.end
    return None


_CUT_FROM = re.compile(r"^\s*(?:[a-z]+\s+)?(?:down\s+)?(?:to|->|→)\s*~?\d", re.IGNORECASE)
"""A count followed by "to 400" or "-> 400": what the stage takes, cut to the second."""


def _side(between: list[str], owner: _Mention) -> str:
    lex = _lexicon()
    if between[-2:] == ["down", "to"] or (between[-1:] == ["to"] and len(between) > 1):
        return "out"
    for word in reversed(between):
        side = lex.side_of_verb.get(word)
        if side:
            return side
    if owner.verb:
        return owner.side or "either"
    return "either"


def _slate(body, number, words) -> int | None:
    """Where the slate phrase starts when the count is the slate: "show 20 tracks", "a
    slate of 30", "slate size 30"."""
    lex = _lexicon()
    before = body[: number.start]
    cue = re.search(
        r"(?:slate|shelf|page|carousel|screen)(?:\s+size)?(?:\s+(?:of|is|=|:))?\s*(?:about\s+|~)?$",
        before,
        re.IGNORECASE,
    )
    if cue:
        return cue.start()
    prior = _words(before)[-3:]
    for offset, word in enumerate(reversed(prior)):
        if word in lex.sets["show_verbs"] and offset <= 2:
            noun = words[:1] and words[0] in lex.sets["item_nouns"]
            if noun:
                found = before.lower().rfind(word)
                return found
    return None


def _is_catalog(body, number) -> bool:
    lex = _lexicon()
    if lex.patterns["not_catalog"].search(body):
        return False
    if lex.patterns["catalog_cues"].search(body):
        return True
    return number.value >= CATALOG_MIN


# ---- what the board implies --------------------------------------------------------------


@dataclass(frozen=True)
class StageFigure:
    """One funnel stage (or batch job) on the board, with what it takes and keeps."""

    node: str
    type: str
    in_k: int | None
    out_k: int | None
    in_stated: bool
    """Whether the items it takes in come from figures typed on the board (not defaults)."""
    out_stated: bool
    feeders: tuple[str, ...] = ()
    """The stages (or other nodes) whose output it takes in."""


@dataclass
class BoardFigures:
    """What the board implies, figure by figure, with the nodes behind each."""

    stages: dict[str, StageFigure] = field(default_factory=dict)
    slate: list[StageFigure] = field(default_factory=list)
    """The last funnel stages on the request path (they make the slate)."""
    latency_ms: float | None = None
    latency_path: list[str] = field(default_factory=list)
    latency_kind: str = "request"
    replicas: dict[str, tuple[str, int]] = field(default_factory=dict)
    """node -> (type, replicas declared; a batch job's workers)."""
    catalog_size: int | None = None
    first_stages: list[str] = field(default_factory=list)
    peak_qps: float | None = None
    """The design format states no rate (no param holds one): always None today."""
    batch_hours: dict[str, float] = field(default_factory=dict)
    """batch job -> hours its run takes with its workers (capacity.batch_window)."""


def board_figures(design: Design, scenario=None) -> BoardFigures:
    """The figures the board implies, read as the rubric reads the design."""
    from design_framework.rubric.base import Analysed

    catalog_size = scenario.requirements.catalog_size if scenario else None
    analysed = Analysed(
        design,
        **({"catalog_size": catalog_size} if catalog_size else {}),
        mode=scenario.requirements.mode.value if scenario else None,
    )
    graph = analysed.graph
    typed = {c.id: c.params for c in design.components}
    figures = BoardFigures(catalog_size=analysed.catalog_size)
    try:
        flow = funnel_flow(graph, analysed.catalog_size)
        last = final_stages(graph)
    except RequestPathCycle:
        flow, last = {}, []
    request = analysed.request
    stated_out: dict[str, bool] = {}
    for node in flow:
        attrs = graph.nodes[node]
        feeders = tuple(p for p in request.predecessors(node) if p in flow)
        in_k, out_k = flow[node]
        params = typed.get(node)
        if attrs["funnel"] and not any(flow[p][1] for p in feeders):
            in_stated = True  # the catalog (the scenario's) or its own in_k
            if not (params and params.in_k):
                figures.first_stages.append(node)
        else:
            in_stated = bool(feeders) and all(stated_out.get(p, False) for p in feeders)
        if attrs["funnel"] and attrs["out_k"] is not None:
            out_stated = bool(params and params.out_k is not None)
        else:
            out_stated = in_stated
        stated_out[node] = out_stated
        if attrs["funnel"]:
            figures.stages[node] = StageFigure(
                node, attrs["type"], in_k, out_k, in_stated, out_stated, feeders
            )
    figures.slate = [figures.stages[n] for n in last if n in figures.stages]
    _board_latency(figures, analysed, scenario)
    for node in graph:
        attrs = graph.nodes[node]
        params = typed.get(node)
        if attrs.get("replicas"):
            figures.replicas[node] = (attrs["type"], attrs["replicas"])
        elif attrs["type"] == "batch_scoring" and params and params.workers:
            figures.replicas[node] = (attrs["type"], params.workers)
    _batch(figures, analysed, scenario)
    return figures


def _board_latency(figures: BoardFigures, analysed, scenario) -> None:
    events = analysed.mode == "nearline" and bool(analysed.event_path)
    try:
        report = (
            event_critical_path(analysed.graph)
            if events
            else critical_path(analysed.graph, analysed.catalog_size)
        )
    except (RequestPathCycle, nx.NetworkXException):
        return
    if report.path:
        figures.latency_ms = round(report.total_ms, 1)
        figures.latency_path = list(report.path)
        figures.latency_kind = "event" if events else "request"


def _batch(figures: BoardFigures, analysed, scenario) -> None:
    """Hours and items per key of each batch job, from the capacity.batch_window rule's
    own arithmetic (the scenario's users, the job's workers)."""
    if scenario is None or not analysed.of_type("batch_scoring"):
        return
    from design_framework.rubric.registry import get_rule, parse_options, rule_options

    rule = get_rule("capacity.batch_window")
    options = parse_options(rule.RULE.id, rule_options(scenario.rules.get(rule.RULE.id, {})))
    window = scenario.requirements.batch_window_h
    if window is None:  # the rule needs a window to run; the hours do not depend on it
        scenario = scenario.model_copy(
            update={"requirements": scenario.requirements.model_copy(update={"batch_window_h": 24})}
        )
    for finding in rule.check(analysed, scenario, options):
        for job, numbers in (finding.figures.get("jobs") or {}).items():
            items = numbers.get("items_per_key")
            if items:
                figures.batch_hours[job] = numbers["hours"]
                figures.stages[job] = StageFigure(
                    job, "batch_scoring", items, None, True, False, ()
                )


# ---- comparing ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Mismatch:
    """A figure the notes state that the board (or the scenario) contradicts."""

    kind: str
    notes_value: float
    quote: str
    step: str
    start: int
    """Character offset of ``quote`` in the step's notes (for the whiteboard to point at)."""
    board_value: float
    nodes: tuple[str, ...]
    """The board's nodes behind its figure (none when the figure is the scenario's)."""
    against: str
    """``board`` or ``scenario`` (when the board states no such figure)."""
    message: str

    @property
    def unit(self) -> str:
        return UNITS[self.kind]

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "unit": self.unit,
            "notes": {
                "value": self.notes_value,
                "quote": self.quote,
                "step": self.step,
                "start": self.start,
            },  # fmt: skip
            "board": {"value": self.board_value, "nodes": list(self.nodes), "source": self.against},
            "message": self.message,
        }


def agrees(stated: Stated, figure: float) -> bool:
    """Whether a board or scenario figure is what the notes said, allowing rounding."""
    slack = APPROXIMATE if stated.approximate else ROUNDING
    low = stated.low if stated.low is not None else stated.value
    high = stated.high
    if figure < low / slack:
        return False
    return high is None or figure <= high * slack


def mismatches(notes: dict[str, str], design: Design, scenario=None) -> list[Mismatch]:
    """Every disagreement between the notes' figures and the board's (or the scenario's,
    where the board states none), in the order of the notes. See the module docstring for
    what is compared with what."""
    stated = stated_numbers(notes)
    if not stated:
        return []
    board = board_figures(design, scenario)
    found: list[Mismatch] = []
    seen = set()
    for claim in stated:
        for mismatch in _compare(claim, board, scenario):
            key = (mismatch.kind, mismatch.against, mismatch.notes_value, mismatch.nodes)
            if key not in seen:
                seen.add(key)
                found.append(mismatch)
    return found


def _scenario_values(scenario, name: str) -> list[float]:
    """The scenario's figure and any value a curveball sets it to."""
    if scenario is None:
        return []
    values = [getattr(scenario.requirements, name)]
    values += [getattr(ball.changes, name) for ball in scenario.curveballs]
    return [v for v in values if v is not None]


def _compare(claim: Stated, board: BoardFigures, scenario) -> list[Mismatch]:
    compare = {
        "candidates": _compare_candidates,
        "slate_size": _compare_slate,
        "latency_budget": _compare_latency,
        "batch_window": _compare_window,
        "peak_qps": _compare_qps,
        "catalog_size": _compare_catalog,
        "replicas": _compare_replicas,
    }[claim.kind]
    return compare(claim, board, scenario)


def _closest(claim: Stated, options: list[tuple[float, tuple[str, ...], str]]):
    return min(options, key=lambda o: abs(o[0] - claim.value))


def _compare_candidates(claim, board, scenario) -> list[Mismatch]:
    stages = [s for s in board.stages.values() if s.type == claim.stage]
    options: list[tuple[float, tuple[str, ...], str]] = []
    for stage in stages:
        takes = claim.side in ("in", "either") and stage.in_stated and stage.in_k is not None
        if takes and (claim.stage != "candidate_generation" or stage.in_k != board.catalog_size):
            took = f"takes {stage.in_k:,}" + (
                f" from {', '.join(stage.feeders)}" if stage.feeders else ""
            )
            options.append((stage.in_k, (stage.node,), f"{stage.node} {took}"))
        if claim.side in ("out", "either") and stage.out_stated and stage.out_k is not None:
            options.append((stage.out_k, (stage.node,), f"{stage.node} outputs {stage.out_k:,}"))
    outs = [s for s in stages if s.out_stated and s.out_k is not None]
    if claim.side in ("out", "either") and len(outs) > 1:
        total = sum(s.out_k for s in outs)
        names = tuple(s.node for s in outs)
        parts = " + ".join(f"{s.node} {s.out_k:,}" for s in outs)
        options.append((total, names, f"{parts} = {total:,}"))
    if not options or any(agrees(claim, value) for value, _, _ in options):
        return []
    value, nodes, said = _closest(claim, options)
    return [_mismatch(claim, value, nodes, "board", f"board: {said}")]


def _compare_slate(claim, board, scenario) -> list[Mismatch]:
    typed = [s for s in board.slate if s.out_stated and s.out_k is not None]
    if typed:
        kept = sum(s.out_k for s in typed)
        if kept >= (claim.low or claim.value) / ROUNDING:
            return []
        names = tuple(s.node for s in typed)
        said = " + ".join(f"{s.node} {s.out_k:,}" for s in typed)
        return [
            _mismatch(
                claim, kept, names, "board",
                f"board: the last stage keeps {kept:,} ({said}), fewer than the slate",
            )
        ]  # fmt: skip
    values = _scenario_values(scenario, "slate_size")
    if not values or any(agrees(claim, v) for v in values):
        return []
    return [_mismatch(claim, values[0], (), "scenario",
                      f"scenario: a slate of {values[0]:,} (the board types no slate)")]  # fmt: skip


def _compare_latency(claim, board, scenario) -> list[Mismatch]:
    found = []
    budget = claim.high if claim.high is not None else claim.value
    slack = ROUNDING if claim.approximate else 1.0
    if board.latency_ms is not None and board.latency_ms > budget * slack:
        path = " -> ".join(board.latency_path)
        found.append(
            _mismatch(
                claim, board.latency_ms, tuple(board.latency_path), "board",
                f"board: the slowest {board.latency_kind} path takes {board.latency_ms:,.1f} ms "
                f"({path})",
            )
        )  # fmt: skip
    values = _scenario_values(scenario, "latency_budget_ms")
    if values and all(budget > v * ROUNDING for v in values):
        found.append(
            _mismatch(
                claim, values[0], (), "scenario", f"scenario: a {_ms(values[0])} budget"
            )  # fmt: skip
        )
    return found


def _ms(value: float) -> str:
    if value >= 60_000 and value % 60_000 == 0:
        return f"{value / 60_000:g}-minute ({value:,.0f} ms)"
    return f"{value:,g} ms"


def _compare_window(claim, board, scenario) -> list[Mismatch]:
    found = []
    window = claim.high if claim.high is not None else claim.value
    slow = {job: hours for job, hours in board.batch_hours.items() if hours > window}
    if slow:
        job = max(slow, key=slow.get)
        found.append(
            _mismatch(
                claim,
                slow[job],
                (job,),
                "board",
                f"board: {job} takes {slow[job]:,.2f} h with its workers",
            )  # fmt: skip
        )
    values = _scenario_values(scenario, "batch_window_h")
    if values and all(window > v * ROUNDING for v in values):
        found.append(
            _mismatch(claim, values[0], (), "scenario", f"scenario: a {values[0]:g} h window")
        )
    return found


def _compare_qps(claim, board, scenario) -> list[Mismatch]:
    if scenario is None:
        return []
    if claim.basis == "events" and scenario.requirements.mode.value != "nearline":
        return []
    values = _scenario_values(scenario, "peak_qps")
    if not values:
        return []
    slack = APPROXIMATE if claim.approximate else ROUNDING
    for value in values:
        if value / slack <= claim.value <= value * HEADROOM * slack / ROUNDING:
            return []
    return [_mismatch(claim, values[0], (), "scenario",
                      f"scenario: a peak of {values[0]:,} a second (the board states no rate)")]  # fmt: skip


def _compare_catalog(claim, board, scenario) -> list[Mismatch]:
    values = _scenario_values(scenario, "catalog_size")
    if not values or any(agrees(claim, v) for v in values):
        return []
    if any(agrees(claim, v) for v in _scenario_counts(scenario)):
        return []  # a figure the scenario gives for something else (the full catalog)
    drawn = ", ".join(board.first_stages)
    said = f"scenario: {values[0]:,} items" + (f", what {drawn} draw from" if drawn else "")
    return [_mismatch(claim, values[0], tuple(board.first_stages), "scenario", said)]


def _scenario_counts(scenario) -> list[float]:
    """Item counts the scenario's own text gives (its prompt, sources and assumptions)."""
    texts = [scenario.prompt, *scenario.assumptions, *(s.figure for s in scenario.sources)]
    values = []
    for text in texts:
        for number in _numbers(text):
            tail = _words(text[number.end : number.end + 40])[:3]
            if any(w in _lexicon().sets["item_nouns"] or w.startswith("catalog") for w in tail):
                values.append(number.value)
    return values


def _compare_replicas(claim, board, scenario) -> list[Mismatch]:
    declared = {n: count for n, (t, count) in board.replicas.items() if t == claim.stage}
    if not declared or any(agrees(claim, v) for v in declared.values()):
        return []
    node = min(declared, key=lambda n: abs(declared[n] - claim.value))
    what = "workers" if claim.stage == "batch_scoring" else "replicas"
    return [_mismatch(claim, declared[node], (node,), "board",
                      f"board: {node} declares {declared[node]:,} {what}")]  # fmt: skip


def _mismatch(claim: Stated, value, nodes, against, board_text) -> Mismatch:
    title = _step_title(claim.step)
    return Mismatch(
        kind=claim.kind,
        notes_value=claim.value,
        quote=claim.quote,
        step=claim.step,
        start=claim.start,
        board_value=value,
        nodes=tuple(nodes),
        against=against,
        message=f'Notes ({title}): "{claim.quote}"; {board_text}.',
    )


def _step_title(step: str) -> str:
    try:
        return load_framework().get(step).title
    except KeyError:
        return step


def mismatch_line(mismatch: Mismatch) -> str:
    """One disagreement as a line for the Markdown report and the command line."""
    where = f" [{', '.join(mismatch.nodes)}]" if mismatch.nodes else ""
    return f"{mismatch.kind.replace('_', ' ')}: {mismatch.message}{where}"
