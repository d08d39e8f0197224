"""Human work, round 3: what a person does to a project is never undone by
moving it, and the whitespace a person's text carries is kept as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st


def test_a_moved_project_re_exports_over_its_own_untouched_files(tmp_path, run_cli, monkeypatch):
    """exports.json records paths relative to the project: moved, the project's
    untouched exported files are export's own, not a translator's changes."""
    first = tmp_path / "one"
    (first / "site").mkdir(parents=True)
    (first / ".translator").mkdir()
    (first / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe vote was close.\n", encoding="utf-8"
    )
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)  # the project's own memory
    monkeypatch.chdir(first)
    assert run_cli("localize", "site", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert run_cli("export", "site", "--to", "fr", "--out", "x").exit_code == 0
    record = (first / ".translator" / "exports.json").read_text(encoding="utf-8")
    assert str(first) not in record
    moved = tmp_path / "two"
    first.rename(moved)
    monkeypatch.chdir(moved)
    again = run_cli("export", "site", "--to", "fr", "--out", "x")
    assert again.exit_code == 0, again.stderr
    assert "changed since" not in again.stdout + again.stderr


def test_no_break_spaces_of_a_hand_edit_are_kept_byte_exact(tmp_path, run_cli, monkeypatch):
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe mayor said hello.\n\nThe vote was close.\n",
        encoding="utf-8",
    )
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    mine = "Le maire a dit\u00a0: «\u00a0bonjour\u00a0»\u202f!"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace(pseudo_localize("The mayor said hello."), mine), "utf-8")
    assert run_cli(*args).exit_code == 0
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe mayor said hello.\n\nThe vote was very close.\n",
        encoding="utf-8",
    )  # the source changes elsewhere: the variant is written again from the memory
    assert run_cli(*args).exit_code == 0
    assert mine in variant.read_text(encoding="utf-8")


def test_a_review_save_keeps_the_date_the_variant_was_localized_with(
    tmp_path, monkeypatch, run_cli
):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\ndate: 2025-09-04\n---\n\nThe vote was close.\n", "utf-8"
    )
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--date", "2024-01-02")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    assert "date: 2024-01-02" in variant.read_text(encoding="utf-8")
    review = Review(["site"], ReviewOptions(parse_locales("fr")))
    segment = next(
        s for s in review.article("0", "fr").segments if s.source == "The vote was close."
    )
    saved = review.save("0", "fr", segment.id, "Le vote fut serré.", segment.target)
    assert saved.ok, saved.message
    text = variant.read_text(encoding="utf-8")
    assert "Le vote fut serré." in text and "date: 2024-01-02" in text
    assert "2 janvier 2024" in text and "2025" not in text.split("---\n")[1].split("source")[0]


def _project(root, run_cli, monkeypatch):
    (root / "site").mkdir(parents=True)
    (root / ".translator").mkdir()
    (root / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe vote was close.\n", encoding="utf-8"
    )
    monkeypatch.chdir(root)
    assert run_cli("localize", "site", "--to", "fr", "--engine", "pseudo").exit_code == 0
    assert run_cli("export", "site", "--to", "fr", "--out", "x").exit_code == 0
    xlf = root / "x" / "site" / "a.md.fr.xlf"  # its path in the project
    text = xlf.read_text(encoding="utf-8")
    start = text.index("<target>", text.index("The vote was close."))
    text = text[: start + 8] + "Le vote fut serré." + text[text.index("</target>", start) :]
    xlf.write_text(text.replace('state="initial"', 'state="translated"'), encoding="utf-8")
    return xlf


def _human_rows(memory):
    import sqlite3

    with sqlite3.connect(memory) as db:
        return db.execute("SELECT target FROM memory WHERE origin = 'human'").fetchall()


def test_an_import_from_elsewhere_goes_to_the_projects_memory(tmp_path, run_cli, monkeypatch):
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    xlf = _project(tmp_path / "proj", run_cli, monkeypatch)
    downloads = tmp_path / "Downloads"
    downloads.mkdir()
    moved = downloads / "x.xlf"
    xlf.rename(moved)
    result = run_cli("import", str(moved))  # run in the project
    assert result.exit_code == 0, result.stderr
    assert "memory .translator/memory.sqlite3" in result.stdout
    assert not (downloads / ".translator").exists()
    assert ("Le vote fut serré.",) in _human_rows(
        tmp_path / "proj" / ".translator" / "memory.sqlite3"
    )


def test_an_import_whose_articles_are_in_another_project_is_one_line(
    tmp_path, run_cli, monkeypatch
):
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    one = _project(tmp_path / "one", run_cli, monkeypatch)
    other = tmp_path / "two"
    _project(other, run_cli, monkeypatch)
    monkeypatch.chdir(other)
    # the file of project one names site/a.md: here, that is project two's article;
    # a file naming project one's article by its absolute path belongs there
    text = one.read_text(encoding="utf-8").replace(
        'original="site/a.md"', f'original="{tmp_path / "one" / "site" / "a.md"}"'
    )
    mixed = other / "mixed.xlf"
    mixed.write_text(text, encoding="utf-8")
    result = run_cli("import", str(mixed), str(other / "x" / "site" / "a.md.fr.xlf"))
    assert result.exit_code == 1
    line = [ln for ln in result.stderr.splitlines() if "mixed.xlf" in ln]
    assert len(line) == 1 and "another project" in line[0], result.stderr


def test_previous_translations_find_their_own_old_sources_among_many():
    """The word index shortlists the old sources a changed segment is compared
    with (linear time); each changed sentence still gets its own old one."""
    import random
    from types import SimpleNamespace

    from translator import people
    from translator.memory import normalise

    rng = random.Random(1)
    words = "council library budget bridge river market school road harbour ferry".split()
    old, new = [], []
    for i in range(120):
        w = rng.sample(words, 5)
        sentence = f"The {w[0]} and the {w[1]} near the {w[2]} met in meeting {i} on the {w[3]}."
        old.append(normalise(sentence))
        new.append(sentence.replace(" met in", " finally met in"))
    rows = [SimpleNamespace(source=s, target=f"t{i}") for i, s in enumerate(old)]
    answers = SimpleNamespace(by_index={}, previous={})
    people._previous(SimpleNamespace(segments=new), rows, [normalise(s) for s in new], answers)
    assert {i: r.target for i, r in answers.previous.items()} == {i: f"t{i}" for i in range(120)}


SOURCE = """---
title: Budget vote
date: 2025-09-04
---

The vote was close.

```sh
make check  # run the checks
```
"""


@pytest.mark.parametrize(
    "old, new, what",
    [
        ("make check  # run the checks", "make check  # lance les tests", "outside its sentences"),
        ("Publié le 4 septembre 2025", "Publié le jeudi 4 septembre 2025", "published line"),
        ('date_display: "4 septembre 2025"', 'date_display: "jeudi 4 septembre"', "date_display"),
    ],
)
def test_an_edit_outside_sentences_is_never_reverted_silently(
    tmp_path, run_cli, monkeypatch, old, new, what
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(SOURCE, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    assert old in text
    edited = text.replace(old, new)
    variant.write_text(edited, encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 1
    line = [ln for ln in result.stderr.splitlines() if ln.startswith("error:")]
    assert len(line) == 1 and what in line[0] and "left as it is" in line[0], line
    assert variant.read_text(encoding="utf-8") == edited  # the person's text, as they wrote it


def test_an_edit_outside_sentences_while_the_source_changed_is_kept_in_a_copy(
    tmp_path, run_cli, monkeypatch
):
    """The source changed too: what differs outside sentences may be the
    source's change or the person's; the rewrite keeps the edited file in a
    copy and says where (found by the stateful test's code-comment rule)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(SOURCE, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    source = tmp_path / "site" / "a.md"
    source.write_text(SOURCE.replace("The vote was close.", "It was close."), encoding="utf-8")
    assert run_cli(*args).exit_code == 0
    # back as it was: the memory knows every sentence, but the variant records another source
    source.write_text(SOURCE, encoding="utf-8")
    variant = tmp_path / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace("# run the checks", "# lance les tests"), encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    line = next(ln for ln in result.stderr.splitlines() if "kept in" in ln)
    copy = Path(line.rsplit("kept in ", 1)[1].strip())
    assert "# lance les tests" in copy.read_text(encoding="utf-8")


def test_a_hand_edit_of_a_page_whose_description_is_translated_is_taken(
    tmp_path, run_cli, monkeypatch
):
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\ndescription: How the council voted.\n---\n\n"
        "The vote was close.\n",
        encoding="utf-8",
    )
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    variant.write_text(text.replace(pseudo_localize("The vote was close."), "Le vote fut serré."))
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    again = variant.read_text(encoding="utf-8")
    assert "Le vote fut serré." in again
    assert f'description: "{pseudo_localize("How the council voted.")}"' in again


BUDGET = (
    "---\ntitle: Budget\n---\n\nThe library will cost 2.4 million euros.\n\nThe vote was close.\n"
)


def _budget_site(root, run_cli, monkeypatch, settings: str = ""):
    from translator.engines.pseudo import pseudo_localize

    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    monkeypatch.chdir(root)
    (root / "site").mkdir()
    (root / ".translator").mkdir()
    if settings:
        (root / "translator.toml").write_text(settings, encoding="utf-8")
    (root / "site" / "a.md").write_text(BUDGET, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo")
    assert run_cli(*args).exit_code == 0
    variant = root / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    shorter = "La bibliothèque coûtera des millions."  # the person dropped "2.4"
    variant.write_text(text.replace(pseudo_localize("The library will cost 2.4 million euros."),
                                    shorter), encoding="utf-8")  # fmt: skip
    return args, variant, shorter


def test_an_edit_that_drops_a_number_is_kept_and_flagged(tmp_path, run_cli, monkeypatch):
    args, variant, shorter = _budget_site(tmp_path, run_cli, monkeypatch)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr
    text = variant.read_text(encoding="utf-8")
    assert shorter in text and "qa: {errors: 1, warnings: 0}" in text
    gate = run_cli("coverage", "site", "--locales", "fr", "--qa")
    assert gate.exit_code == 1 and "qa" in gate.stdout
    qa = run_cli("qa", "site/a.md", str(variant))
    assert qa.exit_code == 1 and "numbers" in qa.stdout


def test_enforce_numbers_refuses_the_same_edit_with_a_message_about_numbers(
    tmp_path, run_cli, monkeypatch
):
    args, variant, shorter = _budget_site(tmp_path, run_cli, monkeypatch, 'enforce = ["numbers"]\n')
    result = run_cli(*args)
    assert result.exit_code == 1
    assert "QA numbers: 2.4 in the source has no match" in result.stderr
    assert "enforce" in result.stderr  # the fix: take numbers out of enforce, or fix the text
    assert shorter in variant.read_text(encoding="utf-8")  # left as it is


def test_an_xliff_unit_that_drops_a_number_is_imported_with_the_rest_and_flagged(
    tmp_path, run_cli, monkeypatch
):
    """Case 8: one unit failing the numbers check no longer keeps the file out:
    every unit is taken, the variant carries the finding and fails coverage --qa."""
    monkeypatch.delenv("TRANSLATOR_MEMORY", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / ".translator").mkdir()
    (tmp_path / "site" / "a.md").write_text(BUDGET, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo")
    assert run_cli(*args).exit_code == 0
    assert run_cli("export", "site", "--to", "fr", "--out", "x").exit_code == 0
    xlf = tmp_path / "x" / "site" / "a.md.fr.xlf"
    text = xlf.read_text(encoding="utf-8")
    for source, mine in (
        ("The library will cost 2.4 million euros.", "La bibliothèque coûtera des millions."),
        ("The vote was close.", "Le vote fut serré."),
    ):
        start = text.index("<target>", text.index(source))
        text = text[: start + 8] + mine + text[text.index("</target>", start) :]
    xlf.write_text(text.replace('state="initial"', 'state="translated"'), encoding="utf-8")
    imported = run_cli("import", str(xlf))
    assert imported.exit_code == 0, imported.stdout + imported.stderr
    assert run_cli(*args).exit_code == 0
    variant = (tmp_path / "site" / "a.fr.md").read_text(encoding="utf-8")
    assert "La bibliothèque coûtera des millions." in variant and "Le vote fut serré." in variant
    assert "qa: {errors: 1, warnings: 0}" in variant
    assert run_cli("coverage", "site", "--locales", "fr", "--qa").exit_code == 1


def test_an_unknown_enforced_check_is_a_usage_error(tmp_path, run_cli, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "translator.toml").write_text('enforce = ["nope"]\n', encoding="utf-8")
    (tmp_path / "a.md").write_text(BUDGET, encoding="utf-8")
    result = run_cli("localize", "a.md", "--to", "fr", "--engine", "pseudo")
    assert result.exit_code == 2 and "enforce" in result.stderr and "nope" in result.stderr


REPEATED = (
    "---\ntitle: Budget vote\n---\n\nThe vote was close. The mayor spoke first.\n\n"
    "The council met again in June.\n\nThe vote was close. Nobody left early.\n"
)


def _first_and_second(text: str, old: str, first: str, second: str) -> str:
    at = text.index(old)
    text = text[:at] + first + text[at + len(old) :]
    at = text.index(old)
    return text[:at] + second + text[at + len(old) :]


def test_a_repeated_sentence_keeps_each_places_translation(tmp_path, run_cli, monkeypatch):
    """Two places of one sentence, translated differently by a person, each keep
    their own text through harvest, rerun, export and import (case 3)."""
    import sqlite3

    from translator.engines.pseudo import pseudo_localize

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(REPEATED, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    machine = pseudo_localize("The vote was close.")
    text = variant.read_text(encoding="utf-8")
    assert text.count(machine) == 2
    one, two = "Le vote fut serré.", "Le scrutin fut serré, là aussi."
    variant.write_text(_first_and_second(text, machine, one, two), encoding="utf-8")
    first = run_cli(*args)
    assert first.exit_code == 0, first.stderr
    assert "2 edited segment(s) kept" in first.stderr
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        rows = db.execute("SELECT target FROM memory WHERE origin = 'human'").fetchall()
    assert sorted(r[0] for r in rows) == sorted([one, two])
    (tmp_path / "site" / "a.md").write_text(
        REPEATED.replace("met again in June", "met again in July"), encoding="utf-8"
    )  # the source changes elsewhere: the variant is written again from the memory
    assert run_cli(*args).exit_code == 0
    text = variant.read_text(encoding="utf-8")
    july = pseudo_localize("The council met again in July.")
    assert text.index(one) < text.index(july) < text.index(two) and machine not in text

    # export: each place its own unit and target
    assert (
        run_cli("export", "site", "--to", "fr", "--out", "x", "--cache", "m.sqlite3").exit_code == 0
    )
    xlf = tmp_path / "x" / "a.md.fr.xlf"
    exported = xlf.read_text(encoding="utf-8")
    assert f"<target>{one}</target>" in exported and f"<target>{two}</target>" in exported
    assert exported.index(one) < exported.index(two)
    # import: a translator changes both, differently; both land
    three, four = "Le vote a été serré.", "Cette fois encore, le vote a été serré."
    xlf.write_text(
        exported.replace(f"<target>{one}</target>", f"<target>{three}</target>").replace(
            f"<target>{two}</target>", f"<target>{four}</target>"
        ),
        encoding="utf-8",
    )
    imported = run_cli("import", str(xlf), "--cache", "m.sqlite3")
    assert imported.exit_code == 0, imported.stderr
    assert run_cli(*args).exit_code == 0
    text = variant.read_text(encoding="utf-8")
    assert text.index(three) < text.index(july) < text.index(four)
    assert one not in text and two not in text


SWAP = (
    "---\ntitle: Budget vote\n---\n\n"
    "The council met on Monday. The mayor opened the meeting.\n\n"
    "The library will cost two million euros. The school roof needs work.\n"
)


def test_swapped_hand_edited_paragraphs_are_never_stored_crosswise(tmp_path, run_cli, monkeypatch):
    """Case 4: two edited paragraphs of as many sentences, swapped: each reads as
    the other's translation; the file is left alone (exit 1), nothing crosswise."""
    import sqlite3

    from translator.engines.pseudo import pseudo_localize as p

    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "a.md").write_text(SWAP, encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", "--cache", "m.sqlite3")
    assert run_cli(*args).exit_code == 0
    variant = tmp_path / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    first = f"{p('The council met on Monday.')} {p('The mayor opened the meeting.')}"
    second = f"{p('The library will cost two million euros.')} {p('The school roof needs work.')}"
    assert first in text and second in text
    one = f"{p('The council met on Monday.')} Le maire a ouvert la séance."
    two = f"{p('The library will cost two million euros.')} Le toit de l'école doit être refait."
    edited = text.replace(first, "\0").replace(second, one).replace("\0", two)
    variant.write_text(edited, encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code == 1, result.stderr
    assert "moved" in result.stderr, result.stderr
    assert variant.read_text(encoding="utf-8") == edited
    with sqlite3.connect(tmp_path / "m.sqlite3") as db:
        rows = db.execute("SELECT source, target FROM memory WHERE origin = 'human'").fetchall()
    assert rows == []


BLOCKS = [
    ["The council met on Monday.", "The mayor opened the meeting."],
    ["The library will cost two million euros.", "The school roof needs work."],
    ["Farmers asked for rain.", "The river is low this summer."],
    ["Tickets go on sale in May.", "The band plays at the harbour."],
]


def _moves_site(root):
    """A project whose article of four paragraphs is localized (pseudo)."""
    (root / "site").mkdir(parents=True)
    body = "\n\n".join(" ".join(block) for block in BLOCKS)
    (root / "site" / "a.md").write_text(f"---\ntitle: Notes\n---\n\n{body}\n", "utf-8")


@st.composite
def _moves(draw):
    """Edits of some sentences (each marked with its block and sentence), then
    one change of structure: none, a permutation, a merge or a split."""
    edits = draw(st.sets(st.tuples(st.integers(0, 3), st.integers(0, 1)), min_size=1))
    shape = draw(st.sampled_from(["none", "permute", "merge", "split"]))
    order = list(range(4))
    if shape == "permute":
        order = draw(st.permutations(order))
    at = draw(st.integers(0, 2))
    return sorted(edits), shape, order, at


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(_moves())
def test_a_persons_text_is_never_attached_to_another_block(tmp_path_factory, run_cli, change):
    """Random edits, permutations, merges and splits of a variant's blocks: what
    the memory takes from it is each edited sentence for its own source, or
    nothing (the file left alone, exit 1); never a block's text for another."""
    import sqlite3

    from translator.engines.pseudo import pseudo_localize as p
    from translator.memory import normalise

    edits, shape, order, at = change
    root = tmp_path_factory.mktemp("moves")
    _moves_site(root)
    args = ["localize", str(root / "site"), "--to", "fr", "--engine", "pseudo",
            "--cache", str(root / "m.sqlite3")]  # fmt: skip
    assert run_cli(*args).exit_code == 0
    variant = root / "site" / "a.fr.md"
    text = variant.read_text(encoding="utf-8")
    head, _, _ = text.partition(" ".join(p(s) for s in BLOCKS[0]))
    paragraphs = []
    for k, block in enumerate(BLOCKS):
        sentences = []
        for n, sentence in enumerate(block):
            shown = p(sentence)
            if (k, n) in edits:  # a post-edit: the draft's words, one of them changed
                first, _, rest = shown.partition(" ")
                shown = f"Édit{k}x{n} {rest}"
            sentences.append(shown)
        paragraphs.append(sentences)
    if shape == "permute":
        paragraphs = [paragraphs[i] for i in order]
    elif shape == "merge":
        paragraphs[at : at + 2] = [paragraphs[at] + paragraphs[at + 1]]
    elif shape == "split":
        paragraphs[at : at + 1] = [paragraphs[at][:1], paragraphs[at][1:]]
    edited = head + "\n\n".join(" ".join(ss) for ss in paragraphs) + "\n"
    variant.write_text(edited, encoding="utf-8")
    result = run_cli(*args)
    assert result.exit_code in (0, 1), result.stderr
    with sqlite3.connect(root / "m.sqlite3") as db:
        rows = db.execute("SELECT source, target FROM memory WHERE origin = 'human'").fetchall()
    for source, target in rows:
        for k, n in edits:
            if f"Édit{k}x{n}" in target:
                assert normalise(BLOCKS[k][n]) in source, (shape, order, source, target)
        for k, block in enumerate(BLOCKS):
            for n, sentence in enumerate(block):
                if p(sentence) in target:  # a draft kept beside an edit: same block
                    assert any(f"Édit{k}x" in target or normalise(BLOCKS[k][n]) in source
                               for _ in [0]), (shape, order, source, target)  # fmt: skip
    if result.exit_code == 1:
        assert variant.read_text(encoding="utf-8") == edited  # left alone, the person's text
        assert rows == []
    else:
        after = variant.read_text(encoding="utf-8")
        for k, n in edits:
            assert f"Édit{k}x{n}" in after, (shape, order)  # taken, and published


def _saved_site(root, run_cli, monkeypatch, *localize_args):
    """An article localized (pseudo) with *localize_args*; its variant's path."""
    monkeypatch.chdir(root)
    (root / "site").mkdir()
    (root / "site" / "a.md").write_text(
        "---\ntitle: Budget vote\n---\n\nThe library vote was close.\n\nThe mayor spoke.\n",
        encoding="utf-8",
    )
    (root / "g.csv").write_text("en,fr\nlibrary,médiathèque\n", encoding="utf-8")
    args = ("localize", "site", "--to", "fr", "--engine", "pseudo", *localize_args)
    result = run_cli(*args)
    assert result.exit_code == 0, result.stderr


def _save(review, text="Le maire a parlé."):
    segment = next(s for s in review.article("0", "fr").segments if s.source == "The mayor spoke.")
    return review.save("0", "fr", segment.id, text, segment.target)


def test_a_review_save_keeps_the_glossary_the_variant_was_localized_with(
    tmp_path, monkeypatch, run_cli
):
    """A review started without --glossary rewrites the variant with the
    glossary it names; with that glossary gone, the save is refused."""
    from translator.locales import parse_locales
    from translator.review import REJECTED, Review, ReviewOptions

    _saved_site(tmp_path, run_cli, monkeypatch, "--glossary", "g.csv")
    variant = tmp_path / "site" / "a.fr.md"
    before = variant.read_text(encoding="utf-8")
    assert "médiathèque" in before and 'glossary_files: "../g.csv"' in before
    review = Review(["site"], ReviewOptions(parse_locales("fr"), engine="pseudo"))
    saved = _save(review)
    assert saved.ok, saved.message
    text = variant.read_text(encoding="utf-8")
    assert "Le maire a parlé." in text and "médiathèque" in text
    options = [ln for ln in before.splitlines() if ln.startswith("options:")]
    assert options and options[0] in text.splitlines()
    (tmp_path / "g.csv").unlink()
    refused = _save(review, "Le maire a pris la parole.")
    assert refused.status == REJECTED and "g.csv, is not there" in refused.message, refused.message
    assert variant.read_text(encoding="utf-8") == text  # terms not dropped


def test_a_review_save_keeps_the_layout_the_variant_was_localized_with(
    tmp_path, monkeypatch, run_cli
):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    _saved_site(tmp_path, run_cli, monkeypatch, "--layout", "dir", "--out", "out")
    variant = tmp_path / "out" / "fr" / "a.md"
    assert variant.is_file()
    review = Review(["site"], ReviewOptions(parse_locales("fr"), out="out", engine="pseudo"))
    assert review.status(review.source("0"), review.target("fr")).status != "missing"
    saved = _save(review)
    assert saved.ok, saved.message
    assert "Le maire a parlé." in variant.read_text(encoding="utf-8")
    assert sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "out").rglob("*.*")) == [
        "out/fr/a.md"
    ]


def test_a_review_save_keeps_the_format_the_variant_was_localized_with(
    tmp_path, monkeypatch, run_cli
):
    from translator.locales import parse_locales
    from translator.review import Review, ReviewOptions

    _saved_site(tmp_path, run_cli, monkeypatch, "--format", "html")
    variant = tmp_path / "site" / "a.fr.html"
    review = Review(["site"], ReviewOptions(parse_locales("fr"), engine="pseudo"))
    saved = _save(review)
    assert saved.ok, saved.message
    assert "Le maire a parlé." in variant.read_text(encoding="utf-8")
    assert not (tmp_path / "site" / "a.fr.md").exists()
