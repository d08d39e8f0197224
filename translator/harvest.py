"""People's edits in a variant, found and turned into translation-memory entries.

A variant carries a hash of what the tool wrote (:func:`translator.variants.
edited_by_hand`).  When a person has changed it, :func:`harvest` lines the
edited variant up with the source segments it was made from:

1. blocks by position and kind (the variant's blocks against the source's);
2. within a block, the sentences the tool wrote (the memory's translation of
   each source segment, rendered as the variant shows it) are looked for in
   the edited text, in order; what lies between two sentences found is the
   edited form of the sentence(s) not found.

A sentence whose source segment the memory does not know (the source changed
since the variant was written) is not taken: its translation is made anew.
Text that cannot be attributed (a block added, removed or merged, a sentence
added or deleted) makes the whole variant *uncertain*: nothing is taken and
the caller leaves the file alone.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from .article import Article, Block
from .memory import HumanEntry, normalise
from .protect import PLACEHOLDER, fill, placeholders
from .segment import split_sentences
from .translation import Plan, TranslatedBlock, Unit
from .variants import OWNED, ReadVariant, inline_plain, plain_text


@dataclass
class Harvest:
    """What a person changed in one variant."""

    path: str
    entries: list[HumanEntry] = field(default_factory=list)
    uncertain: str = ""  # why the edits cannot be lined up; empty when they can
    skipped: list[str] = field(default_factory=list)  # edited sentences not taken, and why

    @property
    def certain(self) -> bool:
        return not self.uncertain


def added_fields(read_back: ReadVariant, article: Article) -> str | None:
    """The first metadata field a person added to the variant, or whose value
    they changed from the source's front matter (carried fields); None when
    there is none.  The fields the tool owns are its own to rewrite."""
    carried = article.front_matter if article.format == "markdown" else {}
    for key, value in read_back.meta.items():
        if key in OWNED:
            continue
        if key not in carried or carried[key] != value:
            return str(key)
    return None


def _flat(text: str) -> str:
    return " ".join(text.split())


class _Uncertain(Exception):
    pass


def harvest(
    plan: Plan, known: dict[str, str], read_back: ReadVariant, *, same_markup: bool
) -> Harvest:
    """The edits of *read_back* against *plan*'s segments; *known* holds the
    memory's translation of each (normalised) source segment it knows.
    *same_markup*: a Markdown variant of a Markdown source (inline markup kept)."""
    result = Harvest(read_back.path)
    variant_blocks = list(read_back.blocks)
    source_fmt = plan.article.format
    try:
        for owner, unit in plan.units:
            if owner is None:  # a front-matter title: the variant's title field
                if unit is not None:
                    title = read_back.meta.get("title")
                    edited = _flat(str(title)) if title is not None else ""
                    _block(plan, unit, None, edited, known, same_markup, source_fmt, result)
                continue
            if not variant_blocks:
                raise _Uncertain("the variant has fewer blocks than the source")
            kind, text, _line = variant_blocks.pop(0)
            if kind != owner.kind:
                raise _Uncertain(f"a {kind} block stands where the source has a {owner.kind}")
            if unit is None:  # code: copied, never translated
                continue
            if read_back.fmt == "md" and not same_markup:
                text = inline_plain(text, "markdown")
            _block(plan, unit, owner, _flat(text), known, same_markup, source_fmt, result)
        if variant_blocks:
            raise _Uncertain("the variant has more blocks than the source")
    except _Uncertain as exc:
        return Harvest(read_back.path, uncertain=str(exc))
    # one entry per segment: a title in the front matter and as a heading is one
    by_source = {entry.source: entry for entry in result.entries}
    result.entries = list(by_source.values())
    return result


def _block(
    plan: Plan,
    unit: Unit,
    owner: Block | None,
    edited: str,
    known: dict[str, str],
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

    expected = [shown(known[normalise(s)]) if normalise(s) in known else None for s in sources]
    written = [e for e in expected if e is not None]
    if len(written) == len(expected) and edited in (
        _flat(" ".join(written)),
        _flat("".join(written)),  # a language written without spaces
    ):
        return
    pos = 0
    pending: list[int] = []
    for index, text in enumerate(expected):
        at = edited.find(text, pos) if text else -1
        if text is None or at < 0:
            pending.append(index)
            continue
        _settle(pending, edited[pos:at].strip(), sources, expected, unit, plan, result)
        pos = at + len(text)
        pending = []
    _settle(pending, edited[pos:].strip(), sources, expected, unit, plan, result)


def _settle(
    pending: list[int],
    gap: str,
    sources: list[str],
    expected: list[str | None],
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
        if _flat(piece) == expected[index]:
            continue
        masked = _masked(piece, sources[index], unit)
        if masked is None:
            result.skipped.append(f"{piece[:60]!r}: a protected span (URL, code, markup) is gone")
            continue
        result.entries.append(HumanEntry(normalise(sources[index]), masked, note=result.path))


def _masked(edited: str, source: str, unit: Unit) -> str | None:
    """*edited* with the source segment's protected spans put back as placeholders,
    or None when one of them is no longer there.  An HTML source's inline tags
    are not in its (plain-text) variants, so they may be missing: the
    translation is stored without them, and rendering adds them back at the
    end of the block, where a plain-text variant drops them again."""
    out = edited
    for index in placeholders(source):
        span = unit.masked.spans[index]
        shown = span if not unit.html else html.unescape(span)
        at = out.find(shown)
        if at < 0 and unit.html and span.startswith("<"):
            continue  # an HTML tag, which a variant never shows: not the person's to keep
        if at < 0:
            return None
        out = out[:at] + PLACEHOLDER.format(index) + out[at + len(shown) :]
    return out
