"""People's translations: which one answers a segment of a given article.

A person's translation belongs to a locale and to the article it was made in
(:mod:`translator.memory`).  For one article and locale:

1. the article's own translation of a block (a paragraph whose sentences a
   person merged or split) answers the whole block, unless the article has a
   newer translation of one of its sentences;
2. else each sentence takes the article's own translation of it (in-context,
   as CAT tools have it): of its place when a person translated that place
   apart (a sentence the article repeats: :func:`places`), else of its first;
3. else another article's translation of the same sentence in the same locale
   (the newest, when several differ); then another article's translation of
   the whole block;
4. what is left goes to the machine drafts.

Two articles never overwrite each other's text: each keeps its own entries.
Sentences whose human translations differ between articles are reported
*inconsistent*.

A sentence whose source changed since a person translated it gets a machine
draft; the article's own translation of the old source stays in the memory
and is offered as its *previous* translation (the closest old source by
similarity, each used once), for export and review to show.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any

from .article import Article
from .memory import BLOCK, SEGMENT, HumanRow, Memory, normalise, place_scope
from .project import Project
from .translation import Plan, Unit


def article_context(article: Article, project: Project) -> str:
    """The name an article's human translations are kept under: its Hugo
    ``translationKey`` (or ``translation_key``) when it sets one, else its path
    in the project."""
    for key in ("translationKey", "translation_key"):
        value = article.front_matter.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return project.article_id(article.path)


def block_source(plan: Plan, unit: Unit) -> str:
    """The normalised source of a whole block: its sentences, joined."""
    return normalise(" ".join(plan.segments[unit.first : unit.first + len(unit.sentences)]))


def places(plan: Plan) -> dict[int, int]:
    """Each non-blank segment's place among the article's occurrences of that
    sentence (1 for the first, 2 for the second …), in the order export
    numbers its units (``sX``, ``sX-2``)."""
    seen: Counter[str] = Counter()
    out: dict[int, int] = {}
    for _owner, unit in plan.units:
        if unit is None:
            continue
        for index in range(unit.first, unit.first + len(unit.sentences)):
            if plan.segments[index].strip():
                key = normalise(plan.segments[index])
                seen[key] += 1
                out[index] = seen[key]
    return out


@dataclass
class Answers:
    """People's answers for one article and locale, by segment index."""

    by_index: dict[int, str] = field(default_factory=dict)
    rows: dict[int, HumanRow] = field(default_factory=dict)  # the entry behind each answer
    inconsistent: set[str] = field(default_factory=set)  # normalised sentences
    # segments without a person's answer whose old source a person translated
    previous: dict[int, HumanRow] = field(default_factory=dict)

    def human_segments(self, plan: Plan) -> int:
        """How many distinct non-blank segments of *plan* people answered."""
        return len({normalise(plan.segments[i]) for i in self.by_index if plan.segments[i].strip()})

    def counts(self, plan: Plan) -> dict[str, Any]:
        """The variant's ``review`` field: its segments, people's, inconsistent ones."""
        segments = {normalise(s) for s in plan.segments if s.strip()}
        out: dict[str, Any] = {"segments": len(segments), "human": self.human_segments(plan)}
        if self.inconsistent & segments:
            out["inconsistent"] = len(self.inconsistent & segments)
        if self.previous:
            out["needs_review"] = len(self.previous)
        return out


def _newest(rows: list[HumanRow]) -> HumanRow | None:
    return max(rows, key=lambda r: r.created) if rows else None


def answers_for(plan: Plan, store: Memory | None, locale: str, article: str) -> Answers:
    """People's answers to *plan*'s segments in *locale*, for the article named
    *article* (see the module's docstring for the order)."""
    answers = Answers()
    units = [u for _owner, u in plan.units if u is not None and u.sentences]
    if store is None or not units:
        return answers
    keys = [normalise(s) for s in plan.segments if s.strip()]
    keys += [block_source(plan, u) for u in units if len(u.sentences) > 1]
    rows = store.human_rows(keys, plan.source_lang, locale.lower())
    if rows:
        _answer(plan, units, rows, article, answers)
    _previous(plan, store.article_rows(plan.source_lang, locale.lower(), article), keys, answers)
    return answers


MIN_SIMILARITY = 0.6  # how close an old source must be to offer its translation


SHORTLIST = 5  # old sources compared character by character with each segment


class _Shortlist:
    """An index of the words of old sources: for a segment, the few old sources
    that share the most of its words, in time linear in the text (comparing
    every segment with every old source was quadratic: 58 s on a 400-sentence
    article a person had edited throughout)."""

    def __init__(self, sources: list[str]) -> None:
        self.index: dict[str, list[int]] = {}
        for number, source in enumerate(sources):
            for word in set(_WORDS.findall(source.casefold())):
                self.index.setdefault(word, []).append(number)
        # a word most old sources hold tells nothing apart: left out of the count
        self.common = max(8, len(sources) // 4)

    def closest(self, text: str) -> list[int]:
        counts: Counter[int] = Counter()
        for word in set(_WORDS.findall(text.casefold())):
            holders = self.index.get(word, ())
            if len(holders) <= self.common:
                counts.update(holders)
        return [number for number, _ in counts.most_common(SHORTLIST)]


_WORDS = re.compile(r"\w+")


def _previous(plan: Plan, mine: list[HumanRow], keys: list[str], answers: Answers) -> None:
    """Offer the article's translations of sources it no longer has to the
    unanswered segments they are closest to."""
    current = set(keys)
    orphans = [row for row in mine if row.source not in current]
    if not orphans:
        return
    shortlist = _Shortlist([row.source for row in orphans])
    pairs = []
    for index, segment in enumerate(plan.segments):
        if not segment.strip() or index in answers.by_index:
            continue
        text = normalise(segment)
        for number in shortlist.closest(text):
            matcher = SequenceMatcher(None, text, orphans[number].source, autojunk=False)
            if (
                matcher.real_quick_ratio() < MIN_SIMILARITY
                or matcher.quick_ratio() < MIN_SIMILARITY
            ):
                continue  # the bounds say it cannot reach the threshold
            ratio = matcher.ratio()
            if ratio >= MIN_SIMILARITY:
                pairs.append((ratio, index, number))
    used: set[int] = set()
    for _ratio, index, number in sorted(pairs, key=lambda p: (-p[0], p[1], p[2])):
        if index in answers.previous or number in used:
            continue
        answers.previous[index] = orphans[number]
        used.add(number)


def _answer(
    plan: Plan, units: list[Unit], rows: list[HumanRow], article: str, answers: Answers
) -> None:
    own: dict[tuple[str, str], HumanRow] = {}
    others: dict[tuple[str, str], list[HumanRow]] = {}
    targets: dict[str, set[str]] = {}
    for row in rows:  # oldest first: the newest of each kind wins
        if row.article == article:
            own[(row.scope, row.source)] = row
        elif row.scope in (SEGMENT, BLOCK):  # another article's places are its own
            others.setdefault((row.scope, row.source), []).append(row)
        if row.scope == SEGMENT:
            targets.setdefault(row.source, set()).add(" ".join(row.target.split()))
    answers.inconsistent = {source for source, seen in targets.items() if len(seen) > 1}
    where = places(plan)
    for unit in units:
        _answer_unit(plan, unit, own, others, answers, where)


def _answer_unit(
    plan: Plan,
    unit: Unit,
    own: dict[tuple[str, str], HumanRow],
    others: dict[tuple[str, str], list[HumanRow]],
    answers: Answers,
    where: dict[int, int],
) -> None:
    indexes = [i for i in range(unit.first, unit.first + len(unit.sentences))]
    sentences = [normalise(plan.segments[i]) for i in indexes]
    whole = block_source(plan, unit) if len(indexes) > 1 else None
    mine = [
        own.get((place_scope(where.get(i, 1)), s)) or own.get((SEGMENT, s))
        for i, s in zip(indexes, sentences, strict=True)
    ]
    block = own.get((BLOCK, whole)) if whole else None
    if block is not None and all(r.created <= block.created for r in mine if r is not None):
        _give_block(indexes, block, answers)
        return
    for index, sentence, row in zip(indexes, sentences, mine, strict=True):
        row = row or _newest(others.get((SEGMENT, sentence), []))
        if row is not None:
            answers.by_index[index] = row.target
            answers.rows[index] = row
    if whole and not any(i in answers.by_index for i in indexes):
        shared = _newest(others.get((BLOCK, whole), []))
        if shared is not None:
            _give_block(indexes, shared, answers)


def _give_block(indexes: list[int], row: HumanRow, answers: Answers) -> None:
    """The block's text answers its first sentence; the others are empty."""
    for position, index in enumerate(indexes):
        answers.by_index[index] = row.target if position == 0 else ""
        answers.rows[index] = row
