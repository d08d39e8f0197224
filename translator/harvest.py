"""People's edits in a variant, found and turned into translation-memory entries.

A variant carries a hash of what the tool wrote (:func:`translator.variants.
edited_by_hand`).  When a person has changed it, :func:`harvest` lines the
edited variant up with the source segments it was made from:

1. blocks by position and kind (the variant's blocks against the source's);
2. within a block, the sentences the tool wrote (each source segment's
   translation as written, rendered as the variant shows it) are looked for in
   the edited text, in order; what lies between two sentences found is the
   edited form of the sentence(s) not found;
3. a block whose sentences no longer line up (merged, split, added or
   deleted) is kept whole: one human translation of the source block.

A sentence whose source segment the memory does not know (the source changed
since the variant was written) is not taken: its translation is made anew.
Only blocks added, removed or reordered make the whole variant *uncertain*:
nothing is taken and the caller leaves the file alone.

:func:`adopt` takes a translation a person wrote at a variant's path (no
metadata of the tool's) the same way, block by block.  Every entry passes the
QA checks machine text gets (:func:`translator.qa.entry_problem`) or is left
out and reported.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from . import codec, qa
from .article import Article, Block
from .memory import BLOCK, HumanEntry, normalise, place_scope
from .people import places
from .project import find_project
from .protect import fill, placeholders
from .segment import split_sentences
from .translation import READABLE_FIELDS, Plan, TranslatedBlock, Unit
from .variants import OWNED, ReadVariant, inline_plain, plain_text


@dataclass
class Harvest:
    """What a person changed in one variant."""

    path: str
    entries: list[HumanEntry] = field(default_factory=list)
    uncertain: str = ""  # why the edits cannot be lined up; empty when they can
    skipped: list[str] = field(default_factory=list)  # edited sentences not taken, and why
    markup: bool = True  # the variant shows the source's inline markup (QA compares it)
    drafts: list[str | None] = field(default_factory=list)  # machine drafts, by segment
    enforce: frozenset[str] | None = None  # the project's enforced checks, once known
    # each segment's place among its sentence's occurrences (people.places), once known
    places: dict[int, int] | None = None

    @property
    def certain(self) -> bool:
        return not self.uncertain


def added_fields(read_back: ReadVariant, article: Article) -> str | None:
    """The first metadata field a person added to the variant, or whose value
    they changed from the source's front matter (carried fields); None when
    there is none.  The fields the tool owns are its own to rewrite."""
    carried = article.front_matter if article.format == "markdown" else {}
    for key, value in read_back.meta.items():
        if key in OWNED or key in READABLE_FIELDS:
            continue  # the tool's own, or translated (a person's edit is harvested)
        if key not in carried or carried[key] != value:
            return str(key)
    return None


_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")


def _flat(text: str) -> str:
    """*text* on one line, runs of ASCII white space as one space; a no-break
    space (U+00A0, U+202F, U+2009: French typography) is the person's, kept."""
    return _ASCII_SPACE.sub(" ", text).strip(" ")


def edits_outside_sentences(text: str, article: Article, lead: str | None) -> str | None:
    """What a person changed in a Markdown variant (*text*, as read) outside its
    sentences, which a rewrite would lose: the code, the markers and every other
    byte of the source (for a Markdown source, whose variant is written in
    place), or the published line (*lead*, as the tool writes it).  None when
    nothing was; what it was, in words, else."""
    from .readers import markdown as md_reader

    variant = md_reader.parse("variant", text)
    variant.source = text
    body = variant.body
    blocks = [b for b in variant.blocks if b.kind != "code" and b.start >= 0]
    if lead is not None:
        first = next((b for b in blocks), None)
        if first is None or first.text != lead:
            return "the published line"
        blocks = blocks[1:]
        body = body[body.index(first.text) + len(first.text) :]
    if article.format != "markdown":
        return None
    if _skeleton(body, blocks, len(text) - len(body)) != _skeleton(
        article.body, article.blocks, len(article.source) - len(article.body)
    ):
        return "text outside its sentences (code, markers, a line the source has)"
    return None


def _skeleton(body: str, blocks: list[Block], offset: int) -> str:
    """*body* without its blocks' texts: every byte a variant copies from its source."""
    out, pos = [], 0
    for block in sorted(
        (b for b in blocks if b.kind != "code" and b.start >= 0), key=lambda b: b.start
    ):
        start, end = block.start - offset, block.end - offset
        if start < pos:
            continue
        out.append(body[pos:start])
        pos = end
    out.append(body[pos:])
    return _ASCII_SPACE.sub(" ", "\u0000".join(out)).strip()


class _Uncertain(Exception):
    pass


def harvest(
    plan: Plan,
    written: list[str | None],
    read_back: ReadVariant,
    *,
    same_markup: bool,
    drafts: list[str | None] | None = None,
) -> Harvest:
    """The edits of *read_back* against *plan*'s segments; *written* holds, by
    segment index, the translation the variant was written with (None where the
    memory no longer knows it), *drafts* the machine drafts the memory holds:
    text that is a machine draft is never taken for a person's, even where a
    person's translation arrived (an import) after the variant was written.
    *same_markup*: a Markdown variant of a Markdown source (inline markup kept)."""
    result = Harvest(read_back.path, markup=same_markup)
    result.drafts = drafts or [None] * len(plan.segments)
    source_fmt = plan.article.format
    try:
        items = list(_paired(plan, read_back, same_markup, "the variant"))
        _in_place(plan, items, written, result.drafts)
        for owner, unit, text in items:
            edited = _flat(str(text)) if text is not None else ""
            _block(plan, unit, owner, edited, written, same_markup, source_fmt, result)
    except _Uncertain as exc:
        return Harvest(read_back.path, uncertain=str(exc))
    return _one_per_source(result)


def _paired(
    plan: Plan, variant: ReadVariant, same_markup: bool, name: str
) -> Iterator[tuple[Block | None, Unit, Any]]:
    """Each translatable source unit with what *variant* holds for it: a
    front-matter title's field (its value, None when absent), else the block at
    the same position, which must be of the same kind (a Markdown variant of a
    source with other markup as plain text).  Code blocks are passed over.
    Raises _Uncertain (naming the variant *name*) when the blocks do not line up."""
    at = 0
    for owner, unit in plan.units:
        if owner is None:  # a front-matter value: the variant's field of that key
            if unit is not None:
                yield None, unit, variant.meta.get(unit.field)
            continue
        if at >= len(variant.blocks):
            raise _Uncertain(f"{name} has fewer blocks than the source")
        kind, text, _line = variant.blocks[at]
        at += 1
        if kind != owner.kind:
            raise _Uncertain(f"a {kind} block stands where the source has a {owner.kind}")
        if unit is None:  # code: copied, never translated
            continue
        if variant.fmt == "md" and not same_markup:
            text = inline_plain(text, "markdown")
        yield owner, unit, text
    if at < len(variant.blocks):
        raise _Uncertain(f"{name} has more blocks than the source")


_WORD = re.compile(r"\w+")
# A block reads as another's translation (moved) when that block explains at
# least MOVED_SHARE of its words (weighted by rarity among the article's
# blocks), and twice the share its own block does, and more.
MOVED_SHARE = 0.1
MOVED_MARGIN = 0.1


def _in_place(
    plan: Plan,
    items: list[tuple[Block | None, Unit, Any]],
    written: list[str | None],
    drafts: list[str | None],
) -> None:
    """Raise _Uncertain when an edited block stands where the source has
    another: it reads (its words, weighted by how rare they are among the
    article's blocks) as the translation of a source block elsewhere (the
    sentences written there, its machine draft, its names and numbers).  Blocks
    swapped in the variant are never taken for each other's translations."""
    body = [(unit, text) for owner, unit, text in items if owner is not None]
    if len(body) < 2:
        return
    holders: dict[str, list[int]] = {}
    for number, (unit, _text) in enumerate(body):
        span = range(unit.first, unit.first + len(unit.sentences))
        parts = [plan.segments[i] for i in span]
        parts += [t for i in span for t in (written[i], drafts[i]) if t]
        for word in set(_WORD.findall(fill(" ".join(parts), unit.masked).casefold())):
            holders.setdefault(word, []).append(number)
    for position, (unit, text) in enumerate(body):
        span = range(unit.first, unit.first + len(unit.sentences))
        shown = [t for i in span if (t := written[i]) is not None]
        if _flat(fill(" ".join(shown), unit.masked)) == _flat(str(text or "")):
            continue  # as written: in its place
        best = _reads_as(str(text or ""), position, holders, len(body))
        if best is not None:
            raise _Uncertain(
                f"a block was moved: {_flat(str(text))[:50]!r} stands where the source has "
                f"{_source_text(plan, unit)[:40]!r} and reads as the translation of "
                f"{_source_text(plan, body[best][0])[:40]!r}"
            )


def _reads_as(text: str, position: int, holders: dict[str, list[int]], count: int) -> int | None:
    """The block other than *position* that *text* reads as the translation
    of, when one explains clearly more of its words than its own; else None."""
    weights: dict[int, float] = {}
    total = 0.0
    for word in set(_WORD.findall(text.casefold())):
        having = holders.get(word, ())
        weight = math.log((count + 1) / (len(having) + 0.5))
        total += weight
        for number in having:
            weights[number] = weights.get(number, 0.0) + weight
    best = max((n for n in weights if n != position), key=weights.__getitem__, default=None)
    if best is None or total <= 0:
        return None
    own, other = weights.get(position, 0.0) / total, weights[best] / total
    return best if other >= MOVED_SHARE and other >= 2 * own + MOVED_MARGIN else None


def _source_text(plan: Plan, unit: Unit) -> str:
    return _flat(
        fill(" ".join(plan.segments[unit.first : unit.first + len(unit.sentences)]), unit.masked)
    )


def _one_per_source(result: Harvest) -> Harvest:
    """One entry per segment and place (a sentence the article repeats has a
    place per occurrence: :func:`translator.people.places`)."""
    by_source = {(entry.scope, entry.source): entry for entry in result.entries}
    result.entries = list(by_source.values())
    return result


def _enforced(result: Harvest, plan: Plan) -> frozenset[str]:
    """The checks the article's project enforces (read once per harvest)."""
    if result.enforce is None:
        result.enforce = find_project([plan.article.path]).enforce
    return result.enforce


def _place(result: Harvest, plan: Plan, index: int) -> str:
    """The scope of a person's translation of segment *index*: its place in the
    article (a sentence said twice may be translated twice, differently)."""
    if result.places is None:
        result.places = places(plan)
    return place_scope(result.places.get(index, 1))


def _keep(result: Harvest, plan: Plan, unit: Unit, source: str, masked: str, scope: str) -> None:
    """Add the entry, or (when the QA checks machine text gets find an error in
    it) leave it out and say why."""
    problem = qa.entry_problem(
        fill(source, unit.masked),
        fill(masked, unit.masked),
        plan.source_lang,
        plan.target,
        markup=result.markup and not unit.html,
        enforce=_enforced(result, plan),
    )
    if problem is not None:
        result.skipped.append(f"{fill(masked, unit.masked)[:60]!r}: {problem}")
        return
    result.entries.append(HumanEntry(normalise(source), masked, note=result.path, scope=scope))


def _block(
    plan: Plan,
    unit: Unit,
    owner: Block | None,
    edited: str,
    written: list[str | None],
    same_markup: bool,
    source_fmt: str,
    result: Harvest,
) -> None:
    sources = plan.segments[unit.first : unit.first + len(unit.sentences)]

    def shown(target: str) -> str:
        """A segment's translation as the variant shows it."""
        text = html.escape(target, quote=False) if unit.html else target
        text = fill(text, unit.masked)
        if same_markup or owner is None:
            return _flat(text)
        return _flat(plain_text(TranslatedBlock(owner, text), source_fmt))

    expected = [
        shown(t) if t is not None else None
        for t in written[unit.first : unit.first + len(unit.sentences)]
    ]
    machine = [
        shown(t) if t is not None else None
        for t in result.drafts[unit.first : unit.first + len(unit.sentences)]
    ]
    if None not in machine and edited in (
        _flat(" ".join(m for m in machine if m)),
        _flat("".join(m for m in machine if m)),
    ):
        return  # the machine's text, as written before a person's arrived: nothing to take
    done = [e for e in expected if e is not None]
    if len(done) == len(expected) and edited in (
        _flat(" ".join(done)),
        _flat("".join(done)),  # a language written without spaces
    ):
        return
    if result.places is None:
        result.places = places(plan)
    found = Harvest(result.path, markup=result.markup, enforce=result.enforce, places=result.places)
    try:
        _sentences(edited, expected, machine, sources, unit, plan, found)
    except _Uncertain:
        if len(sources) < 2:
            raise
        if None in expected:
            # its source changed since, and its sentences no longer line up:
            # nothing to keep the block against; it is translated anew, and the
            # caller keeps a copy of the edited file
            return
        _whole_block(plan, unit, edited, result)
        return
    result.entries.extend(found.entries)
    result.skipped.extend(found.skipped)
    result.enforce = found.enforce


def _whole_block(plan: Plan, unit: Unit, edited: str, result: Harvest) -> None:
    """*edited* as one human translation of the whole block (or of its one sentence)."""
    sources = plan.segments[unit.first : unit.first + len(unit.sentences)]
    joined = " ".join(sources)
    masked = _masked(edited, joined, unit)
    if masked is None:
        result.skipped.append(f"{edited[:60]!r}: a protected span (URL, code, markup) is gone")
        return
    scope = BLOCK if len(sources) > 1 else _place(result, plan, unit.first)
    _keep(result, plan, unit, joined, masked, scope)


def adopt(plan: Plan, person: ReadVariant, *, same_markup: bool) -> Harvest:
    """A translation a person wrote at the variant's path, block by block: each
    block (and a front-matter title) one human translation of the source's.
    Uncertain when its blocks do not line up with the source's."""
    result = Harvest(person.path, markup=same_markup)
    try:
        for owner, unit, text in _paired(plan, person, same_markup, "it"):
            if owner is None and (not isinstance(text, str) or not text.strip()):
                raise _Uncertain("it has no title where the source has one")
            _whole_block(plan, unit, _flat(text), result)
    except _Uncertain as exc:
        return Harvest(person.path, uncertain=str(exc))
    return _one_per_source(result)


def _sentences(
    edited: str,
    expected: list[str | None],
    machine: list[str | None],
    sources: list[str],
    unit: Unit,
    plan: Plan,
    result: Harvest,
) -> None:
    """Line the edited block up with the sentences written, in order."""
    pos = 0
    pending: list[int] = []
    for index, text in enumerate(expected):
        at = edited.find(text, pos) if text else -1
        if text is None or at < 0:
            pending.append(index)
            continue
        _settle(pending, edited[pos:at].strip(), sources, expected, machine, unit, plan, result)
        pos = at + len(text)
        pending = []
    _settle(pending, edited[pos:].strip(), sources, expected, machine, unit, plan, result)


def _settle(
    pending: list[int],
    gap: str,
    sources: list[str],
    expected: list[str | None],
    machine: list[str | None],
    unit: Unit,
    plan: Plan,
    result: Harvest,
) -> None:
    """Give the text between two sentences found to the sentences not found."""
    if not pending:
        if gap:
            raise _Uncertain(f"text was added: {gap[:60]!r}")
        return
    if not gap:
        if all(expected[i] is None for i in pending):
            return
        raise _Uncertain("a sentence was deleted")
    pieces = [gap] if len(pending) == 1 else split_sentences(gap, plan.target)
    if len(pieces) != len(pending):
        if all(expected[i] is None for i in pending):
            return
        raise _Uncertain(f"sentences were merged or split: {gap[:60]!r}")
    for index, piece in zip(pending, pieces, strict=True):
        if expected[index] is None:
            continue  # its source changed: translated anew
        if _flat(piece) in (expected[index], machine[index]):
            continue  # as written, or the machine's draft: not a person's text
        masked = _masked(piece, sources[index], unit)
        if masked is None:
            result.skipped.append(f"{piece[:60]!r}: a protected span (URL, code, markup) is gone")
            continue
        _keep(result, plan, unit, sources[index], masked, _place(result, plan, unit.first + index))


def _masked(edited: str, source: str, unit: Unit) -> str | None:
    """*edited* with the source segment's protected spans put back as placeholders,
    or None when one of them is no longer there.  An HTML source's inline tags
    are not in its (plain-text) variants, so they may be missing: the
    translation is stored without them, and rendering adds them back at the
    end of the block, where a plain-text variant drops them again."""
    spans: dict[int, str] = {}
    optional: set[int] = set()
    for index in placeholders(source):
        span = unit.masked.spans[index]
        spans[index] = span if not unit.html else html.unescape(span)
        if unit.html and span.startswith("<"):
            optional.add(index)  # an HTML tag, which a variant never shows
    return codec.put_back(edited, spans, optional)
