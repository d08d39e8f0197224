"""A person's work at a variant's path, taken in before the tool writes there.

:func:`take_what_a_person_left` is called by :mod:`translator.localize` for
each destination before anything is translated:

* a variant the tool wrote and a person edited since (:func:`take_edits`): its
  edits are lined up with the source (:mod:`translator.harvest`) and stored in
  the memory as that article's and locale's human translations
  (:mod:`translator.people` answers with them), so that rewriting it keeps
  them; what cannot be kept (text outside sentences, a moved block, an unsafe
  edit) leaves the file as it is, with one line saying why;
* a file the tool did not write (:func:`take_person_file`): a person's own
  translation, taken in block by block when its blocks line up with the
  source's, the original kept beside the memory (:func:`keep_edited_copy`).

``--force`` rewrites either, keeping a copy.  Localize orchestrates; this
module, harvest and people own what a person wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .dates import parse_option
from .errors import InputError
from .fsutil import keep_copy
from .harvest import added_fields, adopt, edits_outside_sentences, harvest
from .locales import Target
from .memory import HumanEntry, normalise
from .notices import Notice
from .people import answers_for
from .project import find_project, user_cache_dir
from .translation import Plan
from .variants import (
    REFUSED_FIX,
    ReadVariant,
    has_lead,
    keeps_inline_markup,
    md_escape,
    published_line,
    read_person_file,
    read_variant,
    variant_edited,
    written_by_tool,
)

if TYPE_CHECKING:
    from .glossary import Glossary, TermRules
    from .memory import SegmentMemory


class _Options(Protocol):
    @property
    def force(self) -> bool: ...
    @property
    def glossary(self) -> Glossary | None: ...


class _Report(Protocol):
    failures: list[tuple[str, str]]
    notices: list[Notice]
    human_segments: int


class Run(Protocol):
    """What of a localize run (:class:`translator.localize.Run`) taking a
    person's work in reads, and reports to."""

    @property
    def options(self) -> _Options: ...
    @property
    def memory(self) -> SegmentMemory: ...
    @property
    def memory_file(self) -> Path | None: ...
    @property
    def report(self) -> _Report: ...


def _terms(run: Run, source: str, target: Target) -> TermRules | None:
    glossary = run.options.glossary
    return glossary.rules(source, target) if glossary is not None else None


def take_what_a_person_left(
    plan: Plan, dest: Path, planned: str | None, target: Target, context: str, run: Run
) -> bool:
    """A person's own file at *dest*, or their edits of the variant, into the
    memory; False when that cannot be done (reported, the file left alone)."""
    person = planned is not None and not dest.is_symlink() and dest.is_file()
    if person and not written_by_tool(dest):
        return take_person_file(plan, dest, target, context, run)
    if variant_edited(dest):
        return take_edits(plan, dest, target, context, run)
    return True


def _outside_sentences(read_back: ReadVariant, plan: Plan, target: Target) -> str | None:
    """What a person changed in a Markdown variant outside its sentences (the
    published line, code, markers), or None."""
    if read_back.fmt != "md":
        return None
    meta = read_back.meta
    recorded = meta.get("date")
    pub = published_line(
        target,
        plan.source_lang,
        parse_option(str(recorded)) if recorded else None,
        find_project([plan.article.path]).root,
    )
    if recorded and meta.get("date_display") != pub.date_display:
        return "its field date_display"
    lead = md_escape(pub.text) if has_lead(str(meta.get("source") or ""), meta) else None
    return edits_outside_sentences(read_back.text, plan.article, lead)


def take_edits(plan: Plan, dest: Path, target: Target, context: str, run: Run) -> bool:
    """A person edited the variant at *dest*: store their segments in the memory
    as human translations of this article and locale, so that rewriting it keeps
    them.  False (the file is left as it is, the failure reported) when the
    edits cannot all be kept; with ``--force`` a copy of the edited file is
    kept beside the memory and the variant is rewritten."""
    report = run.report
    if run.options.force:
        copy = keep_edited_copy(dest, run.memory_file)
        report.notices.append(
            Notice(f"edited by hand; --force rewrites it, a copy is in {copy}", str(dest))
        )
        return True

    def refuse(why: str) -> bool:
        report.failures.append(
            (plan.article.path, f"{dest}: edited by hand and {why}; " + REFUSED_FIX)
        )
        return False

    try:
        read_back = read_variant(str(dest))
    except (InputError, OSError, ValueError) as exc:
        return refuse(f"cannot be read back ({exc})")
    if run.memory.store is None:
        return refuse(
            "its edits can only be lined up and kept through the translation memory (--no-cache)"
        )
    source_unchanged = str(read_back.meta.get("source_sha256")) == plan.article.sha256
    if plan.source_lang == plan.target and not source_unchanged:
        # A copy's drafts are the source's own segments, but only the source it
        # was copied from: after a change, an edit cannot be told from it.
        return refuse("it is a copy of a source in its own language, whose text has changed")
    written, drafts = _as_written(plan, target, context, run)
    unknown = _unknown_segments(plan, written, source_unchanged)
    if unknown is None:
        return refuse("the translation memory no longer holds the segments it was made from")
    extra = added_fields(read_back, plan.article)
    if extra:
        return refuse(f"its field {extra} was added or changed by hand, which a rewrite would lose")
    outside = _outside_sentences(read_back, plan, target)
    if outside and source_unchanged:
        return refuse(f"{outside} was changed by hand, which a rewrite would lose")
    same_markup = keeps_inline_markup(read_back.fmt, plan.article)
    found = harvest(plan, written, read_back, same_markup=same_markup, drafts=drafts)
    if not found.certain:
        return refuse(f"its structure no longer matches the source ({found.uncertain})")
    if found.skipped:
        return refuse("some edits cannot be kept: " + "; ".join(found.skipped))
    if unknown or outside:
        _keep_what_may_be_lost(dest, run)
    return _store_people(found.entries, plan, dest, target, context, run, refuse, "edited")


def _unknown_segments(
    plan: Plan, written: list[str | None], source_unchanged: bool
) -> set[str] | None:
    """The source's segments the memory does not know (taken for sentences the
    source changed since), or None when that cannot hold: the source did not
    change, or the memory has lost more than half of what it knew."""
    wanted = {normalise(s) for s in plan.segments if s.strip()}
    unknown = {
        normalise(s) for s, w in zip(plan.segments, written, strict=True) if s.strip() and w is None
    }
    if (source_unchanged and unknown) or len(unknown) * 2 > len(wanted):
        return None
    return unknown


def _keep_what_may_be_lost(dest: Path, run: Run) -> None:
    """Sentences whose source changed since get a new draft, and what differs
    outside sentences may be the source's change or a person's: whatever a
    person wrote there stays in a copy of the file, named in a notice."""
    copy = keep_edited_copy(dest, run.memory_file)
    run.report.notices.append(
        Notice(
            "edited by hand while its source changed; the sentences whose source "
            f"changed are translated anew, and the edited file is kept in {copy}",
            str(dest),
        )
    )


def _as_written(
    plan: Plan, target: Target, context: str, run: Run
) -> tuple[list[str | None], list[str | None]]:
    """Each segment's translation as the variant was written with it (people's
    for this article and locale, else the memory's machine draft, a copy's own
    text; None where the memory no longer knows it), and the machine drafts
    alone, by segment index."""
    people = answers_for(plan, run.memory.store, target.tag, context)
    machine = run.memory.peek(
        plan.segments, plan.source_lang, plan.target, _terms(run, plan.source_lang, target)
    )
    if plan.source_lang == plan.target:
        machine = {**copies(plan.segments), **machine}
    drafts = [machine.get(normalise(s)) for s in plan.segments]
    written = [people.by_index.get(i, draft) for i, draft in enumerate(drafts)]
    return written, drafts


def _store_people(
    entries: list[HumanEntry],
    plan: Plan,
    dest: Path,
    target: Target,
    context: str,
    run: Run,
    refuse: Callable[[str], bool],
    how: str,
) -> bool:
    if not entries:
        return True
    error = run.memory.keep_human(
        entries, plan.source_lang, plan.target, locale=target.tag, article=context
    )
    if error:
        return refuse(f"its text cannot be saved ({error})")
    # a sentence given one text in several places (a title in the front matter
    # and as a heading) is one edit, kept at each place
    count = len({(entry.source, entry.target) for entry in entries})
    run.report.notices.append(
        Notice(f"{count} {how} segment(s) kept in the translation memory", str(dest))
    )
    run.report.human_segments += count
    return True


def take_person_file(plan: Plan, dest: Path, target: Target, context: str, run: Run) -> bool:
    """A file the tool did not write stands at *dest*: a person's translation.
    Taken into the memory as theirs, block by block, when its blocks line up
    with the source's (the variant is then written from it, its text unchanged,
    and the original kept beside the memory); otherwise left as it is and
    reported.  ``--force`` replaces it, keeping a copy."""
    report = run.report
    if run.options.force:
        copy = keep_edited_copy(dest, run.memory_file)
        report.notices.append(
            Notice(
                f"a translation written by a person; --force replaces it, a copy is in {copy}",
                str(dest),
            )
        )
        return True

    def refuse(why: str) -> bool:
        report.failures.append(
            (
                plan.article.path,
                f"{dest}: a translation written by a person is there and {why}; it is left as "
                "it is (make its blocks match the source's and run localize to take it in, or "
                "run with --force to replace it; a copy is kept)",
            )
        )
        return False

    if run.memory.store is None:
        return refuse("can only be taken in through the translation memory (--no-cache)")
    try:
        person = read_person_file(str(dest))
    except (InputError, OSError, ValueError) as exc:
        return refuse(f"cannot be taken in ({exc})")
    extra = added_fields(person, plan.article)
    if extra:
        return refuse(f"its field {extra} would be lost")
    found = adopt(plan, person, same_markup=keeps_inline_markup("md", plan.article))
    if not found.certain:
        return refuse(f"its blocks do not line up with the source's ({found.uncertain})")
    if found.skipped:
        return refuse("some of it cannot be taken: " + "; ".join(found.skipped))
    copy = keep_edited_copy(dest, run.memory_file, "adopted")
    if not _store_people(found.entries, plan, dest, target, context, run, refuse, "person's"):
        return False
    report.notices.append(
        Notice(
            "a translation written by a person, taken in as theirs; written again with "
            f"the tool's metadata, its text unchanged (the original is in {copy})",
            str(dest),
        )
    )
    return True


def keep_edited_copy(dest: Path, memory: Path | None, kind: str = "edited") -> Path:
    """Copy a person's file beside the memory (never into the output tree):
    ``edited/DATE/`` (or ``adopted/DATE/``) in the memory's folder."""
    base = memory.parent if memory is not None else user_cache_dir()
    return keep_copy(dest, base / kind)


def copies(segments: list[str]) -> dict[str, str]:
    """Each segment as its own translation (a source in the target's language)."""
    return {normalise(s): s for s in segments if s.strip()}
